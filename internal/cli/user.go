package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/model"
)

const userUsage = `usage: houdun user add --username U --role ROLE [--region CODE | --institution ID | --person ID] --password-stdin
       houdun user reset-otp --username U`

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usagef(userUsage)
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, env, args[1:])
	case "reset-otp":
		return runUserResetOTP(ctx, env, args[1:])
	}
	return usagef(userUsage)
}

// runUserResetOTP removes an account's authenticator for the administrator
// who lost their phone, when no security administrator can log in to do it:
// the account's sessions end and its next login enrols a new authenticator.
// It is audited as a system action.
func runUserResetOTP(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("user reset-otp", env, &cfg)
	username := fs.String("username", "", "login name of the account whose authenticator is lost")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *username == "" {
		return usagef("--username is required")
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	sys := auth.WithPrincipal(ctx, auth.System())
	id, err := st.UserIDByUsername(sys, *username)
	if err != nil {
		return err
	}
	if err := st.ResetOTP(sys, id, "", cfg.Session); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reset the authenticator of %s (id %d): its sessions ended; it sets up a new authenticator at its next login\n", *username, id)
	return nil
}

func runUserAdd(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("user add", env, &cfg)
	username := fs.String("username", "", "login name")
	display := fs.String("display-name", "", "name shown in the interface")
	role := fs.String("role", "", "one of: "+strings.Join(auth.Roles, ", "))
	region := fs.String("region", "", "scope: a region code (the user sees it and all below it)")
	inst := fs.Int64("institution", 0, "scope: an institution id")
	person := fs.Int64("person", 0, "a worker account's own person id")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *username == "" || *role == "" {
		return usagef("--username and --role are required")
	}
	if !auth.ValidRole(*role) {
		return usagef("unknown role %q; use one of: %s", *role, strings.Join(auth.Roles, ", "))
	}
	if !*pwStdin {
		return usagef("give the password on standard input with --password-stdin (never as an argument: it would stay in the shell history)")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return usagef("no password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	in := model.UserInput{Username: username, Role: role, Password: &password, DisplayName: display}
	if *region != "" {
		in.RegionCode = region
	}
	if *inst != 0 {
		in.InstitutionID = inst
	}
	if *person != 0 {
		in.PersonID = person
	}
	st, err := openStore(ctx, cfg, env, newLogger(env))
	if err != nil {
		return err
	}
	defer st.Close()
	if in.RegionCode != nil {
		code, err := st.EnteredRegion(auth.WithPrincipal(ctx, auth.System()), "--region", *in.RegionCode)
		if err != nil {
			return err
		}
		in.RegionCode = &code
	}
	u, err := st.CreateUser(auth.WithPrincipal(ctx, auth.System()), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
	return nil
}
