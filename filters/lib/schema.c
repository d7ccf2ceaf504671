/*
 * schema.c - the column tables of SPEC §3: canonical names, header variants,
 * types and ranges. The built-in tables are CSV text in the same format as
 * a table file given with xq-validate -s FILE, and a profile may add header
 * variants in aliases.csv (column,alias).
 */
#include <stdlib.h>
#include <string.h>

#include "xq.h"

static const char submission_csv[] =
"column,type,required,min,max,aliases\n"
"county_code,code,yes,,,行政区划代码|区划代码|县(市、区)代码|县市区代码|行政区划编码\n"
"county,text,no,,50,县(市、区)|县市区|市县|所属县区|县(市、区)名称|县(市、区)别\n"
"city,text,no,,50,市|城市|所属市(州)|所属市|市(州)\n"
"subdistrict,text,no,,100,街道|街道(乡镇)|乡镇(街道)|所属街道\n"
"community,text,yes,,100,小区名称|小区(项目)名称|项目名称\n"
"address,text,no,,200,地址|小区地址|坐落|详细地址\n"
"build_year,year,yes,1949,,建成年份|建成年代|建成时间|竣工年份\n"
"buildings,int,yes,1,500,楼栋数|栋数|楼栋数量\n"
"households,int,yes,1,20000,户数|居民户数|涉及户数|涉及居民户数\n"
"area_m2,area,yes,0.01,,建筑面积|建筑面积(平方米)|总建筑面积\n"
"items,text,yes,,,改造内容|主要改造内容|建设内容|改造内容及规模\n"
"investment,money,yes,0,,总投资|估算总投资|投资估算|计划总投资\n"
"fund_central,money,no,0,,中央补助|中央补助资金|中央财政补助\n"
"fund_provincial,money,no,0,,省级补助|省级补助资金|省级财政补助\n"
"fund_local,money,no,0,,市县财政|市县财政资金|地方财政\n"
"fund_bond,money,no,0,,专项债|地方政府专项债|专项债券\n"
"fund_residents,money,no,0,,居民出资\n"
"fund_utilities,money,no,0,,管线单位(专营单位)出资|管线单位出资|专营单位出资\n"
"fund_owner_unit,money,no,0,,原产权单位出资\n"
"fund_social,money,no,0,,社会资本|社会资本出资|社会力量出资\n"
"consent_pct,percent,no,0,100,居民同意率|改造意愿|同意率\n"
"pre_party,yesno,no,,,成立小区党组织\n"
"pre_consult,yesno,no,,,多方协商共治\n"
"pre_convention,yesno,no,,,签订居民公约\n"
"pre_demolish,yesno,no,,,拆除违法建设\n"
"pre_contribute,yesno,no,,,出资参与改造\n"
"pre_property,yesno,no,,,承诺接受后期物业管理|承诺接受后期物业管理并交纳费用\n"
"elevators,int,no,0,10000,加装电梯数|加装电梯数量\n"
"plan_year,year,no,2000,2100,计划年度|年度\n";

static const char progress_csv[] =
"column,type,required,min,max,aliases\n"
"county_code,code,yes,,,行政区划代码|区划代码|县(市、区)代码\n"
"county,text,no,,50,县(市、区)|县市区|市县|所属县区\n"
"community,text,yes,,100,小区名称|小区(项目)名称|项目名称\n"
"plan_year,year,no,2000,2100,计划年度|年度\n"
"status,status,yes,,,进展状态|项目状态|状态|实施状态\n"
"prelim_done,date,no,,,前期工作完成日期|前期完成日期\n"
"start_date,date,no,,,开工日期|开工时间\n"
"completion_date,date,no,,,完工日期|完工时间|竣工日期\n"
"investment_done,money,no,0,,完成投资|已完成投资\n"
"fund_allocated,money,no,0,,下达补助资金|下达资金|补助资金\n"
"fund_spent,money,no,0,,已支出补助资金|已支出资金|支出资金\n"
"satisfaction_pct,percent,no,0,100,居民满意度|满意度\n"
"long_term_mgmt,yesno,no,,,建立长效管理机制|物业管理|长效管理\n"
"reported_on_time,yesno,no,,,按时报送|是否按时报送\n";

