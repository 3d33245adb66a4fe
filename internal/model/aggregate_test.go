package model

import (
	"testing"
)

// visibleSum adds the visible figures of a row.
func rowFigures(f TableFigures, i int) (hidden, visibleSum int) {
	for _, c := range f.Cells[i] {
		if c.IsSuppressed() {
			hidden++
		} else {
			visibleSum += int(c)
		}
	}
	return hidden, visibleSum
}

// checkProtected fails when a published figure is 1 to SmallCell-1, a zero is
// hidden, or a line of the table hides exactly one of its figures while
// publishing its total.
func checkProtected(t *testing.T, tb CountTable, f TableFigures) {
	t.Helper()
	for i, row := range f.Cells {
		for j, c := range row {
			if c > 0 && c < SmallCell {
				t.Errorf("cell (%d,%d) = %d is published", i, j, c)
			}
			if c.IsSuppressed() && tb.Cells[i][j] == 0 {
				t.Errorf("cell (%d,%d) is a hidden zero", i, j)
			}
		}
		if n, _ := rowFigures(f, i); n == 1 && !f.RowTotals[i].IsSuppressed() {
			t.Errorf("row %d hides one cell beside its total: %v", i, row)
		}
	}
	for j := range f.ColTotals {
		n := 0
		for i := range f.Cells {
			if f.Cells[i][j].IsSuppressed() {
				n++
			}
		}
		if n == 1 && !f.ColTotals[j].IsSuppressed() {
			t.Errorf("column %d hides one cell beside its total", j)
		}
	}
	for _, c := range append(append([]Count{f.Total}, f.RowTotals...), f.ColTotals...) {
		if c > 0 && c < SmallCell {
			t.Errorf("total %d is published", c)
		}
	}
}

func TestPublishExactForRolesThatReadCases(t *testing.T) {
	tb := CountTable{Cells: [][]int{{1, 2}, {30, 0}}, Groups: [][]int{{0}}}
	f := tb.Publish(false)
	if f.Cells[0][0] != 1 || f.Cells[0][1] != 2 || f.RowTotals[0] != 3 || f.ColTotals[0] != 31 || f.Total != 33 || f.Groups[0] != 31 {
		t.Fatalf("exact figures changed: %+v", f)
	}
}

func TestPublishHidesNothingWithoutSmallCells(t *testing.T) {
	tb := CountTable{Cells: [][]int{{10, 0, 7}, {5, 20, 0}}}
	f := tb.Publish(true)
	for i := range f.Cells {
		for j, c := range f.Cells[i] {
			if c != Count(tb.Cells[i][j]) {
				t.Fatalf("cell (%d,%d) = %d, want %d", i, j, c, tb.Cells[i][j])
			}
		}
	}
	if f.Total != 42 {
		t.Fatalf("total = %d", f.Total)
	}
}

// The total minus the visible cells of a row would give its one small cell
// back: a second, complementary cell is hidden in its row, and so in its
// column, until no line hides exactly one figure.
func TestPublishComplementarySuppression(t *testing.T) {
	tb := CountTable{Cells: [][]int{
		{3, 40, 12, 9},
		{20, 30, 50, 60},
		{15, 25, 35, 45},
	}}
	f := tb.Publish(true)
	if !f.Cells[0][0].IsSuppressed() {
		t.Fatal("the small cell is shown")
	}
	if f.RowTotals[0].IsSuppressed() || f.Total != Count(344) {
		t.Fatalf("totals hidden: row %d, total %d", f.RowTotals[0], f.Total)
	}
	// Row 0 hides its next-smallest cell, 9; column 0 its next-smallest, 15.
	if !f.Cells[0][3].IsSuppressed() || !f.Cells[2][0].IsSuppressed() {
		t.Fatalf("no complementary cell: %v", f.Cells)
	}
	if _, vis := rowFigures(f, 0); int(f.RowTotals[0])-vis == 3 {
		t.Fatal("total minus the visible cells gives the small cell")
	}
	checkProtected(t, tb, f)
	figures, lines := tableLines(tb)
	if h := determined(figures, toHidden(f), lines); h != nil {
		t.Fatalf("figure %d can be worked out", h)
	}
}

