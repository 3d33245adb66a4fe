package letters

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"houdun/internal/casework"
	"houdun/internal/model"
)

// Settings of this area, per region (casework's settings table and page).
const (
	// SettingInjuryDeadlineDays: days from diagnosis within which a
	// work-injury application is to be filed. The regulation allows the
	// employer 30 days (工伤保险条例 Art. 17); 人社部函〔2020〕11号 asks for a
	// fast track, so a region may set it shorter.
	SettingInjuryDeadlineDays = "work_injury.deadline_days"
	// SettingTitleMinDays: frontline days from which a person is flagged
	// for priority in title evaluation.
	SettingTitleMinDays = "title_priority.min_days"
)

func init() {
	casework.Settings = append(casework.Settings,
		casework.SettingSpec{Name: SettingInjuryDeadlineDays, Default: 30, Min: 1, Max: 365, Unit: "days"},
		casework.SettingSpec{Name: SettingTitleMinDays, Default: 1, Min: 1, Max: 365, Unit: "days"},
	)
}

// Setting returns a region's value of one of this area's settings from its
// effective values (name → value), or the default.
func Setting(values map[string]string, name string) int {
	spec, _ := casework.Spec(name)
	if v, ok := values[name]; ok {
		if n, key := casework.CheckSetting(name, v); key == "" {
			i, _ := strconv.Atoi(n)
			return i
		}
	}
	return spec.Default
}

// Limits of a commendation.
const (
	MaxDeed   = 2000
	MaxReason = 500
)

// DeedKey is a deed's text reduced to what identifies it: letters, digits
// and Chinese characters, in lower case. Two nominations of one person
// whose deeds have the same key are the same deed, rewarded once.
func DeedKey(deed string) string {
	var b strings.Builder
	for _, r := range deed {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// MayDecideCommendation: a nomination is decided by a region team (not an
// institution, not a person) whose scope covers it, and never by the
// account that nominated it.
func MayDecideCommendation(status string, deciderID, nominatorID int64, regionTeam bool) bool {
	return status == model.CommendationNominated && regionTeam && (deciderID == 0 || deciderID != nominatorID)
}

// Work-injury documents (材料清单), in the order a case lists them.
const (
	DocApplication  = "application" // 工伤认定申请表
	DocEmployment   = "employment"  // 劳动关系证明（劳动合同等）
	DocDiagnosis    = "diagnosis"   // 医疗诊断证明
	DocTest         = "test"        // 核酸/抗原检测报告
	DocAssignment   = "assignment"  // 排班/派驻证明
	DocIdentityCopy = "identity"    // 身份证复印件
)

// InjuryDocuments is the checklist every case starts with.
var InjuryDocuments = []string{DocApplication, DocEmployment, DocDiagnosis, DocTest, DocAssignment, DocIdentityCopy}

// InjuryDeadline is the date by which the application is due: days after
// the diagnosis (or the infection, without a diagnosis date).
func InjuryDeadline(diagnosedOn string, days int) string {
	d, err := time.Parse(time.DateOnly, diagnosedOn)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, days).Format(time.DateOnly)
}

// InjuryOverdue: a case still open (not filed) whose deadline has passed.
func InjuryOverdue(status, deadlineOn, today string) bool {
	return status == model.InjuryOpen && deadlineOn != "" && deadlineOn < today
}

// InjuryStep checks a status change of a case and returns the message key
// of the refusal, or "". Filing needs every document ticked; a decision
// follows a filing; a decided case is closed.
func InjuryStep(from, to string, allDone bool) string {
	switch {
	case from == to:
		return ""
	case from == model.InjuryOpen && to == model.InjurySubmitted:
		if !allDone {
			return "injury.documents_missing"
		}
		return ""
	case from == model.InjurySubmitted && (to == model.InjuryRecognised || to == model.InjuryNotRecognised):
		return ""
	case from == model.InjurySubmitted && to == model.InjuryOpen:
		return "" // the authority sent it back for more documents
	}
	return "injury.bad_step"
}

// FormatDays writes a count of half days as days: 9 → "4.5", 8 → "4".
func FormatDays(halfDays int) string {
	s := strconv.Itoa(halfDays / 2)
	if halfDays%2 != 0 {
		s += ".5"
	}
	return s
}

// ChineseDate writes an ISO date as a letter dates it: 2023年1月6日.
func ChineseDate(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return strconv.Itoa(d.Year()) + "年" + strconv.Itoa(int(d.Month())) + "月" + strconv.Itoa(d.Day()) + "日"
}
