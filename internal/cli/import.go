package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/importer"
	"houdun/internal/model"
)

func runImport(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("import", env, &cfg)
	dry := fs.Bool("dry-run", false, "validate the file and report, writing nothing")
	if len(args) == 0 {
		return usagef("usage: houdun import people|families FILE [--db DB] [--dry-run]")
	}
	kind := importer.Kind(args[0])
	if kind != importer.KindPeople && kind != importer.KindFamilies {
		return usagef("unknown import kind %q: use people or families", args[0])
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: houdun import %s FILE", kind)
	}
	path := pos[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	log := newLogger(env)
	st, err := openStore(ctx, cfg, env, log)
	if err != nil {
		return err
	}
	defer st.Close()

	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription(string(kind)),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
	opt := importer.Options{DryRun: *dry, Progress: func(done, total int) {
		bar.ChangeMax(total)
		bar.Set(done)
	}}
	sys := auth.WithPrincipal(ctx, auth.System())
	var res model.ImportResult
	if kind == importer.KindPeople {
		res, err = importer.ImportPeople(sys, st, f, filepath.Base(path), opt)
	} else {
		res, err = importer.ImportFamilies(sys, st, f, filepath.Base(path), opt)
	}
	bar.Finish()
	if err != nil {
		var me *model.Error
		if errors.As(err, &me) && len(me.Rows) > 0 {
			l := lang(env)
			for _, r := range me.Rows {
				fmt.Fprintf(env.Stderr, "%s:%d: %s: %s\n", filepath.Base(path), r.Row, r.Column, l.Msg(r.Msg))
			}
		}
		return err
	}
	verb := "imported"
	if *dry {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(env.Stdout, "%s %s: created %d, updated %d, unchanged %d\n", verb, path, res.Created, res.Updated, res.Unchanged)
	return nil
}
