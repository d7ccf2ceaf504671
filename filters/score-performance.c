/*
 * xq-score-performance - score each county's implementation of the plan.
 *
 * Reads the plan stream (-P) and the progress stream, joins each progress
 * row to its plan row by county_code and the name key of xq-dedupe
 * (names.c), and writes one row per county: the rate and points of each
 * indicator, the score, the grade, the rank and `performance`, the column
 * xq-allocate-funds -S reads next year.
 *
 * The indicators are rows of one table. Each turns a planned community
 * into a numerator and a denominator (collect); a county sums them, and its
 * rate is 100 * num / den percent (summarize). Their weights, floors and
 * targets come from the profile's indicators.csv, the national defaults
 * otherwise. Rates and points are exact rationals (GMP) rounded half away
 * from zero to two decimals; the score is the sum of the rounded points,
 * so the table adds up.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmp.h>

#include "xq.h"

#define MESSAGES 50        /* excluded and flagged rows told on stderr */
#define SEP "\x1f"
#define NONE UINT32_MAX

/* ---- the indicators ----------------------------------------------------- */

enum status { NOT_STARTED, PRELIMINARY, UNDER_CONSTRUCTION, COMPLETED };
static const char *const status_name[] = { "not_started", "preliminary",
	"under_construction", "completed" };

/* A planned community as the indicators see it; a plan row without a
 * progress row is all zeros: not started. */
struct row {
	enum status status;
	int64_t hh;            /* households, from the plan */
	int64_t alloc, spent;  /* 0.01 万元 */
	int64_t sat;           /* satisfaction, 0.01 %; -1 when not reported */
	int on_time, mgmt;
};

typedef void collect_fn(const struct row *w, int64_t *num, int64_t *den);

static void
c_start(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->status >= UNDER_CONSTRUCTION;
	*den = 1;
}

static void
c_start_hh(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->status >= UNDER_CONSTRUCTION ? w->hh : 0;
	*den = w->hh;
}

static void
c_completion(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->status == COMPLETED;
	*den = 1;
}

static void
c_spend(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->spent;
	*den = w->alloc;
}

static void
c_prelim(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->on_time;
	*den = 1;
}

/* household-weighted: sat is in 0.01 %, so den carries the 100 * 100 */
static void
c_satisfaction(const struct row *w, int64_t *num, int64_t *den)
{
	if (w->sat < 0 || __builtin_mul_overflow(w->hh, w->sat, num) ||
	    __builtin_mul_overflow(w->hh, (int64_t)10000, den))
		*num = *den = 0;
}

static void
c_management(const struct row *w, int64_t *num, int64_t *den)
{
	*num = w->status == COMPLETED && w->mgmt;
	*den = w->status == COMPLETED;
}

enum { I_START, I_START_HH, I_COMPLETION, I_SPEND, I_PRELIM, I_SATISFACTION,
	I_MANAGEMENT, NIND };

/* The table, in the order of the output columns. */
static const struct indicator {
	const char *id;
	collect_fn *collect;
} ind[NIND] = {
	[I_START] = { "start", c_start },
	[I_START_HH] = { "start_hh", c_start_hh },
	[I_COMPLETION] = { "completion", c_completion },
	[I_SPEND] = { "spend", c_spend },
	[I_PRELIM] = { "prelim", c_prelim },
	[I_SATISFACTION] = { "satisfaction", c_satisfaction },
	[I_MANAGEMENT] = { "management", c_management },
};

/* The national defaults (SPEC §4.5), in the form of indicators.csv. */
static const char default_indicators[] =
"indicator,weight,floor,target,name\n"
"start,20,0,100,开工率\n"
"start_hh,0,0,100,开工率(按户数)\n"
"completion,25,0,100,完工率\n"
"spend,20,0,100,资金支出率\n"
"prelim,10,0,100,前期工作按期完成率\n"
"satisfaction,15,60,100,居民满意度\n"
"management,10,0,100,长效管理覆盖率\n";

/* The national budget-evaluation bands, in the form of grades.csv. */
static const char default_grades[] =
"grade,min_score,compare\n"
"优,90,>=\n"
"良,80,>=\n"
"中,60,>=\n"
"差,0,>=\n";

struct param {
	mpq_t weight, floor, target;
};

struct sum {
	int64_t num, den;
};

/* One county's (or the province's) result. */
struct result {
	char rate[NIND][48];   /* "" when the denominator is 0 */
	int64_t points[NIND];  /* 0.01 points */
	int64_t score;
	const char *grade;
};

struct grade {
	char *name;
	int64_t min;           /* 0.01 points */
	int strict;            /* score > min, else score >= min */
};

/* ---- the run ------------------------------------------------------------ */

struct plan {
	uint32_t county;       /* index in the registry */
	uint32_t next;         /* next plan row of the same key, or NONE */
	int64_t hh;
	int year;              /* plan year, 0 when not given */
	long line;             /* where it came from, for messages */
	long joined;           /* line of the progress row joined, 0: none */
};

struct run {
	struct xq_profile *prof;
	struct xq_suffixes *suf;
	int quiet;
	struct param param[NIND];
	struct grade *grade;
	size_t ngrade;
	int dl_year, dl_month, dl_day;  /* dl_year 0: of the plan year */
	long setting_year;
	struct xq_keymap *keys;
	uint32_t *first;       /* by key id: its first plan row */
	struct plan *plan;
	size_t nplan, cap, cap_first;
	struct sum (*sum)[NIND];   /* by registry index */
	long *planned;         /* plan rows by registry index */
	struct xq_out *out, *exc, *total;
	struct xq_buf key, nkey, msg, show;
	const char *name;      /* the input being read */
	size_t nhead;          /* fields of its header */
	int c_source, c_line, c_code, c_name;
	long plan_rows, plan_bad, progress, joined, excluded, flagged, messages;
};

