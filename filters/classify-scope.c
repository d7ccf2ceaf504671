/*
 * xq-classify-scope - decide which plan rows are in scope, check the gates,
 * and classify the renovation content.
 *
 * Scope comes from the build year (a cutoff, and an extended cutoff whose
 * rows may take only a share of a county's households), gates from the
 * profile (resident consent, and the preconditions of gates.csv), content
 * from the rules of rules.csv matched against the items of the 改造内容
 * cell. Every input column passes through unchanged; six are appended.
 * Rows out of scope or failing a gate go to the exceptions file instead of
 * the stream.
 *
 * The extended share needs each county's in-scope households before the
 * first extended row can be judged, so with an extended cutoff the input is
 * read twice: a regular file from its start again, standard input from a
 * copy in a temporary file. Memory stays constant either way.
 *
 * Reading is the shared reader's: a record on one plain line keeps its
 * line, which is copied out whole. --slow sends every line through libcsv,
 * and the tests compare the two.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "xq.h"

#define MESSAGES 50        /* per-record warnings shown */
#define TALLY_MAX 1000     /* distinct unmatched items counted */
#define TALLY_SHOWN 10

static const char *const usage_text =
"usage: xq-classify-scope [-q] [-p PROFILE] [-x EXCEPTIONS] [-m MATCHES]\n"
"                         [-o OUT] [--keep-all] [--print-rules] [--slow]\n"
"                         [--log FILE] [--exit-zero] [FILE]\n";

static const char *const appended[] = {
	"scope", "gate", "reasons", "categories", "tags", "unmatched"
};

enum scope { IN, EXTENDED, OUT };
static const char *const scope_name[] = { "in", "extended", "out" };

enum test { T_YES, T_GIVEN, T_MIN, T_MAX };

struct gate {
	const char *id, *column, *message, *bound_text;
	enum test test;
	int64_t bound;        /* in 1/10000 */
	int col;              /* in the input, or -1 */
};

struct group {            /* county (and plan year) of the extended share */
	char *key;
	int64_t in_hh, ext_hh;
};

struct tally {
	char *item;
	long count;
};

struct run {
	struct xq_profile *prof;
	struct xq_rules *rules;
	int quiet, keep_all, slow;

	/* settings */
	long cutoff, ext_cutoff;          /* ext_cutoff 0: none */
	int64_t share;                    /* millionths */
	char share_text[32];
	int consent_on;
	int64_t consent_num, consent_den; /* consent_pct * 10^4 * den >= num */
	char consent_text[32];
	struct xq_table *gates_table;
	struct gate *gate;
	size_t ngate;

	/* the input */
	const char *name;
	size_t nhead;
	int col_source, col_line, col_code, col_year, col_hh, col_items;
	int col_consent, col_plan_year;

	/* groups for the extended share (open addressing) */
	struct group *group;
	size_t ngroup, group_cap;

	struct xq_out *out, *exc, *match;

	/* the record being judged */
	enum scope scope;
	int failed;
	struct xq_buf reasons, cats, tags, unmatched, scratch;
	uint64_t cat_bits, tag_bits[XQ_MAX_TAGS / 64];
	const struct xq_rec *rec;
	size_t *cat_len, *tag_len;

	/* counts */
	long records, in, extended, out_scope, gate_fail, to_stream, to_exc;
	long items, unmatched_items, problems;
	struct tally *tally;
	size_t ntally;
	int tally_full;
};

/* ---- the source: a file or standard input, read once or twice ---- */

struct source {
	const char *name;
	int fd;
	off_t start;
	struct xq_reader *rd;
	struct xq_ahead *ahead;   /* the records after the header */
	int header_read;
	FILE *fp;
};

static void
source_open(struct source *src, const char *path, int twice)
{
	long at;

	src->name = strcmp(path, "-") == 0 ? "-" : xq_basename(path);
	src->fd = xq_open_input(path, twice, &at);
	src->start = at;
}

static void
source_rewind(struct source *src, int slow)
{
	int fd;

	if (lseek(src->fd, src->start, SEEK_SET) < 0 && src->start > 0)
		xq_die(XQ_IO, "%s: %s", src->name, strerror(errno));
	fd = dup(src->fd);
	if (fd < 0 || (src->fp = fdopen(fd, "rb")) == NULL)
		xq_die(XQ_IO, "%s: %s", src->name, strerror(errno));
	src->rd = xq_reader_fopen(src->fp, src->name, XQ_ENC_UTF8,
	    XQ_READ_STREAM | (slow ? XQ_READ_NOFAST : 0));
}

