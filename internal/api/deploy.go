package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// Frontline deployment (一线派驻): posts, aid-team batches and their members,
// deployments with the couple and rest rules (409 couple_conflict or
// rest_required with error.conflicts), the conflicts, rest flags, the days
// report the subsidy work reads, and ranked candidates for a post.

func (h *handlers) deployRoutes() []route {
	read := perms(auth.PermDeployRead, auth.PermPostManage, auth.PermBatchManage)
	return []route{
		{Method: "GET", Path: "/api/v1/posts", Handler: h.listPosts, Perm: read},
		{Method: "POST", Path: "/api/v1/posts", Handler: h.createPost, Perm: perms(auth.PermPostManage)},
		{Method: "GET", Path: "/api/v1/posts/{id}", Handler: h.getPost, Perm: read},
		{Method: "PATCH", Path: "/api/v1/posts/{id}", Handler: h.updatePost, Perm: perms(auth.PermPostManage)},
		{Method: "GET", Path: "/api/v1/batches", Handler: h.listBatches, Perm: read},
		{Method: "POST", Path: "/api/v1/batches", Handler: h.createBatch, Perm: perms(auth.PermBatchManage)},
		{Method: "GET", Path: "/api/v1/batches/{id}", Handler: h.getBatch, Perm: read},
		{Method: "PATCH", Path: "/api/v1/batches/{id}", Handler: h.updateBatch, Perm: perms(auth.PermBatchManage)},
		{Method: "GET", Path: "/api/v1/batches/{id}/members", Handler: h.listBatchMembers, Perm: read},
		{Method: "POST", Path: "/api/v1/batches/{id}/members", Handler: h.addBatchMember, Perm: perms(auth.PermBatchManage)},
		{Method: "GET", Path: "/api/v1/deployments", Handler: h.listDeployments, Perm: read},
		{Method: "POST", Path: "/api/v1/deployments", Handler: h.createDeployment, Perm: perms(auth.PermDeployPlan)},
		{Method: "GET", Path: "/api/v1/deployments/conflicts", Handler: h.listConflicts, Perm: read},
		{Method: "GET", Path: "/api/v1/deployments/rest-due", Handler: h.listRestDue, Perm: read},
		{Method: "GET", Path: "/api/v1/deployments/days", Handler: h.deploymentDays, Perm: perms(auth.PermDeployDays)},
		{Method: "GET", Path: "/api/v1/deployments/{id}", Handler: h.getDeployment, Perm: read},
		{Method: "POST", Path: "/api/v1/deployments/{id}/cancel", Handler: h.cancelDeployment, Perm: perms(auth.PermDeployPlan)},
		{Method: "GET", Path: "/api/v1/candidates", Handler: h.candidates, Perm: perms(auth.PermDeployPlan)},
		{Method: "GET", Path: "/api/v1/exports/deployments.xlsx", Handler: h.exportDeploymentsXLSX, Perm: perms(auth.PermPersonExport)},
		{Method: "GET", Path: "/api/v1/exports/deployment-days.xlsx", Handler: h.exportDaysXLSX, Perm: perms(auth.PermPersonExport)},
	}
}

// queryDate reads an optional ISO date parameter.
func queryDate(r *http.Request, name string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "", model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return v, nil
}

// queryTier reads an optional tier (1 or 2).
func queryTier(r *http.Request) (int, error) {
	t, err := queryChoice(r, "tier", []string{"1", "2"})
	if err != nil || t == "" {
		return 0, err
	}
	return strconv.Atoi(t)
}

func writeCreated(w http.ResponseWriter, path string, id int64, v any) {
	w.Header().Set("Location", path+strconv.FormatInt(id, 10))
	httpx.WriteJSON(w, http.StatusCreated, v)
}