static const char *const usage_text =
"usage: xq-score-performance [-q] -p PROFILE -P PLAN [-i INDICATORS]\n"
"                            [-g GRADES] [-x EXCEPTIONS] [-t TOTAL]\n"
"                            [-o OUT] [--log FILE] [--exit-zero] [FILE]\n";

/* ---- numbers ------------------------------------------------------------ */

/* A decimal with at most 6 places as an exact rational; 0 if not one. */
static int
q_dec(mpq_t q, const char *s)
{
	size_t n = strlen(s);
	int64_t v;
	int inexact;

	xq_trim(&s, &n);
	if (n == 0 || xq_dec_parse(s, n, 6, &v, &inexact) != XQ_NUM_OK || inexact)
		return 0;
	mpq_set_si(q, (long)v, 1000000);
	mpq_canonicalize(q);
	return 1;
}

/* Q * 100 rounded half away from zero: hundredths. */
static void
hundredths(mpz_t z, const mpq_t q)
{
	mpz_t t;

	mpz_init(t);
	mpz_mul_ui(z, mpq_numref(q), 200);
	mpz_abs(z, z);
	mpz_add(z, z, mpq_denref(q));
	mpz_mul_ui(t, mpq_denref(q), 2);
	mpz_fdiv_q(z, z, t);
	if (mpq_sgn(q) < 0)
		mpz_neg(z, z);
	mpz_clear(t);
}

/* Hundredths as "12.34" into BUF (at least 32 bytes). */
static void
format_hundredths(char *buf, const mpz_t z)
{
	if (!mpz_fits_slong_p(z))
		xq_die(XQ_INPUT, "a rate or a weight too large to write");
	xq_dec_format(buf, (int64_t)mpz_get_si(z), 2);
}

static void
add(int64_t *to, int64_t v)
{
	if (__builtin_add_overflow(*to, v, to))
		xq_die(XQ_INPUT, "a county's sums are too large to add up exactly");
}

/* ---- dates -------------------------------------------------------------- */

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads digits at *S; returns their value, *nd their count. */
static long
digits(const char **s, const char *end, int *nd)
{
	long v = 0;

	for (*nd = 0; *s < end && **s >= '0' && **s <= '9' && *nd < 9; (*s)++, (*nd)++)
		v = v * 10 + (**s - '0');
	return v;
}

/* Skips one separator of SEPS (ASCII characters) or the 3-byte word W. */
static int
separator(const char **s, const char *end, const char *seps, const char *w)
{
	if (*s < end && strchr(seps, **s) != NULL && **s != '\0') {
		(*s)++;
		return 1;
	}
	if (w && end - *s >= 3 && memcmp(*s, w, 3) == 0) {
		*s += 3;
		return 1;
	}
	return 0;
}

/* A date of SPEC §3.2 as YYYYMMDD: 2020-03-31, 2020/3/31, 2020.3.31,
 * 2020年3月31日, 20200331, a time after a space ignored. With MONTHDAY a
 * month and day alone (03-31, 3/31, 3月31日) is read too, as MMDD. Returns
 * -1 when S is none of these. */
static long
parse_date(const char *s, size_t n, int monthday)
{
	const char *end, *sp;
	long a, b, c = 0, y, m, d;
	int na, nb, nc = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	xq_trim(&s, &n);
	end = s + n;
	if ((sp = memchr(s, ' ', n)) != NULL) {   /* "2020-03-31 00:00:00" */
		if (sp + 1 == end || strspn(sp + 1, "0123456789:") < (size_t)(end - sp - 1))
			return -1;
		end = sp;
	}
	a = digits(&s, end, &na);
	if (na == 8 && s == end) {
		y = a / 10000;
		m = a / 100 % 100;
		d = a % 100;
	} else {
		if (!separator(&s, end, "-/.", na == 4 ? "年" : "月"))
			return -1;
		b = digits(&s, end, &nb);
		if (na == 4 && separator(&s, end, "-/.", "月"))
			c = digits(&s, end, &nc);
		separator(&s, end, "", "日");
		if (s != end || nb < 1 || nb > 2 || (na == 4 && (nc < 1 || nc > 2)))
			return -1;
		if (na == 4) {
			y = a;
			m = b;
			d = c;
		} else if (monthday && na >= 1 && na <= 2) {
			y = 0;
			m = a;
			d = b;
		} else
			return -1;
	}
	if ((y != 0 && (y < 1900 || y > 2100)) || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] || (m == 2 && d == 29 && y != 0 && !leap(y)))
		return -1;
	return y * 10000 + m * 100 + d;
}

/* ---- the profile -------------------------------------------------------- */

static long
find_indicator(const char *id)
{
	size_t k;

	for (k = 0; k < NIND; k++)
		if (strcmp(ind[k].id, id) == 0)
			return (long)k;
	return -1;
}

/* A weight, floor or target cell; DFLT (may be NULL) when empty. */
static void
ind_value(mpq_t q, const struct xq_table *t, size_t i, int col,
    const char *what, const mpq_t dflt, const char *id)
{
	const char *v = xq_table_get(t, i, col);

	if (*v == '\0' && dflt != NULL)
		mpq_set(q, dflt);
	else if (!q_dec(q, v))
		xq_die(XQ_INPUT, "%s:%ld: %s \"%s\" of %s is not a decimal", t->path,
		    t->line[i], what, v, id);
}

/* Reads indicators.csv (or the defaults) into R->param. The file is the
 * whole table: an indicator it does not list has weight 0. */
