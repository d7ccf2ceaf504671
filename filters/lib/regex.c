/*
 * regex.c - PCRE2 patterns, JIT-compiled once, matched without a second
 * UTF-8 check (the reader has checked every byte already).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "xq.h"

struct xq_re {
	pcre2_code *code;
	pcre2_match_data *md;
	int jit;
};

struct xq_re *
xq_re_compile(const char *pattern, const char *where)
{
	struct xq_re *re;
	pcre2_code *code;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE at;
	int err;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP, &err, &at, NULL);
	if (code == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		xq_die(XQ_INPUT, "%s: pattern \"%s\" at offset %zu: %s", where, pattern,
		    (size_t)at, (char *)msg);
	}
	re = xq_calloc(1, sizeof *re);
	re->code = code;
	re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (re->md == NULL)
		xq_die(XQ_IO, "out of memory");
	return re;
}

int
xq_re_match(struct xq_re *re, const char *s, size_t n, size_t **ov)
{
	int rc;

	if (re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, n, 0,
		    PCRE2_NO_UTF_CHECK, re->md, NULL);
	else
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK,
		    re->md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		xq_die(XQ_INPUT, "pattern matching failed (PCRE2 error %d)", rc);
	if (ov != NULL)
		*ov = pcre2_get_ovector_pointer(re->md);
	return rc == 0 ? 1 : rc;
}

void
xq_re_free(struct xq_re *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}
