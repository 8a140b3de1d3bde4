/*
 * huffman.c — HPACK Huffman encode and decode (RFC 7541 §5.2, Appendix B).
 *
 * Implementation notes:
 *  - Two decoders. The table decoder runs when dst has room for the longest
 *    possible output plus one octet (HYPER_HUFFMAN_DECODED_MAX(len) + 1):
 *    every symbol decoded from real input bits is a code of >= 5 bits, so
 *    the output can never pass that room, and each table step may store
 *    two octets (the second is garbage when the step decodes one) without
 *    any bound check. Otherwise (and always with -DHYPER_HUFFMAN_COMPACT)
 *    the canonical decoder goes symbol by symbol and checks the room
 *    before each octet. Both give the same results (tests and fuzz_huffman
 *    compare them).
 *  - Input is read by bit position p. While 8 input octets remain at p,
 *    one unaligned big-endian load shifted by p & 7 gives >= 57 real bits,
 *    enough for four table steps of <= 13 bits; a marker bit at the bottom
 *    of the window ends up at bit `bits taken`, so p advances by one count
 *    of trailing zeros per round. The last < 8 octets are one window (the
 *    last 8 octets of the string shifted, or a few loads for a string
 *    shorter than 8 octets), decoded with exact bit accounting: a step is
 *    taken only when all its bits are real. Header strings are short (15
 *    octets on average in the hpack-test-case corpus), so this per-string
 *    part matters as much as the bulk loop: no octet-by-octet refill.
 *  - A table step looks the next HYPER_HUFFMAN_FAST_BITS bits up in
 *    hyper_huffman_fast and emits the one or two symbols whose codes fit.
 *    Codes longer than the window (rare in headers: 14-30 bits) go through
 *    the canonical decode: the Appendix B code is canonical, so the length
 *    of the code at the top of a 32-bit window is the first L with
 *    window < limit[L], and its symbol is an index into a sorted list.
 *  - What is left when no complete code remains is padding, which must be
 *    a prefix of EOS (all ones, §5.2) and shorter than 8 bits. EOS itself
 *    is 30 ones and is refused when decoded.
 *  - HYPER_HUFFMAN_FAST_BITS = 13 (a 32 KB table) measured ~10% faster
 *    than 12 (16 KB) and about as fast as 14 (64 KB) on header text.
 *  - Encode shifts codes into a 64-bit accumulator and stores 4 octets at a
 *    time; the caller sized dst with hyper_huffman_encoded_len, or gave a
 *    limit the code must stay under (the HPACK encoder's "when shorter"
 *    policy codes in one pass and gives up as soon as the limit is met).
 *    A build for size stores one octet at a time and computes each code
 *    from the symbol's canonical rank (huffman_table.h): 0.8 KB less.
 */
#include "common/common.h"
#include "hpack/huffman.h"
#include "hpack/huffman_table.h"
#include "hyper.h"

/* The tail's window is computed once per string: a call would cost more
 * than the computation. */
#ifndef __OPTIMIZE_SIZE__
#define INLINE static inline HYPER_ATTR_ALWAYS_INLINE
#else
#define INLINE static inline
#endif

#ifndef __OPTIMIZE_SIZE__ /* the -O2 window and decoder below */
static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}

/* The n < 8 octets at p, left-aligned, zeros below: two overlapping loads
 * or three octet loads instead of a loop. */
static inline uint64_t load_short(const uint8_t *p, size_t n)
{
    if (n >= 4)
        return (uint64_t)load_be32(p) << 32 | (uint64_t)load_be32(p + n - 4) << (64 - 8 * n);
    if (n == 0)
        return 0;
    return (uint64_t)p[0] << 56 | (uint64_t)p[n >> 1] << (56 - 8 * (n >> 1)) |
           (uint64_t)p[n - 1] << (64 - 8 * n);
}
#endif

/* The input from bit p on, left-aligned, with *valid real bits (at least 57,
 * or all that are left) and zeros below them. */
#ifdef __OPTIMIZE_SIZE__
static uint64_t window(const uint8_t *src, size_t len, size_t p, unsigned *valid)
{
    /* A build for size: octet by octet, a fifth of the code. */
    size_t b = p >> 3, k = len - b;
    uint64_t w = 0;
    if (k > 8)
        k = 8;
    for (size_t i = 0; i < k; i++)
        w |= (uint64_t)src[b + i] << (56 - 8 * i);
    *valid = (unsigned)(8 * k - (p & 7));
    return w << (p & 7);
}
#else
INLINE uint64_t window(const uint8_t *src, size_t len, size_t p, unsigned *valid)
{
    size_t b = p >> 3, k = len - b;
    unsigned s = (unsigned)(p & 7);
    if (k >= 8) {
        *valid = 64 - s;
        return load_be64(src + b) << s;
    }
    *valid = (unsigned)(8 * k - s);
    if (k == 0)
        return 0;
    if (len >= 8) /* the last 8 octets, shifted past the ones already used */
        return load_be64(src + len - 8) << (64 - 8 * k + s);
    return load_short(src + b, k) << s;
}
#endif

