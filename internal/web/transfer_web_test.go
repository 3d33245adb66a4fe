package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestTransferIsReviewedThroughThePages: a district team registers a person
// of another district and gets the same notice as for a new one; the city
// team finds the request in its menu and inbox, cannot reject it without a
// reason, and approves it; the person then belongs to the district.
func TestTransferIsReviewedThroughThePages(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.user("cw_city", auth.RoleCaseworker, "2109")
		liIDN := ""
		if p, err := st.GetPerson(testutil.System(), s.li.ID, true); err == nil {
			liIDN = p.IDNumber
		}
		district := s.as("cw_haizhou")
		form := url.Values{"name": {"李娜"}, "id_number": {liIDN}, "institution_id": {fmt.Sprint(s.haizhou.ID)}, "occupation": {"nurse"},
			"department": {"感染科"}, "frontline": {"1"}}
		r := district.postForm("/people", form)
		if r.status != http.StatusSeeOther || r.location != "/people?msg=person_accepted" {
			t.Fatalf("registration: %d %q", r.status, r.location)
		}

		city := s.as("cw_city")
		contains(t, city.get("/"), `href="/transfers"`)
		contains(t, city.get("/inbox"), "人员转移申请待审核", `href="/transfers"`)
		contains(t, city.get("/transfers?status=submitted&q=李"), "李娜", "新邱区人民医院", "阜新市中心医院", `data-label="`)
		list, err := st.ListTransfers(testutil.System(), model.TransferFilter{})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("requests: %+v, %v", list.Items, err)
		}
		path := fmt.Sprintf("/transfers/%d", list.Items[0].ID)
		contains(t, city.get(path), `action="`+path+`/approve"`, `action="`+path+`/reject"`)
		// The requester sees its own request without the other record or the forms.
		own := district.get(path)
		contains(t, own, "李娜", "待审核")
		lacks(t, own, "新邱区人民医院", `/approve"`)

		r = city.postForm(path+"/reject", url.Values{"reason": {""}, "version": {"1"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("reject without a reason: %d", r.status)
		}
		contains(t, r, "必填")
		r = city.postForm(path+"/approve", url.Values{"version": {"1"}})
		if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "msg=transfer_approved") {
			t.Fatalf("approve: %d %q\n%s", r.status, r.location, r.body)
		}
		contains(t, city.get(r.location), "已批准转移申请", "已批准")
		if p, err := st.GetPerson(testutil.System(), s.li.ID, false); err != nil || p.InstitutionID != s.haizhou.ID || p.Department != "感染科" {
			t.Errorf("after approval: %+v, %v", p, err)
		}
		contains(t, district.get(fmt.Sprintf("/people/%d", s.li.ID)), "李娜")
	})
}

// TestAnIDNumberCorrectionIsReviewedThroughThePages: typing a new ID number
// on a person's edit form saves the rest and says the number waits for a
// second person; a colleague of the district finds the correction in the
// transfer list (filtered by kind), and approving it gives the person the
// new number.
func TestAnIDNumberCorrectionIsReviewedThroughThePages(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.user("cw_haizhou_2", auth.RoleCaseworker, "210902")
		requester, colleague := s.as("cw_haizhou"), s.as("cw_haizhou_2")
		number := "11010519491231002X"
		path := fmt.Sprintf("/people/%d", s.zhang.ID)
		r := requester.postForm(path, url.Values{"name": {"张伟"}, "id_number": {number}, "institution_id": {fmt.Sprint(s.haizhou.ID)},
			"occupation": {"nurse"}, "department": {"重症医学科"}, "version": {"1"}})
		if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "msg=id_correction_submitted") {
			t.Fatalf("save: %d %q\n%.300s", r.status, r.location, r.body)
		}
		contains(t, requester.get(r.location), "身份证号的更正已提交审核", "重症医学科")
		if p, err := st.GetPerson(testutil.System(), s.zhang.ID, true); err != nil || p.IDNumber == number {
			t.Fatalf("the number changed before review: %+v, %v", p, err)
		}
		list := colleague.get("/transfers?kind=id_number")
		contains(t, list, "身份证号更正", "110***********002X")
		lacks(t, colleague.get("/transfers?kind=move"), "110***********002X")
		reqs, err := st.ListTransfers(testutil.System(), model.TransferFilter{Kind: model.TransferKindIDNumber})
		if err != nil || len(reqs.Items) != 1 {
			t.Fatalf("requests: %+v, %v", reqs.Items, err)
		}
		show := fmt.Sprintf("/transfers/%d", reqs.Items[0].ID)
		lacks(t, requester.get(show), `/approve"`)
		contains(t, colleague.get(show), "批准更正")
		r = colleague.postForm(show+"/approve", url.Values{"version": {fmt.Sprint(reqs.Items[0].Version)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%.300s", r.status, r.body)
		}
		if p, err := st.GetPerson(testutil.System(), s.zhang.ID, true); err != nil || p.IDNumber != number || p.BirthDate != "1949-12-31" {
			t.Errorf("after approval: %+v, %v", p, err)
		}
	})
}
