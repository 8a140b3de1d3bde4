/*
 * hpack_int.h — HPACK integer representation (RFC 7541 §5.1).
 *
 * An integer has an N-bit prefix (1 <= N <= 8) in the first octet and, when
 * the value does not fit, continuation octets of 7 bits each. hyper accepts
 * values up to 2^32-1 and refuses encodings with redundant continuation
 * octets beyond what such a value needs (an attacker's way to make us loop).
 */
#ifndef HYPER_HPACK_INT_H
#define HYPER_HPACK_INT_H

#include <stddef.h>
#include <stdint.h>

/* Longest encoding of a 32-bit value: the prefix octet plus 5 continuations. */
#define HYPER_HPACK_INT_MAX_LEN 6

/*
 * Decodes an integer with a `prefix_bits` prefix from in[0..len); the bits
 * above the prefix in in[0] are ignored.
 * Returns the octets consumed (> 0) and stores *value; 0 when `len` ends
 * before the integer does (nothing consumed: call again with more bytes);
 * HYPER_EHPACK_INT_OVERFLOW or HYPER_EHPACK_INT_OVERLONG on bad input
 * (reported as soon as the octets seen prove it); HYPER_EINVAL when
 * prefix_bits is outside 1..8.
 */
int hyper_hpack_int_decode(const uint8_t *in, size_t len, unsigned prefix_bits,
                           uint32_t *value);

/*
 * Writes `value` with a `prefix_bits` prefix to out (which has room for
 * HYPER_HPACK_INT_MAX_LEN octets); `first` holds the representation's flag
 * bits above the prefix, already in place (its prefix bits are ignored).
 * prefix_bits must be 1..8. Returns the octets written.
 */
size_t hyper_hpack_int_encode(uint8_t *out, uint32_t value, unsigned prefix_bits,
                              uint8_t first);

/* Octets hyper_hpack_int_encode would write (inline: the library itself
 * does not need it). */
static inline size_t hyper_hpack_int_len(uint32_t value, unsigned prefix_bits)
{
    const uint32_t mask = (1u << prefix_bits) - 1;
    if (value < mask)
        return 1;
    value -= mask;
    size_t n = 2;
    while (value >= 0x80) {
        value >>= 7;
        n++;
    }
    return n;
}

#endif
