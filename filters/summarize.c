/*
 * xq-summarize - the county table of the annual plan, or totals by any
 * columns, as CSV, an aligned terminal table or Markdown.
 *
 * Each record of the stream is added into its group: a county (the plan
 * table, with a 全市小计 row after each city and a 合计 row at the end) or
 * the values of the -g columns (and a 合计 row). The measures are rows of
 * the ops table below, and each has the same life cycle over one state:
 * a zeroed state is empty, op_collect adds a record, op_merge adds a group
 * into a subtotal, op_cell writes the result, op_reset empties it. The
 * grouping code never knows which measure runs. Sums are exact: scaled
 * 64-bit integers, rounded once, when shown. Memory grows with the number
 * of groups, not of records.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "xq.h"

#define SCALE 6          /* decimals kept while summing area and money */
#define WAN 4            /* 1万 = 10^4 */

/* ---- the measures ---- */

enum op_kind {
	OP_COUNT,        /* records in the group */
	OP_SUM,          /* sum of a numeric column */
	OP_TALLY         /* records naming each id of a semicolon list */
};

struct op {
	const char *en, *zh;   /* output headers (OP_TALLY: one per id) */
	const char *column;    /* input column; NULL for OP_COUNT */
	enum op_kind kind;
	int optional;          /* left out when the input lacks the column */
	int scale;             /* decimals kept in the sum */
	int shown;             /* decimals shown */
	int wan;               /* shown in 万 of the input unit */
	int col;               /* the column's index in the input, or -1 */
};

static struct op ops[] = {
	{ "communities", "小区数", NULL, OP_COUNT, 0, 0, 0, 0, -1 },
	{ "buildings", "楼栋数", "buildings", OP_SUM, 0, 0, 0, 0, -1 },
	{ "households", "户数", "households", OP_SUM, 0, 0, 0, 0, -1 },
	{ "area_wan_m2", "建筑面积(万㎡)", "area_m2", OP_SUM, 0, SCALE, 2, 1, -1 },
	{ "investment", "总投资(万元)", "investment", OP_SUM, 0, SCALE, 2, 0, -1 },
	{ "subsidy", "补助资金(万元)", "subsidy", OP_SUM, 1, SCALE, 2, 0, -1 },
	{ NULL, NULL, "categories", OP_TALLY, 1, 0, 0, 0, -1 },
};
#define NOPS (sizeof ops / sizeof ops[0])

struct state {
	int64_t v;
	int64_t *tally;        /* per category id, in order of first sight */
	size_t ntally;
};

/* The category ids seen, in order of first sight; order[] is the order
 * of the output columns. */
struct ids {
	char **id;
	long *stamp;           /* the record that last counted each id */
	size_t n, cap, *order;
};

/* Chinese names of the national category ids (SPEC §4.3). */
static const char *const category_zh[][2] = {
	{ "basic", "基础类" }, { "improve", "完善类" }, { "upgrade", "提升类" },
};

/* Chinese headers of the columns one is likely to group by. */
static const char *const column_zh[][2] = {
	{ "county_code", "行政区划代码" }, { "county", "县(市、区)" },
	{ "city", "市" }, { "subdistrict", "街道(乡镇)" },
	{ "community", "小区名称" }, { "address", "地址" },
	{ "build_year", "建成年份" }, { "plan_year", "计划年度" },
	{ "status", "进展状态" }, { "scope", "纳入范围" }, { "gate", "前置条件" },
	{ "source", "来源文件" },
};

/* Headers of the county table's first columns (zh, en). */
static const char *const county_head[2][3] = {
	{ "市", "县(市、区)", "行政区划代码" }, { "city", "county", "county_code" },
};

/* ---- groups and the run ---- */

enum { V_CITY, V_COUNTY, V_CODE, NV_COUNTY };   /* values of a county group */

struct group {
	char *key;
	size_t keylen;
	char **val;            /* county: city, county, code; -g: the columns */
	int64_t *num;          /* -g: each value as a number, for sorting */
	unsigned char *isnum;
	const char *city_first; /* the smallest county code of its city */
	struct state st[NOPS];
	int warned;
};

enum format { FMT_CSV, FMT_TABLE, FMT_MD };

struct run {
	struct xq_profile *prof;
	const char *profile_dir, *name;
	enum format fmt;
	int en, excel, all_counties, rows_only;
	char **gcol;           /* -g columns; NULL: by county */
	size_t ngcol, nval;
	int *gidx;
	const char **gs;       /* the current record's -g values */
	size_t *gn;
	int c_code, c_county, c_city, c_source, c_line;
	struct op *op[NOPS];   /* the measures the input has */
	size_t nop;
	struct ids cats;
	struct xq_table *catnames; /* the profile's categories.csv, or NULL */
	struct group **hash, **list;
	size_t hcap, n, lcap;
	struct xq_buf key;
	long record;
};

/* A table of output cells: rows of ncol strings, the header first. */
struct sheet {
	size_t ncol, nrow, cap;
	char **cell;
	unsigned char *right;  /* per column: numbers, aligned right */
};

static const char *const usage_text =
"usage: xq-summarize [-p PROFILE] [-g COLUMN[,COLUMN...]] [-f csv|table|md]\n"
"                    [--lang zh|en] [--m2] [--all-counties] [--rows]\n"
"                    [--excel] [-o OUT] [FILE]\n";