static struct xq_rec *
source_next(struct source *src, const char **raw, size_t *rawlen)
{
	struct xq_rec *r;

	/* the header from the reader, the records read ahead: started
	 * once the header has been used, as the thread reuses its record */
	if (src->ahead == NULL && src->header_read)
		src->ahead = xq_ahead_start(src->rd, NULL);
	if (src->ahead != NULL)
		r = xq_ahead_next(src->ahead);
	else {
		r = xq_reader_next(src->rd);
		src->header_read = 1;
	}
	*raw = r ? r->raw : NULL;
	*rawlen = r ? r->raw_len : 0;
	return r;
}

static void
source_end_pass(struct source *src)
{
	xq_ahead_stop(src->ahead);
	src->ahead = NULL;
	src->header_read = 0;
	xq_reader_close(src->rd);
	fclose(src->fp);
	src->rd = NULL;
}

/* ---- the profile ----------------------------------------------------- */

static void
bad_setting(struct run *R, const char *key, const char *v, const char *want)
{
	xq_die(XQ_INPUT, "%s/settings.csv: %s: \"%s\" is not %s", R->prof->dir, key,
	    v, want);
}

static long
year_setting(struct run *R, const char *key, long def, int none_ok)
{
	const char *v = xq_profile_setting(R->prof, key);
	char *end;
	long y;

	if (v == NULL || (*v == '\0' && none_ok))
		return def;
	if (none_ok && strcmp(v, "none") == 0)
		return 0;
	y = strtol(v, &end, 10);
	if (end == v || *end != '\0' || y < 1949 || y > 2100)
		bad_setting(R, key, v, none_ok ? "a year from 1949 to 2100 or none" :
		    "a year from 1949 to 2100");
	return y;
}

