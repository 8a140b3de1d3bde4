/*
 * hpack_int.c — HPACK integer representation (RFC 7541 §5.1).
 *
 * Implementation notes:
 *  - Values are accumulated in 64 bits, so a value past 2^32-1 is seen after
 *    the octet that pushes it over and refused at once (no waiting for the
 *    end of an attacker's endless continuation run).
 *  - A minimal encoding never ends with a 0x00 continuation octet unless that
 *    octet is the first one (2^N-1 itself is prefix-all-ones, 0x00). Any
 *    other final zero octet adds nothing: HYPER_EHPACK_INT_OVERLONG. So is a
 *    sixth octet that still has its continuation bit set: no 32-bit value
 *    needs more than HYPER_HPACK_INT_MAX_LEN octets.
 *  - Returning 0 for "need more bytes" lets the decoder keep its own buffer
 *    and call again with the whole representation once more bytes arrive.
 */
#include "hpack/hpack_int.h"
#include "hyper.h"

int hyper_hpack_int_decode(const uint8_t *in, size_t len, unsigned prefix_bits,
                           uint32_t *value)
{
    if (prefix_bits < 1 || prefix_bits > 8)
        return HYPER_EINVAL;
    if (len == 0)
        return 0;
    const uint32_t mask = (1u << prefix_bits) - 1;
    uint64_t v = in[0] & mask;
    if (v < mask) {
        *value = (uint32_t)v;
        return 1;
    }
#ifdef __OPTIMIZE_SIZE__
    /* A build for size: the same checks in the same order, in a loop
     * that counts octets only (continuation i carries bits 7(i-1) on). */
    for (size_t i = 1;; i++) {
        if (i >= len)
            return 0;
        uint8_t b = in[i];
        v += (uint64_t)(b & 0x7f) << (7 * (i - 1));
        if (v > UINT32_MAX)
            return HYPER_EHPACK_INT_OVERFLOW;
        if (!(b & 0x80)) {
            if (b == 0 && i > 1)
                return HYPER_EHPACK_INT_OVERLONG;
            *value = (uint32_t)v;
            return (int)(i + 1);
        }
        if (i + 1 >= HYPER_HPACK_INT_MAX_LEN)
            return HYPER_EHPACK_INT_OVERLONG;
    }
#else
    unsigned shift = 0;
    for (size_t i = 1; i < len; i++) {
        uint8_t b = in[i];
        v += (uint64_t)(b & 0x7f) << shift;
        if (v > UINT32_MAX)
            return HYPER_EHPACK_INT_OVERFLOW;
        if (!(b & 0x80)) {
            if (b == 0 && i > 1)
                return HYPER_EHPACK_INT_OVERLONG;
            *value = (uint32_t)v;
            return (int)(i + 1);
        }
        if (i + 1 >= HYPER_HPACK_INT_MAX_LEN)
            return HYPER_EHPACK_INT_OVERLONG;
        shift += 7;
    }
    return 0;
#endif
}

size_t hyper_hpack_int_encode(uint8_t *out, uint32_t value, unsigned prefix_bits,
                              uint8_t first)
{
    const uint32_t mask = (1u << prefix_bits) - 1;
    first = (uint8_t)(first & ~mask);
    if (value < mask) {
        out[0] = (uint8_t)(first | value);
        return 1;
    }
    out[0] = (uint8_t)(first | mask);
    value -= mask;
    size_t n = 1;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(0x80 | (value & 0x7f));
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}
