/*
 * names.c - community-name keys, and the hash map that finds them.
 *
 * A key is made in three steps, each over one buffer: fold (NFKC, case
 * fold, keep only letters, marks and digits), numerals (Chinese numerals
 * to Arabic digits, leading zeros dropped; skipped when fold saw neither),
 * suffixes (drop 小区-like endings). Names made only of ASCII and CJK
 * ideographs, most of them, are folded without utf8proc: NFKC and case
 * folding leave ideographs alone and only lower ASCII letters.
 *
 * The key map below is what lets xq-dedupe keep memory per distinct key:
 * 16 bytes of hash per key and an 8-byte slot, no key text.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "xq.h"

/* The national defaults: what county clerks append to the same community
 * name. Longest first is not needed here; the loader sorts. */
static const char *const national_suffixes[] = {
	"小区", "住宅小区", "住宅区", "住宅楼", "家属院", "家属区", "家属楼",
	"宿舍", "宿舍区", "宿舍楼", "职工宿舍", "生活区", NULL
};

struct xq_suffixes {
	char **s;
	size_t *n;
	size_t count, cap;
};

/* Work buffers, one set for each thread that makes keys. */
static _Thread_local struct xq_buf folded, digits;

/* ---- UTF-8 ---- */

/* Decodes the code point at S (valid UTF-8 of at most N bytes); returns its
 * length, 0 when the bytes are not valid UTF-8. */
static inline size_t
decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (n >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
		    (s[2] & 0x3F);
		if (*cp >= 0x800 && (*cp < 0xD800 || *cp > 0xDFFF))
			return 3;
	}
	k = utf8proc_iterate(s, (utf8proc_ssize_t)n, &c);
	if (k <= 0)
		return 0;
	*cp = (uint32_t)c;
	return (size_t)k;
}