/* Length of the code at the top of x, searching from length `from` (a
 * lower bound the caller knows). */
static inline unsigned code_length(uint32_t x, unsigned from)
{
    unsigned l = from;
    while (l < 30 && x >= hyper_huffman_limit[l])
        l++;
    return l;
}

/* Canonical decode of the symbol at bit p. Returns its code length and
 * stores it in *sym; 0 when the bits left hold no complete code (the rest
 * must be padding); or HYPER_EHPACK_HUFFMAN_EOS. */
static int canonical_step(const uint8_t *src, size_t len, size_t p, unsigned from,
                          uint8_t *sym)
{
    unsigned valid;
    uint64_t w = window(src, len, p, &valid);
    uint32_t x = (uint32_t)(w >> 32);
    unsigned l = code_length(x, from);
    if (l > valid)
        return 0;
    uint32_t idx = (x >> (32 - l)) + hyper_huffman_delta[l];
    if (idx >= HYPER_HUFFMAN_EOS)
        return HYPER_EHPACK_HUFFMAN_EOS;
    *sym = hyper_huffman_sorted[idx];
    return (int)l;
}

/* §5.2: what follows the last symbol, the top `rem` bits of w (zeros
 * below them), is padding: the most significant bits of EOS (all ones),
 * fewer than 8. */
static long padding_error(uint64_t w, size_t rem)
{
    if (w >> (64 - rem) != ((uint64_t)1 << rem) - 1)
        return HYPER_EHPACK_HUFFMAN_PADDING_BITS;
    return HYPER_EHPACK_HUFFMAN_PADDING;
}

INLINE long finish(uint64_t w, size_t rem, size_t n)
{
    if (rem < 8 && (w | UINT64_MAX >> rem) == UINT64_MAX)
        return (long)n;
    return padding_error(w, rem);
}

#if defined(HYPER_HUFFMAN_COMPACT) || !defined(__OPTIMIZE_SIZE__)
/* Symbol by symbol through the canonical code, checking the room before
 * each octet: the compact decoder, and the fallback for a small dst. */
static long decode_checked(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    const size_t total = len * 8;
    size_t p = 0, n = 0;
    unsigned valid;
    while (p < total) {
        uint8_t sym;
        int l = canonical_step(src, len, p, 5, &sym);
        if (l < 0)
            return l;
        if (l == 0)
            break;
        if (n >= cap)
            return HYPER_EBUFFER;
        dst[n++] = sym;
        p += (size_t)l;
    }
    uint64_t w = window(src, len, p, &valid);
    return finish(w, total - p, n);
}
#endif

#ifndef HYPER_HUFFMAN_COMPACT
#define FAST_SHIFT (64 - HYPER_HUFFMAN_FAST_BITS)
#define F_TOTAL(e) (((e) >> 16) & 63)
#define F_LEN1(e) (((e) >> 24) & 15)
#define F_COUNT(e) ((e) >> 30)
_Static_assert(4 * HYPER_HUFFMAN_FAST_BITS <= 57, "four table steps per load");

#ifndef __OPTIMIZE_SIZE__ /* the -O2 decoder below */
/* Trailing zeros of x != 0. */
INLINE unsigned ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* Stores an entry's two symbols (the second is garbage when count is 1:
 * overwritten next, or past the end, where the caller left an octet). */
static inline void put2(uint8_t *o, uint32_t e)
{
    o[0] = (uint8_t)e;
    o[1] = (uint8_t)(e >> 8);
}
#endif

/* One table step on a window with at least HYPER_HUFFMAN_FAST_BITS real
 * bits; a code longer than the window leaves for `on_long`. */
#define FAST_STEP(on_long)                                                    \
    do {                                                                      \
        uint32_t e = hyper_huffman_fast[w >> FAST_SHIFT];                     \
        if (!F_COUNT(e))                                                      \
            goto on_long;                                                     \
        put2(o, e);                                                           \
        o += F_COUNT(e);                                                      \
        w <<= F_TOTAL(e);                                                     \
    } while (0)

#ifdef __OPTIMIZE_SIZE__
/* A build for size: one decoder for every dst, table steps one window at a
 * time (the loop below unrolls four steps per load, ~0.4 KB more), each
 * symbol stored after a check of the room (so it serves a small dst too,
 * in decode_checked's place). A step whose codes run past the real bits
 * takes the first symbol alone when it fits; when nothing complete is
 * left, the rest is padding (codes are prefix-free: a complete code in
 * the real bits would have been the one looked up). */