/* ---- reading values ---- */

static const char *
field(const struct xq_rec *r, int col, size_t *n)
{
	const char *s = xq_rec_get(r, col);

	*n = xq_rec_len(r, col);
	xq_trim(&s, n);
	return s;
}

__attribute__((noreturn)) static void
bad_value(struct run *R, const struct xq_rec *r, const char *column,
    const char *s, size_t n, const char *what)
{
	char from[160] = "";
	size_t sn, ln;
	const char *src = field(r, R->c_source, &sn), *line = field(r, R->c_line, &ln);

	if (sn > 0 && ln > 0)
		snprintf(from, sizeof from, " (%.*s:%.*s)", (int)(sn > 100 ? 100 : sn),
		    src, (int)(ln > 20 ? 20 : ln), line);
	xq_die(XQ_INPUT, "%s:%ld:%s: \"%.*s\" %s%s", R->name, r->line, column,
	    (int)(n > 120 ? 120 : n), s, what, from);
}

static int64_t
number(struct run *R, const struct op *op, const struct xq_rec *r)
{
	size_t n;
	const char *s = field(r, op->col, &n);
	int64_t v;
	int inexact;

	if (n == 0)
		return 0;
	switch (xq_dec_parse(s, n, op->scale, &v, &inexact)) {
	case XQ_NUM_OK:
		if (op->scale == 0 && inexact)
			bad_value(R, r, op->column, s, n, "is not a whole number");
		return v;
	case XQ_NUM_RANGE:
		bad_value(R, r, op->column, s, n, "is out of range");
	default:
		bad_value(R, r, op->column, s, n, "is not a number");
	}
}

static void
add(int64_t *sum, int64_t v, const char *column)
{
	if (__builtin_add_overflow(*sum, v, sum))
		xq_die(XQ_INPUT, "the sum of %s is out of range", column);
}

/* ---- category ids ---- */

static size_t
id_index(struct ids *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strlen(c->id[i]) == n && memcmp(c->id[i], s, n) == 0)
			return i;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->id = xq_realloc(c->id, c->cap * sizeof *c->id);
		c->stamp = xq_realloc(c->stamp, c->cap * sizeof *c->stamp);
	}
	c->id[c->n] = xq_strndup(s, n);
	c->stamp[c->n] = 0;
	return c->n++;
}

/* Where the profile's categories.csv lists ID (its rank), or past its end. */
static size_t
listed_at(const struct xq_table *names, const char *id)
{
	size_t i;
	int col;

	if (names == NULL)
		return 0;
	col = xq_table_col(names, "category");
	for (i = 0; i < names->nrow; i++)
		if (strcmp(xq_table_get(names, i, col), id) == 0)
			return i;
	return names->nrow;
}

/* Does A come after B? In the order of categories.csv, then by id. */
static int
after(const struct xq_table *names, const char *a, const char *b)
{
	size_t ra = listed_at(names, a), rb = listed_at(names, b);

	return ra != rb ? ra > rb : strcmp(a, b) > 0;
}

/* Output order of the category columns: as the profile's categories.csv
 * lists them, and by id, byte by byte, for those it does not list. */
static void
sort_ids(struct ids *c, const struct xq_table *names)
{
	size_t i, j, t;

	c->order = xq_malloc((c->n ? c->n : 1) * sizeof *c->order);
	for (i = 0; i < c->n; i++)
		c->order[i] = i;
	for (i = 1; i < c->n; i++)   /* a few ids: insertion sort */
		for (j = i; j > 0 && after(names, c->id[c->order[j - 1]],
		    c->id[c->order[j]]); j--) {
			t = c->order[j];
			c->order[j] = c->order[j - 1];
			c->order[j - 1] = t;
		}
}

static void
tally(struct run *R, struct state *st, const struct xq_rec *r, int col)
{
	size_t n, len, k;
	const char *s = field(r, col, &n), *end = s + n, *semi, *id;

	while (s < end) {
		semi = memchr(s, ';', (size_t)(end - s));
		id = s;
		len = (size_t)((semi ? semi : end) - s);
		s = semi ? semi + 1 : end;
		xq_trim(&id, &len);
		if (len == 0)
			continue;
		k = id_index(&R->cats, id, len);
		if (R->cats.stamp[k] == R->record)
			continue;   /* named twice in one record */
		R->cats.stamp[k] = R->record;
		if (k >= st->ntally) {
			st->tally = xq_realloc(st->tally, (k + 1) * sizeof *st->tally);
			memset(st->tally + st->ntally, 0, (k + 1 - st->ntally) *
			    sizeof *st->tally);
			st->ntally = k + 1;
		}
		st->tally[k]++;
	}
}

/* ---- the life cycle of a measure ---- */

static void
op_collect(struct run *R, const struct op *op, struct state *st,
    const struct xq_rec *r)
{
	switch (op->kind) {
	case OP_COUNT:
		st->v++;
		break;
	case OP_SUM:
		add(&st->v, number(R, op, r), op->column);
		break;
	case OP_TALLY:
		tally(R, st, r, op->col);
		break;
	}
}

