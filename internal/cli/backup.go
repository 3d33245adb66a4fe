package cli

import (
	"context"
	"fmt"

	"houdun/internal/config"
)

func runBackup(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("backup", env, &cfg)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: houdun backup FILE [--db DB]")
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backed up %s to %s (integrity check ok); the key file %s is not in it: keep a copy of it apart\n", cfg.DB, pos[0], keyFileName(cfg))
	return nil
}
