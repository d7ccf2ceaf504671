/*
 * genbench.c - a deterministic national-scale submission file for make bench.
 *
 *	genbench [-n ROWS] [-s SEED] [-c COUNTIES_CSV] > submission.csv
 *
 * Writes a county submission (申报表) of ROWS data rows (default 1,000,000,
 * about 170 bytes a row) to stdout: UTF-8, LF, the Chinese header variants of
 * SPEC §3.1, Chinese names, addresses and item lists. With -c it also writes
 * the matching county registry (county_code,county,city,fiscal_coef) of about
 * 2,800 synthetic counties under the 31 real provincial prefixes 11..65.
 *
 * What a validator meets, per row drawn independently (rates approximate):
 *   quoting   2% items with ASCII commas, 0.5% items with a double quote,
 *             0.5% items with line breaks (numbered list), 0.5% addresses
 *             with a comma, 0.5% with a double quote; areas below add 1%.
 *   dirty     1% full-width digits (households, buildings or area),
 *   (valid)   1% build year "1995年" or "1995.6", 1% area "12,345.50".
 *   invalid   0.5%: households in Chinese numerals, empty community name,
 *             buildings 0, or a county code not in the registry (1/4 each).
 * Otherwise: build year 1960..2000, buildings 1..40, 10..150 households a
 * building, 50..110 ㎡ a household, 150..900 元/㎡ (total in 万元, 2
 * decimals), consent 67..100 ("85%", sometimes "85").
 *
 * The registry does not depend on -n, and row k is the same for every ROWS
 * >= k, so `genbench -n 100000` is the first 100,000 rows of the big file.
 * Only the C library is needed: cc -O2 -o genbench genbench.c
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers: splitmix64 ---- */

static uint64_t rng;

static uint64_t
next64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the modulo bias is below 1e-15 for our n. */
static unsigned
rnd(unsigned n)
{
	return (unsigned)(next64() % n);
}

/* True with probability per10k / 10000. */
static int
chance(unsigned per10k)
{
	return rnd(10000) < per10k;
}

/* ---- word lists ---- */

static const int provinces[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
	42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65
};

static const char *const syl[] = {
	"安", "平", "华", "宁", "昌", "德", "丰", "福", "阳", "山", "江", "河",
	"湖", "海", "东", "西", "南", "北", "中", "新", "永", "兴", "隆", "泰",
	"和", "清", "远", "长", "广", "明", "武", "文", "金", "石", "城", "林",
	"川", "水", "宝", "云", "桂", "吉", "庆", "嘉", "定", "顺", "靖", "乐",
	"荣", "峰", "源", "沙", "岭", "台", "天", "青", "凤", "龙", "临", "通",
	"元", "恩", "铜", "柳"
};

static const char *const estate[] = {
	"幸福", "红旗", "建设", "向阳", "光明", "和平", "东风", "胜利", "新华",
	"人民", "朝阳", "友谊", "解放", "团结", "文化", "工人", "铁路", "电业局",
	"粮食局", "纺织厂", "机械厂", "煤矿", "水利局", "税务局", "供电局",
	"邮电", "化肥厂", "农机厂", "卫生局", "教育局", "烟草公司", "交通局",
	"钢铁厂", "商业局", "物资局", "水泥厂", "棉纺厂", "师范学校", "人民医院",
	"法院"
};

static const char *const quarter[] = {
	"", "", "", "东", "西", "南", "北", "中"
};

static const char *const estate_kind[] = {
	"小区", "小区", "小区", "家属院", "宿舍", "宿舍楼", "新村", "花园",
	"住宅小区", "生活区", "公寓", "家属楼"
};

static const char *const phase[] = {
	"", "", "", "", "", "", "一期", "二期", "三期"
};

static const char *const road_kind[] = {
	"路", "路", "路", "街", "大街", "大道", "巷", "胡同"
};

static const char *const items[] = {
	"更换供水管网", "二次供水设施改造", "雨污分流", "排水管网改造",
	"燃气管道改造", "供热管网改造", "电力线路改造", "弱电线缆规整",
	"架空线入地", "光纤入户", "道路硬化", "消防设施改造", "安防监控",
	"垃圾分类设施", "屋面防水", "外墙保温", "楼道粉刷", "单元门更换",
	"拆除违法建设", "绿化提升", "照明亮化", "适老化改造", "无障碍设施",
	"停车位施划", "充电桩", "智能快递柜", "文体设施", "物业用房",
	"建筑节能改造", "社区服务中心", "卫生服务站", "养老服务设施",
	"托育设施", "社区助餐点", "便民市场", "邮政快递站"
};
#define ITEM_ELEVATOR "加装电梯"

