package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// TestTheQRCodeSVGDrawsEveryModuleOfTheCode reads the SVG's path back into
// a grid and compares it, module by module, with the code the library
// made, quiet zone included: what a phone scans is exactly the code.
func TestTheQRCodeSVGDrawsEveryModuleOfTheCode(t *testing.T) {
	url := "https://houdun.example.gov.cn/f/" + strings.Repeat("aZ09_-", 7) + "x"
	svg, err := qrSVG(url, `<赵秀兰 "母亲">`)
	if err != nil {
		t.Fatal(err)
	}
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Bounds().Dx()
	s := string(svg)
	if !strings.Contains(s, `viewBox="0 0 `+strconv.Itoa(n+8)+" "+strconv.Itoa(n+8)+`"`) {
		t.Errorf("no %d-module square with its quiet zone: %.200s", n+8, s)
	}
	if strings.Contains(s, `<赵`) || !strings.Contains(s, `aria-label="&lt;赵秀兰 &#34;母亲&#34;&gt;"`) {
		t.Errorf("the label is not escaped: %.300s", s)
	}
	grid := make([][]bool, n+8)
	for i := range grid {
		grid[i] = make([]bool, n+8)
	}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(s, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for i := range w {
			grid[y][x+i] = true
		}
	}
	for y := range n + 8 {
		for x := range n + 8 {
			want := x >= 4 && y >= 4 && x < n+4 && y < n+4 && dark(code, x-4, y-4)
			if grid[y][x] != want {
				t.Fatalf("module %d,%d: drawn %v, code %v", x, y, grid[y][x], want)
			}
		}
	}
}
