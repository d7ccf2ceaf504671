/*
 * xq-dedupe - drop duplicate communities from the stream.
 *
 * A community is known by its key: county_code, the key of its name and
 * the key of its address (names.c). The first record of a key is kept
 * (-k last: the last); a later one that repeats it field for field is a
 * copy, one with other figures a conflict. Both are dropped and listed in
 * the duplicates file with the record kept, as are records of communities
 * the history file says were renovated before. A kept record whose name
 * and address are also kept under another county is flagged, not dropped.
 *
 * Memory is per distinct key, not per record: the table keeps hashes of
 * the key and of the kept record and where it is in the input, and the
 * record is read again when a conflict needs its figures. So the input
 * must be a file that can be read again; input from a pipe is copied to an
 * unlinked temporary file as it is read (a stdio cookie stream, so -k
 * first still streams). -k last reads the input twice: once to find the
 * last record of each key, once to write.
 */
#define _GNU_SOURCE        /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xq.h"

#define MESSAGES 50        /* conflicts and flags told on stderr */
#define SHOWN 3            /* differing fields named in a reason */
#define NOSRC 0xFFFFu      /* source id not kept: read the record again */
#define NOLINE 0xFFFFFFFFu /* line not a number: read the record again */
#define SEP "\x1f"

enum keep { KEEP_FIRST, KEEP_LAST };

/* What is kept per key, 32 bytes: hashes of the key and of the record
 * kept, and where that record is. The key itself is not kept. */
struct kept {
	uint64_t place;    /* hash of the name and address keys; bit 0 set
	                      when the address is not empty */
	uint64_t sum;      /* every field but source and line */
	uint64_t at;       /* byte offset << 16 | source id */
	uint32_t county;   /* hash of county_code */
	uint32_t line;     /* its line column */
};

/*
 * The keys, in one open-addressing table placed by the hash of the place
 * (name and address) alone: the keys of one place, one per county, are met
 * on one probe run, so the table that finds a record's key also finds the
 * same place kept under another county. A slot is 8 bytes, the top half
 * of the place hash and the key's id + 1, and the table is at most 3/4
 * full: a key costs 32 bytes and 11 to 21 of slots.
 *
 * Hashes are not trusted alone: a key found by its hashes is the record's
 * when the sums match too (then every field does), or else when the record
 * kept, read again as a conflict needs it anyway, has the same keys.
 */
struct keys {
	uint64_t *slot;    /* 0 empty */
	size_t mask;
	struct kept *kept; /* by id, in the order first read */
	size_t n, cap;
};

/* The input, read in passes; a record's offset is where the reader was
 * after the record before. */
struct input {
	const char *name;
	int fd;            /* the file, or the copy of a pipe */
	int from;          /* the pipe being copied, or -1 */
	off_t base;
	FILE *fp;
	struct xq_reader *rd;
	FILE *again_fp;    /* the record read again */
	struct xq_reader *again;
	const struct xq_rec *again_rec;
	off_t again_off, again_at;
};

/* Communities renovated before: county + name key to entries. */
struct history {
	const char *name;
	struct xq_keymap *map;
	uint32_t *first, *last;   /* by map id */
	struct hentry {
		uint64_t addr;        /* hash of the address key, 0: none given */
		long line;
		char *year;
		uint32_t next;
	} *e;
	size_t n, cap;
};

/* What making a record's keys reads: the columns and the suffix rules, set
 * once the header is read. Both threads read it, on a cache line of its own
 * that nothing writes while they run (struct run beside it is written for
 * every record). */
struct keying {
	int c_source, c_line, c_code, c_name, c_addr;
	int lead;                 /* source and line are the first two columns */
	const struct xq_suffixes *suf;
};
static union {
	_Alignas(64) struct keying k;
	/* cppcheck-suppress unusedStructMember ; it fills the line, no more */
	char line[64];
} keying;

/* The record in hand. */
struct row {
	const struct xq_rec *r;
	off_t off;
	uint64_t place, sum;
	uint32_t county;
	int named;         /* has a community name */
};

struct run {
	enum keep keep;
	int quiet;
	struct xq_suffixes *suf;
	struct history *hist;
	struct input in;
	struct xq_out *out, *dup;
	char **col;
	size_t ncol;
	int c_source, c_line, c_code, c_name, c_addr;
	struct keys keys;
	struct xq_keymap *sources;
	char **source;
	uint32_t last_src;
	struct xq_buf nkey, akey, buf, why, msg;
	struct xq_buf again_nkey, again_akey;   /* keys of a record read again */
	long records, nkept, copies, conflicts, renovated, flags, messages;
};

static const char *const usage_text =
"usage: xq-dedupe [-q] [-p PROFILE] [-H HISTORY] [-k first|last]\n"
"                 [-d DUPLICATES] [-o OUT] [--max-field BYTES] [--log FILE]\n"
"                 [--exit-zero] [FILE]\n";

/* ---- the input ---- */

/* Reads from the pipe and appends what it read to the copy. */
static ssize_t
tee_read(void *cookie, char *buf, size_t n)
{
	struct input *in = cookie;
	ssize_t got, put;
	size_t done;

	while ((got = read(in->from, buf, n)) < 0 && errno == EINTR)
		;
	for (done = 0; got > 0 && done < (size_t)got; done += (size_t)put)
		while ((put = write(in->fd, buf + done, (size_t)got - done)) < 0)
			if (errno != EINTR)
				xq_die(XQ_IO, "%s: keeping a copy of the input in $TMPDIR: %s",
				    in->name, strerror(errno));
	return got;
}

