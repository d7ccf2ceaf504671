/*
 * profile.c - small CSV tables loaded whole, and the profile folder of
 * xq-profile(5): counties.csv (required) and optional tables beside it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xq.h"

static struct xq_table *
table_read(struct xq_reader *rd, const char *name)
{
	struct xq_table *t = xq_calloc(1, sizeof *t);
	struct xq_rec *r;
	size_t i, cap = 0;

	t->path = xq_strdup(name);
	if ((r = xq_reader_next(rd)) == NULL)
		xq_die(XQ_INPUT, "%s: empty file, a header row was expected", name);
	t->ncol = r->nf;
	t->head = xq_malloc(t->ncol * sizeof *t->head);
	for (i = 0; i < r->nf; i++) {
		const char *s = r->f[i];
		size_t n = r->len[i];

		xq_trim(&s, &n);
		t->head[i] = xq_strndup(s, n);
	}
	while ((r = xq_reader_next(rd)) != NULL) {
		if (r->problem)
			xq_die(XQ_INPUT, "%s:%ld: %s", name, r->problem_line, r->problem);
		if (xq_rec_blank(r))
			continue;
		if (r->nf > t->ncol)
			xq_die(XQ_INPUT, "%s:%ld: %zu fields, but the header has %zu",
			    name, r->line, r->nf, t->ncol);
		if (t->nrow == cap) {
			cap = cap ? cap * 2 : 64;
			t->cell = xq_realloc(t->cell, cap * t->ncol * sizeof *t->cell);
			t->line = xq_realloc(t->line, cap * sizeof *t->line);
		}
		for (i = 0; i < t->ncol; i++)
			t->cell[t->nrow * t->ncol + i] = xq_strdup(xq_rec_get(r, (int)i));
		t->line[t->nrow++] = r->line;
	}
	return t;
}

struct xq_table *
xq_table_load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct xq_reader *rd;
	struct xq_table *t;
	struct stat st;

	if (fp == NULL)
		xq_die(XQ_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
		xq_die(XQ_INPUT, "%s: %s", path, strerror(EISDIR));
	/* the reader's own messages name the path: which counties.csv */
	rd = xq_reader_fopen(fp, path, XQ_ENC_AUTO, 0);
	t = table_read(rd, path);
	xq_reader_close(rd);
	fclose(fp);
	return t;
}

struct xq_table *
xq_table_parse(const char *name, const char *text)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct xq_reader *rd;
	struct xq_table *t;

	if (fp == NULL)
		xq_die(XQ_IO, "%s: %s", name, strerror(errno));
	rd = xq_reader_fopen(fp, name, XQ_ENC_UTF8, 0);
	t = table_read(rd, name);
	xq_reader_close(rd);
	fclose(fp);
	return t;
}

int
xq_table_col(const struct xq_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (strcmp(t->head[i], name) == 0)
			return (int)i;
	return -1;
}

int
xq_table_need(const struct xq_table *t, const char *name)
{
	int c = xq_table_col(t, name);

	if (c < 0)
		xq_die(XQ_INPUT, "%s: no column \"%s\"", t->path, name);
	return c;
}

const char *
xq_table_get(const struct xq_table *t, size_t row, int col)
{
	if (col < 0 || row >= t->nrow)
		return "";
	return t->cell[row * t->ncol + (size_t)col];
}

void
xq_table_free(struct xq_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncol; i++)
		free(t->head[i]);
	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->head);
	free(t->cell);
	free(t->line);
	free(t->path);
	free(t);
}

/* ---- profiles ---- */

static int
by_code(const void *a, const void *b)
{
	return strcmp(((const struct xq_county *)a)->code,
	    ((const struct xq_county *)b)->code);
}

static int
six_digits(const char *s)
{
	int i;

	for (i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[6] == '\0';
}

static uint32_t
code_number(const char *code)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v * 10 + (uint32_t)(code[i] - '0');
	return v;
}

static size_t
code_slot(const struct xq_profile *p, uint32_t v)
{
	return (size_t)(v * 2654435761U) & (p->nslot - 1);
}

/* An open-addressing table over the codes: a registry look-up per record
 * is measured to matter. */
