/*
 * xq-allocate-funds - split the year's subsidy budget over counties by the
 * factor method of 财综〔2019〕31号, and each county's amount over its plan
 * rows.
 *
 * Pass 1 reads the plan stream and keeps, per row, only its county and the
 * government money it asks for; the county sums are the factors. Shares
 * are exact rationals (GMP); amounts are whole units of the budget, given
 * out by the largest-remainder method, so they add up to the budget. Pass 2
 * reads the stream again (standard input is first spooled to a temporary
 * file) and writes every row with its subsidy. No float touches money.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmp.h>

#include "xq.h"

enum { F_AREA, F_HOUSEHOLDS, F_BUILDINGS, F_COMMUNITIES, F_PERF, NFACTOR };
#define NTASK F_PERF   /* the quantity (task) factors come first */
#define MAXWARN 10     /* messages of one kind before "and N more" */

static const char *const factor_id[NFACTOR] = { "area", "households",
	"buildings", "communities", "performance" };
static const char *const factor_col[NTASK] = { "area_m2", "households",
	"buildings", NULL };

static const struct scheme {
	const char *id;
	const char *weight[NFACTOR];
} schemes[] = {
	{ "2019", { "0.4", "0.4", "0.1", "0.1", "0" } },
	{ "2020", { "0.4", "0.3", "0.1", "0.1", "0.1" } },
	{ "2024", { "0.32", "0.32", "0.08", "0.08", "0.2" } },
};

/* The 2024 reward pool's adjustment by grade when the profile has no
 * reward.csv. The bands are the national ones; the coefficients are an
 * assumption (the public rule does not publish them). */
static const char *const default_reward =
	"grade,min_score,coefficient\n"
	"优,90,1.2\n"
	"良,80,1.0\n"
	"中,60,0.8\n"
	"差,0,0\n";

static const char *const usage_text =
"usage: xq-allocate-funds [-q] -p PROFILE [-b BUDGET] [-S SCORES]\n"
"                         [-m 2019|2020|2024] [-w WEIGHTS] [-c COUNTY_TABLE]\n"
"                         [--explain COUNTY_CODE] [--unit UNIT] [--excel]\n"
"                         [-o OUT] [--log FILE] [--exit-zero] [FILE]\n";

struct county {
	const struct xq_county *reg;
	int64_t x[NTASK];   /* area in 0.01 ㎡, households, buildings, rows */
	int64_t ask;        /* government money its counted rows ask, 0.01万元 */
	mpq_t coef, perf, adjust, task, share, exact, rem;
	char *perf_text;    /* the score as given, or NULL */
	int scored;         /* listed in the scores file */
	char *grade;
	int64_t units, amount, given, unalloc;   /* amounts in 0.01万元 */
	int64_t row_left;   /* 0.01万元 given to the rows' largest remainders */
	long rank;          /* of its remainder among all counties, 1 = largest */
};

struct grade {
	char *name;
	mpq_t min, coef;
};

struct cols {
	int code, x[3], investment, other[4], scope, gate, subsidy, source, line;
};

struct run {
	struct xq_profile *prof;
	struct county *c;
	size_t nc;
	const struct scheme *scheme;
	const char *weights_from;    /* "scheme 2020", a file name */
	mpq_t w[NFACTOR], eff[NFACTOR], denom[NFACTOR];
	int avail[NFACTOR];
	int scores;                  /* -S given */
	struct grade *grades;
	size_t ngrade;
	int64_t budget, unit, nunits, left;  /* 0.01万元; units; units left */
	/* the rows of the stream */
	size_t nrow, caprow, counted;
	int32_t *row_county;         /* -1: not counted */
	int64_t *row_money;          /* its ask, then its subsidy */
	struct cols col;
	char **head;                 /* the input's header */
	size_t nhead;
	const char *input_name;
	long input_start;            /* where the input starts, to read it again */
	struct county *last;         /* the county of the row before */
	int fast;                    /* the input is in the stream format */
	long clamped;                /* rows whose other money exceeds investment */
	int formed;                  /* some factor could be formed */
	int flagged, quiet;
	mpz_t z1, z2;                /* scratch */
};

/* ---- exact numbers ---- */

static void
z_set64(mpz_t z, int64_t v)
{
#if LONG_MAX >= INT64_MAX
	mpz_set_si(z, (long)v);
#else
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	mpz_set_ui(z, (unsigned long)(u >> 32));
	mpz_mul_2exp(z, z, 32);
	mpz_add_ui(z, z, (unsigned long)(u & 0xFFFFFFFFUL));
	if (v < 0)
		mpz_neg(z, z);
#endif
}

/* The value of Z, which the caller knows fits in 64 bits. */
static int64_t
z_get64(const mpz_t z)
{
#if LONG_MAX >= INT64_MAX
	return (int64_t)mpz_get_si(z);
#else
	mpz_t t;
	uint64_t hi, lo;

	mpz_init(t);
	mpz_abs(t, z);
	lo = mpz_get_ui(t) & 0xFFFFFFFFUL;
	mpz_tdiv_q_2exp(t, t, 32);
	hi = mpz_get_ui(t);
	mpz_clear(t);
	lo |= hi << 32;
	return mpz_sgn(z) < 0 ? -(int64_t)lo : (int64_t)lo;
#endif
}

static void
q_set64(mpq_t q, int64_t num, int64_t den)
{
	z_set64(mpq_numref(q), num);
	z_set64(mpq_denref(q), den);
	mpq_canonicalize(q);
}

/* Parses a plain decimal ("1", "0.85", "-2.5") exactly; 0 on bad syntax. */
static int
q_parse(mpq_t q, const char *s)
{
	const char *p = s;
	size_t n = strlen(s), i, k = 0;
	char *digits;
	int point = 0, frac = 0, neg = 0;

	xq_trim(&p, &n);
	if (n > 0 && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
		n--;
	}
	if (n == 0 || p[0] == '.' || p[n - 1] == '.')
		return 0;
	digits = xq_malloc(n + 1);
	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			digits[k++] = p[i];
			frac += point;
		} else if (p[i] == '.' && !point) {
			point = 1;
		} else {
			free(digits);
			return 0;
		}
	}
	digits[k] = '\0';
	mpz_set_str(mpq_numref(q), digits, 10);
	mpz_ui_pow_ui(mpq_denref(q), 10, (unsigned long)frac);
	mpq_canonicalize(q);
	if (neg)
		mpq_neg(q, q);
	free(digits);
	return 1;
}

/* Q as text for people: an exact decimal when there is one, else p/q and
 * ten decimals. Valid until eight more calls. */
static const char *
q_str(const mpq_t q)
{
	static struct xq_buf ring[8];
	static int next;
	struct xq_buf *b = &ring[next++ % 8];
	mpz_t d, n, prime;
	unsigned long twos, fives, places;
	char *s;
	size_t len;

	mpz_inits(d, n, NULL);
	mpz_init_set_ui(prime, 2);
	twos = mpz_remove(d, mpq_denref(q), prime);
	mpz_set_ui(prime, 5);
	fives = mpz_remove(d, d, prime);
	mpz_clear(prime);
	b->len = 0;
	if (mpz_cmp_ui(d, 1) == 0) {
		places = twos > fives ? twos : fives;
	} else {
		s = mpq_get_str(NULL, 10, q);
		xq_buf_adds(b, s);
		free(s);
		xq_buf_adds(b, " (≈ ");
		places = 10;
	}
	/* round(|q| * 10^places), then the point */
	mpz_ui_pow_ui(d, 10, places);
	mpz_mul(n, mpq_numref(q), d);
	mpz_abs(n, n);
	mpz_mul_2exp(n, n, 1);
	mpz_add(n, n, mpq_denref(q));
	mpz_mul_2exp(d, mpq_denref(q), 1);
	mpz_fdiv_q(n, n, d);
	s = mpz_get_str(NULL, 10, n);
	len = strlen(s);
	if (mpq_sgn(q) < 0)
		xq_buf_addc(b, '-');
	if (len <= places) {
		xq_buf_adds(b, "0.");
		for (; len < places; len++)
			xq_buf_addc(b, '0');
		xq_buf_adds(b, s);
	} else {
		xq_buf_add(b, s, len - places);
		if (places > 0) {
			xq_buf_addc(b, '.');
			xq_buf_adds(b, s + len - places);
		}
	}
	if (places == 10 && mpz_cmp_ui(mpq_denref(q), 1) != 0 && strchr(b->p, '/'))
		xq_buf_addc(b, ')');
	free(s);
	mpz_clears(d, n, NULL);
	return xq_buf_str(b);
}