static void
input_open(struct input *in, const char *path)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;
	char *tmp;
	int fd;

	in->name = strcmp(path, "-") == 0 ? "-" : xq_basename(path);
	in->from = -1;
	if (strcmp(path, "-") == 0)
		fd = 0;
	else if ((fd = open(path, O_RDONLY)) < 0)
		xq_die(XQ_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		xq_die(XQ_INPUT, "%s: %s", path, strerror(EISDIR));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (in->base = lseek(fd, 0, SEEK_CUR)) >= 0) {
		if ((in->fd = fd == 0 ? dup(0) : fd) < 0)
			xq_die(XQ_IO, "%s: %s", in->name, strerror(errno));
		return;
	}
	tmp = xq_path_join(dir && *dir ? dir : "/tmp", "xq-dedupe.XXXXXX");
	if ((in->fd = mkstemp(tmp)) < 0)
		xq_die(XQ_IO, "%s: %s", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	in->from = fd;
	in->base = 0;
}

static void
pass_open(struct input *in)
{
	static const cookie_io_functions_t tee = { tee_read, NULL, NULL, NULL };
	int fd;

	if (in->from >= 0)
		in->fp = fopencookie(in, "r", tee);
	else if (lseek(in->fd, in->base, SEEK_SET) < 0 || (fd = dup(in->fd)) < 0 ||
	    (in->fp = fdopen(fd, "rb")) == NULL)
		xq_die(XQ_IO, "%s: %s", in->name, strerror(errno));
	if (in->fp == NULL)
		xq_die(XQ_IO, "%s: %s", in->name, strerror(errno));
	in->rd = xq_reader_fopen(in->fp, in->name, XQ_ENC_UTF8, XQ_READ_STREAM);
}

/* After the first pass the copy of a pipe is whole. */
static void
pass_close(struct input *in)
{
	xq_reader_close(in->rd);
	fclose(in->fp);
	if (in->from > 0)
		close(in->from);
	in->from = -1;
}

/* Reads the input's file from where the record read again is. */
static ssize_t
again_read(void *cookie, char *buf, size_t n)
{
	struct input *in = cookie;
	ssize_t got;

	while ((got = pread(in->fd, buf, n, in->again_at)) < 0 && errno == EINTR)
		;
	if (got > 0)
		in->again_at += got;
	return got;
}

/* Reads the record at OFF again; valid until a record at another offset
 * is read again. */
static const struct xq_rec *
again_at(struct input *in, off_t off)
{
	static const cookie_io_functions_t at = { again_read, NULL, NULL, NULL };

	if (in->again != NULL && in->again_off == off)
		return in->again_rec;
	if (in->again) {
		xq_reader_close(in->again);
		fclose(in->again_fp);
	}
	in->again_off = in->again_at = off;
	if ((in->again_fp = fopencookie(in, "r", at)) == NULL)
		xq_die(XQ_IO, "%s: %s", in->name, strerror(errno));
	in->again = xq_reader_fopen(in->again_fp, in->name, XQ_ENC_UTF8,
	    XQ_READ_STREAM);
	if ((in->again_rec = xq_reader_next(in->again)) == NULL)
		xq_die(XQ_IO, "%s: the input changed while it was read", in->name);
	return in->again_rec;
}

static const struct xq_rec *
again(struct run *R, uint32_t id)
{
	return again_at(&R->in, (off_t)(R->keys.kept[id].at >> 16));
}

/* ---- where records come from ---- */

static const char *
rec_source(const struct run *R, const struct xq_rec *r)
{
	return R->c_source >= 0 ? xq_rec_get(r, R->c_source) : R->in.name;
}

/* The line column, or the physical line for input without one. */
static const char *
rec_line(const struct run *R, const struct xq_rec *r, char *buf)
{
	if (R->c_line >= 0)
		return xq_rec_get(r, R->c_line);
	snprintf(buf, 24, "%ld", r->line);
	return buf;
}

static uint32_t
source_id(struct run *R, const char *s)
{
	struct xq_hash h;
	uint32_t id;
	int added;

	if (R->last_src != NOSRC && strcmp(R->source[R->last_src], s) == 0)
		return R->last_src;
	h = xq_hash(s, strlen(s));
	if (xq_keymap_count(R->sources) >= NOSRC) {
		long found = xq_keymap_find(R->sources, h);

		return found < 0 ? NOSRC : (uint32_t)found;
	}
	id = xq_keymap_add(R->sources, h, &added);
	if (added) {
		R->source = xq_realloc(R->source, (id + 1) * sizeof *R->source);
		R->source[id] = xq_strdup(s);
	}
	return R->last_src = id;
}

static uint32_t
line_number(const char *s)
{
	uint64_t v = 0;

	if (*s == '\0')
		return NOLINE;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) >= NOLINE)
			return NOLINE;
	}
	return (uint32_t)v;
}

