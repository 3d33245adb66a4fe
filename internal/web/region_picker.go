package web

import (
	"net/http"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
)

// regionPickerLimit caps the region picker's list: a city's scope holds a
// few dozen regions, a province's a few hundred; the whole country's
// counties would make every page heavy, and a code can always be typed.
const regionPickerLimit = 800

// regionChoice is an option of the region picker: the code and the name,
// with the full name above it as the option shows it (辽宁省阜新市海州区).
type regionChoice struct {
	Code, Name, Label string
}

// regionChoices lists the regions of the caller's scope for the picker,
// the higher levels first; none for a caller without region.read (the
// picker is then a plain box that takes a code).
func (h *handlers) regionChoices(r *http.Request, p *auth.Principal) []regionChoice {
	if !p.Can(auth.PermRegionRead) {
		return nil
	}
	rs, err := h.Store.RegionsWithin(r.Context(), regionPickerLimit)
	if err != nil {
		h.Log.Warn("region picker", "err", err)
		return nil
	}
	out := make([]regionChoice, 0, len(rs))
	for _, rg := range rs {
		label := region.Label(rg.Code)
		if rg.Level > int(region.LevelCounty) || label == "" || label == rg.Code {
			// A street or community added by users is not in the national
			// list: its parent's full name and its own.
			label = region.Label(rg.ParentCode) + rg.Name
		}
		out = append(out, regionChoice{Code: rg.Code, Name: rg.Name, Label: label})
	}
	return out
}

// enteredRegion reads a region the user typed or picked into a form field:
// a code in any form region.Normalize accepts (210900 as well as 2109), or a
// name of the caller's scope as the picker offers it (海州区, or the full
// 辽宁省阜新市海州区). It returns the stored code, or the field's message for
// a malformed or unknown code, a name that matches no region (or several)
// of the scope, and a region outside the caller's scope.
func (h *handlers) enteredRegion(r *http.Request, p *auth.Principal, field, raw string, choices []regionChoice) (string, *model.Msg) {
	raw = strings.TrimSpace(raw)
	var code string
	if strings.Trim(raw, "0123456789") != "" {
		var found []string
		for _, c := range choices {
			if c.Label == raw || c.Name == raw {
				found = append(found, c.Code)
			}
		}
		if len(found) != 1 {
			m := model.M("web.region.unknown_name", raw)
			if len(found) > 1 {
				m = model.M("web.region.ambiguous_name", raw)
			}
			return "", &m
		}
		code = found[0]
	} else {
		var err error
		if code, err = h.Store.EnteredRegion(r.Context(), field, raw); err != nil {
			e := model.AsError(err)
			if m, ok := e.Fields[field]; ok {
				return "", &m
			}
			m := e.Msg
			return "", &m
		}
	}
	if !p.System && p.InstitutionID == 0 && p.PersonID == 0 && !strings.HasPrefix(code, p.RegionCode) {
		m := model.M("region.out_of_scope")
		return "", &m
	}
	return code, nil
}
