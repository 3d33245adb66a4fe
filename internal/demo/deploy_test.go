package demo

import (
	"context"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFillDeployments: the demo city shows posts, batches, deployments, an
// overridden couple conflict and people due for rest.
func TestFillDeployments(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		sum, err := Fill(context.Background(), st, Options{Seed: 7, People: testPeople})
		if err != nil {
			t.Fatal(err)
		}
		city := auth.WithPrincipal(context.Background(), login(t, st, "caseworker-city", "Demo-2026-caseworker-city"))
		if sum.Posts != len(demoPosts) || sum.Batches != 2 || sum.Deployments < 80 {
			t.Fatalf("summary: %d posts, %d batches, %d deployments", sum.Posts, sum.Batches, sum.Deployments)
		}
		l, err := st.ListDeployments(city, model.DeploymentFilter{Page: model.Page{Limit: 1}})
		if err != nil || l.Total != sum.Deployments {
			t.Fatalf("listed %d of %d: %v", l.Total, sum.Deployments, err)
		}
		today := st.Now().Format("2006-01-02")
		if l, _ := st.ListDeployments(city, model.DeploymentFilter{ActiveOn: today}); l.Total < 30 {
			t.Errorf("deployed today: %d", l.Total)
		}
		c, err := st.ListConflicts(city, model.ConflictFilter{})
		if err != nil || c.Total != 1 || c.Items[0].Kind != "couple" || c.Items[0].Status != "overridden" || c.Items[0].Reason == "" {
			t.Fatalf("conflicts = %+v, %v", c, err)
		}
		due, err := st.ListRestDue(city, "")
		if err != nil || len(due) < len(demoPosts) {
			t.Fatalf("rest due: %d, %v", len(due), err)
		}
		aid := 0
		for _, d := range due {
			if d.Kind == "aid" {
				aid++
			}
		}
		if aid == 0 {
			t.Error("nobody rests after the aid mission")
		}
		inst := auth.WithPrincipal(context.Background(), login(t, st, "institution-admin", "Demo-2026-institution-admin"))
		posts, err := st.ListPosts(inst, model.PostFilter{})
		if err != nil || posts.Total != 4 {
			t.Errorf("the central hospital's posts: %d, %v", posts.Total, err)
		}
	})
}
