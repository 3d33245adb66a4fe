package api

import (
	"houdun/internal/auth"
	"houdun/internal/casework"
)

// route is one API endpoint; the OpenAPI test checks every one is documented.
type route struct {
	Method  string
	Path    string
	Handler handlerFunc
	Public  bool // reachable without logging in
	// Perm is the rights of which the caller's role must hold one, checked
	// by the wrapper before the handler runs (the store checks again, with
	// the record's scope). Empty: any signed-in caller; the routes open to
	// everyone are listed in routes_test.go.
	Perm []auth.Permission
}

// perms is a route's Perm: any one of ps.
func perms(ps ...auth.Permission) []auth.Permission { return ps }

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
		// An administrator's authenticator, enrolled without a browser (otp_enrol.go).
		{Method: "POST", Path: "/api/v1/session/enrolment", Handler: h.beginEnrolment, Public: true},
		{Method: "POST", Path: "/api/v1/session/enrolment/confirm", Handler: h.confirmEnrolment, Public: true},
		{Method: "GET", Path: "/api/v1/session", Handler: h.getSession},
		{Method: "DELETE", Path: "/api/v1/session", Handler: h.deleteSession},
		{Method: "POST", Path: "/api/v1/session/password", Handler: h.changePassword},

		{Method: "GET", Path: "/api/v1/regions", Handler: h.listRegions, Perm: perms(auth.PermRegionRead)},
		{Method: "GET", Path: "/api/v1/regions/{code}", Handler: h.getRegion, Perm: perms(auth.PermRegionRead)},
		{Method: "POST", Path: "/api/v1/regions", Handler: h.createRegion, Perm: perms(auth.PermRegionWrite)},

		{Method: "GET", Path: "/api/v1/institutions", Handler: h.listInstitutions, Perm: perms(auth.PermInstitutionRead)},
		{Method: "POST", Path: "/api/v1/institutions", Handler: h.createInstitution, Perm: perms(auth.PermInstitutionWrite)},
		{Method: "GET", Path: "/api/v1/institutions/{id}", Handler: h.getInstitution, Perm: perms(auth.PermInstitutionRead)},
		{Method: "PATCH", Path: "/api/v1/institutions/{id}", Handler: h.updateInstitution, Perm: perms(auth.PermInstitutionWrite)},

		{Method: "GET", Path: "/api/v1/people", Handler: h.listPeople, Perm: perms(auth.PermPersonRead)},
		{Method: "POST", Path: "/api/v1/people", Handler: h.createPerson, Perm: perms(auth.PermPersonWrite)},
		{Method: "GET", Path: "/api/v1/people/{id}", Handler: h.getPerson, Perm: perms(auth.PermPersonRead)},
		{Method: "PATCH", Path: "/api/v1/people/{id}", Handler: h.updatePerson, Perm: perms(auth.PermPersonWrite)},
		{Method: "DELETE", Path: "/api/v1/people/{id}", Handler: h.deletePerson, Perm: perms(auth.PermPersonWrite)},
		{Method: "GET", Path: "/api/v1/people/{id}/family", Handler: h.listFamily, Perm: perms(auth.PermPersonRead)},
		{Method: "POST", Path: "/api/v1/people/{id}/family", Handler: h.createFamilyMember, Perm: perms(auth.PermPersonWrite)},
		{Method: "PATCH", Path: "/api/v1/people/{id}/family/{memberID}", Handler: h.updateFamilyMember, Perm: perms(auth.PermPersonWrite)},
		{Method: "DELETE", Path: "/api/v1/people/{id}/family/{memberID}", Handler: h.deleteFamilyMember, Perm: perms(auth.PermPersonWrite)},

		// Transfer requests: the requester and the deciders have person.write; the store decides who decides.
		{Method: "GET", Path: "/api/v1/transfers", Handler: h.listTransfers, Perm: perms(auth.PermPersonWrite)},
		{Method: "GET", Path: "/api/v1/transfers/{id}", Handler: h.getTransfer, Perm: perms(auth.PermPersonWrite)},
		{Method: "POST", Path: "/api/v1/transfers/{id}/approve", Handler: h.decideTransfer(true), Perm: perms(auth.PermPersonWrite)},
		{Method: "POST", Path: "/api/v1/transfers/{id}/reject", Handler: h.decideTransfer(false), Perm: perms(auth.PermPersonWrite)},

		{Method: "POST", Path: "/api/v1/imports/people", Handler: h.importPeople, Perm: perms(auth.PermPersonImport)},
		{Method: "POST", Path: "/api/v1/imports/families", Handler: h.importFamilies, Perm: perms(auth.PermPersonImport)},
		{Method: "GET", Path: "/api/v1/imports/people/template.xlsx", Handler: h.peopleTemplate},
		{Method: "GET", Path: "/api/v1/imports/families/template.xlsx", Handler: h.familiesTemplate},
		{Method: "GET", Path: "/api/v1/exports/people.xlsx", Handler: h.exportPeopleXLSX, Perm: perms(auth.PermPersonExport)},
		{Method: "GET", Path: "/api/v1/exports/people.csv", Handler: h.exportPeopleCSV, Perm: perms(auth.PermPersonExport)},
		// The working lists' exports: the store checks the list's own read right as well.
		{Method: "GET", Path: "/api/v1/exports/needs.xlsx", Handler: h.exportNeedsXLSX, Perm: perms(auth.PermPersonExport)},
		{Method: "GET", Path: "/api/v1/exports/visits-due.xlsx", Handler: h.exportVisitsDueXLSX, Perm: perms(auth.PermPersonExport)},
		{Method: "GET", Path: "/api/v1/exports/volunteers.xlsx", Handler: h.exportVolunteersXLSX, Perm: perms(auth.PermPersonExport)},

		{Method: "GET", Path: "/api/v1/users", Handler: h.listUsers, Perm: perms(auth.PermUserRead)},
		{Method: "POST", Path: "/api/v1/users", Handler: h.createUser, Perm: perms(auth.PermUserWrite, auth.PermUserGrant)},
		{Method: "GET", Path: "/api/v1/users/{id}", Handler: h.getUser, Perm: perms(auth.PermUserRead)},
		{Method: "PATCH", Path: "/api/v1/users/{id}", Handler: h.updateUser, Perm: perms(auth.PermUserWrite, auth.PermUserGrant)},
		{Method: "POST", Path: "/api/v1/users/{id}/otp/reset", Handler: h.resetOTP},

		{Method: "GET", Path: "/api/v1/audit", Handler: h.listAudit, Perm: perms(auth.PermAuditRead)},
		{Method: "GET", Path: "/api/v1/audit/verification", Handler: h.getAuditVerification, Perm: perms(auth.PermAuditRead)},
		{Method: "GET", Path: "/api/v1/exports/audit.xlsx", Handler: h.exportAuditXLSX, Perm: perms(auth.PermAuditRead)},

		// The needs ledger (需求困难台账).
		{Method: "POST", Path: "/api/v1/needs", Handler: h.createNeed, Perm: perms(auth.PermNeedWrite, auth.PermNeedReport)},
		{Method: "GET", Path: "/api/v1/needs", Handler: h.listNeeds, Perm: perms(auth.PermNeedRead)},
		{Method: "GET", Path: "/api/v1/needs/stats", Handler: h.needStats, Perm: perms(auth.PermNeedRead, auth.PermLedgerExport)},
		{Method: "GET", Path: "/api/v1/needs/{id}", Handler: h.getNeed, Perm: perms(auth.PermNeedRead)},
		{Method: "GET", Path: "/api/v1/needs/{id}/volunteers", Handler: h.proposeVolunteers, Perm: perms(auth.PermNeedAssign)},
		{Method: "GET", Path: "/api/v1/needs/{id}/assignees", Handler: h.listAssignees, Perm: perms(auth.PermNeedAssign)},
		{Method: "POST", Path: "/api/v1/needs/{id}/assign", Handler: h.assignNeed, Perm: perms(auth.PermNeedAssign)},
		{Method: "POST", Path: "/api/v1/needs/{id}/start", Handler: h.needStep(casework.Start), Perm: perms(auth.PermNeedWrite, auth.PermNeedProgress)},
		{Method: "POST", Path: "/api/v1/needs/{id}/resolve", Handler: h.needStep(casework.Resolve), Perm: perms(auth.PermNeedWrite, auth.PermNeedProgress)},
		{Method: "POST", Path: "/api/v1/needs/{id}/close", Handler: h.needStep(casework.Close), Perm: perms(auth.PermNeedWrite)},
		{Method: "POST", Path: "/api/v1/needs/{id}/reject", Handler: h.needStep(casework.Reject), Perm: perms(auth.PermNeedWrite)},
		{Method: "POST", Path: "/api/v1/needs/{id}/reopen", Handler: h.needStep(casework.Reopen), Perm: perms(auth.PermNeedWrite)},
		{Method: "GET", Path: "/api/v1/ledger.xlsx", Handler: h.ledgerXLSX, Perm: perms(auth.PermLedgerExport)},

		{Method: "POST", Path: "/api/v1/visits", Handler: h.createVisit, Perm: perms(auth.PermVisitWrite)},
		{Method: "GET", Path: "/api/v1/visits", Handler: h.listVisits, Perm: perms(auth.PermVisitRead)},
		{Method: "GET", Path: "/api/v1/visits/due", Handler: h.visitsDue, Perm: perms(auth.PermVisitRead)},
		{Method: "GET", Path: "/api/v1/visits/{id}", Handler: h.getVisit, Perm: perms(auth.PermVisitRead)},

		{Method: "GET", Path: "/api/v1/volunteers", Handler: h.listVolunteers, Perm: perms(auth.PermVolunteerManage)},
		{Method: "POST", Path: "/api/v1/volunteers", Handler: h.createVolunteer, Perm: perms(auth.PermVolunteerManage)},
		{Method: "GET", Path: "/api/v1/volunteers/{id}", Handler: h.getVolunteer, Perm: perms(auth.PermVolunteerManage)},
		{Method: "PATCH", Path: "/api/v1/volunteers/{id}", Handler: h.updateVolunteer, Perm: perms(auth.PermVolunteerManage)},
		{Method: "DELETE", Path: "/api/v1/volunteers/{id}", Handler: h.deleteVolunteer, Perm: perms(auth.PermVolunteerManage)},

		{Method: "GET", Path: "/api/v1/pairings", Handler: h.listPairings, Perm: perms(auth.PermVolunteerManage)},
		{Method: "POST", Path: "/api/v1/pairings", Handler: h.createPairing, Perm: perms(auth.PermVolunteerManage)},
		{Method: "GET", Path: "/api/v1/pairings/{id}", Handler: h.getPairing, Perm: perms(auth.PermVolunteerManage)},
		{Method: "PATCH", Path: "/api/v1/pairings/{id}", Handler: h.updatePairing, Perm: perms(auth.PermVolunteerManage)},
		{Method: "DELETE", Path: "/api/v1/pairings/{id}", Handler: h.deletePairing, Perm: perms(auth.PermVolunteerManage)},

		{Method: "GET", Path: "/api/v1/inbox", Handler: h.listInbox, Perm: perms(auth.PermNotificationRead)},
		{Method: "POST", Path: "/api/v1/inbox/read", Handler: h.markInboxRead, Perm: perms(auth.PermNotificationRead)},

		{Method: "GET", Path: "/api/v1/webhooks", Handler: h.listWebhooks, Perm: perms(auth.PermWebhookManage)},
		{Method: "POST", Path: "/api/v1/webhooks", Handler: h.createWebhook, Perm: perms(auth.PermWebhookManage)},
		{Method: "GET", Path: "/api/v1/webhooks/{id}", Handler: h.getWebhook, Perm: perms(auth.PermWebhookManage)},
		{Method: "PATCH", Path: "/api/v1/webhooks/{id}", Handler: h.updateWebhook, Perm: perms(auth.PermWebhookManage)},
		{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Handler: h.deleteWebhook, Perm: perms(auth.PermWebhookManage)},
		{Method: "GET", Path: "/api/v1/webhooks/{id}/deliveries", Handler: h.listDeliveries, Perm: perms(auth.PermWebhookManage)},

		{Method: "GET", Path: "/api/v1/settings", Handler: h.getSettings},
		{Method: "PUT", Path: "/api/v1/settings", Handler: h.putSettings, Perm: perms(auth.PermSettingWrite)},

		// A worker's family self-service links (家属自助链接).
		{Method: "GET", Path: "/api/v1/me/family-links", Handler: h.listMyFamilyLinks, Perm: perms(auth.PermFamilyLinkManage)},
		{Method: "POST", Path: "/api/v1/me/family-links", Handler: h.createMyFamilyLink, Perm: perms(auth.PermFamilyLinkManage)},
		{Method: "DELETE", Path: "/api/v1/me/family-links/{id}", Handler: h.revokeMyFamilyLink, Perm: perms(auth.PermFamilyLinkManage)},
	}
	rs = append(rs, h.incidentRoutes()...)
	rs = append(rs, h.psychRoutes()...)
	rs = append(rs, h.deployRoutes()...)
	rs = append(rs, h.checkinRoutes()...)
	rs = append(rs, h.letterRoutes()...)
	rs = append(rs, h.subsidyRoutes()...)
	rs = append(rs, h.supplyRoutes()...)
	rs = append(rs, h.staysRoutes()...)
	for i := range rs {
		if !rs[i].Public {
			rs[i].Handler = authed(rs[i].Perm, rs[i].Handler)
		}
	}
	return rs
}
