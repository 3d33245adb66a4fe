package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// chainStore opens a fresh migrated store on e with five audit rows, and a
// raw connection to the same database: the attacker's, who can write the
// database but does not hold the key.
func chainStore(t *testing.T, e store.Engine) (*store.Store, *sql.DB, string) {
	t.Helper()
	dsn := testutil.DSN(t, e)
	st, err := store.Open(context.Background(), dsn, store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := st.Audit(testutil.System(), "test.event", "person", strconv.Itoa(i+1), model.OutcomeOK, ""); err != nil {
			t.Fatal(err)
		}
	}
	driver := "sqlite"
	if e == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return st, db, dsn
}

// tamper runs stmts with the append-only triggers dropped, as someone with
// write access to the database file or server can.
func tamper(t *testing.T, e store.Engine, db *sql.DB, stmts ...string) {
	t.Helper()
	drop := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if e == store.Postgres {
		drop = []string{"DROP TRIGGER audit_log_no_change ON audit_log"}
	}
	for _, q := range append(drop, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// recomputePlain re-chains every row with plain SHA-256, exactly as the
// chain was made before it was keyed: what an attacker without the key does
// after editing a row.
func recomputePlain(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT id, at, COALESCE(user_id, 0), username, role, ip, action, object_type, object_id, outcome, detail FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type link struct {
		id         int64
		prev, hash string
	}
	var links []link
	prev := ""
	for rows.Next() {
		var id, at, uid int64
		var f [8]string
		if err := rows.Scan(&id, &at, &uid, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, v := range append([]string{prev, strconv.FormatInt(at, 10), strconv.FormatInt(uid, 10)}, f[:]...) {
			fmt.Fprintf(h, "%d:%s", len(v), v)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		links = append(links, link{id, prev, sum})
		prev = sum
	}
	rows.Close()
	for _, l := range links {
		if _, err := db.Exec("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3", l.prev, l.hash, l.id); err != nil {
			t.Fatal(err)
		}
	}
}

func brokenAt(t *testing.T, err error) *store.AuditChainError {
	t.Helper()
	var ce *store.AuditChainError
	if !errors.As(err, &ce) {
		t.Fatalf("verify: %v, want an AuditChainError", err)
	}
	return ce
}

func TestAuditChainDetectsARowEditedBehindTheTriggers(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st, db, _ := chainStore(t, e)
			if n, err := st.VerifyAuditChain(context.Background()); err != nil || n != 5 {
				t.Fatalf("untouched chain: %d rows, %v", n, err)
			}
			tamper(t, e, db, "UPDATE audit_log SET username = 'mallory' WHERE id = 3")
			n, err := st.VerifyAuditChain(context.Background())
			if ce := brokenAt(t, err); ce.ID != 3 || ce.Reason != store.ChainHash || n != 2 {
				t.Fatalf("edited row 3: broken at %d (%s) after %d rows", ce.ID, ce.Reason, n)
			}
		})
	}
}

func TestAuditChainRecomputedWithoutTheKeyIsDetected(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st, db, _ := chainStore(t, e)
			tamper(t, e, db, "UPDATE audit_log SET username = 'mallory' WHERE id = 4")
			recomputePlain(t, db)
			_, err := st.VerifyAuditChain(context.Background())
			if ce := brokenAt(t, err); ce.ID != 1 || ce.Reason != store.ChainHash {
				t.Fatalf("plain SHA-256 chain: broken at %d (%s), want row 1", ce.ID, ce.Reason)
			}
			// A deleted row breaks the link of the one after it.
			st2, db2, _ := chainStore(t, e)
			tamper(t, e, db2, "DELETE FROM audit_log WHERE id = 2")
			_, err = st2.VerifyAuditChain(context.Background())
			if ce := brokenAt(t, err); ce.ID != 3 || ce.Reason != store.ChainLink {
				t.Fatalf("deleted row 2: broken at %d (%s), want row 3 (link)", ce.ID, ce.Reason)
			}
		})
	}
}

