package auth

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// commonPasswords is the list of the 49,233 passwords found most often in
// leaked password sets, one a line, most common first: the `passwords` list of
// the npm package @zxcvbn-ts/language-common 4.1.3 (MIT, licence in
// common_passwords.LICENSE), the maintained successor of Dropbox's zxcvbn
// lists. It is lower case; a password is compared in lower case, whole, as
// NIST SP 800-63B §3.1.1.2 asks of "commonly used, expected or compromised"
// values.
//
//go:embed common_passwords.txt
var commonPasswords string

var commonSorted = sync.OnceValue(func() []string {
	list := strings.Fields(commonPasswords)
	slices.Sort(list)
	return slices.Compact(list)
})

// IsCommonPassword reports whether password, in lower case, is on the list
// of common passwords.
func IsCommonPassword(password string) bool {
	_, found := slices.BinarySearch(commonSorted(), strings.ToLower(password))
	return found
}
