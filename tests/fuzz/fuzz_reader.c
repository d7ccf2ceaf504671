/*
 * fuzz_reader.c - libFuzzer target for the record reader and the exact
 * decimals. The first byte picks the reading (encoding, stream or raw
 * file); the rest is the input. Every input is read twice, with the fast
 * paths and with libcsv alone, and the two record sequences must be the
 * same: that is the property the fast paths promise.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xq.h"

static jmp_buf back;

static void
on_die(int status)
{
	(void)status;
	longjmp(back, 1);
}

/* The records of DATA as one string; "!" when the reader gave up. */
static void
describe(const uint8_t *data, size_t size, enum xq_enc enc, int flags,
    struct xq_buf *out)
{
	FILE *fp = fmemopen((void *)data, size, "r");
	struct xq_reader *volatile r = NULL;
	struct xq_rec *rec;
	char num[64];
	size_t i;

	out->len = 0;
	if (fp == NULL)
		abort();
	if (setjmp(back) == 0) {
		r = xq_reader_fopen(fp, "fuzz", enc, flags);
		while ((rec = xq_reader_next(r)) != NULL) {
			snprintf(num, sizeof num, "%ld:%s:", rec->line,
			    rec->problem ? rec->problem : "");
			xq_buf_adds(out, num);
			for (i = 0; i < rec->nf; i++) {
				if (strlen(rec->f[i]) > rec->len[i])
					abort();   /* a field runs past its length */
				xq_buf_add(out, rec->f[i], rec->len[i]);
				xq_buf_addc(out, '\x1f');
			}
			xq_buf_addc(out, '\x1e');
		}
	} else {
		xq_buf_adds(out, "!");
	}
	xq_reader_close(r);
	fclose(fp);
}

static void
numbers(const uint8_t *data, size_t size)
{
	char buf[48];
	int64_t v;
	int inexact, shift = size ? (int)(data[0] % 13) - 6 : 0;

	if (xq_dec_parse((const char *)data, size, shift, &v, &inexact) == XQ_NUM_OK) {
		int64_t again;
		int n = xq_dec_format(buf, v, 0);

		if (xq_dec_parse(buf, (size_t)n, 0, &again, &inexact) != XQ_NUM_OK ||
		    again != v)
			abort();   /* what is written reads back the same */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum xq_enc encs[] = { XQ_ENC_AUTO, XQ_ENC_UTF8, XQ_ENC_GB18030 };
	struct xq_buf fast = { 0 }, slow = { 0 };
	enum xq_enc enc;
	int flags;

	xq_die_hook = on_die;
	xq_quiet_errors = 1;
	xq_max_field = 4096;
	if (size == 0)
		return 0;
	enc = encs[data[0] % 3];
	flags = data[0] & 4 ? XQ_READ_STREAM : 0;
	describe(data + 1, size - 1, enc, flags, &fast);
	describe(data + 1, size - 1, enc, flags | XQ_READ_NOFAST, &slow);
	if (fast.len != slow.len || (fast.len > 0 && memcmp(fast.p, slow.p, fast.len) != 0))
		abort();
	numbers(data + 1, size - 1);
	xq_buf_free(&fast);
	xq_buf_free(&slow);
	return 0;
}