// Two cells of 1 beside their total would show both (the sum of the hidden
// cells, 2, can only be 1 + 1): a third is hidden.
func TestPublishHiddenSumBelowSmallCell(t *testing.T) {
	tb := CountTable{Cells: [][]int{{1, 1, 50, 60}, {10, 10, 50, 60}}}
	f := tb.Publish(true)
	hidden, _ := rowFigures(f, 0)
	if hidden < 3 {
		t.Fatalf("row hides %d cells: %v", hidden, f.Cells[0])
	}
	checkProtected(t, tb, f)
}

// A small column total is a part of the grand total: another column total
// is hidden; and since the total minus the two groups' totals (active,
// resolved) is that column's total, a chain through several lines, one of
// the group totals is hidden too.
func TestPublishSmallColumnTotalWithGroups(t *testing.T) {
	tb := CountTable{Cells: [][]int{
		{20, 30, 40, 50, 60, 2},
		{25, 35, 45, 55, 65, 1},
		{21, 31, 41, 51, 61, 0},
		{22, 32, 42, 52, 62, 0},
		{23, 33, 43, 53, 63, 0},
	}, Groups: [][]int{{0, 1, 2}, {3, 4}}}
	f := tb.Publish(true)
	if !f.ColTotals[5].IsSuppressed() {
		t.Fatal("the small column total is shown")
	}
	if f.Total.IsSuppressed() {
		t.Fatalf("grand total hidden: %+v", f)
	}
	// Total - active - resolved is the small column's total: one of the
	// group totals has to go.
	if !f.Groups[0].IsSuppressed() && !f.Groups[1].IsSuppressed() {
		t.Fatalf("both group totals published: %+v", f)
	}
	checkProtected(t, tb, f)
	figures, lines := tableLines(tb)
	if h := determined(figures, toHidden(f), lines); h != nil {
		t.Fatalf("figure %d can be worked out: %+v", h, f)
	}
}

func TestSuppressZeroStaysShown(t *testing.T) {
	h := Suppress([]int{0, 0, 0}, []Line{{Parts: []int{0, 1}, Total: 2}})
	for i, v := range h {
		if v {
			t.Fatalf("zero %d hidden", i)
		}
	}
}

// tableLines rebuilds the figures and lines of Publish from its output
// order, for the audit of the tests.
func tableLines(tb CountTable) ([]int, []Line) {
	rows, cols := len(tb.Cells), len(tb.Cells[0])
	n := rows*cols + rows + cols + 1 + len(tb.Groups)
	figures := make([]int, n)
	grand := rows*cols + rows + cols
	var lines []Line
	margin, side := Line{Total: grand}, Line{Total: grand}
	for i := range rows {
		l := Line{Total: rows*cols + i}
		for j := range cols {
			figures[i*cols+j] = tb.Cells[i][j]
			figures[rows*cols+i] += tb.Cells[i][j]
			figures[rows*cols+rows+j] += tb.Cells[i][j]
			figures[grand] += tb.Cells[i][j]
			l.Parts = append(l.Parts, i*cols+j)
		}
		lines = append(lines, l)
		side.Parts = append(side.Parts, rows*cols+i)
	}
	for j := range cols {
		l := Line{Total: rows*cols + rows + j}
		for i := range rows {
			l.Parts = append(l.Parts, i*cols+j)
		}
		lines = append(lines, l)
		margin.Parts = append(margin.Parts, rows*cols+rows+j)
	}
	lines = append(lines, margin, side)
	for g, cs := range tb.Groups {
		l := Line{Total: grand + 1 + g}
		for _, j := range cs {
			figures[grand+1+g] += figures[rows*cols+rows+j]
			l.Parts = append(l.Parts, rows*cols+rows+j)
		}
		lines = append(lines, l)
	}
	return figures, lines
}

// toHidden lists the hidden figures of f in Publish's order.
func toHidden(f TableFigures) []bool {
	var h []bool
	for _, row := range f.Cells {
		for _, c := range row {
			h = append(h, c.IsSuppressed())
		}
	}
	for _, c := range f.RowTotals {
		h = append(h, c.IsSuppressed())
	}
	for _, c := range f.ColTotals {
		h = append(h, c.IsSuppressed())
	}
	h = append(h, f.Total.IsSuppressed())
	for _, c := range f.Groups {
		h = append(h, c.IsSuppressed())
	}
	return h
}
