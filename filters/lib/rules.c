/*
 * rules.c - content classification: the national default rules, rule
 * files of xq-profile(5) (category,tag,pattern), the splitting of a
 * 改造内容 cell into items, and the matching of an item against every rule.
 *
 * Each pattern is compiled once (JIT) and matched without a second UTF-8
 * check: the cell comes from the stream, whose bytes the reader has checked.
 * The same items come back row after row ("雨污分流", "增设停车位"), so the
 * result for an item is kept in a direct-mapped cache of fixed size: a
 * repeated item costs a hash and a compare, and memory stays bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "xq.h"

/*
 * 国办发〔2020〕23号: 基础类 basic, 完善类 improve, 提升类 upgrade. Where the
 * document is silent (围墙, 户表, 三供一业 handover, 物业 services) the
 * closest category was chosen; xq-profile(5) lists the choices. Use [0-9]
 * for digits, never \d (with UCP it matches full-width digits too).
 */
const char xq_rules_national[] =
"category,tag,pattern\n"
"basic,water,供水|给水|自来水|水箱|水泵房|加压泵\n"
"basic,drainage,排水|雨污|污水|雨水|化粪池|下水|窨井|检查井|边沟|排洪|管道疏通\n"
"basic,power,供电|电力|配电|变压器|强电|强弱电\n"
"basic,weak_current,弱电|线缆|线路规整|线路归整|线路整治|飞线\n"
"basic,telecom,通信|通讯|电信|有线电视|广电|信号覆盖|基站\n"
"basic,fibre,光纤|光缆|宽带|千兆\n"
"basic,overhead_lines,架空|入地|杆线|线杆\n"
"basic,roads,道路|路面|铺装|硬化|刷黑|沥青|人行道|步道|甬路|巷道\n"
"basic,gas,燃气|天然气|煤气|液化气\n"
"basic,heating,供热|供暖|采暖|暖气|热力|换热|热计量\n"
"basic,fire,消防|灭火|喷淋|消火栓|防火|疏散\n"
"basic,security,安防|监控|门禁|技防|防盗|视频|巡更|治安|对讲\n"
"basic,waste,垃圾|分类亭|回收站|环卫\n"
"basic,roof,屋面|屋顶|平改坡|防水层\n"
"basic,facade,外墙|外立面|立面|墙面|空调外机|空调机位|雨棚|雨篷\n"
"basic,stairway,楼道|楼梯|单元门(?!禁)|走廊|门厅|公共部位|楼栋门\n"
"basic,enclosure,围墙|围栏|护栏|院墙\n"
"basic,meters,户表|一户一表|水表|电表|气表|抄表\n"
"basic,handover,三供一业\n"
"improve,demolition,拆违|违建|违法建设|违章|乱搭乱建|私搭乱建|乱搭建\n"
"improve,greening,绿化|绿地|补植|植绿|苗木|花坛|花池|景观|口袋公园|草坪\n"
"improve,lighting,灯|照明|亮化\n"
"improve,accessibility,无障碍|适老|坡道|(?<!楼梯)扶手|防滑|助行|爬楼\n"
"improve,parking,停车|车位|车棚|车库|停放\n"
"improve,charging,充电\n"
"improve,parcel_locker,快递柜|信包箱|信报箱|快件箱|智能柜|取件柜\n"
"improve,culture_fitness,文体|文化|健身|活动场|活动室|活动中心|体育|运动|球场|广场|书屋|阅览\n"
"improve,property_mgmt,物业|业委会|业主委员会|业主大会|管理用房|门卫\n"
"improve,energy,节能|保温|门窗|外窗|窗户|断桥|光伏|隔热\n"
"improve,elevator,电梯\n"
"upgrade,service_centre,社区服务|服务中心|综合服务|党群服务|便民服务|邻里中心\n"
"upgrade,health,卫生服务|卫生站|卫生室|医疗|诊所|医务室|社区医院|健康小屋\n"
"upgrade,kindergarten,幼儿园\n"
"upgrade,smart,智慧|智能化|智能感知|感知|周界|物联网|数字化|智能安防|人脸识别\n"
"upgrade,elderly_care,养老|日间照料|托老|敬老|老年|为老\n"
"upgrade,childcare,托育|托儿|婴幼儿|儿童之家|早教|育儿\n"
"upgrade,meal,助餐|食堂|餐厅|饭桌|配餐\n"
"upgrade,housekeeping,家政\n"
"upgrade,market,市场|菜场|菜店|便利店|超市|商铺|商业|便民店|早餐|农贸\n"
"upgrade,postal,邮政|邮局|快递站|快递驿站|快递服务站|快递末端|菜鸟驿站\n";

