/*
 * reader.c - whole records with their provenance, over libcsv.
 *
 * The input is read one physical line at a time: that is how line numbers
 * are known (libcsv has none) and where decoding happens, since a LF byte
 * never occurs inside a UTF-8 or GB18030 character. Each line, with its CR
 * dropped, is given to libcsv followed by a lone LF, the only terminator
 * we let libcsv see; a record is complete when libcsv says so. A line that
 * starts a record and holds no quote is split on commas directly, and one
 * whose quotes open and close on it is unquoted directly: libcsv would give
 * the same fields (we turn its trimming off), only slower.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "xq.h"

#define DETECT_WINDOW 65536
#define MAX_LINE (64UL << 20)

size_t xq_max_field = 1UL << 20;

struct xq_reader {
	FILE *fp;
	int own_fp;
	char *name;
	int flags;
	enum xq_enc enc;
	const char *enc_name;
	int crlf;
	iconv_t cd;

	char *in;                /* raw bytes read, not yet consumed */
	size_t in_pos, in_len, in_cap;
	int64_t consumed;        /* bytes of the input before in[0] */
	int eof, started;

	struct xq_buf dec;       /* a decoded line, when it had to be copied */
	long lineno, blank;
	const char *line_problem; /* what was wrong with the last line read */
	long line_problem_col;

	struct csv_parser csv;
	int rec_open, rec_done;
	struct xq_rec rec;
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
lf_only(unsigned char c)
{
	return c == '\n';
}

static void
csv_start(struct xq_reader *r)
{
	if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
		xq_die(XQ_IO, "out of memory");
	csv_set_space_func(&r->csv, no_space);
	csv_set_term_func(&r->csv, lf_only);
	csv_set_blk_size(&r->csv, 64 * 1024);
}

/* ---- records ---- */

static void
rec_clear(struct xq_rec *rec)
{
	rec->raw = NULL;
	rec->raw_len = 0;
	rec->nf = 0;
	rec->data.len = 0;
	rec->problem = NULL;
	rec->problem_col = rec->problem_line = 0;
}

/* Room for K more fields. */
static inline void
rec_room(struct xq_rec *rec, size_t k)
{
	if (rec->nf + k <= rec->cap)
		return;
	while (rec->cap < rec->nf + k)
		rec->cap = rec->cap ? rec->cap * 2 : 32;
	rec->off = xq_realloc(rec->off, rec->cap * sizeof *rec->off);
	rec->len = xq_realloc(rec->len, rec->cap * sizeof *rec->len);
	rec->f = xq_realloc(rec->f, rec->cap * sizeof *rec->f);
}

/* A field copied into the record's own buffer (libcsv's path). */
static void
rec_add(struct xq_rec *rec, const char *s, size_t n)
{
	rec_room(rec, 1);
	rec->off[rec->nf] = rec->data.len;
	rec->len[rec->nf] = n;
	xq_buf_add(&rec->data, s, n);
	xq_buf_addc(&rec->data, '\0');
	rec->nf++;
}

/* Points the fields at their bytes; COPIED says they are in rec->data. */
static void
rec_finish(struct xq_reader *r, int copied)
{
	struct xq_rec *rec = &r->rec;
	int escapes = (r->flags & XQ_READ_STREAM) && (rec->raw == NULL ||
	    memchr(rec->raw, '\\', rec->raw_len) != NULL);
	size_t i;

	if (copied)
		for (i = 0; i < rec->nf; i++)
			rec->f[i] = rec->data.p + rec->off[i];
	if (escapes)
		for (i = 0; i < rec->nf; i++)
			if (memchr(rec->f[i], '\\', rec->len[i])) {
				rec->len[i] = xq_unescape(rec->f[i], rec->len[i]);
				rec->f[i][rec->len[i]] = '\0';
			}
}

static void
rec_problem(struct xq_reader *r, const char *what, long col)
{
	if (r->rec.problem)
		return;
	r->rec.problem = what;
	r->rec.problem_line = r->lineno;
	r->rec.problem_col = col;
}

