package store_test

import (
	"database/sql"
	"os"
	"sort"
	"strings"
	"testing"

	"houdun/internal/store"
	"houdun/internal/testutil"
)

// catalogue is what a migrated schema defines: per table its column names,
// and per index its table and key columns ("<expr>" for an expression).
type catalogue struct {
	tables  map[string][]string
	indexes map[string]string
}

func sqliteCatalogue(t *testing.T, db *sql.DB) catalogue {
	t.Helper()
	c := catalogue{tables: map[string][]string{}, indexes: map[string]string{}}
	for _, tb := range queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name") {
		c.tables[tb] = queryStrings(t, db, "SELECT name FROM pragma_table_info($1) ORDER BY name", tb)
	}
	// Automatic indexes behind PRIMARY KEY and UNIQUE have no SQL text; they
	// are constraints, compared as columns, not as indexes.
	for _, ix := range queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name") {
		var tbl string
		if err := db.QueryRow("SELECT tbl_name FROM sqlite_master WHERE name = $1", ix).Scan(&tbl); err != nil {
			t.Fatal(err)
		}
		cols := queryStrings(t, db, "SELECT COALESCE(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno", ix)
		c.indexes[ix] = tbl + "(" + strings.Join(cols, ", ") + ")"
	}
	return c
}

func postgresCatalogue(t *testing.T, db *sql.DB) catalogue {
	t.Helper()
	c := catalogue{tables: map[string][]string{}, indexes: map[string]string{}}
	for _, tb := range queryStrings(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY table_name`) {
		c.tables[tb] = queryStrings(t, db, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY column_name`, tb)
	}
	// Indexes that back a constraint (primary key, unique) are left out, as
	// on SQLite. Key columns only (indnkeyatts): SQLite has no INCLUDE.
	rows, err := db.Query(`SELECT ic.relname, tc.relname, x.indexrelid::bigint, x.indnkeyatts FROM pg_index x
		JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = x.indrelid
		WHERE tc.relnamespace = current_schema()::regnamespace AND tc.relname <> 'goose_db_version'
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`)
	if err != nil {
		t.Fatal(err)
	}
	type ix struct {
		name, table string
		oid         int64
		keys        int
	}
	var all []ix
	for rows.Next() {
		var i ix
		if err := rows.Scan(&i.name, &i.table, &i.oid, &i.keys); err != nil {
			t.Fatal(err)
		}
		all = append(all, i)
	}
	rows.Close()
	for _, i := range all {
		var cols []string
		for k := 1; k <= i.keys; k++ {
			var def string
			var isCol bool
			err := db.QueryRow(`SELECT pg_get_indexdef($1::oid, $2, true), EXISTS (SELECT 1 FROM pg_index x
				WHERE x.indexrelid = $1::oid AND x.indkey[$2 - 1] <> 0)`, i.oid, k).Scan(&def, &isCol)
			if err != nil {
				t.Fatal(err)
			}
			if !isCol {
				def = "<expr>"
			}
			cols = append(cols, strings.Trim(def, `"`))
		}
		c.indexes[i.name] = i.table + "(" + strings.Join(cols, ", ") + ")"
	}
	return c
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// describe lists a catalogue one line per table, column and index, sorted,
// so that two engines' differences read as a diff.
func (c catalogue) describe() map[string]bool {
	out := map[string]bool{}
	for tb, cols := range c.tables {
		out["table "+tb] = true
		for _, col := range cols {
			out["column "+tb+"."+col] = true
		}
	}
	for ix, def := range c.indexes {
		out["index "+ix+" on "+def] = true
	}
	return out
}

// TestBothMigrationFoldersDefineTheSameSchema migrates a fresh SQLite and a
// fresh PostgreSQL database and compares what they define: the same tables,
// the same column names, the same indexes on the same key columns.
func TestBothMigrationFoldersDefineTheSameSchema(t *testing.T) {
	if os.Getenv("HOUDUN_TEST_POSTGRES") == "" {
		t.Skip("HOUDUN_TEST_POSTGRES is not set: there is no PostgreSQL schema to compare with")
	}
	lite := sqliteCatalogue(t, store.ReadDB(testutil.NewStore(t, store.SQLite, nil)))
	pg := postgresCatalogue(t, store.ReadDB(testutil.NewStore(t, store.Postgres, nil)))
	if len(lite.tables) == 0 || len(lite.indexes) == 0 {
		t.Fatalf("the SQLite catalogue is empty: %d tables, %d indexes", len(lite.tables), len(lite.indexes))
	}
	a, b := lite.describe(), pg.describe()
	var diff []string
	for k := range a {
		if !b[k] {
			diff = append(diff, "only in sqlite:   "+k)
		}
	}
	for k := range b {
		if !a[k] {
			diff = append(diff, "only in postgres: "+k)
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("the migration folders differ:\n%s", strings.Join(diff, "\n"))
	}
	t.Logf("compared %d tables, %d columns and %d indexes", len(lite.tables), len(a)-len(lite.tables)-len(lite.indexes), len(lite.indexes))
}