/* Source and line of the record kept for key ID. */
static void
kept_where(struct run *R, uint32_t id, const char **src, const char **line,
    char *buf)
{
	const struct kept *k = &R->keys.kept[id];
	const struct xq_rec *r;

	if ((k->at & 0xFFFF) != NOSRC && k->line != NOLINE) {
		*src = R->source[k->at & 0xFFFF];
		snprintf(buf, 24, "%lu", (unsigned long)k->line);
		*line = buf;
		return;
	}
	r = again(R, id);
	*src = rec_source(R, r);
	*line = rec_line(R, r, buf);
}

static void
remember(struct run *R, uint32_t id, const struct row *w)
{
	struct kept *k = &R->keys.kept[id];
	char buf[24];

	if ((uint64_t)w->off >> 48 != 0)
		xq_die(XQ_INPUT, "%s:%ld: input too large", R->in.name, w->r->line);
	k->sum = w->sum;
	k->at = (uint64_t)w->off << 16 | source_id(R, rec_source(R, w->r));
	k->line = line_number(rec_line(R, w->r, buf));
}

/* ---- the keys ---- */

/* The name and address keys of R (the address key empty when it has no
 * address); returns 0 when R has no community name. */
static int
rec_keys(const struct keying *K, const struct xq_rec *r, struct xq_buf *nkey,
    struct xq_buf *akey)
{
	const char *name = xq_rec_get(r, K->c_name), *addr = xq_rec_get(r, K->c_addr);
	size_t n = xq_rec_len(r, K->c_name), an = xq_rec_len(r, K->c_addr);

	xq_trim(&name, &n);
	xq_trim(&addr, &an);
	xq_name_key_buf(nkey, name, n, K->suf);
	akey->len = 0;
	if (an > 0)
		xq_name_key_buf(akey, addr, an, NULL);
	return n > 0;
}

static int
same_text(const struct xq_buf *a, const struct xq_buf *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Whether the record kept for ID, read again, has the name and address
 * keys of W, and with COUNTY its county code too. */
static int
same_again(struct run *R, const struct row *w, uint32_t id, int county)
{
	const struct xq_rec *r = again(R, id);
	size_t n = xq_rec_len(r, R->c_code);

	rec_keys(&keying.k, r, &R->again_nkey, &R->again_akey);
	if (!same_text(&R->again_nkey, &R->nkey) ||
	    !same_text(&R->again_akey, &R->akey))
		return 0;
	return !county || (n == xq_rec_len(w->r, R->c_code) &&
	    memcmp(xq_rec_get(r, R->c_code), xq_rec_get(w->r, R->c_code), n) == 0);
}

static size_t
free_slot(const struct keys *K, uint64_t place)
{
	size_t i;

	for (i = (size_t)(place >> 1) & K->mask; K->slot[i] != 0;
	    i = (i + 1) & K->mask)
		;
	return i;
}

/* Whether ID is the key of W (see struct keys). */
static int
is_key(struct run *R, const struct row *w, uint32_t id)
{
	const struct kept *k = &R->keys.kept[id];

	if (k->place != w->place || k->county != w->county)
		return 0;
	return k->sum == w->sum || same_again(R, w, id, 1);
}

/* The id of W's key, or -1 with *at set to the free slot where it goes. */
static long
find_key(struct run *R, const struct row *w, size_t *at)
{
	const struct keys *K = &R->keys;
	size_t i;
	uint64_t s;

	for (i = (size_t)(w->place >> 1) & K->mask; (s = K->slot[i]) != 0;
	    i = (i + 1) & K->mask)
		if (s >> 32 == w->place >> 32 && is_key(R, w, (uint32_t)s - 1))
			return (long)(uint32_t)(s - 1);
	*at = i;
	return -1;
}

/* Records and keys whose slot is fetched into the cache this many ahead:
 * a table of a million keys is far larger than the cache, and waiting for
 * the slot of each record took a third of the time. */
#define FETCH_AHEAD 8

/*
 * The slots and the kept keys, the memory read at random, on pages of 2 MiB
 * where the kernel gives them (transparent huge pages): with pages of 4 KiB
 * the slots of a million keys span 4096 pages, and finding a page, before
 * a slot could even be fetched, took a fifth of the main thread's time.
 * Anonymous memory comes zeroed. OLD (of OLD_SIZE bytes) is moved, or NULL.
 */
static void *
table_alloc(void *old, size_t old_size, size_t size)
{
	void *p;

	if (old == NULL)
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		p = mremap(old, old_size, size, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		xq_die(XQ_IO, "out of memory (%zu bytes for the keys)", size);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE);   /* a hint: none is fine too */
#endif
	return p;
}

static void
table_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}

static void
keys_grow(struct keys *K)
{
	size_t id;

	table_free(K->slot, (K->mask + 1) * sizeof *K->slot);
	K->mask = K->mask * 2 + 1;
	K->slot = table_alloc(NULL, 0, (K->mask + 1) * sizeof *K->slot);
	for (id = 0; id < K->n; id++) {
		if (id + FETCH_AHEAD < K->n)
			__builtin_prefetch(&K->slot[(size_t)(K->kept[id +
			    FETCH_AHEAD].place >> 1) & K->mask], 1);
		K->slot[free_slot(K, K->kept[id].place)] =
		    K->kept[id].place >> 32 << 32 | (id + 1);
	}
}

