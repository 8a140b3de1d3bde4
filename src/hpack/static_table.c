/*
 * static_table.c — the HPACK static table (RFC 7541 Appendix A) and the
 * encoder's lookup in it.
 *
 * Implementation notes:
 *  - No pointers: the 61 names and values are one string, each name
 *    followed by its value, and an entry is a 16-bit offset and two 8-bit
 *    lengths (244 octets instead of 61 pairs of pointers, whose 1.4 KB
 *    would also need relocating in a position-independent build). The
 *    offsets come from the compiler: STATIC_TABLE lists the entries once,
 *    and offsetof in a struct of one char array per entry (a type only,
 *    never instantiated) sums the lengths before each.
 *  - hyper_hpack_static_find hashes the name into 128 slots with a perfect
 *    hash over the 52 distinct static names (tools/gen_static_hash.py finds
 *    the multiplier and prints name_slot below), so a lookup is one
 *    multiply, one table load and one memcmp. Entries sharing a name are
 *    adjacent in Appendix A (":status" has 7), so the exact-value search
 *    walks only that short run.
 */
#include <stddef.h>
#include <string.h>
#include "hpack/bytes.h"
#include "hpack/static_table.h"

/* X(index, name, value), in the order of Appendix A. */
#define STATIC_TABLE(X) \
    X(1, ":authority", "")                    \
    X(2, ":method", "GET")                    \
    X(3, ":method", "POST")                   \
    X(4, ":path", "/")                        \
    X(5, ":path", "/index.html")              \
    X(6, ":scheme", "http")                   \
    X(7, ":scheme", "https")                  \
    X(8, ":status", "200")                    \
    X(9, ":status", "204")                    \
    X(10, ":status", "206")                   \
    X(11, ":status", "304")                   \
    X(12, ":status", "400")                   \
    X(13, ":status", "404")                   \
    X(14, ":status", "500")                   \
    X(15, "accept-charset", "")               \
    X(16, "accept-encoding", "gzip, deflate") \
    X(17, "accept-language", "")              \
    X(18, "accept-ranges", "")                \
    X(19, "accept", "")                       \
    X(20, "access-control-allow-origin", "")  \
    X(21, "age", "")                          \
    X(22, "allow", "")                        \
    X(23, "authorization", "")                \
    X(24, "cache-control", "")                \
    X(25, "content-disposition", "")          \
    X(26, "content-encoding", "")             \
    X(27, "content-language", "")             \
    X(28, "content-length", "")               \
    X(29, "content-location", "")             \
    X(30, "content-range", "")                \
    X(31, "content-type", "")                 \
    X(32, "cookie", "")                       \
    X(33, "date", "")                         \
    X(34, "etag", "")                         \
    X(35, "expect", "")                       \
    X(36, "expires", "")                      \
    X(37, "from", "")                         \
    X(38, "host", "")                         \
    X(39, "if-match", "")                     \
    X(40, "if-modified-since", "")            \
    X(41, "if-none-match", "")                \
    X(42, "if-range", "")                     \
    X(43, "if-unmodified-since", "")          \
    X(44, "last-modified", "")                \
    X(45, "link", "")                         \
    X(46, "location", "")                     \
    X(47, "max-forwards", "")                 \
    X(48, "proxy-authenticate", "")           \
    X(49, "proxy-authorization", "")          \
    X(50, "range", "")                        \
    X(51, "referer", "")                      \
    X(52, "refresh", "")                      \
    X(53, "retry-after", "")                  \
    X(54, "server", "")                       \
    X(55, "set-cookie", "")                   \
    X(56, "strict-transport-security", "")    \
    X(57, "transfer-encoding", "")            \
    X(58, "user-agent", "")                   \
    X(59, "vary", "")                         \
    X(60, "via", "")                          \
    X(61, "www-authenticate", "")

/* The layout of hyper_hpack_static_text: where each entry starts. */
#define LAYOUT(i, n, v) char e##i[sizeof(n v) - 1];
struct static_layout {
    STATIC_TABLE(LAYOUT)
};
#undef LAYOUT

#define TEXT(i, n, v) n v
const char hyper_hpack_static_text[] = STATIC_TABLE(TEXT);
#undef TEXT

#ifdef __OPTIMIZE_SIZE__
_Static_assert(sizeof(struct static_layout) < 4096, "offsets fit 12 bits");
#define ENTRY(i, n, v) (offsetof(struct static_layout, e##i) << 4 | (sizeof(v) - 1)),
const hyper_hpack_static_entry hyper_hpack_static[HYPER_HPACK_STATIC_ENTRIES] = {
    STATIC_TABLE(ENTRY) sizeof(struct static_layout) << 4
};
#else
#define ENTRY(i, n, v) {offsetof(struct static_layout, e##i), sizeof(n) - 1, sizeof(v) - 1},
const hyper_hpack_static_entry hyper_hpack_static[HYPER_HPACK_STATIC_ENTRIES] = {
    STATIC_TABLE(ENTRY)
};
#endif
#undef ENTRY

