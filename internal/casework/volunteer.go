package casework

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"houdun/internal/model"
)

// compoundSurnames are the two-character surnames common enough to keep whole
// when a name is reduced to its surname.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true, "尉迟": true, "公孙": true,
	"慕容": true, "长孙": true, "宇文": true, "司徒": true, "司空": true, "夏侯": true, "令狐": true, "轩辕": true,
	"端木": true, "独孤": true, "南宫": true, "西门": true, "百里": true, "呼延": true, "澹台": true, "钟离": true,
	"闻人": true, "赫连": true, "万俟": true, "申屠": true, "太史": true, "公羊": true, "拓跋": true, "第五": true,
}

// MaskName reduces a name to what a volunteer needs to address the person
// politely: the surname and 某 (张伟 → 张某, 欧阳娜娜 → 欧阳某). A name that is
// not written in Chinese keeps its first letter only (Anna → A**).
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	first, size := utf8.DecodeRuneInString(name)
	if !unicode.Is(unicode.Han, first) {
		return string(first) + "**"
	}
	if utf8.RuneCountInString(name) >= 3 {
		r := []rune(name)
		if compoundSurnames[string(r[:2])] {
			return string(r[:2]) + "某"
		}
	}
	return name[:size] + "某"
}

// MaskAddress keeps the first part of an address, the district and street a
// volunteer may know before and after the case is theirs, and hides the rest
// (海州区西山街道和平社区3号楼501 → 海州区西山街道…).
func MaskAddress(addr string) string {
	r := []rune(strings.TrimSpace(addr))
	if len(r) == 0 {
		return ""
	}
	keep := min(len(r)/2, 7)
	return string(r[:keep]) + "…"
}

// PhoneVisibleToVolunteer reports whether the volunteer working a case may
// see the contact phone in full: only while the case is assigned or in
// progress, when they need to call.
func PhoneVisibleToVolunteer(status string) bool {
	return status == model.NeedAssigned || status == model.NeedInProgress
}

// kindSkills maps a kind of need to the volunteer skills that can meet it.
var kindSkills = map[string][]string{
	model.KindChildcare:      {model.SkillChildcare, model.SkillTutoring},
	model.KindEldercare:      {model.SkillEldercare},
	model.KindSupplies:       {model.SkillShopping, model.SkillDriving},
	model.KindMeals:          {model.SkillShopping},
	model.KindAccommodation:  {model.SkillOther},
	model.KindTransport:      {model.SkillDriving},
	model.KindPPE:            {model.SkillShopping, model.SkillDriving},
	model.KindCounselling:    {model.SkillCounselling},
	model.KindFamilyContact:  {model.SkillCounselling, model.SkillOther},
	model.KindDiscrimination: {model.SkillCounselling, model.SkillOther},
	model.KindMedical:        {model.SkillDriving, model.SkillOther},
	model.KindLegal:          {model.SkillOther},
	model.KindFinancial:      {model.SkillOther},
	model.KindOther:          {model.SkillOther},
}

// SkillsFor returns the volunteer skills that match a need: those of its
// kind, plus counselling for any psychological need.
func SkillsFor(category, kind string) []string {
	out := append([]string(nil), kindSkills[kind]...)
	if len(out) == 0 {
		out = []string{model.SkillOther}
	}
	if category == model.CategoryPsychological && !model.Contains(out, model.SkillCounselling) {
		out = append(out, model.SkillCounselling)
	}
	return out
}

// MatchingSkills returns the skills of a volunteer that meet the need, in the
// order SkillsFor gives.
func MatchingSkills(volunteerSkills []string, category, kind string) []string {
	var out []string
	for _, s := range SkillsFor(category, kind) {
		if model.Contains(volunteerSkills, s) {
			out = append(out, s)
		}
	}
	return out
}