/* ---- loading ---- */

/* Index of ID in LIST (appending it when new); dies past MAX. */
static int
intern(char ***list, size_t *n, const char *id, size_t max, const char *what,
    const char *where)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], id) == 0)
			return (int)i;
	if (*n == max)
		xq_die(XQ_INPUT, "%s: more than %zu different %s", where, max, what);
	*list = xq_realloc(*list, (*n + 1) * sizeof **list);
	(*list)[*n] = xq_strdup(id);
	return (int)(*n)++;
}

/* An id goes into a semicolon list that needs no CSV quoting: not empty,
 * no semicolon, comma, quote, backslash or line break, no space at either
 * end. */
static void
check_id(const char *id, const char *what, const char *where)
{
	size_t n = strlen(id);
	const char *s = id;

	xq_trim(&s, &n);
	if (*id == '\0' || n != strlen(id) || strpbrk(id, ";,\"\\\n\r") != NULL)
		xq_die(XQ_INPUT, "%s: %s \"%s\" must be non-empty, without ; , \" \\ "
		    "or a line break, and without spaces at its ends", where, what, id);
}

/* Can the pattern never match an ASCII digit? True when it is made of
 * literal text (anything but ASCII punctuation and digits), alternation,
 * groups, look-arounds and anchors: then what a run of digits in an item
 * is does not change whether it matches, and "停车位42个" and "停车位7个"
 * can share a cache entry. Conservative: a class, a dot or an escape is
 * taken to match digits. */
static int
digit_blind(const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    strchr("|()?:!<=^$ -", c) != NULL)
			continue;
		return 0;
	}
	return 1;
}

static struct xq_rules *
rules_from(struct xq_table *t, const char *name)
{
	struct xq_rules *rs = xq_calloc(1, sizeof *rs);
	int cat = xq_table_need(t, "category"), tag = xq_table_need(t, "tag");
	int pat = xq_table_need(t, "pattern");
	size_t i;
	char where[512];

	rs->name = xq_strdup(name);
	rs->table = t;
	rs->nrule = t->nrow;
	rs->rule = xq_calloc(t->nrow, sizeof *rs->rule);
	for (i = 0; i < t->nrow; i++) {
		struct xq_rule *r = &rs->rule[i];
		const char *c = xq_table_get(t, i, cat), *g = xq_table_get(t, i, tag);

		snprintf(where, sizeof where, "%s:%ld", name, t->line[i]);
		r->where = xq_strdup(where);
		check_id(c, "category", where);
		r->cat = intern(&rs->cat, &rs->ncat, c, XQ_MAX_CATEGORIES, "categories",
		    where);
		r->tag = -1;
		if (*g != '\0') {
			check_id(g, "tag", where);
			r->tag = intern(&rs->tag, &rs->ntag, g, XQ_MAX_TAGS, "tags", where);
		}
		r->pattern = xq_table_get(t, i, pat);
		if (*r->pattern == '\0')
			xq_die(XQ_INPUT, "%s: empty pattern", where);
		r->re = xq_re_compile(r->pattern, where);
	}
	if (rs->nrule == 0)
		xq_die(XQ_INPUT, "%s: no rules", name);
	for (i = 0; i < rs->nrule; i++)
		if (!digit_blind(rs->rule[i].pattern))
			rs->digits_matter = 1;
	return rs;
}

struct xq_rules *
xq_rules_parse(const char *name, const char *text)
{
	return rules_from(xq_table_parse(name, text), name);
}

