/*
 * test_reader.c - the record reader against expected record sequences, in
 * the manner of libcsv's test_csv.c: each case is input bytes and the
 * records they must give, written as "LINE:field|field|...;" with "!" and
 * the problem's byte column after a record the reader flagged. Every case
 * runs twice, with and without the fast path, which must agree.
 */
#include <stdlib.h>
#include <string.h>

#include "xq.h"

struct reader_case {
	const char *name;
	const char *input;
	size_t len;             /* 0: strlen(input) */
	int flags;
	enum xq_enc enc;
	const char *want;
};

static const struct reader_case cases[] = {
	{ "plain", "a,b\nc,d\n", 0, 0, XQ_ENC_AUTO, "1:a|b;2:c|d;" },
	{ "no final newline", "a,b\nc,d", 0, 0, XQ_ENC_AUTO, "1:a|b;2:c|d;" },
	{ "CRLF", "a,b\r\nc,d\r\n", 0, 0, XQ_ENC_AUTO, "1:a|b;2:c|d;" },
	{ "spaces kept", " a , b\t\n", 0, 0, XQ_ENC_AUTO, "1: a | b\t;" },
	{ "spaces kept when quoted elsewhere", " a ,\"b\"\n", 0, 0, XQ_ENC_AUTO,
	  "1: a |b;" },
	{ "empty fields", ",,\n", 0, 0, XQ_ENC_AUTO, "1:||;" },
	{ "blank lines skipped, lines counted", "a\n\n\r\nb\n", 0, 0, XQ_ENC_AUTO,
	  "1:a;4:b;" },
	{ "quoted comma and quote", "\"a,b\",\"say \"\"hi\"\"\"\n", 0, 0,
	  XQ_ENC_AUTO, "1:a,b|say \"hi\";" },
	{ "multi-line cell, next record's line", "x,\"1\n2\n3\"\ny,z\n", 0, 0,
	  XQ_ENC_AUTO, "1:x|1\n2\n3;4:y|z;" },
	{ "CRLF inside a cell becomes LF", "\"a\r\nb\",c\r\nd,e\r\n", 0, 0,
	  XQ_ENC_AUTO, "1:a\nb|c;3:d|e;" },
	{ "blank line inside a cell", "\"a\n\nb\"\nc\n", 0, 0, XQ_ENC_AUTO,
	  "1:a\n\nb;4:c;" },
	{ "BOM stripped", "\xEF\xBB\xBF" "a,b\n", 0, 0, XQ_ENC_AUTO, "1:a|b;" },
	{ "BOM before a quoted field", "\xEF\xBB\xBF\"a\",b\n", 0, 0, XQ_ENC_AUTO,
	  "1:a|b;" },
	{ "stray quote flagged, next line read", "ab\"c,d\ne,f\n", 0, 0,
	  XQ_ENC_AUTO, "1:!3;2:e|f;" },
	{ "lone CR inside a line is data", "a\rb,c\n", 0, 0, XQ_ENC_AUTO,
	  "1:a\rb|c;" },
	{ "UTF-8 Chinese", "小区,户数\n南湖新村,120\n", 0, 0, XQ_ENC_AUTO,
	  "1:小区|户数;2:南湖新村|120;" },
	{ "GB18030 detected", "\xD0\xA1\xC7\xF8,\xBB\xA7\xCA\xFD\r\n", 0, 0,
	  XQ_ENC_AUTO, "1:小区|户数;" },
	{ "GB18030 forced", "\xD0\xA1\xC7\xF8\n", 0, 0, XQ_ENC_GB18030, "1:小区;" },
	{ "invalid UTF-8 flagged with its column", "ok\nab\xFF" "c,d\n", 0, 0,
	  XQ_ENC_UTF8, "1:ok;2:ab\xEF\xBF\xBD" "c|d!3;" },
	{ "NUL byte flagged", "a\0b,c\n", 6, 0, XQ_ENC_AUTO, "1:a b|c!2;" },
	{ "stream escapes undone", "a\\nb,c\\\\d,\"e\\rf,g\"\n", 0, XQ_READ_STREAM,
	  XQ_ENC_AUTO, "1:a\nb|c\\d|e\rf,g;" },
	{ "raw backslashes kept", "a\\nb\n", 0, 0, XQ_ENC_AUTO, "1:a\\nb;" },
	{ "long Chinese line across 16-byte chunks",
	  "更换供水管网,雨污分流,外墙保温,屋面防水,加装电梯,1995\n", 0, 0, XQ_ENC_UTF8,
	  "1:更换供水管网|雨污分流|外墙保温|屋面防水|加装电梯|1995;" },
	{ "overlong form in a long line flagged",
	  "abcdefghijklmnop,\xE0\x80\xAF,qrstuvwxyz\n", 0, 0, XQ_ENC_UTF8,
	  "1:abcdefghijklmnop|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|qrstuvwxyz!18;" },
	{ "surrogate in a long line flagged",
	  "0123456789abcdef\xED\xA0\x80,x\n", 0, 0, XQ_ENC_UTF8,
	  "1:0123456789abcdef\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|x!17;" },
	{ "a lead byte cut at the end of a line flagged",
	  "0123456789abcde,\xE4\xB8\n", 0, 0, XQ_ENC_UTF8,
	  "1:0123456789abcde|\xEF\xBF\xBD\xEF\xBF\xBD!17;" },
};