/* Money in 0.01万元 as text ("1234.50"). Valid until eight more calls. */
static const char *
money(int64_t v)
{
	static char ring[8][32];
	static int next;
	char *b = ring[next++ % 8];

	xq_dec_format(b, v, 2);
	return b;
}

/* ---- options and profile files ---- */

/* An amount of 万元 with at most 2 decimals, > 0: BUDGET or UNIT. */
static int64_t
parse_amount(const char *what, const char *s, int status)
{
	int64_t v;
	int inexact;
	size_t n = strlen(s);

	xq_trim(&s, &n);
	if (xq_dec_parse(s, n, 2, &v, &inexact) != XQ_NUM_OK)
		xq_die(status, "%s: \"%s\" is not an amount of 万元", what, s);
	if (inexact)
		xq_die(status, "%s: \"%s\" has more than 2 decimals (amounts are whole "
		    "0.01万元)", what, s);
	if (v <= 0)
		xq_die(status, "%s: \"%s\" is not a positive amount of 万元", what, s);
	return v;
}

static const struct scheme *
parse_scheme(const char *what, const char *s, int status)
{
	size_t i;

	for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (strcmp(s, schemes[i].id) == 0)
			return &schemes[i];
	xq_die(status, "%s: \"%s\" is not a scheme (2019, 2020 or 2024)", what, s);
}

static int
factor_index(const char *s)
{
	int k;

	if (strcmp(s, "area_m2") == 0)
		return F_AREA;
	for (k = 0; k < NFACTOR; k++)
		if (strcmp(s, factor_id[k]) == 0)
			return k;
	return -1;
}

/* Weights from a factor,weight file: the factors it names; the others 0. */
static void
load_weights(struct run *R, const char *path)
{
	struct xq_table *t = xq_table_load(path);
	int fc = xq_table_need(t, "factor"), wc = xq_table_need(t, "weight");
	int seen[NFACTOR] = { 0 }, k;
	size_t i;
	mpq_t sum;

	for (k = 0; k < NFACTOR; k++)
		mpq_set_ui(R->w[k], 0, 1);
	for (i = 0; i < t->nrow; i++) {
		const char *f = xq_table_get(t, i, fc), *v = xq_table_get(t, i, wc);

		if ((k = factor_index(f)) < 0)
			xq_die(XQ_INPUT, "%s:%ld: \"%s\" is not a factor (area, households, "
			    "buildings, communities, performance)", path, t->line[i], f);
		if (seen[k]++)
			xq_die(XQ_INPUT, "%s:%ld: factor %s is listed twice", path,
			    t->line[i], factor_id[k]);
		if (!q_parse(R->w[k], v) || mpq_sgn(R->w[k]) < 0)
			xq_die(XQ_INPUT, "%s:%ld: weight \"%s\" of %s is not a decimal >= 0",
			    path, t->line[i], v, factor_id[k]);
	}
	mpq_init(sum);
	for (k = 0; k < NFACTOR; k++)
		mpq_add(sum, sum, R->w[k]);
	if (mpq_cmp_ui(sum, 1, 1) != 0)
		xq_die(XQ_INPUT, "%s: the weights add up to %s, not 1", path, q_str(sum));
	mpq_clear(sum);
	R->weights_from = xq_basename(path);
	xq_table_free(t);
}

static void
scheme_weights(struct run *R)
{
	int k;

	for (k = 0; k < NFACTOR; k++)
		q_parse(R->w[k], R->scheme->weight[k]);
}

static int
by_min_desc(const void *a, const void *b)
{
	return -mpq_cmp(((const struct grade *)a)->min, ((const struct grade *)b)->min);
}

/* The 2024 adjustment table: grade,min_score,coefficient. */
static void
load_grades(struct run *R)
{
	char *path = xq_profile_file(R->prof, "reward.csv");
	struct xq_table *t = path ? xq_table_load(path)
	    : xq_table_parse("the default reward table", default_reward);
	int gc = xq_table_need(t, "grade"), mc = xq_table_need(t, "min_score");
	int cc = xq_table_need(t, "coefficient");
	size_t i, j;

	R->ngrade = t->nrow;
	R->grades = xq_calloc(t->nrow, sizeof *R->grades);
	for (i = 0; i < t->nrow; i++) {
		struct grade *g = &R->grades[i];
		const char *m = xq_table_get(t, i, mc), *c = xq_table_get(t, i, cc);

		g->name = xq_strdup(xq_table_get(t, i, gc));
		mpq_inits(g->min, g->coef, NULL);
		for (j = 0; j < i; j++)
			if (strcmp(R->grades[j].name, g->name) == 0)
				xq_die(XQ_INPUT, "%s:%ld: grade %s is listed twice", t->path,
				    t->line[i], g->name);
		if (!q_parse(g->min, m))
			xq_die(XQ_INPUT, "%s:%ld: min_score \"%s\" is not a number", t->path,
			    t->line[i], m);
		if (!q_parse(g->coef, c) || mpq_sgn(g->coef) < 0)
			xq_die(XQ_INPUT, "%s:%ld: coefficient \"%s\" of grade %s is not a "
			    "decimal >= 0", t->path, t->line[i], c, g->name);
	}
	if (t->nrow == 0)
		xq_die(XQ_INPUT, "%s: no grades", t->path);
	qsort(R->grades, R->ngrade, sizeof *R->grades, by_min_desc);
	xq_table_free(t);
	free(path);
}

static struct county *
find_county(struct run *R, const char *code, size_t n)
{
	const struct xq_county *reg = xq_profile_county(R->prof, code, n);

	return reg ? &R->c[reg - R->prof->county] : NULL;
}

static void
load_counties(struct run *R)
{
	size_t i;

	R->nc = R->prof->ncounty;
	R->c = xq_calloc(R->nc, sizeof *R->c);
	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[i];

		c->reg = &R->prof->county[i];
		mpq_inits(c->coef, c->perf, c->adjust, c->task, c->share, c->exact,
		    c->rem, NULL);
		if (!q_parse(c->coef, c->reg->fiscal_coef) || mpq_sgn(c->coef) < 0)
			xq_die(XQ_INPUT, "%s/counties.csv: fiscal_coef \"%s\" of %s %s is "
			    "not a decimal >= 0", R->prof->dir, c->reg->fiscal_coef,
			    c->reg->code, c->reg->name);
	}
}

/* -S: score-performance's county table (county_code, performance[, grade]). */
static void
load_scores(struct run *R, const char *path)
{
	struct xq_table *t = xq_table_load(path);
	int cc = xq_table_need(t, "county_code"), pc = xq_table_need(t, "performance");
	int gc = xq_table_col(t, "grade");
	long unknown = 0;
	size_t i;

	for (i = 0; i < t->nrow; i++) {
		const char *code = xq_table_get(t, i, cc), *p = xq_table_get(t, i, pc);
		struct county *c = find_county(R, code, strlen(code));

		if (c == NULL) {
			if (++unknown <= MAXWARN)
				xq_warn("%s:%ld: county %s is not in the registry: its score is "
				    "not used", path, t->line[i], code);
			R->flagged = 1;
			continue;
		}
		if (c->scored++)
			xq_die(XQ_INPUT, "%s:%ld: county %s is listed twice", path,
			    t->line[i], code);
		if (*p == '\0')
			continue;
		if (!q_parse(c->perf, p) || mpq_sgn(c->perf) < 0)
			xq_die(XQ_INPUT, "%s:%ld: performance \"%s\" of %s is not a number "
			    ">= 0", path, t->line[i], p, code);
		c->perf_text = xq_strdup(p);
		if (gc >= 0 && *xq_table_get(t, i, gc))
			c->grade = xq_strdup(xq_table_get(t, i, gc));
	}
	if (unknown > MAXWARN)
		xq_warn("%s: %ld more counties not in the registry", path,
		    unknown - MAXWARN);
	R->scores = 1;
	xq_table_free(t);
}

/* ---- pass 1: the rows ---- */

static void
where(const struct run *R, const struct xq_rec *r, char *buf, size_t size)
{
	if (R->col.source >= 0 && R->col.line >= 0)
		snprintf(buf, size, "%s:%ld (%s:%s)", r->source, r->line,
		    xq_rec_get(r, R->col.source), xq_rec_get(r, R->col.line));
	else
		snprintf(buf, size, "%s:%ld", r->source, r->line);
}