struct xq_rules *
xq_rules_load(const struct xq_profile *p)
{
	char *path = p ? xq_profile_file(p, "rules.csv") : NULL;
	struct xq_rules *rs;

	if (path == NULL)
		return xq_rules_parse("national rules", xq_rules_national);
	rs = rules_from(xq_table_load(path), path);
	free(path);
	return rs;
}

/* ---- matching ---- */

#define CACHE_SLOTS 16384   /* a power of two */
#define CACHE_KEY 58        /* longer items are matched every time */

struct slot {
	uint32_t hash;
	uint8_t len;        /* 0: empty */
	char key[CACHE_KEY];
	struct xq_match m;
};

struct xq_rules_cache {
	struct slot slot[CACHE_SLOTS];
};

static void
match_all(struct xq_rules *rs, const char *s, size_t n, struct xq_match *m)
{
	size_t i;

	memset(m, 0, sizeof *m);
	for (i = 0; i < rs->nrule; i++) {
		const struct xq_rule *r = &rs->rule[i];

		if (xq_re_match(r->re, s, n, NULL) == 0)
			continue;
		m->matched++;
		m->cats |= UINT64_C(1) << r->cat;
		if (r->tag >= 0)
			m->tags[r->tag / 64] |= UINT64_C(1) << (r->tag % 64);
	}
}

/* Eight bytes at S, read as a number. */
static inline uint64_t
load8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

/* The last bytes of S[0..N) that a whole word leaves: for N >= 8 the last
 * eight (overlapping what came before), else all N, zero-filled. */
static inline uint64_t
tail8(const char *s, size_t n)
{
	uint64_t w = 0;

	if (n >= 8)
		return load8(s + n - 8);
	while (n > 0)
		w = w << 8 | (unsigned char)s[--n];
	return w;
}

/* A multiplicative hash, eight bytes at a time. */
static uint32_t
hash(const char *s, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15ULL;
	uint64_t h = n * k;
	size_t i;

	for (i = 0; i + 8 < n; i += 8) {
		h = (h ^ load8(s + i)) * k;
		h ^= h >> 29;
	}
	h = (h ^ tail8(s, n)) * k;
	return (uint32_t)(h >> 32);
}

/* Are the N bytes at A and B the same? (N <= CACHE_KEY; a memcmp call
 * would cost more than the compare.) */
static inline int
same(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i + 8 < n; i += 8)
		if (load8(a + i) != load8(b + i))
			return 0;
	return tail8(a, n) == tail8(b, n);
}

/* Has any of the eight bytes of W the value '0'..'9'? (Bytes 0x30..0x39
 * become 0..9 under the XOR; the test finds a byte below 10; a byte with
 * the high bit set never counts.) */
static inline int
word_has_digit(uint64_t w)
{
	uint64_t x = w ^ 0x3030303030303030ULL;

	return ((x - 0x0A0A0A0A0A0A0A0AULL) & ~x & 0x8080808080808080ULL) != 0;
}

static int
has_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 8 < n; i += 8)
		if (word_has_digit(load8(s + i)))
			return 1;
	if (n >= 8)
		return word_has_digit(load8(s + n - 8));
	for (i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

/* The cache key of an item when digits do not matter: each run of ASCII
 * digits made one "0". Returns its length, or 0 when it would not fit. */
static size_t
digits_folded(const char *s, size_t n, char *key)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (k > 0 && key[k - 1] == '0' && i > 0 && s[i - 1] >= '0' &&
			    s[i - 1] <= '9')
				continue;
			if (k == CACHE_KEY)
				return 0;
			key[k++] = '0';
		} else {
			if (k == CACHE_KEY)
				return 0;
			key[k++] = s[i];
		}
	}
	return k;
}