func postFilterOf(r *http.Request, st *store.Store) (model.PostFilter, error) {
	q := r.URL.Query()
	f := model.PostFilter{Q: q.Get("q")}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution_id"); err != nil {
		return f, err
	}
	if f.Kind, err = queryChoice(r, "kind", model.PostKinds); err != nil {
		return f, err
	}
	if f.Tier, err = queryTier(r); err != nil {
		return f, err
	}
	if f.Active, err = optionalBool(r, "active"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listPosts(w http.ResponseWriter, r *http.Request) error {
	f, err := postFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListPosts(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createPost(w http.ResponseWriter, r *http.Request) error {
	var in model.PostInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	p, err := h.Store.CreatePost(r.Context(), in)
	if err != nil {
		return err
	}
	writeCreated(w, "/api/v1/posts/", p.ID, p)
	return nil
}

func (h *handlers) getPost(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Store.GetPost(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *handlers) updatePost(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.PostInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	p, err := h.Store.UpdatePost(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (h *handlers) listBatches(w http.ResponseWriter, r *http.Request) error {
	f := model.BatchFilter{Q: r.URL.Query().Get("q")}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.ActiveOn, err = queryDate(r, "active_on"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListBatches(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createBatch(w http.ResponseWriter, r *http.Request) error {
	var in model.BatchInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	b, err := h.Store.CreateBatch(r.Context(), in)
	if err != nil {
		return err
	}
	writeCreated(w, "/api/v1/batches/", b.ID, b)
	return nil
}

func (h *handlers) getBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.GetBatch(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (h *handlers) updateBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.BatchInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	b, err := h.Store.UpdateBatch(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (h *handlers) listBatchMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.GetBatch(r.Context(), id); err != nil {
		return err
	}
	f := model.DeploymentFilter{BatchID: id, Status: r.URL.Query().Get("status")}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListDeployments(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// memberInput adds a person to a batch; empty dates are the batch's.
type memberInput struct {
	PersonID       *int64 `json:"person_id"`
	Role           string `json:"role"`
	StartsOn       string `json:"starts_on"`
	EndsOn         string `json:"ends_on"`
	ShiftHours     *int   `json:"shift_hours"`
	OverrideReason string `json:"override_reason"`
}

func (h *handlers) addBatchMember(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in memberInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	d, err := h.Store.CreateDeployment(r.Context(), model.DeploymentInput{PersonID: in.PersonID, BatchID: &id, Role: in.Role, StartsOn: in.StartsOn,
		EndsOn: in.EndsOn, ShiftHours: in.ShiftHours, OverrideReason: in.OverrideReason})
	if err != nil {
		return err
	}
	writeCreated(w, "/api/v1/deployments/", d.ID, d)
	return nil
}

// deploymentFilterOf reads the deployment list's query.
func deploymentFilterOf(r *http.Request, st *store.Store) (model.DeploymentFilter, error) {
	q := r.URL.Query()
	f := model.DeploymentFilter{Q: q.Get("q")}
	var err error
	for name, dst := range map[string]*string{"active_on": &f.ActiveOn, "from": &f.From, "to": &f.To} {
		if *dst, err = queryDate(r, name); err != nil {
			return f, err
		}
	}
	for name, dst := range map[string]*int64{"person_id": &f.PersonID, "post_id": &f.PostID, "batch_id": &f.BatchID, "institution_id": &f.InstitutionID} {
		if *dst, err = queryInt64(r, name); err != nil {
			return f, err
		}
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.Tier, err = queryTier(r); err != nil {
		return f, err
	}
	if f.Status, err = queryChoice(r, "status", append([]string{"all"}, model.DeploymentStatuses...)); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listDeployments(w http.ResponseWriter, r *http.Request) error {
	f, err := deploymentFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListDeployments(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createDeployment(w http.ResponseWriter, r *http.Request) error {
	var in model.DeploymentInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	d, err := h.Store.CreateDeployment(r.Context(), in)
	if err != nil {
		return err
	}
	writeCreated(w, "/api/v1/deployments/", d.ID, d)
	return nil
}

func (h *handlers) getDeployment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.Store.GetDeployment(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

// cancelInput is the optional body of a cancellation.
type cancelInput struct {
	Version *int64 `json:"version"`
}

func (h *handlers) cancelDeployment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in cancelInput
	if err := h.decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	d, err := h.Store.CancelDeployment(r.Context(), id, in.Version)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *handlers) listConflicts(w http.ResponseWriter, r *http.Request) error {
	f := model.ConflictFilter{}
	var err error
	if f.Status, err = queryChoice(r, "status", model.ConflictStatuses); err != nil {
		return err
	}
	if f.Kind, err = queryChoice(r, "kind", []string{model.ConflictCouple, model.ConflictRest}); err != nil {
		return err
	}
	if f.Severe, err = optionalBool(r, "severe"); err != nil {
		return err
	}
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.From, err = queryDate(r, "from"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListConflicts(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) listRestDue(w http.ResponseWriter, r *http.Request) error {
	on, err := queryDate(r, "on")
	if err != nil {
		return err
	}
	due, err := h.Store.ListRestDue(r.Context(), on)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": due, "total": len(due)})
	return nil
}

// daysQuery reads the days report's period and filter; from and to are required.
func daysQuery(r *http.Request, st *store.Store) (string, string, model.DaysFilter, error) {
	q := r.URL.Query()
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	var f model.DaysFilter
	fe := model.FieldErrors{}
	if from == "" {
		fe.Add("from", "field.required")
	}
	if to == "" {
		fe.Add("to", "field.required")
	}
	if err := fe.Err(); err != nil {
		return from, to, f, err
	}
	var err error
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return from, to, f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution_id"); err != nil {
		return from, to, f, err
	}
	f.RegionCode, err = queryRegion(r, st, "region")
	return from, to, f, err
}

// deploymentDays is GET /api/v1/deployments/days?from=&to=: per person in
// scope, tier1_days and tier2_days (exact numbers with halves) and the same
// as tier1_half_days and tier2_half_days, paged by limit and offset.
func (h *handlers) deploymentDays(w http.ResponseWriter, r *http.Request) error {
	from, to, f, err := daysQuery(r, h.Store)
	if err != nil {
		return err
	}
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	if page.Limit == 0 {
		page.Limit = 500
	}
	if page.Limit > 5000 {
		page.Limit = 5000
	}
	days, err := h.Store.DeploymentDays(r.Context(), from, to, f)
	if err != nil {
		return err
	}
	out := model.List[model.PersonDays]{Items: []model.PersonDays{}, Total: len(days), Limit: page.Limit, Offset: page.Offset}
	if page.Offset < len(days) {
		days = days[page.Offset:]
		if len(days) > page.Limit {
			days = days[:page.Limit]
		}
		out.Items = days
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		From string `json:"from"`
		To   string `json:"to"`
		model.List[model.PersonDays]
	}{from, to, out})
	return nil
}

func (h *handlers) candidates(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.CandidateFilter{Occupation: q.Get("occupation")}
	var err error
	if f.PostID, err = queryInt64(r, "post"); err != nil {
		return err
	}
	if f.PostID == 0 {
		return model.FieldErrors{"post": model.M("field.required")}.Err()
	}
	if v := q.Get("count"); v != "" {
		if f.Count, err = strconv.Atoi(v); err != nil || f.Count < 1 {
			return model.Errorf(model.EInvalid, "error.bad_query", "count")
		}
	}
	if f.Occupation != "" && !model.Contains(model.Occupations, f.Occupation) {
		return model.Errorf(model.EInvalid, "error.bad_query", "occupation")
	}
	if f.StartsOn, err = queryDate(r, "starts_on"); err != nil {
		return err
	}
	if f.EndsOn, err = queryDate(r, "ends_on"); err != nil {
		return err
	}
	list, err := h.Store.Candidates(r.Context(), f)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	for i := range list.Items {
		c := &list.Items[i]
		c.Reasons = make([]string, len(c.ReasonMsgs))
		for j, m := range c.ReasonMsgs {
			c.Reasons[j] = lang.Msg(m)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// exportDeploymentsXLSX is GET /api/v1/exports/deployments.xlsx with the query of GET /api/v1/deployments.
func (h *handlers) exportDeploymentsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := deploymentFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.deployments", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteDeployments(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// exportDaysXLSX is GET /api/v1/exports/deployment-days.xlsx with the query of GET /api/v1/deployments/days.
func (h *handlers) exportDaysXLSX(w http.ResponseWriter, r *http.Request) error {
	from, to, f, err := daysQuery(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.deployment_days", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteDeploymentDays(ctx, h.Store, out, from, to, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