static void
op_merge(const struct op *op, struct state *dst, const struct state *src)
{
	size_t i;

	add(&dst->v, src->v, op->column ? op->column : op->en);
	if (src->ntally > dst->ntally) {
		dst->tally = xq_realloc(dst->tally, src->ntally * sizeof *dst->tally);
		memset(dst->tally + dst->ntally, 0, (src->ntally - dst->ntally) *
		    sizeof *dst->tally);
		dst->ntally = src->ntally;
	}
	for (i = 0; i < src->ntally; i++)
		dst->tally[i] += src->tally[i];
}

static size_t
op_ncell(const struct run *R, const struct op *op)
{
	return op->kind == OP_TALLY ? R->cats.n : 1;
}

static const char *
op_head(const struct run *R, const struct op *op, size_t j)
{
	const char *id;
	size_t i;

	if (op->kind != OP_TALLY)
		return R->en ? op->en : op->zh;
	id = R->cats.id[R->cats.order[j]];
	if (!R->en && R->catnames != NULL &&
	    (i = listed_at(R->catnames, id)) < R->catnames->nrow)
		return xq_table_get(R->catnames, i, xq_table_col(R->catnames, "name"));
	for (i = 0; !R->en && i < sizeof category_zh / sizeof category_zh[0]; i++)
		if (strcmp(id, category_zh[i][0]) == 0)
			return category_zh[i][1];
	return id;
}

/* V / 10^e, rounded half away from zero. */
static int64_t
round_div(int64_t v, int e)
{
	int64_t d = 1, q, r;

	while (e-- > 0)
		d *= 10;
	q = v / d;
	r = v % d;
	if (r >= 0 ? r >= d - r : -r >= d + r)
		q += r >= 0 ? 1 : -1;
	return q;
}

static void
op_cell(const struct run *R, const struct op *op, const struct state *st,
    size_t j, char *buf)
{
	size_t k;

	if (op->kind == OP_TALLY) {
		k = R->cats.order[j];
		xq_dec_format(buf, k < st->ntally ? st->tally[k] : 0, 0);
		return;
	}
	xq_dec_format(buf, round_div(st->v, op->scale - op->shown +
	    (op->wan ? WAN : 0)), op->shown);
}

static void
op_reset(struct state *st)
{
	free(st->tally);
	memset(st, 0, sizeof *st);
}

/* ---- groups ---- */

