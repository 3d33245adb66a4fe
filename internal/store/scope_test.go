package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
)

var (
	sqlTableRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|UPDATE)\s+([a-z_]+)\b`)
	sqlInsert   = regexp.MustCompile(`(?is)\bINSERT\s+INTO\s+([a-z_]+)\s*\(([^)]*)\)`)
)

// storeSQL is one function of the store's source and the SQL texts it uses:
// its string literals and the package-level string constants it names.
type storeSQL struct {
	name    string
	texts   []string
	calls   []string
	clause  bool // returns a string: builds part of a query
	scoped  bool // calls scopeOf, or a clause builder that does
	comment bool // carries an "// unscoped: why" comment
}

func parseStoreSQL(t *testing.T) []storeSQL {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	consts := map[string]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || (g.Tok != token.CONST && g.Tok != token.VAR) {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						consts[n.Name] = literalText(vs.Values[i])
					}
				}
			}
		}
	}
	var out []storeSQL
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn := storeSQL{name: fset.Position(fd.Pos()).Filename + ":" + fd.Name.Name}
			if r := fd.Type.Results; r != nil && len(r.List) == 1 && len(r.List[0].Names) <= 1 {
				id, ok := r.List[0].Type.(*ast.Ident)
				fn.clause = ok && id.Name == "string"
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						if s, err := strconv.Unquote(n.Value); err == nil {
							fn.texts = append(fn.texts, s)
						}
					}
				case *ast.Ident:
					// A package-level name: unresolved when declared in another
					// file, the file scope's own object when in this one.
					if s, ok := consts[n.Name]; ok && (n.Obj == nil || f.Scope.Lookup(n.Name) == n.Obj) {
						fn.texts = append(fn.texts, s)
					}
				case *ast.CallExpr:
					switch f := n.Fun.(type) {
					case *ast.Ident:
						fn.calls = append(fn.calls, f.Name)
						fn.scoped = fn.scoped || f.Name == "scopeOf"
					case *ast.SelectorExpr: // a method of the store: s.personFilter(…)
						fn.calls = append(fn.calls, f.Sel.Name)
					}
				}
				return true
			})
			start := fd.Pos()
			if fd.Doc != nil {
				start = fd.Doc.Pos()
			}
			for _, cg := range f.Comments {
				if cg.Pos() >= start && cg.End() <= fd.End() && strings.Contains(cg.Text(), "unscoped:") {
					fn.comment = true
				}
			}
			out = append(out, fn)
		}
	}
	// A function that calls a clause builder built on scopeOf (needFilter,
	// volunteerReach) is scoped too.
	builders := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for i := range out {
			fn := &out[i]
			for _, c := range fn.calls {
				fn.scoped = fn.scoped || builders[c]
			}
			short := fn.name[strings.LastIndex(fn.name, ":")+1:]
			if fn.scoped && fn.clause && !builders[short] {
				builders[short], changed = true, true
			}
		}
	}
	return out
}

// literalText is the text of a string constant written as literals joined by +.
func literalText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, _ := strconv.Unquote(e.Value)
			return s
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return literalText(e.X) + literalText(e.Y)
		}
	case *ast.ParenExpr:
		return literalText(e.X)
	}
	return ""
}

// TestEveryQueryOnAScopedTableIsScoped reads the store's source: a function
// whose SQL reads, updates or deletes rows of a table in scopedTables must
// add the scope clause (call scopeOf, or a helper built on it) or say in an
// "// unscoped: why" comment why it need not (the command line's system
// work, a row already read in scope by id, a scheduler job).
func TestEveryQueryOnAScopedTableIsScoped(t *testing.T) {
	var missing []string
	for _, fn := range parseStoreSQL(t) {
		if fn.scoped || fn.comment {
			continue
		}
		var tables []string
		for _, s := range fn.texts {
			for _, m := range sqlTableRef.FindAllStringSubmatch(s, -1) {
				if _, ok := scopedTables[strings.ToLower(m[1])]; ok {
					tables = append(tables, strings.ToLower(m[1]))
				}
			}
		}
		if len(tables) > 0 {
			sort.Strings(tables)
			missing = append(missing, fn.name+" ("+strings.Join(tables, ", ")+")")
		}
	}
	for _, m := range missing {
		t.Errorf("%s queries a scoped table without scopeOf(pr).on(…) or an // unscoped: comment", m)
	}
}

// TestEveryScopedRowCarriesItsRegion: every INSERT into a scoped table with
// a region column writes that column, so that a region scope finds the row.
func TestEveryScopedRowCarriesItsRegion(t *testing.T) {
	// The bulk import writes people from a column list, not an INSERT text.
	if !slices.Contains(personInsertColumns, "region_code") {
		t.Error("the import writes people without region_code")
	}
	for _, fn := range parseStoreSQL(t) {
		for _, s := range fn.texts {
			for _, m := range sqlInsert.FindAllStringSubmatch(s, -1) {
				tb, ok := scopedTables[strings.ToLower(m[1])]
				if !ok || tb.region == "" {
					continue
				}
				cols := regexp.MustCompile(`\b` + tb.region + `\b`)
				if !cols.MatchString(m[2]) {
					t.Errorf("%s inserts into %s without %s", fn.name, m[1], tb.region)
				}
			}
		}
	}
}

// TestScopeClauses pins the clause each kind of principal adds to each kind
// of table, including the named narrowings.
func TestScopeClauses(t *testing.T) {
	region := &auth.Principal{UserID: 1, Role: auth.RoleCaseworker, RegionCode: "2109"}
	inst := &auth.Principal{UserID: 2, Role: auth.RoleInstitutionAdmin, InstitutionID: 7}
	worker := &auth.Principal{UserID: 3, Role: auth.RoleWorker, PersonID: 9}
	counselor := &auth.Principal{UserID: 4, Role: auth.RoleCounselor, RegionCode: "2109"}
	volunteer := &auth.Principal{UserID: 5, Role: auth.RoleVolunteer, RegionCode: "2109"}
	link := &auth.Principal{Username: "家属", PersonID: 9, FamilyLinkID: 3, FamilyMemberID: 11}
	cases := []struct {
		name  string
		pr    *auth.Principal
		reach bool
		table string
		want  string
	}{
		{"the system reaches every person", auth.System(), false, "people", "TRUE"},
		{"a region reaches its people by prefix", region, false, "people", "(p.region_code >= $1 AND p.region_code < $2)"},
		{"an institution reaches its people", inst, false, "people", "p.institution_id = $1"},
		{"a worker reaches themselves", worker, false, "people", "p.id = $1"},
		{"a worker reaches their institution", worker, false, "institutions", "p.id = (SELECT institution_id FROM people WHERE id = $1)"},
		{"an institution manages no volunteers", inst, false, "volunteers", "FALSE"},
		{"a worker manages no accounts", worker, false, "users", "FALSE"},
		{"accounts are scoped by their scope region", region, false, "users", "(p.scope_region_code >= $1 AND p.scope_region_code < $2)"},
		{"a counselor reaches psychological cases", counselor, false, "needs", "((p.region_code >= $1 AND p.region_code < $2) AND p.category = 'psychological')"},
		{"a counselor reaches all people", counselor, false, "people", "(p.region_code >= $1 AND p.region_code < $2)"},
		{"a volunteer reaches the cases assigned to them", volunteer, false, "needs", "(p.assignee_user_id = $1 OR p.assignee_volunteer_id IN (SELECT vu.id FROM volunteers vu WHERE vu.user_id = $1))"},
		{"a volunteer could be assigned the cases of their region", volunteer, true, "needs", "(p.region_code >= $1 AND p.region_code < $2)"},
		{"a volunteer without an account reaches no case", &auth.Principal{Role: auth.RoleVolunteer, RegionCode: "21"}, false, "needs", "FALSE"},
		{"a family link reaches the cases it reported", link, false, "needs", "(p.person_id = $1 AND p.family_member_id = $2 AND p.created_by IS NULL AND p.created_by_name = $3)"},
		{"a family link reaches its person", link, false, "people", "p.id = $1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := scopeOf(c.pr)
			if c.reach {
				sc = sc.reach()
			}
			var a args
			if got := sc.on(c.table, "p", &a); got != c.want {
				t.Errorf("on(%s) = %s, want %s", c.table, got, c.want)
			}
		})
	}
}