#ifdef __OPTIMIZE_SIZE__
void hyper_hpack_static_get(unsigned i, const char **name, size_t *name_len,
                            const char **value, size_t *value_len)
{
    unsigned e = hyper_hpack_static[i - 1], off = e >> 4, vl = e & 15;
    unsigned nl = (unsigned)(hyper_hpack_static[i] >> 4) - off - vl;
    const char *n = hyper_hpack_static_text + off;
    *name = n;
    *name_len = nl;
    *value = n + nl;
    *value_len = vl;
}
#endif

/* Shortest and longest static names ("age", "access-control-allow-origin"). */
#define NAME_MIN 3
#define NAME_MAX 27

/* Generated by tools/gen_static_hash.py: slot -> lowest static index with
 * that name, 0 for an empty slot. */
#define NAME_HASH_MULT 0x105cd3adu
static const uint8_t name_slot[128] = {
     0,  0,  0,  0,  0,  0, 35, 36,  8,  0,  0,  0,  0, 43,  0,  0,
     0, 49, 60,  0,  0,  0,  0,  0,  0, 34,  0,  0, 29,  0,  0,  0,
     0,  0, 42, 47,  2,  0, 55,  0, 31, 46,  0,  0, 33, 39,  0,  0,
    30,  0,  0, 24,  0, 38, 44,  0,  0, 50, 40,  0, 56,  0, 32,  0,
    53,  0,  0,  0,  0, 54, 51,  0,  0, 61,  0, 21, 37, 23,  0, 58,
     0,  0, 18,  0,  0,  0, 52, 57,  0,  0,  0, 15, 16,  0,  0,  0,
    22,  0,  0,  6, 17,  0,  0, 48, 20, 28,  0,  0,  1,  0, 19,  0,
     0,  0, 26,  0,  0,  0,  4, 25, 59,  0, 27, 45,  0, 41,  0,  0,
};

static unsigned name_hash(const uint8_t *n, size_t len)
{
    uint32_t key = (uint32_t)len | (uint32_t)n[len - 1] << 8 |
                   (uint32_t)n[len / 2] << 16 | (uint32_t)n[1] << 24;
    return (uint32_t)(key * NAME_HASH_MULT) >> 25;
}

/* Entries sharing the name of entry i (1-based), counted from the first
 * of them: Appendix A keeps them adjacent. Not in a build for size (see
 * hyper_hpack_static_find): 32 octets of read-only data with padding. */
#ifndef __OPTIMIZE_SIZE__
static const uint8_t name_run[15] = {
    0, 1, 2, 1, 2, 1, 2, 1, 7, 6, 5, 4, 3, 2, 1, /* 0..14 */
};
#endif

unsigned hyper_hpack_static_find(const char *name, size_t name_len,
                                 const char *value, size_t value_len,
                                 unsigned *name_index)
{
    *name_index = 0;
    if (name_len < NAME_MIN || name_len > NAME_MAX)
        return 0;
    unsigned i = name_slot[name_hash((const uint8_t *)name, name_len)];
    if (i == 0)
        return 0;
#ifdef __OPTIMIZE_SIZE__
    /* A build for size walks the run while the names match (one copy of
     * static_get and of the compares, no table of runs): the name is
     * compared again for each entry of the run. */
    for (unsigned j = i; j <= HYPER_HPACK_STATIC_COUNT; j++) {
        const char *sn, *sv;
        size_t snl, svl;
        hyper_hpack_static_get(j, &sn, &snl, &sv, &svl);
        if (snl != name_len || !hyper_hpack_bytes_eq32(sn, name, name_len))
            break;
        *name_index = i;
        if (svl == value_len && hyper_hpack_bytes_eq32(sv, value, value_len))
            return j;
    }
#else /* the fields read directly: measured fewer instructions */
    const hyper_hpack_static_entry *e = &hyper_hpack_static[i - 1];
    if (e->name_len != name_len ||
        !hyper_hpack_bytes_eq32(hyper_hpack_static_text + e->off, name, name_len))
        return 0;
    *name_index = i;
    /* Static values are at most 13 octets: a length match is cheap to
     * confirm. Indices past the table of runs have runs of one. */
    unsigned run = i < sizeof name_run && name_run[i] ? name_run[i] : 1;
    for (unsigned j = i; j < i + run; j++) {
        const hyper_hpack_static_entry *s = &hyper_hpack_static[j - 1];
        if (s->value_len == value_len &&
            hyper_hpack_bytes_eq32(hyper_hpack_static_text + s->off + s->name_len, value,
                                   value_len))
            return j;
    }
#endif
    return 0;
}
