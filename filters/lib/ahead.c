/*
 * ahead.c - a reader that reads ahead in a thread of its own.
 *
 * On two cores, splitting and checking lines (the reader) and what a filter
 * does with each record take about as long as each other, so a filter that
 * reads through xq_ahead does both at once. The reading thread copies each
 * record into a batch; the filter takes the batches in order. Records,
 * messages and exit status are those of reading in one thread: an error the
 * reader dies of is held in the batch after the last good record, and the
 * filter dies of it there, with the same message, after every record before
 * it was handled.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xq.h"

#define INLINE_BYTES (1024 * 1024)   /* files smaller are read inline */
#define BATCHES 4
#define BATCH_RECORDS 1024
#define BATCH_BYTES (256 * 1024)

struct held {               /* one record in a batch */
	size_t field;           /* its first field's length in flen */
	size_t data;            /* where its fields start in bytes */
	size_t nf;
	size_t raw;             /* offset of the raw line in bytes, or -1 */
	size_t raw_len;
	long line, problem_col, problem_line;
	const char *source;     /* the reader's */
	const char *problem;    /* the reader's, static */
	int64_t offset;         /* xq_reader_offset after the record */
	size_t prep, prep_len;  /* what prep made of it in prepped, or -1 */
};

/* Each batch, and the filter's side of struct xq_ahead, on cache lines of
 * their own: the two threads writing one line slowed reading by a half. */
struct batch {
	_Alignas(64) struct xq_buf bytes;   /* raw lines and fields, NUL-terminated */
	struct xq_buf prepped;
	struct held *rec;
	size_t nrec, rcap;
	size_t *flen;
	size_t nfld, fcap;
	int full;               /* filled, not yet handed out in full */
	int last;               /* no batch after this one */
	int status;             /* with last: exit status the reader died of */
	char *message;          /* and its message */
};

struct xq_ahead {
	struct xq_reader *rd;
	const struct xq_prep *prep;
	int put;                /* the batch being filled */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct batch b[BATCHES];
	int stop;               /* the filter wants no more */
	/* the filter's side */
	_Alignas(64) int take;  /* the batch being handed out */
	size_t next;            /* its next record */
	const struct held *cur; /* the record handed out last */
	int64_t offset;         /* after the record handed out last */
	struct xq_rec rec;      /* the record handed out, over its batch */
	size_t rcap;
	/* reading inline, in the caller's thread */
	int inline_read;
	struct xq_rec *now;     /* the record handed out last */
	struct xq_buf own;      /* what prep made of it */
};

/* The fields of R, one after the other, each ended by a NUL: those of a
 * line the reader split lie so already, and take one copy. Their lengths
 * go to flen, and the record handed out points at them there. */
static void
hold_fields(struct batch *b, const struct xq_rec *r)
{
	size_t i, nf = r->nf;

	if (b->nfld + nf > b->fcap) {
		while (b->fcap < b->nfld + nf)
			b->fcap = b->fcap ? b->fcap * 2 : 16384;
		b->flen = xq_realloc(b->flen, b->fcap * sizeof *b->flen);
	}
	if (nf > 0)
		memcpy(b->flen + b->nfld, r->len, nf * sizeof *r->len);
	b->nfld += nf;
	for (i = 1; i < nf; i++)
		if (r->f[i] != r->f[i - 1] + r->len[i - 1] + 1)
			break;
	if (nf > 0 && i == nf)
		xq_buf_add(&b->bytes, r->f[0],
		    (size_t)(r->f[nf - 1] - r->f[0]) + r->len[nf - 1] + 1);
	else
		for (i = 0; i < nf; i++) {
			xq_buf_add(&b->bytes, r->f[i], r->len[i]);
			xq_buf_addc(&b->bytes, '\0');
		}
}