static int
need_col(const struct xq_rec *h, const char *name)
{
	int i = xq_rec_find(h, name);

	if (i < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\" (the plan stream of xq-validate "
		    "has it)", h->source, name);
	return i;
}

static void
find_columns(struct run *R, const struct xq_rec *h)
{
	static const char *const other[4] = { "fund_residents", "fund_utilities",
		"fund_owner_unit", "fund_social" };
	struct cols *c = &R->col;
	int k;

	c->code = need_col(h, "county_code");
	for (k = 0; k < 3; k++)
		c->x[k] = need_col(h, factor_col[k]);
	c->investment = need_col(h, "investment");
	for (k = 0; k < 4; k++)
		c->other[k] = xq_rec_find(h, other[k]);
	c->scope = xq_rec_find(h, "scope");
	c->gate = xq_rec_find(h, "gate");
	c->subsidy = xq_rec_find(h, "subsidy");
	c->source = xq_rec_find(h, "source");
	c->line = xq_rec_find(h, "line");
	R->nhead = h->nf;
	R->head = xq_calloc(h->nf, sizeof *R->head);
	for (k = 0; k < (int)h->nf; k++)
		R->head[k] = xq_strdup(h->f[k]);
}

/* A number of the record, >= 0, exact at SHIFT decimals; "" is 0 when
 * EMPTY_OK. */
static int64_t
rec_num(const struct run *R, const struct xq_rec *r, int col, int shift,
    int empty_ok)
{
	const char *s = xq_rec_get(r, col);
	size_t n = xq_rec_len(r, col);
	int64_t v;
	int inexact;
	char at[512];

	if (n == 0 && empty_ok)
		return 0;
	if (xq_dec_parse(s, n, shift, &v, &inexact) == XQ_NUM_OK && !inexact &&
	    v >= 0)
		return v;
	where(R, r, at, sizeof at);
	xq_die(XQ_INPUT, "%s:%s: \"%s\" is not %s", at, R->head[col], s, shift ?
	    "an amount >= 0 with at most 2 decimals" : "a whole number >= 0");
}

/* Is the row one the allocation counts (in scope, passing its gates)? */
static int
counted(const struct run *R, const struct xq_rec *r)
{
	const char *scope = xq_rec_get(r, R->col.scope);
	const char *gate = xq_rec_get(r, R->col.gate);
	char at[512];
	int in = 1;

	if (R->col.scope >= 0) {
		if (strcmp(scope, "in") == 0 || strcmp(scope, "extended") == 0)
			;
		else if (strcmp(scope, "out") == 0)
			in = 0;
		else {
			where(R, r, at, sizeof at);
			xq_die(XQ_INPUT, "%s:scope: \"%s\" is not in, extended or out", at,
			    scope);
		}
	}
	if (R->col.gate >= 0) {
		if (strcmp(gate, "fail") == 0)
			in = 0;
		else if (strcmp(gate, "pass") != 0) {
			where(R, r, at, sizeof at);
			xq_die(XQ_INPUT, "%s:gate: \"%s\" is not pass or fail", at, gate);
		}
	}
	return in;
}

static void
add64(int64_t *sum, int64_t v, const char *what)
{
	if (__builtin_add_overflow(*sum, v, sum))
		xq_die(XQ_INPUT, "the sum of %s is too large", what);
}

static void
add_row(struct run *R, int32_t county, int64_t ask)
{
	if (R->nrow == R->caprow) {
		R->caprow = R->caprow ? R->caprow * 2 : 4096;
		R->row_county = xq_realloc(R->row_county, R->caprow * sizeof *R->row_county);
		R->row_money = xq_realloc(R->row_money, R->caprow * sizeof *R->row_money);
	}
	R->row_county[R->nrow] = county;
	R->row_money[R->nrow++] = ask;
}

/* Counts one row into its county; returns what it asks, in 0.01万元. */
static int64_t
count_row(struct run *R, struct county *c, const struct xq_rec *r)
{
	int64_t v, ask;
	int k;

	for (k = 0; k < 3; k++) {
		v = rec_num(R, r, R->col.x[k], k == F_AREA ? 2 : 0, 0);
		add64(&c->x[k], v, factor_col[k]);
	}
	c->x[F_COMMUNITIES]++;
	ask = rec_num(R, r, R->col.investment, 2, 0);
	for (k = 0; k < 4; k++)
		if (R->col.other[k] >= 0)
			ask -= rec_num(R, r, R->col.other[k], 2, 1);
	if (ask < 0) {
		R->clamped++;
		ask = 0;
	}
	add64(&c->ask, ask, "government shares");
	R->counted++;
	return ask;
}

/* One record of the plan: its county, whether it counts, what it asks. */
static void
plan_record(struct run *R, const struct xq_rec *r)
{
	const char *code = xq_rec_get(r, R->col.code);
	size_t n = xq_rec_len(r, R->col.code);
	struct county *c = R->last;
	char at[512];

	if (r->nf != R->nhead) {
		where(R, r, at, sizeof at);
		xq_die(XQ_INPUT, "%s: %zu fields, but the header has %zu", at, r->nf,
		    R->nhead);
	}
	if (c == NULL || n != 6 || memcmp(c->reg->code, code, 6) != 0) {
		if ((c = find_county(R, code, n)) == NULL) {
			where(R, r, at, sizeof at);
			xq_die(XQ_INPUT, "%s:county_code: \"%s\" is not in the registry "
			    "%s/counties.csv", at, code, R->prof->dir);
		}
		R->last = c;
	}
	if (counted(R, r))
		add_row(R, (int32_t)(c - R->c), count_row(R, c, r));
	else
		add_row(R, -1, 0);
}

/* Pass 1 through the library's reader: any CSV (CRLF, BOM, blank lines,
 * quoted line breaks), decoded and checked as UTF-8. */
static void
read_plan(struct run *R, FILE *in)
{
	struct xq_reader *rd = xq_reader_fopen(in, R->input_name, XQ_ENC_UTF8,
	    XQ_READ_STREAM);
	struct xq_rec *r = xq_reader_next(rd);
	char at[512];

	if (r == NULL)
		xq_die(XQ_INPUT, "%s: empty input (the plan stream's header was "
		    "expected)", R->input_name);
	find_columns(R, r);
	while ((r = xq_reader_next(rd)) != NULL) {
		if (r->problem) {
			where(R, r, at, sizeof at);
			xq_die(XQ_INPUT, "%s: %s (line %ld, byte %ld)", at, r->problem,
			    r->problem_line, r->problem_col);
		}
		plan_record(R, r);
	}
	xq_reader_close(rd);
}

/* ---- the stream format, read fast ----
 *
 * In the stream format (xq-stream(5)) a record is one line, so both passes
 * can work on lines: pass 1 splits each line in place, pass 2 copies each
 * line as it is and appends the subsidy. A line that is not in the stream
 * format (a CR, a NUL, a quote not closed on its line, a blank line, a BOM)
 * sends the whole run back to the library's reader. The bytes of fields
 * this filter does not read are passed through unchecked, as xq-stream(5)
 * asks. */

#define LINE_BUF (1UL << 20)
#define MAX_LINE (64UL << 20)

struct lines {
	FILE *fp;
	const char *name;
	char *buf;
	size_t pos, len, cap;
	int eof;
	long lineno;
};

static void
lines_open(struct lines *L, FILE *fp, const char *name)
{
	memset(L, 0, sizeof *L);
	L->fp = fp;
	L->name = name;
	L->cap = LINE_BUF;
	L->buf = xq_malloc(L->cap);
}

/* The next line without its LF, NUL-terminated in place; 0 at the end. */
static int
lines_next(struct lines *L, char **s, size_t *n)
{
	char *nl;
	size_t got, scanned = 0;

	for (;;) {
		nl = memchr(L->buf + L->pos + scanned, '\n', L->len - L->pos - scanned);
		if (nl != NULL || L->eof)
			break;
		scanned = L->len - L->pos;
		memmove(L->buf, L->buf + L->pos, L->len - L->pos);
		L->len -= L->pos;
		L->pos = 0;
		if (L->len + 1 >= L->cap) {
			if (L->cap >= MAX_LINE)
				xq_die(XQ_INPUT, "%s:%ld: a line longer than %lu MiB", L->name,
				    L->lineno + 1, MAX_LINE >> 20);
			L->cap *= 2;
			L->buf = xq_realloc(L->buf, L->cap);
		}
		got = fread(L->buf + L->len, 1, L->cap - L->len - 1, L->fp);
		if (got == 0 && ferror(L->fp))
			xq_die(XQ_IO, "%s: read error: %s", L->name, strerror(errno));
		L->eof = got == 0;
		L->len += got;
	}
	if (nl == NULL && L->pos == L->len)
		return 0;
	*s = L->buf + L->pos;
	*n = nl ? (size_t)(nl - *s) : L->len - L->pos;
	(*s)[*n] = '\0';
	L->pos += *n + (nl != NULL);
	L->lineno++;
	return 1;
}

