package model

import (
	"bytes"
	"math"
	"strconv"
)

// SmallCell is the smallest count a role that sees aggregates only (a
// leader) is shown exactly: DOMAIN.md asks that cells under 5 people be
// suppressed in aggregate views. The store applies it, so that the API and
// the pages show the same figures and neither can forget it.
const SmallCell = 5

// Count is a figure of an aggregate view. A small cell hidden from the
// caller is Suppressed: JSON null, "<5" on a page.
type Count int

// Suppressed stands for a count of 1 to SmallCell-1 the caller may not see.
const Suppressed Count = -1

// IsSuppressed reports whether the count is hidden.
func (c Count) IsSuppressed() bool { return c < 0 }

// Suppress returns c, or Suppressed for a small cell (1 to SmallCell-1);
// zero stays zero.
func (c Count) Suppress() Count {
	if c > 0 && c < SmallCell {
		return Suppressed
	}
	return c
}

// MarshalJSON writes the number, or null when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.IsSuppressed() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(c), 10), nil
}

// UnmarshalJSON reads a number, or null as Suppressed.
func (c *Count) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*c = Suppressed
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	*c = Count(n)
	return nil
}

// Line is one published sum of an aggregate view: the figures Parts add up
// to the figure Total (indexes into the figures of Suppress). A row of a
// table and its row total is a line, and so is a column and its column
// total, the column totals and the grand total, or a group of columns and
// the figure published for the group.
type Line struct {
	Parts []int
	Total int
}

// Suppress decides which figures of an aggregate view a role that sees
// aggregates only (a leader) may not see, given the figures (counts, by
// index) and the sums that are published between them (lines). It is the
// one rule of small-cell suppression: the API, the pages and every export
// call it (through CountTable.Publish for a table), so that they hide the
// same cells.
//
//   - Primary suppression: every figure of 1 to SmallCell-1 is hidden; zero
//     is shown.
//   - Complementary (secondary) suppression, as statistics offices do, so
//     that no hidden figure can be worked out from the published ones: while
//     a hidden figure is determined exactly by the published figures and the
//     lines (a row with one hidden cell and its total, but also a chain
//     through several lines; checked by linear algebra, not line by line),
//     or a line with a visible total hides figures that add up to less than
//     SmallCell (two hidden 1s beside their total), the smallest visible
//     non-zero figure it is worked out from is hidden too (for a row with
//     one hidden cell: the row's next-smallest cell), and the check repeats
//     until stable. Cells are hidden before margins (a column total is a
//     part of the grand total), and those before the totals that are no
//     line's part (the grand total, a group's), which are hidden only when
//     nothing else would do (the grand total minus two group totals giving
//     a small third).
//
// Hidden figures are never zero (a zero never needs hiding: the visible
// parts of a line that must hide one more always include a non-zero one),
// so a viewer learns nothing from which cells are hidden beyond "hidden".
// What it does not guard against: bounds a viewer can derive from several
// hidden figures together (it guarantees no single figure is exact), and
// other publications of overlapping tables, which must call it with the
// same figures and lines to hide the same cells.
func Suppress(figures []int, lines []Line) []bool {
	hidden := make([]bool, len(figures))
	for i, v := range figures {
		hidden[i] = v > 0 && v < SmallCell
	}
	// rank orders the candidates for a complementary suppression: cells
	// (no line's total) first, then the margins, then the totals that are
	// no line's part (the grand total, the groups').
	rank := make([]int, len(figures))
	for _, l := range lines {
		rank[l.Total] = 2
	}
	for _, l := range lines {
		for _, p := range l.Parts {
			if rank[p] == 2 {
				rank[p] = 1
			}
		}
	}
	for {
		var candidates []int
		for _, l := range lines {
			if lineTooSmall(figures, hidden, l) {
				candidates = l.Parts
				break
			}
		}
		if candidates == nil {
			candidates = determined(figures, hidden, lines)
			if candidates == nil {
				return hidden
			}
		}
		i := smallestVisible(figures, hidden, rank, candidates)
		if i < 0 {
			// Cannot happen with consistent figures; hide the smallest
			// visible figure, which ends the loop in the worst case.
			all := make([]int, len(figures))
			for k := range all {
				all[k] = k
			}
			if i = smallestVisible(figures, hidden, rank, all); i < 0 {
				return hidden
			}
		}
		hidden[i] = true
	}
}

// lineTooSmall reports whether line l publishes its total but hides parts
// adding up to 1 to SmallCell-1: 1 + 1 beside their total would show both.
func lineTooSmall(figures []int, hidden []bool, l Line) bool {
	if hidden[l.Total] {
		return false
	}
	sum := 0
	for _, p := range l.Parts {
		if hidden[p] {
			sum += figures[p]
		}
	}
	return sum > 0 && sum < SmallCell
}

// smallestVisible is the visible non-zero figure of among of the lowest
// rank, and of those the smallest (the first of equals); -1 if none.
func smallestVisible(figures []int, hidden []bool, rank []int, among []int) int {
	best := -1
	for _, p := range among {
		if hidden[p] || figures[p] <= 0 {
			continue
		}
		if best < 0 || rank[p] < rank[best] || rank[p] == rank[best] && figures[p] < figures[best] {
			best = p
		}
	}
	return best
}