/* A decimal with its trailing zeros (and a bare point) cut off. */
static void
format_short(char *buf, int64_t v, int decimals)
{
	size_t n = (size_t)xq_dec_format(buf, v, decimals);

	if (strchr(buf, '.') == NULL)
		return;
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void
load_settings(struct run *R)
{
	const char *v;
	int64_t x;
	int inexact;
	size_t n;

	R->cutoff = year_setting(R, "build_year_cutoff", 2000, 0);
	R->ext_cutoff = year_setting(R, "extended_cutoff", 0, 1);
	if (R->ext_cutoff && R->ext_cutoff <= R->cutoff)
		xq_die(XQ_INPUT, "%s/settings.csv: extended_cutoff %ld is not after "
		    "build_year_cutoff %ld", R->prof->dir, R->ext_cutoff, R->cutoff);

	R->share = 150000;
	if ((v = xq_profile_setting(R->prof, "extended_household_share")) && *v) {
		n = strlen(v);
		if (n > 1 && v[n - 1] == '%') {
			if (xq_dec_parse(v, n - 1, 4, &x, &inexact) != XQ_NUM_OK || inexact)
				x = -1;
		} else if (xq_dec_parse(v, n, 6, &x, &inexact) != XQ_NUM_OK || inexact)
			x = -1;
		if (x < 0 || x > 1000000)
			bad_setting(R, "extended_household_share", v,
			    "a share from 0 to 1 (0.15) or a percentage (15%)");
		R->share = x;
	}
	format_short(R->share_text, R->share, 4);
	strcat(R->share_text, "%");   /* NOLINT(clang-analyzer-security.insecureAPI.strcpy): a number fits 32 */

	/* consent_min: a fraction (2/3), a percentage (66.67) or none */
	R->consent_on = 1;
	R->consent_num = 2 * 100 * 10000;
	R->consent_den = 3;
	strcpy(R->consent_text, "2/3");
	if ((v = xq_profile_setting(R->prof, "consent_min")) && *v) {
		long a, b;
		char *end;
		const char *slash = strchr(v, '/');

		if (strcmp(v, "none") == 0)
			R->consent_on = 0;
		else if (slash) {
			a = strtol(v, &end, 10);
			if (end != slash || a < 0 || a > 1000000)
				a = -1;
			b = strtol(slash + 1, &end, 10);
			if (a < 0 || *end != '\0' || b <= 0 || b > 1000000 || a > b)
				bad_setting(R, "consent_min", v, "a fraction (2/3), a "
				    "percentage (66.67) or none");
			R->consent_num = (int64_t)a * 100 * 10000;
			R->consent_den = b;
			snprintf(R->consent_text, sizeof R->consent_text, "%ld/%ld", a, b);
		} else {
			n = strlen(v);
			if (n > 1 && v[n - 1] == '%')
				n--;
			if (xq_dec_parse(v, n, 4, &x, &inexact) != XQ_NUM_OK || inexact ||
			    x < 0 || x > 100 * 10000)
				bad_setting(R, "consent_min", v, "a fraction (2/3), a "
				    "percentage (66.67) or none");
			R->consent_num = x;
			R->consent_den = 1;
			format_short(R->consent_text, x, 4);
			strcat(R->consent_text, "%");   /* NOLINT(clang-analyzer-security.insecureAPI.strcpy): a number fits 32 */
		}
	}
}

static void
load_gates(struct run *R)
{
	char *path = xq_profile_file(R->prof, "gates.csv");
	struct xq_table *t;
	int id, col, test, msg;
	size_t i, j;

	if (path == NULL)
		return;
	t = R->gates_table = xq_table_load(path);
	id = xq_table_need(t, "gate");
	col = xq_table_need(t, "column");
	test = xq_table_need(t, "test");
	msg = xq_table_need(t, "message");
	R->ngate = t->nrow;
	R->gate = xq_calloc(t->nrow, sizeof *R->gate);
	for (i = 0; i < t->nrow; i++) {
		struct gate *g = &R->gate[i];
		const char *v;
		int inexact;

		g->id = xq_table_get(t, i, id);
		g->column = xq_table_get(t, i, col);
		g->message = xq_table_get(t, i, msg);
		v = xq_table_get(t, i, test);
		if (*g->id == '\0' || strpbrk(g->id, ";:\n") || *g->column == '\0')
			xq_die(XQ_INPUT, "%s:%ld: a gate needs an id (no ; or :) and a "
			    "column", path, t->line[i]);
		if (strpbrk(g->message, ";\n"))
			xq_die(XQ_INPUT, "%s:%ld: a gate message may not hold a semicolon "
			    "or a line break", path, t->line[i]);
		for (j = 0; j < i; j++)
			if (strcmp(R->gate[j].id, g->id) == 0)
				xq_die(XQ_INPUT, "%s:%ld: gate %s is listed twice", path,
				    t->line[i], g->id);
		if (strcmp(v, "yes") == 0)
			g->test = T_YES;
		else if (strcmp(v, "given") == 0)
			g->test = T_GIVEN;
		else if ((strncmp(v, ">=", 2) == 0 || strncmp(v, "<=", 2) == 0) &&
		    xq_dec_parse(v + 2 + strspn(v + 2, " "), strlen(v + 2 +
		    strspn(v + 2, " ")), 4, &g->bound, &inexact) == XQ_NUM_OK) {
			g->test = v[0] == '>' ? T_MIN : T_MAX;
			g->bound_text = v + 2 + strspn(v + 2, " ");
		} else
			xq_die(XQ_INPUT, "%s:%ld: test \"%s\" is not yes, given, >=NUMBER "
			    "or <=NUMBER", path, t->line[i], v);
	}
	free(path);
}

/* ---- the header ------------------------------------------------------ */

static int
find(const struct xq_rec *h, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < h->nf; i++)
		if (h->len[i] == n && memcmp(h->f[i], name, n) == 0)
			return (int)i;
	return -1;
}

static int
need(struct run *R, const struct xq_rec *h, const char *name, const char *why)
{
	int c = find(h, name);

	if (c < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\"%s (is this the stream of "
		    "xq-validate?)", R->name, name, why);
	return c;
}

static void
read_header(struct run *R, const struct xq_rec *h, int first_pass)
{
	size_t i;

	for (i = 0; i < sizeof appended / sizeof *appended; i++)
		if (find(h, appended[i]) >= 0)
			xq_die(XQ_INPUT, "%s: the input has a column \"%s\" already "
			    "(was it classified before?)", R->name, appended[i]);
	R->nhead = h->nf;
	R->col_source = find(h, "source");
	R->col_line = find(h, "line");
	R->col_year = need(R, h, "build_year", "");
	R->col_items = need(R, h, "items", "");
	R->col_hh = R->ext_cutoff ? need(R, h, "households",
	    ", needed for the extended share") : find(h, "households");
	R->col_code = R->ext_cutoff ? need(R, h, "county_code",
	    ", needed for the extended share") : find(h, "county_code");
	R->col_plan_year = find(h, "plan_year");
	R->col_consent = find(h, "consent_pct");
	for (i = 0; i < R->ngate; i++) {
		R->gate[i].col = find(h, R->gate[i].column);
		if (R->gate[i].col < 0 && first_pass && !R->quiet)
			xq_warn("%s: no column \"%s\": every record fails gate %s", R->name,
			    R->gate[i].column, R->gate[i].id);
	}
}