static void
hold(struct batch *b, const struct xq_rec *r, int64_t offset,
    const struct xq_prep *prep)
{
	struct held *h;

	if (b->nrec == b->rcap) {
		b->rcap = b->rcap ? b->rcap * 2 : BATCH_RECORDS;
		b->rec = xq_realloc(b->rec, b->rcap * sizeof *b->rec);
	}
	h = &b->rec[b->nrec];
	h->field = b->nfld;
	h->nf = r->nf;
	h->line = r->line;
	h->source = r->source;
	h->problem = r->problem;
	h->problem_col = r->problem_col;
	h->problem_line = r->problem_line;
	h->offset = offset;
	h->raw = (size_t)-1;
	h->raw_len = r->raw_len;
	if (r->raw != NULL) {
		h->raw = b->bytes.len;
		xq_buf_add(&b->bytes, r->raw, r->raw_len);
	}
	h->data = b->bytes.len;
	hold_fields(b, r);
	h->prep = (size_t)-1;
	h->prep_len = 0;
	if (prep != NULL) {
		h->prep = b->prepped.len;
		prep->fn(prep->ctx, r, &b->prepped);
		h->prep_len = b->prepped.len - h->prep;
	}
	b->nrec++;   /* last: a record the reader died in is not handed out */
}

/* Waits for batch I to be free and clears it; returns the number of
 * batches the filter has yet to take or finish, or -1 when it stopped. */
static int
batch_empty(struct xq_ahead *a, int i)
{
	struct batch *b = &a->b[i];
	int k, waiting = 0;

	pthread_mutex_lock(&a->lock);
	while (b->full && !a->stop)
		pthread_cond_wait(&a->emptied, &a->lock);
	for (k = 0; k < BATCHES; k++)
		waiting += a->b[k].full;
	if (a->stop)
		waiting = -1;
	pthread_mutex_unlock(&a->lock);
	b->bytes.len = b->prepped.len = b->nrec = b->nfld = 0;
	return waiting;
}

static void
batch_hand(struct xq_ahead *a, struct batch *b)
{
	pthread_mutex_lock(&a->lock);
	b->full = 1;
	pthread_cond_signal(&a->filled);
	pthread_mutex_unlock(&a->lock);
}

/*
 * Fills the batches in turn until the reader ends. When the filter is two
 * batches behind, this thread has time to spare, and does the filter's
 * prep work on the next batch too; otherwise the filter does it. So the
 * work finds its way to the thread that waits, whichever it is.
 */
static void
fill(struct xq_ahead *a)
{
	struct xq_reader *rd = a->rd;
	const struct xq_prep *prep = NULL;
	struct xq_rec *r;
	struct batch *b;
	int waiting;

	if (batch_empty(a, a->put) < 0)
		return;
	for (;;) {
		b = &a->b[a->put];
		if ((r = xq_reader_next(rd)) == NULL) {
			b->last = 1;
			batch_hand(a, b);
			return;
		}
		hold(b, r, xq_reader_offset(rd), prep);
		if (b->nrec >= BATCH_RECORDS || b->bytes.len >= BATCH_BYTES) {
			batch_hand(a, b);
			a->put = (a->put + 1) % BATCHES;
			if ((waiting = batch_empty(a, a->put)) < 0)
				return;
			prep = waiting >= 2 ? a->prep : NULL;
		}
	}
}

/* The reading thread: xq_die comes back here (caught), and the batch being
 * filled ends with it, to be died of in order. */
static void *
read_ahead(void *arg)
{
	struct xq_ahead *a = arg;
	struct xq_deferred caught;
	struct batch *b;

	xq_defer = &caught;
	if (setjmp(caught.jb) == 0)
		fill(a);
	else {
		b = &a->b[a->put];
		b->status = caught.status;
		b->message = xq_strdup(caught.message);
		b->last = 1;
		batch_hand(a, b);
	}
	xq_defer = NULL;
	if (a->prep != NULL && a->prep->end != NULL)
		a->prep->end(a->prep->ctx);
	return NULL;
}

struct xq_ahead *
xq_ahead_start(struct xq_reader *rd, const struct xq_prep *prep)
{
	struct xq_ahead *a = xq_calloc(1, sizeof *a);
	int64_t left;
	int err;

	a->rd = rd;
	a->prep = prep;
	a->offset = xq_reader_offset(rd);
	left = xq_reader_left(rd);
	if (left >= 0 && left < INLINE_BYTES) {
		a->inline_read = 1;
		return a;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->emptied, NULL);
	if ((err = pthread_create(&a->thread, NULL, read_ahead, a)) != 0)
		xq_die(XQ_IO, "cannot start a thread: %s", strerror(err));
	return a;
}

