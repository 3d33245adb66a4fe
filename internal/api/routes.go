package api

import "houdun/internal/casework"

// route is one API endpoint; the OpenAPI test checks every one is documented.
type route struct {
	Method  string
	Path    string
	Handler handlerFunc
	Public  bool // reachable without logging in
}

// Routes lists method and path of every API route, for documentation tests.
func Routes() [][2]string {
	h := &handlers{}
	var out [][2]string
	for _, rt := range h.routes() {
		out = append(out, [2]string{rt.Method, rt.Path})
	}
	return out
}

func (h *handlers) routes() []route {
	rs := []route{
		{Method: "GET", Path: "/api/v1/openapi.json", Handler: h.openAPI, Public: true},
		{Method: "POST", Path: "/api/v1/session", Handler: h.createSession, Public: true},
		{Method: "GET", Path: "/api/v1/session", Handler: h.getSession},
		{Method: "DELETE", Path: "/api/v1/session", Handler: h.deleteSession},
		{Method: "POST", Path: "/api/v1/session/password", Handler: h.changePassword},

		{Method: "GET", Path: "/api/v1/regions", Handler: h.listRegions},
		{Method: "GET", Path: "/api/v1/regions/{code}", Handler: h.getRegion},
		{Method: "POST", Path: "/api/v1/regions", Handler: h.createRegion},

		{Method: "GET", Path: "/api/v1/institutions", Handler: h.listInstitutions},
		{Method: "POST", Path: "/api/v1/institutions", Handler: h.createInstitution},
		{Method: "GET", Path: "/api/v1/institutions/{id}", Handler: h.getInstitution},
		{Method: "PATCH", Path: "/api/v1/institutions/{id}", Handler: h.updateInstitution},

		{Method: "GET", Path: "/api/v1/people", Handler: h.listPeople},
		{Method: "POST", Path: "/api/v1/people", Handler: h.createPerson},
		{Method: "GET", Path: "/api/v1/people/{id}", Handler: h.getPerson},
		{Method: "PATCH", Path: "/api/v1/people/{id}", Handler: h.updatePerson},
		{Method: "DELETE", Path: "/api/v1/people/{id}", Handler: h.deletePerson},
		{Method: "GET", Path: "/api/v1/people/{id}/family", Handler: h.listFamily},
		{Method: "POST", Path: "/api/v1/people/{id}/family", Handler: h.createFamilyMember},
		{Method: "PATCH", Path: "/api/v1/people/{id}/family/{memberID}", Handler: h.updateFamilyMember},
		{Method: "DELETE", Path: "/api/v1/people/{id}/family/{memberID}", Handler: h.deleteFamilyMember},

		{Method: "GET", Path: "/api/v1/transfers", Handler: h.listTransfers},
		{Method: "GET", Path: "/api/v1/transfers/{id}", Handler: h.getTransfer},
		{Method: "POST", Path: "/api/v1/transfers/{id}/approve", Handler: h.decideTransfer(true)},
		{Method: "POST", Path: "/api/v1/transfers/{id}/reject", Handler: h.decideTransfer(false)},

		{Method: "POST", Path: "/api/v1/imports/people", Handler: h.importPeople},
		{Method: "POST", Path: "/api/v1/imports/families", Handler: h.importFamilies},
		{Method: "GET", Path: "/api/v1/imports/people/template.xlsx", Handler: h.peopleTemplate},
		{Method: "GET", Path: "/api/v1/imports/families/template.xlsx", Handler: h.familiesTemplate},
		{Method: "GET", Path: "/api/v1/exports/people.xlsx", Handler: h.exportPeopleXLSX},
		{Method: "GET", Path: "/api/v1/exports/people.csv", Handler: h.exportPeopleCSV},

		{Method: "GET", Path: "/api/v1/users", Handler: h.listUsers},
		{Method: "POST", Path: "/api/v1/users", Handler: h.createUser},
		{Method: "GET", Path: "/api/v1/users/{id}", Handler: h.getUser},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Handler: h.updateUser},
		{Method: "POST", Path: "/api/v1/users/{id}/otp/reset", Handler: h.resetOTP},

		{Method: "GET", Path: "/api/v1/audit", Handler: h.listAudit},

		// The needs ledger (需求困难台账).
		{Method: "POST", Path: "/api/v1/needs", Handler: h.createNeed},
		{Method: "GET", Path: "/api/v1/needs", Handler: h.listNeeds},
		{Method: "GET", Path: "/api/v1/needs/stats", Handler: h.needStats},
		{Method: "GET", Path: "/api/v1/needs/{id}", Handler: h.getNeed},
		{Method: "GET", Path: "/api/v1/needs/{id}/volunteers", Handler: h.proposeVolunteers},
		{Method: "GET", Path: "/api/v1/needs/{id}/assignees", Handler: h.listAssignees},
		{Method: "POST", Path: "/api/v1/needs/{id}/assign", Handler: h.assignNeed},
		{Method: "POST", Path: "/api/v1/needs/{id}/start", Handler: h.needStep(casework.Start)},
		{Method: "POST", Path: "/api/v1/needs/{id}/resolve", Handler: h.needStep(casework.Resolve)},
		{Method: "POST", Path: "/api/v1/needs/{id}/close", Handler: h.needStep(casework.Close)},
		{Method: "POST", Path: "/api/v1/needs/{id}/reject", Handler: h.needStep(casework.Reject)},
		{Method: "POST", Path: "/api/v1/needs/{id}/reopen", Handler: h.needStep(casework.Reopen)},
		{Method: "GET", Path: "/api/v1/ledger.xlsx", Handler: h.ledgerXLSX},

		{Method: "POST", Path: "/api/v1/visits", Handler: h.createVisit},
		{Method: "GET", Path: "/api/v1/visits", Handler: h.listVisits},
		{Method: "GET", Path: "/api/v1/visits/due", Handler: h.visitsDue},
		{Method: "GET", Path: "/api/v1/visits/{id}", Handler: h.getVisit},

		{Method: "GET", Path: "/api/v1/volunteers", Handler: h.listVolunteers},
		{Method: "POST", Path: "/api/v1/volunteers", Handler: h.createVolunteer},
		{Method: "GET", Path: "/api/v1/volunteers/{id}", Handler: h.getVolunteer},
		{Method: "PATCH", Path: "/api/v1/volunteers/{id}", Handler: h.updateVolunteer},
		{Method: "DELETE", Path: "/api/v1/volunteers/{id}", Handler: h.deleteVolunteer},

		{Method: "GET", Path: "/api/v1/pairings", Handler: h.listPairings},
		{Method: "POST", Path: "/api/v1/pairings", Handler: h.createPairing},
		{Method: "GET", Path: "/api/v1/pairings/{id}", Handler: h.getPairing},
		{Method: "PATCH", Path: "/api/v1/pairings/{id}", Handler: h.updatePairing},
		{Method: "DELETE", Path: "/api/v1/pairings/{id}", Handler: h.deletePairing},

		{Method: "GET", Path: "/api/v1/inbox", Handler: h.listInbox},
		{Method: "POST", Path: "/api/v1/inbox/read", Handler: h.markInboxRead},

		{Method: "GET", Path: "/api/v1/webhooks", Handler: h.listWebhooks},
		{Method: "POST", Path: "/api/v1/webhooks", Handler: h.createWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}", Handler: h.getWebhook},
		{Method: "PATCH", Path: "/api/v1/webhooks/{id}", Handler: h.updateWebhook},
		{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Handler: h.deleteWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}/deliveries", Handler: h.listDeliveries},

		{Method: "GET", Path: "/api/v1/settings", Handler: h.getSettings},
		{Method: "PUT", Path: "/api/v1/settings", Handler: h.putSettings},

		// A worker's family self-service links (家属自助链接).
		{Method: "GET", Path: "/api/v1/me/family-links", Handler: h.listMyFamilyLinks},
		{Method: "POST", Path: "/api/v1/me/family-links", Handler: h.createMyFamilyLink},
		{Method: "DELETE", Path: "/api/v1/me/family-links/{id}", Handler: h.revokeMyFamilyLink},
	}
	for i := range rs {
		if !rs[i].Public {
			rs[i].Handler = authed(rs[i].Handler)
		}
	}
	return rs
}
