package demo

import (
	"math/rand/v2"

	"houdun/internal/model"
)

// What people do: occupation shares, where each occupation works, their
// departments, how likely each department is to be on the frontline, and the
// professional titles by age. The figures are judgement, not statistics; they
// are chosen so that the registry, the frontline lists and the couple rule
// all have something to show.

// occupationShares: doctors 32 %, nurses 40 %, technicians 10 %, CDC staff
// 6 %, community workers 8 %, others 4 %.
var occupationShares = []weighted[string]{
	{model.OccDoctor, 32}, {model.OccNurse, 40}, {model.OccTechnician, 10},
	{model.OccCDCStaff, 6}, {model.OccCommunityWorker, 8}, {model.OccOther, 4},
}

// maleShare is the probability that someone in an occupation is a man.
var maleShare = map[string]float64{
	model.OccDoctor: 0.52, model.OccNurse: 0.06, model.OccTechnician: 0.45,
	model.OccCDCStaff: 0.48, model.OccCommunityWorker: 0.3, model.OccOther: 0.55,
}

// affinity multiplies an institution's size by how much an occupation
// belongs there: CDC staff work mostly at CDCs (a few in hospitals' public
// health departments), community workers at community health centres and
// the quarantine site, aid teams are mostly nurses and doctors.
var affinity = map[profile]map[string]float64{
	profGeneral: {model.OccDoctor: 1, model.OccNurse: 1, model.OccTechnician: 1, model.OccCDCStaff: 0.03,
		model.OccCommunityWorker: 0, model.OccOther: 1},
	profInfectious: {model.OccDoctor: 1, model.OccNurse: 1.2, model.OccTechnician: 1, model.OccCDCStaff: 0.05,
		model.OccCommunityWorker: 0, model.OccOther: 1},
	profCDC: {model.OccDoctor: 0.05, model.OccNurse: 0.05, model.OccTechnician: 0.3, model.OccCDCStaff: 1,
		model.OccCommunityWorker: 0, model.OccOther: 0.6},
	profCHC: {model.OccDoctor: 1, model.OccNurse: 1, model.OccTechnician: 0.5, model.OccCDCStaff: 0.02,
		model.OccCommunityWorker: 1, model.OccOther: 1},
	profAidTeam: {model.OccDoctor: 1, model.OccNurse: 1.3, model.OccTechnician: 0.3, model.OccCDCStaff: 0.1,
		model.OccCommunityWorker: 0, model.OccOther: 0.2},
	profEMS: {model.OccDoctor: 0.5, model.OccNurse: 0.5, model.OccTechnician: 0.1, model.OccCDCStaff: 0,
		model.OccCommunityWorker: 0, model.OccOther: 1},
	profQuarantine: {model.OccDoctor: 0.3, model.OccNurse: 0.6, model.OccTechnician: 0.2, model.OccCDCStaff: 0.1,
		model.OccCommunityWorker: 1, model.OccOther: 1},
	profSupport: {model.OccDoctor: 0.3, model.OccNurse: 0.5, model.OccTechnician: 0.5, model.OccCDCStaff: 0,
		model.OccCommunityWorker: 0, model.OccOther: 1},
}

// dept is a department with the probability that its staff are frontline.
type dept struct {
	name      string
	frontline float64
}