static int
ideograph(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* Makes room for N more bytes and a NUL, so that the steps below can
 * write with memcpy: each knows a bound on what it writes. */
static void
reserve(struct xq_buf *b, size_t n)
{
	if (b->cap < b->len + n + 1) {
		b->cap = b->len + n + 64;
		b->p = xq_realloc(b->p, b->cap);
	}
}

static inline void
put(struct xq_buf *b, const void *s, size_t n)
{
	/* reserve() has allocated b->p (the analyzer lets len + n + 1 wrap)
	 * NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* ---- step 1: fold ---- */

/* The Chinese numerals and their values: 〇 零 一 二 两 三 四 五 六 七 八 九,
 * and the units 十 百 千. */
#define NUMERALS(X) \
	X(0x3007, 0) X(0x96F6, 0) X(0x4E00, 1) X(0x4E8C, 2) X(0x4E24, 2) \
	X(0x4E09, 3) X(0x56DB, 4) X(0x4E94, 5) X(0x516D, 6) X(0x4E03, 7) \
	X(0x516B, 8) X(0x4E5D, 9) X(0x5341, 10) X(0x767E, 100) X(0x5343, 1000)
#define NUMERAL_CASE(cp, v) case cp: return v;
#define NUMERAL_BIT(cp, v) | 1ULL << ((cp) & 63)

/* 0..9 for a digit, 10, 100 or 1000 for a unit, -1 for anything else. The
 * low six bits of the numerals, as a mask, say no to most ideographs
 * before the switch. */
static inline int
numeral(uint32_t cp)
{
	static const uint64_t low = 0 NUMERALS(NUMERAL_BIT);

	if (!(low >> (cp & 63) & 1))
		return -1;
	switch (cp) {
	/* NOLINTNEXTLINE(bugprone-branch-clone): 〇 and 零 are 0, 二 and 两 2 */
	NUMERALS(NUMERAL_CASE)
	}
	return -1;
}

/* A digit, Arabic or Chinese: kept apart from the next one by a '-' when
 * something was dropped between them. */
static int
digit(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (unsigned)numeral(cp) < 10;
}


/* Folding drops characters, but digits on both sides of a dropped one are
 * kept apart by a '-': 2991-2993号 and 2991～2993号 are one key, 12 3号 and
 * 123号 two. */
struct folding {
	struct xq_buf *b;
	int digit, gap;
	int numerals;      /* a Chinese numeral or a leading zero was kept */
};

static void
keep_char(struct folding *f, const void *s, size_t n, int digit)
{
	if (digit && (!f->digit || f->gap) && *(const char *)s == '0')
		f->numerals = 1;
	if (f->gap && digit)
		f->b->p[f->b->len++] = '-';
	put(f->b, s, n);
	f->digit = digit;
	f->gap = 0;
}

static void
drop_char(struct folding *f)
{
	f->gap = f->digit;
}

/* ASCII and CJK ideographs only, most names: NFKC and case folding only
 * lower ASCII letters. Keeps letters, digits and ideographs as fold() does,
 * with its state in locals: a store to the key could alias a member of F.
 * Returns 0 at the first other character. */
static int
fold_fast(struct folding *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *o;
	int last_digit = 0, gap = 0, any_numeral = 0, v;
	uint32_t cp;

	f->b->len = 0;
	reserve(f->b, 2 * n);   /* what is kept, and a '-' before each digit */
	o = f->b->p;
	while (p < end) {
		if (*p < 0x80) {
			if ((unsigned)((*p | 0x20) - 'a') < 26) {
				*o++ = (char)(*p | 0x20);
				last_digit = gap = 0;
			} else if ((unsigned)(*p - '0') < 10) {
				any_numeral |= *p == '0' && (!last_digit || gap);
				if (gap)
					*o++ = '-';
				*o++ = (char)*p;
				last_digit = 1;
				gap = 0;
			} else
				gap = last_digit;
			p++;
			continue;
		}
		if (end - p < 3 || (p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 ||
		    (p[2] & 0xC0) != 0x80)
			return 0;
		cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		    (p[2] & 0x3F);
		if (!ideograph(cp))
			return 0;
		if ((v = numeral(cp)) >= 0)
			any_numeral = 1;
		if (gap && v >= 0 && v < 10)
			*o++ = '-';
		memcpy(o, p, 3);
		o += 3;
		p += 3;
		last_digit = v >= 0 && v < 10;
		gap = 0;
	}
	f->b->len = (size_t)(o - f->b->p);
	f->numerals = any_numeral;
	return 1;
}

static int
kept_category(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);

	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

/* Everything else: NFKC with case folding and default ignorables dropped
 * (utf8proc), then only letters (L*), marks (M*) and numbers (N*) kept.
 * ○ (U+25CB, a symbol) is read as the numeral 〇, as it is often typed. */
static int
fold(struct xq_buf *b, const char *s, size_t n)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t len;
	struct folding f = { b, 0, 0, 0 };
	size_t i, k;
	uint32_t cp;

	if (fold_fast(&f, s, n))
		return f.numerals;
	f.digit = f.gap = f.numerals = 0;
	b->len = 0;
	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (len < 0) {
		/* not UTF-8 (the reader never gives such text): bytes as they are */
		xq_buf_add(b, s, n);
		return 1;
	}
	reserve(b, 2 * (size_t)len);
	for (i = 0; i < (size_t)len; i += k) {
		utf8proc_uint8_t u[4];

		if ((k = decode(m + i, (size_t)len - i, &cp)) == 0)
			k = 1, cp = 0xFFFD;
		if (cp == 0x25CB)
			cp = 0x3007;
		if (numeral(cp) >= 0)
			f.numerals = 1;
		if (kept_category(cp)) {
			size_t ulen = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, u);

			keep_char(&f, u, ulen, digit(cp));
		} else {
			drop_char(&f);
		}
	}
	free(m);
	return f.numerals;
}

/* ---- step 2: numerals ---- */

/* The value of a run of numerals with units (十 百 千), or -1 when the run
 * is not a well-formed number. 十二 12, 二十一 21, 一百零五 105, and the
 * spoken shortening 一百一 110, 三千五 3500. */
static long
unit_value(const int *v, size_t n)
{
	long total = 0, cur = -1, last = 10000;
	int zero = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == 0) {
			if (cur >= 0)
				return -1;
			zero = 1;
		} else if (v[i] < 10) {
			if (cur >= 0)
				return -1;
			cur = v[i];
		} else {
			if (v[i] >= last)
				return -1;
			if (cur < 0) {
				if (v[i] != 10 || total != 0 || zero)
					return -1;
				cur = 1;            /* 十二: 十 alone is 一十 */
			}
			total += cur * v[i];
			last = v[i];
			cur = -1;
			zero = 0;
		}
	}
	if (cur >= 0)
		total += !zero && last >= 100 && last < 10000 ? cur * last / 10 : cur;
	return total;
}

/* Writes a run of numerals as digits to D, or returns 0 when the run is
 * not a number. */