static const struct {
	const char *name;
	enum xq_type type;
} type_names[] = {
	{ "code", XQ_T_CODE }, { "text", XQ_T_TEXT }, { "year", XQ_T_YEAR },
	{ "int", XQ_T_INT }, { "area", XQ_T_AREA }, { "money", XQ_T_MONEY },
	{ "percent", XQ_T_PERCENT }, { "yesno", XQ_T_YESNO },
	{ "date", XQ_T_DATE }, { "status", XQ_T_STATUS },
};

/* Header cells are compared after NFKC (full-width brackets and ㎡ become
 * ASCII) with all white space removed. */
char *
xq_header_key(const char *s, size_t n)
{
	size_t len, i, j;
	char *k = xq_nfkc(s, n, &len);

	for (i = j = 0; i < len; i++)
		if (k[i] != ' ' && k[i] != '\t' && k[i] != '\n' && k[i] != '\r')
			k[j++] = k[i];
	k[j] = '\0';
	return k;
}

static enum xq_type
type_of(const char *file, long line, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
		if (strcmp(type_names[i].name, name) == 0)
			return type_names[i].type;
	xq_die(XQ_INPUT, "%s:%ld:type: unknown type \"%s\"", file, line, name);
}

static void
add_alias(struct xq_column *c, const char *alias)
{
	if (*alias == '\0')
		return;
	c->alias = xq_realloc(c->alias, (c->nalias + 1) * sizeof *c->alias);
	c->alias[c->nalias++] = xq_header_key(alias, strlen(alias));
}

/* A bound in the column's own units: years and counts as they are, area in
 * hundredths of ㎡, money in millionths of 万元, percent in hundredths. */
static int
bound(const struct xq_column *c, const char *s, int64_t *out)
{
	int shift = c->type == XQ_T_MONEY ? 6 :
	    (c->type == XQ_T_AREA || c->type == XQ_T_PERCENT) ? 2 : 0;
	int inexact;

	if (*s == '\0')
		return 0;
	if (xq_dec_parse(s, strlen(s), shift, out, &inexact) != XQ_NUM_OK)
		xq_die(XQ_INPUT, "column %s: bound \"%s\" is not a number", c->name, s);
	return 1;
}

static void
load_columns(struct xq_schema *sc, struct xq_table *t)
{
	int name = xq_table_need(t, "column"), type = xq_table_need(t, "type");
	int req = xq_table_col(t, "required"), lo = xq_table_col(t, "min");
	int hi = xq_table_col(t, "max"), al = xq_table_col(t, "aliases");
	int pat = xq_table_col(t, "pattern");
	size_t i;
	char *list, *a, *save;

	sc->ncol = t->nrow;
	sc->col = xq_calloc(t->nrow, sizeof *sc->col);
	for (i = 0; i < t->nrow; i++) {
		struct xq_column *c = &sc->col[i];

		c->name = xq_strdup(xq_table_get(t, i, name));
		c->type = type_of(t->path, t->line[i], xq_table_get(t, i, type));
		c->required = strcmp(xq_table_get(t, i, req), "yes") == 0;
		c->has_min = bound(c, xq_table_get(t, i, lo), &c->min);
		c->has_max = bound(c, xq_table_get(t, i, hi), &c->max);
		if (*xq_table_get(t, i, pat))
			c->pattern = xq_re_compile(xq_table_get(t, i, pat), t->path);
		add_alias(c, c->name);
		list = xq_strdup(xq_table_get(t, i, al));
		for (a = strtok_r(list, "|", &save); a; a = strtok_r(NULL, "|", &save))
			add_alias(c, a);
		free(list);
	}
}

