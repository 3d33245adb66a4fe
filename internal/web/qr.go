package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// qrSVG renders text as a QR code in an inline SVG: one path of the dark
// modules on a white square with the four-module quiet zone the standard
// asks for, scaled by the page (crisp on any phone, nothing to download,
// allowed by the page's content security policy). Error correction is M
// (15 %), enough for a code shown on a screen or printed. It is made on the
// server from the link just created and never stored: the link's token is
// in it, and is shown only once.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	n := code.Bounds().Dx()
	const quiet = 4
	size := n + 2*quiet
	var d strings.Builder
	for y := range n {
		for x := 0; x < n; x++ {
			if !dark(code, x, y) {
				continue
			}
			run := 1
			for x+run < n && dark(code, x+run, y) {
				run++
			}
			fmt.Fprintf(&d, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run - 1
		}
	}
	svg := fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		size, size, template.HTMLEscapeString(label), size, size, d.String())
	return template.HTML(svg), nil
}

// dark reports whether the module at x, y of a QR code is dark.
func dark(code barcode.Barcode, x, y int) bool {
	r, _, _, _ := code.At(x, y).RGBA()
	return r == 0
}