static int
run_digits(struct xq_buf *d, const int *v, size_t n)
{
	char num[24];
	size_t i;
	long val;

	for (i = 0; i < n && v[i] < 10; i++)
		;
	if (i == n) {               /* digits only: 二〇〇五 2005, 一二 12 */
		for (i = 0; i < n; i++)
			d->p[d->len++] = (char)('0' + v[i]);
		return 1;
	}
	if ((val = unit_value(v, n)) < 0)
		return 0;
	put(d, num, (size_t)snprintf(num, sizeof num, "%ld", val));
	return 1;
}

/* Ends a run of digits: written to B without leading zeros. */
static inline void
flush_digits(struct xq_buf *b, struct xq_buf *d)
{
	size_t i = 0;

	if (d->len == 0)
		return;
	while (i + 1 < d->len && d->p[i] == '0')
		i++;
	put(b, d->p + i, d->len - i);
	d->len = 0;
}

#define MAX_RUN 64

static void
numerals(struct xq_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int v[MAX_RUN];
	size_t i = 0, j, k, start, m;
	uint32_t cp;

	b->len = 0;
	digits.len = 0;
	reserve(b, n);          /* numerals only get shorter as digits */
	reserve(&digits, n);
	while (i < n) {
		k = decode(p + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = 0xFFFD;
		if (cp >= '0' && cp <= '9') {
			digits.p[digits.len++] = (char)cp;
			i++;
			continue;
		}
		/* a number never starts with 百 or 千 (百货, 千山) */
		if ((v[0] = numeral(cp)) < 0 || v[0] >= 100) {
			/* up to the next digit or numeral, copied at once */
			for (start = i, i += k; i < n; i += k) {
				if ((k = decode(p + i, n - i, &cp)) == 0)
					k = 1, cp = 0xFFFD;
				if ((cp >= '0' && cp <= '9') || (unsigned)numeral(cp) < 100)
					break;
			}
			flush_digits(b, &digits);
			put(b, p + start, i - start);
			continue;
		}
		start = i;
		m = 0;
		for (j = i; j < n && m < MAX_RUN; j += k) {
			k = decode(p + j, n - j, &cp);
			if (k == 0 || (v[m] = numeral(cp)) < 0)
				break;
			m++;
		}
		if (m < MAX_RUN && run_digits(&digits, v, m)) {
			i = j;
			continue;
		}
		/* not a number: kept as written */
		flush_digits(b, &digits);
		put(b, p + start, j - start);
		i = j;
	}
	flush_digits(b, &digits);
}

/* ---- step 3: suffixes ---- */

static void
strip_suffixes(struct xq_buf *b, const struct xq_suffixes *suf)
{
	size_t i;

	for (i = 0; i < suf->count; i++) {
		if (b->len > suf->n[i] &&
		    b->p[b->len - 1] == suf->s[i][suf->n[i] - 1] &&
		    memcmp(b->p + b->len - suf->n[i], suf->s[i], suf->n[i]) == 0) {
			b->len -= suf->n[i];
			i = (size_t)-1;     /* 机械厂家属院小区: again from the longest */
		}
	}
}

size_t
xq_name_key_buf(struct xq_buf *b, const char *s, size_t n,
    const struct xq_suffixes *suf)
{
	if (fold(b, s, n)) {
		numerals(&folded, b->p, b->len);
		b->len = 0;
		put(b, folded.p, folded.len);   /* no longer than it was */
	}
	if (suf != NULL)
		strip_suffixes(b, suf);
	if (b->len == 0) {
		xq_trim(&s, &n);
		xq_buf_add(b, s, n);
	}
	xq_buf_str(b);
	return b->len;
}

void
xq_name_keys_end(void)
{
	xq_buf_free(&folded);
	xq_buf_free(&digits);
}

char *
xq_name_key(const char *s, size_t n, const struct xq_suffixes *suf,
    size_t *len)
{
	struct xq_buf b = { 0 };

	xq_name_key_buf(&b, s, n, suf);
	if (len != NULL)
		*len = b.len;
	return b.p;
}

/* ---- suffix rules ---- */

/* A suffix as it appears at the end of a key: folded, numerals as digits. */
static char *
suffix_key(const char *s, size_t *n)
{
	struct xq_buf b = { 0 };

	fold(&folded, s, strlen(s));
	numerals(&b, folded.p, folded.len);
	*n = b.len;
	xq_buf_str(&b);
	return b.p;
}

static long
suffix_find(const struct xq_suffixes *suf, const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < suf->count; i++)
		if (suf->n[i] == n && memcmp(suf->s[i], key, n) == 0)
			return (long)i;
	return -1;
}

