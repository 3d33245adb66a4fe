package ident

// MaskBankAccount hides a bank account number for display, keeping the
// first 4 and last 4 digits ("6222***********1234"), so a worker recognises
// their card and nobody can pay into it from the screen. Pass the digits
// only; a number of 8 digits or fewer becomes all '*'.
func MaskBankAccount(s string) string {
	return mask(s, 4, 4)
}
