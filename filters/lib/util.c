/* util.c - errors, memory, option numbers and byte buffers. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "xq.h"

const char *xq_prog = "xq";
void (*xq_die_hook)(int status);
int xq_quiet_errors;
_Thread_local struct xq_deferred *xq_defer;

/* Returns the program's name without its folder, for argv[0]. */
const char *
xq_init(const char *argv0)
{
	xq_prog = xq_basename(argv0);
	return xq_prog;
}

static void
vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", xq_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* ---- messages to a file (--log) ---- */

static char *log_path, *log_tmp;
static int log_stderr = -1;   /* the standard error the log stands in for */

/* Renames the log into place, whole; returns 0, or the errno of a failed
 * write or rename (the temporary file is then removed). */
static int
log_close(void)
{
	int err = 0;

	if (fflush(stderr) == EOF || ferror(stderr))
		err = errno ? errno : EIO;
	else if (rename(log_tmp, log_path) != 0)
		err = errno;
	if (err)
		unlink(log_tmp);
	return err;
}

/* At exit. A log that could not be written is told where standard error
 * was, and the run fails (exit 4). */
static void
log_done(void)
{
	int err;

	if (log_path == NULL)
		return;
	if ((err = log_close()) != 0) {
		dprintf(log_stderr, "%s: %s: %s\n", xq_prog, log_path, strerror(err));
		_exit(XQ_IO);   /* the other exit handlers have run (see below) */
	}
	free(log_tmp);
	free(log_path);
	log_tmp = log_path = NULL;
}

void
xq_log_abandon(void)
{
	if (log_tmp != NULL)
		unlink(log_tmp);
}

int
xq_temp_beside(const char *path, char **tmp)
{
	mode_t mask;
	int fd, err;

	*tmp = xq_malloc(strlen(path) + 16);
	sprintf(*tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0) {
		err = errno;
		free(*tmp);
		*tmp = NULL;
		errno = err;
		return -1;
	}
	/* mkstemp makes it 0600: the mode a new file of the user's gets */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	return fd;
}

void
xq_log_to(const char *path)
{
	static int registered;
	char *done, *tmp;
	int fd, err;

	if (log_path != NULL) {   /* the log before: renamed, stderr put back */
		err = log_close();
		dup2(log_stderr, 2);
		close(log_stderr);
		log_stderr = -1;
		clearerr(stderr);
		done = log_path;
		tmp = log_tmp;
		log_tmp = log_path = NULL;   /* before the free: a signal reads it */
		free(tmp);
		if (err != 0)
			xq_die(XQ_IO, "%s: %s", done, strerror(err));
		free(done);
	}
	if (!registered) {
		/* registered before any output is opened, so it runs after theirs */
		atexit(log_done);
		registered = 1;
	}
	if ((fd = xq_temp_beside(path, &log_tmp)) < 0)
		xq_die(XQ_IO, "%s: %s", path, strerror(errno));
	fflush(stderr);
	if ((log_stderr = dup(2)) < 0 || dup2(fd, 2) < 0)
		xq_die(XQ_IO, "%s: %s", path, strerror(errno));
	close(fd);
	clearerr(stderr);
	log_path = xq_strdup(path);
}

void
xq_die(int status, const char *fmt, ...)
{
	va_list ap;

	if (xq_defer != NULL) {
		va_start(ap, fmt);
		vsnprintf(xq_defer->message, sizeof xq_defer->message, fmt, ap);
		va_end(ap);
		xq_defer->status = status;
		longjmp(xq_defer->jb, 1);
	}
	if (!xq_quiet_errors) {
		va_start(ap, fmt);
		vsay(fmt, ap);
		va_end(ap);
	}
	if (log_stderr >= 0) {   /* and where standard error was: not missed */
		dprintf(log_stderr, "%s: ", xq_prog);
		va_start(ap, fmt);
		vdprintf(log_stderr, fmt, ap);
		va_end(ap);
		dprintf(log_stderr, "\n");
	}
	if (xq_die_hook != NULL)
		xq_die_hook(status);
	exit(status);
}