static void
write_header(struct xq_out *o, const struct xq_rec *h)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < h->nf; i++)
		xq_out_field(o, h->f[i], h->len[i]);
	for (i = 0; i < sizeof appended / sizeof *appended; i++)
		xq_out_str(o, appended[i]);
	xq_out_end(o);
}

/* ---- judging a record ------------------------------------------------- */

static void
field(struct run *R, int col, const char **s, size_t *n)
{
	*s = xq_rec_get(R->rec, col);
	*n = xq_rec_len(R->rec, col);
}

__attribute__((format(printf, 3, 4)))
static void
reason(struct run *R, const char *id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++)   /* a value quoted from the row */
		if (msg[i] == ';' || msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	if (R->reasons.len > 0)
		xq_buf_addc(&R->reasons, ';');
	xq_buf_adds(&R->reasons, id);
	xq_buf_add(&R->reasons, ": ", 2);
	xq_buf_adds(&R->reasons, msg);
}

/* A value shown in a reason: at most 40 bytes, cut on a character. */
static int
shown(const char *s, size_t n)
{
	size_t k = n > 40 ? 40 : n;

	while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

static int
whole(const char *s, size_t n, int64_t *v)
{
	int inexact;

	return n > 0 && xq_dec_parse(s, n, 0, v, &inexact) == XQ_NUM_OK && !inexact;
}

static void
judge_scope(struct run *R, long *year)
{
	const char *s;
	size_t n, i;

	field(R, R->col_year, &s, &n);
	*year = 0;
	for (i = 0; i < n && i < 4 && s[i] >= '0' && s[i] <= '9'; i++)
		*year = *year * 10 + (s[i] - '0');
	if (n != 4 || i != n) {
		R->scope = OUT;
		if (n == 0)
			reason(R, "scope", "no build year");
		else
			reason(R, "scope", "build year \"%.*s\" is not a year", shown(s, n),
			    s);
		return;
	}
	if (*year <= R->cutoff)
		R->scope = IN;
	else if (R->ext_cutoff && *year <= R->ext_cutoff)
		R->scope = EXTENDED;
	else {
		R->scope = OUT;
		if (R->ext_cutoff)
			reason(R, "scope", "built %ld, after the extended cutoff %ld", *year,
			    R->ext_cutoff);
		else
			reason(R, "scope", "built %ld, after the cutoff %ld", *year,
			    R->cutoff);
	}
}

static void
judge_consent(struct run *R)
{
	const char *s;
	size_t n;
	int64_t v;
	int inexact;

	if (!R->consent_on || R->col_consent < 0)
		return;
	field(R, R->col_consent, &s, &n);
	if (n == 0)
		return;   /* not given: only a gates.csv row can require it */
	if (xq_dec_parse(s, n, 4, &v, &inexact) != XQ_NUM_OK) {
		R->failed = 1;
		reason(R, "consent", "consent_pct \"%.*s\" is not a percentage",
		    shown(s, n), s);
	} else if (v * R->consent_den < R->consent_num) {
		R->failed = 1;
		reason(R, "consent", "%.*s%% of residents agree, below %s", (int)n, s,
		    R->consent_text);
	}
}

static void
judge_gates(struct run *R)
{
	size_t i;

	for (i = 0; i < R->ngate; i++) {
		const struct gate *g = &R->gate[i];
		const char *s;
		size_t n;
		int64_t v;
		int inexact;

		field(R, g->col, &s, &n);
		if (n == 0) {
			R->failed = 1;
			reason(R, g->id, "%s (%s not given)", g->message, g->column);
			continue;
		}
		switch (g->test) {
		case T_GIVEN:
			continue;
		case T_YES:
			if (n == 1 && s[0] == '1')
				continue;
			break;
		case T_MIN:
		case T_MAX:
			if (xq_dec_parse(s, n, 4, &v, &inexact) != XQ_NUM_OK)
				break;
			if (g->test == T_MIN ? v >= g->bound : v <= g->bound)
				continue;
			R->failed = 1;
			reason(R, g->id, "%s (%s is %.*s, %s %s)", g->message, g->column,
			    shown(s, n), s, g->test == T_MIN ? "below" : "above",
			    g->bound_text);
			continue;
		}
		R->failed = 1;
		reason(R, g->id, "%s (%s is %.*s)", g->message, g->column, shown(s, n),
		    s);
	}
}

/* Scope (before the extended share) and gates of R->rec. */
static void
judge(struct run *R, const struct xq_rec *r, long *year)
{
	R->rec = r;
	R->failed = 0;
	R->reasons.len = 0;
	if (r->problem) {
		R->failed = 1;
		reason(R, "input", "%s at line %ld, byte %ld", r->problem,
		    r->problem_line, r->problem_col);
	} else if (r->nf > R->nhead) {
		R->failed = 1;
		reason(R, "input", "%zu fields, the header has %zu", r->nf, R->nhead);
	}
	judge_scope(R, year);
	judge_consent(R);
	judge_gates(R);
}

/* ---- the extended share ---------------------------------------------- */

static uint32_t
key_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The group of the record: its county_code and plan_year. */
static struct group *
group_of(struct run *R)
{
	const char *code, *year;
	size_t cn, yn, i;
	struct group *g;

	field(R, R->col_code, &code, &cn);
	field(R, R->col_plan_year, &year, &yn);
	R->scratch.len = 0;
	xq_buf_add(&R->scratch, code, cn);
	xq_buf_addc(&R->scratch, '\t');
	xq_buf_add(&R->scratch, year, yn);
	xq_buf_str(&R->scratch);
	if (R->ngroup * 2 >= R->group_cap) {
		struct group *old = R->group;
		size_t oldcap = R->group_cap;

		R->group_cap = oldcap ? oldcap * 2 : 1024;
		R->group = xq_calloc(R->group_cap, sizeof *R->group);
		for (i = 0; i < oldcap; i++) {
			size_t k;

			if (old[i].key == NULL)
				continue;
			k = key_hash(old[i].key, strlen(old[i].key)) & (R->group_cap - 1);
			while (R->group[k].key)
				k = (k + 1) & (R->group_cap - 1);
			R->group[k] = old[i];
		}
		free(old);
	}
	i = key_hash(R->scratch.p, R->scratch.len) & (R->group_cap - 1);
	for (g = &R->group[i]; g->key; g = &R->group[i]) {
		if (strcmp(g->key, R->scratch.p) == 0)
			return g;
		i = (i + 1) & (R->group_cap - 1);
	}
	g->key = xq_strdup(R->scratch.p);
	R->ngroup++;
	return g;
}

/* An extended, gate-passing row is admitted while the extended households
 * of its group stay within the share of the group's plan: E <= s (I + E),
 * that is E (1 - s) <= s I, in input order. */
static void
extended_share(struct run *R, long year)
{
	const char *s, *code, *py;
	size_t n, cn, pn;
	int64_t hh;
	struct group *g;
	char where[96];

	field(R, R->col_hh, &s, &n);
	if (!whole(s, n, &hh) || hh < 0) {
		R->scope = OUT;
		reason(R, "extended_cap", "built %ld, and without a number of "
		    "households the share cannot be checked", year);
		return;
	}
	g = group_of(R);
	if ((g->ext_hh + hh) * (1000000 - R->share) <= R->share * g->in_hh) {
		g->ext_hh += hh;
		return;
	}
	field(R, R->col_code, &code, &cn);
	field(R, R->col_plan_year, &py, &pn);
	snprintf(where, sizeof where, "%.*s%s%.*s", shown(code, cn), code,
	    pn ? " in " : "", shown(py, pn), py);
	R->scope = OUT;
	reason(R, "extended_cap", "built %ld, its %lld households would take the "
	    "extended scope of %s past %s of the households", year, (long long)hh,
	    where, R->share_text);
}

static void
count_in_scope(struct run *R)
{
	const char *s;
	size_t n;
	int64_t hh;

	field(R, R->col_hh, &s, &n);
	if (whole(s, n, &hh) && hh > 0)
		group_of(R)->in_hh += hh;
}

/* ---- classification -------------------------------------------------- */

static void
tally(struct run *R, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < R->ntally; i++)
		if (strlen(R->tally[i].item) == n && memcmp(R->tally[i].item, s, n) == 0) {
			R->tally[i].count++;
			return;
		}
	if (R->ntally == TALLY_MAX) {
		R->tally_full = 1;
		return;
	}
	if (R->ntally % 64 == 0)
		R->tally = xq_realloc(R->tally, (R->ntally + 64) * sizeof *R->tally);
	R->tally[R->ntally].item = xq_strndup(s, n);
	R->tally[R->ntally++].count = 1;
}