const struct xq_match *
xq_rules_classify(struct xq_rules *rs, const char *s, size_t n)
{
	static struct xq_match m;
	char folded[CACHE_KEY];
	const char *key = s;
	size_t kn = n;
	struct slot *sl;
	uint32_t h;

	if (!rs->digits_matter && has_digit(s, n)) {
		kn = digits_folded(s, n, folded);
		key = folded;
	}
	if (n == 0 || kn == 0 || kn > CACHE_KEY) {
		match_all(rs, s, n, &m);
		return &m;
	}
	if (rs->cache == NULL)
		rs->cache = xq_calloc(1, sizeof *rs->cache);
	h = hash(key, kn);
	sl = &rs->cache->slot[h & (CACHE_SLOTS - 1)];
	if (sl->len == kn && sl->hash == h && same(sl->key, key, kn))
		return &sl->m;
	match_all(rs, s, n, &sl->m);
	sl->hash = h;
	sl->len = (uint8_t)kn;
	memcpy(sl->key, key, kn);
	return &sl->m;
}

size_t
xq_rules_each(struct xq_rules *rs, const char *s, size_t n,
    void (*fn)(const struct xq_rule *rule, void *arg), void *arg)
{
	size_t i, k = 0;

	for (i = 0; i < rs->nrule; i++)
		if (xq_re_match(rs->rule[i].re, s, n, NULL) > 0) {
			fn(&rs->rule[i], arg);
			k++;
		}
	return k;
}

void
xq_rules_free(struct xq_rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrule; i++) {
		xq_re_free(rs->rule[i].re);
		free(rs->rule[i].where);
	}
	for (i = 0; i < rs->ncat; i++)
		free(rs->cat[i]);
	for (i = 0; i < rs->ntag; i++)
		free(rs->tag[i]);
	free(rs->rule);
	free(rs->cat);
	free(rs->tag);
	free(rs->cache);
	xq_table_free(rs->table);
	free(rs->name);
	free(rs);
}

/* ---- splitting a cell into items ---- */

#define U(s) ((const unsigned char *)(s))

/*
 * The splitter looks closely only at bytes that can start something: the
 * ASCII separators, brackets, colon, white space and digits, and the lead
 * bytes E2 (①), E3 (、。U+3000 ㉑) and EF (，；／（）．：). Other characters
 * (nearly all Chinese text) are stepped over by their length.
 */
enum { K_TEXT, K_ASCII, K_DIGIT, K_LEAD };
static const unsigned char kind[256] = {
	['\t'] = K_ASCII, ['\n'] = K_ASCII, ['\r'] = K_ASCII, [' '] = K_ASCII,
	['('] = K_ASCII, [')'] = K_ASCII, [','] = K_ASCII, ['/'] = K_ASCII,
	[':'] = K_ASCII, [';'] = K_ASCII,
	['0'] = K_DIGIT, ['1'] = K_DIGIT, ['2'] = K_DIGIT, ['3'] = K_DIGIT,
	['4'] = K_DIGIT, ['5'] = K_DIGIT, ['6'] = K_DIGIT, ['7'] = K_DIGIT,
	['8'] = K_DIGIT, ['9'] = K_DIGIT,
	[0xE2] = K_LEAD, [0xE3] = K_LEAD, [0xEF] = K_LEAD,
};

static inline size_t
char_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static inline uint32_t
code3(const unsigned char *s, size_t n)
{
	return n >= 3 ? (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2] : 0;
}

/* 3-byte characters, as big-endian numbers of their UTF-8 bytes. */
enum {
	IDEO_COMMA = 0xE38081,  /* 、 */
	IDEO_STOP = 0xE38082,   /* 。 */
	IDEO_SPACE = 0xE38080,  /* U+3000 */
	FW_COMMA = 0xEFBC8C,    /* ， */
	FW_SEMI = 0xEFBC9B,     /* ； */
	FW_SLASH = 0xEFBC8F,    /* ／ */
	FW_LPAREN = 0xEFBC88,   /* （ */
	FW_RPAREN = 0xEFBC89,   /* ） */
	FW_DOT = 0xEFBC8E,      /* ． */
	FW_COLON = 0xEFBC9A     /* ： */
};