static void
lines_close(struct lines *L)
{
	free(L->buf);
}

/* Appends a field; 0 when the record is full (more fields than the
 * header: the library's reader then says so). */
static inline int
rec_push(struct xq_rec *r, char *s, size_t n)
{
	if (r->nf == r->cap)
		return 0;
	r->f[r->nf] = s;
	r->len[r->nf++] = n;
	return 1;
}

/* A field in quotes at S (past the opening quote), undone in place; returns
 * the byte after its closing quote, or NULL when the line ends first. */
static char *
unquote(struct xq_rec *r, char *s, const char *end)
{
	char *d = s, *start = s;

	while (s < end) {
		if (*s != '"') {
			*d++ = *s++;
		} else if (s + 1 < end && s[1] == '"') {
			*d++ = '"';
			s += 2;
		} else {
			*d = '\0';
			return rec_push(r, start, (size_t)(d - start)) ? s + 1 : NULL;
		}
	}
	return NULL;
}

/* A line with quotes. */
static int
split_quoted(struct xq_rec *r, char *s, char *end)
{
	char *f = s, *p = s;

	for (;;) {
		if (p < end && *p == '"') {
			if ((p = unquote(r, p + 1, end)) == NULL)
				return 0;
			if (p == end)
				return 1;
			if (*p != ',')
				return 0;
			f = ++p;
			continue;
		}
		while (p < end && *p != ',' && *p != '"')
			p++;
		if (p < end && *p == '"')
			return 0;
		*p = '\0';
		if (!rec_push(r, f, (size_t)(p - f)))
			return 0;
		if (p == end)
			return 1;
		f = ++p;
	}
}

/* A line without quotes, split at its commas: eight bytes at a time,
 * each comma found by its bit in a mask. (The record's fields are kept in
 * locals: stores to the line could alias them.) */
static int
split_plain(struct xq_rec *r, char *s, size_t n)
{
	char **fp = r->f;
	size_t *lp = r->len, nf = 0, cap = r->cap, i = 0, f = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL, commas = 0x2C2C2C2C2C2C2C2CULL;
	uint64_t w, m;
	size_t at;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		w ^= commas;   /* a comma is now a zero byte */
		m = ~(((w & low7) + low7) | w | low7);
		for (; m != 0; m &= m - 1) {
			at = i + ((size_t)__builtin_ctzll(m) >> 3);
			if (nf == cap)
				return 0;
			s[at] = '\0';
			fp[nf] = s + f;
			lp[nf++] = at - f;
			f = at + 1;
		}
	}
#endif
	for (; i < n; i++) {
		if (s[i] == ',') {
			if (nf == cap)
				return 0;
			s[i] = '\0';
			fp[nf] = s + f;
			lp[nf++] = i - f;
			f = i + 1;
		}
	}
	r->nf = nf;
	return rec_push(r, s + f, n - f);
}

/* Splits a line of the stream format into R in place (the line ends in a
 * NUL); 0 when the line is not one (see above). */
static int
split_line(struct xq_rec *r, char *s, size_t n)
{
	r->nf = 0;
	if (n == 0 || memchr(s, '\r', n) || memchr(s, '\0', n))
		return 0;
	if (memchr(s, '"', n))
		return split_quoted(r, s, s + n);
	return split_plain(r, s, n);
}

/* Pass 1 on lines; 0 when the input is not in the stream format. */
static int
read_plan_fast(struct run *R, FILE *in)
{
	struct lines L;
	struct xq_rec r;
	char *s;
	size_t n;
	int ok = 1;

	memset(&r, 0, sizeof r);
	r.source = R->input_name;
	lines_open(&L, in, R->input_name);
	if (!lines_next(&L, &s, &n))
		xq_die(XQ_INPUT, "%s: empty input (the plan stream's header was "
		    "expected)", R->input_name);
	/* the header may be as wide as its line; a record no wider than it */
	r.cap = n + 1;
	r.f = xq_malloc(r.cap * sizeof *r.f);
	r.len = xq_malloc(r.cap * sizeof *r.len);
	if ((n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) || !split_line(&r, s, n))
		ok = 0;
	else {
		find_columns(R, &r);
		r.cap = r.nf;
	}
	while (ok && lines_next(&L, &s, &n)) {
		if (!split_line(&r, s, n)) {
			ok = 0;
			break;
		}
		r.line = L.lineno;
		plan_record(R, &r);
	}
	free(r.f);
	free(r.len);
	lines_close(&L);
	return ok;
}

/* Forgets what a pass 1 counted. */
static void
forget_rows(struct run *R)
{
	size_t i;

	for (i = 0; i < R->nc; i++) {
		memset(R->c[i].x, 0, sizeof R->c[i].x);
		R->c[i].ask = 0;
	}
	for (i = 0; i < R->nhead; i++)
		free(R->head[i]);
	free(R->head);
	R->head = NULL;
	R->nhead = R->nrow = R->counted = 0;
	R->clamped = 0;
	R->last = NULL;
}

/* ---- the county shares ---- */

/* 2024: grade and adjustment of a county from its score. */
static void
adjust_for_grade(struct run *R, struct county *c)
{
	size_t i;

	if (c->grade) {
		for (i = 0; i < R->ngrade; i++)
			if (strcmp(R->grades[i].name, c->grade) == 0)
				break;
		if (i == R->ngrade)
			xq_die(XQ_INPUT, "county %s: grade \"%s\" is not in the reward "
			    "table", c->reg->code, c->grade);
	} else {
		for (i = 0; i < R->ngrade; i++)
			if (mpq_cmp(c->perf, R->grades[i].min) >= 0)
				break;
		if (i == R->ngrade)
			xq_die(XQ_INPUT, "county %s: score %s is below every grade's "
			    "min_score", c->reg->code, c->perf_text);
		c->grade = xq_strdup(R->grades[i].name);
	}
	mpq_set(c->adjust, R->grades[i].coef);
}

static int
is_2024(const struct run *R)
{
	return strcmp(R->scheme->id, "2024") == 0;
}

/* Sums X·c of each task factor, and marks the factors that can be formed. */
static void
task_denominators(struct run *R)
{
	mpq_t t;
	size_t i;
	int k;

	mpq_init(t);
	for (k = 0; k < NTASK; k++) {
		mpq_set_ui(R->denom[k], 0, 1);
		for (i = 0; i < R->nc; i++) {
			q_set64(t, R->c[i].x[k], k == F_AREA ? 100 : 1);
			mpq_mul(t, t, R->c[i].coef);
			mpq_add(R->denom[k], R->denom[k], t);
		}
		R->avail[k] = mpq_sgn(R->denom[k]) > 0;
	}
	mpq_clear(t);
}

/* Share of county C in task factor K: X·c / Σ X·c (0 when not formed). */
static void
factor_share(const struct run *R, const struct county *c, int k, mpq_t out)
{
	if (k == F_PERF) {
		if (!R->avail[F_PERF] || c->x[F_COMMUNITIES] == 0)
			mpq_set_ui(out, 0, 1);
		else if (is_2024(R))
			mpq_mul(out, c->task, c->adjust);
		else
			mpq_set(out, c->perf);
	} else {
		if (!R->avail[k]) {
			mpq_set_ui(out, 0, 1);
			return;
		}
		q_set64(out, c->x[k], k == F_AREA ? 100 : 1);
		mpq_mul(out, out, c->coef);
	}
	if (R->avail[k])
		mpq_div(out, out, R->denom[k]);
}

/* The task share T of every county (2024): the task factors alone, their
 * weights scaled to add up to 1. */
