package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/letterpdf"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// Consolation letters (慰问信), commendations (表彰), the title-evaluation
// priority list and work-injury determination cases (工伤认定). The store
// decides scope; PDFs are drawn by package letterpdf from the letters' frozen
// text.

func (h *handlers) letterRoutes() []route {
	manage, own := auth.PermLetterManage, auth.PermLetterOwn
	nominate, review := auth.PermCommendationNominate, auth.PermCommendationReview
	injury, title := auth.PermWorkInjuryManage, auth.PermTitlePriorityRead
	return []route{
		{Method: "GET", Path: "/api/v1/letter-templates", Handler: h.listLetterTemplates, Perm: perms(manage)},
		{Method: "POST", Path: "/api/v1/letter-templates", Handler: h.createLetterTemplate, Perm: perms(manage)},
		{Method: "GET", Path: "/api/v1/letter-templates/{id}", Handler: h.getLetterTemplate, Perm: perms(manage)},
		{Method: "PATCH", Path: "/api/v1/letter-templates/{id}", Handler: h.updateLetterTemplate, Perm: perms(manage)},
		{Method: "POST", Path: "/api/v1/letters/generate", Handler: h.generateLetters, Perm: perms(manage)},
		{Method: "GET", Path: "/api/v1/letters", Handler: h.listLetters, Perm: perms(manage, own)},
		{Method: "GET", Path: "/api/v1/letters/merged.pdf", Handler: h.mergedLettersPDF, Perm: perms(manage)},
		{Method: "GET", Path: "/api/v1/letters/{id}", Handler: h.getLetter, Perm: perms(manage, own)},
		{Method: "GET", Path: "/api/v1/letters/{id}/pdf", Handler: h.letterPDF, Perm: perms(manage, own)},
		{Method: "POST", Path: "/api/v1/letters/{id}/delivery", Handler: h.deliverLetter, Perm: perms(manage, own)},
		{Method: "GET", Path: "/api/v1/exports/letters.xlsx", Handler: h.exportLettersXLSX, Perm: perms(manage)},

		{Method: "GET", Path: "/api/v1/commendations", Handler: h.listCommendations, Perm: perms(nominate, review)},
		{Method: "POST", Path: "/api/v1/commendations", Handler: h.nominateCommendation, Perm: perms(nominate)},
		{Method: "GET", Path: "/api/v1/commendations/{id}", Handler: h.getCommendation, Perm: perms(nominate, review)},
		{Method: "POST", Path: "/api/v1/commendations/{id}/approve", Handler: h.decideCommendation(true), Perm: perms(review)},
		{Method: "POST", Path: "/api/v1/commendations/{id}/reject", Handler: h.decideCommendation(false), Perm: perms(review)},
		{Method: "GET", Path: "/api/v1/exports/commendations.xlsx", Handler: h.exportCommendationsXLSX, Perm: perms(nominate, review)},
		{Method: "GET", Path: "/api/v1/exports/honour-roll.xlsx", Handler: h.exportHonourRollXLSX, Perm: perms(nominate, review)},

		{Method: "GET", Path: "/api/v1/title-priority", Handler: h.listTitlePriority, Perm: perms(title)},
		{Method: "GET", Path: "/api/v1/exports/title-priority.xlsx", Handler: h.exportTitlePriorityXLSX, Perm: perms(title)},

		{Method: "GET", Path: "/api/v1/work-injury-cases", Handler: h.listWorkInjuryCases, Perm: perms(injury)},
		{Method: "POST", Path: "/api/v1/work-injury-cases", Handler: h.openWorkInjuryCase, Perm: perms(injury)},
		{Method: "GET", Path: "/api/v1/work-injury-cases/{id}", Handler: h.getWorkInjuryCase, Perm: perms(injury)},
		{Method: "PATCH", Path: "/api/v1/work-injury-cases/{id}", Handler: h.updateWorkInjuryCase, Perm: perms(injury)},
		{Method: "GET", Path: "/api/v1/exports/work-injury-cases.xlsx", Handler: h.exportWorkInjuryXLSX, Perm: perms(injury)},
	}
}

