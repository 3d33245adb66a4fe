package living

// Transport request statuses.
const (
	TripRequested = "requested"
	TripAssigned  = "assigned"
	TripUnderWay  = "under_way"
	TripCompleted = "completed"
	TripCancelled = "cancelled"
)

// TripStatuses lists the statuses in display order.
var TripStatuses = []string{TripRequested, TripAssigned, TripUnderWay, TripCompleted, TripCancelled}

// TripOpen are the statuses of a request still to be carried out.
var TripOpen = []string{TripRequested, TripAssigned, TripUnderWay}

// Kinds of transport request.
const (
	TripCommute       = "commute"        // a shift commute
	TripHospital      = "hospital"       // taking a family member to hospital
	TripMissionReturn = "mission_return" // the return from an aid mission
)

// TripKinds lists the kinds in display order.
var TripKinds = []string{TripCommute, TripHospital, TripMissionReturn}

// TripAction is a step of a transport request.
type TripAction string

// The steps of a request's life.
const (
	TripAssign   TripAction = "assign"   // requested, assigned → assigned (a vehicle and/or a volunteer driver)
	TripStart    TripAction = "start"    // assigned → under_way
	TripComplete TripAction = "complete" // assigned, under_way → completed
	TripCancel   TripAction = "cancel"   // requested, assigned → cancelled
)

// TripActions lists the steps in the order a page offers them.
var TripActions = []TripAction{TripAssign, TripStart, TripComplete, TripCancel}

var tripFrom = map[TripAction][]string{
	TripAssign:   {TripRequested, TripAssigned},
	TripStart:    {TripAssigned},
	TripComplete: {TripAssigned, TripUnderWay},
	TripCancel:   {TripRequested, TripAssigned},
}

var tripTo = map[TripAction]string{TripAssign: TripAssigned, TripStart: TripUnderWay, TripComplete: TripCompleted, TripCancel: TripCancelled}

// TripNext returns the status a step leads to from status, and whether it is allowed.
func TripNext(status string, a TripAction) (string, bool) {
	for _, s := range tripFrom[a] {
		if s == status {
			return tripTo[a], true
		}
	}
	return "", false
}

// TripFrom returns the statuses a step may start from (the store's UPDATE guard).
func TripFrom(a TripAction) []string { return append([]string(nil), tripFrom[a]...) }

// TripCaller is who is asking, as the rule needs it.
type TripCaller struct {
	Manager   bool // transport.manage: the team of the request's scope
	Driver    bool // the volunteer driver assigned to this request
	Requester bool // the person the request is for, or the account that asked
}

// MayTripStep reports whether a caller may take step a on a request: the
// team takes every step; the driver starts and completes their own trips;
// the requester cancels their own request while nobody is on the way.
func MayTripStep(c TripCaller, a TripAction) bool {
	switch {
	case c.Manager:
		return true
	case a == TripStart || a == TripComplete:
		return c.Driver
	case a == TripCancel:
		return c.Requester
	}
	return false
}

// TripSteps returns the steps a caller may take on a request in status, in display order.
func TripSteps(c TripCaller, status string) []TripAction {
	var out []TripAction
	for _, a := range TripActions {
		if _, ok := TripNext(status, a); ok && MayTripStep(c, a) {
			out = append(out, a)
		}
	}
	return out
}