static void check_field_size(struct xq_reader *r, size_t n);

static void
on_field(void *s, size_t n, void *data)
{
	struct xq_reader *r = data;

	check_field_size(r, n);
	rec_add(&r->rec, s ? s : "", n);
}

static void
on_record(int c, void *data)
{
	struct xq_reader *r = data;

	(void)c;
	r->rec_done = 1;
}

/* ---- raw lines ---- */

static void
fill(struct xq_reader *r)
{
	size_t got;

	if (r->in_pos > 0) {
		r->consumed += (int64_t)r->in_pos;
		memmove(r->in, r->in + r->in_pos, r->in_len - r->in_pos);
		r->in_len -= r->in_pos;
		r->in_pos = 0;
	}
	if (r->in_len + 1 >= r->in_cap) {
		if (r->in_cap >= MAX_LINE)
			xq_die(XQ_INPUT, "%s:%ld: a line longer than %lu MiB", r->name,
			    r->lineno + 1, MAX_LINE >> 20);
		r->in_cap *= 2;
		r->in = xq_realloc(r->in, r->in_cap);
	}
	/* one byte is kept spare, so a line's end can always take a NUL */
	got = fread(r->in + r->in_len, 1, r->in_cap - r->in_len - 1, r->fp);
	r->in_len += got;
	if (got == 0) {
		if (ferror(r->fp))
			xq_die(XQ_IO, "%s: read error: %s", r->name, strerror(errno));
		r->eof = 1;
	}
}

/* Sets *line to the next physical line without its LF; 0 at end of input. */
static int
next_raw_line(struct xq_reader *r, char **line, size_t *n)
{
	char *nl;
	size_t scanned = 0;

	for (;;) {
		nl = memchr(r->in + r->in_pos + scanned, '\n',
		    r->in_len - r->in_pos - scanned);
		if (nl != NULL || r->eof)
			break;
		scanned = r->in_len - r->in_pos;
		fill(r);
	}
	if (nl == NULL && r->in_pos == r->in_len)
		return 0;
	*line = r->in + r->in_pos;
	*n = nl ? (size_t)(nl - *line) : r->in_len - r->in_pos;
	r->in_pos += *n + (nl != NULL);
	r->lineno++;
	return 1;
}

/* ---- decoding ---- */

/* A well-formed 3-byte sequence (no overlong form, no surrogate), tested
 * with one masked compare: CJK text is mostly these. P has 4 readable
 * bytes. */
static inline int
three_byte_ok(const unsigned char *p)
{
	uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;

	if ((w & 0xC0C0F0) != 0x8080E0)
		return 0;
	if (p[0] == 0xE0)
		return p[1] >= 0xA0;
	return p[0] != 0xED || p[1] < 0xA0;
}

/* Length of the valid UTF-8 prefix of S. */
static size_t
utf8_valid_prefix(const char *s, size_t n)
{
	size_t i = 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	while (i < n) {
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if (i + 3 <= n && three_byte_ok((const unsigned char *)s + i)) {
			i += 3;
			while (i + 3 <= n && three_byte_ok((const unsigned char *)s + i))
				i += 3;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		if (k < 0)
			return i;
		i += (size_t)k;
	}
	return n;
}

/* Invalid sequences in the detection window, read as UTF-8. */
static size_t
utf8_errors(const char *s, size_t n, int at_eof)
{
	size_t errors = 0, valid;

	while ((valid = utf8_valid_prefix(s, n)) < n) {
		if (!at_eof && n - valid < 4)
			break;   /* a character cut by the end of the window */
		errors++;
		s += valid + 1;
		n -= valid + 1;
	}
	return errors;
}

/* The same, read as GB18030. */
static size_t
gb18030_errors(struct xq_reader *r, const char *s, size_t n, int at_eof)
{
	char out[4096];
	char *ip = (char *)s, *op;
	size_t il = n, ol, errors = 0;

	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		op = out;
		ol = sizeof out;
		if (iconv(r->cd, &ip, &il, &op, &ol) != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL && !at_eof)
			break;
		errors++;
		ip++;
		il--;
	}
	return errors;
}

