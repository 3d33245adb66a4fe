package cli

import (
	"context"
	"fmt"
	"net"

	"houdun/internal/config"
	"houdun/internal/server"
	"houdun/internal/store"
)

func runServe(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("serve", env, &cfg)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env HOUDUN_ADDR)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	log := newLogger(env)
	st, err := openStore(ctx, cfg, env, log)
	if err != nil {
		return err
	}
	defer st.Close()
	return serve(ctx, cfg, st, env, nil)
}

// serve listens on cfg.Addr, prints the URL (and extra lines) and serves until ctx ends.
func serve(ctx context.Context, cfg config.Config, st *store.Store, env Env, banner func(url string)) error {
	log := newLogger(env)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(env.Stdout, "houdun listening on %s\n", url)
	if banner != nil {
		banner(url)
	}
	if env.Ready != nil {
		env.Ready(url)
	}
	return server.New(cfg, st, log).Serve(ctx, ln)
}
