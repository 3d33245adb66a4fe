package demo

import "math/rand/v2"

// creditAlphabet is the GB 32100-2015 character set (no I, O, S, V, Z); a
// character's position is its value in the checksum. ident keeps its own copy
// unexported because it only validates; the demo is the one place that makes codes.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^i mod 31 for the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCheck returns the check character of the 17-character body.
func creditCheck(body string) byte {
	sum := 0
	for i, w := range creditWeights {
		sum += indexByte(creditAlphabet, body[i]) * w
	}
	return creditAlphabet[(31-sum%31)%31]
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	panic("demo: character outside the credit-code alphabet")
}

// makeCreditCode makes a unified social credit code of a public institution
// (事业单位: registration authority 1, type 2) in county: "12" + the 6-digit
// county code + a 9-character organisation code + the check character. The
// organisation code is 8 digits and a final character from the alphabet, as
// the GB 11714 codes it replaced look.
func makeCreditCode(r *rand.Rand, county string) string {
	b := make([]byte, 0, 18)
	b = append(b, "12"...)
	b = append(b, county...)
	for range 8 {
		b = append(b, byte('0'+r.IntN(10)))
	}
	b = append(b, creditAlphabet[r.IntN(len(creditAlphabet))])
	return string(append(b, creditCheck(string(b))))
}