static inline int
cn_numeral(const unsigned char *s, size_t n)
{
	if (s[0] != 0xE4 && s[0] != 0xE5)
		return 0;
	switch (code3(s, n)) {
	case 0xE4B880: case 0xE4BA8C: case 0xE4B889: case 0xE59B9B:
	case 0xE4BA94: case 0xE585AD: case 0xE4B883: case 0xE585AB:
	case 0xE4B99D: case 0xE58D81:   /* 一二三四五六七八九十 */
		return 1;
	}
	return 0;
}

/* Length of the separator at S, or 0. */
static size_t
separator(const unsigned char *s, size_t n)
{
	switch (s[0]) {
	case ',': case ';': case '/': case '\n': case '\r':
		return 1;
	}
	switch (code3(s, n)) {
	case IDEO_COMMA: case IDEO_STOP: case FW_COMMA: case FW_SEMI: case FW_SLASH:
		return 3;
	}
	return 0;
}

static size_t
open_bracket(const unsigned char *s, size_t n)
{
	return s[0] == '(' ? 1 : code3(s, n) == FW_LPAREN ? 3 : 0;
}

static size_t
close_bracket(const unsigned char *s, size_t n)
{
	return s[0] == ')' ? 1 : code3(s, n) == FW_RPAREN ? 3 : 0;
}

/* ①..⒛ (U+2460..U+249B), ❶..➓ (U+2776..U+2793), ㉑..㉟, ㊱..㊿. */
static int
circled(const unsigned char *s, size_t n)
{
	uint32_t c = code3(s, n);

	return (c >= 0xE291A0 && c <= 0xE2929B) || (c >= 0xE29DB6 && c <= 0xE29E93) ||
	    (c >= 0xE38991 && c <= 0xE3899F) || (c >= 0xE38AB1 && c <= 0xE38ABF);
}

/* Length of a run of 1..3 ASCII digits, or Chinese numerals when CN, at S;
 * 0 if none, or if more digits follow (a quantity, not a number). */
static size_t
numerals(const unsigned char *s, size_t n, int cn)
{
	size_t i = 0;
	int k;

	for (k = 0; k < 3 && i < n; k++) {
		if (s[i] >= '0' && s[i] <= '9')
			i++;
		else if (cn && cn_numeral(s + i, n - i))
			i += 3;
		else
			break;
	}
	if (i < n && s[i] >= '0' && s[i] <= '9')
		return 0;
	return i;
}

/* Length of "(3)" or "（四）" at S, or 0. */
static size_t
paren_number(const unsigned char *s, size_t n)
{
	size_t a = open_bracket(s, n), d, b;

	if (a == 0 || (d = numerals(s + a, n - a, 1)) == 0)
		return 0;
	b = a + d < n ? close_bracket(s + a + d, n - a - d) : 0;
	return b ? a + d + b : 0;
}

/* Length of "1." "2、" "3)" "4）" "5．" or "一、" "二." at S, or 0. A dot
 * followed by a digit is a decimal point, not numbering ("1.5万㎡"). */
static size_t
list_number(const unsigned char *s, size_t n)
{
	size_t d = numerals(s, n, 1), k;
	int dot = 0;

	if (d == 0 || d == n)
		return 0;
	k = d;
	if (s[k] == '.') {
		k++;
		dot = 1;
	} else if (code3(s + k, n - k) == FW_DOT) {
		k += 3;
		dot = 1;
	} else if (code3(s + k, n - k) == IDEO_COMMA)
		k += 3;
	else if (s[0] <= '9' && close_bracket(s + k, n - k))
		k += close_bracket(s + k, n - k);
	else
		return 0;
	if (dot && k < n && s[k] >= '0' && s[k] <= '9')
		return 0;
	return k;
}

/* Length of whatever numbering starts S. */
static size_t
numbering(const unsigned char *s, size_t n)
{
	size_t k;

	if (kind[s[0]] == K_TEXT && !cn_numeral(s, n))
		return 0;
	if (circled(s, n))
		return 3;
	if ((k = paren_number(s, n)) > 0)
		return k;
	return list_number(s, n);
}

/* Only digits or only Chinese numerals: what is left of "一、" or "2、"
 * once the 、 has split it off. */