static uint64_t
hash_key(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
rehash(struct run *R)
{
	size_t i, j, cap = R->hcap ? 2 * R->hcap : 256;
	struct group **h = xq_calloc(cap, sizeof *h);   /* NOLINT(bugprone-sizeof-expression): array of pointers */

	for (i = 0; i < R->n; i++) {
		j = hash_key(R->list[i]->key, R->list[i]->keylen) & (cap - 1);
		while (h[j] != NULL)
			j = (j + 1) & (cap - 1);
		h[j] = R->list[i];
	}
	free(R->hash);
	R->hash = h;
	R->hcap = cap;
}

/* The group of the key in R->key; *created says it is new. */
static struct group *
lookup(struct run *R, int *created)
{
	const char *k = xq_buf_str(&R->key);
	size_t n = R->key.len, j;
	struct group *g;

	if (2 * (R->n + 1) > R->hcap)
		rehash(R);
	j = hash_key(k, n) & (R->hcap - 1);
	for (; (g = R->hash[j]) != NULL; j = (j + 1) & (R->hcap - 1))
		if (g->keylen == n && memcmp(g->key, k, n) == 0) {
			*created = 0;
			return g;
		}
	g = xq_calloc(1, sizeof *g);
	g->key = xq_strndup(k, n);
	g->keylen = n;
	g->val = xq_calloc(R->nval, sizeof *g->val);
	R->hash[j] = g;
	if (R->n == R->lcap) {
		R->lcap = R->lcap ? 2 * R->lcap : 256;
		R->list = xq_realloc(R->list, R->lcap * sizeof *R->list);   /* NOLINT(bugprone-sizeof-expression): array of pointers */
	}
	R->list[R->n++] = g;
	*created = 1;
	return g;
}

static void
group_free(struct run *R, struct group *g)
{
	size_t i;

	for (i = 0; i < R->nval; i++)
		free(g->val[i]);
	for (i = 0; i < NOPS; i++)
		op_reset(&g->st[i]);
	free(g->val);
	free(g->num);
	free(g->isnum);
	free(g->key);
	free(g);
}

/* A length-prefixed part of a key, so that no two lists of values give the
 * same bytes. */
static void
key_part(struct xq_buf *b, const char *s, size_t n)
{
	char len[24];

	xq_buf_add(b, len, (size_t)snprintf(len, sizeof len, "%zu:", n));
	xq_buf_add(b, s, n);
}

static const struct xq_county *
registry(struct run *R, const struct xq_rec *r)
{
	size_t n;
	const char *code = field(r, R->c_code, &n);

	return R->prof && n > 0 ? xq_profile_county(R->prof, code, n) : NULL;
}

/* Keeps the first non-empty value of a county's name or city; says so
 * once when a later record disagrees. */
static void
settle(struct run *R, struct group *g, int v, const char *s, size_t n,
    const struct xq_rec *r, const char *what)
{
	if (n == 0)
		return;
	if (g->val[v][0] == '\0') {
		free(g->val[v]);
		g->val[v] = xq_strndup(s, n);
	} else if ((strlen(g->val[v]) != n || memcmp(g->val[v], s, n) != 0) &&
	    !(g->warned & (1 << v))) {
		g->warned |= 1 << v;
		xq_warn("%s:%ld: county %s has %s \"%.*s\" here, \"%s\" before; "
		    "keeping \"%s\"", R->name, r->line, g->val[V_CODE][0] ?
		    g->val[V_CODE] : g->val[V_COUNTY], what,
		    (int)(n > 100 ? 100 : n), s, g->val[v], g->val[v]);
	}
}

static struct group *
county_group(struct run *R, const struct xq_rec *r)
{
	const struct xq_county *reg = registry(R, r);
	size_t cn, nn, yn;
	const char *code = field(r, R->c_code, &cn);
	const char *name = field(r, R->c_county, &nn);
	const char *city = field(r, R->c_city, &yn);
	struct group *g;
	int created;

	R->key.len = 0;
	if (cn > 0)
		key_part(&R->key, code, cn);
	else {
		xq_buf_addc(&R->key, '-');   /* no code: by name */
		key_part(&R->key, name, nn);
	}
	g = lookup(R, &created);
	if (created) {
		g->val[V_CODE] = xq_strndup(code, cn);
		g->val[V_COUNTY] = xq_strdup("");
		g->val[V_CITY] = xq_strdup("");
		if (R->prof && cn > 0 && reg == NULL)
			xq_warn("%s:%ld: county_code %s is not in the registry of %s",
			    R->name, r->line, g->val[V_CODE], R->profile_dir);
	}
	if (nn == 0 && reg) {
		name = reg->name;
		nn = strlen(name);
	}
	if (yn == 0 && reg) {
		city = reg->city;
		yn = strlen(city);
	}
	settle(R, g, V_COUNTY, name, nn, r, "the name");
	settle(R, g, V_CITY, city, yn, r, "the city");
	return g;
}

static struct group *
columns_group(struct run *R, const struct xq_rec *r)
{
	const struct xq_county *reg = NULL;
	const char **s = R->gs;
	size_t *n = R->gn, i;
	struct group *g;
	int created, inexact;

	R->key.len = 0;
	for (i = 0; i < R->ngcol; i++) {
		s[i] = field(r, R->gidx[i], &n[i]);
		if (n[i] == 0 && (R->gidx[i] == R->c_city || R->gidx[i] == R->c_county)
		    && (reg != NULL || (reg = registry(R, r)) != NULL)) {
			s[i] = R->gidx[i] == R->c_city ? reg->city : reg->name;
			n[i] = strlen(s[i]);
		}
		key_part(&R->key, s[i], n[i]);
	}
	g = lookup(R, &created);
	if (created) {
		g->num = xq_calloc(R->ngcol, sizeof *g->num);
		g->isnum = xq_calloc(R->ngcol, 1);
		for (i = 0; i < R->ngcol; i++) {
			g->val[i] = xq_strndup(s[i], n[i]);
			g->isnum[i] = n[i] > 0 && xq_dec_parse(s[i], n[i], SCALE, &g->num[i],
			    &inexact) == XQ_NUM_OK;
		}
	}
	return g;
}

/* Every county of the registry, before any record (--all-counties). */
static void
registry_groups(struct run *R)
{
	struct group *g;
	size_t i;
	int created;

	for (i = 0; i < R->prof->ncounty; i++) {
		const struct xq_county *c = &R->prof->county[i];

		R->key.len = 0;
		key_part(&R->key, c->code, strlen(c->code));
		g = lookup(R, &created);
		g->val[V_CODE] = xq_strdup(c->code);
		g->val[V_COUNTY] = xq_strdup(c->name);
		g->val[V_CITY] = xq_strdup(c->city);
	}
}

/* ---- ordering ---- */

/* County codes in order, an empty code last. */
static int
cmp_code(const char *a, const char *b)
{
	if ((*a == '\0') != (*b == '\0'))
		return *a == '\0' ? 1 : -1;
	return strcmp(a, b);
}

static int
by_city_name(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;
	int c = strcmp(x->val[V_CITY], y->val[V_CITY]);

	return c ? c : cmp_code(x->val[V_CODE], y->val[V_CODE]);
}

/* Cities in the order of their first county code, an unknown city last;
 * counties by code within a city. */
static int
by_city(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;
	int c;

	if ((x->val[V_CITY][0] == '\0') != (y->val[V_CITY][0] == '\0'))
		return x->val[V_CITY][0] == '\0' ? 1 : -1;
	if ((c = cmp_code(x->city_first, y->city_first)) != 0 ||
	    (c = strcmp(x->val[V_CITY], y->val[V_CITY])) != 0 ||
	    (c = cmp_code(x->val[V_CODE], y->val[V_CODE])) != 0)
		return c;
	return strcmp(x->val[V_COUNTY], y->val[V_COUNTY]);
}

static size_t ncmp;   /* the number of -g columns, for by_values */

/* By each -g value in turn: numbers first, in numeric order; then text,
 * byte by byte (code point order). */
static int
by_values(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;
	size_t i;
	int c;

	for (i = 0; i < ncmp; i++) {
		if (x->isnum[i] != y->isnum[i])
			return x->isnum[i] ? -1 : 1;
		if (x->isnum[i] && x->num[i] != y->num[i])
			return x->num[i] < y->num[i] ? -1 : 1;
		if ((c = strcmp(x->val[i], y->val[i])) != 0)
			return c;
	}
	return 0;
}

static void
order_groups(struct run *R)
{
	size_t i, j;

	if (R->n == 0)
		return;
	if (R->gcol) {
		ncmp = R->ngcol;
		qsort(R->list, R->n, sizeof *R->list, by_values);   /* NOLINT(bugprone-sizeof-expression): array of pointers */
		return;
	}
	qsort(R->list, R->n, sizeof *R->list, by_city_name);   /* NOLINT(bugprone-sizeof-expression): array of pointers */
	for (i = 0; i < R->n; i = j) {
		for (j = i; j < R->n && strcmp(R->list[j]->val[V_CITY],
		    R->list[i]->val[V_CITY]) == 0; j++)
			R->list[j]->city_first = R->list[i]->val[V_CODE];
	}
	qsort(R->list, R->n, sizeof *R->list, by_city);   /* NOLINT(bugprone-sizeof-expression): array of pointers */
}

/* ---- the sheet ---- */

static char **
sheet_row(struct sheet *S)
{
	if (S->nrow == S->cap) {
		S->cap = S->cap ? 2 * S->cap : 64;
		S->cell = xq_realloc(S->cell, S->cap * S->ncol * sizeof *S->cell);
	}
	memset(S->cell + S->nrow * S->ncol, 0, S->ncol * sizeof *S->cell);
	return S->cell + S->nrow++ * S->ncol;
}

static const char *
cell(const struct sheet *S, size_t row, size_t col)
{
	const char *s = S->cell[row * S->ncol + col];

	return s ? s : "";
}

static void
sheet_free(struct sheet *S)
{
	size_t i;

	for (i = 0; i < S->nrow * S->ncol; i++)
		free(S->cell[i]);
	free(S->cell);
	free(S->right);
}

static const char *
column_name(const struct run *R, const char *name)
{
	size_t i;

	for (i = 0; !R->en && i < sizeof column_zh / sizeof column_zh[0]; i++)
		if (strcmp(name, column_zh[i][0]) == 0)
			return column_zh[i][1];
	return name;
}

/* The label of a city's subtotal row: 全市小计, or for a prefecture that is
 * not a city 全州小计 (自治州), 全盟小计 (盟), 全地区小计 (地区). */
static const char *
subtotal_label(const struct run *R, const char *city)
{
	static const char *const label[][2] = {
		{ "自治州", "全州小计" }, { "盟", "全盟小计" }, { "地区", "全地区小计" },
	};
	size_t i, n = strlen(city), k;

	for (i = 0; !R->en && i < sizeof label / sizeof label[0]; i++)
		if (n > (k = strlen(label[i][0])) && strcmp(city + n - k, label[i][0]) == 0)
			return label[i][1];
	return R->en ? "subtotal" : "全市小计";
}

/* A row: the leading text cells, then every measure of ST. */
static void
put_row(struct run *R, struct sheet *S, const char *const *lead,
    const struct state *st)
{
	char **row = sheet_row(S), buf[48];
	size_t i, j, k = 0, nlead = R->gcol ? R->ngcol : NV_COUNTY;

	for (i = 0; i < nlead; i++)
		row[k++] = xq_strdup(lead[i] ? lead[i] : "");
	for (i = 0; i < R->nop; i++)
		for (j = 0; j < op_ncell(R, R->op[i]); j++) {
			op_cell(R, R->op[i], &st[R->op[i] - ops], j, buf);
			row[k++] = xq_strdup(buf);
		}
}

static void
merge_all(struct run *R, struct state *dst, const struct state *src)
{
	size_t i;

	for (i = 0; i < R->nop; i++)
		op_merge(R->op[i], &dst[R->op[i] - ops], &src[R->op[i] - ops]);
}

static void
build_sheet(struct run *R, struct sheet *S)
{
	struct state sub[NOPS] = { { 0 } }, total[NOPS] = { { 0 } };
	size_t nlead = R->gcol ? R->ngcol : NV_COUNTY, i, j, k;
	const char **lead = xq_calloc(nlead, sizeof *lead);
	char **row;

	sort_ids(&R->cats, R->catnames);
	S->ncol = nlead;
	for (i = 0; i < R->nop; i++)
		S->ncol += op_ncell(R, R->op[i]);
	S->right = xq_calloc(S->ncol, 1);
	row = sheet_row(S);
	for (k = 0; k < nlead; k++)
		row[k] = xq_strdup(R->gcol ? column_name(R, R->gcol[k]) :
		    county_head[R->en][k]);
	for (i = 0; i < R->nop; i++)
		for (j = 0; j < op_ncell(R, R->op[i]); j++) {
			S->right[k] = 1;
			row[k++] = xq_strdup(op_head(R, R->op[i], j));
		}
	for (i = 0; i < R->n; i++) {
		struct group *g = R->list[i];

		put_row(R, S, (const char *const *)g->val, g->st);
		merge_all(R, total, g->st);
		if (R->gcol || g->val[V_CITY][0] == '\0')
			continue;
		merge_all(R, sub, g->st);
		if (i + 1 < R->n && strcmp(R->list[i + 1]->val[V_CITY],
		    g->val[V_CITY]) == 0)
			continue;
		lead[V_CITY] = g->val[V_CITY];
		lead[V_COUNTY] = subtotal_label(R, g->val[V_CITY]);
		put_row(R, S, lead, sub);
		for (k = 0; k < NOPS; k++)
			op_reset(&sub[k]);
	}
	memset(lead, 0, nlead * sizeof *lead);
	lead[0] = R->en ? "total" : "合计";
	put_row(R, S, lead, total);
	for (k = 0; k < NOPS; k++)
		op_reset(&total[k]);
	free(lead);
}

/* --rows: the input as it is; a column whose every value is a number is
 * aligned right. */
static void
rows_sheet(struct run *R, struct xq_reader *rd, const struct xq_rec *h,
    struct sheet *S)
{
	struct xq_rec *r;
	char **row;
	size_t i;
	int64_t v;
	int inexact;

	S->ncol = h->nf;
	S->right = xq_calloc(S->ncol, 1);
	row = sheet_row(S);
	for (i = 0; i < h->nf; i++)
		row[i] = xq_strndup(h->f[i], h->len[i]);
	memset(S->right, 1, S->ncol);
	while ((r = xq_reader_next(rd)) != NULL) {
		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s (byte %ld)", R->name,
			    r->problem_line, r->problem, r->problem_col);
		if (xq_rec_blank(r))
			continue;
		if (r->nf != S->ncol)
			xq_die(XQ_INPUT, "%s:%ld: %zu fields, but the header has %zu",
			    R->name, r->line, r->nf, S->ncol);
		row = sheet_row(S);
		for (i = 0; i < S->ncol; i++) {
			row[i] = xq_strndup(xq_rec_get(r, (int)i), xq_rec_len(r, (int)i));
			if (row[i][0] != '\0' && xq_dec_parse(row[i], strlen(row[i]),
			    SCALE, &v, &inexact) != XQ_NUM_OK)
				S->right[i] = 0;
		}
	}
}