static void
unmatched(struct run *R, const char *s, size_t n)
{
	if (R->unmatched.len > 0)
		xq_buf_addc(&R->unmatched, ';');
	xq_buf_add(&R->unmatched, s, n);
	R->unmatched_items++;
	tally(R, s, n);
}

static void
provenance(struct run *R, struct xq_out *o)
{
	const struct xq_rec *r = R->rec;

	if (R->col_source >= 0)
		xq_out_field(o, xq_rec_get(r, R->col_source), xq_rec_len(r, R->col_source));
	else
		xq_out_str(o, R->name);
	if (R->col_line >= 0)
		xq_out_field(o, xq_rec_get(r, R->col_line), xq_rec_len(r, R->col_line));
	else
		xq_out_long(o, r->line);
}

struct explain {
	struct run *R;
	const char *item;
	size_t n;
};

static void
explain_rule(const struct xq_rule *rule, void *arg)
{
	struct explain *e = arg;
	struct run *R = e->R;

	R->cat_bits |= UINT64_C(1) << rule->cat;
	if (rule->tag >= 0)
		R->tag_bits[rule->tag / 64] |= UINT64_C(1) << (rule->tag % 64);
	provenance(R, R->match);
	xq_out_field(R->match, e->item, e->n);
	xq_out_str(R->match, R->rules->cat[rule->cat]);
	xq_out_str(R->match, rule->tag >= 0 ? R->rules->tag[rule->tag] : "");
	xq_out_str(R->match, rule->where);
	xq_out_end(R->match);
}