// TestAuditChainOfAnOlderDatabaseIsKeyedOnce: a database whose rows were
// chained with plain SHA-256 (before the key) is re-keyed at the next
// migration, in one transaction that keeps the table append-only, and the
// keying is itself audited; a plain chain that was already broken stays
// reported, naming its row, after the keying.
func TestAuditChainOfAnOlderDatabaseIsKeyedOnce(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			st, db, _ := chainStore(t, e)
			// Make it a database of the version before: plain links, not keyed.
			tamper(t, e, db, "UPDATE audit_chain SET keyed_at = 0")
			recomputePlain(t, db)
			if _, err := st.VerifyAuditChain(ctx); brokenAt(t, err).Reason != store.ChainUnkeyed {
				t.Fatalf("unkeyed chain: %v", err)
			}
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			n, err := st.VerifyAuditChain(ctx)
			if err != nil || n != 6 {
				t.Fatalf("keyed chain: %d rows, %v; want 5 re-keyed + the audit.rekey row", n, err)
			}
			auditor := testutil.As(&auth.Principal{UserID: 9, Username: "aud", Role: auth.RoleAuditor})
			list, err := st.ListAudit(auditor, model.AuditFilter{Action: store.ActAuditRekey})
			if err != nil || len(list.Items) != 1 || list.Items[0].Outcome != model.OutcomeOK || list.Items[0].Detail != "rows=5" {
				t.Fatalf("audit.rekey rows: %+v, %v", list.Items, err)
			}
			// The triggers are back.
			if _, err := db.Exec("UPDATE audit_log SET username = 'mallory' WHERE id = 1"); err == nil {
				t.Fatal("audit_log is writable after the keying")
			}
			// A second migration keys nothing again.
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if list, _ := st.ListAudit(auditor, model.AuditFilter{Action: store.ActAuditRekey}); list.Total != 1 {
				t.Fatalf("re-keyed %d times", list.Total)
			}

			// The same with a row edited before the keying: the break stays visible.
			st2, db2, _ := chainStore(t, e)
			tamper(t, e, db2, "UPDATE audit_chain SET keyed_at = 0")
			recomputePlain(t, db2)
			if _, err := db2.Exec("UPDATE audit_log SET detail = 'edited' WHERE id = 2"); err != nil {
				t.Fatal(err)
			}
			if err := st2.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			_, err = st2.VerifyAuditChain(ctx)
			if ce := brokenAt(t, err); ce.ID != 2 || ce.Reason != store.ChainLegacy {
				t.Fatalf("broken plain chain after keying: broken at %d (%s), want row 2 (legacy)", ce.ID, ce.Reason)
			}
		})
	}
}

func TestAuditChainCheckIsRecordedForTheAuditor(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st, db, _ := chainStore(t, e)
			auditor := testutil.As(&auth.Principal{UserID: 9, Username: "aud", Role: auth.RoleAuditor})
			if _, ok, err := st.LastAuditVerification(auditor); err != nil || ok {
				t.Fatalf("no check yet: ok=%v, %v", ok, err)
			}
			caseworker := testutil.As(&auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"})
			if _, _, err := st.LastAuditVerification(caseworker); model.ErrorCode(err) != model.EForbidden {
				t.Fatalf("caseworker reads the verification: %v", err)
			}
			v, err := st.CheckAuditChain(testutil.System(), "start")
			if err != nil || !v.OK || v.Rows != 5 {
				t.Fatalf("check: %+v, %v", v, err)
			}
			tamper(t, e, db, "UPDATE audit_log SET outcome = 'denied' WHERE id = 5")
			if _, err := st.CheckAuditChain(testutil.System(), "daily"); err != nil {
				t.Fatal(err)
			}
			last, ok, err := st.LastAuditVerification(auditor)
			if err != nil || !ok || last.OK || last.BrokenID != 5 || last.Reason != store.ChainHash || last.Via != "daily" || last.Rows != 4 {
				t.Fatalf("last verification: %+v ok=%v %v", last, ok, err)
			}
		})
	}
}

func TestBackupVerifiesTheChainOfTheCopy(t *testing.T) {
	st, db, _ := chainStore(t, store.SQLite)
	ctx := context.Background()
	if err := st.Backup(ctx, filepath.Join(t.TempDir(), "ok.db")); err != nil {
		t.Fatalf("backup of a sound chain: %v", err)
	}
	tamper(t, store.SQLite, db, "UPDATE audit_log SET ip = '10.0.0.1' WHERE id = 2")
	err := st.Backup(ctx, filepath.Join(t.TempDir(), "bad.db"))
	if ce := brokenAt(t, err); ce.ID != 2 {
		t.Fatalf("backup of an edited chain: %v", err)
	}
}