/* ---- output ---- */

static void
emit(struct xq_out *o, const char *s, size_t n)
{
	xq_out_bytes(o, s, n);
}

static void
write_csv(const struct sheet *S, struct xq_out *o)
{
	size_t i, j;

	for (i = 0; i < S->nrow; i++) {
		for (j = 0; j < S->ncol; j++)
			xq_out_str(o, cell(S, i, j));
		xq_out_end(o);
	}
}

/* Text for a terminal or a Markdown file: line breaks kept (Markdown:
 * <br>), CR dropped, a tab made a space, other control characters and
 * bytes that are not UTF-8 shown as U+FFFD, so no cell can move the
 * cursor or break the layout. */
static char *
displayable(const char *s, int md)
{
	struct xq_buf b = { 0 };
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	size_t n = strlen(s);

	while (n > 0) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
		if (k <= 0) {
			k = 1;
			cp = 0xFFFD;
		}
		if (cp == '\n')
			xq_buf_adds(&b, md ? "<br>" : "\n");
		else if (cp == '\t')
			xq_buf_addc(&b, ' ');
		else if (cp == '\r')
			;
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFD)
			xq_buf_adds(&b, "\xEF\xBF\xBD");
		else if (md && strchr("|\\<&", (char)cp) != NULL && cp < 0x80)
			xq_buf_adds(&b, cp == '|' ? "\\|" : cp == '\\' ? "\\\\" :
			    cp == '<' ? "&lt;" : "&amp;");
		else
			xq_buf_add(&b, s, (size_t)k);
		s += k;
		n -= (size_t)k;
	}
	xq_buf_str(&b);
	return b.p;
}