// Department tables, weighted. Wards that see suspected cases (感染科,
// 发热门诊, 急诊科, 重症医学科) are mostly frontline; a cardiology ward rarely.
var (
	hospitalWards = []weighted[dept]{
		{dept{"呼吸内科", 0.5}, 12}, {dept{"感染科", 0.9}, 8}, {dept{"急诊科", 0.7}, 12}, {dept{"重症医学科", 0.85}, 8},
		{dept{"发热门诊", 0.95}, 6}, {dept{"心血管内科", 0.1}, 10}, {dept{"消化内科", 0.1}, 8}, {dept{"普外科", 0.1}, 10},
		{dept{"儿科", 0.15}, 8}, {dept{"妇产科", 0.1}, 8}, {dept{"麻醉科", 0.15}, 6}, {dept{"中医科", 0.05}, 4},
	}
	nursingUnits = []weighted[dept]{
		{dept{"手术室", 0.1}, 6}, {dept{"门诊部", 0.3}, 6}, {dept{"护理部", 0.15}, 2},
	}
	infectiousWards = []weighted[dept]{
		{dept{"感染一科", 0.95}, 10}, {dept{"感染二科", 0.95}, 10}, {dept{"重症医学科", 0.9}, 6},
		{dept{"发热门诊", 0.95}, 6}, {dept{"结核科", 0.4}, 4},
	}
	technicianDepts = []weighted[dept]{
		{dept{"检验科", 0.5}, 10}, {dept{"影像科", 0.4}, 8}, {dept{"放射科", 0.35}, 4}, {dept{"药剂科", 0.1}, 6},
		{dept{"病理科", 0.1}, 3}, {dept{"核酸检测实验室", 0.9}, 5},
	}
	hospitalPublicHealth = []weighted[dept]{{dept{"公共卫生科", 0.5}, 1}, {dept{"院感科", 0.5}, 1}}
	chcClinical          = []weighted[dept]{
		{dept{"全科医学科", 0.15}, 10}, {dept{"发热哨点诊室", 0.9}, 4}, {dept{"预防保健科", 0.4}, 4}, {dept{"家庭医生团队", 0.3}, 6},
	}
	chcTechnicians  = []weighted[dept]{{dept{"检验科", 0.5}, 2}, {dept{"药剂科", 0.1}, 1}, {dept{"B超室", 0.1}, 1}}
	chcPublicHealth = []weighted[dept]{{dept{"预防保健科", 0.6}, 1}}
	communityDepts  = []weighted[dept]{
		{dept{"社区网格", 0.5}, 10}, {dept{"入户排查组", 0.7}, 5}, {dept{"健康管理", 0.2}, 4},
		{dept{"隔离点服务", 0.9}, 2}, {dept{"疫苗接种点", 0.3}, 3},
	}
	cdcDepts = []weighted[dept]{
		{dept{"流调组", 0.9}, 10}, {dept{"消杀组", 0.85}, 8}, {dept{"检验检测组", 0.7}, 6}, {dept{"免疫规划科", 0.2}, 5},
		{dept{"传染病防制科", 0.5}, 5}, {dept{"应急办", 0.4}, 2}, {dept{"健康教育科", 0.1}, 2},
	}
	cdcClinical    = []weighted[dept]{{dept{"门诊部", 0.3}, 1}, {dept{"免疫规划科", 0.2}, 1}}
	cdcTechnicians = []weighted[dept]{{dept{"检验检测组", 0.7}, 1}}
	supportDepts   = []weighted[dept]{
		{dept{"后勤保障科", 0.2}, 5}, {dept{"保卫科", 0.2}, 3}, {dept{"医务科", 0.1}, 3}, {dept{"信息科", 0.05}, 2},
		{dept{"司机班", 0.4}, 2}, {dept{"保洁组", 0.4}, 3},
	}
	officeDepts = []weighted[dept]{{dept{"办公室", 0.05}, 2}, {dept{"后勤保障科", 0.15}, 2}, {dept{"财务科", 0}, 1}}
)

