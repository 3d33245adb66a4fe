package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)
		cw := f.tokens[auth.RoleCaseworker]
		good := f.freshIDNumber()
		badCheck := good[:17] + "1"
		if good[17] == '1' {
			badCheck = good[:17] + "2"
		}
		raw := func(method, path, contentType, body string, header ...string) call {
			c := call{Method: method, Path: path, Token: cw, Body: []byte(body), ContentType: contentType, Header: map[string]string{}}
			for i := 0; i+1 < len(header); i += 2 {
				c.Header[header[i]] = header[i+1]
			}
			return c
		}
		person := func(idNumber string) string {
			return `{"name":"测试","id_number":"` + idNumber + `","institution_id":` + id(f.instA.ID) + `,"occupation":"doctor"}`
		}
		cases := []struct {
			name    string
			call    call
			status  int
			code    string
			field   string // a field the error must name
			message string // text the message (or the field's message) must contain
		}{
			{"malformed JSON", raw("POST", "/api/v1/people", "application/json", `{"name":`), 400, "invalid", "", "JSON"},
			{"not JSON at all", raw("POST", "/api/v1/people", "application/json", `name=张三`), 400, "invalid", "", "JSON"},
			{"an empty body", raw("POST", "/api/v1/people", "application/json", ``), 400, "invalid", "", "JSON"},
			{"two JSON objects", raw("POST", "/api/v1/people", "application/json", person(good)+`{}`), 400, "invalid", "", ""},
			{"a JSON array instead of an object", raw("POST", "/api/v1/people", "application/json", `[]`), 400, "invalid", "", ""},
			{"a wrong type (frontline: \"yes\")", raw("POST", "/api/v1/people", "application/json", `{"name":"测试","frontline":"yes"}`), 400, "invalid", "frontline", "类型错误"},
			{"an unknown field", raw("POST", "/api/v1/people", "application/json", `{"name":"测试","nickname":"小张"}`), 400, "invalid", "nickname", "未知字段"},
			{"a body over 1 MiB", raw("POST", "/api/v1/people", "application/json", `{"name":"`+strings.Repeat("长", 400_000)+`"}`), 413, "too_large", "", "1 MiB"},
			{"text/plain on a JSON route", raw("POST", "/api/v1/people", "text/plain", person(good)), 415, "unsupported", "", "application/json"},
			{"a form on a JSON route", raw("PATCH", "/api/v1/people/"+id(f.atA.ID), "application/x-www-form-urlencoded", "title=x"), 415, "unsupported", "", ""},
			{"an ID number with a wrong check character", raw("POST", "/api/v1/people", "application/json", person(badCheck)), 400, "invalid", "id_number", "身份证号校验位不正确"},
			{"an ID number with a wrong check character, in English", raw("POST", "/api/v1/people", "application/json", person(badCheck), "Accept-Language", "en"),
				400, "invalid", "id_number", "ID number check character is wrong"},
			{"an ID number of 17 characters", raw("POST", "/api/v1/people", "application/json", person(good[:17])), 400, "invalid", "id_number", "18 位"},
			{"a missing name and occupation", raw("POST", "/api/v1/people", "application/json", `{"id_number":"`+good+`","institution_id":`+id(f.instA.ID)+`}`),
				400, "invalid", "name", "必填"},
			{"an unknown occupation", raw("POST", "/api/v1/people", "application/json", `{"name":"测试","id_number":"`+good+`","institution_id":`+id(f.instA.ID)+`,"occupation":"pilot"}`),
				400, "invalid", "occupation", ""},
			{"a bad phone", raw("POST", "/api/v1/people", "application/json", `{"name":"测试","id_number":"`+good+`","phone":"12345","institution_id":`+id(f.instA.ID)+`,"occupation":"doctor"}`),
				400, "invalid", "phone", ""},
			{"a duplicate ID number", raw("POST", "/api/v1/people", "application/json", person(f.idNumber[f.atA.ID])), 409, "conflict", "id_number", ""},
			{"a relative without birth date or ID number", raw("POST", "/api/v1/people/"+id(f.atA.ID)+"/family", "application/json", `{"name":"某某","relation":"spouse"}`),
				400, "invalid", "birth_date", ""},
			{"a relative with an unknown care need", raw("POST", "/api/v1/people/"+id(f.atA.ID)+"/family", "application/json",
				`{"name":"某某","relation":"spouse","birth_date":"1980-01-01","care_needs":["pets"]}`), 400, "invalid", "care_needs", ""},
			{"a non-numeric id in the path", raw("GET", "/api/v1/people/abc", "", ""), 404, "not_found", "", ""},
			{"a zero id in the path", raw("GET", "/api/v1/people/0", "", ""), 404, "not_found", "", ""},
			{"a non-numeric member id", raw("DELETE", "/api/v1/people/"+id(f.atA.ID)+"/family/x", "", ""), 404, "not_found", "", ""},
			{"an unknown API path", raw("GET", "/api/v1/xyz", "", ""), 404, "not_found", "", ""},
			{"an unknown API path without a session", call{Method: "GET", Path: "/api/v1/xyz"}, 404, "not_found", "", ""},
			{"a negative limit", raw("GET", "/api/v1/people?limit=-1", "", ""), 400, "invalid", "", "limit"},
			{"a frontline filter that is not a boolean", raw("GET", "/api/v1/people?frontline=perhaps", "", ""), 400, "invalid", "", "frontline"},
			{"an unknown occupation filter", raw("GET", "/api/v1/people?occupation=pilot", "", ""), 400, "invalid", "", "occupation"},
			{"a non-numeric version on delete", raw("DELETE", "/api/v1/people/"+id(f.atA.ID)+"?version=new", "", ""), 400, "invalid", "", "version"},
			{"a dry_run that is not a boolean", raw("POST", "/api/v1/imports/people?dry_run=maybe", "text/csv", "x"), 400, "invalid", "", "dry_run"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(t, c.call).want(t, c.status)
				e := r.apiError(t)
				if e.Code != c.code {
					t.Errorf("code %q, want %q", e.Code, c.code)
				}
				msg := e.Message
				if c.field != "" {
					if _, ok := e.Fields[c.field]; !ok {
						t.Errorf("fields %v do not name %s", e.Fields, c.field)
					}
					msg = e.Fields[c.field]
				}
				if !strings.Contains(msg, c.message) {
					t.Errorf("message %q does not contain %q", msg, c.message)
				}
			})
		}

		t.Run("nothing was written by the bad requests", func(t *testing.T) {
			list, err := st.ListPeople(testutil.System(), model.PersonFilter{})
			if err != nil || list.Total != 5 {
				t.Errorf("%d people, want the 5 seeded (%v)", list.Total, err)
			}
		})

		t.Run("a PATCH with a stale version answers 409 and changes nothing", func(t *testing.T) {
			var p struct {
				Title   string
				Version int64
			}
			path := "/api/v1/people/" + id(f.atA.ID)
			f.send(t, auth.RoleCaseworker, "PATCH", path, map[string]any{"title": "副主任护师", "version": f.atA.Version}).want(t, http.StatusOK).decode(t, &p)
			if p.Title != "副主任护师" || p.Version != f.atA.Version+1 {
				t.Fatalf("update = %+v", p)
			}
			e := f.send(t, auth.RoleCaseworker, "PATCH", path, map[string]any{"title": "主任护师", "version": f.atA.Version}).want(t, http.StatusConflict).apiError(t)
			if e.Code != "version_conflict" || !strings.Contains(e.Message, "刷新") {
				t.Errorf("stale update: %+v", e)
			}
			f.get(t, auth.RoleCaseworker, path).want(t, http.StatusOK).decode(t, &p)
			if p.Title != "副主任护师" || p.Version != f.atA.Version+1 {
				t.Errorf("after the stale update: %+v", p)
			}
			// A stale delete is refused too.
			f.do(t, raw("DELETE", path+"?version="+id(f.atA.Version), "", "")).want(t, http.StatusConflict)
			f.get(t, auth.RoleCaseworker, path).want(t, http.StatusOK)
		})

		t.Run("a person with an account cannot be deleted", func(t *testing.T) {
			f.account(t, auth.RoleWorker) // tied to f.self
			e := f.do(t, raw("DELETE", "/api/v1/people/"+id(f.self.ID), "", "")).want(t, http.StatusConflict).apiError(t)
			if e.Code != "conflict" {
				t.Errorf("error = %+v", e)
			}
		})
	})
}