static void
suffix_add(struct xq_suffixes *suf, const char *s)
{
	size_t n;
	char *key = suffix_key(s, &n);

	if (n == 0 || suffix_find(suf, key, n) >= 0) {
		free(key);
		return;
	}
	if (suf->count == suf->cap) {
		suf->cap = suf->cap ? suf->cap * 2 : 16;
		suf->s = xq_realloc(suf->s, suf->cap * sizeof *suf->s);
		suf->n = xq_realloc(suf->n, suf->cap * sizeof *suf->n);
	}
	suf->s[suf->count] = key;
	suf->n[suf->count++] = n;
}

static void
suffix_remove(struct xq_suffixes *suf, const char *s)
{
	size_t n;
	char *key = suffix_key(s, &n);
	long i = suffix_find(suf, key, n);

	if (i >= 0) {
		free(suf->s[i]);
		memmove(suf->s + i, suf->s + i + 1, (suf->count - (size_t)i - 1) *
		    sizeof *suf->s);
		memmove(suf->n + i, suf->n + i + 1, (suf->count - (size_t)i - 1) *
		    sizeof *suf->n);
		suf->count--;
	}
	free(key);
}

/* Longest first, so 住宅小区 goes before 小区; then by bytes. */
static void
suffix_sort(struct xq_suffixes *suf)
{
	size_t i, j;

	for (i = 1; i < suf->count; i++) {
		for (j = i; j > 0; j--) {
			size_t a = suf->n[j - 1], b = suf->n[j];
			char *t;

			if (a > b || (a == b && memcmp(suf->s[j - 1], suf->s[j], a) < 0))
				break;
			t = suf->s[j - 1], suf->s[j - 1] = suf->s[j], suf->s[j] = t;
			suf->n[j - 1] = b, suf->n[j] = a;
		}
	}
}

/* suffixes.csv: column suffix, and optionally action (add, the default, or
 * remove: a national default the province does not want). */
static void
suffix_file(struct xq_suffixes *suf, const char *path)
{
	struct xq_table *t = xq_table_load(path);
	int col = xq_table_need(t, "suffix"), act = xq_table_col(t, "action");
	size_t i;

	for (i = 0; i < t->nrow; i++) {
		const char *s = xq_table_get(t, i, col), *a = xq_table_get(t, i, act);
		size_t n, an = strlen(a);

		xq_trim(&a, &an);
		free(suffix_key(s, &n));
		if (n == 0)
			xq_die(XQ_INPUT, "%s:%ld:suffix: \"%s\" has no letter or digit",
			    path, t->line[i], xq_table_get(t, i, col));
		if (an == 0 || (an == 3 && memcmp(a, "add", 3) == 0))
			suffix_add(suf, s);
		else if (an == 6 && memcmp(a, "remove", 6) == 0)
			suffix_remove(suf, s);
		else
			xq_die(XQ_INPUT, "%s:%ld:action: \"%s\" is not add or remove",
			    path, t->line[i], a);
	}
	xq_table_free(t);
}

struct xq_suffixes *
xq_suffixes_load(const struct xq_profile *p)
{
	struct xq_suffixes *suf = xq_calloc(1, sizeof *suf);
	const char *const *s;
	char *path;

	for (s = national_suffixes; *s; s++)
		suffix_add(suf, *s);
	if (p != NULL && (path = xq_profile_file(p, "suffixes.csv")) != NULL) {
		suffix_file(suf, path);
		free(path);
	}
	suffix_sort(suf);
	return suf;
}

size_t
xq_suffixes_count(const struct xq_suffixes *suf)
{
	return suf ? suf->count : 0;
}

const char *
xq_suffixes_get(const struct xq_suffixes *suf, size_t i)
{
	return suf->s[i];
}

void
xq_suffixes_free(struct xq_suffixes *suf)
{
	size_t i;

	if (suf == NULL)
		return;
	for (i = 0; i < suf->count; i++)
		free(suf->s[i]);
	free(suf->s);
	free(suf->n);
	free(suf);
}