static void
on_item(const char *s, size_t n, void *arg)
{
	struct run *R = arg;
	const struct xq_match *m;
	struct explain e = { R, s, n };
	size_t i;

	R->items++;
	if (R->match) {
		if (xq_rules_each(R->rules, s, n, explain_rule, &e) > 0)
			return;
		provenance(R, R->match);
		xq_out_field(R->match, s, n);
		xq_out_str(R->match, "");
		xq_out_str(R->match, "");
		xq_out_str(R->match, "");
		xq_out_end(R->match);
		unmatched(R, s, n);
		return;
	}
	m = xq_rules_classify(R->rules, s, n);
	if (!m->matched) {
		unmatched(R, s, n);
		return;
	}
	R->cat_bits |= m->cats;
	for (i = 0; i < XQ_MAX_TAGS / 64; i++)
		R->tag_bits[i] |= m->tags[i];
}

/* The ids whose bits are set, joined by semicolons, into B (made big
 * enough for all of them by ids_setup). */
static void
id_list(struct xq_buf *b, char **ids, const size_t *len, size_t words,
    const uint64_t *bits)
{
	size_t w;
	uint64_t m;

	b->len = 0;
	for (w = 0; w < words; w++)
		for (m = bits[w]; m; m &= m - 1) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(m);

			if (b->len > 0)
				b->p[b->len++] = ';';
			memcpy(b->p + b->len, ids[i], len[i]);
			b->len += len[i];
		}
}

static size_t *
ids_setup(struct xq_buf *b, char **ids, size_t n)
{
	size_t *len = xq_calloc(n, sizeof *len), i, total = 1;

	for (i = 0; i < n; i++)
		total += (len[i] = strlen(ids[i])) + 1;
	if (b->cap < total) {
		b->p = xq_realloc(b->p, total);
		b->cap = total;
	}
	return len;
}

static void
classify(struct run *R)
{
	const char *s;
	size_t n;

	R->cat_bits = 0;
	memset(R->tag_bits, 0, sizeof R->tag_bits);
	R->unmatched.len = 0;
	field(R, R->col_items, &s, &n);
	xq_items_split(s, n, on_item, R);
	id_list(&R->cats, R->rules->cat, R->cat_len, 1, &R->cat_bits);
	id_list(&R->tags, R->rules->tag, R->tag_len, XQ_MAX_TAGS / 64, R->tag_bits);
}

/* ---- writing ---------------------------------------------------------- */

/* The input fields: a plain line is its own stream form, and is copied
 * whole; any other record is written field by field. */
