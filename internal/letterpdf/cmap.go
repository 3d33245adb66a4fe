package letterpdf

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// The PDF writer parses a font's whole character map into maps for every
// document it makes: for WenQuanYi Micro Hei's 30,000 characters that is
// most of the time a one-page letter takes. A letter uses a few hundred, so
// each document gets the font with a character map of only the characters
// it draws (glyphs, metrics and everything else unchanged); the writer then
// embeds its usual subset of the glyphs.

// sfntTable is one table of a TrueType font.
type sfntTable struct {
	tag  string
	data []byte
}

// readTables splits a TrueType font into its tables, in directory order.
func readTables(font []byte) ([]sfntTable, error) {
	if len(font) < 12 {
		return nil, fmt.Errorf("%w: short font", ErrNoFont)
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, fmt.Errorf("%w: bad table directory", ErrNoFont)
	}
	out := make([]sfntTable, n)
	for i := range out {
		e := font[12+16*i:]
		off, length := binary.BigEndian.Uint32(e[8:]), binary.BigEndian.Uint32(e[12:])
		if uint64(off)+uint64(length) > uint64(len(font)) {
			return nil, fmt.Errorf("%w: table %q out of the file", ErrNoFont, e[:4])
		}
		out[i] = sfntTable{tag: string(e[:4]), data: font[off : off+length]}
	}
	return out, nil
}

// writeTables joins tables into a TrueType font (sfnt version 1.0).
func writeTables(tables []sfntTable) []byte {
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += (len(t.data) + 3) &^ 3
	}
	out := make([]byte, size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	es := 1
	for es*2 <= n {
		es *= 2
	}
	log := 0
	for 1<<(log+1) <= es {
		log++
	}
	binary.BigEndian.PutUint16(out[6:], uint16(es*16))
	binary.BigEndian.PutUint16(out[8:], uint16(log))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-es*16))
	pos := 12 + 16*n
	for i, t := range tables {
		e := out[12+16*i:]
		copy(e, t.tag)
		binary.BigEndian.PutUint32(e[4:], checksum(t.data))
		binary.BigEndian.PutUint32(e[8:], uint32(pos))
		binary.BigEndian.PutUint32(e[12:], uint32(len(t.data)))
		copy(out[pos:], t.data)
		pos += (len(t.data) + 3) &^ 3
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// readCmap reads the Unicode BMP character map (platform 3, encoding 1,
// format 4) of a font: character → glyph.
func readCmap(tables []sfntTable) (map[rune]uint16, error) {
	var cmap []byte
	for _, t := range tables {
		if t.tag == "cmap" {
			cmap = t.data
		}
	}
	if len(cmap) < 4 {
		return nil, fmt.Errorf("%w: no character map", ErrNoFont)
	}
	u16 := func(off int) int {
		if off+2 > len(cmap) {
			return 0
		}
		return int(binary.BigEndian.Uint16(cmap[off:]))
	}
	for i := range u16(2) {
		rec := 4 + 8*i
		if u16(rec) != 3 || u16(rec+2) != 1 {
			continue
		}
		sub := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if u16(sub) != 4 {
			continue
		}
		segs := u16(sub+6) / 2
		ends, starts := sub+14, sub+16+2*segs
		deltas, ranges := starts+2*segs, starts+4*segs
		out := make(map[rune]uint16, 32768)
		for s := range segs {
			start, end := u16(starts+2*s), u16(ends+2*s)
			delta, ro := u16(deltas+2*s), u16(ranges+2*s)
			for c := start; c <= end && c != 0xFFFF; c++ {
				var g int
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else if g = u16(ranges + 2*s + ro + 2*(c-start)); g != 0 {
					g = (g + delta) & 0xFFFF
				}
				if g != 0 {
					out[rune(c)] = uint16(g)
				}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: no Unicode BMP character map", ErrNoFont)
}

// cmapOf is a cmap table of one format-4 subtable mapping chars (sorted,
// BMP, each in m) to their glyphs: a segment per character.
func cmapOf(m map[rune]uint16, chars []rune) []byte {
	segs := len(chars) + 1
	sub := make([]byte, 16+8*segs)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*segs))
	es := 1
	for es*2 <= segs {
		es *= 2
	}
	log := 0
	for 1<<(log+1) <= es {
		log++
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2*es))
	binary.BigEndian.PutUint16(sub[10:], uint16(log))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*segs-2*es))
	ends, starts := 14, 16+2*segs
	deltas := starts + 2*segs
	for i, c := range chars {
		binary.BigEndian.PutUint16(sub[ends+2*i:], uint16(c))
		binary.BigEndian.PutUint16(sub[starts+2*i:], uint16(c))
		binary.BigEndian.PutUint16(sub[deltas+2*i:], uint16(int(m[c])-int(c)))
	}
	last := segs - 1
	binary.BigEndian.PutUint16(sub[ends+2*last:], 0xFFFF)
	binary.BigEndian.PutUint16(sub[starts+2*last:], 0xFFFF)
	binary.BigEndian.PutUint16(sub[deltas+2*last:], 1)
	head := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(head, sub...)
}

// forText returns the font with a character map of only the characters of
// texts (and printable ASCII), those the font has.
func (r *Renderer) forText(texts ...string) []byte {
	need := map[rune]bool{}
	for c := rune(0x20); c < 0x7F; c++ {
		need[c] = true
	}
	for _, t := range texts {
		for _, c := range t {
			need[c] = true
		}
	}
	chars := make([]rune, 0, len(need))
	for c := range need {
		if _, ok := r.cmap[c]; ok && c < 0xFFFF {
			chars = append(chars, c)
		}
	}
	slices.Sort(chars)
	if len(chars) > 8000 { // a format-4 table's size limit: use the whole map
		return r.font
	}
	tables := slices.Clone(r.tables)
	for i := range tables {
		if tables[i].tag == "cmap" {
			tables[i].data = cmapOf(r.cmap, chars)
		}
	}
	return writeTables(tables)
}
