/*
 * xq-validate - check county submissions and write the stream.
 *
 * Finds the header under any title rows, maps header variants to canonical
 * columns, checks and normalises every field, drops blank and totals rows
 * (checking totals against the rows they cover), and writes valid records
 * to the stream and every problem to the rejects file.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "xq.h"

#define MAXCOL 64
#define MAXEXTRA 256   /* columns kept that the table does not know */
#define HEADER_SEARCH 30
#define MESSAGES_PER_FILE 50
#define NAMES_SHOWN 10     /* dropped columns named in a note */

enum { F_BUILDINGS, F_HOUSEHOLDS, F_AREA, F_INVESTMENT, NTOTAL };

struct value {
	const char *s;     /* normalised text */
	size_t n;
	int64_t num;       /* for numeric types, in the type's units */
	int ok, present;
	int big;           /* a number past 64 bits (E104, "is too large") */
	char buf[48];
};

struct run {
	struct xq_schema *sc;
	struct xq_profile *prof;
	long plan_year;            /* 0 when unknown */
	enum xq_enc enc;
	int quiet;
	struct xq_out *out, *rej;
	int total_col[NTOTAL];     /* schema columns checked against 合计 rows */
	int col_code, col_county, col_city, col_year, col_plan_year;
	int col_start, col_done, col_status, col_alloc, col_spent;
	int funds[8], nfunds;
	struct xq_re *year_re, *date_re, *total_re;
	struct limits {          /* plausibility bands, from settings.csv */
		int64_t m2_per_hh[2], hh_per_building[2], yuan_per_m2[2];
		int64_t wan_per_hh[2], cutoff;
	} lim;
	long files, records, valid, rejected, problems, totals, blanks, warnings;
	char *extra[MAXEXTRA];     /* kept unknown columns, in first-seen order */
	int nextra, header_done;
};

struct file {
	const char *name;
	struct xq_reader *rd;
	int src[MAXCOL], shift[MAXCOL];
	int money_shift;           /* 6: 万元 (default), 2: 元 from a title row */
	int in_source, in_line;    /* provenance columns when the input is a stream */
	int extra_src[MAXEXTRA];   /* input column of each kept unknown column */
	size_t header_fields;
	int64_t sum[NTOTAL], sub[NTOTAL];
	long data_rows;            /* records seen so far */
	int64_t top[NTOTAL];       /* a 合计 row above every record, checked at */
	int has_top[NTOTAL];       /* the end against the whole file */
	long top_line;
	const char *head_problem;  /* a NUL or a bad byte in the header row */
	long head_line, head_col;
	long messages;
	struct value v[MAXCOL];
	int bad;                   /* problems in the current record */
	const struct xq_county *county; /* the registry entry of this record */
	int in_totals;             /* checking a totals row: nothing is rejected */
	const struct xq_rec *rec;
};

static const char *const usage_text =
"usage: xq-validate [-q] [-p PROFILE] [-s submission|progress|FILE]\n"
"                   [-e auto|utf-8|gb18030] [-y YEAR] [-r REJECTS] [-o OUT]\n"
"                   [--excel] [--max-field BYTES] [--log FILE] [--exit-zero]\n"
"                   [FILE ...]\n"
"       xq-validate --each -o OUT [-r REJECTS] [--log FILE] [option ...]\n"
"                   FILE ...\n";

/* ---- reporting ---- */

static void
say(struct run *R, struct file *F, long line, const char *col, const char *val,
    size_t n, const char *code, const char *msg)
{
	if (R->quiet || ++F->messages > MESSAGES_PER_FILE)
		return;
	if (val == NULL) {
		xq_warn("%s:%ld:%s: %s (%s)", F->name, line, col, msg, code);
		return;
	}
	if (n > 120) {   /* cut at a character boundary */
		n = 120;
		while (n > 0 && ((unsigned char)val[n] & 0xC0) == 0x80)
			n--;
	}
	xq_warn("%s:%ld:%s: \"%.*s\" %s (%s)", F->name, line, col, (int)n, val,
	    msg, code);
}

/* Records one problem of the current record: a row in the rejects file. */
static void
reject(struct run *R, struct file *F, const char *col, const char *val,
    size_t n, const char *code, const char *msg)
{
	const struct xq_rec *r = F->rec;

	F->bad++;
	if (F->in_totals)
		return;
	R->problems++;
	say(R, F, r->line, col, val, n, code, msg);
	if (R->rej == NULL)
		return;
	xq_out_str(R->rej, F->in_source >= 0 ? xq_rec_get(r, F->in_source) : F->name);
	if (F->in_line >= 0)
		xq_out_str(R->rej, xq_rec_get(r, F->in_line));
	else
		xq_out_long(R->rej, r->line);
	xq_out_str(R->rej, col);
	xq_out_field(R->rej, val ? val : "", val ? n : 0);
	xq_out_str(R->rej, code);
	xq_out_str(R->rej, msg);
	xq_out_end(R->rej);
}

static void
warn_row(struct run *R, struct file *F, long line, const char *col,
    const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	R->warnings++;
	say(R, F, line, col, NULL, 0, code, msg);
}

/* ---- field types ---- */

static int
is_in(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(*list, s, n) == 0)
			return 1;
	return 0;
}

static const char *const yes_words[] = { "是", "有", "y", "yes", "1", "√", "✓",
	"true", "已", NULL };
static const char *const no_words[] = { "否", "无", "n", "no", "0", "×", "✗",
	"false", "未", NULL };

static const struct {
	const char *word, *id;
} statuses[] = {
	{ "未开工", "not_started" }, { "not_started", "not_started" },
	{ "前期", "preliminary" }, { "前期工作", "preliminary" },
	{ "前期工作已完成", "preliminary" }, { "preliminary", "preliminary" },
	{ "在建", "under_construction" }, { "已开工", "under_construction" },
	{ "施工中", "under_construction" },
	{ "under_construction", "under_construction" },
	{ "完工", "completed" }, { "已完工", "completed" }, { "竣工", "completed" },
	{ "已竣工", "completed" }, { "completed", "completed" },
};

/* Strips a unit word a county may have typed after a count ("120户"). */
static void
strip_count_unit(const char *s, size_t *n)
{
	static const char *const units[] = { "户", "栋", "幢", "个", "部", "台",
		"座", NULL };
	const char *const *u;

	/* every unit is one 3-byte character */
	if (*n <= 3 || (unsigned char)s[*n - 1] < 0x80)
		return;
	for (u = units; *u; u++)
		if (memcmp(s + *n - 3, *u, 3) == 0) {
			*n -= 3;
			return;
		}
}