static void
write_row(struct run *R, struct xq_out *o, const char *raw, size_t rawlen)
{
	const struct xq_rec *r = R->rec;
	size_t i;

	if (raw && r->nf == R->nhead && o->nfield == 0 && rawlen <= sizeof o->buf) {
		if (rawlen > sizeof o->buf - o->len)
			xq_out_flush(o);
		memcpy(o->buf + o->len, raw, rawlen);
		o->len += rawlen;
		o->nfield = (int)r->nf;
	} else {
		for (i = 0; i < R->nhead; i++)   /* a surplus is in the reasons */
			xq_out_field(o, xq_rec_get(r, (int)i), xq_rec_len(r, (int)i));
	}
	xq_out_plain(o, scope_name[R->scope], R->scope == EXTENDED ? 8 : R->scope
	    == IN ? 2 : 3);
	xq_out_plain(o, R->failed ? "fail" : "pass", 4);
	xq_out_field(o, R->reasons.p, R->reasons.len);
	xq_out_plain(o, R->cats.p, R->cats.len);   /* ids need no quoting */
	xq_out_plain(o, R->tags.p, R->tags.len);
	xq_out_field(o, R->unmatched.p, R->unmatched.len);
	xq_out_end(o);
}

static void
process(struct run *R, const struct xq_rec *r, const char *raw, size_t rawlen)
{
	long year;

	R->records++;
	judge(R, r, &year);
	if (r->problem && ++R->problems <= MESSAGES && !R->quiet)
		xq_warn("%s:%ld: %s (byte %ld of line %ld)", R->name, r->line,
		    r->problem, r->problem_col, r->problem_line);
	else if (r->nf > R->nhead && ++R->problems <= MESSAGES && !R->quiet)
		xq_warn("%s:%ld: %zu fields, the header has %zu", R->name, r->line,
		    r->nf, R->nhead);
	if (R->scope == EXTENDED && !R->failed)
		extended_share(R, year);
	classify(R);
	R->in += R->scope == IN;
	R->extended += R->scope == EXTENDED;
	R->out_scope += R->scope == OUT;
	R->gate_fail += R->failed;
	if (R->scope == OUT || R->failed) {
		R->to_exc++;
		if (R->exc)
			write_row(R, R->exc, raw, rawlen);
		if (!R->keep_all)
			return;
	}
	R->to_stream++;
	write_row(R, R->out, raw, rawlen);
}

/* First of two passes: the in-scope households of each group. */
static void
count_pass(struct run *R, struct source *src)
{
	struct xq_rec *r;
	const char *raw;
	size_t rawlen;
	long year;

	source_rewind(src, R->slow);
	if ((r = source_next(src, &raw, &rawlen)) == NULL)
		xq_die(XQ_INPUT, "%s: empty input, a header line was expected", R->name);
	read_header(R, r, 1);
	while ((r = source_next(src, &raw, &rawlen)) != NULL) {
		judge(R, r, &year);
		if (R->scope == IN && !R->failed)
			count_in_scope(R);
	}
	source_end_pass(src);
}

static void
main_pass(struct run *R, struct source *src)
{
	struct xq_rec *r;
	const char *raw;
	size_t rawlen;

	source_rewind(src, R->slow);
	if ((r = source_next(src, &raw, &rawlen)) == NULL)
		xq_die(XQ_INPUT, "%s: empty input, a header line was expected", R->name);
	read_header(R, r, !R->ext_cutoff);
	write_header(R->out, r);
	write_header(R->exc, r);
	if (R->match) {
		static const char *const head[] = { "source", "line", "item",
			"category", "tag", "rule" };
		size_t i;

		for (i = 0; i < 6; i++)
			xq_out_str(R->match, head[i]);
		xq_out_end(R->match);
	}
	while ((r = source_next(src, &raw, &rawlen)) != NULL)
		process(R, r, raw, rawlen);
	source_end_pass(src);
}

/* ---- the end ---------------------------------------------------------- */

static int
by_count(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->item, y->item);
}