static void
open_iconv(struct xq_reader *r)
{
	r->cd = iconv_open("UTF-8", "GB18030");
	if (r->cd == (iconv_t)-1)
		xq_die(XQ_INPUT, "%s: this system cannot decode GB18030: %s",
		    r->name, strerror(errno));
}

/* Looks at the start of the input: BOM, then strict UTF-8, then GB18030. */
static void
detect(struct xq_reader *r)
{
	size_t bad_u;

	while (!r->eof && r->in_len < DETECT_WINDOW)
		fill(r);
	if (r->in_len >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0) {
		r->in_pos = 3;
		r->enc = XQ_ENC_UTF8;
		r->enc_name = "UTF-8 with BOM";
		return;
	}
	/* Strict UTF-8 first: GB18030 takes almost any bytes. A window with
	 * errors either way goes to the reading with fewer (one bad byte pair
	 * in a GB18030 file must not make it "UTF-8"). */
	if (r->enc == XQ_ENC_AUTO) {
		bad_u = utf8_errors(r->in, r->in_len, r->eof);
		r->enc = XQ_ENC_UTF8;
		if (bad_u > 0) {
			open_iconv(r);
			if (gb18030_errors(r, r->in, r->in_len, r->eof) < bad_u)
				r->enc = XQ_ENC_GB18030;
		}
	}
	if (r->enc == XQ_ENC_GB18030) {
		if (r->cd == (iconv_t)-1)
			open_iconv(r);
		r->enc_name = "GB18030";
	} else
		r->enc_name = "UTF-8";
}

static const char *bad_utf8 = "invalid UTF-8 byte sequence";
static const char *bad_gb = "invalid GB18030 byte sequence";
static const char *nul_byte = "NUL byte";

static void
line_problem(struct xq_reader *r, const char *what, long col)
{
	if (r->line_problem == NULL) {
		r->line_problem = what;
		r->line_problem_col = col;
	}
}

/* Copies a line into r->dec, replacing each invalid sequence with U+FFFD. */
static void
repair_utf8(struct xq_reader *r, const char *s, size_t n, size_t valid)
{
	const char *start = s;

	r->dec.len = 0;
	while (valid < n) {
		xq_buf_add(&r->dec, s, valid);
		line_problem(r, bad_utf8, (long)(s - start) + (long)valid + 1);
		xq_buf_add(&r->dec, "\xEF\xBF\xBD", 3);
		s += valid + 1;
		n -= valid + 1;
		valid = utf8_valid_prefix(s, n);
	}
	xq_buf_add(&r->dec, s, n);
}

static void
decode_gb18030(struct xq_reader *r, const char *s, size_t n)
{
	char *ip = (char *)s, *op;
	size_t il = n, ol;

	r->dec.len = 0;
	iconv(r->cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		if (r->dec.cap - r->dec.len < il * 2 + 8) {
			xq_buf_add(&r->dec, "", 0);
			r->dec.cap = r->dec.len + il * 2 + 64;
			r->dec.p = xq_realloc(r->dec.p, r->dec.cap);
		}
		op = r->dec.p + r->dec.len;
		ol = r->dec.cap - r->dec.len - 1;
		if (iconv(r->cd, &ip, &il, &op, &ol) != (size_t)-1) {
			r->dec.len = (size_t)(op - r->dec.p);
			break;
		}
		r->dec.len = (size_t)(op - r->dec.p);
		if (errno == E2BIG)
			continue;
		line_problem(r, bad_gb, (long)(ip - s) + 1);
		xq_buf_add(&r->dec, "\xEF\xBF\xBD", 3);
		ip++;
		il--;
	}
}

/* The next physical line as bytes, without CR LF. */
static int
read_line(struct xq_reader *r, char **raw, size_t *rn)
{
	r->line_problem = NULL;
	if (!next_raw_line(r, raw, rn))
		return 0;
	if (*rn > 0 && (*raw)[*rn - 1] == '\r') {
		(*rn)--;
		if (r->lineno == 1)
			r->crlf = 1;
	}
	return 1;
}

