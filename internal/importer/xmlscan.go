package importer

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a minimal streaming XML tokenizer for the two big parts of
// an .xlsx, the worksheet and the shared strings. encoding/xml builds a
// token (and a string per name and attribute) for everything it meets and
// cost more than the whole database write of an import; this one hands out
// views into its buffer and allocates only for text it is asked to keep.
//
// It understands elements, attributes, character and the five predefined
// entity references, CDATA, comments and processing instructions. It refuses
// DTDs (OOXML has none, and refusing them rules out entity expansion) and
// reports malformed or truncated input as an error rather than stopping
// quietly, so that a damaged file can never import as a shorter one.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	rerr     error // the reader's error; io.EOF at the end

	// The current token. name, attrs and the attribute values are views
	// into buf, valid until the next call of next.
	name        []byte
	attrs       []xmlAttr
	selfClosing bool
	// text holds the current text token, entity references decoded, when
	// keepText is set; otherwise text is skipped unread.
	text     []byte
	keepText bool
}

type xmlAttr struct{ name, value []byte }

// Token kinds.
const (
	tokEOF = iota
	tokStart
	tokEnd
	tokText
)

// maxMarkup bounds one tag, comment or CDATA section: far more than a real
// worksheet needs, and the buffer never grows past twice this.
const maxMarkup = 1 << 20

var errXML = errors.New("malformed XML")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 64<<10)}
}

// fill reads more input after buf[pos:end], moving that to the front first.
// It reports whether any byte was added.
func (s *xmlScanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= 2*maxMarkup {
			s.rerr = errXML
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
}

// readErr is the reader's error, nil at a clean end of input.
func (s *xmlScanner) readErr() error {
	if s.rerr == io.EOF {
		return nil
	}
	return s.rerr
}

// next reads the next token.
func (s *xmlScanner) next() (int, error) {
	for {
		if s.pos >= s.end && !s.fill() {
			return tokEOF, s.readErr()
		}
		if s.buf[s.pos] != '<' {
			return tokText, s.scanText()
		}
		// Markup: find its end, reading more input as needed.
		end, err := s.markupEnd()
		if err != nil {
			return tokEOF, err
		}
		m := s.buf[s.pos:end]
		s.pos = end
		switch m[1] {
		case '?':
			continue // processing instruction (the XML declaration)
		case '!':
			if bytes.HasPrefix(m, []byte("<!--")) {
				continue
			}
			if bytes.HasPrefix(m, []byte("<![CDATA[")) {
				s.text = append(s.text[:0], m[9:len(m)-3]...)
				return tokText, nil
			}
			return tokEOF, errXML // DOCTYPE and the like
		case '/':
			s.name = localName(trimXMLSpace(m[2 : len(m)-1]))
			return tokEnd, nil
		}
		return tokStart, s.parseTag(m)
	}
}

// markupEnd returns the index just past the markup starting at buf[pos].
// A tag ends at the first '>' outside quotes; a comment or CDATA section at
// its own terminator. Offsets are kept relative to pos, which fill moves.
func (s *xmlScanner) markupEnd() (int, error) {
	for s.end-s.pos < 9 && s.fill() {
	}
	closing, rel := "", 1
	switch m := s.buf[s.pos:s.end]; {
	case bytes.HasPrefix(m, []byte("<!--")):
		closing, rel = "-->", 4
	case bytes.HasPrefix(m, []byte("<![CDATA[")):
		closing, rel = "]]>", 9
	}
	var quote byte
	for {
		m := s.buf[s.pos:s.end]
		if closing != "" {
			if i := bytes.Index(m[min(rel, len(m)):], []byte(closing)); i >= 0 {
				return s.pos + rel + i + len(closing), nil
			}
			rel = max(rel, len(m)-len(closing)+1)
		} else {
			for ; rel < len(m); rel++ {
				switch c := m[rel]; {
				case quote != 0:
					if c == quote {
						quote = 0
					}
				case c == '"' || c == '\'':
					quote = c
				case c == '>':
					return s.pos + rel + 1, nil
				case c == '<':
					return 0, errXML
				}
			}
		}
		if len(m) > maxMarkup {
			return 0, errXML
		}
		if !s.fill() {
			if err := s.readErr(); err != nil {
				return 0, err
			}
			return 0, errXML // the input ends inside markup
		}
	}
}

// scanText reads text up to the next '<', decoding references when keepText is set.
func (s *xmlScanner) scanText() error {
	s.text = s.text[:0]
	amp := false
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		chunk := s.buf[s.pos:s.end]
		if i >= 0 {
			chunk = chunk[:i]
		}
		if s.keepText {
			s.text = append(s.text, chunk...)
			amp = amp || bytes.IndexByte(chunk, '&') >= 0
		}
		s.pos += len(chunk)
		if i >= 0 || !s.fill() {
			break
		}
	}
	if err := s.readErr(); err != nil {
		return err
	}
	if amp {
		var ok bool
		if s.text, ok = unescapeXML(s.text); !ok {
			return errXML
		}
	}
	return nil
}