static void
summary(struct run *R)
{
	struct xq_buf b = { 0 };
	size_t i;
	char line[160];

	if (R->quiet)
		return;
	xq_warn("%ld records: %ld in scope, %ld extended, %ld out; %ld failed a gate; "
	    "%ld to the stream, %ld to exceptions%s; %ld items, %ld matched no rule",
	    R->records, R->in, R->extended, R->out_scope, R->gate_fail, R->to_stream,
	    R->to_exc, R->keep_all && R->to_exc ? " (kept in the stream too)" : "",
	    R->items, R->unmatched_items);
	if (R->ntally == 0)
		return;
	qsort(R->tally, R->ntally, sizeof *R->tally, by_count);
	for (i = 0; i < R->ntally && i < TALLY_SHOWN; i++) {
		snprintf(line, sizeof line, "%s%s (%ld)", i ? ", " : "", R->tally[i].item,
		    R->tally[i].count);
		xq_buf_adds(&b, line);
	}
	if (R->ntally > TALLY_SHOWN || R->tally_full) {
		snprintf(line, sizeof line, ", and %s%zu more", R->tally_full ?
		    "at least " : "", R->ntally - i);
		xq_buf_adds(&b, line);
	}
	xq_warn("unmatched items, most frequent first: %s", xq_buf_str(&b));
	xq_buf_free(&b);
}

static void
print_rules(struct run *R)
{
	struct xq_out *o = xq_out_open(NULL, 0);
	size_t i;

	xq_out_str(o, "category");
	xq_out_str(o, "tag");
	xq_out_str(o, "pattern");
	xq_out_end(o);
	for (i = 0; i < R->rules->nrule; i++) {
		const struct xq_rule *r = &R->rules->rule[i];

		xq_out_str(o, R->rules->cat[r->cat]);
		xq_out_str(o, r->tag >= 0 ? R->rules->tag[r->tag] : "");
		xq_out_str(o, r->pattern);
		xq_out_end(o);
	}
	xq_out_close(o);
}

static void
run_free(struct run *R)
{
	size_t i;

	for (i = 0; i < R->group_cap; i++)
		free(R->group[i].key);
	free(R->group);
	for (i = 0; i < R->ntally; i++)
		free(R->tally[i].item);
	free(R->tally);
	free(R->gate);
	free(R->cat_len);
	free(R->tag_len);
	xq_table_free(R->gates_table);
	xq_rules_free(R->rules);
	xq_profile_free(R->prof);
	xq_buf_free(&R->reasons);
	xq_buf_free(&R->cats);
	xq_buf_free(&R->tags);
	xq_buf_free(&R->unmatched);
	xq_buf_free(&R->scratch);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "keep-all", no_argument, NULL, 'K' },
		{ "print-rules", no_argument, NULL, 'P' },
		{ "slow", no_argument, NULL, 'S' },
		{ "log", required_argument, NULL, 'L' },
		{ "exit-zero", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	struct run R = { 0 };
	struct source src = { 0 };
	const char *profile = NULL, *out = NULL, *exc = NULL, *match = NULL;
	const char *log = NULL;
	int c, print = 0, exit_zero = 0, status;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "hm:o:p:qx:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': match = optarg; break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'q': R.quiet = 1; break;
		case 'x': exc = optarg; break;
		case 'K': R.keep_all = 1; break;
		case 'P': print = 1; break;
		case 'S': R.slow = 1; break;
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

	if (log)
		xq_log_to(log);
	if (profile)
		R.prof = xq_profile_load(profile);
	else
		R.prof = NULL;
	R.rules = xq_rules_load(R.prof);
	if (print) {
		print_rules(&R);
		run_free(&R);
		return XQ_OK;
	}
	if (R.prof) {
		load_settings(&R);
		load_gates(&R);
	} else {
		R.cutoff = 2000;
		R.share = 150000;
		R.consent_on = 1;
		R.consent_num = 2 * 100 * 10000;
		R.consent_den = 3;
		strcpy(R.consent_text, "2/3");
	}

	R.cat_len = ids_setup(&R.cats, R.rules->cat, R.rules->ncat);
	R.tag_len = ids_setup(&R.tags, R.rules->tag, R.rules->ntag);
	source_open(&src, argc ? argv[0] : "-", R.ext_cutoff != 0);
	R.name = src.name;
	R.out = xq_out_open(out, 0);
	if (exc)
		R.exc = xq_out_open(exc, 0);
	if (match)
		R.match = xq_out_open(match, 0);
	if (R.ext_cutoff)
		count_pass(&R, &src);
	main_pass(&R, &src);
	if (src.fd != 0)
		close(src.fd);
	if (R.match)
		xq_out_close(R.match);
	if (R.exc)
		xq_out_close(R.exc);
	xq_out_close(R.out);
	summary(&R);
	status = R.to_exc > 0 && !exit_zero ? XQ_FLAGGED : XQ_OK;
	run_free(&R);
	return status;
}