/* The line decoded to UTF-8: NULs and invalid sequences are replaced and
 * recorded as the line's problem. */
static void
decode_line(struct xq_reader *r, char *raw, size_t rn, char **line, size_t *n)
{
	char *nul;
	size_t valid;

	if ((nul = memchr(raw, '\0', rn)) != NULL) {
		line_problem(r, nul_byte, (long)(nul - raw) + 1);
		for (; nul; nul = memchr(nul, '\0', rn - (size_t)(nul - raw)))
			*nul = ' ';
	}
	if (r->enc == XQ_ENC_GB18030) {
		decode_gb18030(r, raw, rn);
		xq_buf_str(&r->dec);   /* room for a NUL after the line */
		*line = r->dec.p;
		*n = r->dec.len;
		return;
	}
	valid = utf8_valid_prefix(raw, rn);
	if (valid == rn) {
		*line = raw;
		*n = rn;
		return;
	}
	repair_utf8(r, raw, rn, valid);
	xq_buf_str(&r->dec);
	*line = r->dec.p;
	*n = r->dec.len;
}

/* ---- parsing ---- */

static void
check_field_size(struct xq_reader *r, size_t n)
{
	if (n > xq_max_field)
		xq_die(XQ_INPUT, "%s:%ld: a field longer than %zu bytes (is a closing "
		    "quote missing?)", r->name, r->rec.line, xq_max_field);
}

static void
field_at(struct xq_reader *r, char *s, size_t n)
{
	struct xq_rec *rec = &r->rec;

	check_field_size(r, n);
	rec_room(rec, 1);
	rec->f[rec->nf] = s;
	rec->len[rec->nf++] = n;
	s[n] = '\0';
}

/* Splits a line with no quote in place: the fields stay in the input
 * buffer, each comma (and the line's end) overwritten by a NUL. */
static void
split_plain(struct xq_reader *r, char *s, size_t n)
{
	char *end = s + n, *comma;

	while ((comma = memchr(s, ',', (size_t)(end - s))) != NULL) {
		field_at(r, s, (size_t)(comma - s));
		s = comma + 1;
	}
	field_at(r, s, (size_t)(end - s));
}

#ifdef __SSE2__
/* Undoes what split_fast did to a line so far; returns 0. */
static int
unsplit(struct xq_rec *rec)
{
	size_t k;

	for (k = 0; k < rec->nf; k++)
		rec->f[k][rec->len[k]] = ',';
	rec->nf = 0;
	return 0;
}

/*
 * Is the 16-byte chunk V (HIGH: its bytes >= 0x80) ASCII and 3-byte UTF-8
 * sequences only, none overlong or a surrogate? L marks lead bytes
 * 1110xxxx, C continuation bytes 10xxxxxx, and every lead must be followed
 * by exactly two continuations, across chunks too: *PREV_LEAD holds the
 * leads of the chunk before, and gets this one's.
 */
static inline int
chunk_cjk_ok(__m128i v, uint32_t high, uint32_t *prev_lead)
{
	const __m128i top2 = _mm_set1_epi8((char)0xC0);
	const __m128i top4 = _mm_set1_epi8((char)0xF0);
	const __m128i cont = _mm_set1_epi8((char)0x80);
	const __m128i e0 = _mm_set1_epi8((char)0xE0), ed = _mm_set1_epi8((char)0xED);
	uint32_t c = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_and_si128(v, top2), cont));
	uint32_t l = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_and_si128(v, top4), e0));
	uint32_t x = *prev_lead | l << 16;
	uint32_t want = ((x << 1) | (x << 2)) >> 16 & 0xFFFF;

	*prev_lead = l;
	return c == want && high == (l | c) &&
	    !(l & (uint32_t)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmpeq_epi8(v, e0), _mm_cmpeq_epi8(v, ed))));
}

/* Ends a field at each comma of M (the chunk at S + I), the comma made a
 * NUL; returns where the next field starts. */