static void
task_shares(struct run *R)
{
	mpq_t wsum, s, t;
	size_t i;
	int k;

	mpq_inits(wsum, s, t, NULL);
	for (k = 0; k < NTASK; k++)
		if (R->avail[k])
			mpq_add(wsum, wsum, R->w[k]);
	for (i = 0; i < R->nc; i++) {
		mpq_set_ui(R->c[i].task, 0, 1);
		if (mpq_sgn(wsum) == 0)
			continue;
		for (k = 0; k < NTASK; k++) {
			factor_share(R, &R->c[i], k, s);
			mpq_mul(t, s, R->w[k]);
			mpq_add(R->c[i].task, R->c[i].task, t);
		}
		mpq_div(R->c[i].task, R->c[i].task, wsum);
	}
	mpq_clears(wsum, s, t, NULL);
}

/* The performance term's denominator: Σ P (or Σ T·a in 2024) over the
 * counties that have rows. */
static void
performance_denominator(struct run *R)
{
	mpq_t t;
	size_t i;
	long missing = 0;

	mpq_set_ui(R->denom[F_PERF], 0, 1);
	R->avail[F_PERF] = 0;
	if (!R->scores || mpq_sgn(R->w[F_PERF]) == 0)
		return;   /* no term to form: scores, if any, are only shown */
	mpq_init(t);
	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[i];

		if (c->x[F_COMMUNITIES] == 0)
			continue;
		if (c->perf_text == NULL) {
			if (++missing <= MAXWARN)
				xq_warn("county %s %s has plan rows but no score: its "
				    "performance counts as 0", c->reg->code, c->reg->name);
			R->flagged = 1;
		}
		if (is_2024(R)) {
			if (c->perf_text != NULL || c->grade != NULL)
				adjust_for_grade(R, c);
			mpq_mul(t, c->task, c->adjust);
			mpq_add(R->denom[F_PERF], R->denom[F_PERF], t);
		} else
			mpq_add(R->denom[F_PERF], R->denom[F_PERF], c->perf);
	}
	if (missing > MAXWARN)
		xq_warn("%ld more counties with plan rows but no score", missing - MAXWARN);
	R->avail[F_PERF] = mpq_sgn(R->denom[F_PERF]) > 0;
	mpq_clear(t);
}

/* Weights of factors that cannot be formed go to the others pro rata. */
static void
effective_weights(struct run *R)
{
	mpq_t sum;
	int k;

	mpq_init(sum);
	for (k = 0; k < NFACTOR; k++)
		if (R->avail[k])
			mpq_add(sum, sum, R->w[k]);
	R->formed = mpq_sgn(sum) > 0;
	for (k = 0; k < NFACTOR; k++) {
		mpq_set_ui(R->eff[k], 0, 1);
		if (R->avail[k] && R->formed)
			mpq_div(R->eff[k], R->w[k], sum);
	}
	if (R->quiet || mpq_sgn(sum) == 0) {
		mpq_clear(sum);
		return;
	}
	if (!R->scores && mpq_sgn(R->w[F_PERF]) > 0)
		xq_warn("no scores (-S): the performance weight %s is spread over the "
		    "other factors pro rata%s", q_str(R->w[F_PERF]), is_2024(R) ?
		    " (the reward pool goes by task share alone)" : "");
	for (k = 0; k < NFACTOR; k++)
		if (!R->avail[k] && mpq_sgn(R->w[k]) > 0 && (k != F_PERF || R->scores))
			xq_warn("no county has any %s%s: its weight %s is spread over the "
			    "other factors pro rata", factor_id[k], k == F_PERF ?
			    " above 0" : "", q_str(R->w[k]));
	mpq_clear(sum);
}

static const struct county *sort_c;

static int
by_remainder(const void *a, const void *b)
{
	const struct county *x = &sort_c[*(const size_t *)a];
	const struct county *y = &sort_c[*(const size_t *)b];
	int d = mpq_cmp(y->rem, x->rem);

	return d ? d : strcmp(x->reg->code, y->reg->code);
}

/* share_i, then whole units: floor each, one more to the largest remainders. */
static void
allocate_counties(struct run *R)
{
	mpq_t s, t;
	size_t i, *order = xq_calloc(R->nc, sizeof *order);
	int64_t given = 0;
	int k;

	mpq_inits(s, t, NULL);
	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[i];

		mpq_set_ui(c->share, 0, 1);
		for (k = 0; k < NFACTOR; k++) {
			factor_share(R, c, k, s);
			mpq_mul(t, s, R->eff[k]);
			mpq_add(c->share, c->share, t);
		}
		q_set64(t, R->nunits, 1);
		mpq_mul(c->exact, c->share, t);
		mpz_fdiv_q(R->z1, mpq_numref(c->exact), mpq_denref(c->exact));
		c->units = z_get64(R->z1);
		mpq_set_z(t, R->z1);
		mpq_sub(c->rem, c->exact, t);
		given += c->units;
		order[i] = i;
	}
	/* when no factor can be formed, every share is 0: nothing is given */
	R->left = R->formed ? R->nunits - given : 0;
	sort_c = R->c;
	qsort(order, R->nc, sizeof *order, by_remainder);
	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[order[i]];

		c->rank = (long)i + 1;
		if ((int64_t)i < R->left)
			c->units++;
		c->amount = c->units * R->unit;
	}
	free(order);
	mpq_clears(s, t, NULL);
}

/* ---- within a county ---- */

static const int64_t *sort_rem;

static int
by_row_remainder(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sort_rem[x] != sort_rem[y])
		return sort_rem[x] < sort_rem[y] ? 1 : -1;
	return x < y ? -1 : 1;
}

/* floor(A·g / G) and its remainder; G > 0. */
static int64_t
prorate(struct run *R, int64_t a, int64_t g, int64_t G, int64_t *rem)
{
	int64_t p;

	if (!__builtin_mul_overflow(a, g, &p)) {
		*rem = p % G;
		return p / G;
	}
	z_set64(R->z1, a);
	z_set64(R->z2, g);
	mpz_mul(R->z1, R->z1, R->z2);
	z_set64(R->z2, G);
	mpz_fdiv_qr(R->z1, R->z2, R->z1, R->z2);
	*rem = z_get64(R->z2);
	return z_get64(R->z1);
}

/*
 * Water-filling: each row gets the county amount in proportion to what it
 * asks, never more than it asks, and what a full row cannot take goes to
 * the others. Since each row's weight is its own ask, every row fills at
 * the same level, so the water line is min(1, amount / Σ ask): when the
 * amount is at most Σ ask each row gets amount × ask / Σ ask (rounded by
 * largest remainder, which never passes an ask); otherwise each row gets
 * its ask and the rest of the amount is unallocated.
 */
static void
split_counties(struct run *R)
{
	size_t *start = xq_calloc(R->nc + 1, sizeof *start), i, j;
	uint32_t *idx = xq_malloc((R->counted ? R->counted : 1) * sizeof *idx);
	int64_t *rem = xq_malloc((R->nrow ? R->nrow : 1) * sizeof *rem);

	for (i = 0; i < R->nrow; i++)
		if (R->row_county[i] >= 0)
			start[R->row_county[i] + 1]++;
	for (i = 0; i < R->nc; i++)
		start[i + 1] += start[i];
	for (i = 0; i < R->nrow; i++)
		if (R->row_county[i] >= 0)
			idx[start[R->row_county[i]]++] = (uint32_t)i;
	for (i = R->nc; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[i];
		uint32_t *rows = idx + start[i];
		size_t n = start[i + 1] - start[i];
		int64_t left;

		if (c->ask == 0 || c->amount >= c->ask) {
			c->given = c->ask;   /* every row gets what it asks */
			c->unalloc = c->amount - c->ask;
			continue;
		}
		left = c->amount;
		for (j = 0; j < n; j++) {
			int64_t *m = &R->row_money[rows[j]];

			*m = prorate(R, c->amount, *m, c->ask, &rem[rows[j]]);
			left -= *m;
		}
		c->row_left = left;
		sort_rem = rem;
		qsort(rows, n, sizeof *rows, by_row_remainder);
		for (j = 0; j < (size_t)left; j++)
			R->row_money[rows[j]]++;
		c->given = c->amount;
	}
	free(rem);
	free(idx);
	free(start);
}

/* ---- output ---- */

static void
changed(const struct run *R)
{
	xq_die(XQ_IO, "%s: the input changed between the two passes",
	    R->input_name);
}

/* Pass 2 through the library: every record written again with its subsidy
 * (in place of a subsidy column the input already has). */
