/* names.h - community-name keys (xq-dedupe, xq-score-performance).
 *
 * Included by xq.h, after struct xq_buf and struct xq_profile. */
#ifndef XQ_NAMES_H
#define XQ_NAMES_H

/* The suffix rules of a profile: the national defaults (小区, 住宅小区,
 * 家属院, 宿舍 ...) changed by the profile's suffixes.csv (xq-profile(5)). */
struct xq_suffixes;

/* P may be NULL: the national defaults only. Dies (exit 3) on a bad file. */
struct xq_suffixes *xq_suffixes_load(const struct xq_profile *p);
void xq_suffixes_free(struct xq_suffixes *suf);
/* The suffixes in use, normalised, longest first (for messages and docs). */
size_t xq_suffixes_count(const struct xq_suffixes *suf);
const char *xq_suffixes_get(const struct xq_suffixes *suf, size_t i);

/*
 * The comparison key of a community name: Unicode NFKC and case folding;
 * white space (U+3000 too), punctuation, symbols and control characters
 * removed, letters, marks and digits kept (a '-' stays between two digits
 * that something stood between: "2991～2993号" 2991-2993号); runs of Chinese
 * numerals (〇零一二三四五六七八九十百千两) written in Arabic digits ("十二" 12,
 * "一百零五" 105, "二〇〇五" 2005) and leading zeros dropped ("03" 3); then
 * one of SUF's suffixes removed from the end, longest first, as long as one
 * matches and something is left ("机械厂家属院" 机械厂). With SUF NULL no
 * suffix is removed: the key of an address. A text with nothing left is
 * its own key, trimmed. Two names are the same community when their keys
 * are equal.
 *
 * xq_name_key_buf writes the key to B (replacing its contents) and returns
 * its length; xq_name_key returns it allocated (*len set when LEN is not
 * NULL).
 */
size_t xq_name_key_buf(struct xq_buf *b, const char *s, size_t n,
    const struct xq_suffixes *suf);
char *xq_name_key(const char *s, size_t n, const struct xq_suffixes *suf,
    size_t *len);
/* Frees the calling thread's work buffers: a thread that made keys calls it
 * before it ends. Keys can be made in several threads at once. */
void xq_name_keys_end(void);

/* ---- hashed keys ---------------------------------------------------------
 * Keys are compared by a 128-bit hash made of two unrelated 64-bit hashes:
 * among a million distinct keys the chance that two share a hash is about
 * 10^-27, so a map stores 16 bytes per key, not the key. */

struct xq_hash {
	uint64_t a, b;
};

uint64_t xq_hash64(const void *s, size_t n, uint64_t seed);
struct xq_hash xq_hash(const void *s, size_t n);
/* A running 64-bit hash over several strings (the fields of a record):
 * start with any H; the length of each string counts. Not finalised: for
 * equality, not for table positions. */
uint64_t xq_hash_more(uint64_t h, const void *s, size_t n);

/* A map from hashes to dense ids 0, 1, 2 ... in the order first added, so
 * the caller keeps its data per key in plain arrays. About 16 bytes per key
 * and 8 per slot, at most 3/4 of the slots used. */
struct xq_keymap;

struct xq_keymap *xq_keymap_new(void);
/* The id of H, added with the next id when new (*added set to 1, else 0). */
uint32_t xq_keymap_add(struct xq_keymap *m, struct xq_hash h, int *added);
/* The id of H, or -1. */
long xq_keymap_find(const struct xq_keymap *m, struct xq_hash h);
size_t xq_keymap_count(const struct xq_keymap *m);
void xq_keymap_free(struct xq_keymap *m);

#endif
