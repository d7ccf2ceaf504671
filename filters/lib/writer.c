/*
 * writer.c - the stream format of xq-stream(5), and its human form.
 *
 * Stream: one record per line; a LF, CR or backslash inside a field is
 * written as \n, \r or \\; a field is quoted (by libcsv) only when it holds
 * a comma or a double quote. Human form (XQ_WRITE_HUMAN): real line breaks,
 * quoted. Excel form (XQ_WRITE_EXCEL): a text cell that a spreadsheet would
 * run as a formula gets a leading apostrophe.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "xq.h"

static struct xq_buf scratch;

/* Outputs still being written, so that an exit on error removes their
 * temporary files. */
#define MAX_OUTS 16
static struct xq_out *pending[MAX_OUTS];

static void
remove_pending(void)
{
	int i;

	for (i = 0; i < MAX_OUTS; i++)
		if (pending[i] != NULL && pending[i]->tmp != NULL)
			unlink(pending[i]->tmp);
}

/* Interrupted (Ctrl-C, kill, a closed terminal): the temporary files go
 * too, the log's (--log) among them, then the signal does what it would
 * have done. unlink(2) and raise(3) are safe in a handler. */
static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < MAX_OUTS; i++)
		if (pending[i] != NULL && pending[i]->tmp != NULL)
			unlink(pending[i]->tmp);
	xq_log_abandon();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
track(struct xq_out *o, int on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int registered;
	struct sigaction sa;
	size_t k;
	int i;

	if (!registered) {
		atexit(remove_pending);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
			sigaction(sigs[k], &sa, NULL);
		registered = 1;
	}
	for (i = 0; i < MAX_OUTS; i++) {
		if (on && pending[i] == NULL) {
			pending[i] = o;
			return;
		}
		if (!on && pending[i] == o) {
			pending[i] = NULL;
			return;
		}
	}
	if (on)
		xq_die(XQ_USAGE, "too many output files");
}

int
xq_escape(struct xq_buf *b, const char *s, size_t n)
{
	size_t i;
	int changed = 0;

	b->len = 0;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n':
			xq_buf_add(b, "\\n", 2);
			changed = 1;
			break;
		case '\r':
			xq_buf_add(b, "\\r", 2);
			changed = 1;
			break;
		case '\\':
			xq_buf_add(b, "\\\\", 2);
			changed = 1;
			break;
		default:
			xq_buf_addc(b, s[i]);
		}
	}
	return changed;
}

size_t
xq_unescape(char *s, size_t n)
{
	size_t i, j;

	for (i = j = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			switch (s[i + 1]) {
			case 'n':
				s[j++] = '\n';
				i++;
				continue;
			case 'r':
				s[j++] = '\r';
				i++;
				continue;
			case '\\':
				s[j++] = '\\';
				i++;
				continue;
			}
		}
		s[j++] = s[i];
	}
	return j;
}

struct xq_out *
xq_out_open(const char *path, int flags)
{
	struct xq_out *o = xq_calloc(1, sizeof *o);
	struct stat st;
	int fd;

	o->flags = flags;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->path = "standard output";
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device or a pipe (/dev/full, /dev/stdout): written in place */
		o->path = path;
		if ((o->fp = fopen(path, "w")) == NULL) {
			int err = errno;

			free(o);
			xq_die(XQ_IO, "%s: %s", path, strerror(err));
		}
	} else {
		o->path = path;
		if ((fd = xq_temp_beside(path, &o->tmp)) < 0 ||
		    (o->fp = fdopen(fd, "w")) == NULL) {
			int err = errno;

			if (fd >= 0)
				unlink(o->tmp);
			free(o->tmp);
			free(o);
			xq_die(XQ_IO, "%s: %s", path, strerror(err));
		}
		track(o, 1);
	}
	if ((flags & XQ_WRITE_BOM_CRLF) && fputs("\xEF\xBB\xBF", o->fp) == EOF)
		xq_die(XQ_IO, "%s: write error: %s", o->path, strerror(errno));
	return o;
}

/* Would a spreadsheet take this cell for a formula? (OWASP CSV injection) */
static int
formula_like(const char *s, size_t n)
{
	static const char *const wide[] = { "\xEF\xBC\x9D", "\xEF\xBC\x8B",
		"\xEF\xBC\x8D", "\xEF\xBC\xA0" };   /* ＝ ＋ － ＠ */
	size_t i;
	int64_t v;
	int inexact;

	if (n == 0)
		return 0;
	if (strchr("=+-@\t\r\n", s[0]) != NULL)   /* numbers stay numbers, */
		return !((s[0] == '-' || s[0] == '+') &&    /* and so does -5% */
		    xq_dec_parse(s, n - (n > 1 && s[n - 1] == '%'), 0, &v,
		    &inexact) != XQ_NUM_SYNTAX);
	for (i = 0; i < 4 && n >= 3; i++)
		if (memcmp(s, wide[i], 3) == 0)
			return 1;
	return 0;
}

static void
write_failed(struct xq_out *o)
{
	/* a closed pipe means the reader has all it wanted: say nothing */
	if (errno == EPIPE && o->fp == stdout)
		exit(XQ_IO);
	xq_die(XQ_IO, "%s: write error: %s", o->path, strerror(errno));
}

static void
flush_buf(struct xq_out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		write_failed(o);
	o->len = 0;
}