static inline size_t
chunk_fields(struct xq_rec *rec, char *s, size_t i, uint32_t m, size_t start)
{
	size_t nf = rec->nf, k;
	char **f;
	size_t *len;

	rec_room(rec, 16);
	f = rec->f;   /* locals: the stores to S could alias rec's members */
	len = rec->len;
	for (; m; m &= m - 1) {
		k = i + (size_t)__builtin_ctz(m);
		f[nf] = s + start;
		len[nf++] = k - start;
		s[k] = '\0';
		start = k + 1;
	}
	rec->nf = nf;
	return start;
}
#endif

/*
 * The fast path, measured to matter: a line that starts a record and holds
 * no quote, CR or NUL is split on commas 16 bytes at a time (SSE2, on every
 * x86-64), and its UTF-8 checked in the same pass when it holds ASCII and
 * 3-byte characters only (Chinese text); other sequences get the byte-wise
 * check. Returns 0, having changed nothing, when the line must take the
 * ordinary path. The commas become NULs as they are found (put back if the
 * line turns out not to be plain); S[N] must be writable.
 */
static int
split_fast(struct xq_reader *r, char *s, size_t n)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
	const __m128i cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
	struct xq_rec *rec = &r->rec;
	size_t i, start = 0, k;
	uint32_t prev_lead = 0, valid = 0xFFFF, m, high;
	int check = 0;
	char tail[16];
	__m128i v, bad;

	rec->nf = 0;
	for (i = 0; i < n; i += 16) {
		if (n - i < 16) {
			memset(tail, 0, sizeof tail);
			memcpy(tail, s + i, n - i);
			v = _mm_loadu_si128((const __m128i *)(const void *)tail);
			valid = (1u << (n - i)) - 1;
		} else
			v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		bad = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, nul)));
		if ((uint32_t)_mm_movemask_epi8(bad) & valid)
			return unsplit(rec);
		high = (uint32_t)_mm_movemask_epi8(v);
		if ((high | prev_lead) && !chunk_cjk_ok(v, high, &prev_lead))
			check = 1;
		m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) & valid;
		if (m != 0)
			start = chunk_fields(rec, s, i, m, start);
	}
	if (((prev_lead << 1 | prev_lead << 2) >> 16) != 0)
		check = 1;   /* a lead in the last two bytes */
	if (check && utf8_valid_prefix(s, n) != n)
		return unsplit(rec);
	rec_room(rec, 1);
	rec->f[rec->nf] = s + start;
	rec->len[rec->nf++] = n - start;
	s[n] = '\0';
	if (n > xq_max_field)
		for (k = 0; k < rec->nf; k++)
			check_field_size(r, rec->len[k]);
	return 1;
#else
	(void)r;
	(void)s;
	(void)n;
	return 0;
#endif
}

/* Feeds one line to libcsv; on a quoting error marks the record and resyncs
 * at the next line. */
static void
feed(struct xq_reader *r, const char *s, size_t n)
{
	size_t used = csv_parse(&r->csv, s, n, on_field, on_record, r);

	if (used == n)
		used = csv_parse(&r->csv, "\n", 1, on_field, on_record, r) == 1 ? n : used;
	if (used != n || csv_error(&r->csv) != CSV_SUCCESS) {
		if (csv_error(&r->csv) == CSV_ENOMEM)
			xq_die(XQ_IO, "out of memory");
		rec_problem(r, "malformed quoting (a stray or unclosed \")",
		    (long)used + 1);
		csv_free(&r->csv);
		csv_start(r);
		r->rec_done = 1;
		return;
	}
	check_field_size(r, r->csv.entry_pos);
}

static void
finish_input(struct xq_reader *r)
{
	if (!r->rec_open)
		return;
	if (csv_fini(&r->csv, on_field, on_record, r) != 0)
		xq_die(XQ_INPUT, "%s:%ld: a quoted field that starts here is never "
		    "closed", r->name, r->rec.line);
}

