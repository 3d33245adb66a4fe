package httpx

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

// A browser that follows a download link of the pages to the API (an Excel
// export) and is refused must not land on raw JSON: a GET whose Accept
// prefers HTML — a navigation, which API clients do not make — gets the
// error as a small page in the user's language with a way back. Every other
// caller gets the JSON body, as before.
var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · 后盾</title>
<link rel="stylesheet" href="/static/houdun.css">
</head>
<body>
<main id="main">
<section class="card">
<h1>{{.Title}}</h1>
<p class="error-message">{{.Message}}</p>
{{- range .Fields}}
<p class="error">{{.}}</p>
{{- end}}
<p><a class="button" href="{{.Back}}">{{.BackText}}</a></p>
</section>
</main>
</body>
</html>
`))

// wantsHTML reports whether r is a browser's navigation: a GET that lists
// text/html in Accept before any JSON.
func wantsHTML(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	accept := r.Header.Get("Accept")
	html, json := strings.Index(accept, "text/html"), strings.Index(accept, "application/json")
	return html >= 0 && (json < 0 || html < json)
}

// backTo is where the page's link leads: the page the user came from when
// it is one of this site's (the Referer's path), else the home page.
func backTo(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || !strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") {
		return "/"
	}
	if ref.RawQuery != "" {
		return ref.Path + "?" + ref.RawQuery
	}
	return ref.Path
}

func writeErrorPage(w http.ResponseWriter, r *http.Request, status int, e *model.Error) {
	lang := i18n.FromRequest(r)
	d := Translate(e, lang)
	v := struct {
		Lang, Title, Message, Back, BackText string
		Fields                               []string
	}{Lang: string(lang), Title: lang.T("web.error.title"), Message: d.Message, Back: backTo(r), BackText: lang.T("web.error.back")}
	switch status {
	case http.StatusNotFound:
		v.Title = lang.T("web.error.404.title")
	case http.StatusForbidden:
		v.Title = lang.T("web.error.403.title")
	case http.StatusInternalServerError:
		v.Title = lang.T("web.error.500.title")
	}
	for _, f := range slices.Sorted(maps.Keys(d.Fields)) {
		v.Fields = append(v.Fields, d.Fields[f])
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(status)
	errorPage.Execute(w, v)
}
