package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/demo"
	"houdun/internal/model"
)

func runDemo(ctx context.Context, env Env, args []string) error {
	cfg := config.FromEnv(env.Getenv)
	fs := flags("demo", env, &cfg)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env HOUDUN_ADDR)")
	people := fs.Int("people", 20000, "how many people the demo city has")
	seed := fs.Int64("seed", 1, "seed of the synthetic data; the same seed gives the same city")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *people < 10 || *people > 2_000_000 {
		return usagef("--people must be between 10 and 2000000")
	}
	log := newLogger(env)
	// The fill moves this clock back to write eight weeks of the needs
	// ledger on their days, and returns it to the real time before serving.
	clock := demo.NewClock(time.Now)
	st, err := openStoreAt(ctx, cfg, env, log, clock.Now)
	if err != nil {
		return err
	}
	defer st.Close()
	sys := auth.WithPrincipal(ctx, auth.System())
	existing, err := st.ListPeople(sys, model.PersonFilter{Page: model.Page{Limit: 1}})
	if err != nil {
		return err
	}
	accounts := demo.Accounts()
	if existing.Total == 0 {
		fmt.Fprintf(env.Stdout, "filling %s with the demo city (%d people)…\n", redactDSN(cfg.DB), *people)
		sum, err := demo.Fill(ctx, st, demo.Options{Seed: *seed, People: *people, Clock: clock})
		if err != nil {
			return err
		}
		if clock.Offset() != 0 {
			return fmt.Errorf("demo: the clock is still shifted by %s after the fill", clock.Offset())
		}
		fmt.Fprintf(env.Stdout, "demo city ready: %d institutions, %d people, %d family members\n", sum.Institutions, sum.People, sum.FamilyMembers)
		fmt.Fprintf(env.Stdout, "needs ledger of the last 8 weeks: %d cases, %d visits, %d volunteers (%d paired with families)\n",
			sum.Cases, sum.Visits, sum.Volunteers, sum.Pairings)
		fmt.Fprintf(env.Stdout, "transfer requests between districts: %d (caseworker-city reviews them at /transfers)\n", sum.Transfers)
		fmt.Fprintf(env.Stdout, "frontline deployment: %d posts, %d aid-team batches, %d deployments (at /deployments)\n", sum.Posts, sum.Batches, sum.Deployments)
		fmt.Fprintf(env.Stdout, "discrimination incidents: %d (caseworker handles them at /incidents)\n", sum.Incidents)
		fmt.Fprintf(env.Stdout, "psychological screening: 2 rounds, %d alerts contacted, %d sessions (counselor works them at /psych/alerts)\n", sum.PsychAlerts, sum.PsychSessions)
		fmt.Fprintf(env.Stdout, "health check-ins of deployed members: %d, family contacts: %d (caseworker at /checkins and /family-contacts, worker at /checkin)\n",
			sum.Checkins, sum.FamilyContacts)
		fmt.Fprintf(env.Stdout, "accommodation: %d sites, %d beds, %d stays; transport requests: %d (/sites, /transport)\n", sum.Sites, sum.Beds, sum.Stays, sum.Trips)
		fmt.Fprintf(env.Stdout, "supplies: %d stores, %d stock movements, %d hand-overs (caseworker at /supplies, worker at /me/supplies)\n",
			sum.Stores, sum.StockMovements, sum.HandOvers)
		fmt.Fprintf(env.Stdout, "letters: %d, commendations: %d, work-injury cases: %d (caseworker at /letters)\n", sum.Letters, sum.Commendations, sum.WorkInjuryCases)
		fmt.Fprintf(env.Stdout, "payment batches: %d (finance drafts, finance-checker approves, at /payment-batches)\n", sum.PaymentBatches)
		accounts = sum.Accounts
	} else {
		fmt.Fprintf(env.Stdout, "%s already holds %d people; serving it as it is\n", redactDSN(cfg.DB), existing.Total)
	}
	return serve(ctx, cfg, st, env, func(url string) {
		fmt.Fprintf(env.Stdout, "\nopen %s and log in with one of the demo accounts (演示账号):\n", url)
		tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  username\tpassword\trole\tscope")
		for _, a := range accounts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Password, a.Role, a.Scope)
		}
		tw.Flush()
		printDemoAuthenticators(env, accounts, st.Now())
		fmt.Fprintln(env.Stdout)
	})
}

// printDemoAuthenticators prints the keys of the demo administrators, who log
// in with a code from an authenticator app as well as the password (二次验证).
// The keys are fixed for the demo only; a real administrator sets up their own
// at the first login.
func printDemoAuthenticators(env Env, accounts []demo.Account, now time.Time) {
	var admins []demo.Account
	for _, a := range accounts {
		if a.OTPSecret() != "" {
			admins = append(admins, a)
		}
	}
	if len(admins) == 0 {
		return
	}
	fmt.Fprintln(env.Stdout, "\nadministrators also type a 6-digit code (管理员登录需动态验证码): in an authenticator app")
	fmt.Fprintln(env.Stdout, "(Microsoft or Google Authenticator, FreeOTP, 腾讯身份验证器…) add an account by \"enter a setup key\",")
	fmt.Fprintln(env.Stdout, "time-based, with the key below, or open its otpauth link on the phone; the app then shows the code:")
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  username\tauthenticator key\tcode at start (good for about a minute)")
	for _, a := range admins {
		code, err := auth.TOTPCode(a.OTPSecret(), now)
		if err != nil {
			code = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Username, a.OTPSecret(), code)
	}
	tw.Flush()
	for _, a := range admins {
		if key, err := auth.TOTPKeyFor(a.Username, a.OTPSecret()); err == nil {
			fmt.Fprintf(env.Stdout, "  %s\n", key.URI)
		}
	}
}