// queryID reads an optional id parameter.
func queryID(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return n, nil
}

func (h *handlers) listLetterTemplates(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	list, err := h.Store.ListLetterTemplates(r.Context(), r.URL.Query().Get("active") == "true", page)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createLetterTemplate(w http.ResponseWriter, r *http.Request) error {
	var in model.LetterTemplateInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	t, err := h.Store.CreateLetterTemplate(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *handlers) getLetterTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetLetterTemplate(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *handlers) updateLetterTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.LetterTemplateInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	t, err := h.Store.UpdateLetterTemplate(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *handlers) generateLetters(w http.ResponseWriter, r *http.Request) error {
	var g model.LetterGeneration
	if err := httpx.DecodeJSON(w, r, &g, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	res, err := h.Store.GenerateLetters(r.Context(), g)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, res)
	return nil
}

// letterFilterOf reads the letter list's query.
func letterFilterOf(r *http.Request, st *store.Store) (model.LetterFilter, error) {
	f := model.LetterFilter{Q: r.URL.Query().Get("q")}
	var err error
	if f.TemplateID, err = queryID(r, "template_id"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryID(r, "institution_id"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryID(r, "person_id"); err != nil {
		return f, err
	}
	if f.Status, err = queryChoice(r, "status", model.LetterStatuses); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listLetters(w http.ResponseWriter, r *http.Request) error {
	f, err := letterFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListLetters(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getLetter(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	l, err := h.Store.GetLetter(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (h *handlers) deliverLetter(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var d model.LetterDelivery
	if err := httpx.DecodeJSON(w, r, &d, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	l, err := h.Store.DeliverLetter(r.Context(), id, d)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

// LetterPDF writes the PDF of one letter the caller may read (the pages use
// it too) and audits the download.
func LetterPDF(ctx context.Context, st *store.Store, font string, w http.ResponseWriter, id int64) error {
	l, err := st.LetterForPDF(ctx, id)
	if err != nil {
		return err
	}
	return sendLetters(ctx, st, font, w, false, "", l.Title+"-"+l.PersonName+".pdf", []model.Letter{l})
}

// MergedLettersPDF writes one PDF of every letter matching f (an
// institution's, typically), a page or more each, and audits it once.
func MergedLettersPDF(ctx context.Context, st *store.Store, font string, w http.ResponseWriter, f model.LetterFilter, filter, name string) error {
	var all []model.Letter
	cctx := store.Covered(ctx)
	for f.Page = (model.Page{Limit: 500}); ; f.Page.Offset += 500 {
		list, err := st.ListLetters(cctx, f)
		if err != nil {
			return err
		}
		all = append(all, list.Items...)
		if len(list.Items) < 500 || len(all) >= store.MaxLetterGeneration {
			break
		}
	}
	if len(all) == 0 {
		return model.NotFound("letter")
	}
	// Oldest first: the order they were generated in, by person.
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return sendLetters(ctx, st, font, w, true, filter, name, all)
}

// sendLetters draws the letters and sends them; merged letters, read
// under Covered, are audited here with one row.
func sendLetters(ctx context.Context, st *store.Store, font string, w http.ResponseWriter, merged bool, filter, name string, ls []model.Letter) error {
	rd, err := letterpdf.Default(font, st.Now)
	if err != nil {
		return letterpdf.Unavailable(err)
	}
	pages := make([]letterpdf.Letter, len(ls))
	for i, l := range ls {
		pages[i] = letterpdf.FromLetter(l)
	}
	var buf bytes.Buffer
	if err := rd.Write(&buf, ls[0].Title, pages); err != nil {
		return model.Internal(err)
	}
	if merged {
		if err := st.AuditLetterPDF(ctx, "", len(ls), filter); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = io.Copy(w, &buf)
	return err
}

func (h *handlers) letterPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return LetterPDF(r.Context(), h.Store, h.Config.LetterFont, w, id)
}

func (h *handlers) mergedLettersPDF(w http.ResponseWriter, r *http.Request) error {
	f, err := letterFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	name := i18n.FromRequest(r).T("letter.file.merged") + "-" + h.Store.Now().In(chinaTime).Format("20060102") + ".pdf"
	return MergedLettersPDF(r.Context(), h.Store, h.Config.LetterFont, w, f, report.FilterText(r.URL.Query()), name)
}

func (h *handlers) exportLettersXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := letterFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.letters", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteLetters(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// commendationFilterOf reads the commendation list's query.
func commendationFilterOf(r *http.Request, st *store.Store) (model.CommendationFilter, error) {
	f := model.CommendationFilter{Q: r.URL.Query().Get("q")}
	var err error
	if f.Status, err = queryChoice(r, "status", model.CommendationStatuses); err != nil {
		return f, err
	}
	if f.Level, err = queryChoice(r, "level", model.CommendationLevels); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryID(r, "institution_id"); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listCommendations(w http.ResponseWriter, r *http.Request) error {
	f, err := commendationFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListCommendations(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) nominateCommendation(w http.ResponseWriter, r *http.Request) error {
	var in model.CommendationInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.NominateCommendation(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) getCommendation(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetCommendation(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) decideCommendation(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		var d model.CommendationDecision
		if err := h.decodeOptionalJSON(w, r, &d); err != nil {
			return err
		}
		c, err := h.Store.DecideCommendation(r.Context(), id, approve, d)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, c)
		return nil
	}
}

func (h *handlers) exportCommendationsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := commendationFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.commendations", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteCommendations(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// exportHonourRollXLSX is the honour roll for publicity (光荣榜): the approved
// commendations matching the query, with names, institutions and deeds and
// no ID numbers.
func (h *handlers) exportHonourRollXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := commendationFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	f.Status = model.CommendationApproved
	return h.sendExport(w, r, "export.file.honour_roll", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteHonourRoll(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// titlePriorityFilterOf reads the title-priority list's query.
func titlePriorityFilterOf(r *http.Request, st *store.Store) (model.TitlePriorityFilter, error) {
	q := r.URL.Query()
	f := model.TitlePriorityFilter{Q: q.Get("q"), From: q.Get("from"), To: q.Get("to")}
	var err error
	if f.InstitutionID, err = queryID(r, "institution_id"); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listTitlePriority(w http.ResponseWriter, r *http.Request) error {
	f, err := titlePriorityFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListTitlePriority(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) exportTitlePriorityXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := titlePriorityFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.title_priority", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteTitlePriority(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// workInjuryFilterOf reads the case list's query.
func workInjuryFilterOf(r *http.Request, st *store.Store) (model.WorkInjuryFilter, error) {
	f := model.WorkInjuryFilter{Q: r.URL.Query().Get("q"), Overdue: r.URL.Query().Get("overdue") == "true"}
	var err error
	if f.Status, err = queryChoice(r, "status", model.InjuryStatuses); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listWorkInjuryCases(w http.ResponseWriter, r *http.Request) error {
	f, err := workInjuryFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListWorkInjuryCases(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) openWorkInjuryCase(w http.ResponseWriter, r *http.Request) error {
	var in model.WorkInjuryInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.OpenWorkInjuryCase(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) getWorkInjuryCase(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetWorkInjuryCase(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) updateWorkInjuryCase(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var u model.WorkInjuryUpdate
	if err := httpx.DecodeJSON(w, r, &u, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.UpdateWorkInjuryCase(r.Context(), id, u)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) exportWorkInjuryXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := workInjuryFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.work_injury", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteWorkInjuryCases(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