/* Adds W's key at the free slot AT; returns its id. */
static uint32_t
add_key(struct run *R, const struct row *w, size_t at)
{
	struct keys *K = &R->keys;

	if (K->n >= 0xFFFFFFFEu)
		xq_die(XQ_INPUT, "more than %u distinct keys", 0xFFFFFFFEu);
	if ((K->n + 1) * 4 > (K->mask + 1) * 3) {
		keys_grow(K);
		at = free_slot(K, w->place);
	}
	if (K->n == K->cap) {
		K->kept = table_alloc(K->kept, K->cap * sizeof *K->kept,
		    (K->cap ? K->cap * 2 : 4096) * sizeof *K->kept);
		K->cap = K->cap ? K->cap * 2 : 4096;
	}
	K->kept[K->n].place = w->place;
	K->kept[K->n].county = w->county;
	K->slot[at] = w->place >> 32 << 32 | (K->n + 1);
	return (uint32_t)K->n++;
}

/* The key kept first before W at W's place under another county, or -1.
 * With -k last a key is kept where its last record is: one after W is not
 * kept yet. */
static long
kept_at_place(struct run *R, const struct row *w, uint32_t self)
{
	const struct keys *K = &R->keys;
	uint64_t after = 0, first, off, s;
	long best;
	size_t i;

	for (;;) {
		best = -1;
		first = (uint64_t)w->off;
		for (i = (size_t)(w->place >> 1) & K->mask; (s = K->slot[i]) != 0;
		    i = (i + 1) & K->mask) {
			const struct kept *k = &K->kept[(uint32_t)s - 1];

			if (s >> 32 != w->place >> 32 || k->place != w->place ||
			    (uint32_t)s - 1 == self)
				continue;
			off = k->at >> 16;
			if (off >= after && off < first) {
				best = (long)(uint32_t)(s - 1);
				first = off;
			}
		}
		/* a chance equality of hashes: the next one */
		if (best < 0 || same_again(R, w, (uint32_t)best, 0))
			return best;
		after = first + 1;
	}
}

/* The hash of every field but source and line. A stream line that starts
 * with them is hashed as written after them: the same bytes are the same
 * fields. A copy written otherwise (quoted where the kept one is not) only
 * costs a reading again: explain finds no difference. */
static uint64_t
row_sum(const struct keying *K, const struct xq_rec *r)
{
	const char *c1, *c2 = NULL;
	uint64_t h = 0x9E3779B97F4A7C15ULL;
	size_t i;

	if (K->lead && r->raw != NULL &&
	    (c1 = memchr(r->raw, ',', r->raw_len)) != NULL &&
	    (c2 = memchr(c1 + 1, ',', r->raw_len - (size_t)(c1 + 1 - r->raw))) &&
	    memchr(r->raw, '"', (size_t)(c2 - r->raw)) == NULL)
		return xq_hash64(c2 + 1, r->raw_len - (size_t)(c2 + 1 - r->raw), 2);
	for (i = 0; i < r->nf; i++)
		if ((int)i != K->c_source && (int)i != K->c_line)
			h = xq_hash_more(h, r->f[i], r->len[i]);
	return h;
}

/*
 * The keys and hashes of a record, made in whichever thread has time (the
 * reading thread or this one; struct xq_prep): struct keyed, then the name
 * key and the address key.
 */
struct keyed {
	uint64_t place, sum;
	uint32_t county;
	uint32_t named;
	size_t nlen, alen;
};

static _Thread_local struct xq_buf key_name, key_addr, key_place;

static void
key_record(void *ctx, const struct xq_rec *r, struct xq_buf *out)
{
	const struct keying *K = ctx;
	struct keyed k;

	xq_buf_str(&key_name);   /* never NULL, even when left empty */
	xq_buf_str(&key_addr);
	k.named = (uint32_t)rec_keys(K, r, &key_name, &key_addr);
	key_place.len = 0;
	xq_buf_add(&key_place, key_name.p, key_name.len);
	xq_buf_adds(&key_place, SEP);
	xq_buf_add(&key_place, key_addr.p, key_addr.len);
	k.place = (xq_hash64(key_place.p, key_place.len, 0) & ~(uint64_t)1) |
	    (key_addr.len > 0);
	k.county = (uint32_t)xq_hash64(xq_rec_get(r, K->c_code),
	    xq_rec_len(r, K->c_code), 1);
	k.sum = row_sum(K, r);
	k.nlen = key_name.len;
	k.alen = key_addr.len;
	xq_buf_add(out, &k, sizeof k);
	xq_buf_add(out, key_name.p, key_name.len);
	xq_buf_add(out, key_addr.p, key_addr.len);
}

static void
key_end(void *ctx)
{
	(void)ctx;
	xq_buf_free(&key_name);
	xq_buf_free(&key_addr);
	xq_buf_free(&key_place);
	xq_name_keys_end();
}

/* Fetches the table slot of the record FETCH_AHEAD after the one in hand. */
static void
fetch_ahead(const struct run *R, const struct xq_ahead *ahead)
{
	const char *p;
	struct keyed k;
	size_t len;

	if ((p = xq_ahead_peek(ahead, FETCH_AHEAD, &len)) == NULL)
		return;
	memcpy(&k, p, sizeof k);
	__builtin_prefetch(&R->keys.slot[(size_t)(k.place >> 1) & R->keys.mask]);
}