static void
load_indicators(struct run *R, const char *path)
{
	struct xq_table *d = xq_table_parse("built-in indicators", default_indicators);
	struct xq_table *t = path ? xq_table_load(path) : d;
	int ic = xq_table_need(t, "indicator"), wc = xq_table_need(t, "weight");
	int fc = xq_table_col(t, "floor"), tc = xq_table_col(t, "target");
	int seen[NIND] = { 0 };
	mpq_t sum, dfloor, dtarget;
	size_t i, k;
	long j;

	mpq_inits(sum, dfloor, dtarget, NULL);
	for (k = 0; k < NIND; k++) {
		mpq_inits(R->param[k].weight, R->param[k].floor, R->param[k].target, NULL);
		q_dec(R->param[k].floor, xq_table_get(d, k, xq_table_col(d, "floor")));
		q_dec(R->param[k].target, xq_table_get(d, k, xq_table_col(d, "target")));
	}
	for (i = 0; i < t->nrow; i++) {
		const char *id = xq_table_get(t, i, ic);

		if ((j = find_indicator(id)) < 0)
			xq_die(XQ_INPUT, "%s:%ld: unknown indicator \"%s\" (known: start, "
			    "start_hh, completion, spend, prelim, satisfaction, management)",
			    t->path, t->line[i], id);
		if (seen[j]++)
			xq_die(XQ_INPUT, "%s:%ld: indicator %s is listed twice", t->path,
			    t->line[i], id);
		k = (size_t)j;
		mpq_set(dfloor, R->param[k].floor);
		mpq_set(dtarget, R->param[k].target);
		ind_value(R->param[k].weight, t, i, wc, "weight", NULL, id);
		ind_value(R->param[k].floor, t, i, fc, "floor", dfloor, id);
		ind_value(R->param[k].target, t, i, tc, "target", dtarget, id);
		if (mpq_sgn(R->param[k].weight) < 0)
			xq_die(XQ_INPUT, "%s:%ld: weight of %s is negative", t->path,
			    t->line[i], id);
		if (mpq_cmp(R->param[k].target, R->param[k].floor) <= 0)
			xq_die(XQ_INPUT, "%s:%ld: target of %s is not above its floor",
			    t->path, t->line[i], id);
		mpq_add(sum, sum, R->param[k].weight);
	}
	if (mpq_cmp_ui(sum, 100, 1) != 0) {   /* a sum of 6-decimal numbers */
		char text[48];
		int len;

		mpz_mul_ui(mpq_numref(sum), mpq_numref(sum), 1000000);
		mpz_divexact(mpq_numref(sum), mpq_numref(sum), mpq_denref(sum));
		if (!mpz_fits_slong_p(mpq_numref(sum)))
			xq_die(XQ_INPUT, "%s: the weights add up to far more than 100",
			    t->path);
		len = xq_dec_format(text, mpz_get_si(mpq_numref(sum)), 6);
		while (text[len - 1] == '0')
			text[--len] = '\0';
		if (text[len - 1] == '.')
			text[--len] = '\0';
		xq_die(XQ_INPUT, "%s: the weights add up to %s, not 100", t->path, text);
	}
	mpq_clears(sum, dfloor, dtarget, NULL);
	if (t != d)
		xq_table_free(t);
	xq_table_free(d);
}

static int
by_band(const void *a, const void *b)
{
	const struct grade *x = a, *y = b;

	if (x->min != y->min)
		return x->min > y->min ? -1 : 1;
	return y->strict - x->strict;   /* "> 90" before ">= 90" */
}

static void
load_grades(struct run *R, const char *path)
{
	struct xq_table *t = path ? xq_table_load(path) :
	    xq_table_parse("built-in grades", default_grades);
	int gc = xq_table_need(t, "grade"), mc = xq_table_need(t, "min_score");
	int cc = xq_table_col(t, "compare");
	size_t i, j;

	R->ngrade = t->nrow;
	R->grade = xq_calloc(t->nrow, sizeof *R->grade);
	for (i = 0; i < t->nrow; i++) {
		struct grade *g = &R->grade[i];
		const char *m = xq_table_get(t, i, mc), *c = xq_table_get(t, i, cc);
		int inexact;

		g->name = xq_strdup(xq_table_get(t, i, gc));
		if (*g->name == '\0')
			xq_die(XQ_INPUT, "%s:%ld: a grade needs a name", t->path, t->line[i]);
		for (j = 0; j < i; j++)
			if (strcmp(R->grade[j].name, g->name) == 0)
				xq_die(XQ_INPUT, "%s:%ld: grade %s is listed twice", t->path,
				    t->line[i], g->name);
		if (xq_dec_parse(m, strlen(m), 2, &g->min, &inexact) != XQ_NUM_OK ||
		    inexact)
			xq_die(XQ_INPUT, "%s:%ld: min_score \"%s\" of %s is not a number "
			    "with at most 2 decimals", t->path, t->line[i], m, g->name);
		if (*c == '\0' || strcmp(c, ">=") == 0)
			g->strict = 0;
		else if (strcmp(c, ">") == 0)
			g->strict = 1;
		else
			xq_die(XQ_INPUT, "%s:%ld: compare \"%s\" of %s is not >= or >",
			    t->path, t->line[i], c, g->name);
	}
	qsort(R->grade, R->ngrade, sizeof *R->grade, by_band);
	if (R->ngrade == 0 || R->grade[R->ngrade - 1].min > 0 ||
	    (R->grade[R->ngrade - 1].min == 0 && R->grade[R->ngrade - 1].strict))
		xq_die(XQ_INPUT, "%s: no grade for a score of 0 (the lowest band needs "
		    "min_score 0 and compare >=)", t->path);
	xq_table_free(t);
}

