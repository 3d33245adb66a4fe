package web

import (
	"time"

	"houdun/internal/model"
)

// transferSamplePages are the empty and filled views of the transfer pages,
// merged into samplePages so that the template test covers them.
func transferSamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("t")
	pg.Errors = map[string]string{"reason": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	full := model.Transfer{ID: 7, Status: model.TransferSubmitted, Source: model.TransferFromImport, RequestedName: "王芳", ToInstitutionID: 1,
		ToInstitutionName: "阜新市中心医院", ToRegionCode: "210902", Department: "感染科", Occupation: model.OccNurse, Title: "主管护师",
		RequestedByName: "wang", PersonID: 3, PersonName: "王芳", IDNumberMasked: "210***********3721", FromInstitutionID: 2,
		FromInstitutionName: "新邱区人民医院", FromRegionCode: "210903", ApproverRegionCode: "2109", CanDecide: true, Version: 1, CreatedAt: now}
	decided := now.Add(time.Hour)
	own := model.Transfer{ID: 8, Status: model.TransferRejected, Source: model.TransferFromForm, RequestedName: "李娜", ToInstitutionName: "阜新市中心医院",
		ToRegionCode: "210902", Occupation: model.OccDoctor, RequestedByName: "li", Reason: "查无此调动", DecidedByName: "zhao", DecidedAt: &decided, CreatedAt: now}
	pg2 := pg
	pg2.Errors = nil
	return map[string][2]any{
		"transfer_list": {&transferListView{Page: empty()}, &transferListView{Page: pg, Filter: transferFilterForm{Q: "王", Status: "submitted", Mine: true},
			Statuses: []option{{Value: "submitted", Text: "x", Selected: true}}, Transfers: []transferRow{newTransferRow(full), newTransferRow(own)},
			Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}, Decider: true}},
		"transfer_show": {&transferShowView{Page: empty()}, &transferShowView{Page: pg, Transfer: newTransferRow(full), Reason: "r"}},
	}
}

// transferExtraStates: the requester's own request, decided, without the record.
func transferExtraStates(s map[string][2]any) []any {
	v := *s["transfer_show"][1].(*transferShowView)
	t := v.Transfer.Transfer
	t.PersonID, t.PersonName, t.FromInstitutionName, t.CanDecide, t.Status, t.Reason = 0, "", "", false, model.TransferRejected, "查无此调动"
	now := time.Now()
	t.DecidedAt, t.DecidedByName = &now, "zhao"
	v.Transfer = newTransferRow(t)
	return []any{&v}
}
