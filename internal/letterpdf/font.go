package letterpdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultFontPath is where Debian's fonts-wqy-microhei puts WenQuanYi Micro
// Hei (Apache-2.0), a TrueType collection whose first face covers Chinese,
// Latin and ¥. The README names the package; .ci/run installs it.
const DefaultFontPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// ErrNoFont is returned when the letter font cannot be read.
var ErrNoFont = errors.New("letterpdf: the letter font is missing")

// LoadFont reads a TrueType font for letters: a .ttf as it is, or the
// first face of a TrueType collection (.ttc) extracted to a .ttf in memory,
// because the pure-Go PDF writer reads single TrueType fonts only.
func LoadFont(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoFont, filepath.Base(path), err)
	}
	if len(b) >= 4 && string(b[:4]) == "ttcf" {
		return ExtractFace(b, 0)
	}
	if len(b) < 12 || (binary.BigEndian.Uint32(b) != 0x00010000 && string(b[:4]) != "true") {
		return nil, fmt.Errorf("%w: %s is not a TrueType font", ErrNoFont, filepath.Base(path))
	}
	return b, nil
}

// ExtractFace copies face n of a TrueType collection into a standalone
// TrueType font: its offset table and directory, then each table it names,
// 4-byte aligned, with the directory's offsets rewritten. Checksums are
// kept (they cover the table bytes, which do not change); head's
// checkSumAdjustment is left as the collection had it, which readers ignore.
func ExtractFace(ttc []byte, n int) ([]byte, error) {
	bad := func(what string) ([]byte, error) {
		return nil, fmt.Errorf("%w: bad TrueType collection (%s)", ErrNoFont, what)
	}
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return bad("header")
	}
	faces := int(binary.BigEndian.Uint32(ttc[8:]))
	if n < 0 || n >= faces || len(ttc) < 12+4*faces {
		return bad("face count")
	}
	off := int(binary.BigEndian.Uint32(ttc[12+4*n:]))
	if off+12 > len(ttc) {
		return bad("face offset")
	}
	numTables := int(binary.BigEndian.Uint16(ttc[off+4:]))
	dirEnd := off + 12 + 16*numTables
	if dirEnd > len(ttc) {
		return bad("table directory")
	}
	type table struct {
		tag                 string
		sum, offset, length uint32
		newOffset           uint32
	}
	tables := make([]table, numTables)
	for i := range tables {
		e := ttc[off+12+16*i:]
		t := table{tag: string(e[:4]), sum: binary.BigEndian.Uint32(e[4:]), offset: binary.BigEndian.Uint32(e[8:]), length: binary.BigEndian.Uint32(e[12:])}
		if int(t.offset)+int(t.length) > len(ttc) {
			return bad("table " + strings.TrimSpace(t.tag))
		}
		tables[i] = t
	}
	// Tables in file order of the new font; the directory stays sorted by tag.
	order := make([]int, numTables)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return tables[order[a]].offset < tables[order[b]].offset })
	pos := uint32(12 + 16*numTables)
	size := pos
	for _, i := range order {
		tables[i].newOffset = size
		size += (tables[i].length + 3) &^ 3
	}
	out := make([]byte, size)
	copy(out, ttc[off:off+12])
	for i, t := range tables {
		e := out[12+16*i:]
		copy(e, t.tag)
		binary.BigEndian.PutUint32(e[4:], t.sum)
		binary.BigEndian.PutUint32(e[8:], t.newOffset)
		binary.BigEndian.PutUint32(e[12:], t.length)
		copy(out[t.newOffset:], ttc[t.offset:t.offset+t.length])
	}
	return out, nil
}