/* Display width of [s, s + n): East Asian wide characters take two
 * columns, combining marks none (utf8proc_charwidth). */
static size_t
width(const char *s, size_t n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	size_t w = 0;

	while (n > 0) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
		if (k <= 0) {
			k = 1;
			cp = 0xFFFD;
		}
		w += (size_t)utf8proc_charwidth(cp);
		s += k;
		n -= (size_t)k;
	}
	return w;
}

/* Line L (from 0) of a cell, or NULL when it has fewer lines. */
static const char *
line_of(const char *s, size_t l, size_t *n)
{
	const char *nl;

	for (; l > 0; l--) {
		if ((nl = strchr(s, '\n')) == NULL)
			return NULL;
		s = nl + 1;
	}
	nl = strchr(s, '\n');
	*n = nl ? (size_t)(nl - s) : strlen(s);
	return s;
}

/* Makes every cell displayable; returns the width of each column. */
static size_t *
measure(struct sheet *S, int md)
{
	size_t *w = xq_calloc(S->ncol, sizeof *w), i, l, n, cw;
	const char *s;
	char **c;

	for (i = 0; i < S->nrow * S->ncol; i++) {
		c = &S->cell[i];
		s = displayable(*c ? *c : "", md);
		free(*c);
		*c = (char *)s;
		for (l = 0; (s = line_of(*c, l, &n)) != NULL; l++)
			if ((cw = width(s, n)) > w[i % S->ncol])
				w[i % S->ncol] = cw;
	}
	return w;
}

static void
pad(struct xq_buf *b, size_t n, char c)
{
	while (n-- > 0)
		xq_buf_addc(b, c);
}

/* A line of output, without the spaces at its end. */
static void
emit_line(struct xq_out *o, struct xq_buf *b)
{
	while (b->len > 0 && b->p[b->len - 1] == ' ')
		b->len--;
	xq_buf_addc(b, '\n');
	emit(o, b->p, b->len);
	b->len = 0;
}