/* Ends the field of a quoted line that started at START in rec->data. */
static void
quoted_field_end(struct xq_reader *r, size_t start)
{
	struct xq_rec *rec = &r->rec;

	check_field_size(r, rec->data.len - start);
	rec_room(rec, 1);
	rec->off[rec->nf] = start;
	rec->len[rec->nf++] = rec->data.len - start;
	xq_buf_addc(&rec->data, '\0');
}

/* Unquotes into D the field whose opening quote is S[I]; returns the
 * index after its closing quote, or 0 when it does not close on the line. */
static size_t
unquote(struct xq_buf *d, const char *s, size_t n, size_t i)
{
	const char *q;

	for (i++; (q = memchr(s + i, '"', n - i)) != NULL; i = (size_t)(q - s) + 2) {
		xq_buf_add(d, s + i, (size_t)(q - s) - i);
		if ((size_t)(q - s) + 1 == n || q[1] != '"')
			return (size_t)(q - s) + 1;
		xq_buf_addc(d, '"');   /* a doubled quote */
	}
	return 0;
}

/*
 * The fast path for a line with RFC 4180 quotes: a field that starts with
 * a quote ends at the next single quote, which a comma or the line's end
 * must follow, and a doubled quote inside is one quote. The fields are
 * unquoted into rec->data. Returns 0 for anything libcsv would read
 * otherwise or flag (a stray quote, a quote not closed on this line) and
 * for a line with a CR, a NUL or bytes not UTF-8: libcsv reads those.
 */
static int
split_quoted(struct xq_reader *r, const char *s, size_t n)
{
	struct xq_buf *d = &r->rec.data;
	const char *end;
	size_t i = 0, start;

	if (memchr(s, '"', n) == NULL || memchr(s, '\r', n) != NULL ||
	    memchr(s, '\0', n) != NULL || utf8_valid_prefix(s, n) != n)
		return 0;
	r->rec.nf = 0;
	d->len = 0;
	for (;;) {
		start = d->len;
		if (i < n && s[i] == '"') {
			if ((i = unquote(d, s, n, i)) == 0 || (i < n && s[i] != ','))
				return 0;
		} else {
			end = memchr(s + i, ',', n - i);
			end = end ? end : s + n;
			if (memchr(s + i, '"', (size_t)(end - s) - i) != NULL)
				return 0;
			xq_buf_add(d, s + i, (size_t)(end - s) - i);
			i = (size_t)(end - s);
		}
		quoted_field_end(r, start);
		if (i++ == n)
			return 1;
	}
}

/* A record on one line, split by split_fast or split_quoted; 0 if it is
 * neither. */
static int
fast_record(struct xq_reader *r, char *raw, size_t rn)
{
	char *s = raw;
	int copied = 0;

	rec_clear(&r->rec);
	r->rec.line = r->lineno;
	if (r->flags & XQ_READ_STREAM) {
		/* split a copy: the line itself is kept as raw */
		xq_buf_add(&r->rec.data, raw, rn);
		xq_buf_str(&r->rec.data);
		s = r->rec.data.p;
	}
	if (!split_fast(r, s, rn)) {
		if (!split_quoted(r, raw, rn))
			return 0;
		copied = 1;
	}
	if (r->flags & XQ_READ_STREAM) {
		r->rec.raw = raw;
		r->rec.raw_len = rn;
	}
	rec_finish(r, copied);
	return 1;
}

