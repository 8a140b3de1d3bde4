/*
 * huffman.c — HPACK Huffman encode and decode (RFC 7541 §5.2, Appendix B).
 *
 * Implementation notes:
 *  - Decode reads the input through a 64-bit accumulator, bits left-aligned.
 *    While at least 16 input octets remain, one unaligned big-endian load
 *    tops it up to >= 56 bits (the refill of Giesen's "reading bits in far
 *    too many ways"), and four table steps follow without bounds checks:
 *    each step looks the next HYPER_HUFFMAN_FAST_BITS bits up in
 *    hyper_huffman_fast and emits the one or two symbols whose codes fit,
 *    storing both bytes unconditionally (the loop keeps 8 bytes of room).
 *    The loop-carried chain is shift, load, shift: one dependent load per
 *    1.5-2 symbols, where nghttp2's nibble FSM needs one per 4 bits plus a
 *    branch per symbol.
 *  - Codes longer than the window (rare in headers: 13-30 bits) go through
 *    the canonical decode: the Appendix B code is canonical, so the length
 *    of the code at the top of a 32-bit window is the first L with
 *    window < limit[L], and its symbol is an index into a sorted list.
 *  - The last < 16 octets (all of a typical header string) take the same
 *    table steps with exact bit accounting, then single symbols once fewer
 *    than a window of bits is left. What is left when no complete code
 *    remains is padding, which must be a prefix of EOS (all ones, §5.2) and
 *    shorter than 8 bits. EOS itself is 30 ones and is refused when decoded.
 *  - HYPER_HUFFMAN_FAST_BITS = 13 (a 32 KB table) measured ~10% faster
 *    than 12 (16 KB) and about as fast as 14 (64 KB) on header text.
 *  - With -DHYPER_HUFFMAN_COMPACT the fast table (32 KB) is left out and
 *    every symbol goes through the canonical decode (~0.5 KB of tables).
 *  - Encode shifts codes into a 64-bit accumulator and stores 4 octets at a
 *    time; the caller sized dst with hyper_huffman_encoded_len.
 */
#include "hpack/huffman.h"
#include "hpack/huffman_table.h"
#include "hyper.h"

/* Input bit reader. Invariant: acc holds `bits` valid bits at its top; the
 * bits below them are zero or equal to the input bits that follow (so ORing
 * the same input bits in again is harmless). */
typedef struct bitreader {
    uint64_t acc;
    unsigned bits;
    const uint8_t *src;
    const uint8_t *end;
} bitreader;

/* Octet by octet, as long as input remains and there is room; leaves
 * 56 <= bits <= 63 unless the input ran out. */
static inline void refill_slow(bitreader *r)
{
    while (r->bits < 56 && r->src < r->end) {
        r->acc |= (uint64_t)*r->src++ << (56 - r->bits);
        r->bits += 8;
    }
}

#ifndef HYPER_HUFFMAN_COMPACT
static inline uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* Needs 8 readable octets at src; leaves bits >= 56. */
static inline void refill_fast(bitreader *r)
{
    r->acc |= load_be64(r->src) >> r->bits;
    r->src += (63 - r->bits) >> 3;
    r->bits |= 56;
}
#endif

/* Length of the code at the top of acc, searching from length `from`
 * (a lower bound the caller knows). */
static inline unsigned code_length(uint32_t x, unsigned from)
{
    unsigned l = from;
    while (l < 30 && x >= hyper_huffman_limit[l])
        l++;
    return l;
}

/* Canonical decode of one symbol. Returns 1 and stores one octet, 0 when
 * the valid bits hold no complete code (the rest is padding), or an error.
 * Leaves the accumulator refilled, so bulk steps may follow at once. */
static int decode_canonical(bitreader *r, unsigned from, uint8_t *dst, size_t *n,
                            size_t cap)
{
    if (r->bits < 30)
        refill_slow(r);
    uint32_t x = (uint32_t)(r->acc >> 32);
    unsigned l = code_length(x, from);
    if (l > r->bits)
        return 0;
    uint32_t idx = (x >> (32 - l)) + hyper_huffman_delta[l];
    if (idx >= HYPER_HUFFMAN_EOS)
        return HYPER_EHPACK_HUFFMAN_EOS;
    if (*n >= cap)
        return HYPER_EBUFFER;
    dst[(*n)++] = hyper_huffman_sorted[idx];
    r->acc <<= l;
    r->bits -= l;
    refill_slow(r);
    return 1;
}

#ifndef HYPER_HUFFMAN_COMPACT
#define FAST_SHIFT (64 - HYPER_HUFFMAN_FAST_BITS)
_Static_assert(HYPER_HUFFMAN_FAST_BITS >= 8 && 4 * HYPER_HUFFMAN_FAST_BITS <= 56,
               "four table steps must fit in one refill");
#define FAST_COUNT(e) (((e) >> 6) & 3)

/* One table step: needs HYPER_HUFFMAN_FAST_BITS valid bits in acc and room
 * for 2 octets; the second octet is garbage when count is 1 (overwritten
 * by the next step or past the returned length). A long code goes through
 * copies of the state, so the loop's own state never has its address taken
 * and stays in registers. */