void
xq_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void
xq_stdout_done(void)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return;
	if (errno == EPIPE)
		exit(XQ_IO);   /* the reader has all it wanted: say nothing */
	xq_die(XQ_IO, "standard output: write error: %s", strerror(errno));
}

void
xq_version(void)
{
	printf("%s (xiaoqu) %s\n", xq_prog, XQ_VERSION);
	xq_stdout_done();
	exit(XQ_OK);
}

void
xq_usage(const char *usage)
{
	fputs(usage, stderr);
	exit(XQ_USAGE);
}

void
xq_help(const char *usage)
{
	fputs(usage, stdout);
	xq_stdout_done();
	exit(XQ_OK);
}

void *
xq_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xq_die(XQ_IO, "out of memory (%zu bytes)", n);
	return p;
}

void *
xq_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		xq_die(XQ_IO, "out of memory");
	return p;
}

void *
xq_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		xq_die(XQ_IO, "out of memory (%zu bytes)", n);
	return p;
}

char *
xq_strndup(const char *s, size_t n)
{
	char *d = xq_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
xq_strdup(const char *s)
{
	return xq_strndup(s, strlen(s));
}

char *
xq_path_join(const char *dir, const char *file)
{
	size_t dn = strlen(dir), fn = strlen(file);
	char *p = xq_malloc(dn + fn + 2);

	/* the NUL comes with FILE, below
	 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(p, dir, dn);
	if (dn > 0 && dir[dn - 1] != '/')
		p[dn++] = '/';
	memcpy(p + dn, file, fn + 1);
	return p;
}

const char *
xq_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

int
xq_open_input(const char *path, int twice, long *start)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	const char *dir = getenv("TMPDIR");
	char buf[65536], *tmp;
	struct stat st;
	ssize_t got;
	off_t at;
	int copy;

	if (fd < 0)
		xq_die(XQ_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		xq_die(XQ_INPUT, "%s: %s", path, strerror(EISDIR));
	at = lseek(fd, 0, SEEK_CUR);
	*start = at < 0 ? 0 : (long)at;
	if (!twice || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && at >= 0))
		return fd;
	/* a pipe: keep a copy to read a second time */
	tmp = xq_path_join(dir && *dir ? dir : "/tmp", "xiaoqu.XXXXXX");
	if ((copy = mkstemp(tmp)) < 0)
		xq_die(XQ_IO, "%s: %s", tmp, strerror(errno));
	unlink(tmp);
	while ((got = read(fd, buf, sizeof buf)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			xq_die(XQ_IO, "%s: read error: %s", name, strerror(errno));
		if (write(copy, buf, (size_t)got) != got)
			xq_die(XQ_IO, "%s: %s (a copy of the input for a second pass)", tmp,
			    strerror(errno));
	}
	if (lseek(copy, 0, SEEK_SET) != 0)
		xq_die(XQ_IO, "%s: %s", tmp, strerror(errno));
	free(tmp);
	if (fd != 0)
		close(fd);
	*start = 0;
	return copy;
}

long
xq_opt_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno == ERANGE || v < min || v > max)
		xq_die(XQ_USAGE, "%s: \"%s\" is not a whole number from %ld to %ld",
		    opt, arg, min, max);
	return v;
}

static void
buf_grow(struct xq_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xq_realloc(b->p, b->cap);
}

void
xq_buf_add(struct xq_buf *b, const void *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void
xq_buf_addc(struct xq_buf *b, char c)
{
	buf_grow(b, 1);
	b->p[b->len++] = c;
}

void
xq_buf_adds(struct xq_buf *b, const char *s)
{
	xq_buf_add(b, s, strlen(s));
}

const char *
xq_buf_str(struct xq_buf *b)
{
	buf_grow(b, 0);
	b->p[b->len] = '\0';
	return b->p;
}

void
xq_buf_free(struct xq_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
