package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/importer"
	"houdun/internal/model"
)

func runExport(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("export", env, &cfg)
	region := fs.String("region", "", "only people of this region code and below")
	if len(args) == 0 || args[0] != "people" {
		return usagef("usage: houdun export people FILE.(xlsx|csv) [--db DB] [--region CODE]")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: houdun export people FILE.(xlsx|csv)")
	}
	path := pos[0]
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "xlsx" && format != "csv" {
		return usagef("the file name must end in .xlsx or .csv")
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	sys := auth.WithPrincipal(ctx, auth.System())
	code := ""
	if *region != "" {
		if code, err = st.EnteredRegion(sys, "--region", *region); err != nil {
			f.Close()
			os.Remove(tmp)
			return err
		}
	}
	n, err := importer.ExportPeople(sys, st, f, format, model.PersonFilter{RegionCode: code}, lang(env))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	// Renamed only when complete, so a half-written export never looks finished.
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "exported %d people to %s (ID numbers and phones masked)\n", n, path)
	return nil
}
