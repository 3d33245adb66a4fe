package api

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
)

// The per-region policy of the needs ledger: deadlines by urgency (minutes)
// and visit intervals (days). A region's value applies to it and every
// region below it that sets none of its own.

// settingsAnswer is the policy of one region: every setting as it applies
// there (with the region that set it, or the built-in default), and the
// values set on the region and the regions below it.
type settingsAnswer struct {
	RegionCode string                   `json:"region_code"`
	Effective  []model.EffectiveSetting `json:"effective"`
	Settings   []model.Setting          `json:"settings"`
}

// settingsRegion reads ?region=; absent, the caller's own region.
func settingsRegion(r *http.Request, p *auth.Principal) string {
	q := r.URL.Query()
	if !q.Has("region") {
		return p.RegionCode
	}
	if code, ok := region.Normalize(q.Get("region")); ok {
		return code
	}
	return strings.TrimSpace(q.Get("region"))
}

// regionInScope reports whether a region lies inside a region-scoped
// caller's scope (the store decides the same again for every write).
func regionInScope(p *auth.Principal, code string) bool {
	if p.System {
		return true
	}
	if p.PersonID != 0 || p.InstitutionID != 0 {
		return false
	}
	return strings.HasPrefix(code, p.RegionCode)
}

func (h *handlers) settingsOf(r *http.Request, code string) (settingsAnswer, error) {
	out := settingsAnswer{RegionCode: code}
	var err error
	if out.Effective, err = h.Store.EffectiveSettings(r.Context(), code); err != nil {
		return out, err
	}
	out.Settings, err = h.Store.ListSettings(r.Context(), code)
	return out, err
}

func (h *handlers) getSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	out, err := h.settingsOf(r, settingsRegion(r, p))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// settingsInput sets values of one region: a value (a whole number, as a
// number or a string) sets the region's own value, null removes it so that
// the region's ancestors' (or the default) applies again; names not given
// are left as they are.
type settingsInput struct {
	Values map[string]any `json:"values"`
}

// putSettings checks every value first, so that a bad one changes nothing,
// then writes them one by one (each audited as setting.update or setting.delete).
func (h *handlers) putSettings(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermSettingWrite) {
		return httpx.Forbidden("error.forbidden")
	}
	if !r.URL.Query().Has("region") {
		return model.Errorf(model.EInvalid, "error.bad_query", "region")
	}
	code := settingsRegion(r, p)
	var in settingsInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if !regionInScope(p, code) {
		return model.NotFound("region")
	}
	fe := model.FieldErrors{}
	if len(in.Values) == 0 {
		fe.Add("values", "field.required")
	}
	set := map[string]string{}
	var names []string
	for name, v := range in.Values {
		names = append(names, name)
		var s string
		switch x := v.(type) {
		case nil:
			if _, ok := casework.Spec(name); !ok {
				fe.Add("values."+name, "setting.unknown")
			}
			continue
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			fe.Add("values."+name, "field.type", model.M("type.number"))
			continue
		}
		norm, key := casework.CheckSetting(name, s)
		if key != "" {
			fe.Add("values."+name, key)
			continue
		}
		set[name] = norm
	}
	if err := fe.Err(); err != nil {
		return err
	}
	sort.Strings(names)
	own := map[string]bool{}
	current, err := h.Store.ListSettings(r.Context(), code)
	if err != nil {
		return err
	}
	for _, s := range current {
		if s.RegionCode == code {
			own[s.Name] = true
		}
	}
	for _, name := range names {
		if v, ok := set[name]; ok {
			if _, err := h.Store.SetSetting(r.Context(), code, name, v); err != nil {
				return err
			}
		} else if own[name] {
			if err := h.Store.DeleteSetting(r.Context(), code, name); err != nil {
				return err
			}
		}
	}
	out, err := h.settingsOf(r, code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