static void
write_rows(struct run *R, FILE *in, struct xq_out *o)
{
	struct xq_reader *rd = xq_reader_fopen(in, R->input_name, XQ_ENC_UTF8,
	    XQ_READ_STREAM);
	struct xq_rec *r = xq_reader_next(rd);
	size_t row = 0, i;
	char buf[40];

	if (r == NULL || r->nf != R->nhead)
		changed(R);
	for (i = 0; i < r->nf; i++)
		xq_out_field(o, r->f[i], r->len[i]);
	if (R->col.subsidy < 0)
		xq_out_str(o, "subsidy");
	xq_out_end(o);
	while ((r = xq_reader_next(rd)) != NULL) {
		size_t n = 0;

		if (row >= R->nrow || r->nf != R->nhead)
			changed(R);
		if (R->row_county[row] >= 0)
			n = (size_t)xq_dec_format(buf, R->row_money[row], 2);
		row++;
		for (i = 0; i < r->nf; i++) {
			if ((int)i == R->col.subsidy)
				xq_out_field(o, buf, n);
			else
				xq_out_field(o, r->f[i], r->len[i]);
		}
		if (R->col.subsidy < 0)
			xq_out_field(o, buf, n);
		xq_out_end(o);
	}
	if (row != R->nrow)
		changed(R);
	xq_reader_close(rd);
}

/* A line of the stream format, as it is. */
static void
put_line(struct xq_out *o, const char *s, size_t n)
{
	if (n < sizeof o->buf / 2) {
		xq_out_plain(o, s, n);
		return;
	}
	xq_out_bytes(o, s, n);
	o->nfield = 1;
}

/* Pass 2 on lines: each line as it is, then its subsidy. */
static void
copy_rows(struct run *R, FILE *in, struct xq_out *o)
{
	struct lines L;
	size_t row = 0, n;
	char *s, buf[40];

	lines_open(&L, in, R->input_name);
	if (!lines_next(&L, &s, &n))
		changed(R);
	put_line(o, s, n);
	xq_out_plain(o, "subsidy", 7);
	xq_out_end(o);
	while (lines_next(&L, &s, &n)) {
		if (row >= R->nrow)
			changed(R);
		put_line(o, s, n);
		if (R->row_county[row] >= 0)
			xq_out_plain(o, buf, (size_t)xq_dec_format(buf,
			    R->row_money[row], 2));
		else
			xq_out_plain(o, "", 0);
		row++;
		xq_out_end(o);
	}
	if (row != R->nrow)
		changed(R);
	lines_close(&L);
}

/* Q rounded half up to PLACES decimals. */
static const char *
q_fixed(struct run *R, const mpq_t q, int places)
{
	static char buf[128];
	char *s;

	mpz_ui_pow_ui(R->z2, 10, (unsigned long)places);
	mpz_mul(R->z1, mpq_numref(q), R->z2);
	mpz_mul_2exp(R->z1, R->z1, 1);
	mpz_add(R->z1, R->z1, mpq_denref(q));
	mpz_mul_2exp(R->z2, mpq_denref(q), 1);
	mpz_fdiv_q(R->z1, R->z1, R->z2);
	s = mpz_get_str(NULL, 10, R->z1);
	if (strlen(s) + 2 > sizeof buf || mpz_fits_slong_p(R->z1) == 0) {
		free(s);
		return "?";
	}
	xq_dec_format(buf, (int64_t)mpz_get_si(R->z1), places);
	free(s);
	return buf;
}

static void
write_county_table(struct run *R, struct xq_out *o)
{
	static const char *const head[] = { "county_code", "county", "communities",
		"buildings", "households", "area_m2", "fiscal_coef", "performance",
		"share", "amount", "unallocated", "grade", "adjust" };
	size_t i, k;

	for (k = 0; k < sizeof head / sizeof *head; k++)
		xq_out_str(o, head[k]);
	xq_out_end(o);
	for (i = 0; i < R->nc; i++) {
		const struct county *c = &R->c[i];
		int reward = is_2024(R) && R->avail[F_PERF] && c->x[F_COMMUNITIES] > 0;

		xq_out_str(o, c->reg->code);
		xq_out_str(o, c->reg->name);
		xq_out_num(o, c->x[F_COMMUNITIES], 0);
		xq_out_num(o, c->x[F_BUILDINGS], 0);
		xq_out_num(o, c->x[F_HOUSEHOLDS], 0);
		xq_out_num(o, c->x[F_AREA], 2);
		xq_out_str(o, c->reg->fiscal_coef);
		xq_out_str(o, c->perf_text ? c->perf_text : "");
		xq_out_str(o, q_fixed(R, c->share, 8));
		xq_out_num(o, c->amount, 2);
		xq_out_num(o, c->unalloc, 2);
		xq_out_str(o, reward && c->grade ? c->grade : "");
		xq_out_str(o, reward ? q_str(c->adjust) : "");
		xq_out_end(o);
	}
}

/* ---- --explain ---- */

#define WRAP 76

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Columns a character takes on a terminal: 2 for CJK and full-width. */
static int
width(const unsigned char *s, size_t *len)
{
	if (*s < 0x80) {
		*len = 1;
		return 1;
	}
	*len = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : 2;
	return *s >= 0xE3 && *s <= 0xEF ? 2 : 1;
}

/* Prints a paragraph wrapped at WRAP columns, continued lines indented. */
__attribute__((format(printf, 2, 3)))
static void
say(FILE *fp, const char *fmt, ...)
{
	static struct xq_buf b;
	const char *p, *line, *brk;
	size_t len, room;
	int col;
	va_list ap;

	va_start(ap, fmt);
	room = (size_t)vsnprintf(NULL, 0, fmt, ap) + 1;
	va_end(ap);
	b.len = 0;
	xq_buf_add(&b, "", 0);
	if (b.cap < room)
		b.p = xq_realloc(b.p, b.cap = room);
	va_start(ap, fmt);
	vsnprintf(b.p, room, fmt, ap);
	va_end(ap);
	for (line = b.p; *line; ) {
		col = line == b.p ? 0 : 2;
		for (p = line, brk = NULL; *p && (col <= WRAP || brk == NULL); p += len) {
			if (*p == ' ')
				brk = p;
			col += width((const unsigned char *)p, &len);
		}
		if (*p == '\0')
			brk = p;
		fprintf(fp, "%s%.*s\n", line == b.p ? "" : "  ", (int)(brk - line), line);
		line = *brk ? brk + 1 : brk;
	}
	xq_buf_free(&b);
}

static void
explain_weights(struct run *R, FILE *fp)
{
	struct xq_buf b = { 0 };
	mpq_t sum;
	int k, spread = 0;

	for (k = 0; k < NFACTOR; k++) {
		xq_buf_adds(&b, k ? ", " : "");
		xq_buf_adds(&b, factor_id[k]);
		xq_buf_adds(&b, " ");
		xq_buf_adds(&b, q_str(R->w[k]));
		spread |= R->formed && mpq_cmp(R->w[k], R->eff[k]) != 0;
	}
	say(fp, "weights (%s): %s", R->weights_from, xq_buf_str(&b));
	if (spread) {
		mpq_init(sum);
		b.len = 0;
		for (k = 0; k < NFACTOR; k++)
			if (R->avail[k])
				mpq_add(sum, sum, R->w[k]);
		for (k = 0; k < NFACTOR; k++)
			if (!R->avail[k] && mpq_sgn(R->w[k]) > 0) {
				xq_buf_adds(&b, b.len ? ", " : "");
				xq_buf_adds(&b, factor_id[k]);
			}
		say(fp, "not formed: %s; the other weights are divided by their sum "
		    "%s:", xq_buf_str(&b), q_str(sum));
		b.len = 0;
		for (k = 0; k < NFACTOR; k++)
			if (R->avail[k]) {
				xq_buf_adds(&b, b.len ? ", " : "");
				xq_buf_adds(&b, factor_id[k]);
				xq_buf_adds(&b, " ");
				xq_buf_adds(&b, q_str(R->eff[k]));
			}
		say(fp, "  %s", xq_buf_str(&b));
		mpq_clear(sum);
	}
	xq_buf_free(&b);
}

/* The numerator of factor K, as a formula, into NUM; its value into V. */
static void
explain_numerator(struct run *R, const struct county *c, int k, mpq_t v,
    struct xq_buf *num)
{
	mpq_t x;

