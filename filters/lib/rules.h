/*
 * rules.h - content classification of xq-profile(5): the 改造内容 cell split
 * into items, each item matched against PCRE2 rules (category, tag,
 * pattern). Used by xq-classify-scope.
 */
#ifndef XQ_RULES_H
#define XQ_RULES_H

#include <stddef.h>
#include <stdint.h>

#define XQ_MAX_CATEGORIES 64
#define XQ_MAX_TAGS 256

struct xq_profile;
struct xq_re;
struct xq_table;

struct xq_rule {
	int cat;               /* index into xq_rules.cat */
	int tag;               /* index into xq_rules.tag, or -1 (no tag) */
	const char *pattern;
	char *where;           /* "FILE:LINE", for messages and explanations */
	struct xq_re *re;
};

/* What the rules say of one item: the categories and tags of every rule
 * that matched it. */
struct xq_match {
	uint64_t cats;                     /* bit i: category i */
	uint64_t tags[XQ_MAX_TAGS / 64];   /* bit i: tag i */
	int matched;                       /* number of rules that matched */
};

struct xq_rules_cache;

struct xq_rules {
	char *name;            /* the rules file, or "national rules" */
	struct xq_rule *rule;
	size_t nrule;
	char **cat;            /* category ids, in order of first appearance */
	size_t ncat;
	char **tag;            /* tag ids, likewise */
	size_t ntag;
	struct xq_table *table;
	int digits_matter;     /* some pattern may match an ASCII digit */
	struct xq_rules_cache *cache;
};

/* The national default rules (国办发〔2020〕23号), as rules.csv text. */
extern const char xq_rules_national[];

/* The profile's rules.csv when it has one, else the national rules (P may
 * be NULL). Dies with exit 3 on a bad file or pattern, naming FILE:LINE. */
struct xq_rules *xq_rules_load(const struct xq_profile *p);
/* Rules from CSV text; NAME is used in messages. */
struct xq_rules *xq_rules_parse(const char *name, const char *text);
void xq_rules_free(struct xq_rules *rs);

/* Classifies one item. The result is valid until the next call; results
 * are cached (in bounded memory), so repeated items cost a lookup. */
const struct xq_match *xq_rules_classify(struct xq_rules *rs, const char *s,
    size_t n);
/* Calls FN for every rule matching the item, in rule order; returns how
 * many matched. Not cached. */
size_t xq_rules_each(struct xq_rules *rs, const char *s, size_t n,
    void (*fn)(const struct xq_rule *rule, void *arg), void *arg);

/* Splits a 改造内容 cell into items and calls FN for each non-empty one:
 * separated by 、，,；;/／。 and line breaks (not inside round brackets);
 * numbering (1. 2、 (3) （四） ⑤) removed, also where it stands between
 * two items without a separator; a group heading ending in a colon
 * ("改善房屋功能：") removed; trimmed of ASCII white space and U+3000.
 * Returns the number of items. S must be valid UTF-8. */
size_t xq_items_split(const char *s, size_t n,
    void (*fn)(const char *item, size_t n, void *arg), void *arg);

#endif