/* ---- hashes ---- */

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* The two halves of a 64 by 64 bit product, folded (as in wyhash). */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static inline uint64_t
load32(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/* The last 1..7 bytes as one word, without a loop. */
static inline uint64_t
load_tail(const unsigned char *p, size_t n)
{
	if (n >= 4)
		return load32(p) << 32 | load32(p + n - 4);
	return (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
}

#define K1 0xA0761D6478BD642FULL
#define K2 0xE7037ED1A0B428DBULL
#define K3 0x8EBC6AF09C88C6E3ULL
#define K4 0x589965CC75374CC3ULL

uint64_t
xq_hash64(const void *s, size_t n, uint64_t seed)
{
	const unsigned char *p = s;
	uint64_t h = mum(seed ^ K1, n ^ K2);
	size_t len = n;

	for (; n >= 8; p += 8, n -= 8)
		h = mum(h ^ load64(p), K3);
	if (n > 0)
		h = mum(h ^ load_tail(p, n), K4);
	return mix64(h ^ len);
}

uint64_t
xq_hash_more(uint64_t h, const void *s, size_t n)
{
	const unsigned char *p = s;

	h = mum(h ^ n ^ K1, K2);
	for (; n >= 8; p += 8, n -= 8)
		h = mum(h ^ load64(p), K3);
	if (n > 0)
		h = mum(h ^ load_tail(p, n), K4);
	return h;
}

/* Two lanes with their own constants over the same words. */
struct xq_hash
xq_hash(const void *s, size_t n)
{
	const unsigned char *p = s;
	struct xq_hash h;
	uint64_t a = mum(K1, n ^ K2), b = mum(K3, n ^ K4), w;
	size_t len = n;

	for (; n >= 8; p += 8, n -= 8) {
		w = load64(p);
		a = mum(a ^ w, K3);
		b = mum(b ^ w, K1 ^ K4);
	}
	if (n > 0) {
		w = load_tail(p, n);
		a = mum(a ^ w, K4);
		b = mum(b ^ w, K2 ^ K3);
	}
	h.a = mix64(a ^ len);
	h.b = mix64(b ^ ~(uint64_t)len);
	return h;
}

/* ---- the key map ---- */

struct xq_keymap {
	struct xq_hash *key;   /* by id */
	size_t n, cap;
	uint64_t *slot;        /* 0 empty, else tag << 32 | (id + 1) */
	size_t mask;
};

#define TAG(h) ((h).a >> 32)

struct xq_keymap *
xq_keymap_new(void)
{
	struct xq_keymap *m = xq_calloc(1, sizeof *m);

	m->mask = 1023;
	m->slot = xq_calloc(m->mask + 1, sizeof *m->slot);
	return m;
}

/* The slot of H: its own, or the empty one where it would go. */
static size_t
probe(const struct xq_keymap *m, struct xq_hash h)
{
	size_t i = (size_t)h.a & m->mask;
	uint64_t s;

	while ((s = m->slot[i]) != 0) {
		if (s >> 32 == TAG(h)) {
			const struct xq_hash *k = &m->key[(s & 0xFFFFFFFFu) - 1];

			if (k->a == h.a && k->b == h.b)
				break;
		}
		i = (i + 1) & m->mask;
	}
	return i;
}

static void
grow(struct xq_keymap *m)
{
	size_t i, j;

	free(m->slot);
	m->mask = m->mask * 2 + 1;
	m->slot = xq_calloc(m->mask + 1, sizeof *m->slot);
	for (i = 0; i < m->n; i++) {
		for (j = (size_t)m->key[i].a & m->mask; m->slot[j] != 0;
		    j = (j + 1) & m->mask)
			;
		m->slot[j] = TAG(m->key[i]) << 32 | (i + 1);
	}
}

uint32_t
xq_keymap_add(struct xq_keymap *m, struct xq_hash h, int *added)
{
	size_t i = probe(m, h);

	if (m->slot[i] != 0) {
		*added = 0;
		return (uint32_t)(m->slot[i] & 0xFFFFFFFFu) - 1;
	}
	if (m->n >= 0xFFFFFFFEu)
		xq_die(XQ_INPUT, "more than %u distinct keys", 0xFFFFFFFEu);
	if ((m->n + 1) * 4 > (m->mask + 1) * 3) {
		grow(m);
		i = probe(m, h);
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->key = xq_realloc(m->key, m->cap * sizeof *m->key);
	}
	m->key[m->n] = h;
	m->slot[i] = TAG(h) << 32 | (m->n + 1);
	*added = 1;
	return (uint32_t)m->n++;
}

long
xq_keymap_find(const struct xq_keymap *m, struct xq_hash h)
{
	size_t i = probe(m, h);

	return m->slot[i] ? (long)(m->slot[i] & 0xFFFFFFFFu) - 1 : -1;
}

size_t
xq_keymap_count(const struct xq_keymap *m)
{
	return m->n;
}

void
xq_keymap_free(struct xq_keymap *m)
{
	if (m == NULL)
		return;
	free(m->key);
	free(m->slot);
	free(m);
}