static const char *
grade_of(const struct run *R, int64_t score)
{
	size_t i;

	for (i = 0; i < R->ngrade; i++)
		if (R->grade[i].strict ? score > R->grade[i].min : score >= R->grade[i].min)
			return R->grade[i].name;
	return R->grade[R->ngrade - 1].name;   /* not reached: 0 has a band */
}

/* settings.csv: prelim_deadline (03-31 of the plan year by default) and
 * plan_year, the year of rows that give none. */
static void
load_settings(struct run *R)
{
	const char *s = xq_profile_setting(R->prof, "prelim_deadline");
	const char *y = xq_profile_setting(R->prof, "plan_year");
	long d = s ? parse_date(s, strlen(s), 1) : 331;
	int64_t v;
	int inexact;

	if (d < 0)
		xq_die(XQ_INPUT, "%s/settings.csv: prelim_deadline \"%s\" is not a date "
		    "(03-31, 3月31日, 2020-03-31, 2020年3月31日)", R->prof->dir, s);
	R->dl_year = (int)(d / 10000);
	R->dl_month = (int)(d / 100 % 100);
	R->dl_day = (int)(d % 100);
	if (y && *y) {
		if (xq_dec_parse(y, strlen(y), 0, &v, &inexact) != XQ_NUM_OK ||
		    inexact || v < 1949 || v > 2100)
			xq_die(XQ_INPUT, "%s/settings.csv: plan_year \"%s\" is not a year "
			    "from 1949 to 2100", R->prof->dir, y);
		R->setting_year = (long)v;
	}
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

/* ---- messages and exceptions -------------------------------------------- */

static const char *
rec_source(const struct run *R, const struct xq_rec *r)
{
	return R->c_source >= 0 ? xq_rec_get(r, R->c_source) : R->name;
}

static const char *
rec_line(const struct run *R, const struct xq_rec *r, char *buf)
{
	if (R->c_line >= 0)
		return xq_rec_get(r, R->c_line);
	snprintf(buf, 24, "%ld", r->line);
	return buf;
}

/* Tells that record R is excluded or flagged (ACTION) and why (R->msg). */
static void
report(struct run *R, const struct xq_rec *r, const char *action)
{
	char buf[24];
	const char *src = rec_source(R, r), *line = rec_line(R, r, buf);
	size_t i;

	if (strcmp(action, "flagged") == 0)
		R->flagged++;
	else
		R->excluded++;
	if (R->exc) {
		xq_out_str(R->exc, src);
		xq_out_str(R->exc, line);
		xq_out_field(R->exc, xq_rec_get(r, R->c_code), xq_rec_len(r, R->c_code));
		xq_out_field(R->exc, xq_rec_get(r, R->c_name), xq_rec_len(r, R->c_name));
		xq_out_str(R->exc, action);
		xq_out_str(R->exc, xq_buf_str(&R->msg));
		xq_out_end(R->exc);
	}
	if (R->quiet || ++R->messages > MESSAGES)
		return;
	R->show.len = 0;   /* the name on one line: control characters as spaces */
	for (i = 0; i < xq_rec_len(r, R->c_name); i++)
		xq_buf_addc(&R->show, (unsigned char)xq_rec_get(r, R->c_name)[i] < 0x20 ?
		    ' ' : xq_rec_get(r, R->c_name)[i]);   /* NOLINT(bugprone-narrowing-conversions): a char */
	xq_warn("%s:%s: %s %s: %s; %s", src, line, xq_rec_get(r, R->c_code),
	    xq_buf_str(&R->show), xq_buf_str(&R->msg), action);
}

__attribute__((format(printf, 2, 3))) static void
why(struct run *R, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	R->msg.len = 0;
	xq_buf_adds(&R->msg, tmp);
}

/* ---- the plan ----------------------------------------------------------- */

/* A stream line has the header's fields; one that has not is not scored
 * (its fields would be read under the wrong columns). */
static int
ragged(struct run *R, const struct xq_rec *r)
{
	if (r->nf == R->nhead)
		return 0;
	why(R, "%zu fields, but the header has %zu: the row is not scored", r->nf,
	    R->nhead);
	return 1;
}

static int
need(const struct run *R, const struct xq_rec *h, const char *col)
{
	int c = xq_rec_find(h, col);

	if (c < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\" in the header (the input must be "
		    "the stream xq-validate writes)", R->name, col);
	return c;
}

/* The key of a record: county_code and the name key, as xq-dedupe. */
static struct xq_hash
row_key(struct run *R, const struct xq_rec *r)
{
	const char *code = xq_rec_get(r, R->c_code), *name = xq_rec_get(r, R->c_name);
	size_t cn = xq_rec_len(r, R->c_code), nn = xq_rec_len(r, R->c_name);

	xq_trim(&code, &cn);
	xq_trim(&name, &nn);
	xq_name_key_buf(&R->nkey, name, nn, R->suf);
	R->key.len = 0;
	xq_buf_add(&R->key, code, cn);
	xq_buf_adds(&R->key, SEP);
	xq_buf_add(&R->key, R->nkey.p, R->nkey.len);
	return xq_hash(R->key.p, R->key.len);
}

static const struct xq_county *
row_county(const struct run *R, const struct xq_rec *r)
{
	const char *code = xq_rec_get(r, R->c_code);
	size_t n = xq_rec_len(r, R->c_code);

	xq_trim(&code, &n);
	return xq_profile_county(R->prof, code, n);
}

static int
row_year(const struct xq_rec *r, int col)
{
	const char *s = xq_rec_get(r, col);
	size_t n = xq_rec_len(r, col);
	int64_t v;
	int inexact;

	xq_trim(&s, &n);
	if (n == 4 && xq_dec_parse(s, n, 0, &v, &inexact) == XQ_NUM_OK)
		return (int)v;
	return 0;
}

static void
plan_row(struct run *R, const struct xq_rec *r, int c_hh, int c_year)
{
	const struct xq_county *c = row_county(R, r);
	const char *hh = xq_rec_get(r, c_hh);
	size_t n = xq_rec_len(r, c_hh);
	struct plan *p;
	uint32_t id, k;
	int added, inexact;
	char buf[24];

	R->plan_rows++;
	xq_trim(&hh, &n);
	if (ragged(R, r)) {
		R->plan_bad++;
		report(R, r, "excluded");
		return;
	}
	if (c == NULL) {
		why(R, "county_code is not in the profile's registry: the plan row is "
		    "not scored");
		R->plan_bad++;
		report(R, r, "excluded");
		return;
	}
	if (R->nplan == R->cap) {
		R->cap = R->cap ? R->cap * 2 : 1024;
		R->plan = xq_realloc(R->plan, R->cap * sizeof *R->plan);
	}
	p = &R->plan[R->nplan];
	if (xq_dec_parse(hh, n, 0, &p->hh, &inexact) != XQ_NUM_OK || inexact ||
	    p->hh < 0) {
		why(R, "households: \"%.*s\" is not a whole number: the plan row is not "
		    "scored", (int)n, hh);
		R->plan_bad++;
		report(R, r, "excluded");
		return;
	}
	p->county = (uint32_t)(c - R->prof->county);
	p->next = NONE;
	p->year = row_year(r, c_year);
	p->line = strtol(rec_line(R, r, buf), NULL, 10);
	p->joined = 0;
	R->planned[p->county]++;
	id = xq_keymap_add(R->keys, row_key(R, r), &added);
	if (added) {
		if (id >= R->cap_first) {
			R->cap_first = R->cap_first ? R->cap_first * 2 : 1024;
			R->first = xq_realloc(R->first, R->cap_first * sizeof *R->first);
		}
		R->first[id] = (uint32_t)R->nplan;
	} else {
		for (k = R->first[id]; R->plan[k].next != NONE; k = R->plan[k].next)
			;
		R->plan[k].next = (uint32_t)R->nplan;
		why(R, "another plan row has the same name key (line %ld): progress "
		    "rows are joined to them in order", R->plan[R->first[id]].line);
		report(R, r, "flagged");
	}
	R->nplan++;
}

static void
read_plan(struct run *R, const char *path)
{
	struct xq_reader *rd = xq_reader_open(path, XQ_ENC_UTF8, XQ_READ_STREAM);
	const struct xq_rec *r;
	int c_hh, c_year;

	R->name = strcmp(path, "-") == 0 ? "-" : xq_basename(path);
	if ((r = xq_reader_next(rd)) == NULL)
		xq_die(XQ_INPUT, "%s: empty plan, a header line was expected", R->name);
	R->nhead = r->nf;
	R->c_code = need(R, r, "county_code");
	R->c_name = need(R, r, "community");
	c_hh = need(R, r, "households");
	c_year = xq_rec_find(r, "plan_year");
	R->c_source = xq_rec_find(r, "source");
	R->c_line = xq_rec_find(r, "line");
	while ((r = xq_reader_next(rd)) != NULL) {
		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s (the plan must be the stream "
			    "xq-validate writes)", R->name, r->problem_line, r->problem);
		if (!xq_rec_blank(r))
			plan_row(R, r, c_hh, c_year);
	}
	xq_reader_close(rd);
}

/* ---- the progress reports ----------------------------------------------- */

enum { P_STATUS, P_PRELIM, P_START, P_DONE, P_ALLOC, P_SPENT, P_SAT, P_MGMT,
	P_YEAR, NPCOL };
static const char *const pcol_name[NPCOL] = { "status", "prelim_done",
	"start_date", "completion_date", "fund_allocated", "fund_spent",
	"satisfaction_pct", "long_term_mgmt", "plan_year" };

/* The value of column K of R, trimmed. */
static const char *
cell(const struct xq_rec *r, const int *col, int k, size_t *n)
{
	const char *s = xq_rec_get(r, col[k]);

	*n = xq_rec_len(r, col[k]);
	xq_trim(&s, n);
	return s;
}

static int
parse_status(const char *s, size_t n, enum status *st)
{
	static const struct {
		const char *word;
		enum status st;
	} words[] = {
		{ "not_started", NOT_STARTED }, { "未开工", NOT_STARTED },
		{ "preliminary", PRELIMINARY }, { "前期", PRELIMINARY },
		{ "under_construction", UNDER_CONSTRUCTION },
		{ "在建", UNDER_CONSTRUCTION },
		{ "completed", COMPLETED }, { "完工", COMPLETED },
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].word) == n && memcmp(words[i].word, s, n) == 0) {
			*st = words[i].st;
			return 1;
		}
	return 0;
}