/* How many lines the cells of row I take. */
static size_t
height(const struct sheet *S, size_t i)
{
	size_t j, h = 1, l;
	const char *s;

	for (j = 0; j < S->ncol; j++)
		for (l = 1, s = cell(S, i, j); (s = strchr(s, '\n')) != NULL; s++)
			if (++l > h)
				h = l;
	return h;
}

static void
write_table(struct sheet *S, struct xq_out *o)
{
	size_t *w = measure(S, 0), i, j, l, n;
	struct xq_buf b = { 0 };
	const char *s;

	for (i = 0; i < S->nrow; i++) {
		for (l = 0; l < height(S, i); l++) {
			for (j = 0; j < S->ncol; j++) {
				if ((s = line_of(cell(S, i, j), l, &n)) == NULL) {
					s = "";
					n = 0;
				}
				if (j > 0)
					xq_buf_adds(&b, "  ");
				if (S->right[j])
					pad(&b, w[j] - width(s, n), ' ');
				xq_buf_add(&b, s, n);
				if (!S->right[j])
					pad(&b, w[j] - width(s, n), ' ');
			}
			emit_line(o, &b);
		}
		if (i > 0)
			continue;
		for (j = 0; j < S->ncol; j++) {   /* the rule under the header */
			if (j > 0)
				xq_buf_adds(&b, "  ");
			pad(&b, w[j], '-');
		}
		emit_line(o, &b);
	}
	xq_buf_free(&b);
	free(w);
}

static void
write_md(struct sheet *S, struct xq_out *o)
{
	size_t *w = measure(S, 1), i, j, n;
	struct xq_buf b = { 0 };
	const char *s;

	for (j = 0; j < S->ncol; j++)
		if (w[j] < 3)
			w[j] = 3;
	for (i = 0; i < S->nrow; i++) {
		for (j = 0; j < S->ncol; j++) {
			s = cell(S, i, j);
			n = strlen(s);
			xq_buf_adds(&b, "| ");
			if (S->right[j])
				pad(&b, w[j] - width(s, n), ' ');
			xq_buf_add(&b, s, n);
			if (!S->right[j])
				pad(&b, w[j] - width(s, n), ' ');
			xq_buf_addc(&b, ' ');
		}
		xq_buf_addc(&b, '|');
		emit_line(o, &b);
		for (j = 0; i == 0 && j < S->ncol; j++) {
			xq_buf_adds(&b, "| ");
			pad(&b, w[j] - S->right[j], '-');
			xq_buf_adds(&b, S->right[j] ? ": " : " ");
		}
		if (i == 0) {
			xq_buf_addc(&b, '|');
			emit_line(o, &b);
		}
	}
	xq_buf_free(&b);
	free(w);
}

/* ---- the input ---- */

/* The column NAME of the header, or exit 3 naming it and the nearest. */
static int
need_column(struct run *R, const struct xq_rec *h, const char *name,
    const char *why)
{
	int i = xq_rec_find(h, name);
	size_t j, d, best = (size_t)-1;
	const char *near = NULL;

	if (i >= 0)
		return i;
	for (j = 0; j < h->nf; j++)
		if ((d = xq_edit_distance(name, h->f[j])) < best) {
			best = d;
			near = h->f[j];
		}
	if (near != NULL && best <= 3)
		xq_die(XQ_INPUT, "%s:%ld: no column \"%s\" (%s); did you mean \"%s\"?",
		    R->name, h->line, name, why, near);
	xq_die(XQ_INPUT, "%s:%ld: no column \"%s\" (%s)", R->name, h->line, name, why);
}

static void
find_columns(struct run *R, const struct xq_rec *h)
{
	size_t i;

	R->c_source = xq_rec_find(h, "source");
	R->c_line = xq_rec_find(h, "line");
	R->c_code = xq_rec_find(h, "county_code");
	R->c_county = xq_rec_find(h, "county");
	R->c_city = xq_rec_find(h, "city");
	if (R->gcol == NULL)
		R->c_code = need_column(R, h, "county_code", "the plan table is by county");
	R->gidx = xq_malloc((R->ngcol ? R->ngcol : 1) * sizeof *R->gidx);
	R->gs = xq_malloc((R->ngcol ? R->ngcol : 1) * sizeof *R->gs);
	R->gn = xq_malloc((R->ngcol ? R->ngcol : 1) * sizeof *R->gn);
	for (i = 0; i < R->ngcol; i++)
		R->gidx[i] = need_column(R, h, R->gcol[i], "named by -g");
	for (i = 0; i < NOPS; i++) {
		struct op *op = &ops[i];

		if (op->column != NULL && (op->col = xq_rec_find(h, op->column)) < 0) {
			if (op->optional || R->gcol)
				continue;
			need_column(R, h, op->column, "a measure of the plan table");
		}
		R->op[R->nop++] = op;
	}
}

static void
summarize(struct run *R, struct xq_reader *rd, struct sheet *S)
{
	struct xq_rec *h, *r;
	struct group *g;
	size_t i, nf;

	if ((h = xq_reader_next(rd)) == NULL)
		xq_die(XQ_INPUT, "%s: empty input, a header line was expected", R->name);
	if (R->rows_only) {
		rows_sheet(R, rd, h, S);
		return;
	}
	nf = h->nf;
	find_columns(R, h);
	R->nval = R->gcol ? R->ngcol : NV_COUNTY;
	if (R->all_counties)
		registry_groups(R);
	while ((r = xq_reader_next(rd)) != NULL) {
		R->record++;
		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s (byte %ld)", R->name,
			    r->problem_line, r->problem, r->problem_col);
		if (xq_rec_blank(r))
			continue;
		if (r->nf != nf)   /* a stream line has the header's fields */
			xq_die(XQ_INPUT, "%s:%ld: %zu fields, but the header has %zu",
			    R->name, r->line, r->nf, nf);
		g = R->gcol ? columns_group(R, r) : county_group(R, r);
		for (i = 0; i < R->nop; i++)
			op_collect(R, R->op[i], &g->st[R->op[i] - ops], r);
	}
	order_groups(R);
	build_sheet(R, S);
}

