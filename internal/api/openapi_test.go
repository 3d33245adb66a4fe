package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"houdun/internal/api"
	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Servers    []struct{ URL string }                `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]schema          `json:"schemas"`
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
	} `json:"components"`
}

type schema struct {
	Type       any               `json:"type"`
	Enum       []string          `json:"enum"`
	Required   []string          `json:"required"`
	Properties map[string]schema `json:"properties"`
	Ref        string            `json:"$ref"`
}

func readOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	b, err := api.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := readOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Errorf("servers = %+v, want [{url: /}]", doc.Servers)
	}
	for _, s := range []string{"bearerAuth", "cookieAuth"} {
		if _, ok := doc.Components.SecuritySchemes[s]; !ok {
			t.Errorf("security scheme %s is missing", s)
		}
	}
	routes := map[string]bool{}
	for _, rt := range api.Routes() {
		key := rt[0] + " " + rt[1]
		routes[key] = true
		ops, ok := doc.Paths[rt[1]]
		if !ok {
			t.Errorf("route %s: path %s is not in openapi.json", key, rt[1])
			continue
		}
		if _, ok := ops[strings.ToLower(rt[0])]; !ok {
			t.Errorf("route %s: method %s is not documented under %s", key, rt[0], rt[1])
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			if key := strings.ToUpper(method) + " " + path; !routes[key] {
				t.Errorf("openapi.json documents %s, which routes.go does not serve", key)
			}
		}
	}
}

// TestOpenAPIServed checks the document the server hands out is openapi.json
// with every area's fragment merged in.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock)
		r := f.do(t, call{Method: "GET", Path: "/api/v1/openapi.json"}).want(t, http.StatusOK)
		want, err := api.OpenAPIDocument()
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Body) != string(want) {
			t.Error("GET /api/v1/openapi.json differs from the merged document")
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
	})
}

// jsonFields returns the json names of a struct's fields.
func jsonFields(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPISchemasMatchModels keeps the documented field names in step with
// the json tags of the types the handlers read and write.
func TestOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	cases := []struct {
		schema string
		value  any
	}{
		{"Person", model.Person{}},
		{"PersonInput", model.PersonInput{}},
		{"PersonPatch", model.PersonInput{}},
		{"Institution", model.Institution{}},
		{"InstitutionInput", model.InstitutionInput{}},
		{"InstitutionPatch", model.InstitutionInput{}},
		{"FamilyMember", model.FamilyMember{}},
		{"FamilyMemberInput", model.FamilyMemberInput{}},
		{"FamilyMemberPatch", model.FamilyMemberInput{}},
		{"Region", model.Region{}},
		{"User", model.User{}},
		{"UserInput", model.UserInput{}},
		{"UserPatch", model.UserInput{}},
		{"PasswordChange", model.PasswordChange{}},
		{"AuditEntry", model.AuditEntry{}},
		{"ImportResult", model.ImportResult{}},
		{"PersonList", model.List[model.Person]{}},
		{"FamilyLink", model.FamilyLink{}},
		{"FamilyLinkInput", model.FamilyLinkInput{}},
		{"Transfer", model.Transfer{}},
		{"TransferDecision", model.TransferDecision{}},
		{"RowError", httpx.RowDetail{}},
	}
	for _, c := range cases {
		t.Run(c.schema, func(t *testing.T) {
			s, ok := doc.Components.Schemas[c.schema]
			if !ok {
				t.Fatalf("schema %s is missing", c.schema)
			}
			var got []string
			for name := range s.Properties {
				got = append(got, name)
			}
			sort.Strings(got)
			if want := jsonFields(c.value); !slices.Equal(got, want) {
				t.Errorf("properties %v, want the json fields %v", got, want)
			}
			for _, r := range s.Required {
				if _, ok := s.Properties[r]; !ok {
					t.Errorf("required %q is not a property", r)
				}
			}
		})
	}
}

// TestOpenAPIEnums checks the closed lists the document offers are the model's.
func TestOpenAPIEnums(t *testing.T) {
	doc := readOpenAPI(t)
	for name, want := range map[string][]string{
		"InstitutionType": model.InstitutionTypes,
		"Occupation":      model.Occupations,
		"Relation":        model.Relations,
		"CareNeed":        model.CareNeeds,
		"Role":            auth.Roles,
	} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}