/* The keys and sum of the record in hand, from what key_record made. */
static void
row_keys(struct run *R, struct row *w, const char *keyed)
{
	struct keyed k;

	memcpy(&k, keyed, sizeof k);
	w->named = (int)k.named;
	w->place = k.place;
	w->county = k.county;
	w->sum = k.sum;
	R->nkey.len = R->akey.len = 0;
	xq_buf_add(&R->nkey, keyed + sizeof k, k.nlen);
	xq_buf_add(&R->akey, keyed + sizeof k + k.nlen, k.alen);
	xq_buf_str(&R->nkey);
	xq_buf_str(&R->akey);
}

/* ---- reports ---- */

static void
dup_row(struct run *R, const struct row *w, const char *ksrc,
    const char *kline, const char *reason, const char *action)
{
	char buf[24];

	if (R->dup == NULL)
		return;
	xq_out_str(R->dup, rec_source(R, w->r));
	xq_out_str(R->dup, rec_line(R, w->r, buf));
	xq_out_str(R->dup, ksrc);
	xq_out_str(R->dup, kline);
	xq_out_str(R->dup, reason);
	xq_out_field(R->dup, xq_rec_get(w->r, R->c_code),
	    xq_rec_len(w->r, R->c_code));
	R->buf.len = 0;
	xq_buf_add(&R->buf, R->nkey.p, R->nkey.len);
	if (R->akey.len > 0) {
		xq_buf_addc(&R->buf, '|');
		xq_buf_add(&R->buf, R->akey.p, R->akey.len);
	}
	xq_out_field(R->dup, R->buf.p, R->buf.len);
	xq_out_str(R->dup, action);
	xq_out_field(R->dup, xq_rec_get(w->r, R->c_name),
	    xq_rec_len(w->r, R->c_name));
	xq_out_field(R->dup, xq_rec_get(w->r, R->c_addr),
	    xq_rec_len(w->r, R->c_addr));
	xq_out_end(R->dup);
}

