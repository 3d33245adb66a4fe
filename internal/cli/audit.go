package cli

import (
	"context"
	"fmt"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/store"
)

const auditUsage = `usage: houdun audit verify [--db DB]`

func runAudit(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef(auditUsage)
	}
	return runAuditVerify(ctx, env, args[1:])
}

// runAuditVerify recomputes the audit chain under the key and records the
// check as an audit row, as the server does at start and every day. It
// exits 0 with the number of rows checked, or 1 naming the first row that
// does not verify.
func runAuditVerify(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("audit verify", env, &cfg)
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.CheckAuditChain(auth.WithPrincipal(ctx, auth.System()), "cli")
	if err != nil {
		return err
	}
	if !v.OK {
		return &store.AuditChainError{ID: v.BrokenID, Reason: v.Reason}
	}
	fmt.Fprintf(env.Stdout, "audit chain ok: %d rows checked\n", v.Rows)
	return nil
}
