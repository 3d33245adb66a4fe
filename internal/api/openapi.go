package api

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sync"
)

// The OpenAPI document is openapi.json plus one fragment per area
// (openapi_<area>.json, each with its own "paths" and "components.schemas"),
// merged once at first use; TestOpenAPICoversEveryRoute keeps it in step with
// routes.go. Fragments keep the areas' documentation apart, as their code is.
//
//go:embed openapi*.json
var openAPIFiles embed.FS

var openAPIDoc = sync.OnceValues(func() ([]byte, error) { return mergeOpenAPI(openAPIFiles) })

// OpenAPIDocument is the merged document the server hands out.
func OpenAPIDocument() ([]byte, error) { return openAPIDoc() }

func (h *handlers) openAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := openAPIDoc()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write(doc)
	return err
}

// mergeOpenAPI folds every fragment's paths and schemas into openapi.json. A
// path, method or schema defined twice is an error, not a silent overwrite.
func mergeOpenAPI(files fs.FS) ([]byte, error) {
	names, err := fs.Glob(files, "openapi*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var base map[string]any
	for _, name := range names {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if name == "openapi.json" {
			if base != nil {
				return nil, fmt.Errorf("openapi.json read twice")
			}
			base = doc
			continue
		}
		if base == nil {
			// openapi.json sorts before every openapi_*.json.
			return nil, fmt.Errorf("%s read before openapi.json", name)
		}
		if err := mergeOpenAPIFragment(base, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if base == nil {
		return nil, fmt.Errorf("openapi.json is missing")
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(base); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func mergeOpenAPIFragment(base, frag map[string]any) error {
	for key := range frag {
		if key != "paths" && key != "components" {
			return fmt.Errorf("a fragment has only paths and components, not %q", key)
		}
	}
	paths := object(base, "paths")
	for path, ops := range object(frag, "paths") {
		opsMap, ok := ops.(map[string]any)
		if !ok {
			return fmt.Errorf("path %s is not an object", path)
		}
		into := object(paths, path)
		for method, op := range opsMap {
			if _, dup := into[method]; dup {
				return fmt.Errorf("%s %s is documented twice", method, path)
			}
			into[method] = op
		}
	}
	comps := object(frag, "components")
	for section, v := range comps {
		defs, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("components.%s is not an object", section)
		}
		into := object(object(base, "components"), section)
		for name, def := range defs {
			if _, dup := into[name]; dup {
				return fmt.Errorf("components.%s.%s is defined twice", section, name)
			}
			into[name] = def
		}
	}
	return nil
}

// object is m[key] as an object, made when missing.
func object(m map[string]any, key string) map[string]any {
	if v, ok := m[key].(map[string]any); ok {
		return v
	}
	v := map[string]any{}
	m[key] = v
	return v
}
