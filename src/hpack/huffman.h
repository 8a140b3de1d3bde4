/*
 * huffman.h — the HPACK Huffman code (RFC 7541 §5.2, Appendix B).
 *
 * Encode and decode are driven by tables in huffman_table.c, which
 * tools/gen_huffman.py generates from the Appendix B code table. Decode uses
 * a 32 KB lookup table (up to two symbols per step) when dst has one octet
 * more than the longest possible output, and a canonical-code decoder with
 * a bound check per symbol otherwise; build with -DHYPER_HUFFMAN_COMPACT to
 * drop the table and always use the canonical decoder (~0.5 KB of tables,
 * same results, several times slower).
 */
#ifndef HYPER_HUFFMAN_H
#define HYPER_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>
#include "hyper_config.h"
#include "hpack/huffman_table.h"

/* Upper bound of the decoded length of `len` Huffman octets (the shortest
 * code is 5 bits): dst needs at most this many bytes. */
#define HYPER_HUFFMAN_DECODED_MAX(len) (((len) * 8) / 5)

/*
 * Decodes a complete Huffman string src[0..len) into dst (room for cap
 * bytes). Returns the decoded length, or HYPER_EHPACK_HUFFMAN_EOS,
 * HYPER_EHPACK_HUFFMAN_PADDING (more than 7 bits of padding),
 * HYPER_EHPACK_HUFFMAN_PADDING_BITS (padding not all ones, or a truncated
 * code), or HYPER_EBUFFER when cap is too small (cap =
 * HYPER_HUFFMAN_DECODED_MAX(len) always suffices). Errors are reported in
 * input order: the first problem met wins. Octets of dst past the returned
 * length (up to cap) may be overwritten; nothing at or past dst + cap is.
 * src may be NULL when len is 0.
 */
long hyper_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);

/*
 * hyper_huffman_decode for a dst with room for HYPER_HUFFMAN_DECODED_MAX(len)
 * + 1 octets, which the caller has checked: no room to check, so no
 * HYPER_EBUFFER. hyper_huffman_decode takes this path by itself whenever
 * cap allows it; the slack octet lets the decoder store two symbols per
 * table step.
 */
long hyper_huffman_decode_fast(const uint8_t *src, size_t len, uint8_t *dst);

#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER  /* the encoder can be left out */
/* Octets the Huffman encoding of src[0..len) takes. */
size_t hyper_huffman_encoded_len(const uint8_t *src, size_t len);

/* Encodes src[0..len) into dst, which has hyper_huffman_encoded_len(src, len)
 * bytes of room (it writes exactly that many); pads the last octet with the
 * most significant bits of EOS (ones). Returns the octets written. */
size_t hyper_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst);

/* Tail of an encoder loop: the low `bits` (< 32) bits of acc are pending
 * output. Pads them to an octet boundary with the most significant bits of
 * EOS (ones, §5.2), writes them to dst and returns the octets written
 * ((bits + 7) / 8). Shared by hyper_huffman_encode and the HPACK encoder's
 * bounded variant so both emit the same padding. */
static inline size_t hyper_huffman_flush(uint8_t *dst, uint64_t acc, unsigned bits)
{
    size_t o = 0;
    if (bits & 7) {
        unsigned pad = 8 - (bits & 7);
        acc = acc << pad | ((1u << pad) - 1);
        bits += pad;
    }
    while (bits) {
        bits -= 8;
        dst[o++] = (uint8_t)(acc >> bits);
    }
    return o;
}

/* hyper_huffman_encode while the code stays shorter than `limit` octets:
 * returns its length (< limit), or 0 as soon as the code reaches `limit`
 * (dst then holds garbage; it has room for limit - 1 octets). One pass,
 * no separate length count: the AUTO policy of §5.2. Inline for the HPACK
 * encoder's hot path; hyper_huffman_encode_under is one shared copy. */
#ifdef __OPTIMIZE_SIZE__
/* A build for size: one octet at a time, the padding coded as a last
 * symbol of (-bits & 7) ones, so there is one store and one limit check
 * (~0.1 KB less code than the word-at-a-time loop below; same output). */
static inline size_t hyper_huffman_encode_under_inline(const uint8_t *src, size_t len,
                                                       uint8_t *dst, size_t limit)
{
    uint64_t acc = 0; /* the low `bits` bits are pending output, bits < 8 */
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0;; i++) {
        unsigned b = -bits & 7; /* past the last symbol: the padding */
        uint32_t code = (1u << b) - 1;
        if (i < len) {
            b = hyper_huffman_bits[src[i]];
            code = hyper_huffman_code_of(src[i], b);
        }
        acc = acc << b | code;
        for (bits += b; bits >= 8; bits -= 8) {
            if (o + 1 >= limit)
                return 0; /* at least `limit` octets */
            dst[o++] = (uint8_t)(acc >> (bits - 8));
        }
        if (i >= len)
            return o;
    }
}
#else
static inline size_t hyper_huffman_encode_under_inline(const uint8_t *src, size_t len,
                                                       uint8_t *dst, size_t limit)
{
    uint64_t acc = 0; /* the low `bits` bits are pending output, bits < 32 */
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned b = hyper_huffman_bits[src[i]];
        acc = acc << b | hyper_huffman_code_of(src[i], b);
        bits += b;
        if (bits >= 32) {
            if (o + 4 >= limit)
                return 0; /* at least `limit` octets */
            bits -= 32;
            uint32_t w = (uint32_t)(acc >> bits);
            dst[o] = (uint8_t)(w >> 24);
            dst[o + 1] = (uint8_t)(w >> 16);
            dst[o + 2] = (uint8_t)(w >> 8);
            dst[o + 3] = (uint8_t)w;
            o += 4;
        }
    }
    if (o + (bits + 7) / 8 >= limit)
        return 0;
    return o + hyper_huffman_flush(dst + o, acc, bits);
}
#endif

size_t hyper_huffman_encode_under(const uint8_t *src, size_t len, uint8_t *dst, size_t limit);
#endif

#endif