struct xq_rec *
xq_reader_next(struct xq_reader *r)
{
	char *line, *raw;
	size_t n, rn;

	if (!r->started) {
		r->started = 1;
		detect(r);
	}
	r->rec_done = 0;
	while (read_line(r, &raw, &rn)) {
		if (!r->rec_open && rn > 0 && r->enc != XQ_ENC_GB18030 &&
		    !(r->flags & XQ_READ_NOFAST) && fast_record(r, raw, rn))
			return &r->rec;
		decode_line(r, raw, rn, &line, &n);
		if (!r->rec_open) {
			if (n == 0 && r->line_problem == NULL) {
				r->blank++;
				continue;
			}
			rec_clear(&r->rec);
			r->rec.line = r->lineno;
		}
		if (r->line_problem)
			rec_problem(r, r->line_problem, r->line_problem_col);
		if (!r->rec_open) {
			if (!(r->flags & XQ_READ_NOFAST) && memchr(line, '"', n) == NULL) {
				if (r->flags & XQ_READ_STREAM) {
					/* split a copy: the line itself is kept as raw,
					 * unless a lone CR makes it no stream form */
					if (memchr(line, '\r', n) == NULL) {
						r->rec.raw = line;
						r->rec.raw_len = n;
					}
					xq_buf_add(&r->rec.data, line, n);
					xq_buf_str(&r->rec.data);
					line = r->rec.data.p;
				}
				split_plain(r, line, n);
				rec_finish(r, 0);
				return &r->rec;
			}
			r->rec_open = 1;
		}
		feed(r, line, n);
		if (r->rec_done) {
			r->rec_open = 0;
			if ((r->flags & XQ_READ_STREAM) && r->rec.line == r->lineno &&
			    r->rec.problem == NULL && memchr(line, '\r', n) == NULL) {
				r->rec.raw = line;
				r->rec.raw_len = n;
			}
			rec_finish(r, 1);
			return &r->rec;
		}
	}
	finish_input(r);
	if (r->rec_done) {
		r->rec_open = 0;
		rec_finish(r, 1);
		return &r->rec;
	}
	return NULL;
}

/* ---- opening and closing ---- */

struct xq_reader *
xq_reader_fopen(FILE *fp, const char *name, enum xq_enc enc, int flags)
{
	struct xq_reader *r = xq_calloc(1, sizeof *r);

	r->fp = fp;
	r->name = xq_strdup(name);
	r->rec.source = r->name;
	r->enc = enc;
	r->flags = flags;
	r->cd = (iconv_t)-1;
	r->in_cap = DETECT_WINDOW;
	r->in = xq_malloc(r->in_cap);
	csv_start(r);
	return r;
}

struct xq_reader *
xq_reader_open(const char *path, enum xq_enc enc, int flags)
{
	FILE *fp;
	struct xq_reader *r;
	struct stat st;

	if (strcmp(path, "-") == 0)
		return xq_reader_fopen(stdin, "-", enc, flags);
	if ((fp = fopen(path, "rb")) == NULL)
		xq_die(XQ_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
		xq_die(XQ_INPUT, "%s: %s", path, strerror(EISDIR));   /* not a read error */
	r = xq_reader_fopen(fp, xq_basename(path), enc, flags);
	r->own_fp = 1;
	return r;
}

void
xq_reader_set_stream(struct xq_reader *r, int on)
{
	if (on)
		r->flags |= XQ_READ_STREAM;
	else
		r->flags &= ~XQ_READ_STREAM;
}

const char *
xq_reader_encoding(const struct xq_reader *r)
{
	return r->enc_name ? r->enc_name : "UTF-8";
}

int
xq_reader_crlf(const struct xq_reader *r)
{
	return r->crlf;
}

int64_t
xq_reader_offset(const struct xq_reader *r)
{
	return r->consumed + (int64_t)r->in_pos;
}

int64_t
xq_reader_left(const struct xq_reader *r)
{
	struct stat st;

	if (fstat(fileno(r->fp), &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	return (int64_t)st.st_size - xq_reader_offset(r);
}

long
xq_reader_lines(const struct xq_reader *r)
{
	return r->lineno;
}

long
xq_reader_blank_lines(const struct xq_reader *r)
{
	return r->blank;
}

void
xq_reader_close(struct xq_reader *r)
{
	if (r == NULL)
		return;
	csv_free(&r->csv);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->own_fp)
		fclose(r->fp);
	free(r->in);
	xq_buf_free(&r->dec);
	xq_buf_free(&r->rec.data);
	free(r->rec.f);
	free(r->rec.len);
	free(r->rec.off);
	free(r->name);
	free(r);
}