/* A value for a message: control characters as spaces, cut at 40 bytes. */
static void
show(struct xq_buf *b, const char *s, size_t n)
{
	size_t i, cut = n;

	if (n == 0) {
		xq_buf_adds(b, "(empty)");
		return;
	}
	if (n > 40)
		for (cut = 40; cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80; cut--)
			;
	for (i = 0; i < cut; i++)
		/* NOLINTNEXTLINE(bugprone-narrowing-conversions): ' ' or s[i] */
		xq_buf_addc(b, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	if (cut < n)
		xq_buf_adds(b, "...");
}

/* Tells a conflict or a flag on stderr: where, which community, why. */
static void
say(struct run *R, const struct row *w, const char *ksrc, const char *kline,
    int flag)
{
	char buf[24];

	if (R->quiet || ++R->messages > MESSAGES)
		return;
	R->msg.len = 0;
	show(&R->msg, xq_rec_get(w->r, R->c_name), xq_rec_len(w->r, R->c_name));
	xq_warn(flag ? "%s:%s: %s %s: %s (%s:%s); both kept" :
	    "%s:%s: %s %s: %s; the record kept is %s:%s", rec_source(R, w->r),
	    rec_line(R, w->r, buf), xq_rec_get(w->r, R->c_code),
	    xq_buf_str(&R->msg), R->why.p, ksrc, kline);
}

/* Names the fields in which R differs from the kept record K, in WHY.
 * Returns 1 when figures differ (a conflict), 0 when only the way the
 * name or address is written does (a copy). */
static int
explain(struct run *R, const struct xq_rec *r, const struct xq_rec *k)
{
	struct xq_buf *b = &R->why;
	size_t i, nf = r->nf > k->nf ? r->nf : k->nf, shown = 0, more = 0;
	int sweep, conflict = 0;

	b->len = 0;
	for (sweep = 0; sweep < 2; sweep++) {
		for (i = 0; i < nf; i++) {
			int spelling = (int)i == R->c_name || (int)i == R->c_addr;

			if ((int)i == R->c_source || (int)i == R->c_line ||
			    spelling != (sweep == 1) ||
			    (xq_rec_len(r, (int)i) == xq_rec_len(k, (int)i) &&
			    memcmp(xq_rec_get(r, (int)i), xq_rec_get(k, (int)i),
			    xq_rec_len(r, (int)i)) == 0))
				continue;
			if (sweep == 1 && conflict)
				continue;
			conflict |= !spelling;
			if (shown == SHOWN) {
				more++;
				continue;
			}
			xq_buf_adds(b, shown++ ? "; " : !conflict ?
			    "copy, written differently (" : R->keep == KEEP_FIRST ?
			    "conflict: kept first (" : "conflict: kept last (");
			xq_buf_adds(b, i < R->ncol ? R->col[i] : "(extra field)");
			xq_buf_addc(b, ' ');
			show(b, xq_rec_get(r, (int)i), xq_rec_len(r, (int)i));
			xq_buf_adds(b, " vs kept ");
			show(b, xq_rec_get(k, (int)i), xq_rec_len(k, (int)i));
		}
	}
	if (more > 0) {
		char n[40];

		snprintf(n, sizeof n, "; %zu more", more);
		xq_buf_adds(b, n);
	}
	xq_buf_adds(b, shown ? ")" : "exact copy");
	return conflict;
}

/* ---- the rules ---- */

static void
drop(struct run *R, const struct row *w, uint32_t id)
{
	const char *ksrc, *kline;
	char buf[24];
	int conflict = 0;

	if (R->keys.kept[id].sum == w->sum) {
		R->why.len = 0;
		xq_buf_adds(&R->why, "exact copy");
	} else
		conflict = explain(R, w->r, again(R, id));
	kept_where(R, id, &ksrc, &kline, buf);
	dup_row(R, w, ksrc, kline, xq_buf_str(&R->why), "dropped");
	if (conflict) {
		R->conflicts++;
		say(R, w, ksrc, kline, 0);
	} else
		R->copies++;
}

/* A kept record whose name and address are kept under another county. */
static void
place(struct run *R, const struct row *w, uint32_t id)
{
	const struct xq_rec *other;
	const char *ksrc, *kline;
	char buf[24];
	long first = kept_at_place(R, w, id);

	if (first < 0)
		return;
	other = again(R, (uint32_t)first);
	R->why.len = 0;
	xq_buf_adds(&R->why, "same name and address also in county ");
	xq_buf_adds(&R->why, xq_rec_get(other, R->c_code));
	kept_where(R, (uint32_t)first, &ksrc, &kline, buf);
	dup_row(R, w, ksrc, kline, xq_buf_str(&R->why), "flagged");
	R->flags++;
	say(R, w, ksrc, kline, 1);
}

static void
keep(struct run *R, const struct row *w, uint32_t id)
{
	xq_out_rec(R->out, w->r);
	R->nkept++;
	if (w->named && R->akey.len > 0)
		place(R, w, id);
}

/* A community the history lists: returns its entry, or NULL. */
static const struct hentry *
renovated(struct run *R, const struct row *w)
{
	struct history *H = R->hist;
	uint64_t addr;
	long id;
	uint32_t e;

	if (H == NULL || !w->named)
		return NULL;
	R->buf.len = 0;
	xq_buf_add(&R->buf, xq_rec_get(w->r, R->c_code), xq_rec_len(w->r, R->c_code));
	xq_buf_adds(&R->buf, SEP);
	xq_buf_add(&R->buf, R->nkey.p, R->nkey.len);
	if ((id = xq_keymap_find(H->map, xq_hash(R->buf.p, R->buf.len))) < 0)
		return NULL;
	addr = R->akey.len ? xq_hash64(R->akey.p, R->akey.len, 1) | 1 : 0;
	for (e = H->first[id]; e != 0; e = H->e[e - 1].next)
		if (H->e[e - 1].addr == 0 || addr == 0 || H->e[e - 1].addr == addr)
			return &H->e[e - 1];
	return NULL;
}

static void
drop_renovated(struct run *R, const struct row *w, const struct hentry *h)
{
	char line[24];

	R->why.len = 0;
	if (*h->year) {
		xq_buf_adds(&R->why, "renovated in ");
		xq_buf_adds(&R->why, h->year);
	} else
		xq_buf_adds(&R->why, "renovated earlier");
	snprintf(line, sizeof line, "%ld", h->line);
	dup_row(R, w, R->hist->name, line, xq_buf_str(&R->why), "dropped");
	R->renovated++;
}

/* One record: INDEX is the first of two passes (-k last), which only
 * finds the last record of each key. */
static void
record(struct run *R, struct row *w, int index)
{
	const struct hentry *h;
	uint32_t id;
	size_t at;
	long found;
	int added;

	if ((h = renovated(R, w)) != NULL) {
		if (!index)
			drop_renovated(R, w, h);
		return;
	}
	if (!w->named) {            /* nothing to compare: passed on */
		if (!index)
			keep(R, w, 0);
		return;
	}
	found = find_key(R, w, &at);
	if (R->keep == KEEP_FIRST || index) {
		added = found < 0;
		id = added ? add_key(R, w, at) : (uint32_t)found;
		if (added || index)
			remember(R, id, w);
		if (index)
			return;
	} else {
		if (found < 0)
			xq_die(XQ_IO, "%s: the input changed while it was read",
			    R->in.name);
		id = (uint32_t)found;
		added = R->keys.kept[id].at >> 16 == (uint64_t)w->off;
	}
	if (added)
		keep(R, w, id);
	else
		drop(R, w, id);
}

/* ---- the history file ---- */

static int
is_year_header(const char *s)
{
	static const char *const names[] = { "year", "改造年度", "改造年份",
		"实施年度", NULL };
	const char *const *n;

	for (n = names; *n; n++)
		if (strcmp(s, *n) == 0)
			return 1;
	return 0;
}

/* Finds the history's columns by the names of the stream or any header
 * variant xq-validate knows (xq-profile(5) aliases included). */
static void
history_columns(const struct xq_rec *h, const struct xq_profile *prof,
    int col[5])
{
	static const char *const want[] = { "county_code", "community", "address",
		"plan_year" };
	struct xq_schema *sc = xq_schema_load("submission", prof);
	size_t i, k;
	int shift, c;

	for (k = 0; k < 5; k++)
		col[k] = -1;
	for (i = 0; i < h->nf; i++) {
		char *key = xq_header_key(h->f[i], h->len[i]);

		if (is_year_header(key) && col[4] < 0)
			col[4] = (int)i;
		free(key);
		if ((c = xq_schema_match(sc, h->f[i], h->len[i], &shift)) < 0)
			continue;
		for (k = 0; k < 4; k++)
			if (col[k] < 0 && strcmp(sc->col[c].name, want[k]) == 0)
				col[k] = (int)i;
	}
	if (col[4] < 0)
		col[4] = col[3];      /* a plan of an earlier year: its plan_year */
	xq_schema_free(sc);
}

static void
history_add(struct history *H, const char *key, size_t n, uint64_t addr,
    const char *year, long line)
{
	uint32_t id;
	int added;

	id = xq_keymap_add(H->map, xq_hash(key, n), &added);
	if (added) {
		H->first = xq_realloc(H->first, (id + 1) * sizeof *H->first);
		H->last = xq_realloc(H->last, (id + 1) * sizeof *H->last);
		H->first[id] = H->last[id] = 0;
	}
	if (H->n == H->cap) {
		H->cap = H->cap ? H->cap * 2 : 256;
		H->e = xq_realloc(H->e, H->cap * sizeof *H->e);
	}
	H->e[H->n].addr = addr;
	H->e[H->n].line = line;
	H->e[H->n].year = xq_strdup(year);
	H->e[H->n].next = 0;
	H->n++;
	if (H->last[id])
		H->e[H->last[id] - 1].next = (uint32_t)H->n;
	else
		H->first[id] = (uint32_t)H->n;
	H->last[id] = (uint32_t)H->n;
}

static struct history *
history_load(struct run *R, const char *path, const struct xq_profile *prof)
{
	struct history *H = xq_calloc(1, sizeof *H);
	struct xq_reader *rd = xq_reader_open(path, XQ_ENC_AUTO, 0);
	struct xq_buf key = { 0 }, nkey = { 0 }, akey = { 0 };
	const struct xq_rec *r;
	int col[5];

	H->name = xq_basename(path);
	H->map = xq_keymap_new();
	if ((r = xq_reader_next(rd)) == NULL)
		xq_die(XQ_INPUT, "%s: empty file, a header row was expected", path);
	history_columns(r, prof, col);
	if (col[0] < 0 || col[1] < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\" (a history file needs "
		    "county_code and community)", path, col[0] < 0 ? "county_code" :
		    "community");
	if (xq_rec_find(r, "source") >= 0 && xq_rec_find(r, "line") >= 0)
		xq_reader_set_stream(rd, 1);   /* a stream: a plan of earlier years */
	while ((r = xq_reader_next(rd)) != NULL) {
		const char *code = xq_rec_get(r, col[0]), *name = xq_rec_get(r, col[1]);
		const char *addr = xq_rec_get(r, col[2]), *year = xq_rec_get(r, col[4]);
		size_t cn = xq_rec_len(r, col[0]), nn = xq_rec_len(r, col[1]);
		size_t an = xq_rec_len(r, col[2]), yn = xq_rec_len(r, col[4]);
		uint64_t ah = 0;

		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s", path, r->problem_line, r->problem);
		xq_trim(&code, &cn);
		xq_trim(&name, &nn);
		xq_trim(&addr, &an);
		xq_trim(&year, &yn);
		if (nn == 0)
			continue;
		xq_name_key_buf(&nkey, name, nn, R->suf);
		if (an > 0 && xq_name_key_buf(&akey, addr, an, NULL) > 0)
			ah = xq_hash64(akey.p, akey.len, 1) | 1;
		key.len = 0;
		xq_buf_add(&key, code, cn);
		xq_buf_adds(&key, SEP);
		xq_buf_add(&key, nkey.p, nkey.len);
		xq_buf_str(&key);
		{
			char *y = xq_strndup(year, yn);

			history_add(H, key.p, key.len, ah, y, r->line);
			free(y);
		}
	}
	xq_reader_close(rd);
	xq_buf_free(&key);
	xq_buf_free(&nkey);
	xq_buf_free(&akey);
	return H;
}

static void
history_free(struct history *H)
{
	size_t i;

	if (H == NULL)
		return;
	for (i = 0; i < H->n; i++)
		free(H->e[i].year);
	free(H->e);
	free(H->first);
	free(H->last);
	xq_keymap_free(H->map);
	free(H);
}

/* ---- passes ---- */

static void
header(struct run *R, const struct xq_rec *h)
{
	size_t i;

	if (h == NULL)
		xq_die(XQ_INPUT, "%s: empty input, a header line was expected",
		    R->in.name);
	R->ncol = h->nf;
	R->col = xq_calloc(h->nf, sizeof *R->col);
	for (i = 0; i < h->nf; i++)
		R->col[i] = xq_strdup(h->f[i]);
	R->c_source = xq_rec_find(h, "source");
	R->c_line = xq_rec_find(h, "line");
	R->c_code = xq_rec_find(h, "county_code");
	R->c_name = xq_rec_find(h, "community");
	R->c_addr = xq_rec_find(h, "address");
	keying.k = (struct keying){ R->c_source, R->c_line, R->c_code, R->c_name,
		R->c_addr, (R->c_source == 0 && R->c_line == 1) ||
		(R->c_source == 1 && R->c_line == 0), R->suf };
	if (R->c_code < 0 || R->c_name < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\" in the header (the input must "
		    "be the stream xq-validate writes)", R->in.name, R->c_code < 0 ?
		    "county_code" : "community");
}

static void
pass(struct run *R, int index)
{
	struct input *in = &R->in;
	const struct xq_prep prep = { key_record, key_end, &keying.k };
	struct xq_ahead *ahead;
	struct xq_rec *r;
	struct row w;
	int64_t off;

	pass_open(in);
	r = xq_reader_next(in->rd);
	if (R->col == NULL)
		header(R, r);
	if (!index)
		xq_out_rec(R->out, r);
	off = xq_reader_offset(in->rd);
	ahead = xq_ahead_start(in->rd, &prep);
	while ((r = xq_ahead_next(ahead)) != NULL) {
		size_t len;

		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s (the input must be the stream "
			    "xq-validate writes)", in->name, r->problem_line, r->problem);
		memset(&w, 0, sizeof w);
		w.r = r;
		w.off = in->base + (off_t)off;
		off = xq_ahead_offset(ahead);
		row_keys(R, &w, xq_ahead_prepared(ahead, &len));
		fetch_ahead(R, ahead);
		if (!index)
			R->records++;
		record(R, &w, index);
	}
	xq_ahead_stop(ahead);
	pass_close(in);
}

static void
summary(struct run *R)
{
	if (R->messages > MESSAGES && !R->quiet)
		xq_warn("%ld more conflicts and flags not shown%s", R->messages -
		    MESSAGES, R->dup ? " (all are in the duplicates file)" : "");
	if (R->quiet)
		return;
	xq_warn("%ld records: %ld kept, %ld dropped (%ld cop%s, %ld conflict%s, "
	    "%ld renovated earlier); %ld cross-county flag%s", R->records, R->nkept,
	    R->copies + R->conflicts + R->renovated, R->copies,
	    R->copies == 1 ? "y" : "ies", R->conflicts, R->conflicts == 1 ? "" : "s",
	    R->renovated, R->flags, R->flags == 1 ? "" : "s");
}

static void
run_free(struct run *R)
{
	size_t i;

	for (i = 0; i < R->ncol; i++)
		free(R->col[i]);
	for (i = 0; i < xq_keymap_count(R->sources); i++)
		free(R->source[i]);
	free(R->col);
	free(R->source);
	table_free(R->keys.kept, R->keys.cap * sizeof *R->keys.kept);
	table_free(R->keys.slot, (R->keys.mask + 1) * sizeof *R->keys.slot);
	xq_keymap_free(R->sources);
	xq_suffixes_free(R->suf);
	history_free(R->hist);
	if (R->in.again) {
		xq_reader_close(R->in.again);
		fclose(R->in.again_fp);
	}
	close(R->in.fd);
	xq_buf_free(&R->nkey);
	xq_buf_free(&R->akey);
	xq_buf_free(&R->buf);
	xq_buf_free(&R->why);
	xq_buf_free(&R->msg);
	xq_buf_free(&R->again_nkey);
	xq_buf_free(&R->again_akey);
	key_end(NULL);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "max-field", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'L' },
		{ "exit-zero", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	static struct run R;
	struct xq_profile *prof = NULL;
	const char *profile = NULL, *history = NULL, *out = NULL, *dup = NULL;
	const char *log = NULL;
	int c, exit_zero = 0;

	argv[0] = (char *)xq_init(argv[0]);   /* getopt names the program, not its path */
	while ((c = getopt_long(argc, argv, "d:hH:k:o:p:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dup = optarg; break;
		case 'H': history = optarg; break;
		case 'k':
			if (strcmp(optarg, "first") == 0)
				R.keep = KEEP_FIRST;
			else if (strcmp(optarg, "last") == 0)
				R.keep = KEEP_LAST;
			else
				xq_die(XQ_USAGE, "-k: \"%s\" is not first or last", optarg);
			break;
		case 'o': out = optarg; break;
		case 'p': profile = optarg; break;
		case 'q': R.quiet = 1; break;
		case 'L': log = optarg; break;
		case 'Z': exit_zero = 1; break;
		case 'M': xq_max_field = (size_t)xq_opt_long("--max-field", optarg, 1024,
		    1L << 30); break;
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
		prof = xq_profile_load(profile);
	R.suf = xq_suffixes_load(prof);
	if (history)
		R.hist = history_load(&R, history, prof);
	xq_profile_free(prof);
	R.keys.mask = 1023;
	R.keys.slot = table_alloc(NULL, 0, (R.keys.mask + 1) * sizeof *R.keys.slot);
	R.sources = xq_keymap_new();
	R.last_src = NOSRC;
	xq_buf_str(&R.nkey);
	xq_buf_str(&R.akey);
	xq_buf_str(&R.again_nkey);
	xq_buf_str(&R.again_akey);
	input_open(&R.in, argc ? argv[0] : "-");
	R.out = xq_out_open(out, 0);
	if (dup) {
		const char *h[] = { "source", "line", "kept_source", "kept_line",
			"reason", "county_code", "key", "action", "community", "address" };
		size_t i;

		R.dup = xq_out_open(dup, XQ_WRITE_EXCEL);
		for (i = 0; i < sizeof h / sizeof h[0]; i++)
			xq_out_str(R.dup, h[i]);
		xq_out_end(R.dup);
	}
	if (R.keep == KEEP_LAST)
		pass(&R, 1);
	pass(&R, 0);
	if (R.dup)
		xq_out_close(R.dup);
	xq_out_close(R.out);
	summary(&R);
	run_free(&R);
	return (R.conflicts || R.flags) && !exit_zero ? XQ_FLAGGED : XQ_OK;
}