/* ---- options ---- */

static void
split_columns(struct run *R, const char *arg)
{
	const char *s = arg, *comma;
	size_t n;

	for (;;) {
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		if (n == 0)
			xq_die(XQ_USAGE, "-g: \"%s\" has an empty column name", arg);
		R->gcol = xq_realloc(R->gcol, (R->ngcol + 1) * sizeof *R->gcol);
		R->gcol[R->ngcol++] = xq_strndup(s, n);
		if (comma == NULL)
			return;
		s = comma + 1;
	}
}

static enum format
parse_format(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return FMT_CSV;
	if (strcmp(s, "table") == 0)
		return FMT_TABLE;
	if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
		return FMT_MD;
	xq_die(XQ_USAGE, "-f: \"%s\" is not csv, table or md", s);
}

static int
parse_lang(const char *s)
{
	if (strcmp(s, "zh") == 0)
		return 0;
	if (strcmp(s, "en") == 0)
		return 1;
	xq_die(XQ_USAGE, "--lang: \"%s\" is not zh or en", s);
}

static void
free_run(struct run *R)
{
	size_t i;

	for (i = 0; i < R->n; i++)
		group_free(R, R->list[i]);
	for (i = 0; i < R->cats.n; i++)
		free(R->cats.id[i]);
	for (i = 0; i < R->ngcol; i++)
		free(R->gcol[i]);
	free(R->cats.id);
	free(R->cats.stamp);
	free(R->cats.order);
	free(R->gcol);
	free(R->gidx);
	free(R->gs);
	free(R->gn);
	free(R->hash);
	free(R->list);
	xq_buf_free(&R->key);
	xq_profile_free(R->prof);
	xq_table_free(R->catnames);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "lang", required_argument, NULL, 'L' },
		{ "excel", no_argument, NULL, 'X' },
		{ "m2", no_argument, NULL, 'M' },
		{ "all-counties", no_argument, NULL, 'A' },
		{ "rows", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct run R = { 0 };
	struct sheet S = { 0 };
	struct xq_reader *rd;
	struct xq_out *o;
	const char *out = NULL;
	int c, m2 = 0;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "f:g:ho:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': R.fmt = parse_format(optarg); break;
		case 'g': split_columns(&R, optarg); break;
		case 'o': out = optarg; break;
		case 'p': R.profile_dir = optarg; break;
		case 'L': R.en = parse_lang(optarg); break;
		case 'X': R.excel = 1; break;
		case 'M': m2 = 1; break;
		case 'A': R.all_counties = 1; break;
		case 'R': R.rows_only = 1; break;
		case 'V': xq_version();
		case 'h': xq_help(usage_text);
		default: xq_usage(usage_text);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc > 1)
		xq_die(XQ_USAGE, "one input at most (join streams with cat first)");
	if (R.excel && R.fmt != FMT_CSV)
		xq_die(XQ_USAGE, "--excel is for -f csv");
	if (R.all_counties && (R.profile_dir == NULL || R.gcol != NULL))
		xq_die(XQ_USAGE, "--all-counties lists the registry of -p, by county "
		    "(not with -g)");
	if (R.rows_only && (R.gcol != NULL || R.all_counties))
		xq_die(XQ_USAGE, "--rows does not group: not with -g or --all-counties");
	for (c = 0; m2 && c < (int)NOPS; c++)
		if (ops[c].column && strcmp(ops[c].column, "area_m2") == 0) {
			ops[c].en = "area_m2";
			ops[c].zh = "建筑面积(㎡)";
			ops[c].wan = 0;
		}
	if (R.profile_dir) {
		char *names;

		R.prof = xq_profile_load(R.profile_dir);
		if ((names = xq_profile_file(R.prof, "categories.csv")) != NULL) {
			R.catnames = xq_table_load(names);
			xq_table_need(R.catnames, "category");
			xq_table_need(R.catnames, "name");
			free(names);
		}
	}
	R.name = argc == 1 && strcmp(argv[0], "-") != 0 ? xq_basename(argv[0]) : "-";
	rd = xq_reader_open(argc == 1 ? argv[0] : "-", XQ_ENC_UTF8, XQ_READ_STREAM);
	summarize(&R, rd, &S);
	xq_reader_close(rd);

	o = xq_out_open(out, R.fmt != FMT_CSV ? 0 : XQ_WRITE_EXCEL |
	    (R.excel ? XQ_WRITE_BOM_CRLF | XQ_WRITE_HUMAN : 0));
	if (R.fmt == FMT_CSV)
		write_csv(&S, o);
	else if (R.fmt == FMT_TABLE)
		write_table(&S, o);
	else
		write_md(&S, o);
	xq_out_close(o);
	sheet_free(&S);
	free_run(&R);
	return XQ_OK;
}