static void
index_counties(struct xq_profile *p)
{
	size_t i, h;

	for (p->nslot = 16; p->nslot < 2 * p->ncounty; p->nslot *= 2)
		;
	p->slot = xq_malloc(p->nslot * sizeof *p->slot);
	for (i = 0; i < p->nslot; i++)
		p->slot[i] = -1;
	for (i = 0; i < p->ncounty; i++) {
		h = code_slot(p, code_number(p->county[i].code));
		while (p->slot[h] >= 0)
			h = (h + 1) & (p->nslot - 1);
		p->slot[h] = (int32_t)i;
	}
}

static void
load_counties(struct xq_profile *p, const char *path)
{
	struct xq_table *t = xq_table_load(path);
	int code = xq_table_need(t, "county_code"), name = xq_table_need(t, "county");
	int city = xq_table_col(t, "city"), coef = xq_table_col(t, "fiscal_coef");
	size_t i;

	p->ncounty = t->nrow;
	p->county = xq_calloc(t->nrow, sizeof *p->county);
	for (i = 0; i < t->nrow; i++) {
		struct xq_county *c = &p->county[i];
		const char *s = xq_table_get(t, i, code);

		if (!six_digits(s))
			xq_die(XQ_INPUT, "%s:%ld:county_code: \"%s\" is not a 6-digit code",
			    path, t->line[i], s);
		memcpy(c->code, s, 7);
		c->name = xq_strdup(xq_table_get(t, i, name));
		c->city = xq_strdup(xq_table_get(t, i, city));
		s = xq_table_get(t, i, coef);
		c->fiscal_coef = xq_strdup(*s ? s : "1");
	}
	qsort(p->county, p->ncounty, sizeof *p->county, by_code);
	for (i = 1; i < p->ncounty; i++)
		if (strcmp(p->county[i].code, p->county[i - 1].code) == 0)
			xq_die(XQ_INPUT, "%s: county_code %s is listed twice", path,
			    p->county[i].code);
	xq_table_free(t);
	index_counties(p);
}

struct xq_profile *
xq_profile_load(const char *dir)
{
	struct xq_profile *p = xq_calloc(1, sizeof *p);
	char *path = xq_path_join(dir, "counties.csv");

	p->dir = xq_strdup(dir);
	if (access(path, R_OK) != 0)
		xq_die(XQ_INPUT, "%s: %s (a profile needs its county registry)", path,
		    strerror(errno));
	load_counties(p, path);
	free(path);
	if ((path = xq_profile_file(p, "settings.csv")) != NULL) {
		p->settings = xq_table_load(path);
		xq_table_need(p->settings, "key");
		xq_table_need(p->settings, "value");
		free(path);
	}
	return p;
}

const struct xq_county *
xq_profile_county(const struct xq_profile *p, const char *code, size_t n)
{
	size_t i, h;
	uint32_t v;

	if (n != 6)
		return NULL;
	for (i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return NULL;
	v = code_number(code);
	for (h = code_slot(p, v); p->slot[h] >= 0; h = (h + 1) & (p->nslot - 1))
		if (memcmp(p->county[p->slot[h]].code, code, 6) == 0)
			return &p->county[p->slot[h]];
	return NULL;
}

char *
xq_profile_file(const struct xq_profile *p, const char *file)
{
	char *path = xq_path_join(p->dir, file);

	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

const char *
xq_profile_setting(const struct xq_profile *p, const char *key)
{
	size_t i;
	int k, v;

	if (p == NULL || p->settings == NULL)
		return NULL;
	k = xq_table_col(p->settings, "key");
	v = xq_table_col(p->settings, "value");
	for (i = 0; i < p->settings->nrow; i++)
		if (strcmp(xq_table_get(p->settings, i, k), key) == 0)
			return xq_table_get(p->settings, i, v);
	return NULL;
}

void
xq_profile_free(struct xq_profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncounty; i++) {
		free(p->county[i].name);
		free(p->county[i].city);
		free(p->county[i].fiscal_coef);
	}
	free(p->county);
	free(p->slot);
	xq_table_free(p->settings);
	free(p->dir);
	free(p);
}