	mpq_init(x);
	num->len = 0;
	if (k < NTASK) {
		q_set64(x, c->x[k], k == F_AREA ? 100 : 1);
		mpq_mul(v, x, c->coef);
		xq_buf_adds(num, "X × c = ");
		xq_buf_adds(num, q_str(x));
		xq_buf_adds(num, " × ");
		xq_buf_adds(num, q_str(c->coef));
	} else if (is_2024(R)) {
		mpq_mul(v, c->task, c->adjust);
		xq_buf_adds(num, "T × a = ");
		xq_buf_adds(num, q_str(c->task));
		xq_buf_adds(num, " × ");
		xq_buf_adds(num, q_str(c->adjust));
	} else {
		mpq_set(v, c->perf);
		xq_buf_adds(num, "P, without c");
	}
	if (k == F_PERF && c->x[F_COMMUNITIES] == 0) {
		mpq_set_ui(v, 0, 1);
		xq_buf_adds(num, ", 0 without rows");
	}
	xq_buf_adds(num, " = ");
	xq_buf_adds(num, q_str(v));
	mpq_clear(x);
}

static void
explain_factor(struct run *R, const struct county *c, int k, FILE *fp)
{
	static const char *const what[NFACTOR] = { " (floor area, ㎡)", "", "",
		" (counted rows)", NULL };
	static const char *const denom[3] = { "Σ X × c over all counties",
		"Σ P over the counties with rows",
		"Σ T × a over the counties with rows" };
	struct xq_buf num = { 0 };
	mpq_t v, s, t;

	mpq_inits(v, s, t, NULL);
	fprintf(fp, "%s%s, weight %s\n", factor_id[k], what[k] ? what[k] :
	    is_2024(R) ? " (the reward pool)" : " (last year's score)",
	    q_str(R->eff[k]));
	if (!R->avail[k]) {
		fprintf(fp, "  not formed (%s): left out\n", k < NTASK ? "no county "
		    "has any" : !R->scores ? "no scores, -S" : "every score is 0");
	} else {
		explain_numerator(R, c, k, v, &num);
		factor_share(R, c, k, s);
		mpq_mul(t, s, R->eff[k]);
		fprintf(fp, "  numerator   %s\n", xq_buf_str(&num));
		fprintf(fp, "  denominator %s = %s\n",
		    denom[k < NTASK ? 0 : is_2024(R) ? 2 : 1], q_str(R->denom[k]));
		fprintf(fp, "  share       %s / %s = %s\n", q_str(v),
		    q_str(R->denom[k]), q_str(s));
		fprintf(fp, "  weighted    %s × %s = %s\n", q_str(R->eff[k]), q_str(s),
		    q_str(t));
	}
	xq_buf_free(&num);
	mpq_clears(v, s, t, NULL);
}

/* 2024: the task share T and the grade's adjustment a. */
static void
explain_reward(struct run *R, const struct county *c, FILE *fp)
{
	struct xq_buf b = { 0 };
	mpq_t wsum, s, t;
	int k;

	if (!is_2024(R))
		return;
	mpq_inits(wsum, s, t, NULL);
	for (k = 0; k < NTASK; k++) {
		if (!R->avail[k])
			continue;
		mpq_add(wsum, wsum, R->w[k]);
		factor_share(R, c, k, s);
		mpq_mul(t, s, R->w[k]);
		xq_buf_adds(&b, b.len ? " + " : "");
		xq_buf_adds(&b, q_str(t));
	}
	say(fp, "task share T = Σ weight × share of the task factors / Σ their "
	    "weights = (%s) / %s = %s", b.len ? xq_buf_str(&b) : "0", q_str(wsum),
	    q_str(c->task));
	if (R->avail[F_PERF] && c->x[F_COMMUNITIES] > 0)
		say(fp, "adjustment a = %s, for grade %s (score %s)", q_str(c->adjust),
		    c->grade ? c->grade : "none", c->perf_text ? c->perf_text : "none");
	fputc('\n', fp);
	xq_buf_free(&b);
	mpq_clears(wsum, s, t, NULL);
}

static void
explain_share(struct run *R, const struct county *c, FILE *fp)
{
	struct xq_buf b = { 0 };
	mpq_t s, t;
	int k;

	mpq_inits(s, t, NULL);
	for (k = 0; k < NFACTOR; k++) {
		if (!R->avail[k] || mpq_sgn(R->eff[k]) == 0)
			continue;
		factor_share(R, c, k, s);
		mpq_mul(t, s, R->eff[k]);
		xq_buf_adds(&b, b.len ? " + " : "");
		xq_buf_adds(&b, q_str(t));
	}
	say(fp, "share = Σ weighted = %s = %s", b.len ? xq_buf_str(&b) : "0",
	    q_str(c->share));
	xq_buf_free(&b);
	mpq_clears(s, t, NULL);
}

static void
explain_rounding(struct run *R, const struct county *c, FILE *fp)
{
	int extra = c->rank <= R->left;

	say(fp, "unrounded amount = budget × share = %" PRId64 " units × %s = %s "
	    "units", R->nunits, q_str(c->share), q_str(c->exact));
	if (!R->formed) {
		say(fp, "no factor can be formed (no counted rows, or only rows of "
		    "counties whose fiscal coefficient is 0): nothing is "
		    "allocated");
		return;
	}
	say(fp, "rounding by largest remainder: each county first gets the whole "
	    "units of its unrounded amount (%" PRId64 " here, %" PRId64 " for all %zu "
	    "counties together); the %" PRId64 " %s, equal remainders by county "
	    "code, the lower first. This county's remainder %s ranks %ld of %zu: "
	    "%s.", c->units - extra, R->nunits - R->left, R->nc, R->left,
	    R->left == 1 ? "unit left goes to the largest remainder" :
	    "units left go one each to the largest remainders", q_str(c->rem),
	    c->rank, R->nc, extra ? "it gets 1 more unit" : "no more");
	say(fp, "amount = %" PRId64 " units × %s万元 = %s万元", c->units,
	    money(R->unit), money(c->amount));
}

static void
explain_rows(const struct county *c, FILE *fp)
{
	int64_t n = c->x[F_COMMUNITIES];
	char head[256];

	snprintf(head, sizeof head, "within the county: its %" PRId64 " counted "
	    "%s %s %s万元 of government money (investment minus residents, "
	    "utilities, owner unit and social money).", n, plural(n, "row", "rows"),
	    plural(n, "asks", "ask"), money(c->ask));
	fputc('\n', fp);
	if (c->ask == 0)
		say(fp, "%s No row asks for money: the whole amount %s万元 is "
		    "unallocated.", head, money(c->amount));
	else if (c->amount >= c->ask)
		say(fp, "%s The amount covers every ask: each row gets its ask, and "
		    "%s万元 - %s万元 = %s万元 is unallocated.", head, money(c->amount),
		    money(c->ask), money(c->unalloc));
	else
		say(fp, "%s Each row gets %s万元 × its ask / %s万元, rounded down to "
		    "0.01万元 (never more than it asks); %s. The rows get %s万元; "
		    "nothing is unallocated.", head, money(c->amount), money(c->ask),
		    c->row_left == 0 ? "nothing is left over" : c->row_left == 1 ?
		    "the 0.01万元 left over goes to the row with the largest remainder "
		    "(equal remainders: the earlier row first)" : "the 0.01万元 units "
		    "left over go one each to the rows with the largest remainders "
		    "(equal remainders: the earlier row first)", money(c->given));
}

static void
explain(struct run *R, const char *code, FILE *fp)
{
	struct county *c = find_county(R, code, strlen(code));
	int k;

	fprintf(fp, "county %s %s (%s)\n", c->reg->code, c->reg->name, c->reg->city);
	fprintf(fp, "scheme %s; budget %s万元 = %" PRId64 " units of %s万元\n",
	    R->scheme->id, money(R->budget), R->nunits, money(R->unit));
	fprintf(fp, "fiscal coefficient c = %s; counted rows: %" PRId64 "\n",
	    q_str(c->coef), c->x[F_COMMUNITIES]);
	explain_weights(R, fp);
	fputc('\n', fp);
	explain_reward(R, c, fp);
	for (k = 0; k < NFACTOR; k++)
		if (mpq_sgn(R->w[k]) > 0)
			explain_factor(R, c, k, fp);
	fputc('\n', fp);
	explain_share(R, c, fp);
	explain_rounding(R, c, fp);
	explain_rows(c, fp);
}

/* ---- main ---- */

