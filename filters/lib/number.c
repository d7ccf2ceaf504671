/*
 * number.c - exact decimals as scaled 64-bit integers.
 *
 * Money and area never pass through a float: "1,234.56" with shift 2 is the
 * integer 123456, and a unit change (万㎡ to ㎡, 元 to 万元) is a change of
 * shift.
 */
#include <stdint.h>
#include <string.h>

#include "xq.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Checks the thousands grouping of the integer part [s, e): "1,234,567". */
static int
grouping_ok(const char *s, const char *e)
{
	const char *comma = memchr(s, ',', (size_t)(e - s));
	const char *p;

	if (comma == NULL)
		return 1;
	if (comma - s < 1 || comma - s > 3)
		return 0;
	for (p = comma; p < e; p += 4)
		if (*p != ',' || e - p < 4 || !is_digit(p[1]) || !is_digit(p[2]) ||
		    !is_digit(p[3]))
			return 0;
	return 1;
}

static const uint64_t pow10[19] = { 1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL,
	100000ULL, 1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL,
	10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL };

/* The common case, measured to matter: up to 18 digits, an optional point,
 * no sign or separator. Returns 0 to hand the text to the general parser. */
static int
parse_plain(const char *s, size_t n, int shift, int64_t *out, int *inexact)
{
	uint64_t v = 0, q, rem;
	int digits = 0, frac = -1, exp;
	size_t i;

	if (n == 0 || n > 19 || !is_digit(s[n - 1]))
		return 0;
	for (i = 0; i < n; i++) {
		if (is_digit(s[i])) {
			v = v * 10 + (uint64_t)(s[i] - '0');
			digits++;
			frac += frac >= 0;
		} else if (s[i] == '.' && frac < 0 && i > 0) {
			frac = 0;
		} else {
			return 0;
		}
	}
	if (digits > 18 || shift < -18 || shift > 18)
		return 0;
	exp = shift - (frac < 0 ? 0 : frac);
	if (exp >= 0) {
		if (v > (uint64_t)INT64_MAX / pow10[exp])
			return 0;
		*out = (int64_t)(v * pow10[exp]);
		return 1;
	}
	if (-exp > 18)
		return 0;
	q = v / pow10[-exp];
	rem = v % pow10[-exp];
	*inexact = rem != 0;
	*out = (int64_t)(q + (rem >= pow10[-exp] - rem));
	return 1;
}

enum xq_num_err
xq_dec_parse(const char *s, size_t n, int shift, int64_t *out, int *inexact)
{
	const char *p = s, *end = s + n, *int_end;
	char digits[64];
	size_t nd = 0, kept, i;
	int frac = 0, neg = 0, seen_point = 0, any_digit = 0, exp;
	uint64_t v = 0;

	*inexact = 0;
	if (parse_plain(s, n, shift, out, inexact))
		return XQ_NUM_OK;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (int_end = p; int_end < end && (is_digit(*int_end) || *int_end == ',');)
		int_end++;
	if (!grouping_ok(p, int_end))
		return XQ_NUM_SYNTAX;
	for (; p < end; p++) {
		if (is_digit(*p)) {
			any_digit = 1;
			if (nd == 0 && *p == '0' && !seen_point)
				continue;   /* leading zero */
			if (nd == sizeof digits) {
				if (!seen_point)
					return XQ_NUM_RANGE;
				/* far past the point: cannot change the result */
				*inexact |= *p != '0';
				continue;
			}
			digits[nd++] = *p;
			frac += seen_point;
		} else if (*p == '.' && !seen_point && p + 1 < end) {
			seen_point = 1;
		} else if (*p != ',' || seen_point) {
			return XQ_NUM_SYNTAX;
		}
	}
	if (!any_digit || !is_digit(end[-1]))
		return XQ_NUM_SYNTAX;
	exp = shift - frac;
	kept = exp >= 0 ? nd : (nd > (size_t)-exp ? nd - (size_t)-exp : 0);
	for (i = 0; i < kept; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return XQ_NUM_RANGE;
		/* digits[i] is set: i < kept <= nd
		 * NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		v = v * 10 + (uint64_t)(digits[i] - '0');
	}
	for (; exp > 0; exp--) {
		if (v > UINT64_MAX / 10)
			return XQ_NUM_RANGE;
		v *= 10;
	}
	if (kept < nd) {
		for (i = kept; i < nd; i++)
			if (digits[i] != '0')
				*inexact = 1;
		if (digits[kept] >= '5' && (size_t)-exp - (nd - kept) == 0)
			v++;
	}
	if (v > (uint64_t)INT64_MAX)
		return XQ_NUM_RANGE;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return XQ_NUM_OK;
}

static const char two_digits[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

int
xq_dec_format(char *buf, int64_t v, int decimals)
{
	char tmp[48], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int len, d;

	/* the digits after the point, then at least one before it */
	for (d = 0; d < decimals; d++) {
		*--p = (char)('0' + u % 10);
		u /= 10;
	}
	if (decimals > 0)
		*--p = '.';
	while (u >= 100) {
		p -= 2;
		memcpy(p, two_digits + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, two_digits + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	len = (int)(tmp + sizeof tmp - p);
	memcpy(buf, p, (size_t)len);
	buf[len] = '\0';
	return len;
}
