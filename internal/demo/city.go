package demo

import "strings"

// The fixed shape of the demo city: streets, communities and institutions of
// 辽宁省阜新市. These are plain tables rather than generated, so that a demo
// shows recognisable names and every start of `houdun demo` shows the same
// ones. The street names follow Fuxin's real divisions, but the codes are
// made up in the GB/T 2260 style (街道 001–099, 镇 100–199 below a county);
// the institutions are plausible, not a directory of real ones.

// cityCode is 阜新市; every demo region and institution lies below it.
const cityCode = "2109"

// cityName is the city as people in it would write it.
const cityName = "阜新市"

// street is a street (街道) or town (镇) below a county, with its communities.
type street struct {
	code, name  string
	communities []community
}

type community struct{ code, name string }

// county is one of Fuxin's seven districts and counties from the national list.
type county struct {
	code, name string
	streets    []street
}

// counties lists the demo streets and communities. Community health
// centres are added for every street (see institutions), so each street gets
// staff and the region tree in the web pages has people at every level.
var counties = []county{
	{"210902", "海州区", []street{
		{"210902001", "河北街道", []community{{"210902001001", "光明社区"}, {"210902001002", "新华社区"}, {"210902001003", "团结社区"}}},
		{"210902002", "站前街道", []community{{"210902002001", "站前社区"}, {"210902002002", "铁路社区"}}},
		{"210902003", "西山街道", nil},
		{"210902004", "和平街道", nil},
	}},
	{"210903", "新邱区", []street{
		{"210903001", "街基街道", nil},
		{"210903002", "中部街道", nil},
		{"210903003", "益民街道", nil},
	}},
	{"210904", "太平区", []street{
		{"210904001", "高德街道", []community{{"210904001001", "高德社区"}, {"210904001002", "平安社区"}}},
		{"210904002", "红树街道", nil},
		{"210904003", "城南街道", nil},
		{"210904004", "孙家湾街道", nil},
	}},
	{"210905", "清河门区", []street{
		{"210905001", "河西街道", nil},
		{"210905002", "新北街道", nil},
		{"210905003", "六台街道", nil},
	}},
	{"210911", "细河区", []street{
		{"210911001", "四合街道", []community{{"210911001001", "四合社区"}, {"210911001002", "城西社区"}, {"210911001003", "幸福社区"}}},
		{"210911002", "北苑街道", nil},
		{"210911003", "中华路街道", nil},
		{"210911004", "华东街道", nil},
	}},
	{"210921", "阜新蒙古族自治县", []street{
		{"210921100", "阜新镇", []community{{"210921100001", "城南社区"}, {"210921100002", "东风社区"}}},
		{"210921101", "东梁镇", nil},
		{"210921102", "佛寺镇", nil},
		{"210921103", "务欢池镇", nil},
	}},
	{"210922", "彰武县", []street{
		{"210922100", "彰武镇", []community{{"210922100001", "振兴社区"}, {"210922100002", "育才社区"}}},
		{"210922101", "哈尔套镇", nil},
		{"210922102", "章古台镇", nil},
	}},
}

// profile selects the departments an institution's staff work in.
type profile int

const (
	profGeneral    profile = iota // a general or specialised hospital
	profInfectious                // the infectious-disease hospital: most wards are frontline
	profCHC                       // community health centres, township hospitals, health stations
	profCDC                       // centres for disease control
	profAidTeam                   // an aid team: everyone is frontline
	profEMS                       // the emergency medical centre (120)
	profQuarantine                // a central quarantine site
	profSupport                   // blood centre, administrative service centre
)

// institution is one demo workplace. size weighs how many staff it gets.
type institution struct {
	name    string
	typ     string // model.Inst* value
	region  string
	profile profile
	size    float64
}

// institutions builds the fixed institution list: city and district
// hospitals, CDCs, one community health centre or township hospital per
// street, a few community health stations, two aid teams and a few others.
// Sizes are relative weights; a 20,000-person city gives 阜新市中心医院 about
// 2,000 staff and a township hospital about 130.
func institutions() []institution {
	const (
		hospital  = "hospital"
		cdc       = "cdc"
		chc       = "community_health_centre"
		aidTeam   = "aid_team"
		otherType = "other"
	)
	list := []institution{
		{"阜新市中心医院", hospital, "210902", profGeneral, 12},
		{"阜新矿业集团总医院", hospital, "210902", profGeneral, 10},
		{"阜新市第二人民医院", hospital, "210904", profGeneral, 7},
		{"阜新市中医医院", hospital, "210902", profGeneral, 5},
		{"阜新市妇幼保健院", hospital, "210911", profGeneral, 4},
		{"阜新市传染病医院", hospital, "210911", profInfectious, 3},
		{"阜新市第三人民医院", hospital, "210904", profGeneral, 3},
		{"阜新市肿瘤医院", hospital, "210902", profGeneral, 2},
		{"海州区人民医院", hospital, "210902", profGeneral, 2},
		{"新邱区人民医院", hospital, "210903", profGeneral, 2},
		{"太平区人民医院", hospital, "210904", profGeneral, 2},
		{"清河门区人民医院", hospital, "210905", profGeneral, 2},
		{"细河区人民医院", hospital, "210911", profGeneral, 2},
		{"阜新蒙古族自治县人民医院", hospital, "210921", profGeneral, 5},
		{"阜新蒙古族自治县蒙医医院", hospital, "210921", profGeneral, 2},
		{"阜新蒙古族自治县妇幼保健院", hospital, "210921", profGeneral, 1.5},
		{"彰武县人民医院", hospital, "210922", profGeneral, 5},
		{"彰武县中医医院", hospital, "210922", profGeneral, 2},
		{"阜新市疾病预防控制中心", cdc, "210902", profCDC, 5},
	}
	for _, c := range counties {
		list = append(list, institution{c.name + "疾病预防控制中心", cdc, c.code, profCDC, 1.5})
	}
	for _, c := range counties {
		for _, s := range c.streets {
			// Streets have a community health centre, towns a township
			// hospital; both carry the county in front, as their signs do.
			name := c.name + s.name + "社区卫生服务中心"
			if strings.HasSuffix(s.name, "镇") {
				name = c.name + s.name + "中心卫生院"
			}
			list = append(list, institution{name, chc, s.code, profCHC, 0.8})
		}
	}
	// A few communities have their own health station (社区卫生服务站).
	for _, st := range []struct{ code, name string }{
		{"210902001001", "海州区光明社区卫生服务站"},
		{"210902002002", "海州区铁路社区卫生服务站"},
		{"210904001002", "太平区平安社区卫生服务站"},
		{"210911001003", "细河区幸福社区卫生服务站"},
		{"210922100001", "彰武县振兴社区卫生服务站"},
	} {
		list = append(list, institution{st.name, chc, st.code, profCHC, 0.25})
	}
	list = append(list,
		institution{"辽宁省援鄂医疗队阜新分队", aidTeam, "210902", profAidTeam, 0.4},
		institution{"阜新市援沪核酸检测医疗队", aidTeam, "210911", profAidTeam, 0.3},
		institution{"阜新市急救中心", otherType, "210902", profEMS, 1},
		institution{"阜新市中心血站", otherType, "210911", profSupport, 0.5},
		institution{"阜新市卫生健康服务中心", otherType, "210902", profSupport, 0.3},
		institution{"阜新市集中隔离医学观察点（细河区）", otherType, "210911", profQuarantine, 0.4},
	)
	return list
}
