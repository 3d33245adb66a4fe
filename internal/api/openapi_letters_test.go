package api_test

import (
	"slices"
	"sort"
	"testing"

	"houdun/internal/model"
)

// The letters' schemas name exactly the json fields of their models.
func TestLetterOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	for _, c := range []struct {
		schema string
		value  any
	}{
		{"LetterTemplate", model.LetterTemplate{}},
		{"LetterTemplateInput", model.LetterTemplateInput{}},
		{"LetterGeneration", model.LetterGeneration{}},
		{"LetterGenerationResult", model.LetterGenerationResult{}},
		{"Letter", model.Letter{}},
		{"LetterDelivery", model.LetterDelivery{}},
		{"Commendation", model.Commendation{}},
		{"CommendationInput", model.CommendationInput{}},
		{"CommendationDecision", model.CommendationDecision{}},
		{"TitlePriority", model.TitlePriority{}},
		{"WorkInjuryCase", model.WorkInjuryCase{}},
		{"WorkInjuryDocument", model.WorkInjuryDocument{}},
		{"WorkInjuryInput", model.WorkInjuryInput{}},
		{"WorkInjuryUpdate", model.WorkInjuryUpdate{}},
		{"LetterList", model.List[model.Letter]{}},
	} {
		s, ok := doc.Components.Schemas[c.schema]
		if !ok {
			t.Errorf("schema %s is missing", c.schema)
			continue
		}
		var got []string
		for name := range s.Properties {
			got = append(got, name)
		}
		sort.Strings(got)
		if want := jsonFields(c.value); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want the json fields %v", c.schema, got, want)
		}
	}
}