static int
bare_number(const unsigned char *s, size_t n)
{
	return n <= 9 && (kind[s[0]] == K_DIGIT || cn_numeral(s, n)) &&
	    numerals(s, n, 1) == n;
}

static inline void
trim(const unsigned char **s, size_t *n)
{
	if (*n > 0 && kind[(*s)[0]] == K_TEXT && (*s)[*n - 1] > ' ' &&
	    (*s)[*n - 1] != 0x80)
		return;
	xq_trim((const char **)s, n);
}

/* The length of a group heading ("改善房屋功能：", "楼道革命:") at S, colon
 * included, given the offset of the first colon; 0 if it is not one: at
 * most 10 characters without digits before the colon, and after it no
 * bare quantity ("道路硬化：1200㎡" is an item). A heading with nothing
 * after it ("其中：") is all heading. */
static size_t
heading(const unsigned char *s, size_t n, size_t colon)
{
	size_t i, k;

	if (colon == 0 || colon > 30 || colon >= n)
		return 0;
	for (i = 0; i < colon; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 0;
	k = colon + (s[colon] == ':' ? 1 : 3);
	if (k < n && s[k] >= '0' && s[k] <= '9' && list_number(s + k, n - k) == 0)
		return 0;
	return k;
}

/* Cleans one piece of the cell and hands it on if anything is left.
 * COLON is the offset of its first colon, or -1. */
static size_t
emit(const unsigned char *s, size_t n, long colon,
    void (*fn)(const char *item, size_t n, void *arg), void *arg)
{
	const unsigned char *start = s;
	size_t k;
	int round;

	for (round = 0; round < 2; round++) {
		trim(&s, &n);
		while (n > 0 && (k = numbering(s, n)) > 0) {
			s += k;
			n -= k;
			trim(&s, &n);
		}
		if (round == 0 && colon >= 0 && s - start <= colon &&
		    (k = heading(s, n, (size_t)colon - (size_t)(s - start))) > 0) {
			s += k;
			n -= k;
		} else
			break;
	}
	if (n == 0 || bare_number(s, n))
		return 0;
	fn((const char *)s, n, arg);
	return 1;
}

/* Does the bracket opened at S close before the end of the line? An
 * unclosed one is taken as a typing slip, and separators after it count. */
static int
closes(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\n' && s[i] != '\r'; i++)
		if (close_bracket(s + i, n - i))
			return 1;
	return 0;
}

size_t
xq_items_split(const char *text, size_t n,
    void (*fn)(const char *item, size_t n, void *arg), void *arg)
{
	const unsigned char *s = U(text);
	size_t i = 0, start = 0, k, items = 0;
	long colon = -1;
	int depth = 0, after_space = 1;

	while (i < n) {
		const unsigned char *p = s + i;
		size_t left = n - i;

		if (kind[*p] == K_TEXT || (kind[*p] == K_DIGIT && !after_space)) {
			i += char_len(*p);
			after_space = 0;
			continue;
		}
		if (*p == '\n' || *p == '\r')
			depth = 0;
		/* a separator, or numbering standing between two items */
		k = 0;
		if (depth == 0 && (k = separator(p, left)) == 0 &&
		    (k = circled(p, left) ? 3 : 0) == 0 &&
		    (k = paren_number(p, left)) == 0 && after_space &&
		    *p >= '0' && *p <= '9')
			k = list_number(p, left);
		if (k > 0) {
			items += emit(s + start, i - start, colon, fn, arg);
			start = i += k;
			colon = -1;
			after_space = 1;
			continue;
		}
		if ((k = open_bracket(p, left)) > 0) {
			if (depth > 0 || closes(p + k, left - k))
				depth++;
		} else if ((k = close_bracket(p, left)) > 0) {
			if (depth > 0)
				depth--;
		} else {
			if (colon < 0 && (*p == ':' || code3(p, left) == FW_COLON))
				colon = (long)(i - start);
			k = char_len(*p);
		}
		after_space = *p == ' ' || *p == '\t' || code3(p, left) == IDEO_SPACE;
		i += k < left ? k : left;
	}
	items += emit(s + start, n - start, colon, fn, arg);
	return items;
}
