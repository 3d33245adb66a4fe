package demo

import (
	"math/rand/v2"
	"strings"
)

// surnames are common Chinese surnames with weights roughly proportional to
// their share of the population (7th census), a little heavier on the
// surnames frequent in Liaoning (于, 孙, 白, 包), so lists look like a
// Fuxin roster rather than a uniform draw.
var surnames = []weighted[string]{
	{"王", 74}, {"李", 72}, {"张", 68}, {"刘", 56}, {"陈", 40}, {"杨", 31}, {"赵", 26}, {"黄", 18},
	{"周", 19}, {"吴", 17}, {"徐", 16}, {"孙", 20}, {"胡", 12}, {"朱", 12}, {"高", 14}, {"林", 9},
	{"何", 9}, {"郭", 12}, {"马", 13}, {"罗", 6}, {"梁", 8}, {"宋", 9}, {"郑", 7}, {"谢", 6},
	{"韩", 10}, {"唐", 6}, {"冯", 7}, {"于", 14}, {"董", 8}, {"萧", 2}, {"程", 5}, {"曹", 6},
	{"袁", 5}, {"邓", 4}, {"许", 6}, {"傅", 3}, {"沈", 4}, {"曾", 2}, {"彭", 3}, {"吕", 5},
	{"苏", 5}, {"卢", 4}, {"蒋", 4}, {"蔡", 3}, {"贾", 5}, {"丁", 4}, {"魏", 5}, {"薛", 4},
	{"叶", 3}, {"阎", 4}, {"余", 2}, {"潘", 3}, {"杜", 4}, {"戴", 2}, {"夏", 2}, {"钟", 2},
	{"汪", 2}, {"田", 5}, {"任", 4}, {"姜", 6}, {"范", 4}, {"方", 3}, {"石", 4}, {"姚", 3},
	{"谭", 2}, {"廖", 1}, {"邹", 2}, {"熊", 2}, {"金", 4}, {"陆", 2}, {"郝", 4}, {"孔", 3},
	{"白", 6}, {"崔", 5}, {"康", 3}, {"毛", 2}, {"邱", 2}, {"秦", 3}, {"江", 2}, {"史", 3},
	{"顾", 2}, {"侯", 4}, {"邵", 3}, {"孟", 4}, {"龙", 1}, {"万", 2}, {"段", 3}, {"雷", 2},
	{"钱", 2}, {"汤", 2}, {"尹", 3}, {"常", 4}, {"武", 3}, {"乔", 3}, {"贺", 2}, {"包", 4},
	{"关", 4}, {"佟", 3}, {"鲍", 2}, {"付", 4}, {"齐", 3}, {"岳", 2}, {"隋", 2}, {"庞", 2},
}

// Given-name characters by generation and sex. Names follow fashions: a
// woman born in 1965 is more likely a 淑芬 than a 梓涵, and the demo should
// look right to someone who reads Chinese rosters every day.
var givenChars = [3][2][]rune{
	// born before 1975: male, female
	{[]rune("国建军志明刚平华林强伟勇东福成德文海庆宝春立新永胜洪亮忠贵广振"),
		[]rune("淑秀桂玉凤英兰华芳红霞艳丽萍梅荣珍敏琴云芝娟静莲")},
	// 1975–1994
	{[]rune("伟磊涛斌超明刚辉鹏飞鑫波宇浩凯健俊峰亮博阳帅旭宁龙东海成志强"),
		[]rune("静丽艳娟燕玲婷雪琳颖慧倩洁萍丹晶欣怡佳爽楠莉娜敏红岩薇蕾")},
	// 1995 and later, and the children
	{[]rune("浩宇轩博昊鹏鑫睿航泽铭子辰晨阳凯一诺嘉逸杰皓然天翔"),
		[]rune("涵萱彤雨思欣怡佳悦璐琪瑶婧萌雯诗梦可依诺子一沐晴")},
}

// weighted is a choice with a relative weight.
type weighted[T any] struct {
	v T
	w float64
}

// pickWeighted draws one value by weight. The slices are small and fixed,
// so a linear scan costs less than keeping cumulative tables in sync.
func pickWeighted[T any](r *rand.Rand, choices []weighted[T]) T {
	total := 0.0
	for _, c := range choices {
		total += c.w
	}
	x := r.Float64() * total
	for _, c := range choices {
		if x < c.w {
			return c.v
		}
		x -= c.w
	}
	return choices[len(choices)-1].v
}

// eraOf maps a birth year to the row of givenChars.
func eraOf(year int) int {
	switch {
	case year < 1975:
		return 0
	case year < 1995:
		return 1
	}
	return 2
}

// randomSurname draws a surname by weight.
func randomSurname(r *rand.Rand) string { return pickWeighted(r, surnames) }

// givenName draws a one- or two-character given name fitting the birth year and sex.
func givenName(r *rand.Rand, year int, male bool) string {
	sex := 1
	if male {
		sex = 0
	}
	chars := givenChars[eraOf(year)][sex]
	first := chars[r.IntN(len(chars))]
	if r.Float64() < 0.4 {
		return string(first)
	}
	second := chars[r.IntN(len(chars))]
	for second == first {
		second = chars[r.IntN(len(chars))]
	}
	var b strings.Builder
	b.WriteRune(first)
	b.WriteRune(second)
	return b.String()
}