static void
describe(struct xq_reader *r, struct xq_buf *got)
{
	struct xq_rec *rec;
	size_t i;
	char num[32];

	got->len = 0;
	while ((rec = xq_reader_next(r)) != NULL) {
		snprintf(num, sizeof num, "%ld:", rec->line);
		xq_buf_adds(got, num);
		for (i = 0; i < rec->nf; i++) {
			if (i > 0)
				xq_buf_addc(got, '|');
			xq_buf_add(got, rec->f[i], rec->len[i]);
		}
		if (rec->problem) {
			snprintf(num, sizeof num, "!%ld", rec->problem_col);
			xq_buf_adds(got, num);
		}
		xq_buf_addc(got, ';');
	}
}

static int
run_case(const struct reader_case *c, int flags)
{
	size_t len = c->len ? c->len : strlen(c->input);
	FILE *fp = fmemopen((void *)c->input, len, "r");
	struct xq_reader *r = xq_reader_fopen(fp, c->name, c->enc, flags);
	struct xq_buf got = { 0 };
	int ok;

	describe(r, &got);
	ok = strcmp(xq_buf_str(&got), c->want) == 0;
	if (!ok)
		printf("not ok - %s%s\n#   want: %s\n#   got:  %s\n", c->name,
		    flags & XQ_READ_NOFAST ? " (libcsv only)" : "", c->want, got.p);
	xq_reader_close(r);
	fclose(fp);
	xq_buf_free(&got);
	return ok;
}

static int
number_case(const char *in, int shift, enum xq_num_err want_err, int64_t want,
    int want_inexact)
{
	int64_t v = 0;
	int inexact = 0;
	enum xq_num_err err = xq_dec_parse(in, strlen(in), shift, &v, &inexact);

	if (err == want_err && (err != XQ_NUM_OK || (v == want &&
	    inexact == want_inexact)))
		return 1;
	printf("not ok - xq_dec_parse(\"%s\", %d) gave error %d value %lld "
	    "inexact %d\n", in, shift, err, (long long)v, inexact);
	return 0;
}

/* A stream record keeps its line as read, for byte-for-byte pass-through. */
static int
raw_case(void)
{
	static const char in[] = "a,\"b,c\",d\\ne\n\"x\ny\",z\n";
	FILE *fp = fmemopen((void *)in, sizeof in - 1, "r");
	struct xq_reader *r = xq_reader_fopen(fp, "raw", XQ_ENC_UTF8, XQ_READ_STREAM);
	struct xq_rec *rec = xq_reader_next(r);
	int ok = rec && rec->raw && rec->raw_len == 12 &&
	    memcmp(rec->raw, "a,\"b,c\",d\\ne", 12) == 0 && rec->nf == 3 &&
	    strcmp(rec->f[2], "d\ne") == 0;

	rec = ok ? xq_reader_next(r) : NULL;
	ok = ok && rec && rec->raw == NULL && rec->nf == 2;   /* two lines: none */
	if (!ok)
		printf("not ok - a stream record keeps its raw line\n");
	xq_reader_close(r);
	fclose(fp);
	return ok;
}

static int
format_case(int64_t v, int decimals, const char *want)
{
	char buf[40];

	xq_dec_format(buf, v, decimals);
	if (strcmp(buf, want) == 0)
		return 1;
	printf("not ok - xq_dec_format(%lld, %d) gave \"%s\", want \"%s\"\n",
	    (long long)v, decimals, buf, want);
	return 0;
}

int
main(void)
{
	size_t i, n = sizeof cases / sizeof cases[0];
	int passed = 0, failed = 0;

	xq_init("test-reader");
	for (i = 0; i < n; i++) {
		run_case(&cases[i], cases[i].flags) ? passed++ : failed++;
		run_case(&cases[i], cases[i].flags | XQ_READ_NOFAST) ? passed++ : failed++;
	}
	number_case("1,234.56", 2, XQ_NUM_OK, 123456, 0) ? passed++ : failed++;
	number_case("2.1", 6, XQ_NUM_OK, 2100000, 0) ? passed++ : failed++;
	number_case("0.005", 2, XQ_NUM_OK, 1, 1) ? passed++ : failed++;
	number_case("0.004", 2, XQ_NUM_OK, 0, 1) ? passed++ : failed++;
	number_case("-12.5", 0, XQ_NUM_OK, -13, 1) ? passed++ : failed++;
	number_case("12,34", 0, XQ_NUM_SYNTAX, 0, 0) ? passed++ : failed++;
	number_case("1.", 0, XQ_NUM_SYNTAX, 0, 0) ? passed++ : failed++;
	number_case("-", 0, XQ_NUM_SYNTAX, 0, 0) ? passed++ : failed++;
	number_case("99999999999999999999", 0, XQ_NUM_RANGE, 0, 0) ? passed++ : failed++;
	number_case("9223372036854775807", 0, XQ_NUM_OK, INT64_MAX, 0) ? passed++ : failed++;
	number_case("3000", -2, XQ_NUM_OK, 30, 0) ? passed++ : failed++;
	format_case(5, 2, "0.05") ? passed++ : failed++;
	format_case(-5, 2, "-0.05") ? passed++ : failed++;
	format_case(0, 0, "0") ? passed++ : failed++;
	format_case(0, 2, "0.00") ? passed++ : failed++;
	format_case(123456, 2, "1234.56") ? passed++ : failed++;
	format_case(INT64_MIN, 2, "-92233720368547758.08") ? passed++ : failed++;
	raw_case() ? passed++ : failed++;
	printf("reader and numbers: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