static const char *const cn_digit[] = {
	"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"
};

/* ---- output ---- */

static char obuf[1 << 16];
static size_t olen;

static void
oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		perror("genbench: stdout");
		exit(1);
	}
	olen = 0;
}

static void
outn(const char *s, size_t n)
{
	if (olen + n > sizeof obuf)
		oflush();
	memcpy(obuf + olen, s, n);
	olen += n;
}

static void
outs(const char *s)
{
	outn(s, strlen(s));
}

static void
outc(char c)
{
	if (olen == sizeof obuf)
		oflush();
	obuf[olen++] = c;
}

/* A small string builder for one field. */
struct fld {
	char s[1024];
	size_t n;
};

static void
fadd(struct fld *f, const char *s)
{
	size_t n = strlen(s);

	if (f->n + n >= sizeof f->s)
		n = sizeof f->s - 1 - f->n;
	memcpy(f->s + f->n, s, n);
	f->n += n;
	f->s[f->n] = '\0';
}

static void
faddu(struct fld *f, unsigned long v)
{
	char b[24];

	snprintf(b, sizeof b, "%lu", v);
	fadd(f, b);
}

/* Writes F as a CSV field, quoted only when it has to be. */
static void
outfield(const struct fld *f)
{
	size_t i;

	if (strpbrk(f->s, ",\"\n\r") == NULL) {
		outn(f->s, f->n);
		return;
	}
	outc('"');
	for (i = 0; i < f->n; i++) {
		if (f->s[i] == '"')
			outc('"');
		outc(f->s[i]);
	}
	outc('"');
}

/* ---- the county registry ---- */

struct county {
	char code[7];
	char name[16];
	char city[16];
	int coef;            /* fiscal coefficient in hundredths */
};

static struct county *county;
static size_t ncounty;

static void
name2(char *buf, size_t size, const char *suffix)
{
	snprintf(buf, size, "%s%s%s", syl[rnd(NELEM(syl))],
	    syl[rnd(NELEM(syl))], suffix);
}

static void
make_registry(uint64_t seed)
{
	size_t p, cap = 0;
	unsigned c, k, ncity, nk;
	char city[16];

	rng = seed ^ 0x636f756e74696573ULL;   /* "counties" */
	for (p = 0; p < NELEM(provinces); p++) {
		ncity = 6 + rnd(12);
		for (c = 1; c <= ncity; c++) {
			name2(city, sizeof city, "市");
			nk = 4 + rnd(9);
			for (k = 0; k < nk; k++) {
				struct county *ct;

				if (ncounty == cap) {
					cap = cap ? 2 * cap : 1024;
					county = realloc(county, cap * sizeof *county);
					if (county == NULL) {
						perror("genbench");
						exit(1);
					}
				}
				ct = &county[ncounty++];
				snprintf(ct->code, sizeof ct->code, "%02d%02u%02u",
				    provinces[p], c, k + 2);
				name2(ct->name, sizeof ct->name,
				    k < 2 ? "区" : rnd(5) == 0 ? "市" : "县");
				memcpy(ct->city, city, sizeof ct->city);
				ct->coef = 80 + (int)rnd(41);
			}
		}
	}
}