// determined looks for a hidden figure whose value follows exactly from the
// visible figures and the lines, and returns the visible figures it is
// worked out from (those whose hiding would stop that way of working it
// out); nil when no hidden figure can be. Each line is an equation (its
// parts minus its total is zero); eliminating the hidden figures leaves,
// for a determined one, an equation with that hidden figure alone and
// visible ones.
func determined(figures []int, hidden []bool, lines []Line) []int {
	m := make([][]float64, len(lines))
	for li, l := range lines {
		m[li] = make([]float64, len(figures))
		for _, p := range l.Parts {
			m[li][p]++
		}
		m[li][l.Total]--
	}
	const eps = 1e-9
	r := 0
	var pivots []int
	for c := range figures {
		if !hidden[c] || r == len(m) {
			continue
		}
		p := -1
		for i := r; i < len(m); i++ {
			if math.Abs(m[i][c]) > eps && (p < 0 || math.Abs(m[i][c]) > math.Abs(m[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		div := m[r][c]
		for k := range m[r] {
			m[r][k] /= div
		}
		for i := range m {
			if i != r && math.Abs(m[i][c]) > eps {
				f := m[i][c]
				for k := range m[i] {
					m[i][k] -= f * m[r][k]
				}
			}
		}
		pivots = append(pivots, c)
		r++
	}
	for i, c := range pivots {
		var from []int
		alone := true
		for k, v := range m[i] {
			if k == c || math.Abs(v) <= eps {
				continue
			}
			if hidden[k] {
				alone = false
				break
			}
			from = append(from, k)
		}
		if alone && len(from) > 0 {
			return from
		}
	}
	return nil
}

// CountTable is a two-way table of counts (rows × columns, e.g. categories ×
// statuses) that is published with its row totals, column totals and grand
// total, and with the totals of Groups of columns (the dashboard's active
// cases: open + assigned + in progress).
type CountTable struct {
	Cells  [][]int // [row][column]; every row as long as the first
	Groups [][]int // column indexes whose sum is published too
}

// TableFigures are the figures of a CountTable as a caller may see them:
// exact, or with the hidden ones Suppressed.
type TableFigures struct {
	Cells     [][]Count
	RowTotals []Count
	ColTotals []Count
	Total     Count
	Groups    []Count
}

// Publish returns the figures of the table: exact when suppress is false
// (roles that read the cases anyway), else with the cells, totals and group
// totals that Suppress hides set to Suppressed.
func (t CountTable) Publish(suppress bool) TableFigures {
	rows := len(t.Cells)
	cols := 0
	if rows > 0 {
		cols = len(t.Cells[0])
	}
	// Figures: the cells row by row, then the row totals, the column
	// totals, the grand total and the group totals.
	cell := func(i, j int) int { return i*cols + j }
	rowTotal := func(i int) int { return rows*cols + i }
	colTotal := func(j int) int { return rows*cols + rows + j }
	grand := rows*cols + rows + cols
	group := func(g int) int { return grand + 1 + g }
	figures := make([]int, grand+1+len(t.Groups))
	var lines []Line
	for i := range rows {
		l := Line{Total: rowTotal(i)}
		for j := range cols {
			v := t.Cells[i][j]
			figures[cell(i, j)] = v
			figures[rowTotal(i)] += v
			figures[colTotal(j)] += v
			figures[grand] += v
			l.Parts = append(l.Parts, cell(i, j))
		}
		lines = append(lines, l)
	}
	margin := Line{Total: grand}
	for j := range cols {
		l := Line{Total: colTotal(j)}
		for i := range rows {
			l.Parts = append(l.Parts, cell(i, j))
		}
		lines = append(lines, l)
		margin.Parts = append(margin.Parts, colTotal(j))
	}
	lines = append(lines, margin)
	side := Line{Total: grand}
	for i := range rows {
		side.Parts = append(side.Parts, rowTotal(i))
	}
	lines = append(lines, side)
	for g, cs := range t.Groups {
		l := Line{Total: group(g)}
		for _, j := range cs {
			figures[group(g)] += figures[colTotal(j)]
			l.Parts = append(l.Parts, colTotal(j))
		}
		lines = append(lines, l)
	}
	hidden := make([]bool, len(figures))
	if suppress {
		hidden = Suppress(figures, lines)
	}
	at := func(i int) Count {
		if hidden[i] {
			return Suppressed
		}
		return Count(figures[i])
	}
	out := TableFigures{Cells: make([][]Count, rows), RowTotals: make([]Count, rows), ColTotals: make([]Count, cols),
		Total: at(grand), Groups: make([]Count, len(t.Groups))}
	for i := range rows {
		out.Cells[i] = make([]Count, cols)
		for j := range cols {
			out.Cells[i][j] = at(cell(i, j))
		}
		out.RowTotals[i] = at(rowTotal(i))
	}
	for j := range cols {
		out.ColTotals[j] = at(colTotal(j))
	}
	for g := range t.Groups {
		out.Groups[g] = at(group(g))
	}
	return out
}