/* Points the record handed out at H, in batch B. */
static struct xq_rec *
hand_out(struct xq_ahead *a, const struct batch *b, const struct held *h)
{
	struct xq_rec *rec = &a->rec;
	char *p = b->bytes.p + h->data;
	size_t i, *len = b->flen + h->field;

	if (h->nf > a->rcap) {
		a->rcap = h->nf * 2;
		rec->f = xq_realloc(rec->f, a->rcap * sizeof *rec->f);
	}
	for (i = 0; i < h->nf; i++) {
		rec->f[i] = p;
		p += len[i] + 1;
	}
	rec->len = len;
	rec->nf = h->nf;
	rec->source = h->source;
	rec->line = h->line;
	rec->problem = h->problem;
	rec->problem_col = h->problem_col;
	rec->problem_line = h->problem_line;
	rec->raw = h->raw == (size_t)-1 ? NULL : b->bytes.p + h->raw;
	rec->raw_len = h->raw_len;
	a->offset = h->offset;
	a->cur = h;
	return rec;
}

/* What prep makes of every record of B that the reading thread left alone,
 * made before the first is handed out, so that the filter can see what
 * lies ahead (xq_ahead_peek). */
static void
prep_batch(struct xq_ahead *a, struct batch *b)
{
	struct held *h;
	size_t i;

	if (a->prep == NULL || b->nrec == 0 || b->rec[0].prep != (size_t)-1)
		return;
	for (i = 0; i < b->nrec; i++) {
		h = &b->rec[i];
		hand_out(a, b, h);
		h->prep = b->prepped.len;
		a->prep->fn(a->prep->ctx, &a->rec, &b->prepped);
		h->prep_len = b->prepped.len - h->prep;
	}
}

struct xq_rec *
xq_ahead_next(struct xq_ahead *a)
{
	struct batch *b = &a->b[a->take];

	if (a->inline_read) {
		a->now = xq_reader_next(a->rd);
		a->offset = xq_reader_offset(a->rd);
		return a->now;
	}
	for (;;) {
		if (a->next == 0) {   /* a batch handed out stays full */
			pthread_mutex_lock(&a->lock);
			while (!b->full)
				pthread_cond_wait(&a->filled, &a->lock);
			pthread_mutex_unlock(&a->lock);
			prep_batch(a, b);
		}
		if (a->next < b->nrec)
			return hand_out(a, b, &b->rec[a->next++]);
		if (b->last) {
			if (b->message != NULL)
				xq_die(b->status, "%s", b->message);
			return NULL;
		}
		pthread_mutex_lock(&a->lock);
		b->full = 0;
		pthread_cond_signal(&a->emptied);
		pthread_mutex_unlock(&a->lock);
		a->take = (a->take + 1) % BATCHES;
		a->next = 0;
		b = &a->b[a->take];
	}
}

const char *
xq_ahead_prepared(struct xq_ahead *a, size_t *len)
{
	if (a->inline_read) {
		a->own.len = 0;
		a->prep->fn(a->prep->ctx, a->now, &a->own);
		*len = a->own.len;
		return a->own.p;
	}
	*len = a->cur->prep_len;
	return a->b[a->take].prepped.p + a->cur->prep;
}

const char *
xq_ahead_peek(const struct xq_ahead *a, size_t k, size_t *len)
{
	const struct batch *b = &a->b[a->take];
	size_t i = a->next - 1 + k;

	if (a->inline_read || i >= b->nrec)
		return NULL;
	*len = b->rec[i].prep_len;
	return b->prepped.p + b->rec[i].prep;
}

int64_t
xq_ahead_offset(const struct xq_ahead *a)
{
	return a->offset;
}

void
xq_ahead_stop(struct xq_ahead *a)
{
	int i;

	if (a == NULL)
		return;
	if (a->inline_read) {
		xq_buf_free(&a->own);
		free(a);
		return;
	}
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->emptied);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->emptied);
	for (i = 0; i < BATCHES; i++) {
		xq_buf_free(&a->b[i].bytes);
		xq_buf_free(&a->b[i].prepped);
		free(a->b[i].rec);
		free(a->b[i].flen);
		free(a->b[i].message);
	}
	free(a->rec.f);
	free(a);
}