/* The input, as a file that can be read twice (xq_open_input). */
static FILE *
open_input(struct run *R, const char *path)
{
	FILE *fp;
	int fd;

	R->input_name = strcmp(path, "-") == 0 ? "standard input" : xq_basename(path);
	fd = xq_open_input(path, 1, &R->input_start);
	if ((fp = fdopen(fd, "rb")) == NULL)
		xq_die(XQ_IO, "%s: %s", R->input_name, strerror(errno));
	return fp;
}

static void
rewind_input(struct run *R, FILE *fp)
{
	if (fseek(fp, R->input_start, SEEK_SET) != 0)
		xq_die(XQ_IO, "%s: %s", R->input_name, strerror(errno));
}

static void
settings(struct run *R, const char *budget, const char *unit, const char *scheme)
{
	const char *s;

	if (budget)
		R->budget = parse_amount("-b", budget, XQ_USAGE);
	else if ((s = xq_profile_setting(R->prof, "budget")) != NULL && *s)
		R->budget = parse_amount("budget in settings.csv", s, XQ_INPUT);
	else
		xq_die(XQ_USAGE, "no budget: give -b BUDGET (万元) or a budget key in "
		    "%s/settings.csv", R->prof->dir);
	R->unit = 1;
	if (unit)
		R->unit = parse_amount("--unit", unit, XQ_USAGE);
	else if ((s = xq_profile_setting(R->prof, "unit")) != NULL && *s)
		R->unit = parse_amount("unit in settings.csv", s, XQ_INPUT);
	if (R->budget % R->unit != 0)
		xq_die(unit || budget ? XQ_USAGE : XQ_INPUT, "the budget %s万元 is not a "
		    "whole number of units of %s万元", money(R->budget), money(R->unit));
	R->nunits = R->budget / R->unit;
	if (scheme)
		R->scheme = parse_scheme("-m", scheme, XQ_USAGE);
	else if ((s = xq_profile_setting(R->prof, "scheme")) != NULL && *s)
		R->scheme = parse_scheme("scheme in settings.csv", s, XQ_INPUT);
	else
		R->scheme = &schemes[1];
}

static void
choose_weights(struct run *R, const char *file, char *label, size_t size)
{
	char *path = file ? NULL : xq_profile_file(R->prof, "weights.csv");

	if (file || path) {
		load_weights(R, file ? file : path);
	} else {
		scheme_weights(R);
		snprintf(label, size, "scheme %s", R->scheme->id);
		R->weights_from = label;
	}
	free(path);
}

static void
summary(struct run *R)
{
	int64_t to_rows = 0, unalloc = 0, allocated = 0;
	long empty = 0, over = 0;
	size_t i;

	for (i = 0; i < R->nc; i++) {
		const struct county *c = &R->c[i];

		allocated += c->amount;
		to_rows += c->given;
		unalloc += c->unalloc;
		over += c->unalloc > 0;
		if (c->x[F_COMMUNITIES] == 0 && !R->quiet && ++empty <= MAXWARN)
			xq_warn("county %s %s has no counted plan rows: amount 0.00",
			    c->reg->code, c->reg->name);
	}
	if (empty > MAXWARN && !R->quiet)
		xq_warn("%ld more counties with no counted plan rows", empty - MAXWARN);
	if (R->clamped)
		xq_warn("%ld row%s: residents, utilities, owner unit and social money "
		    "exceed the investment, so %s for no government money", R->clamped,
		    R->clamped == 1 ? "" : "s", R->clamped == 1 ? "it asks" : "they ask");
	if (!R->formed)
		xq_warn("no factor can be formed (no counted rows, or only rows of "
		    "counties whose fiscal coefficient is 0): the whole budget "
		    "%s万元 is unallocated", money(R->budget));
	else if (unalloc > 0)
		xq_warn("%s万元 is unallocated: %ld count%s received more than %s rows "
		    "ask (the unallocated column of -c)", money(unalloc), over,
		    over == 1 ? "y" : "ies", over == 1 ? "its" : "their");
	R->flagged |= R->clamped > 0 || unalloc > 0 || !R->formed;
	if (R->quiet)
		return;
	xq_warn("scheme %s, budget %s万元: %zu of %zu rows counted; %s万元 to "
	    "counties, %s万元 to rows, %s万元 unallocated", R->scheme->id,
	    money(R->budget), R->counted, R->nrow, money(allocated),
	    money(to_rows), money(R->budget - to_rows));
}

static void
free_run(struct run *R)
{
	size_t i;
	int k;

	for (i = 0; i < R->nc; i++) {
		struct county *c = &R->c[i];

		mpq_clears(c->coef, c->perf, c->adjust, c->task, c->share, c->exact,
		    c->rem, NULL);
		free(c->perf_text);
		free(c->grade);
	}
	for (i = 0; i < R->ngrade; i++) {
		free(R->grades[i].name);
		mpq_clears(R->grades[i].min, R->grades[i].coef, NULL);
	}
	for (i = 0; i < R->nhead; i++)
		free(R->head[i]);
	for (k = 0; k < NFACTOR; k++)
		mpq_clears(R->w[k], R->eff[k], R->denom[k], NULL);
	mpz_clears(R->z1, R->z2, NULL);
	free(R->head);
	free(R->grades);
	free(R->c);
	free(R->row_county);
	free(R->row_money);
	xq_profile_free(R->prof);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "explain", required_argument, NULL, 'E' },
		{ "unit", required_argument, NULL, 'U' },
		{ "excel", no_argument, NULL, 'X' },
		{ "log", required_argument, NULL, 'L' },
		{ "exit-zero", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	struct run R = { 0 };
	const char *profile = NULL, *budget = NULL, *scores = NULL, *scheme = NULL;
	const char *weights = NULL, *table = NULL, *out = NULL, *why = NULL;
	const char *unit = NULL, *log = NULL;
	char label[32];
	struct xq_out *o = NULL, *t = NULL;
	FILE *in;
	int c, k, excel = 0, exit_zero = 0;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "b:c:hm:o:p:qS:w:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b': budget = optarg; break;
		case 'c': table = optarg; break;
		case 'm': scheme = optarg; break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'q': R.quiet = 1; break;
		case 'S': scores = optarg; break;
		case 'w': weights = optarg; break;
		case 'E': why = optarg; break;
		case 'U': unit = optarg; break;
		case 'X': excel = 1; break;
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
	if (profile == NULL) {
		xq_warn("-p PROFILE is required");
		xq_usage(usage_text);
	}
	if (log)
		xq_log_to(log);

	for (k = 0; k < NFACTOR; k++)
		mpq_inits(R.w[k], R.eff[k], R.denom[k], NULL);
	mpz_inits(R.z1, R.z2, NULL);
	R.prof = xq_profile_load(profile);
	settings(&R, budget, unit, scheme);
	choose_weights(&R, weights, label, sizeof label);
	load_counties(&R);
	if (why && find_county(&R, why, strlen(why)) == NULL)
		xq_die(XQ_USAGE, "--explain: county %s is not in the registry %s/"
		    "counties.csv", why, R.prof->dir);
	if (is_2024(&R))
		load_grades(&R);
	if (scores)
		load_scores(&R, scores);

	in = open_input(&R, argc ? argv[0] : "-");
	if (!(R.fast = read_plan_fast(&R, in))) {
		forget_rows(&R);
		rewind_input(&R, in);
		read_plan(&R, in);
	}

	task_denominators(&R);
	if (is_2024(&R))
		task_shares(&R);
	performance_denominator(&R);
	effective_weights(&R);
	allocate_counties(&R);
	split_counties(&R);

	if (why)
		explain(&R, why, stdout);
	/* both outputs open before either is written: a bad -c path stops the
	 * run before the stream is there */
	if (why == NULL || out != NULL)
		o = xq_out_open(out, 0);
	if (table)
		t = xq_out_open(table, XQ_WRITE_EXCEL | (excel ? XQ_WRITE_BOM_CRLF : 0));
	if (o) {
		rewind_input(&R, in);
		if (R.fast && R.col.subsidy < 0)
			copy_rows(&R, in, o);
		else
			write_rows(&R, in, o);
		xq_out_close(o);
	}
	fclose(in);
	if (t) {
		write_county_table(&R, t);
		xq_out_close(t);
	}
	if (why)
		xq_stdout_done();
	summary(&R);
	free_run(&R);
	return R.flagged && !exit_zero ? XQ_FLAGGED : XQ_OK;
}
