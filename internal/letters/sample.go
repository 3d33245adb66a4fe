package letters

// FuxinTemplate is a consolation letter in the style of the one the Fuxin
// municipal Party committee and government sent every frontline medical
// worker in January 2023 (seed 000): the demo's template and a starting
// point for a team's own.
var FuxinTemplate = TemplateFields{
	Name:  "致全市抗疫一线医务人员的慰问信",
	Title: "慰问信",
	Body: `尊敬的{{姓名}}同志：
您好！值此新春佳节来临之际，谨向奋战在疫情防控一线、医疗救治一线的您和您的家人致以崇高的敬意和诚挚的慰问！
2022年，全市医护人员夙夜奋战，不畏艰险，始终坚守在防控一线、医疗救治一线，以巨大的付出、无私的奉献和执着的坚守，为全市人民守护着岁月静好。您在{{单位}}{{科室}}的岗位上，累计在一线工作{{一线天数}}天（{{一线时段}}），白衣执甲、负重前行，舍小家、顾大家，为守护人民群众生命安全和身体健康作出了重要贡献。你们辛苦了！感谢有你们！
市委、市政府将在落实一次性绩效工资、补充医护人员、优先给予职称评聘、缩短工伤认定等方面持续发力，让您的奋战和付出建立在充分的保障之上。严寒将尽，春风不远。衷心祝愿您和家人新春愉快、身体健康、阖家幸福！`,
	Sender: "中共阜新市委\n阜新市人民政府",
}