static int
parse_yesno(const char *s, size_t n, int *v)
{
	static const char *const yes[] = { "1", "是", "有", "y", "yes" };
	static const char *const no[] = { "0", "否", "无", "n", "no", "" };
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strlen(yes[i]) == n && strncasecmp(yes[i], s, n) == 0)
			return *v = 1;
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strlen(no[i]) == n && strncasecmp(no[i], s, n) == 0) {
			*v = 0;
			return 1;
		}
	return 0;
}

/* Money in 万元 to 0.01 万元; 0 when empty. */
static int
parse_money(const char *s, size_t n, int64_t *v)
{
	int inexact;

	*v = 0;
	return n == 0 || (xq_dec_parse(s, n, 2, v, &inexact) == XQ_NUM_OK && *v >= 0);
}

/* Reads the progress row's cells into W; returns 0 with the reason in
 * R->msg when the row cannot be scored. */
static int
progress_cells(struct run *R, const struct xq_rec *r, const int *col,
    const struct plan *p, struct row *w)
{
	long date[3];
	const char *s;
	size_t n;
	int k, year, inexact;

	s = cell(r, col, P_STATUS, &n);
	if (!parse_status(s, n, &w->status)) {
		why(R, "status: \"%.*s\" is not a status (not_started, preliminary, "
		    "under_construction, completed, 未开工, 前期, 在建, 完工)", (int)n, s);
		return 0;
	}
	for (k = P_PRELIM; k <= P_DONE; k++) {
		s = cell(r, col, k, &n);
		date[k - P_PRELIM] = n ? parse_date(s, n, 0) : 0;
		if (date[k - P_PRELIM] < 0) {
			why(R, "%s: \"%.*s\" is not a date (2020-03-31, 2020/3/31, "
			    "2020年3月31日, 20200331)", pcol_name[k], (int)n, s);
			return 0;
		}
	}
	for (k = P_ALLOC; k <= P_SPENT; k++) {
		s = cell(r, col, k, &n);
		if (!parse_money(s, n, k == P_ALLOC ? &w->alloc : &w->spent)) {
			why(R, "%s: \"%.*s\" is not an amount in 万元 >= 0", pcol_name[k],
			    (int)n, s);
			return 0;
		}
	}
	s = cell(r, col, P_SAT, &n);
	w->sat = -1;
	if (n > 0) {
		size_t m = s[n - 1] == '%' ? n - 1 : n;

		if (xq_dec_parse(s, m, 2, &w->sat, &inexact) != XQ_NUM_OK || w->sat < 0) {
			why(R, "satisfaction_pct: \"%.*s\" is not a percentage", (int)n, s);
			return 0;
		}
		if (w->sat > 10000) {
			why(R, "satisfaction_pct: \"%.*s\" is over 100", (int)n, s);
			return 0;
		}
	}
	s = cell(r, col, P_MGMT, &n);
	if (!parse_yesno(s, n, &w->mgmt)) {
		why(R, "long_term_mgmt: \"%.*s\" is not yes or no (1/0, 是/否)", (int)n, s);
		return 0;
	}
	/* the status must agree with the dates, as xq-validate's E203, E204 */
	if (w->status == COMPLETED && date[2] == 0)
		why(R, "status: completed, but there is no completion_date");
	else if (w->status != COMPLETED && date[2] != 0)
		why(R, "status: %s, but there is a completion_date",
		    status_name[w->status]);
	else if (w->status <= PRELIMINARY && date[1] != 0)
		why(R, "status: %s, but there is a start_date", status_name[w->status]);
	else if (w->status == UNDER_CONSTRUCTION && date[1] == 0)
		why(R, "status: under_construction, but there is no start_date");
	else if (date[1] != 0 && date[2] != 0 && date[2] < date[1])
		why(R, "completion_date: %04ld-%02ld-%02ld is before the start_date "
		    "%04ld-%02ld-%02ld", date[2] / 10000, date[2] / 100 % 100,
		    date[2] % 100, date[1] / 10000, date[1] / 100 % 100, date[1] % 100);
	else
		R->msg.len = 0;
	if (R->msg.len > 0)
		return 0;
	/* the preliminary-work deadline of the row's plan year */
	w->on_time = 0;
	if (date[0] != 0) {
		year = R->dl_year ? R->dl_year : p->year ? p->year :
		    row_year(r, col[P_YEAR]) ? row_year(r, col[P_YEAR]) :
		    (int)R->setting_year;
		if (year == 0)
			xq_die(XQ_INPUT, "%s:%ld: no plan year for the preliminary-work "
			    "deadline: give plan_year in the plan or in settings.csv, or a "
			    "full date as prelim_deadline", R->name, r->line);
		w->on_time = date[0] <= (long)year * 10000 + R->dl_month * 100 + R->dl_day;
	}
	w->hh = p->hh;
	return 1;
}

