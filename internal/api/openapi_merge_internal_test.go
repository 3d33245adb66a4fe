package api

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMergeOpenAPIFragments(t *testing.T) {
	base := `{"openapi":"3.1.0","paths":{"/a":{"get":{"summary":"a"}}},"components":{"schemas":{"A":{"type":"object"}}}}`
	files := fstest.MapFS{
		"openapi.json":       {Data: []byte(base)},
		"openapi_b.json":     {Data: []byte(`{"paths":{"/b":{"get":{"summary":"b"}},"/a":{"post":{"summary":"a2"}}},"components":{"schemas":{"B":{"type":"string"}}}}`)},
		"openapi_other.json": {Data: []byte(`{"paths":{"/c":{"get":{}}}}`)},
	}
	out, err := mergeOpenAPI(files)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]any
		Components struct{ Schemas map[string]any }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/a get", "/a post", "/b get", "/c get"} {
		path, method, _ := strings.Cut(want, " ")
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s is missing from the merged document", want)
		}
	}
	if len(doc.Components.Schemas) != 2 {
		t.Errorf("schemas = %v, want A and B", doc.Components.Schemas)
	}

	for name, frag := range map[string]string{
		"a method twice": `{"paths":{"/a":{"get":{}}}}`,
		"a schema twice": `{"components":{"schemas":{"A":{}}}}`,
		"a stray key":    `{"info":{}}`,
	} {
		files := fstest.MapFS{"openapi.json": {Data: []byte(base)}, "openapi_x.json": {Data: []byte(frag)}}
		if _, err := mergeOpenAPI(files); err == nil {
			t.Errorf("%s: merged without an error", name)
		}
	}
}