static long decode_table(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    size_t p = 0, n = 0;
    unsigned valid;
    for (;;) {
        uint64_t w = window(src, len, p, &valid);
        uint32_t e = hyper_huffman_fast[w >> FAST_SHIFT];
        unsigned c = F_TOTAL(e), k = F_COUNT(e);
        if (k) {
            if (c > valid) {
                c = F_LEN1(e);
                k = 1;
                if (c > valid)
                    break;
            }
        } else {
            uint8_t sym;
            int l = canonical_step(src, len, p, HYPER_HUFFMAN_FAST_BITS + 1, &sym);
            if (l <= 0) {
                if (l < 0)
                    return l;
                break;
            }
            e = sym;
            c = (unsigned)l;
            k = 1;
        }
        for (; k; k--, e >>= 8) {
            if (n >= cap)
                return HYPER_EBUFFER;
            dst[n++] = (uint8_t)e;
        }
        p += c;
    }
    return finish(window(src, len, p, &valid), len * 8 - p, n);
}
#else
/* dst has room for HYPER_HUFFMAN_DECODED_MAX(len) + 1 octets, so every
 * step may store two: no bound checks on the output at all. While 8 input
 * octets remain, one load gives >= 57 bits for four table steps; the last
 * < 8 octets are one window whose bits are counted exactly. */
static long decode_fast(const uint8_t *src, size_t len, uint8_t *dst)
{
    const size_t total = len * 8;
    size_t p = 0;
    uint8_t *o = dst, sym;
    int l;
    while (len - (p >> 3) >= 8) {
        /* Bit 0 is a marker: four steps read at most the top 52 of the 57
         * real bits, so it is never looked up, and after the steps it sits
         * at bit `bits taken`, which one count of trailing zeros gives. */
        uint64_t w = load_be64(src + (p >> 3)) << (p & 7) | 1;
        FAST_STEP(long_code);
        FAST_STEP(long_code);
        FAST_STEP(long_code);
        FAST_STEP(long_code);
        p += ctz64(w);
        continue;
    long_code:
        p += ctz64(w);
        l = canonical_step(src, len, p, HYPER_HUFFMAN_FAST_BITS + 1, &sym);
        if (l < 0)
            return l;
        if (l == 0)
            break; /* no complete code left: the tail reports the padding */
        *o++ = sym;
        p += (size_t)l;
    }
    size_t rem = total - p;
    unsigned valid;
    uint64_t w = window(src, len, p, &valid); /* valid == rem <= 56 */
    for (;;) {
        uint32_t e = hyper_huffman_fast[w >> FAST_SHIFT];
        unsigned c = F_TOTAL(e);
        if (c <= rem) { /* both symbols (or the one) are real bits */
            put2(o, e);
            o += F_COUNT(e);
            w <<= c;
            rem -= c;
            continue;
        }
        if (F_COUNT(e)) { /* the first fits, nothing complete after it */
            unsigned l1 = F_LEN1(e);
            if (l1 <= rem) {
                *o++ = (uint8_t)e;
                w <<= l1;
                rem -= l1;
            }
            break;
        }
        l = canonical_step(src, len, total - rem, HYPER_HUFFMAN_FAST_BITS + 1, &sym);
        if (l < 0)
            return l;
        if (l == 0)
            break;
        *o++ = sym;
        w <<= l;
        rem -= (size_t)l;
    }
    return finish(w, rem, (size_t)(o - dst));
}
#endif /* __OPTIMIZE_SIZE__ */
#endif

long hyper_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    if (len == 0)
        return 0;
#if defined(HYPER_HUFFMAN_COMPACT)
    return decode_checked(src, len, dst, cap);
#elif defined(__OPTIMIZE_SIZE__)
    return decode_table(src, len, dst, cap);
#else
    if (cap > HYPER_HUFFMAN_DECODED_MAX(len))
        return decode_fast(src, len, dst);
    return decode_checked(src, len, dst, cap);
#endif
}

long hyper_huffman_decode_fast(const uint8_t *src, size_t len, uint8_t *dst)
{
#ifndef HYPER_HUFFMAN_COMPACT
#ifdef __OPTIMIZE_SIZE__
    return decode_table(src, len, dst, SIZE_MAX); /* the room is the caller's */
#else
    return decode_fast(src, len, dst);
#endif
#else
    return len ? decode_checked(src, len, dst, HYPER_HUFFMAN_DECODED_MAX(len) + 1) : 0;
#endif
}

#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
size_t hyper_huffman_encoded_len(const uint8_t *src, size_t len)
{
    uint64_t b0 = 0, b1 = 0;
    size_t i = 0;
#ifndef __OPTIMIZE_SIZE__ /* two sums in flight; -Os: one loop */
    for (; i + 2 <= len; i += 2) {
        b0 += hyper_huffman_bits[src[i]];
        b1 += hyper_huffman_bits[src[i + 1]];
    }
    if (i < len)
        b0 += hyper_huffman_bits[src[i]];
#else
    for (; i < len; i++)
        b0 += hyper_huffman_bits[src[i]];
#endif
    return (size_t)((b0 + b1 + 7) / 8);
}

size_t hyper_huffman_encode_under(const uint8_t *src, size_t len, uint8_t *dst, size_t limit)
{
    return hyper_huffman_encode_under_inline(src, len, dst, limit);
}

size_t hyper_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst)
{
#ifndef __OPTIMIZE_SIZE__ /* -Os: the loop stores nothing for len 0 */
    if (len == 0)
        return 0; /* dst may be NULL */
#endif
    return hyper_huffman_encode_under_inline(src, len, dst, SIZE_MAX); /* no limit */
}
#endif /* HYPER_CONFIG_NO_HUFFMAN_ENCODER */
