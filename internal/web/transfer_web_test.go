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
