/*
 * xq.h - the one header every xiaoqu filter includes.
 *
 * The library gives a filter whole records with their provenance, writes
 * the stream format of xq-stream(5), parses exact decimals, loads profiles
 * and reports errors with the exit codes of xiaoqu(7).
 */
#ifndef XQ_H
#define XQ_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XQ_VERSION "0.1.0"

/* Exit status, the same for every filter. */
enum xq_exit {
	XQ_OK = 0,      /* every record passed */
	XQ_FLAGGED = 1, /* finished, but records were rejected or flagged */
	XQ_USAGE = 2,   /* bad command line */
	XQ_INPUT = 3,   /* input that cannot be read as a whole */
	XQ_IO = 4       /* a read or write failed */
};

/* ---- errors and memory (util.c) ---------------------------------------- */

extern const char *xq_prog;
/* For the fuzzers: called by xq_die instead of returning to exit (it must
 * not return: a longjmp), and messages off. */
extern void (*xq_die_hook)(int status);
extern int xq_quiet_errors;
/* In a thread that reads ahead (ahead.c): xq_die keeps its status and
 * message here and longjmps to jb, for the filter to die of them in order. */
struct xq_deferred {
	jmp_buf jb;
	int status;
	char message[1024];
};
extern _Thread_local struct xq_deferred *xq_defer;

