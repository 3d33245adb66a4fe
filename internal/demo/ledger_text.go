package demo

import "houdun/internal/model"

// needKind is one kind of need the demo ledger records: its guarantee
// category, the family member it concerns (a care need of the relative, ""
// for the worker themselves), how urgent such needs usually are, what people
// say, how the team solved it, and the volunteer skill that fits.
type needKind struct {
	category, kind string
	care           string // model.Care* of the relative concerned, "" for the person
	weight         float64
	urgency        []weighted[string]
	texts          []string
	resolutions    []string
	skill          string // model.Skill*, "" when volunteers do not take it
}

var (
	urgentMix = []weighted[string]{{model.UrgencyUrgent, 3}, {model.UrgencyHigh, 4}, {model.UrgencyNormal, 2}, {model.UrgencyLow, 1}}
	dailyMix  = []weighted[string]{{model.UrgencyUrgent, 1}, {model.UrgencyHigh, 3}, {model.UrgencyNormal, 5}, {model.UrgencyLow, 2}}
	slowMix   = []weighted[string]{{model.UrgencyHigh, 1}, {model.UrgencyNormal, 4}, {model.UrgencyLow, 4}}
)

// needKinds are what frontline workers and their families asked for, kind
// by kind; the texts are plausible, not quotations.
var needKinds = []needKind{
	{model.CategoryLiving, model.KindChildcare, model.CareMinor, 12, dailyMix, []string{
		"孩子网课无人照看，夫妻二人都在一线",
		"爱人也在抗疫一线，孩子放学后无人接送",
		"幼儿园停课，两岁孩子白天无人看护",
		"孩子临近中考，家中无人督促学习和作息",
	}, []string{
		"安排志愿者每天下午上门看护并辅导网课",
		"协调社区托管班接收孩子，每日接送",
		"联系班主任每日线上答疑，志愿者负责接送",
	}, model.SkillChildcare},
	{model.CategoryLiving, model.KindEldercare, model.CareElderly, 12, dailyMix, []string{
		"家中老人独居需要每日送餐",
		"父亲行动不便，需要定期上门照料",
		"母亲患高血压需按时取药，家中无人代取",
		"老人独居，希望每天有人电话问候",
	}, []string{
		"社区食堂每日送餐上门，志愿者每日探望",
		"志愿者每周两次上门照料、打扫",
		"家庭医生签约，按月代取药品送药上门",
	}, model.SkillEldercare},
	{model.CategoryLiving, model.KindSupplies, "", 8, dailyMix, []string{
		"隔离期间家中缺少蔬菜和日用品",
		"家中米面油等生活物资短缺",
		"孩子的奶粉快用完了，附近买不到",
	}, []string{
		"社区配送生活物资包一份",
		"志愿者代购并送货上门",
		"联系超市定点配送，每周两次",
	}, model.SkillShopping},
	{model.CategoryLiving, model.KindMeals, "", 6, dailyMix, []string{
		"连续加班，家中无人做饭，希望解决一日三餐",
		"夫妻均在一线，孩子午饭没有着落",
	}, []string{
		"单位食堂为家属提供订餐配送",
		"社区爱心食堂每日送餐到家",
	}, model.SkillShopping},
	{model.CategoryLiving, model.KindAccommodation, "", 4, slowMix, []string{
		"离家较远，希望就近安排住宿休息",
		"担心把病毒带回家，希望协调临时住所单独居住",
	}, []string{
		"协调医院附近酒店作为一线人员休息点",
		"安排单位周转宿舍，已入住",
	}, ""},
	{model.CategoryLiving, model.KindTransport, "", 5, dailyMix, []string{
		"夜班下班后没有公交，回家困难",
		"家住县城，每天上下班通勤困难",
	}, []string{
		"开通夜班专线车，定点接送",
		"志愿者车队每日定点接送",
	}, model.SkillDriving},
	{model.CategoryLiving, model.KindFinancial, "", 3, slowMix, []string{
		"爱人失业，家庭收入下降，房贷压力大",
		"临时性工作补助尚未发放，希望了解进度",
	}, []string{
		"申请困难职工临时救助，已发放",
		"财务核实后已补发补助",
	}, ""},
	{model.CategoryPsychological, model.KindCounselling, "", 10, dailyMix, []string{
		"连续夜班失眠希望心理疏导",
		"目睹危重患者离世后情绪低落",
		"长期与家人分离，焦虑情绪明显",
		"工作压力大，经常烦躁易怒，希望有人聊聊",
	}, []string{
		"心理咨询师一对一疏导三次，睡眠明显改善",
		"安排团体心理辅导，并提供24小时心理热线",
		"转介市精神卫生中心专业咨询，已预约",
	}, model.SkillCounselling},
	{model.CategorySafety, model.KindPPE, "", 7, urgentMix, []string{
		"N95口罩不足",
		"防护服和护目镜库存紧张，科室请求补充",
		"手套和防护面屏消耗大，希望增加配发",
	}, []string{
		"协调市防疫物资储备调拨N95口罩500只",
		"物资组补发防护服200套、护目镜100副",
		"增加每周配发量，已送达科室",
	}, ""},
	{model.CategorySafety, model.KindMedical, "", 5, urgentMix, []string{
		"连续工作后出现发热症状，希望尽快检测",
		"腰伤复发，希望安排就诊",
		"家属慢性病需要定期复诊开药，本人无法陪同",
	}, []string{
		"安排绿色通道就诊，已完成检查",
		"联系家庭医生上门随访并开药",
	}, ""},
	{model.CategoryHumanistic, model.KindDiscrimination, "", 5, urgentMix, []string{
		"被小区拒绝进入",
		"孩子在学校被同学疏远，因家长在发热门诊工作",
		"房东要求搬离，担心传染",
	}, []string{
		"与物业和社区沟通，已恢复正常出入",
		"与学校沟通，开展班级关爱教育",
		"街道协调房东，继续租住",
	}, ""},
	{model.CategoryHumanistic, model.KindFamilyContact, model.CareElderly, 5, slowMix, []string{
		"与外地父母长期无法见面，希望协助视频联系",
		"老人不会用智能手机，希望有人帮助视频通话",
	}, []string{
		"志愿者上门协助老人视频通话，每周一次",
		"社区网格员定期探望并协助联系",
	}, model.SkillOther},
	{model.CategoryOther, model.KindLegal, "", 2, slowMix, []string{
		"租房合同纠纷，希望获得法律咨询",
		"交通事故理赔遇到困难",
	}, []string{
		"司法局安排律师免费咨询，已协助解决",
	}, ""},
	{model.CategoryOther, model.KindOther, "", 3, slowMix, []string{
		"希望协助办理孩子转学手续",
		"家中水管破裂，无暇维修",
	}, []string{
		"街道协助联系学校办理",
		"社区物业安排维修",
	}, ""},
}

// rejectReasons explain why a case was not taken up.
var rejectReasons = []string{
	"经核实已由单位解决，无需重复办理",
	"诉求超出保障范围，已向本人做好解释",
	"本人表示暂不需要",
	"重复登记，已并入其他案件",
}

// visitNotes are what a case worker writes after a visit.
var visitNotes = []string{
	"本人身体状况良好，工作强度较大，家中无特殊困难",
	"家属表示理解支持，生活物资充足",
	"了解家庭基本情况，叮嘱注意休息",
	"送去慰问信和生活用品",
	"家中老人身体尚可，已留联系方式",
	"孩子学习生活正常，家属情绪稳定",
	"本人反映连续值班较累，已转告单位合理排班",
}

// stepNotes are the remarks of an assignment or a start.
var (
	assignNotes = []string{"", "请尽快联系本人", "对口帮扶志愿者优先", "请今日内回访"}
	startNotes  = []string{"", "已电话联系本人", "已上门了解情况", "已联系相关部门"}
	closeNotes  = []string{"", "回访本人表示满意", "回访家属，问题已解决", "电话回访，本人表示感谢"}
)
