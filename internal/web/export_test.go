package web

// Patterns lists the page routes' patterns, for the access matrix.
func Patterns() []string {
	var out []string
	for _, rt := range (&handlers{}).routes() {
		out = append(out, rt.pattern)
	}
	return out
}