static void
tally(struct run *R, uint32_t county, const struct row *w)
{
	int64_t num, den;
	size_t k;

	for (k = 0; k < NIND; k++) {
		num = den = 0;
		ind[k].collect(w, &num, &den);
		add(&R->sum[county][k].num, num);
		add(&R->sum[county][k].den, den);
	}
}

static void
progress_row(struct run *R, const struct xq_rec *r, const int *col)
{
	struct row w = { 0 };
	struct plan *p;
	long id;
	uint32_t k;
	char buf[24];

	R->progress++;
	if (ragged(R, r)) {
		report(R, r, "excluded");
		return;
	}
	if ((id = xq_keymap_find(R->keys, row_key(R, r))) < 0) {
		if (row_county(R, r) == NULL)
			why(R, "county_code is not in the profile's registry");
		else
			why(R, "not in the plan");
		report(R, r, "excluded");
		return;
	}
	for (k = R->first[id]; k != NONE && R->plan[k].joined; k = R->plan[k].next)
		;
	if (k == NONE) {
		why(R, "a second progress row for the community (the first is line %ld)",
		    R->plan[R->first[id]].joined);
		report(R, r, "excluded");
		return;
	}
	p = &R->plan[k];
	if (!progress_cells(R, r, col, p, &w)) {
		report(R, r, "excluded");
		return;
	}
	p->joined = strtol(rec_line(R, r, buf), NULL, 10);
	if (p->joined <= 0)
		p->joined = r->line;
	tally(R, p->county, &w);
	R->joined++;
	if (w.spent > w.alloc) {
		char a[40], b[40];

		xq_dec_format(a, w.spent, 2);
		xq_dec_format(b, w.alloc, 2);
		why(R, "fund_spent: %s万元 is more than the %s万元 allocated (counted as "
		    "reported)", a, b);
		report(R, r, "flagged");
	}
}