static void
write_registry(const char *path)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	if (fp == NULL) {
		fprintf(stderr, "genbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs("county_code,county,city,fiscal_coef\n", fp);
	for (i = 0; i < ncounty; i++)
		fprintf(fp, "%s,%s,%s,%d.%02d\n", county[i].code, county[i].name,
		    county[i].city, county[i].coef / 100, county[i].coef % 100);
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0) {
		fprintf(stderr, "genbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* ---- one row ---- */

/* Chinese numerals for 1..9999, the way a person writes a count. */
static void
chinese_number(struct fld *f, unsigned v)
{
	static const char *const unit[] = { "千", "百", "十", "" };
	unsigned div = 1000, i, d;
	int started = 0, zero = 0;

	for (i = 0; i < 4; i++, div /= 10) {
		d = v / div % 10;
		if (d == 0) {
			zero = started;
			continue;
		}
		if (zero)
			fadd(f, "零");
		zero = 0;
		if (!(d == 1 && i == 2 && !started))
			fadd(f, cn_digit[d]);
		fadd(f, unit[i]);
		started = 1;
	}
}

/* ASCII digits of S to full-width (U+FF10..U+FF19), other bytes as they are. */
static void
fullwidth(struct fld *f, const char *s)
{
	char d[4] = "\xef\xbc\x90";

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			d[2] = (char)(0x90 + (*s - '0'));
			fadd(f, d);
		} else {
			char c[2] = { *s, '\0' };
			fadd(f, c);
		}
	}
}

/* V hundredths as "1234.56", or "1,234.56" with thousands separators. */
static void
hundredths(struct fld *f, unsigned long v, int group)
{
	char b[32], g[48];
	size_t n, i, j = 0;

	n = (size_t)snprintf(b, sizeof b, "%lu", v / 100);
	for (i = 0; i < n; i++) {
		if (group && i > 0 && (n - i) % 3 == 0)
			g[j++] = ',';
		g[j++] = b[i];
	}
	snprintf(g + j, sizeof g - j, ".%02lu", v % 100);
	fadd(f, g);
}

static void
add_item(struct fld *f, const char *item, unsigned n, int sep_kind)
{
	const char *sep = sep_kind == 1 ? "," : sep_kind == 2 ? "，" :
	    sep_kind == 3 ? "；" : "、";
	char b[16];

	if (sep_kind == 4) {   /* a numbered list, one item a line */
		snprintf(b, sizeof b, "%s%u.", n ? "\n" : "", n + 1);
		fadd(f, b);
	} else if (n) {
		fadd(f, sep);
	}
	fadd(f, item);
}

static void
item_list(struct fld *f, unsigned buildings, int sep_kind)
{
	unsigned n = 0, i;
	char b[32];

	for (i = 0; i < NELEM(items); i++)
		if (chance(950))
			add_item(f, items[i], n++, sep_kind);
	if (n == 0)
		add_item(f, items[rnd(NELEM(items))], n++, sep_kind);
	if (chance(1500)) {
		snprintf(b, sizeof b, ITEM_ELEVATOR "%u部",
		    1 + rnd(buildings < 4 ? buildings : 4));
		add_item(f, b, n++, sep_kind);
	}
}

enum { BAD_NONE, BAD_HOUSEHOLDS, BAD_COMMUNITY, BAD_BUILDINGS, BAD_CODE };

static void
row(unsigned long seq, const struct county *ct)
{
	struct fld f;
	char code[8];
	unsigned year, buildings, households, rate, consent, u;
	unsigned long area, invest;
	int bad = chance(50) ? BAD_HOUSEHOLDS + (int)rnd(4) : BAD_NONE;
	int fw = chance(100) ? 1 + (int)rnd(3) : 0;  /* 1 hh, 2 bldg, 3 area */
	int yearform = chance(100) ? 1 + (int)rnd(2) : 0;
	int group = chance(100);
	int sep = 0, addr = 0;

	/* Figures first: they are used in the text. */
	year = 1960 + rnd(41);
	buildings = 1 + rnd(1 + rnd(40));
	households = buildings * (10 + rnd(141));
	area = (unsigned long)households * (5000 + rnd(6001));  /* hundredths */
	rate = 150 + rnd(751);                                   /* 元/㎡ */
	invest = (area * rate + 5000) / 10000;                   /* 0.01 万元 */
	consent = 67 + rnd(34);
	u = rnd(10000);
	if (u < 200)
		sep = 1;        /* ASCII commas */
	else if (u < 250)
		sep = 5;        /* a double quote */
	else if (u < 300)
		sep = 4;        /* line breaks */
	else if (u < 800)
		sep = 2;        /* full-width commas */
	else if (u < 1000)
		sep = 3;        /* semicolons */
	u = rnd(10000);
	if (u < 50)
		addr = 1;       /* a comma */
	else if (u < 100)
		addr = 2;       /* a double quote */

	/* 序号 */
	f.n = 0;
	faddu(&f, seq);
	outfield(&f);
	outc(',');

	/* 行政区划代码: a code no registry has (city 90..99) when bad */
	if (bad == BAD_CODE)
		snprintf(code, sizeof code, "%.2s9%u%02u", ct->code, rnd(10),
		    rnd(100));
	else
		memcpy(code, ct->code, 7);
	outs(code);
	outc(',');

	/* 县(市、区) */
	outs(ct->name);
	outc(',');

	/* 街道 */
	f.n = 0;
	fadd(&f, syl[rnd(NELEM(syl))]);
	fadd(&f, syl[rnd(NELEM(syl))]);
	fadd(&f, rnd(8) ? "街道" : "镇");
	outfield(&f);
	outc(',');

	/* 小区名称 */
	f.n = 0;
	fadd(&f, estate[rnd(NELEM(estate))]);
	fadd(&f, quarter[rnd(NELEM(quarter))]);
	fadd(&f, estate_kind[rnd(NELEM(estate_kind))]);
	if (rnd(6) == 0) {
		faddu(&f, 1 + rnd(12));
		fadd(&f, "号院");
	} else {
		fadd(&f, phase[rnd(NELEM(phase))]);
	}
	if (bad == BAD_COMMUNITY)
		f.n = 0, f.s[0] = '\0';
	outfield(&f);
	outc(',');

	/* 地址 */
	f.n = 0;
	fadd(&f, syl[rnd(NELEM(syl))]);
	fadd(&f, syl[rnd(NELEM(syl))]);
	fadd(&f, road_kind[rnd(NELEM(road_kind))]);
	u = 1 + rnd(300);
	faddu(&f, u);
	fadd(&f, "号");
	if (addr == 1) {
		fadd(&f, ",");
		faddu(&f, u + 2);
		fadd(&f, "号");
	} else if (addr == 2) {
		fadd(&f, "（原\"");
		fadd(&f, estate[rnd(NELEM(estate))]);
		fadd(&f, "\"宿舍）");
	}
	outfield(&f);
	outc(',');

	/* 建成年份 */
	f.n = 0;
	faddu(&f, year);
	if (yearform == 1)
		fadd(&f, "年");
	else if (yearform == 2) {
		fadd(&f, ".");
		faddu(&f, 1 + rnd(12));
	}
	outfield(&f);
	outc(',');

	/* 楼栋数 */
	f.n = 0;
	if (bad == BAD_BUILDINGS)
		fadd(&f, "0");
	else if (fw == 2) {
		char b[16];

		snprintf(b, sizeof b, "%u", buildings);
		fullwidth(&f, b);
	} else
		faddu(&f, buildings);
	outfield(&f);
	outc(',');

	/* 户数 */
	f.n = 0;
	if (bad == BAD_HOUSEHOLDS)
		chinese_number(&f, households);
	else if (fw == 1) {
		char b[16];

		snprintf(b, sizeof b, "%u", households);
		fullwidth(&f, b);
	} else
		faddu(&f, households);
	outfield(&f);
	outc(',');

	/* 建筑面积(㎡) */
	f.n = 0;
	if (fw == 3) {
		struct fld a = { .n = 0 };

		hundredths(&a, area, 0);
		fullwidth(&f, a.s);
	} else
		hundredths(&f, area, group);
	outfield(&f);
	outc(',');

	/* 改造内容 */
	f.n = 0;
	if (sep == 5) {
		fadd(&f, "打造\"红色物业\"、");
		item_list(&f, buildings, 0);
	} else
		item_list(&f, buildings, sep);
	outfield(&f);
	outc(',');

	/* 总投资(万元) */
	f.n = 0;
	hundredths(&f, invest, 0);
	outfield(&f);
	outc(',');

	/* 居民同意率 */
	f.n = 0;
	faddu(&f, consent);
	if (rnd(10))
		fadd(&f, "%");
	outfield(&f);
	outc('\n');
}

static void
usage(FILE *fp, int status)
{
	fputs("usage: genbench [-n ROWS] [-s SEED] [-c COUNTIES_CSV]\n", fp);
	exit(status);
}

static unsigned long long
number(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0) {
		fprintf(stderr, "genbench: %s: \"%s\" is not a whole number\n",
		    opt, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	unsigned long long rows = 1000000, seed = 20201;
	unsigned long i, run = 0;
	const char *registry = NULL;
	size_t cur = 0;
	int ch;

	while ((ch = getopt(argc, argv, "c:hn:s:")) != -1) {
		switch (ch) {
		case 'c':
			registry = optarg;
			break;
		case 'n':
			rows = number("-n", optarg);
			break;
		case 's':
			seed = number("-s", optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);

	make_registry(seed);
	if (registry)
		write_registry(registry);

	outs("序号,行政区划代码,县(市、区),街道,小区名称,地址,建成年份,楼栋数,"
	    "户数,建筑面积(㎡),改造内容,总投资(万元),居民同意率\n");
	rng = seed;
	for (i = 1; i <= rows; i++) {
		/* A national file is county submissions one after another. */
		if (run == 0) {
			cur = i == 1 ? 0 : (cur + 1) % ncounty;
			run = 1 + rnd(713);
		}
		run--;
		row(i, &county[cur]);
	}
	oflush();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("genbench: stdout");
		return 1;
	}
	free(county);
	return 0;
}
