package psych

// Case statuses (model.PsychCase*), repeated here so that the rules need no model.
const (
	caseProposed = "proposed"
	caseOpen     = "open"
	caseClosed   = "closed"
)

// CaseStep reports whether a case may go from status from to status to: a
// proposed case is taken on (open) or dismissed (closed), an open one
// closed, a closed one opened again.
func CaseStep(from, to string) bool {
	switch from {
	case caseProposed:
		return to == caseOpen || to == caseClosed
	case caseOpen:
		return to == caseClosed
	case caseClosed:
		return to == caseOpen
	}
	return false
}

// MayInvite reports whether a round may invite or remind a person: not
// once they withdrew their consent (a person who never answered may be
// invited, and consents when they open the round).
func MayInvite(withdrawn bool) bool { return !withdrawn }
