// Package i18n is the message catalogue: every user-facing string has a key
// with a Chinese (default) and an English text. Each area of the system adds
// its keys in a catalog_<area>.go file of its own. It does no I/O.
package i18n

import (
	"fmt"
	"net/http"
	"sort"

	"golang.org/x/text/language"

	"houdun/internal/model"
)

// Lang is a supported language.
type Lang string

// Supported languages; Chinese is the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages.
var Langs = []Lang{ZH, EN}

var messages = map[string][2]string{}

// singulars are the English texts of keys whose count may be one: T uses
// it when the first integer argument is 1 ("1 account", not "1 accounts").
// Chinese has no plural and needs none.
var singulars = map[string]string{}

// addSingular registers the English singular of keys added with add.
func addSingular(m map[string]string) {
	for k, v := range m {
		if _, dup := singulars[k]; dup {
			panic("i18n: duplicate singular " + k)
		}
		singulars[k] = v
	}
}

// countIsOne reports whether the first integer among args is 1.
func countIsOne(args []any) bool {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return n == 1
		case int64:
			return n == 1
		case int32:
			return n == 1
		}
	}
	return false
}

// add registers texts; a key registered twice is a programming error.
func add(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		messages[k] = v
	}
}

// T renders a key in lang with fmt arguments; a model.Msg argument is rendered
// in the same language first. An unknown key renders as itself, so a missing
// text shows up in tests rather than as an empty string.
func T(lang Lang, key string, args ...any) string {
	pair, ok := messages[key]
	if !ok {
		return key
	}
	text := pair[0]
	if lang == EN {
		text = pair[1]
		if one, ok := singulars[key]; ok && countIsOne(args) {
			text = one
		}
	}
	if len(args) == 0 {
		return text
	}
	for i, a := range args {
		if m, ok := a.(model.Msg); ok {
			args[i] = T(lang, m.Key, m.Args...)
		}
	}
	return fmt.Sprintf(text, args...)
}

// Msg renders a model.Msg.
func (l Lang) Msg(m model.Msg) string { return T(l, m.Key, append([]any(nil), m.Args...)...) }

// T renders a key in l.
func (l Lang) T(key string, args ...any) string { return T(l, key, args...) }

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := messages[key]
	return ok
}

// Keys returns every key, sorted; tests use it to check both languages are filled.
func Keys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Texts returns the Chinese and English texts of key.
func Texts(key string) (zh, en string) {
	p := messages[key]
	return p[0], p[1]
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Parse maps a language name ("en", "zh-CN", "zh") to a supported language, ZH by default.
func Parse(s string) Lang {
	if s == "" {
		return ZH
	}
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil || len(tags) == 0 {
		return ZH
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No || idx == 0 {
		return ZH
	}
	return EN
}

// FromRequest picks the language of a request: the lang cookie set by the
// switch on every page, else Accept-Language, else Chinese.
func FromRequest(r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q == "en" || q == "zh-CN" {
		return Lang(q)
	}
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "zh-CN") {
		return Lang(c.Value)
	}
	return Parse(r.Header.Get("Accept-Language"))
}
