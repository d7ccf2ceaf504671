/* record.c - looking fields up in records. */
#include <string.h>

#include "xq.h"

int
xq_rec_find(const struct xq_rec *header, const char *name)
{
	size_t i;

	for (i = 0; i < header->nf; i++)
		if (strcmp(header->f[i], name) == 0)
			return (int)i;
	return -1;
}


int
xq_rec_blank(const struct xq_rec *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++) {
		const char *s = r->f[i];
		size_t n = r->len[i];

		xq_trim(&s, &n);
		if (n > 0)
			return 0;
	}
	return 1;
}