const char *xq_init(const char *argv0);
__attribute__((noreturn, format(printf, 2, 3)))
void xq_die(int status, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void xq_warn(const char *fmt, ...);
__attribute__((noreturn)) void xq_version(void);
/* Creates PATH.tmpXXXXXX for a file to be renamed to PATH when whole, with
 * the mode a new file gets; returns its descriptor and sets *TMP (to free),
 * or -1 with errno set. */
int xq_temp_beside(const char *path, char **tmp);
/* Sends the messages to PATH instead of standard error (written under a
 * temporary name and renamed as the program exits; call it before opening
 * any output). A message the program dies with goes to standard error too.
 * Called again, it renames the log so far into place and starts another. */
void xq_log_to(const char *path);
/* Removes the log's temporary file: for a signal handler (unlink(2) is safe
 * there), as the run is cut short. */
void xq_log_abandon(void);
/* Flushes standard output; a write error there is exit 4 with a message,
 * or without one when the reader of a pipe has gone (EPIPE). */
void xq_stdout_done(void);
/* Prints USAGE on stdout for --help, checks the write, exits 0. */
__attribute__((noreturn)) void xq_help(const char *usage);
/* Prints USAGE on stderr and exits 2: a bad command line. */
__attribute__((noreturn)) void xq_usage(const char *usage);

void *xq_malloc(size_t n);
void *xq_calloc(size_t n, size_t size);
void *xq_realloc(void *p, size_t n);
char *xq_strdup(const char *s);
char *xq_strndup(const char *s, size_t n);
char *xq_path_join(const char *dir, const char *file);
const char *xq_basename(const char *path);

/* Opens PATH ("-": standard input) as a file descriptor; with TWICE, one
 * that can be read again from *START: a regular file as it is, a pipe
 * copied first to an unlinked temporary file. Dies on failure. */
int xq_open_input(const char *path, int twice, long *start);

/* Parses a whole number for option OPT within [min, max], or dies (exit 2). */
long xq_opt_long(const char *opt, const char *arg, long min, long max);

/* A growable byte buffer. */
struct xq_buf {
	char *p;
	size_t len, cap;
};
void xq_buf_add(struct xq_buf *b, const void *s, size_t n);
void xq_buf_addc(struct xq_buf *b, char c);
void xq_buf_adds(struct xq_buf *b, const char *s);
const char *xq_buf_str(struct xq_buf *b); /* NUL-terminated view */
void xq_buf_free(struct xq_buf *b);

/* ---- records ------------------------------------------------------------ */

/* Fields are NUL-terminated; len[i] is the byte length (a field may hold NUL
 * only if the input did, which the reader rejects). */
struct xq_rec {
	size_t nf;
	char **f;
	size_t *len;
	const char *source;   /* name of the file being read */
	long line;            /* physical line where the record starts */
	const char *problem;  /* decoding problem in this record, or NULL */
	long problem_col;     /* 1-based byte column of the problem in its line */
	long problem_line;
	/* The record's line as read, when the input is the stream and the
	 * record is one line: xq_out_rec copies it, so fields a filter does
	 * not change pass through byte for byte, and fast. NULL otherwise. */
	const char *raw;
	size_t raw_len;
	/* private */
	struct xq_buf data;
	size_t *off, cap;
};

/* Index of the field named NAME in a header record, or -1. */
int xq_rec_find(const struct xq_rec *header, const char *name);
/* Field I of R, or "" when the record is short or I is -1. */
static inline const char *
xq_rec_get(const struct xq_rec *r, int i)
{
	return i >= 0 && (size_t)i < r->nf ? r->f[i] : "";
}

static inline size_t
xq_rec_len(const struct xq_rec *r, int i)
{
	return i >= 0 && (size_t)i < r->nf ? r->len[i] : 0;
}

int xq_rec_blank(const struct xq_rec *r);

/* ---- reader (reader.c) -------------------------------------------------- */

enum xq_enc { XQ_ENC_AUTO, XQ_ENC_UTF8, XQ_ENC_GB18030 };

enum xq_read_flags {
	XQ_READ_STREAM = 1,  /* input is the stream format: undo \n \r \\ */
	XQ_READ_NOFAST = 2   /* always go through libcsv (for tests) */
};

struct xq_reader;

/* Opens PATH ("-" is stdin); dies with exit 3 when it cannot be opened. */
struct xq_reader *xq_reader_open(const char *path, enum xq_enc enc, int flags);
struct xq_reader *xq_reader_fopen(FILE *fp, const char *name, enum xq_enc enc,
    int flags);
/* Returns the next record, or NULL at end of input. The record is valid
 * until the next call. Dies with exit 3 on input that cannot be parsed
 * (an unterminated quote, a field over the size cap) and exit 4 on a read
 * error. */
struct xq_rec *xq_reader_next(struct xq_reader *r);
void xq_reader_set_stream(struct xq_reader *r, int on);
/* "UTF-8", "UTF-8 with BOM" or "GB18030"; known after the first record. */
const char *xq_reader_encoding(const struct xq_reader *r);
int xq_reader_crlf(const struct xq_reader *r);
long xq_reader_lines(const struct xq_reader *r);  /* physical lines read */
/* Bytes read up to the end of the last line read: where the next record,
 * or the blank lines before it, start. */
int64_t xq_reader_offset(const struct xq_reader *r);
/* Bytes of a regular file not read yet (as far as the file's size says:
 * it may start at an offset, or grow), or -1 for a pipe or a terminal. */
int64_t xq_reader_left(const struct xq_reader *r);
long xq_reader_blank_lines(const struct xq_reader *r);
void xq_reader_close(struct xq_reader *r);

/* ---- reading ahead in a thread (ahead.c) --------------------------------- */

/* Reads the records of RD after the ones read so far in a thread of its
 * own. xq_ahead_next gives them in order, each valid until the next call,
 * as xq_reader_next would, and dies where the reader would have died;
 * xq_ahead_offset is xq_reader_offset after the record given last. Leave
 * RD alone until xq_ahead_stop, which ends the thread (when it is blocked
 * on a read, once that read returns). A file of less than a megabyte is
 * read in the calling thread: a thread costs more than it saves there. */
struct xq_ahead;
/* Work a filter does on each record before it uses it, which can be done
 * in either thread (ahead.c gives it to the one with time to spare): fn
 * appends what it makes of R to OUT; it must only read CTX and use
 * thread-local buffers. end, when set, frees those of the reading thread. */
struct xq_prep {
	void (*fn)(void *ctx, const struct xq_rec *r, struct xq_buf *out);
	void (*end)(void *ctx);
	void *ctx;
};
struct xq_ahead *xq_ahead_start(struct xq_reader *rd, const struct xq_prep *prep);
struct xq_rec *xq_ahead_next(struct xq_ahead *a);
/* What prep's fn made of the record given last; of the record K after it
 * when that one is at hand (NULL when not), to look up ahead of time. */
const char *xq_ahead_prepared(struct xq_ahead *a, size_t *len);
const char *xq_ahead_peek(const struct xq_ahead *a, size_t k, size_t *len);
int64_t xq_ahead_offset(const struct xq_ahead *a);
void xq_ahead_stop(struct xq_ahead *a);

extern size_t xq_max_field;  /* bytes; default 1 MiB */

/* ---- writer (writer.c) -------------------------------------------------- */

enum xq_write_flags {
	XQ_WRITE_HUMAN = 1,  /* real line breaks in fields (quoted) */
	XQ_WRITE_EXCEL = 2,  /* guard formula cells; with XQ_WRITE_BOM_CRLF... */
	XQ_WRITE_BOM_CRLF = 4
};

struct xq_out {
	FILE *fp;
	const char *path;
	int flags;
	int nfield;   /* fields written on the current line */
	char *tmp;    /* for -o: written to tmp, renamed at close */
	size_t len;   /* bytes waiting in buf */
	char buf[65536];
};

/* Opens PATH for writing ("-" or NULL is stdout). A file is written under a
 * temporary name and renamed by xq_out_close, so a failed run leaves no
 * half-written file that looks finished. Dies with exit 4 on failure. */
struct xq_out *xq_out_open(const char *path, int flags);
void xq_out_text(struct xq_out *o, const char *s, size_t n);
void xq_out_flush(struct xq_out *o);
/* Bytes as they are, after what is buffered, with the writer's checks. */
void xq_out_bytes(struct xq_out *o, const void *s, size_t n);

/* Writes one field, escaped and quoted as the output's form needs. Empty
 * fields and the comma before a field are handled here, inline: most
 * fields of a wide stream are empty. */
static inline void
xq_out_field(struct xq_out *o, const char *s, size_t n)
{
	if (o->nfield++ > 0) {
		if (o->len == sizeof o->buf)
			xq_out_flush(o);
		o->buf[o->len++] = ',';
	}
	if (n > 0)
		xq_out_text(o, s, n);
}

/* Writes a field the caller knows needs no escape, quote or guard (a
 * number, a code, a date it formatted itself). */
static inline void
xq_out_plain(struct xq_out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > sizeof o->buf)
		xq_out_flush(o);
	if (o->nfield++ > 0)
		o->buf[o->len++] = ',';
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void xq_out_str(struct xq_out *o, const char *s);
void xq_out_num(struct xq_out *o, int64_t v, int decimals);
void xq_out_long(struct xq_out *o, long v);
void xq_out_end(struct xq_out *o);
/* Writes the record's fields (its raw line when it has one and O is the
 * stream form); more fields may follow before xq_out_end. */
void xq_out_fields(struct xq_out *o, const struct xq_rec *r);
void xq_out_rec(struct xq_out *o, const struct xq_rec *r);
/* Flushes, checks and closes; dies with exit 4 on any write error. */
void xq_out_close(struct xq_out *o);
/* Abandons an output after a fatal error: removes its temporary file. */
void xq_out_abort(struct xq_out *o);

/* Escapes S for the stream (\n \r \\) into B; returns 1 if anything changed. */
int xq_escape(struct xq_buf *b, const char *s, size_t n);
/* Undoes xq_escape in place; returns the new length. */
size_t xq_unescape(char *s, size_t n);

/* ---- exact numbers (number.c) ------------------------------------------- */

enum xq_num_err { XQ_NUM_OK = 0, XQ_NUM_SYNTAX, XQ_NUM_RANGE };

/* Parses a plain decimal ("-12", "3.5", "1,234.56") into round(value *
 * 10^shift) exactly; *inexact is set when digits were rounded away. */
enum xq_num_err xq_dec_parse(const char *s, size_t n, int shift, int64_t *out,
    int *inexact);
/* Formats V / 10^decimals; returns the length written to BUF (>= 32). */
int xq_dec_format(char *buf, int64_t v, int decimals);

/* ---- text (text.c) ------------------------------------------------------ */

/* Trims ASCII white space and U+3000 from both ends; returns new bounds. */
void xq_trim(const char **s, size_t *n);
/* Full-width forms (U+FF01..U+FF5E) and U+3000 to ASCII, through NFKC. */
char *xq_nfkc(const char *s, size_t n, size_t *outlen);
int xq_is_ascii(const char *s, size_t n);
/* Number of code points of valid UTF-8. */
size_t xq_utf8_chars(const char *s, size_t n);
/* Edit distance in code points, for "did you mean" messages. */
size_t xq_edit_distance(const char *a, const char *b);

/* ---- patterns (regex.c) ------------------------------------------------- */

struct xq_re;
/* Compiles a PCRE2 pattern (UTF, JIT) or dies naming WHERE (exit 3). */
struct xq_re *xq_re_compile(const char *pattern, const char *where);
/* Returns the number of captures + 1 on a match, 0 on no match. Captured
 * group I spans [ov[2i], ov[2i+1]). */
int xq_re_match(struct xq_re *re, const char *s, size_t n, size_t **ov);
void xq_re_free(struct xq_re *re);

/* ---- small tables and profiles (profile.c) ------------------------------ */

/* A CSV file loaded whole: a header and rows, every cell a string. */
struct xq_table {
	char *path;
	size_t ncol, nrow;
	char **head;
	char **cell;   /* nrow * ncol, row-major; short rows padded with "" */
	long *line;    /* physical line of each row */
};
struct xq_table *xq_table_load(const char *path);
struct xq_table *xq_table_parse(const char *name, const char *text);
int xq_table_col(const struct xq_table *t, const char *name);
/* Like xq_table_col, but dies (exit 3) naming the file when NAME is absent. */
int xq_table_need(const struct xq_table *t, const char *name);
const char *xq_table_get(const struct xq_table *t, size_t row, int col);
void xq_table_free(struct xq_table *t);

struct xq_county {
	char code[7];
	char *name;
	char *city;
	char *fiscal_coef;   /* as written; "1" when absent */
};

struct xq_profile {
	char *dir;
	struct xq_county *county;   /* sorted by code */
	size_t ncounty;
	int32_t *slot;              /* hash of code -> index in county, -1 */
	size_t nslot;
	struct xq_table *settings;  /* settings.csv (key,value) or NULL */
};

/* Loads the profile folder DIR; counties.csv is required (exit 3). */
struct xq_profile *xq_profile_load(const char *dir);
const struct xq_county *xq_profile_county(const struct xq_profile *p,
    const char *code, size_t n);
/* Path of FILE in the profile when it exists, else NULL (caller frees). */
char *xq_profile_file(const struct xq_profile *p, const char *file);
const char *xq_profile_setting(const struct xq_profile *p, const char *key);
void xq_profile_free(struct xq_profile *p);

/* ---- column tables (schema.c) ------------------------------------------ */

enum xq_type {
	XQ_T_CODE, XQ_T_TEXT, XQ_T_YEAR, XQ_T_INT, XQ_T_AREA, XQ_T_MONEY,
	XQ_T_PERCENT, XQ_T_YESNO, XQ_T_DATE, XQ_T_STATUS
};

struct xq_column {
	char *name;            /* canonical */
	enum xq_type type;
	int required;
	int has_min, has_max;
	int64_t min, max;      /* in the type's units (see schema.c) */
	struct xq_re *pattern; /* optional extra check */
	char **alias;          /* header keys (xq_header_key), name included */
	size_t nalias;
};

struct xq_schema {
	char *name;
	struct xq_column *col;
	size_t ncol;
};

/* WHICH is "submission", "progress" or a table file; P may add aliases. */
struct xq_schema *xq_schema_load(const char *which, const struct xq_profile *p);
int xq_schema_find(const struct xq_schema *sc, const char *name);
/* Maps a header cell to a column index (or -1); *shift is the unit's scale
 * for area (2: ㎡, 6: 万㎡) and money (6: 万元, 2: 元), 0 when the header
 * names no unit, -1 when it names an area or money unit not known. */
int xq_schema_match(const struct xq_schema *sc, const char *cell, size_t n,
    int *shift);
char *xq_header_key(const char *s, size_t n);
void xq_schema_free(struct xq_schema *sc);

/* ---- modules shared by later filters ------------------------------------- */

#include "names.h"      /* community-name keys: dedupe, score-performance */
#include "rules.h"      /* content classification: classify-scope */

#endif