#define FAST_STEP(r, n, on_error)                                             \
    do {                                                                      \
        uint32_t e = hyper_huffman_fast[(r).acc >> FAST_SHIFT];               \
        if (FAST_COUNT(e)) {                                                  \
            dst[n] = (uint8_t)(e >> 16);                                      \
            dst[(n) + 1] = (uint8_t)(e >> 24);                                \
            (n) += FAST_COUNT(e);                                             \
            (r).acc <<= (e & 63);                                             \
            (r).bits -= (e & 63);                                             \
        } else {                                                              \
            bitreader r_ = (r);                                               \
            size_t n_ = (n);                                                  \
            int rc_ = decode_canonical(&r_, HYPER_HUFFMAN_FAST_BITS + 1, dst, \
                                       &n_, cap);                             \
            (r) = r_;                                                         \
            (n) = n_;                                                         \
            if (rc_ <= 0)                                                     \
                on_error;                                                     \
        }                                                                     \
    } while (0)

/* Bulk decode while 16 input octets and 8 output octets remain. A round
 * starts with >= 56 bits in acc and >= 72 more in the input: four steps
 * take at most 4 * 30 bits; a table step finds a whole window in acc
 * (56 - 3 * 13 >= 13, and a long-code step leaves acc refilled); a
 * long-code step refills to >= 30 bits first. */
static long decode_bulk(bitreader *rp, uint8_t *dst, size_t cap, size_t *np)
{
    bitreader r = *rp;
    size_t n = *np;
    long rc = 0;
    while (r.end - r.src >= 16 && cap - n >= 8) {
        refill_fast(&r);
        FAST_STEP(r, n, { rc = rc_; goto out; });
        FAST_STEP(r, n, { rc = rc_; goto out; });
        FAST_STEP(r, n, { rc = rc_; goto out; });
        FAST_STEP(r, n, { rc = rc_; goto out; });
    }
out:
    *rp = r;
    *np = n;
    return rc;
}
#endif

/* The rest, with exact bounds: table steps while a whole window of valid
 * bits and 2 octets of room remain, then one symbol at a time. */
static long decode_tail(bitreader *rp, uint8_t *dst, size_t cap, size_t *np)
{
    bitreader r = *rp;
    size_t n = *np;
    long rc = 0;
    for (;;) {
        refill_slow(&r);
        unsigned from = 5;
#ifndef HYPER_HUFFMAN_COMPACT
        if (r.bits >= HYPER_HUFFMAN_FAST_BITS && cap - n >= 2) {
            FAST_STEP(r, n, { rc = rc_; goto out; });
            continue;
        }
        uint32_t e = hyper_huffman_fast[r.acc >> FAST_SHIFT];
        if (FAST_COUNT(e)) {
            unsigned l = (e >> 8) & 0xf;
            if (l > r.bits)
                break; /* only padding left */
            if (n >= cap) {
                rc = HYPER_EBUFFER;
                break;
            }
            dst[n++] = (uint8_t)(e >> 16);
            r.acc <<= l;
            r.bits -= l;
            continue;
        }
        from = HYPER_HUFFMAN_FAST_BITS + 1;
#endif
        if (r.bits == 0)
            goto out;
        rc = decode_canonical(&r, from, dst, &n, cap);
        if (rc <= 0)
            goto out;
    }
out:
    *rp = r;
    *np = n;
    return rc < 0 ? rc : 0;
}

long hyper_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap)
{
    if (len == 0)
        return 0;
    bitreader r = {0, 0, src, src + len};
    size_t n = 0;
    long rc;
#ifndef HYPER_HUFFMAN_COMPACT
    rc = decode_bulk(&r, dst, cap, &n);
    if (rc < 0)
        return rc;
#endif
    rc = decode_tail(&r, dst, cap, &n);
    if (rc < 0)
        return rc;
    /* §5.2: padding is the most significant bits of EOS, at most 7 bits. */
    if (r.bits) {
        uint64_t pad = r.acc >> (64 - r.bits);
        if (pad != ((uint64_t)1 << r.bits) - 1)
            return HYPER_EHPACK_HUFFMAN_PADDING_BITS;
        if (r.bits > 7)
            return HYPER_EHPACK_HUFFMAN_PADDING;
    }
    return (long)n;
}

size_t hyper_huffman_encoded_len(const uint8_t *src, size_t len)
{
    uint64_t b0 = 0, b1 = 0;
    size_t i = 0;
    for (; i + 2 <= len; i += 2) {
        b0 += hyper_huffman_bits[src[i]];
        b1 += hyper_huffman_bits[src[i + 1]];
    }
    if (i < len)
        b0 += hyper_huffman_bits[src[i]];
    return (size_t)((b0 + b1 + 7) / 8);
}

size_t hyper_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst)
{
    uint64_t acc = 0; /* the low `bits` bits are pending output */
    unsigned bits = 0;
    if (len == 0)
        return 0;
    uint8_t *p = dst;
    for (size_t i = 0; i < len; i++) {
        unsigned b = hyper_huffman_bits[src[i]];
        acc = acc << b | hyper_huffman_code[src[i]];
        bits += b;
        if (bits >= 32) {
            bits -= 32;
            uint32_t w = (uint32_t)(acc >> bits);
            p[0] = (uint8_t)(w >> 24);
            p[1] = (uint8_t)(w >> 16);
            p[2] = (uint8_t)(w >> 8);
            p[3] = (uint8_t)w;
            p += 4;
        }
    }
    if (bits & 7) { /* pad with the most significant bits of EOS */
        unsigned pad = 8 - (bits & 7);
        acc = acc << pad | ((1u << pad) - 1);
        bits += pad;
    }
    while (bits) {
        bits -= 8;
        *p++ = (uint8_t)(acc >> bits);
    }
    return (size_t)(p - dst);
}
