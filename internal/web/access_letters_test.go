package web_test

import (
	"strconv"
	"testing"
	"time"

	"houdun/internal/ident"
	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// The pages of letters, commendations, the title-evaluation list and
// work-injury cases. Empty forms answer 422 with their messages; a letter's
// delivery and a rejection check their fields before the record, so both
// sides answer 422 to an empty form. In scope is 张伟 (海州区) and Haizhou's
// records, out of scope 李娜 (新邱区) and Xinqiu's.
func init() {
	pageAccess = append(pageAccess,
		// method path                                       anon sysadmin secadmin auditor caseworker inst_admin counselor finance volunteer leader  worker
		"GET  /letters                                       303  403      403      403     200        403        403       403     403       403     200",
		"POST /letters/generate                              303  403      403      403     422        403        403       403     403       403     403",
		"POST /letters/{letter}/delivery                     303  403      403      403     422        403        403       403     403       403     422",
		"GET  /letter-templates                              303  403      403      403     200        403        403       403     403       403     403",
		"POST /letter-templates                              303  403      403      403     422        403        403       403     403       403     403",
		"GET  /letter-templates/{template}                   303  403      403      403     200/404    403        403       403     403       403     403",
		"POST /letter-templates/{template}                   303  403      403      403     422/404    403        403       403     403       403     403",
		"GET  /commendations                                 303  403      403      403     200        200        403       403     403       403     403",
		"POST /commendations                                 303  403      403      403     403        422        403       403     403       403     403",
		"POST /commendations/{commendation}/approve          303  403      403      403     303/404    403        403       403     403       403     403",
		"POST /commendations/{commendation}/reject           303  403      403      403     422        403        403       403     403       403     403",
		"GET  /title-priority                                303  403      403      403     200        200        403       403     403       403     403",
		"GET  /work-injury-cases                             303  403      403      403     200        403        403       403     403       403     403",
		"POST /work-injury-cases                             303  403      403      403     422        403        403       403     403       403     403",
		"GET  /work-injury-cases/{injury}                    303  403      403      403     200/404    403        403       403     403       403     403",
		"POST /work-injury-cases/{injury}                    303  403      403      403     303/404    403        403       403     403       403     403",
	)
	areaRecords = append(areaRecords, func(t *testing.T, s *accessSite, users map[string]model.User) {
		ctx := testutil.System()
		sid := func(n int64) string { return strconv.FormatInt(n, 10) }
		tf := letters.FuxinTemplate
		template := func(code string) model.LetterTemplate {
			tpl, err := s.st.CreateLetterTemplate(ctx, model.LetterTemplateInput{RegionCode: &code, Name: &tf.Name, Title: &tf.Title, Body: &tf.Body, Sender: &tf.Sender})
			if err != nil {
				t.Fatal(err)
			}
			return tpl
		}
		letter := func(tpl model.LetterTemplate, p model.Person) int64 {
			res, err := s.st.GenerateLetters(ctx, model.LetterGeneration{TemplateID: tpl.ID, PersonIDs: []int64{p.ID}})
			if err != nil {
				t.Fatal(err)
			}
			return res.LetterIDs[0]
		}
		comm := func(p model.Person) int64 {
			c, err := s.st.NominateCommendation(ctx, model.CommendationInput{PersonID: p.ID, Level: model.CommendJiajiang, Deed: "坚守发热门诊" + sid(p.ID)})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		injury := func(inst model.Institution, code string, seq int) int64 {
			idn := ident.MakeIDNumber(code, time.Date(1988, 3, 3, 0, 0, 0, 0, time.UTC), seq)
			p, err := s.st.CreatePerson(ctx, model.PersonInput{Name: ptr("感染者" + sid(int64(seq))), IDNumber: &idn, InstitutionID: &inst.ID, Occupation: ptr(model.OccNurse), Frontline: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.st.OpenWorkInjuryCase(ctx, model.WorkInjuryInput{PersonID: p.ID, InfectedOn: "2023-01-01", Diagnosis: "新冠病毒感染"})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		in, out := template("210902"), template("210903")
		s.recIn["template"], s.recOut["template"] = sid(in.ID), sid(out.ID)
		s.recIn["letter"], s.recOut["letter"] = sid(letter(in, s.zhang)), sid(letter(out, s.li))
		s.recIn["commendation"], s.recOut["commendation"] = sid(comm(s.zhang)), sid(comm(s.li))
		s.recIn["injury"], s.recOut["injury"] = sid(injury(s.haizhou, "210902", 301)), sid(injury(s.xinqiu, "210903", 302))
	})
}