static void
put(struct xq_out *o, const char *s, size_t n)
{
	if (o->len + n > sizeof o->buf) {
		flush_buf(o);
		if (n > sizeof o->buf) {
			if (fwrite(s, 1, n, o->fp) != n)
				write_failed(o);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Writes S quoted, through libcsv. */
static void
put_quoted(struct xq_out *o, const char *s, size_t n)
{
	size_t need = csv_write(NULL, 0, s, n);

	if (need > sizeof o->buf - o->len)
		flush_buf(o);
	if (need <= sizeof o->buf) {
		o->len += csv_write(o->buf + o->len, sizeof o->buf - o->len, s, n);
		return;
	}
	if (csv_fwrite(o->fp, s, n) != 0)
		write_failed(o);
}

/* What a byte asks of the writer. */
enum { ESCAPE = 1, QUOTE = 2, HUMAN_QUOTE = 4 };
static const unsigned char byte_class[256] = {
	['\n'] = ESCAPE | HUMAN_QUOTE, ['\r'] = ESCAPE | HUMAN_QUOTE,
	['\\'] = ESCAPE, [','] = QUOTE | HUMAN_QUOTE, ['"'] = QUOTE | HUMAN_QUOTE,
};

void
xq_out_flush(struct xq_out *o)
{
	flush_buf(o);
}

void
xq_out_bytes(struct xq_out *o, const void *s, size_t n)
{
	flush_buf(o);
	if (n > 0 && fwrite(s, 1, n, o->fp) != n)
		write_failed(o);
}

/* The field's text, after xq_out_field wrote its comma. */
void
xq_out_text(struct xq_out *o, const char *s, size_t n)
{
	int human = o->flags & XQ_WRITE_HUMAN;
	unsigned char seen = 0;
	size_t i;

	if (n > sizeof o->buf / 2)
		flush_buf(o);
	if (n >= 32) {
		/* long text: let memchr look, many bytes at a time */
		if (memchr(s, ',', n) || memchr(s, '"', n))
			seen |= QUOTE | HUMAN_QUOTE;
		if (memchr(s, '\n', n) || memchr(s, '\r', n))
			seen |= ESCAPE | HUMAN_QUOTE;
		if (memchr(s, '\\', n))
			seen |= ESCAPE;
	} else {
		/* the common case: copy while looking, keep the copy if plain */
		char *d;

		if (o->len + n > sizeof o->buf)
			flush_buf(o);
		d = o->buf + o->len;
		for (i = 0; i < n; i++)
			seen |= byte_class[(unsigned char)(d[i] = s[i])];
		if (!(seen & (human ? HUMAN_QUOTE : QUOTE | ESCAPE)) &&
		    !((o->flags & XQ_WRITE_EXCEL) && formula_like(s, n))) {
			o->len += n;
			return;
		}
	}
	if (!human && (seen & ESCAPE)) {
		xq_escape(&scratch, s, n);
		s = scratch.p;
		n = scratch.len;
	}
	if ((o->flags & XQ_WRITE_EXCEL) && formula_like(s, n)) {
		struct xq_buf guarded = { 0 };

		xq_buf_addc(&guarded, '\'');
		xq_buf_add(&guarded, s, n);
		put_quoted(o, guarded.p, guarded.len);
		xq_buf_free(&guarded);
		return;
	}
	if (seen & (human ? HUMAN_QUOTE : QUOTE))
		put_quoted(o, s, n);
	else
		put(o, s, n);
}

void
xq_out_str(struct xq_out *o, const char *s)
{
	xq_out_field(o, s, strlen(s));
}

void
xq_out_num(struct xq_out *o, int64_t v, int decimals)
{
	char buf[40];
	size_t n = (size_t)xq_dec_format(buf, v, decimals);

	xq_out_plain(o, buf, n);
}

void
xq_out_long(struct xq_out *o, long v)
{
	xq_out_num(o, v, 0);
}

void
xq_out_end(struct xq_out *o)
{
	if (o->flags & XQ_WRITE_BOM_CRLF)
		put(o, "\r\n", 2);
	else
		put(o, "\n", 1);
	o->nfield = 0;
}

void
xq_out_fields(struct xq_out *o, const struct xq_rec *r)
{
	size_t i;

	if (r->raw != NULL && o->nfield == 0 &&
	    !(o->flags & (XQ_WRITE_HUMAN | XQ_WRITE_EXCEL))) {
		put(o, r->raw, r->raw_len);
		o->nfield = (int)r->nf;
		return;
	}
	for (i = 0; i < r->nf; i++)
		xq_out_field(o, r->f[i], r->len[i]);
}

void
xq_out_rec(struct xq_out *o, const struct xq_rec *r)
{
	xq_out_fields(o, r);
	xq_out_end(o);
}

void
xq_out_close(struct xq_out *o)
{
	int failed, err;

	flush_buf(o);
	failed = fflush(o->fp) == EOF || ferror(o->fp);
	err = errno;

	if (o->fp == stdout) {
		if (failed) {
			errno = err;
			write_failed(o);
		}
	} else {
		if (fclose(o->fp) != 0 && !failed) {
			failed = 1;
			err = errno;
		}
		if (failed)
			xq_die(XQ_IO, "%s: write error: %s", o->path, strerror(err));
		if (o->tmp != NULL && rename(o->tmp, o->path) != 0)
			xq_die(XQ_IO, "%s: %s", o->path, strerror(errno));
		if (o->tmp != NULL)
			track(o, 0);
	}
	free(o->tmp);
	free(o);
}

void
xq_out_abort(struct xq_out *o)
{
	if (o == NULL || o->fp == stdout)
		return;
	fclose(o->fp);
	if (o->tmp != NULL) {
		unlink(o->tmp);
		track(o, 0);
	}
	free(o->tmp);
	free(o);
}
