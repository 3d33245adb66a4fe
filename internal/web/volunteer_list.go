package web

import (
	"net/http"
	"net/url"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// volunteerListView is the volunteer registry of the scope.
type volunteerListView struct {
	Page
	Q          string
	Skill      string
	Available  string // "", "true", "false"
	Skills     []option
	Volunteers []volunteerRow
	Pager      pager
	ExportURL  string // the list as filtered (.xlsx); empty without person.export
	ExportMax  int    // rows at most in an export
}

// volunteerRow is a volunteer as the list shows them.
type volunteerRow struct {
	model.Volunteer
	SkillLabels []string
	Region      string
}

func newVolunteerRow(p Page, vo model.Volunteer) volunteerRow {
	row := volunteerRow{Volunteer: vo, Region: regionLabel(vo.RegionCode)}
	for _, s := range vo.Skills {
		row.SkillLabels = append(row.SkillLabels, p.Label("volunteer.skill", s))
	}
	return row
}

// Filtered reports whether a filter is set.
func (v *volunteerListView) Filtered() bool { return v.Q != "" || v.Skill != "" || v.Available != "" }

func (h *handlers) volunteerList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermVolunteerManage)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &volunteerListView{Page: h.page(r, "web.volunteers.title"), Q: strings.TrimSpace(q.Get("q")), Skill: q.Get("skill"), Available: q.Get("available")}
	v.Current, v.Notice = "volunteers", v.notice(r)
	if !model.Contains(model.VolunteerSkills, v.Skill) {
		v.Skill = ""
	}
	f := model.VolunteerFilter{Q: v.Q, Skill: v.Skill, Page: pageOf(r)}
	switch v.Available {
	case "true", "false":
		b := v.Available == "true"
		f.Available = &b
	default:
		v.Available = ""
	}
	list, err := h.Store.ListVolunteers(r.Context(), f)
	if err != nil {
		return err
	}
	for _, vo := range list.Items {
		v.Volunteers = append(v.Volunteers, newVolunteerRow(v.Page, vo))
	}
	if p.Can(auth.PermPersonExport) {
		eq := url.Values{}
		for k, s := range map[string]string{"q": v.Q, "skill": v.Skill, "available": v.Available} {
			if s != "" {
				eq.Set(k, s)
			}
		}
		v.ExportURL = "/api/v1/exports/volunteers.xlsx"
		v.ExportMax = model.ListExportMax
		if len(eq) > 0 {
			v.ExportURL += "?" + eq.Encode()
		}
	}
	v.Skills = codeOptions(v.Page, "volunteer.skill", model.VolunteerSkills, v.Skill)
	v.Pager = newPager("/volunteers", url.Values{"q": {v.Q}, "skill": {v.Skill}, "available": {v.Available}}, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "volunteer_list", v)
	return nil
}