static void
read_progress(struct run *R, const char *path)
{
	struct xq_reader *rd = xq_reader_open(path, XQ_ENC_UTF8, XQ_READ_STREAM);
	const struct xq_rec *r;
	int col[NPCOL], k;

	R->name = strcmp(path, "-") == 0 ? "-" : xq_basename(path);
	if ((r = xq_reader_next(rd)) == NULL)
		xq_die(XQ_INPUT, "%s: empty input, a header line was expected", R->name);
	R->nhead = r->nf;
	R->c_code = need(R, r, "county_code");
	R->c_name = need(R, r, "community");
	R->c_source = xq_rec_find(r, "source");
	R->c_line = xq_rec_find(r, "line");
	col[P_STATUS] = need(R, r, "status");
	for (k = P_PRELIM; k < NPCOL; k++)
		if ((col[k] = xq_rec_find(r, pcol_name[k])) < 0 && k != P_YEAR &&
		    !R->quiet)
			xq_warn("%s: no column \"%s\": every row counts as not giving it",
			    R->name, pcol_name[k]);
	while ((r = xq_reader_next(rd)) != NULL) {
		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s (the input must be the stream "
			    "xq-validate -s progress writes)", R->name, r->problem_line,
			    r->problem);
		if (!xq_rec_blank(r))
			progress_row(R, r, col);
	}
	xq_reader_close(rd);
}

/* Plan rows no progress row joined: not started. */
static void
not_started(struct run *R)
{
	static const struct row none = { .sat = -1 };
	struct row w;
	size_t i;

	for (i = 0; i < R->nplan; i++)
		if (!R->plan[i].joined) {
			w = none;
			w.hh = R->plan[i].hh;
			tally(R, R->plan[i].county, &w);
		}
}

/* ---- scores ------------------------------------------------------------- */

/* Rates, points, score and grade from an area's sums. */
static void
summarize(const struct run *R, const struct sum *s, struct result *res)
{
	mpq_t rate, f, span;
	mpz_t z;
	size_t k;

	mpq_inits(rate, f, span, NULL);
	mpz_init(z);
	res->score = 0;
	for (k = 0; k < NIND; k++) {
		res->rate[k][0] = '\0';
		res->points[k] = 0;
		if (s[k].den == 0)
			continue;
		mpz_set_si(mpq_numref(rate), (long)s[k].num);
		mpz_mul_ui(mpq_numref(rate), mpq_numref(rate), 100);
		mpz_set_si(mpq_denref(rate), (long)s[k].den);
		mpq_canonicalize(rate);
		hundredths(z, rate);
		format_hundredths(res->rate[k], z);
		/* weight * clamp((rate - floor) / (target - floor), 0, 1) */
		mpq_sub(f, rate, R->param[k].floor);
		mpq_sub(span, R->param[k].target, R->param[k].floor);
		mpq_div(f, f, span);
		if (mpq_sgn(f) < 0)
			mpq_set_ui(f, 0, 1);
		if (mpq_cmp_ui(f, 1, 1) > 0)
			mpq_set_ui(f, 1, 1);
		mpq_mul(f, f, R->param[k].weight);
		hundredths(z, f);
		res->points[k] = (int64_t)mpz_get_si(z);
		res->score += res->points[k];
	}
	res->grade = grade_of(R, res->score);
	mpq_clears(rate, f, span, NULL);
	mpz_clear(z);
}

static void
write_header(struct xq_out *o)
{
	char name[64];
	size_t k;

	xq_out_str(o, "county_code");
	xq_out_str(o, "county");
	for (k = 0; k < NIND; k++) {
		snprintf(name, sizeof name, "%s_rate", ind[k].id);
		xq_out_str(o, name);
		snprintf(name, sizeof name, "%s_points", ind[k].id);
		xq_out_str(o, name);
	}
	xq_out_str(o, "score");
	xq_out_str(o, "grade");
	xq_out_str(o, "rank");
	xq_out_str(o, "performance");
	xq_out_end(o);
}

static void
write_result(struct xq_out *o, const char *code, const char *county,
    const struct result *res, long rank)
{
	size_t k;

	xq_out_str(o, code);
	xq_out_str(o, county);
	for (k = 0; k < NIND; k++) {
		xq_out_plain(o, res->rate[k], strlen(res->rate[k]));
		xq_out_num(o, res->points[k], 2);
	}
	xq_out_num(o, res->score, 2);
	xq_out_str(o, res->grade);
	if (rank > 0) {
		xq_out_long(o, rank);
		xq_out_num(o, res->score, 2);
	} else {
		xq_out_str(o, "");
		xq_out_str(o, "");
	}
	xq_out_end(o);
}

static const struct result *sort_res;
static const struct xq_county *sort_county;

static int
by_score(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (sort_res[x].score != sort_res[y].score)
		return sort_res[x].score > sort_res[y].score ? -1 : 1;
	return strcmp(sort_county[x].code, sort_county[y].code);
}