static int
days_in_month(long y, long m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static long
group_num(const char *s, const size_t *ov, int g)
{
	long v = 0;
	size_t i;

	if (ov[2 * g] == (size_t)-1)
		return -1;
	for (i = ov[2 * g]; i < ov[2 * g + 1]; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static const char *
parse_year(struct run *R, const char *s, size_t n, struct value *v)
{
	size_t *ov;
	int rc = xq_re_match(R->year_re, s, n, &ov);
	long y, m;

	if (rc == 0)
		return "E106";
	y = group_num(s, ov, 1);
	if (ov[3] - ov[2] == 2)
		y += 1900;
	m = rc > 2 ? group_num(s, ov, 2) : -1;
	if (m == 0 || m > 12)
		return "E106";
	v->num = y;
	v->n = (size_t)xq_dec_format(v->buf, y, 0);
	return NULL;
}

static const char *
parse_date(struct run *R, const char *s, size_t n, struct value *v)
{
	size_t *ov;
	int rc = xq_re_match(R->date_re, s, n, &ov), g;
	long y, m, d;

	if (rc == 0)
		return "E107";
	g = ov[2] != (size_t)-1 ? 1 : 4;
	y = group_num(s, ov, g);
	m = group_num(s, ov, g + 1);
	d = group_num(s, ov, g + 2);
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return "E107";
	v->num = y * 10000 + m * 100 + d;
	v->n = (size_t)snprintf(v->buf, sizeof v->buf, "%04ld-%02ld-%02ld", y, m, d);
	return NULL;
}

static const char *
parse_number(const char *s, size_t n, int shift, struct value *v, int whole)
{
	int inexact;

	switch (xq_dec_parse(s, n, shift, &v->num, &inexact)) {
	case XQ_NUM_OK:
		if (whole && inexact)
			return "E103";
		return NULL;
	case XQ_NUM_RANGE:
		v->big = s[0] != '-';
		return "E104";
	default:
		return whole ? "E103" : "E102";
	}
}

static const char *
parse_percent(const char *s, size_t n, struct value *v)
{
	int pct = n > 0 && s[n - 1] == '%', fraction;
	const char *err;
	size_t len;

	if (pct)
		n--;
	/* "0.855" is a fraction (85.5%), and so is "1" (a spreadsheet writes 100%
	 * as 1); "85", "85.5" and "85%" are percentages. A fraction times 10^4
	 * is already hundredths of a percent. */
	fraction = !pct && parse_number(s, n, 4, v, 0) == NULL && v->num <= 10000;
	if (!fraction && (err = parse_number(s, n, 2, v, 0)) != NULL)
		return strcmp(err, "E104") == 0 ? err : "E109";
	len = (size_t)xq_dec_format(v->buf, v->num, 2);
	while (v->buf[len - 1] == '0')
		len--;
	if (v->buf[len - 1] == '.')
		len--;
	v->n = len;
	return NULL;
}

static const char *
parse_word(const struct xq_column *c, const char *s, size_t n, struct value *v)
{
	size_t i;

	if (c->type == XQ_T_YESNO) {
		if (is_in(s, n, yes_words))
			v->num = 1;
		else if (is_in(s, n, no_words))
			v->num = 0;
		else
			return "E108";
		v->buf[0] = (char)('0' + v->num);
		v->buf[1] = '\0';
		v->n = 1;
		return NULL;
	}
	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strlen(statuses[i].word) == n && memcmp(statuses[i].word, s, n) == 0) {
			v->n = strlen(statuses[i].id);
			memcpy(v->buf, statuses[i].id, v->n + 1);
			return NULL;
		}
	return "E112";
}

/* "100.00" -> "100", "0.500000" -> "0.5" */
static void
trim_zeros(char *s, int len)
{
	if (strchr(s, '.') == NULL)
		return;
	while (len > 0 && s[len - 1] == '0')
		s[--len] = '\0';
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
}

static const char *
message_for(const char *code, const struct xq_column *c)
{
	static const struct {
		const char *code, *msg;
	} msgs[] = {
		{ "E101", "is empty, but the column is required" },
		{ "E102", "is not a number" },
		{ "E103", "is not a whole number" },
		{ "E104", "is out of range" },
		{ "E105", "does not match the column's pattern" },
		{ "E106", "is not a year (1995, 1995年, 1995-06, 95年)" },
		{ "E107", "is not a date (2020-03-31, 2020/3/31, 2020年3月31日, 20200331)" },
		{ "E108", "is not yes or no (是/否, 有/无, Y/N, 1/0, √/×)" },
		{ "E109", "is not a percentage (85%, 0.85, 85)" },
		{ "E110", "is not a county code of the profile's registry" },
		{ "E111", "is too long" },
		{ "E112", "is not a status (未开工, 前期, 在建, 完工)" },
		{ "E113", "is not a 6-digit county code" },
	};
	static char buf[128];
	char lo[40] = "", hi[40] = "";
	int dec = c == NULL ? 0 : c->type == XQ_T_MONEY ? 6 :
	    (c->type == XQ_T_AREA || c->type == XQ_T_PERCENT) ? 2 : 0;
	size_t i;

	if (c != NULL && strcmp(code, "E111") == 0) {
		snprintf(buf, sizeof buf, "is longer than %lld characters",
		    (long long)c->max);
		return buf;
	}
	if (c != NULL && strcmp(code, "E104") == 0 && (c->has_min || c->has_max)) {
		if (c->has_min)
			trim_zeros(lo, xq_dec_format(lo, c->min, dec));
		if (c->has_max)
			trim_zeros(hi, xq_dec_format(hi, c->max, dec));
		snprintf(buf, sizeof buf, "is out of range (%s..%s)", lo, hi);
		return buf;
	}
	for (i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
		if (strcmp(msgs[i].code, code) == 0)
			return msgs[i].msg;
	return "is not valid";
}

/* Checks one field; returns an error code or NULL with *v filled in. */
static const char *
check_field(struct run *R, struct file *F, int k, const char *s, size_t n,
    struct value *v)
{
	const struct xq_column *c = &R->sc->col[k];
	const char *err = NULL;
	size_t i;

	v->s = v->buf;
	v->n = 0;
	v->big = 0;
	switch (c->type) {
	case XQ_T_TEXT:
		v->s = s;
		v->n = n;
		if (c->has_max && (int64_t)n > c->max &&
		    (int64_t)xq_utf8_chars(s, n) > c->max)
			return "E111";
		break;
	case XQ_T_CODE:
		if (n != 6)
			return "E113";
		for (i = 0; i < 6; i++)
			if (s[i] < '0' || s[i] > '9')
				return "E113";
		if (R->prof && (F->county = xq_profile_county(R->prof, s, n)) == NULL)
			return "E110";
		v->s = s;
		v->n = n;
		break;
	case XQ_T_YEAR:
		err = parse_year(R, s, n, v);
		break;
	case XQ_T_DATE:
		err = parse_date(R, s, n, v);
		break;
	case XQ_T_INT:
		strip_count_unit(s, &n);
		if ((err = parse_number(s, n, 0, v, 1)) == NULL)
			v->n = (size_t)xq_dec_format(v->buf, v->num, 0);
		break;
	case XQ_T_AREA:
		err = parse_number(s, n, F->shift[k] ? F->shift[k] : 2, v, 0);
		if (err == NULL)
			v->n = (size_t)xq_dec_format(v->buf, v->num, 2);
		break;
	case XQ_T_MONEY:
		err = parse_number(s, n, F->shift[k] ? F->shift[k] : F->money_shift, v, 0);
		if (err == NULL)   /* rounded half away from zero, not past INT64_MAX */
			v->n = (size_t)xq_dec_format(v->buf, v->num / 10000 +
			    (v->num % 10000 >= 5000) - (v->num % 10000 <= -5000), 2);
		break;
	case XQ_T_PERCENT:
		err = parse_percent(s, n, v);
		break;
	case XQ_T_YESNO:
	case XQ_T_STATUS:
		err = parse_word(c, s, n, v);
		break;
	}
	if (err)
		return err;
	if (c->type != XQ_T_TEXT && c->type != XQ_T_CODE && c->type != XQ_T_STATUS &&
	    c->type != XQ_T_YESNO &&
	    ((c->has_min && v->num < c->min) || (c->has_max && v->num > c->max)))
		return "E104";
	if (c->pattern && xq_re_match(c->pattern, v->s, v->n, NULL) == 0)
		return "E105";
	return NULL;
}

/* ---- one record ---- */

static void
check_fields(struct run *R, struct file *F)
{
	const struct xq_rec *r = F->rec;
	size_t k, n, nn;
	const char *s, *err;
	char *norm;

	for (k = 0; k < R->sc->ncol; k++) {
		struct value *v = &F->v[k];

		if (F->src[k] < 0) {   /* not in this file */
			v->ok = v->present = 0;
			v->s = "";
			v->n = 0;
			continue;
		}
		s = xq_rec_get(r, F->src[k]);
		n = xq_rec_len(r, F->src[k]);
		xq_trim(&s, &n);
		v->ok = 0;
		v->present = n > 0;
		v->s = "";
		v->n = 0;
		if (n == 0) {
			if (R->sc->col[k].required)
				reject(R, F, R->sc->col[k].name, s, n, "E101",
				    message_for("E101", NULL));
			continue;
		}
		norm = NULL;
		if (R->sc->col[k].type != XQ_T_TEXT && !xq_is_ascii(s, n) &&
		    R->sc->col[k].type != XQ_T_YESNO && R->sc->col[k].type != XQ_T_STATUS) {
			norm = xq_nfkc(s, n, &nn);   /* "１２０" -> "120" */
			s = norm;
			n = nn;
			xq_trim(&s, &n);
		}
		err = check_field(R, F, (int)k, s, n, v);
		if (err != NULL) {
			s = xq_rec_get(r, F->src[k]);
			reject(R, F, R->sc->col[k].name, s, xq_rec_len(r, F->src[k]), err,
			    v->big && !R->sc->col[k].has_max ? "is too large" :
			    message_for(err, &R->sc->col[k]));
		} else {
			if (v->s == s && norm != NULL) {   /* keep the text past free() */
				v->n = v->n < sizeof v->buf ? v->n : sizeof v->buf - 1;
				memcpy(v->buf, s, v->n);
				v->s = v->buf;
			}
			v->ok = 1;
		}
		free(norm);
	}
}

static const struct value *
val(struct file *F, int k)
{
	static const struct value none;

	return k >= 0 && F->v[k].ok ? &F->v[k] : &none;
}

static void
cross_check(struct run *R, struct file *F)
{
	const struct value *inv = val(F, R->total_col[F_INVESTMENT]);
	const struct value *by = val(F, R->col_year), *py = val(F, R->col_plan_year);
	const struct value *st = val(F, R->col_start), *dn = val(F, R->col_done);
	const struct value *status = val(F, R->col_status);
	/* given at all, parsed or not: a bad date is its own problem (E107) */
	int has_start = R->col_start >= 0 && F->v[R->col_start].present;
	int has_done = R->col_done >= 0 && F->v[R->col_done].present;
	long plan_year = py->ok ? (long)py->num : R->plan_year;
	int64_t sum = 0;
	int i, any = 0;
	char a[40], b[40], msg[160];

	for (i = 0; i < R->nfunds; i++)
		if (val(F, R->funds[i])->ok) {
			sum += val(F, R->funds[i])->num;
			any = 1;
		}
	if (any && inv->ok && llabs(sum - inv->num) > 10000) {
		xq_dec_format(a, (sum + 5000) / 10000, 2);
		xq_dec_format(b, (inv->num + 5000) / 10000, 2);
		snprintf(msg, sizeof msg, "funding parts add up to %s万元, not the "
		    "investment %s万元", a, b);
		reject(R, F, "investment", inv->s, inv->n, "E201", msg);
	}
	if (by->ok && plan_year > 0 && by->num > plan_year) {
		snprintf(msg, sizeof msg, "is after the plan year %ld", plan_year);
		reject(R, F, "build_year", by->s, by->n, "E202", msg);
	}
	if (st->ok && dn->ok && dn->num < st->num) {
		snprintf(msg, sizeof msg, "is before the start date %.*s", (int)st->n, st->s);
		reject(R, F, "completion_date", dn->s, dn->n, "E203", msg);
	}
	if (status->ok) {
		const char *why = NULL, *s = status->s;

		if (strcmp(s, "completed") == 0 && !has_done)
			why = "says completed, but there is no completion date";
		else if (strcmp(s, "completed") != 0 && has_done)
			why = "has a completion date, but the project is not completed";
		else if ((strcmp(s, "not_started") == 0 || strcmp(s, "preliminary") == 0)
		    && has_start)
			why = "has a start date, but the project has not started";
		else if (strcmp(s, "under_construction") == 0 && !has_start)
			why = "says under construction, but there is no start date";
		if (why)
			reject(R, F, "status", status->s, status->n, "E204", why);
	}
}

static int64_t
setting(struct run *R, const char *key, int shift, int64_t dflt)
{
	const char *s = xq_profile_setting(R->prof, key);
	int64_t v;
	int inexact;

	if (s == NULL || xq_dec_parse(s, strlen(s), shift, &v, &inexact) != XQ_NUM_OK)
		return dflt;
	return v;
}

static void
load_limits(struct run *R)
{
	struct limits *l = &R->lim;

	l->m2_per_hh[0] = setting(R, "m2_per_household_min", 2, 3000);
	l->m2_per_hh[1] = setting(R, "m2_per_household_max", 2, 20000);
	l->hh_per_building[0] = setting(R, "households_per_building_min", 0, 2);
	l->hh_per_building[1] = setting(R, "households_per_building_max", 0, 150);
	l->yuan_per_m2[0] = setting(R, "yuan_per_m2_min", 0, 50);
	l->yuan_per_m2[1] = setting(R, "yuan_per_m2_max", 0, 1500);
	l->wan_per_hh[0] = setting(R, "wan_per_household_min", 6, 300000);
	l->wan_per_hh[1] = setting(R, "wan_per_household_max", 6, 15000000);
	l->cutoff = setting(R, "build_year_cutoff", 0, 2000);
}

/* Is X outside [lo * per, hi * per]? (In 128 bits: a huge area times a
 * band of 元 per ㎡ does not fit in 64.) */
static int
outside(int64_t x, const int64_t band[2], int64_t per)
{
	return x < (__int128)band[0] * per || x > (__int128)band[1] * per;
}

/* Warnings on figures that are valid but unlikely (SPEC §3.1). */
static void
plausibility(struct run *R, struct file *F, long line)
{
	const struct limits *l = &R->lim;
	char lo[40], hi[40];
	const struct value *b = val(F, R->total_col[F_BUILDINGS]);
	const struct value *h = val(F, R->total_col[F_HOUSEHOLDS]);
	const struct value *a = val(F, R->total_col[F_AREA]);
	const struct value *inv = val(F, R->total_col[F_INVESTMENT]);
	const struct value *by = val(F, R->col_year);
	const struct value *al = val(F, R->col_alloc), *sp = val(F, R->col_spent);

	/* all ratios compared in integers: area in 0.01㎡, money in 1e-6 万元 */
	if (a->ok && h->ok && h->num > 0 && outside(a->num, l->m2_per_hh, h->num)) {
		xq_dec_format(lo, l->m2_per_hh[0], 2);
		xq_dec_format(hi, l->m2_per_hh[1], 2);
		warn_row(R, F, line, "area_m2", "W303", "%.*s ㎡ for %.*s households is "
		    "outside %s..%s ㎡ per household", (int)a->n, a->s, (int)h->n, h->s,
		    lo, hi);
	}
	if (h->ok && b->ok && b->num > 0 &&
	    outside(h->num, l->hh_per_building, b->num))
		warn_row(R, F, line, "households", "W304", "%.*s households in %.*s "
		    "buildings is outside %lld..%lld per building", (int)h->n, h->s,
		    (int)b->n, b->s, (long long)l->hh_per_building[0],
		    (long long)l->hh_per_building[1]);
	/* 1e-6 万元 is 0.01 元, so inv / area is 元 per ㎡ */
	if (inv->ok && a->ok && a->num > 0 && inv->num > 0 &&
	    outside(inv->num, l->yuan_per_m2, a->num))
		warn_row(R, F, line, "investment", "W305", "%.*s万元 over %.*s ㎡ is "
		    "outside %lld..%lld 元 per ㎡", (int)inv->n, inv->s, (int)a->n, a->s,
		    (long long)l->yuan_per_m2[0], (long long)l->yuan_per_m2[1]);
	if (inv->ok && h->ok && h->num > 0 && inv->num > 0 &&
	    outside(inv->num, l->wan_per_hh, h->num)) {
		xq_dec_format(lo, l->wan_per_hh[0] / 10000, 2);
		xq_dec_format(hi, l->wan_per_hh[1] / 10000, 2);
		warn_row(R, F, line, "investment", "W306", "%.*s万元 for %.*s households "
		    "is outside %s..%s 万元 per household", (int)inv->n, inv->s,
		    (int)h->n, h->s, lo, hi);
	}
	if (by->ok && by->num > l->cutoff)
		warn_row(R, F, line, "build_year", "W307", "built in %ld, after the "
		    "cutoff of %lld", (long)by->num, (long long)l->cutoff);
	if (al->ok && sp->ok && sp->num > al->num)
		warn_row(R, F, line, "fund_spent", "W308", "spent %.*s万元 is more than "
		    "the %.*s万元 allocated", (int)sp->n, sp->s, (int)al->n, al->s);
}

static void
registry_fill(struct run *R, struct file *F, long line)
{
	const struct value *code = val(F, R->col_code);
	const struct xq_county *c = F->county;
	struct value *name = R->col_county >= 0 ? &F->v[R->col_county] : NULL;
	struct value *city = R->col_city >= 0 ? &F->v[R->col_city] : NULL;

	if (R->prof == NULL || !code->ok || c == NULL)
		return;
	if (name && name->ok && (name->n != strlen(c->name) ||
	    memcmp(name->s, c->name, name->n) != 0))
		warn_row(R, F, line, "county", "W301", "\"%.*s\" is not the registry "
		    "name \"%s\" of %s", (int)name->n, name->s, c->name, c->code);
	if (name && !name->present) {
		name->s = c->name;
		name->n = strlen(c->name);
	}
	if (city && !city->present) {
		city->s = c->city;
		city->n = strlen(c->city);
	}
}

static void
write_record(struct run *R, struct file *F)
{
	const struct xq_rec *r = F->rec;
	size_t k;

	if (F->in_source >= 0) {
		xq_out_str(R->out, xq_rec_get(r, F->in_source));
		xq_out_str(R->out, xq_rec_get(r, F->in_line));
	} else {
		xq_out_str(R->out, F->name);
		xq_out_long(R->out, r->line);
	}
	for (k = 0; k < R->sc->ncol; k++) {
		if ((int)k == R->col_plan_year && F->v[k].n == 0 && R->plan_year > 0) {
			xq_out_long(R->out, R->plan_year);
			continue;
		}
		if (R->sc->col[k].type == XQ_T_TEXT || R->sc->col[k].type == XQ_T_CODE)
			xq_out_field(R->out, F->v[k].s, F->v[k].n);
		else   /* formatted here: digits, points, dashes, ids */
			xq_out_plain(R->out, F->v[k].s, F->v[k].n);
	}
	for (k = 0; k < (size_t)R->nextra; k++)
		xq_out_field(R->out, xq_rec_get(r, F->extra_src[k]),
		    xq_rec_len(r, F->extra_src[k]));
	xq_out_end(R->out);
}

/* Adds V to a totals sum; one past 64 bits stays at INT64_MAX, which no
 * totals row is checked against (figures that large are warned of). */
static void
add_to(int64_t *sum, int64_t v)
{
	if (__builtin_add_overflow(*sum, v, sum))
		*sum = INT64_MAX;
}

static void
add_to_totals(struct run *R, struct file *F)
{
	int i;

	for (i = 0; i < NTOTAL; i++)
		if (val(F, R->total_col[i])->ok) {
			add_to(&F->sum[i], val(F, R->total_col[i])->num);
			add_to(&F->sub[i], val(F, R->total_col[i])->num);
		}
}

static void
check_record(struct run *R, struct file *F, const struct xq_rec *r)
{
	F->rec = r;
	F->bad = 0;
	F->county = NULL;
	R->records++;
	if (r->problem) {
		char msg[160];

		snprintf(msg, sizeof msg, "%s at line %ld, byte %ld", r->problem,
		    r->problem_line, r->problem_col);
		reject(R, F, "(record)", NULL, 0, strstr(r->problem, "quot") ? "E002" :
		    "E001", msg);
	}
	if (r->nf > F->header_fields) {
		size_t i;

		for (i = F->header_fields; i < r->nf; i++)
			if (r->len[i] > 0)
				break;
		if (i < r->nf) {
			char msg[80];

			snprintf(msg, sizeof msg, "the row has %zu fields, the header %zu",
			    r->nf, F->header_fields);
			reject(R, F, "(record)", r->f[i], r->len[i], "E003", msg);
		}
	}
	/* after a quoting error the fields are fragments: one problem is enough */
	if (F->bad == 0 || r->problem == NULL || !strstr(r->problem, "quot")) {
		check_fields(R, F);
		cross_check(R, F);
		add_to_totals(R, F);
	}
	if (F->bad) {
		R->rejected++;
		return;
	}
	registry_fill(R, F, r->line);
	plausibility(R, F, r->line);
	write_record(R, F);
	R->valid++;
}

/* ---- totals rows ---- */

/* Could the cell be a totals label? Most cells are numbers or names: a
 * look at the first character saves the pattern match. */
static int
totals_cell(struct run *R, const char *s, size_t n)
{
	static const char *const first[] = { "合", "总", "小", "其", "全" };
	size_t i;

	xq_trim(&s, &n);
	if (n < 6)
		return 0;
	/* "团结街道小计": a group's name before the label */
	if (memcmp(s + n - 3, "计", 3) == 0)
		return xq_re_match(R->total_re, s, n, NULL);
	for (i = 0; i < 5; i++)
		if (memcmp(s, first[i], 3) == 0)
			return xq_re_match(R->total_re, s, n, NULL);
	return 0;
}

static int
totals_row(struct run *R, const struct xq_rec *r, int community)
{
	size_t i;

	for (i = 0; i < r->nf && i < 3; i++)
		if (totals_cell(R, r->f[i], r->len[i]))
			return 1;
	return community >= 0 && totals_cell(R, xq_rec_get(r, community),
	    xq_rec_len(r, community));
}

static void
total_mismatch(struct run *R, struct file *F, long line, int i, int64_t said,
    int64_t sum, int subtotal)
{
	char want[40], got[40];
	int k = R->total_col[i];

	if (said == sum || sum == INT64_MAX)
		return;
	if (i == F_INVESTMENT) {
		xq_dec_format(want, said / 10000, 2);
		xq_dec_format(got, sum / 10000, 2);
	} else {
		xq_dec_format(want, said, i == F_AREA ? 2 : 0);
		xq_dec_format(got, sum, i == F_AREA ? 2 : 0);
	}
	warn_row(R, F, line, R->sc->col[k].name, "W302", "the %s row says %s, the "
	    "rows it covers add up to %s", subtotal ? "小计" : "合计", want, got);
}

static void
check_totals(struct run *R, struct file *F, const struct xq_rec *r)
{
	int subtotal = 0, i, k;
	int64_t *sums;
	size_t j;

	R->totals++;
	for (j = 0; j < r->nf && j < 4; j++) {
		if (strstr(r->f[j], "其中"))
			return;   /* a breakdown line: it covers an unknown part */
		if (strstr(r->f[j], "小计") || strstr(r->f[j], "小 计"))
			subtotal = 1;
	}
	F->rec = r;
	F->in_totals = 1;
	check_fields(R, F);   /* parse its figures; problems are not rejections */
	F->in_totals = 0;
	sums = subtotal ? F->sub : F->sum;
	for (i = 0; i < NTOTAL; i++) {
		k = R->total_col[i];
		if (k < 0 || !F->v[k].ok)
			continue;
		if (F->data_rows == 0 && !subtotal) {   /* a total above the rows */
			F->top[i] = F->v[k].num;
			F->has_top[i] = 1;
			F->top_line = r->line;
			continue;
		}
		total_mismatch(R, F, r->line, i, F->v[k].num, sums[i], subtotal);
	}
	if (subtotal)
		memset(F->sub, 0, sizeof F->sub);
}

/* ---- the header ---- */

static int
map_header(struct run *R, struct file *F, const struct xq_rec *r, int commit)
{
	size_t i;
	int k, shift, hits = 0;

	if (commit) {
		for (i = 0; i < R->sc->ncol; i++)
			F->src[i] = -1;
		F->in_source = xq_rec_find(r, "source");
		F->in_line = xq_rec_find(r, "line");
		if (F->in_line < 0)
			F->in_source = -1;
	}
	for (i = 0; i < r->nf; i++) {
		if ((k = xq_schema_match(R->sc, r->f[i], r->len[i], &shift)) < 0)
			continue;
		hits++;
		if (!commit)
			continue;
		if (F->src[k] >= 0)
			xq_die(XQ_INPUT, "%s:%ld: columns %d and %zu are both %s (\"%s\", "
			    "\"%s\")", F->name, r->line, F->src[k] + 1, i + 1,
			    R->sc->col[k].name, r->f[F->src[k]], r->f[i]);
		if (shift < 0)
			xq_die(XQ_INPUT, "%s:%ld: column %zu \"%s\": a unit this table does not "
			    "know for %s (known: ㎡, 万㎡, 公顷; 元, 千元, 万元, 亿元)", F->name,
			    r->line, i + 1, r->f[i], R->sc->col[k].name);
		F->src[k] = (int)i;
		F->shift[k] = shift;
	}
	return hits;
}

static void
note_title(struct file *F, const struct xq_rec *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		if (strstr(r->f[i], "单位") && strstr(r->f[i], "元") &&
		    !strstr(r->f[i], "万元"))
			F->money_shift = 2;   /* "单位：元" */
}

static void
missing_column(struct run *R, struct file *F, const struct xq_rec *h, size_t k)
{
	const struct xq_column *c = &R->sc->col[k];
	size_t i, j, d, best = (size_t)-1;
	const char *closest = NULL;
	int shift;
	char *key;

	for (i = 0; i < h->nf; i++) {
		if (xq_schema_match(R->sc, h->f[i], h->len[i], &shift) >= 0)
			continue;
		key = xq_header_key(h->f[i], h->len[i]);
		for (j = 0; j < c->nalias; j++)
			if ((d = xq_edit_distance(key, c->alias[j])) < best) {
				best = d;
				closest = h->f[i];
			}
		free(key);
	}
	if (closest && *closest)
		xq_die(XQ_INPUT, "%s:%ld: no column for %s (%s); the closest header is "
		    "\"%s\"", F->name, h->line, c->name, c->nalias > 1 ? c->alias[1] :
		    c->name, closest);
	xq_die(XQ_INPUT, "%s:%ld: no column for %s (%s) in the header", F->name,
	    h->line, c->name, c->nalias > 1 ? c->alias[1] : c->name);
}

/* A spreadsheet's row number (序号): the line column says where a row
 * stood, and a re-pasted block must not differ from the first by it. */
static int
is_row_number(const char *s, size_t n)
{
	static const char *const names[] = { "序号", "编号", "序", NULL };
	char *k = xq_header_key(s, n);
	int yes = is_in(k, strlen(k), names);

	free(k);
	return yes;
}

/* Is input column I one the table does not know, and worth keeping? */
static int
unknown_column(struct run *R, struct file *F, const struct xq_rec *h, size_t i)
{
	int shift;

	return xq_schema_match(R->sc, h->f[i], h->len[i], &shift) < 0 &&
	    !is_row_number(h->f[i], h->len[i]) &&
	    !(F->in_source >= 0 && ((int)i == F->in_source || (int)i == F->in_line));
}

static int
extra_index(struct run *R, const char *name)
{
	int j;

	for (j = 0; j < R->nextra; j++)
		if (strcmp(R->extra[j], name) == 0)
			return j;
	return -1;
}

/* A list of dropped column names for a note: the first few, then a count. */
struct names {
	struct xq_buf b;
	size_t n;
};

static void
names_add(struct names *l, const char *name)
{
	if (l->n++ >= NAMES_SHOWN)
		return;
	if (l->b.len)
		xq_buf_adds(&l->b, ", ");
	xq_buf_adds(&l->b, *name ? name : "(no name)");
}

static const char *
names_str(struct names *l)
{
	char more[48];

	if (l->n > NAMES_SHOWN) {
		snprintf(more, sizeof more, " and %zu more", l->n - NAMES_SHOWN);
		xq_buf_adds(&l->b, more);
	}
	return xq_buf_str(&l->b);
}

/* Columns the table does not know are kept, after its own (SPEC §2.2).
 * Until the header is written a new name adds a column; after it (a second
 * file on standard input) it can only fill a column already there. */
static void
map_unknown(struct run *R, struct file *F, const struct xq_rec *h)
{
	struct names dropped = { 0 }, over = { 0 };
	size_t i;
	int j;

	for (j = 0; j < MAXEXTRA; j++)
		F->extra_src[j] = -1;
	for (i = 0; i < h->nf; i++) {
		if (!unknown_column(R, F, h, i))
			continue;
		j = h->len[i] ? extra_index(R, h->f[i]) : -1;
		if (j < 0 && h->len[i] && !R->header_done) {
			if (R->nextra == MAXEXTRA) {
				names_add(&over, h->f[i]);
				continue;
			}
			j = R->nextra++;
			R->extra[j] = xq_strdup(h->f[i]);
		}
		if (j >= 0 && F->extra_src[j] < 0) {
			F->extra_src[j] = (int)i;
			continue;
		}
		names_add(&dropped, h->len[i] ? h->f[i] : "");
	}
	if (dropped.n && !R->quiet)
		xq_warn("%s: dropping columns with no name, a repeated name or not in the "
		    "first header: %s", F->name, names_str(&dropped));
	if (over.n && !R->quiet)
		xq_warn("%s: keeping the first %d columns the table does not know; "
		    "dropping %zu more: %s", F->name, MAXEXTRA, over.n, names_str(&over));
	xq_buf_free(&dropped.b);
	xq_buf_free(&over.b);
}

static int
find_header(struct run *R, struct file *F)
{
	struct xq_rec *r = NULL;
	size_t k;
	int rows = 0, hits, best = 0, blank = 0;
	long best_line = 0;
	const char *enc;

	while (rows++ < HEADER_SEARCH && (r = xq_reader_next(F->rd)) != NULL) {
		if (xq_rec_blank(r)) {
			R->blanks++;
			blank++;
			continue;
		}
		hits = map_header(R, F, r, 0);
		if (hits >= 3) {
			map_header(R, F, r, 1);
			F->header_fields = r->nf;
			F->head_problem = r->problem;
			F->head_line = r->problem_line;
			F->head_col = r->problem_col;
			for (k = 0; k < R->sc->ncol; k++)
				if (R->sc->col[k].required && F->src[k] < 0)
					missing_column(R, F, r, k);
			map_unknown(R, F, r);
			if (F->in_source >= 0)
				xq_reader_set_stream(F->rd, 1);
			return 1;
		}
		if (hits > best) {
			best = hits;
			best_line = r->line;
		}
		note_title(F, r);
	}
	if (rows == 1)
		xq_die(XQ_INPUT, "%s: empty file", F->name);
	if (r == NULL && blank == rows - 1)
		xq_die(XQ_INPUT, "%s: no header row: the file has only blank lines",
		    F->name);
	if (best > 0)
		xq_die(XQ_INPUT, "%s:%ld: no header row found: the best candidate names "
		    "only %d known column(s)", F->name, best_line, best);
	enc = xq_reader_encoding(F->rd);   /* a guess gone wrong shows here */
	xq_die(XQ_INPUT, "%s: no header row in the first %d rows%s%s (expected "
	    "names like 行政区划代码, 小区名称, 户数)", F->name, HEADER_SEARCH,
	    strcmp(enc, "UTF-8") ? " read as " : "", strcmp(enc, "UTF-8") ? enc : "");
}

/* ---- files ---- */

static void write_header(struct run *R);

/* Reads the header of each named file first, so that the stream's header
 * has every unknown column of every file. */
static void
scan_headers(struct run *R, int argc, char **argv)
{
	struct file *F;
	struct stat st;
	int i, quiet = R->quiet;
	long blanks = R->blanks;

	if (argc < 2)   /* one file's columns are known as it is read */
		return;
	R->quiet = 1;   /* its notes and counts come when a file is read */
	for (i = 0; i < argc; i++) {
		/* a pipe (<(...), -) can be read only once: its header is read
		 * with it, and its columns not in the first header dropped */
		if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		F = xq_calloc(1, sizeof *F);
		F->rd = xq_reader_open(argv[i], R->enc, 0);
		F->name = xq_basename(argv[i]);
		F->money_shift = 6;
		find_header(R, F);
		xq_reader_close(F->rd);
		free(F);
	}
	R->quiet = quiet;
	R->blanks = blanks;
}

static void
validate_file(struct run *R, const char *path)
{
	struct file *F = xq_calloc(1, sizeof *F);
	struct xq_ahead *ahead;
	struct xq_rec *r;
	int community = xq_schema_find(R->sc, "community"), i;

	F->rd = xq_reader_open(path, R->enc, 0);
	F->name = strcmp(path, "-") == 0 ? "-" : xq_basename(path);
	F->money_shift = 6;
	R->files++;
	find_header(R, F);
	if (F->head_problem)
		warn_row(R, F, F->head_line, "(header)", "W309", "%s at byte %ld",
		    F->head_problem, F->head_col);
	if (!R->header_done)
		write_header(R);
	if (strcmp(xq_reader_encoding(F->rd), "UTF-8") != 0 && !R->quiet)
		xq_warn("%s: read as %s%s", F->name, xq_reader_encoding(F->rd),
		    xq_reader_crlf(F->rd) ? ", CRLF" : "");
	ahead = xq_ahead_start(F->rd, NULL);
	while ((r = xq_ahead_next(ahead)) != NULL) {
		if (xq_rec_blank(r) && r->problem == NULL)
			R->blanks++;
		else if (totals_row(R, r, community >= 0 ? F->src[community] : -1))
			check_totals(R, F, r);
		else {
			check_record(R, F, r);
			F->data_rows++;
		}
	}
	xq_ahead_stop(ahead);
	for (i = 0; i < NTOTAL; i++)
		if (F->has_top[i])
			total_mismatch(R, F, F->top_line, i, F->top[i], F->sum[i], 0);
	R->blanks += xq_reader_blank_lines(F->rd);
	if (F->messages > MESSAGES_PER_FILE && !R->quiet)
		xq_warn("%s: %ld more problems not shown%s", F->name,
		    F->messages - MESSAGES_PER_FILE, R->rej ? " (all rejections are in "
		    "the rejects file)" : "");
	xq_reader_close(F->rd);
	free(F);
}

static void
write_header(struct run *R)
{
	size_t k;

	R->header_done = 1;
	xq_out_str(R->out, "source");
	xq_out_str(R->out, "line");
	for (k = 0; k < R->sc->ncol; k++)
		xq_out_str(R->out, R->sc->col[k].name);
	for (k = 0; k < (size_t)R->nextra; k++)
		xq_out_str(R->out, R->extra[k]);
	xq_out_end(R->out);
	if (R->rej) {
		const char *h[] = { "source", "line", "column", "value", "code",
			"message" };

		for (k = 0; k < 6; k++)
			xq_out_str(R->rej, h[k]);
		xq_out_end(R->rej);
	}
}

static void
find_columns(struct run *R)
{
	static const char *const funds[] = { "fund_central", "fund_provincial",
		"fund_local", "fund_bond", "fund_residents", "fund_utilities",
		"fund_owner_unit", "fund_social" };
	size_t i;

	if (R->sc->ncol > MAXCOL)
		xq_die(XQ_INPUT, "%s: more than %d columns", R->sc->name, MAXCOL);
	R->total_col[F_BUILDINGS] = xq_schema_find(R->sc, "buildings");
	R->total_col[F_HOUSEHOLDS] = xq_schema_find(R->sc, "households");
	R->total_col[F_AREA] = xq_schema_find(R->sc, "area_m2");
	R->total_col[F_INVESTMENT] = xq_schema_find(R->sc, "investment");
	R->col_code = xq_schema_find(R->sc, "county_code");
	R->col_county = xq_schema_find(R->sc, "county");
	R->col_city = xq_schema_find(R->sc, "city");
	R->col_year = xq_schema_find(R->sc, "build_year");
	R->col_plan_year = xq_schema_find(R->sc, "plan_year");
	R->col_start = xq_schema_find(R->sc, "start_date");
	R->col_done = xq_schema_find(R->sc, "completion_date");
	R->col_status = xq_schema_find(R->sc, "status");
	R->col_alloc = xq_schema_find(R->sc, "fund_allocated");
	R->col_spent = xq_schema_find(R->sc, "fund_spent");
	for (i = 0; i < 8; i++)
		if ((R->funds[R->nfunds] = xq_schema_find(R->sc, funds[i])) >= 0)
			R->nfunds++;
	R->year_re = xq_re_compile("^([0-9]{4}|[0-9]{2})(?:年|[-./])?(?:([0-9]{1,2})"
	    "(?:月|[-./])?(?:([0-9]{1,2})日?)?)?$", "year pattern");
	R->date_re = xq_re_compile("^(?:([0-9]{4})[-./年]([0-9]{1,2})[-./月]"
	    "([0-9]{1,2})日?|([0-9]{4})([0-9]{2})([0-9]{2}))(?: [0-9:]+)?$",
	    "date pattern");
	R->total_re = xq_re_compile("^[\\s\\x{3000}]*(?:全[省市县区州])?"
	    "(?:合\\s*计|总\\s*计|小\\s*计|其\\s*中)|^.{1,20}?(?:小|合)\\s*计$",
	    "totals pattern");
}

static enum xq_enc
parse_encoding(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return XQ_ENC_AUTO;
	if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		return XQ_ENC_UTF8;
	if (strcasecmp(s, "gb18030") == 0 || strcasecmp(s, "gbk") == 0 ||
	    strcasecmp(s, "gb2312") == 0)
		return XQ_ENC_GB18030;
	xq_die(XQ_USAGE, "-e: \"%s\" is not auto, utf-8 or gb18030", s);
}

static long
profile_year(const struct xq_profile *p)
{
	const char *s = xq_profile_setting(p, "plan_year");
	int64_t y;
	int inexact;

	if (xq_dec_parse(s, strlen(s), 0, &y, &inexact) != XQ_NUM_OK || inexact ||
	    y < 1949 || y > 2100)
		xq_die(XQ_INPUT, "%s/settings.csv: plan_year \"%s\" is not a year from "
		    /* p is not NULL: a NULL profile has no plan_year setting
		     * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		    "1949 to 2100", p->dir, s);
	return (long)y;
}

static void
summary(struct run *R)
{
	if (R->quiet)
		return;
	xq_warn("%ld file%s, %ld record%s: %ld valid, %ld rejected (%ld problem%s); "
	    "%ld totals row%s and %ld blank row%s dropped; %ld warning%s", R->files,
	    R->files == 1 ? "" : "s", R->records, R->records == 1 ? "" : "s",
	    R->valid, R->rejected, R->problems, R->problems == 1 ? "" : "s",
	    R->totals, R->totals == 1 ? "" : "s", R->blanks, R->blanks == 1 ? "" : "s",
	    R->warnings, R->warnings == 1 ? "" : "s");
}

/* Validates FILES (none: standard input) into one stream at OUT, and one
 * rejects file at REJ when it is not NULL; returns 1 when records were
 * rejected or warned about, else 0. */
static int
run_files(struct run *R, int n, char **files, const char *out, const char *rej,
    int excel)
{
	int i, flagged;

	R->files = R->records = R->valid = R->rejected = R->problems = 0;
	R->totals = R->blanks = R->warnings = 0;
	R->header_done = 0;
	R->out = xq_out_open(out, 0);
	R->rej = rej == NULL ? NULL : xq_out_open(rej, XQ_WRITE_EXCEL |
	    (excel ? XQ_WRITE_BOM_CRLF : 0));
	scan_headers(R, n, files);
	if (n == 0)
		validate_file(R, "-");
	for (i = 0; i < n; i++)
		validate_file(R, files[i]);
	if (R->rej)
		xq_out_close(R->rej);
	xq_out_close(R->out);
	summary(R);
	flagged = R->rejected || R->warnings;
	for (i = 0; i < R->nextra; i++)
		free(R->extra[i]);
	R->nextra = 0;
	return flagged;
}

/* ---- --each: every FILE a run of its own ---- */

/* What % stands for in the output names of --each: FILE's name without
 * its folder and its extension (东丰县 for submissions/东丰县.csv). */
static size_t
stem_len(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name);
}

/* PATTERN with every % replaced by FILE's stem (caller frees). */
static char *
each_path(const char *pattern, const char *file)
{
	const char *name = xq_basename(file), *p;
	size_t n = stem_len(name);
	struct xq_buf b = { 0 };

	for (p = pattern; *p != '\0'; p++) {
		if (*p == '%')
			xq_buf_add(&b, name, n);
		else
			xq_buf_addc(&b, *p);
	}
	xq_buf_str(&b);
	return b.p;
}

/* Orders pointers to operands by their stem, then by where they stand. */
static int
by_stem(const void *a, const void *b)
{
	char **const *p = a, **const *q = b;
	const char *x = xq_basename(**p), *y = xq_basename(**q);
	size_t m = stem_len(x), n = stem_len(y);
	int c = memcmp(x, y, m < n ? m : n);

	if (c == 0)
		c = (m > n) - (m < n);
	return c != 0 ? c : (*p > *q) - (*p < *q);
}

static int
same_stem(const char *a, const char *b)
{
	const char *x = xq_basename(a), *y = xq_basename(b);
	size_t n = stem_len(x);

	return n == stem_len(y) && memcmp(x, y, n) == 0;
}

/* The command line of --each, or a usage error (exit 2): every output
 * named with %, and no two FILEs that would write the same outputs. */
static void
check_each(int n, char **files, const char *out, const char *rej,
    const char *log)
{
	char ***sorted;   /* where the operands are, by stem */
	int i;

	if (out == NULL || strchr(out, '%') == NULL)
		xq_die(XQ_USAGE, "--each: -o must name the stream of each FILE, "
		    "with %% for its name (-o valid/%%.csv)");
	if ((rej != NULL && strchr(rej, '%') == NULL) ||
	    (log != NULL && strchr(log, '%') == NULL))
		xq_die(XQ_USAGE, "--each: -r and --log must have %% in them too, "
		    "for each FILE's name");
	if (n == 0)
		xq_die(XQ_USAGE, "--each: no FILE to validate");
	sorted = xq_malloc((size_t)n * sizeof *sorted);
	for (i = 0; i < n; i++) {
		if (strcmp(files[i], "-") == 0)
			xq_die(XQ_USAGE, "--each: standard input has no name for %%");
		sorted[i] = &files[i];
	}
	qsort(sorted, (size_t)n, sizeof *sorted, by_stem);
	for (i = 1; i < n; i++)
		if (same_stem(*sorted[i - 1], *sorted[i]))
			xq_die(XQ_USAGE, "--each: %s and %s would write the same files",
			    *sorted[i - 1], *sorted[i]);
	free(sorted);
}

/* Each FILE as if xq-validate were run on it alone, in one process: a
 * province's counties cost one start, not a hundred. */
static int
run_each(struct run *R, int n, char **files, const char *out, const char *rej,
    const char *log, int excel)
{
	int i, flagged = 0;
	char *o, *r;

	for (i = 0; i < n; i++) {
		if (log != NULL) {
			o = each_path(log, files[i]);
			xq_log_to(o);
			free(o);
		}
		o = each_path(out, files[i]);
		r = rej == NULL ? NULL : each_path(rej, files[i]);
		flagged |= run_files(R, 1, files + i, o, r, excel);
		free(o);
		free(r);
	}
	return flagged;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "excel", no_argument, NULL, 'X' },
		{ "max-field", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'L' },
		{ "exit-zero", no_argument, NULL, 'Z' },
		{ "each", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct run R = { 0 };
	const char *profile = NULL, *schema = "submission", *out = NULL, *rej = NULL;
	const char *log = NULL;
	int c, excel = 0, exit_zero = 0, each = 0, flagged;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "hVe:o:p:qr:s:y:", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': R.enc = parse_encoding(optarg); break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'q': R.quiet = 1; break;
		case 'r': rej = optarg; break;
		case 's': schema = optarg; break;
		case 'y': R.plan_year = xq_opt_long("-y", optarg, 1949, 2100); break;
		case 'X': excel = 1; break;
		case 'L': log = optarg; break;
		case 'Z': exit_zero = 1; break;
		case 'E': each = 1; break;
		case 'M': xq_max_field = (size_t)xq_opt_long("--max-field", optarg, 1024,
		    1L << 30); break;
		case 'V': xq_version();
		case 'h': xq_help(usage_text);
		default: xq_usage(usage_text);
		}
	}
	argc -= optind;
	argv += optind;

	if (each)
		check_each(argc, argv, out, rej, log);
	else if (log)
		xq_log_to(log);
	if (profile)
		R.prof = xq_profile_load(profile);
	if (R.plan_year == 0 && xq_profile_setting(R.prof, "plan_year"))
		R.plan_year = profile_year(R.prof);
	R.sc = xq_schema_load(schema, R.prof);
	find_columns(&R);
	load_limits(&R);
	if (each)
		flagged = run_each(&R, argc, argv, out, rej, log, excel);
	else
		flagged = run_files(&R, argc, argv, out, rej, excel);
	xq_re_free(R.year_re);
	xq_re_free(R.date_re);
	xq_re_free(R.total_re);
	xq_schema_free(R.sc);
	xq_profile_free(R.prof);
	return flagged && !exit_zero ? XQ_FLAGGED : XQ_OK;
}