// departments returns the department table for an occupation at an institution of profile p.
func departments(p profile, occ string) []weighted[dept] {
	switch p {
	case profAidTeam:
		// An aid team exists to be on the frontline.
		switch occ {
		case model.OccDoctor:
			return []weighted[dept]{{dept{"医疗组", 1}, 1}}
		case model.OccNurse:
			return []weighted[dept]{{dept{"护理组", 1}, 1}}
		case model.OccTechnician:
			return []weighted[dept]{{dept{"检验组", 1}, 1}}
		case model.OccCDCStaff:
			return []weighted[dept]{{dept{"感控组", 1}, 1}}
		}
		return []weighted[dept]{{dept{"后勤保障组", 1}, 1}}
	case profQuarantine:
		switch occ {
		case model.OccDoctor, model.OccNurse:
			return []weighted[dept]{{dept{"隔离点医疗组", 1}, 1}}
		case model.OccTechnician:
			return []weighted[dept]{{dept{"核酸采样组", 1}, 1}}
		case model.OccCommunityWorker:
			return []weighted[dept]{{dept{"隔离点服务", 0.95}, 1}}
		}
		return []weighted[dept]{{dept{"隔离点后勤组", 0.9}, 1}}
	case profEMS:
		switch occ {
		case model.OccDoctor, model.OccNurse:
			return []weighted[dept]{{dept{"院前急救科", 0.8}, 4}, {dept{"调度科", 0.1}, 1}}
		case model.OccTechnician:
			return []weighted[dept]{{dept{"调度科", 0.1}, 1}}
		}
		return []weighted[dept]{{dept{"司机班", 0.6}, 3}, {dept{"后勤保障科", 0.1}, 1}}
	case profSupport:
		switch occ {
		case model.OccDoctor, model.OccNurse, model.OccTechnician:
			return []weighted[dept]{{dept{"采供血科", 0.1}, 3}, {dept{"质量管理科", 0.05}, 1}}
		case model.OccCommunityWorker:
			return communityDepts
		}
		return officeDepts
	case profCDC:
		switch occ {
		case model.OccCDCStaff:
			return cdcDepts
		case model.OccTechnician:
			return cdcTechnicians
		case model.OccDoctor, model.OccNurse:
			return cdcClinical
		}
		return officeDepts
	case profCHC:
		switch occ {
		case model.OccDoctor, model.OccNurse:
			return chcClinical
		case model.OccTechnician:
			return chcTechnicians
		case model.OccCDCStaff:
			return chcPublicHealth
		case model.OccCommunityWorker:
			return communityDepts
		}
		return supportDepts
	}
	// General and infectious-disease hospitals.
	switch occ {
	case model.OccDoctor:
		if p == profInfectious {
			return infectiousWards
		}
		return hospitalWards
	case model.OccNurse:
		if p == profInfectious {
			return infectiousWards
		}
		return append(append([]weighted[dept](nil), hospitalWards...), nursingUnits...)
	case model.OccTechnician:
		return technicianDepts
	case model.OccCDCStaff:
		return hospitalPublicHealth
	case model.OccCommunityWorker:
		return communityDepts
	}
	return supportDepts
}

// title returns a professional title fitting the occupation and age: the
// ladders of 卫生专业技术资格, climbed roughly every 5–10 years.
func title(r *rand.Rand, occ string, age int) string {
	u := r.Float64()
	switch occ {
	case model.OccDoctor:
		switch {
		case age < 30:
			return "住院医师"
		case age < 38:
			return pick(u, 0.8, "主治医师", "住院医师")
		case age < 48:
			return pick(u, 0.6, "副主任医师", "主治医师")
		}
		return pick3(u, 0.45, 0.9, "主任医师", "副主任医师", "主治医师")
	case model.OccNurse:
		switch {
		case age < 27:
			return "护士"
		case age < 35:
			return pick(u, 0.85, "护师", "护士")
		case age < 45:
			return pick(u, 0.8, "主管护师", "护师")
		}
		return pick3(u, 0.1, 0.5, "主任护师", "副主任护师", "主管护师")
	case model.OccTechnician:
		switch {
		case age < 28:
			return "技士"
		case age < 37:
			return "技师"
		case age < 50:
			return pick(u, 0.85, "主管技师", "技师")
		}
		return pick(u, 0.4, "副主任技师", "主管技师")
	case model.OccCDCStaff:
		switch {
		case age < 30:
			return "医师"
		case age < 40:
			return pick(u, 0.8, "主管医师", "医师")
		case age < 50:
			return pick(u, 0.55, "副主任医师", "主管医师")
		}
		return pick(u, 0.4, "主任医师", "副主任医师")
	case model.OccCommunityWorker:
		return pick3(u, 0.7, 0.9, "社区工作者", "网格员", "社区干事")
	}
	return pick3(u, 0.3, 0.7, "", "职员", "工勤技能岗")
}

// pick returns a when u < p, else b.
func pick(u, p float64, a, b string) string {
	if u < p {
		return a
	}
	return b
}

// pick3 returns a when u < p, b when u < q, else c.
func pick3(u, p, q float64, a, b, c string) string {
	switch {
	case u < p:
		return a
	case u < q:
		return b
	}
	return c
}
