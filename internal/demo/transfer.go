package demo

import (
	"fmt"
	"strings"

	"houdun/internal/model"
	"houdun/internal/store"
)

// demoTransfers are the transfer requests (人员转移申请) of the demo: staff
// registered in another district whom 海州区's team or the central
// hospital's administrator registered again, as happens when a nurse or a
// doctor is seconded to a fever clinic in another district. Two wait for the
// city team, one of them from the roster import of the central hospital,
// one it approved and one it rejected.
var demoTransfers = []struct {
	by, to, department, decision, reason string
}{
	{by: "caseworker", to: workerInstitution, department: "发热门诊"},
	{by: "institution-admin", to: workerInstitution, department: "重症医学科"},
	{by: "caseworker", to: workerInstitution, department: "感染科", decision: model.TransferApproved},
	{by: "caseworker", to: workerInstitution, department: "急诊科", decision: model.TransferRejected,
		reason: "经与原单位核实，该同志仍在原单位一线岗位，尚未办理借调手续；手续办妥后请重新提交。"},
}

// plannedTransfer is one of demoTransfers with the person it moves (an index in plan.people).
type plannedTransfer struct {
	person                               int
	by, to, department, decision, reason string
}

// planTransfers picks the people of demoTransfers: the first frontline
// staff outside 海州区, in plan order, so that the demo is the same each time.
func planTransfers(p plan) []plannedTransfer {
	var out []plannedTransfer
	next := 0
	for _, d := range demoTransfers {
		for next < len(p.people) && (strings.HasPrefix(p.insts[p.people[next].inst].region, "210902") || next == p.worker ||
			!p.people[next].fields.Frontline) {
			next++
		}
		if next == len(p.people) {
			break
		}
		out = append(out, plannedTransfer{person: next, by: d.by, to: d.to, department: d.department, decision: d.decision, reason: d.reason})
		next++
	}
	return out
}

// fillTransfers registers, as the demo accounts, people of districts other
// than 海州区 at the central hospital (which submits transfer requests) and
// lets the city team decide two of them.
func fillTransfers(st *store.Store, as actors, p plan, people []store.PersonRow, instByName map[string]int64, sum *Summary) error {
	for _, d := range planTransfers(p) {
		f := people[d.person].Fields
		to := instByName[d.to]
		reg, err := st.RegisterPerson(as[d.by], model.PersonInput{Name: &f.Name, IDNumber: &f.IDNumber, InstitutionID: &to,
			Department: &d.department, Occupation: &f.Occupation, Title: &f.Title, Frontline: &f.Frontline})
		if err != nil || reg.TransferID == 0 {
			return fmt.Errorf("demo: transfer request of %s: %+v, %w", d.by, reg, err)
		}
		sum.Transfers++
		city := as["caseworker-city"]
		switch d.decision {
		case model.TransferApproved:
			_, err = st.ApproveTransfer(city, reg.TransferID, model.TransferDecision{})
		case model.TransferRejected:
			_, err = st.RejectTransfer(city, reg.TransferID, model.TransferDecision{Reason: d.reason})
		}
		if err != nil {
			return fmt.Errorf("demo: deciding transfer %d: %w", reg.TransferID, err)
		}
	}
	return nil
}