/* The county table, in registry (code) order, and the province's row. */
static void
write_scores(struct run *R)
{
	size_t nc = R->prof->ncounty, i, k, n = 0;
	struct result *res = xq_calloc(nc, sizeof *res), prov;
	struct sum all[NIND] = { { 0, 0 } };
	size_t *order = xq_calloc(nc, sizeof *order);
	long *rank = xq_calloc(nc, sizeof *rank), planned = 0;
	char score[48];

	for (i = 0; i < nc; i++) {
		if (R->planned[i] == 0)
			continue;
		summarize(R, R->sum[i], &res[i]);
		order[n++] = i;
		planned += R->planned[i];
		for (k = 0; k < NIND; k++) {
			add(&all[k].num, R->sum[i][k].num);
			add(&all[k].den, R->sum[i][k].den);
		}
	}
	sort_res = res;
	sort_county = R->prof->county;
	qsort(order, n, sizeof *order, by_score);
	for (i = 0; i < n; i++)
		rank[order[i]] = (long)i + 1;
	write_header(R->out);
	for (i = 0; i < nc; i++)
		if (R->planned[i] > 0)
			write_result(R->out, R->prof->county[i].code,
			    R->prof->county[i].name, &res[i], rank[i]);
	summarize(R, all, &prov);
	if (R->total) {
		write_header(R->total);
		write_result(R->total, "", "合计", &prov, 0);
	}
	if (R->messages > MESSAGES && !R->quiet)
		xq_warn("%ld more excluded or flagged rows not shown%s", R->messages -
		    MESSAGES, R->exc ? " (all are in the exceptions file)" : "");
	if (!R->quiet) {
		long missing = (long)R->nplan - R->joined;

		xq_warn("%ld plan row%s of %zu count%s (%ld not scored), %ld progress "
		    "row%s: %ld joined, %ld excluded, %ld flagged; %ld plan row%s "
		    "without a progress row counted as not started", R->plan_rows,
		    plural(R->plan_rows), n, n == 1 ? "y" : "ies", R->plan_bad,
		    R->progress, plural(R->progress), R->joined, R->excluded -
		    R->plan_bad, R->flagged, missing, plural(missing));
		xq_dec_format(score, prov.score, 2);
		if (n > 0)
			xq_warn("province: start rate %s%% (%lld of %ld), completion rate "
			    "%s%% (%lld of %ld), score %s, grade %s", prov.rate[I_START],
			    (long long)all[I_START].num, planned, prov.rate[I_COMPLETION],
			    (long long)all[I_COMPLETION].num, planned, score, prov.grade);
	}
	free(res);
	free(order);
	free(rank);
}

/* ---- main --------------------------------------------------------------- */

static void
run_free(struct run *R)
{
	size_t k;

	for (k = 0; k < NIND; k++)
		mpq_clears(R->param[k].weight, R->param[k].floor, R->param[k].target,
		    NULL);
	for (k = 0; k < R->ngrade; k++)
		free(R->grade[k].name);
	free(R->grade);
	free(R->plan);
	free(R->first);
	free(R->sum);
	free(R->planned);
	xq_keymap_free(R->keys);
	xq_suffixes_free(R->suf);
	xq_profile_free(R->prof);
	xq_buf_free(&R->key);
	xq_buf_free(&R->nkey);
	xq_buf_free(&R->msg);
	xq_buf_free(&R->show);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "log", required_argument, NULL, 'L' },
		{ "exit-zero", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	static struct run R;
	const char *profile = NULL, *plan = NULL, *out = NULL, *exc = NULL;
	const char *total = NULL, *log = NULL, *in;
	char *indicators = NULL, *grades = NULL;
	int c, exit_zero = 0;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "g:hi:o:p:P:qt:x:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'g': grades = xq_strdup(optarg); break;
		case 'i': indicators = xq_strdup(optarg); break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'P': plan = optarg; break;
		case 'q': R.quiet = 1; break;
		case 't': total = optarg; break;
		case 'x': exc = optarg; break;
		case 'L': log = optarg; break;
		case 'Z': exit_zero = 1; break;
		case 'V': xq_version();
		case 'h': xq_help(usage_text);
		default: xq_usage(usage_text);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		xq_usage(usage_text);
	if (profile == NULL || plan == NULL) {
		xq_warn("%s is required", profile == NULL ? "-p PROFILE" : "-P PLAN");
		xq_usage(usage_text);
	}
	in = argc ? argv[0] : "-";
	if (strcmp(plan, "-") == 0 && strcmp(in, "-") == 0)
		xq_die(XQ_USAGE, "the plan (-P) and the progress reports cannot both "
		    "be standard input");

	if (log)
		xq_log_to(log);
	R.prof = xq_profile_load(profile);
	R.suf = xq_suffixes_load(R.prof);
	if (indicators == NULL)
		indicators = xq_profile_file(R.prof, "indicators.csv");
	if (grades == NULL)
		grades = xq_profile_file(R.prof, "grades.csv");
	load_indicators(&R, indicators);
	load_grades(&R, grades);
	free(indicators);
	free(grades);
	load_settings(&R);
	R.keys = xq_keymap_new();
	R.sum = xq_calloc(R.prof->ncounty, sizeof *R.sum);
	R.planned = xq_calloc(R.prof->ncounty, sizeof *R.planned);
	xq_buf_str(&R.nkey);
	/* the evaluation is opened in Excel: cells that look like formulas are
	 * guarded (numbers stay numbers) */
	R.out = xq_out_open(out, XQ_WRITE_EXCEL);
	if (exc) {
		const char *h[] = { "source", "line", "county_code", "community",
			"action", "reason" };
		size_t i;

		R.exc = xq_out_open(exc, XQ_WRITE_EXCEL);
		for (i = 0; i < sizeof h / sizeof h[0]; i++)
			xq_out_str(R.exc, h[i]);
		xq_out_end(R.exc);
	}
	if (total)
		R.total = xq_out_open(total, XQ_WRITE_EXCEL);
	read_plan(&R, plan);
	read_progress(&R, in);
	not_started(&R);
	write_scores(&R);
	if (R.total)
		xq_out_close(R.total);
	if (R.exc)
		xq_out_close(R.exc);
	xq_out_close(R.out);
	run_free(&R);
	return (R.excluded || R.flagged) && !exit_zero ? XQ_FLAGGED : XQ_OK;
}