static void
load_aliases(struct xq_schema *sc, const struct xq_profile *p)
{
	char *path = p ? xq_profile_file(p, "aliases.csv") : NULL;
	struct xq_table *t;
	size_t i;
	int col, al, k;

	if (path == NULL)
		return;
	t = xq_table_load(path);
	col = xq_table_need(t, "column");
	al = xq_table_need(t, "alias");
	for (i = 0; i < t->nrow; i++) {
		k = xq_schema_find(sc, xq_table_get(t, i, col));
		if (k >= 0)
			add_alias(&sc->col[k], xq_table_get(t, i, al));
	}
	xq_table_free(t);
	free(path);
}

struct xq_schema *
xq_schema_load(const char *which, const struct xq_profile *p)
{
	struct xq_schema *sc = xq_calloc(1, sizeof *sc);
	struct xq_table *t;

	if (strcmp(which, "submission") == 0)
		t = xq_table_parse("submission schema", submission_csv);
	else if (strcmp(which, "progress") == 0)
		t = xq_table_parse("progress schema", progress_csv);
	else
		t = xq_table_load(which);
	sc->name = xq_strdup(which);
	load_columns(sc, t);
	xq_table_free(t);
	load_aliases(sc, p);
	return sc;
}

int
xq_schema_find(const struct xq_schema *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->ncol; i++)
		if (strcmp(sc->col[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
match_key(const struct xq_schema *sc, const char *key)
{
	size_t i, j;

	for (i = 0; i < sc->ncol; i++)
		for (j = 0; j < sc->col[i].nalias; j++)
			if (strcmp(sc->col[i].alias[j], key) == 0)
				return (int)i;
	return -1;
}

/* The scale a unit in a header gives: area to hundredths of ㎡, money to
 * millionths of 万元; 0 for a unit of no concern (户, 栋, %), -1 for an area
 * or money unit we do not know (亩, 美元), which must not be guessed. */
static int
unit_shift(enum xq_type type, const char *unit)
{
	static const struct {
		enum xq_type type;
		const char *unit;
		int shift;
	} units[] = {
		{ XQ_T_AREA, "m2", 2 }, { XQ_T_AREA, "平方米", 2 },
		{ XQ_T_AREA, "平米", 2 }, { XQ_T_AREA, "m²", 2 },
		{ XQ_T_AREA, "万m2", 6 }, { XQ_T_AREA, "万平方米", 6 },
		{ XQ_T_AREA, "万平米", 6 }, { XQ_T_AREA, "公顷", 6 },
		{ XQ_T_MONEY, "万元", 6 }, { XQ_T_MONEY, "元", 2 },
		{ XQ_T_MONEY, "千元", 5 }, { XQ_T_MONEY, "亿元", 10 },
	};
	size_t i;

	if (type != XQ_T_AREA && type != XQ_T_MONEY)
		return 0;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (units[i].type == type && strcmp(unit, units[i].unit) == 0)
			return units[i].shift;
	return -1;
}

int
xq_schema_match(const struct xq_schema *sc, const char *cell, size_t n,
    int *shift)
{
	char *key = xq_header_key(cell, n), *open;
	size_t len = strlen(key);
	int k;

	*shift = 0;
	if ((k = match_key(sc, key)) >= 0 || len == 0 || key[len - 1] != ')' ||
	    (open = strrchr(key, '(')) == NULL) {
		free(key);
		return k;
	}
	/* "建筑面积(万㎡)": the name, then the unit in brackets */
	key[len - 1] = '\0';
	*open = '\0';
	if ((k = match_key(sc, key)) >= 0)
		*shift = unit_shift(sc->col[k].type, open + 1);
	free(key);
	return k;
}

void
xq_schema_free(struct xq_schema *sc)
{
	size_t i, j;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->ncol; i++) {
		for (j = 0; j < sc->col[i].nalias; j++)
			free(sc->col[i].alias[j]);
		free(sc->col[i].alias);
		free(sc->col[i].name);
		xq_re_free(sc->col[i].pattern);
	}
	free(sc->col);
	free(sc->name);
	free(sc);
}