// parseTag reads the name and attributes of a start tag m ("<name a='v'>").
func (s *xmlScanner) parseTag(m []byte) error {
	body := m[1 : len(m)-1]
	s.selfClosing = len(body) > 0 && body[len(body)-1] == '/'
	if s.selfClosing {
		body = body[:len(body)-1]
	}
	i := 0
	for i < len(body) && !isXMLSpace(body[i]) {
		i++
	}
	if i == 0 {
		return errXML
	}
	s.name = localName(body[:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(body) && isXMLSpace(body[i]) {
			i++
		}
		if i == len(body) {
			return nil
		}
		eq := bytes.IndexByte(body[i:], '=')
		if eq <= 0 {
			return errXML
		}
		name := trimXMLSpace(body[i : i+eq])
		i += eq + 1
		for i < len(body) && isXMLSpace(body[i]) {
			i++
		}
		if i == len(body) || (body[i] != '"' && body[i] != '\'') {
			return errXML
		}
		q := body[i]
		j := bytes.IndexByte(body[i+1:], q)
		if j < 0 {
			return errXML
		}
		value := body[i+1 : i+1+j]
		if bytes.IndexByte(value, '&') >= 0 {
			var ok bool
			if value, ok = unescapeXML(append([]byte(nil), value...)); !ok {
				return errXML
			}
		}
		s.attrs = append(s.attrs, xmlAttr{name: localName(name), value: value})
		i += j + 2
	}
}

// attr returns the value of the current start tag's attribute with local name n.
func (s *xmlScanner) attr(n string) []byte {
	for _, a := range s.attrs {
		if string(a.name) == n {
			return a.value
		}
	}
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimXMLSpace drops trailing white space (bytes.TrimRight builds a set per call).
func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// localName drops a namespace prefix: generators other than Excel write <x:row>.
func localName(n []byte) []byte {
	if i := bytes.LastIndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// unescapeXML decodes entity and character references in place.
func unescapeXML(b []byte) ([]byte, bool) {
	w := 0
	for r := 0; r < len(b); {
		if b[r] != '&' {
			b[w] = b[r]
			w++
			r++
			continue
		}
		semi := bytes.IndexByte(b[r:], ';')
		if semi < 2 {
			return nil, false
		}
		ref := b[r+1 : r+semi]
		r += semi + 1
		var c rune
		switch string(ref) {
		case "lt":
			c = '<'
		case "gt":
			c = '>'
		case "amp":
			c = '&'
		case "quot":
			c = '"'
		case "apos":
			c = '\''
		default:
			if ref[0] != '#' {
				return nil, false
			}
			base, digits := 10, ref[1:]
			if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
				base, digits = 16, digits[1:]
			}
			n, err := strconv.ParseUint(string(digits), base, 32)
			if err != nil || !utf8.ValidRune(rune(n)) || n == 0 {
				return nil, false
			}
			c = rune(n)
		}
		// A decoded reference is never longer than the reference itself.
		w += utf8.EncodeRune(b[w:], c)
	}
	return b[:w], true
}
