/* text.c - trimming, Unicode normalisation (utf8proc) and edit distance. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "xq.h"

static size_t
space_at(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)   /* U+3000 */
		return 3;
	return 0;
}

static size_t
space_before(const char *s, size_t n)
{
	if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		return 1;
	if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

void
xq_trim(const char **s, size_t *n)
{
	size_t k;

	/* nearly every field: nothing to trim at either end */
	if (*n == 0 || ((unsigned char)(*s)[0] > ' ' && (*s)[0] != '\xE3' &&
	    (unsigned char)(*s)[*n - 1] > ' ' && (*s)[*n - 1] != '\x80'))
		return;

	while ((k = space_at(*s, *n)) > 0) {
		*s += k;
		*n -= k;
	}
	while ((k = space_before(*s, *n)) > 0)
		*n -= k;
}

int
xq_is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

char *
xq_nfkc(const char *s, size_t n, size_t *outlen)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t len;

	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
	if (len < 0) {
		*outlen = n;
		return xq_strndup(s, n);
	}
	*outlen = (size_t)len;
	return (char *)out;
}

size_t
xq_utf8_chars(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

static size_t
decode_all(const char *s, utf8proc_int32_t **cps)
{
	size_t n = strlen(s), k = 0;
	utf8proc_ssize_t step;

	*cps = xq_malloc((n + 1) * sizeof **cps);
	while (*s) {
		step = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &(*cps)[k]);
		if (step <= 0)
			step = 1;
		s += step;
		k++;
	}
	return k;
}

size_t
xq_edit_distance(const char *a, const char *b)
{
	utf8proc_int32_t *x, *y;
	size_t nx = decode_all(a, &x), ny = decode_all(b, &y), i, j, prev, cur;
	size_t *row = xq_malloc((ny + 1) * sizeof *row);

	for (j = 0; j <= ny; j++)
		row[j] = j;
	for (i = 1; i <= nx; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= ny; j++) {
			cur = row[j];
			row[j] = prev + (x[i - 1] != y[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (cur + 1 < row[j])
				row[j] = cur + 1;
			prev = cur;
		}
	}
	j = row[ny];
	free(row);
	free(x);
	free(y);
	return j;
}
