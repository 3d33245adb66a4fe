package api_test

import (
	"slices"
	"sort"
	"testing"

	"houdun/internal/model"
)

// TestSubsidyOpenAPISchemasMatchModels keeps the subsidy fragment's schemas
// in step with the json tags of the model types, and its enums with the model's lists.
func TestSubsidyOpenAPISchemasMatchModels(t *testing.T) {
	doc := readOpenAPI(t)
	for name, v := range map[string]any{
		"BenefitRule": model.BenefitRule{}, "BenefitRuleInput": model.BenefitRuleInput{}, "BenefitRuleEnd": model.BenefitRuleEnd{},
		"EntitlementPart": model.EntitlementPart{}, "Explanation": model.Explanation{}, "Entitlement": model.Entitlement{},
		"EntitlementComputation": model.EntitlementComputation{}, "ComputationResult": model.ComputationResult{},
		"PaymentBatch": model.PaymentBatch{}, "PaymentDraft": model.PaymentDraft{}, "PaymentBatchAction": model.PaymentBatchAction{},
		"PaymentItem": model.PaymentItem{}, "BankAccount": model.BankAccount{}, "BankAccountInput": model.BankAccountInput{},
		"SubsidyStats": model.SubsidyStats{},
	} {
		s, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var got []string
		for p := range s.Properties {
			got = append(got, p)
		}
		sort.Strings(got)
		if want := jsonFields(v); !slices.Equal(got, want) {
			t.Errorf("%s: properties %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string][]string{"BenefitKind": model.BenefitKinds, "EntitlementStatus": model.EntitlementStatuses,
		"PaymentBatchStatus": model.PaymentStatuses, "ConsolationCategory": model.ConsolationCategories} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("%s enum = %v, want %v", name, got, want)
		}
	}
}
