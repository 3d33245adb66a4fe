package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// jsonFieldsDeep returns the json names of a struct's fields, with the
// fields of embedded structs promoted as encoding/json promotes them.
func jsonFieldsDeep(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFieldsDeep(f.Type)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func schemaFields(t *testing.T, doc openAPIDoc, name string) []string {
	t.Helper()
	s, ok := doc.Components.Schemas[name]
	if !ok {
		t.Fatalf("schema %s is missing", name)
	}
	var got []string
	for p := range s.Properties {
		got = append(got, p)
	}
	sort.Strings(got)
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; !ok {
			t.Errorf("%s: required %q is not a property", name, r)
		}
	}
	return got
}

// TestNeedOpenAPISchemasMatchModels keeps the needs ledger's schemas in step
// with the json tags of the model types the handlers read and write.
func TestNeedOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	cases := []struct {
		schema string
		value  any
	}{
		{"Need", model.Need{}},
		{"NeedAssignee", model.NeedAssignee{}},
		{"NeedEvent", model.NeedEvent{}},
		{"NeedInput", model.NeedInput{}},
		{"VisitNeedInput", model.NeedInput{}},
		{"NeedAssign", model.NeedAssign{}},
		{"NeedStep", model.NeedStep{}},
		{"NeedCount", model.NeedCount{}},
		{"NeedCategoryCount", model.NeedCategoryCount{}},
		{"NeedStatusCount", model.NeedStatusCount{}},
		{"NeedStats", model.NeedStats{}},
		{"VisitCounts", model.VisitCounts{}},
		{"NeedList", model.List[model.Need]{}},
		{"Visit", model.Visit{}},
		{"VisitInput", model.VisitInput{}},
		{"VisitList", model.List[model.Visit]{}},
		{"VisitDue", model.VisitDue{}},
		{"VisitInstitutionCount", model.VisitInstitutionCount{}},
		{"VisitPlan", model.VisitPlan{}},
		{"Volunteer", model.Volunteer{}},
		{"VolunteerInput", model.VolunteerInput{}},
		{"VolunteerPatch", model.VolunteerInput{}},
		{"VolunteerList", model.List[model.Volunteer]{}},
		{"VolunteerProposal", model.VolunteerProposal{}},
		{"AssigneeOption", model.AssigneeOption{}},
		{"Pairing", model.Pairing{}},
		{"PairingInput", model.PairingInput{}},
		{"PairingPatch", model.PairingInput{}},
		{"PairingList", model.List[model.Pairing]{}},
		{"Notification", model.Notification{}},
		{"NeedBrief", model.NeedBrief{}},
		{"Webhook", model.Webhook{}},
		{"WebhookInput", model.WebhookInput{}},
		{"WebhookPatch", model.WebhookInput{}},
		{"Delivery", model.Delivery{}},
		{"DeliveryList", model.List[model.Delivery]{}},
		{"EffectiveSetting", model.EffectiveSetting{}},
		{"Setting", model.Setting{}},
	}
	for _, c := range cases {
		t.Run(c.schema, func(t *testing.T) {
			if got, want := schemaFields(t, doc, c.schema), jsonFieldsDeep(reflect.TypeOf(c.value)); !slices.Equal(got, want) {
				t.Errorf("properties %v, want the json fields %v", got, want)
			}
		})
	}
}

// TestNeedOpenAPIEnums checks the closed lists the document offers are the model's.
func TestNeedOpenAPIEnums(t *testing.T) {
	doc := readOpenAPI(t)
	var settings []string
	for _, s := range casework.Settings {
		settings = append(settings, s.Name)
	}
	for name, want := range map[string][]string{
		"NeedCategory":     model.NeedCategories,
		"NeedKind":         model.NeedKinds,
		"NeedUrgency":      model.NeedUrgencies,
		"NeedSource":       model.NeedSources,
		"NeedStatus":       model.NeedStatuses,
		"VisitChannel":     model.VisitChannels,
		"VisitTarget":      model.VisitTargets,
		"VolunteerSkill":   model.VolunteerSkills,
		"NotificationKind": model.NotificationKinds,
		"OutboxEvent":      model.OutboxEvents,
		"DeliveryStatus":   {model.DeliveryPending, model.DeliveryDelivered, model.DeliveryFailed},
	} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
	if got := doc.Components.Schemas["EffectiveSetting"].Properties["name"].Enum; !slices.Equal(got, settings) {
		t.Errorf("setting names = %v, want %v", got, settings)
	}
}

// TestNeedOpenAPIAnswersMatchSchemas checks the answers the API shapes itself
// (not model types) against their schemas, key by key, from real answers.
func TestNeedOpenAPIAnswersMatchSchemas(t *testing.T) {
	t.Parallel()
	doc := readOpenAPI(t)
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw, admin = auth.RoleCaseworker, auth.RoleSysadmin
		f := newFixture(t, st, clock, cw, admin)
		w := f.world(t)
		keys := func(r *response) []string {
			var m map[string]json.RawMessage
			r.decode(t, &m)
			var out []string
			for k := range m {
				out = append(out, k)
			}
			sort.Strings(out)
			return out
		}
		for _, c := range []struct {
			schema, who, method, path string
			body                      any
		}{
			{"NeedStats", cw, "GET", "/api/v1/needs/stats", nil},
			{"Inbox", cw, "GET", "/api/v1/inbox", nil},
			{"InboxReadResult", cw, "POST", "/api/v1/inbox/read", map[string]bool{"all": true}},
			{"Settings", cw, "GET", "/api/v1/settings", nil},
			{"VolunteerProposalList", cw, "GET", "/api/v1/needs/" + id(w.need[f.atA.ID]) + "/volunteers", nil},
			{"AssigneeList", cw, "GET", "/api/v1/needs/" + id(w.need[f.atA.ID]) + "/assignees", nil},
			{"WebhookList", admin, "GET", "/api/v1/webhooks", nil},
		} {
			var r *response
			if c.method == "GET" {
				r = f.get(t, c.who, c.path)
			} else {
				r = f.send(t, c.who, c.method, c.path, c.body)
			}
			r.want(t, http.StatusOK)
			if got, want := keys(r), schemaFields(t, doc, c.schema); !slices.Equal(got, want) {
				t.Errorf("%s: answer keys %v, schema properties %v", c.schema, got, want)
			}
		}
		var stats struct {
			Visits map[string]json.RawMessage `json:"visits"`
		}
		f.get(t, cw, "/api/v1/needs/stats").decode(t, &stats)
		var got []string
		for k := range stats.Visits {
			got = append(got, k)
		}
		sort.Strings(got)
		if want := schemaFields(t, doc, "VisitCounts"); !slices.Equal(got, want) {
			t.Errorf("VisitCounts: answer keys %v, schema %v", got, want)
		}
		// The request bodies the API defines itself.
		if got := schemaFields(t, doc, "InboxRead"); !slices.Equal(got, []string{"all", "ids"}) {
			t.Errorf("InboxRead %v", got)
		}
		if got := schemaFields(t, doc, "SettingsInput"); !slices.Equal(got, []string{"values"}) {
			t.Errorf("SettingsInput %v", got)
		}
	})
}
