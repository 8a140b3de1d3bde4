/*
 * frame_forge.c — one encoder per HTTP/2 frame type (RFC 9113 §6) into a
 * caller's buffer, for the tests, fuzzers, tools and the bench: they build
 * the frames a server would send, valid or not. The library has no use for
 * them (the engine writes its frames in place in its output buffer,
 * src/stream/output.c; GOAWAY through hyper_frame_goaway_encode), so they
 * live here and cost a device nothing.
 *
 * Implementation notes: every encoder computes the payload length first,
 * checks that the frame fits (24-bit length, 31-bit ids, the caller's cap)
 * and only then writes, so a failed call leaves `out` untouched. A
 * caller's length is checked against 2^24-1 before padding or fixed fields
 * are added to it, so the sum cannot wrap round to a small value. Protocol
 * rules are deliberately not enforced here (see frame.h): the same encoders
 * build malformed frames for the tests.
 */
#include <stddef.h>
#include <string.h>
#include "support/frame_forge.h"
#include "common/common.h"

/*
 * Every encoder ends here. A frame's payload is, in order: the pad-length
 * octet (pad >= 0; -1 for no padding), `pre_len` octets of fixed fields,
 * `body` (the caller's octets), then pad zero octets. The fixed fields
 * (at most 8 octets: priority, promised id, GOAWAY's two words, a 32-bit
 * value) come as one number, written big-endian in its last pre_len octets
 * (zeros before those: SETTINGS reserves its entries that way and writes
 * them after). Checks that it fits (EINVAL for a body or payload over
 * 2^24-1 octets or a stream id over 2^31-1, then EBUFFER for cap) and
 * writes it. Returns the frame's length or the error.
 */
/* Writes the n low octets of v big-endian, ending just before `end`
 * (octets past the 8 of v are zeros). */
static void put_be(uint8_t *end, uint64_t v, size_t n)
{
    for (; n; n--, v >>= 8)
        *--end = (uint8_t)v;
}

static inline long put_frame(uint8_t *out, size_t cap, uint8_t type, uint8_t flags,
                      uint32_t stream_id, int pad, uint64_t pre, size_t pre_len,
                      const uint8_t *body, size_t body_len)
{
    /* body_len is checked before anything is added to it: no wrap. */
    if ((body_len && body == NULL) || body_len > HYPER_FRAME_LENGTH_MAX)
        return HYPER_EINVAL;
    size_t plen = (pad >= 0 ? 1u + (size_t)pad : 0u) + pre_len + body_len;
    if (plen > HYPER_FRAME_LENGTH_MAX || stream_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    if (out == NULL || cap < HYPER_FRAME_HEADER_LEN + plen)
        return HYPER_EBUFFER;
    hyper_frame_hd hd = {(uint32_t)plen, type, flags, stream_id};
    hyper_frame_hd_encode(out, &hd);
    uint8_t *p = out + HYPER_FRAME_HEADER_LEN;
    if (pad >= 0)
        *p++ = (uint8_t)pad;
    p += pre_len;
    put_be(p, pre, pre_len);
    if (body_len)
        memcpy(p, body, body_len);
    if (pad > 0)
        memset(p + body_len, 0, (size_t)pad); /* §6.1: padding octets MUST be zero */
    return (long)(HYPER_FRAME_HEADER_LEN + plen);
}

/* PADDED follows the struct's `padded`, whatever the caller's flags say;
 * the pad argument of put_frame (-1: no pad-length octet). */
static uint8_t pad_flags(uint8_t flags, int padded)
{
    flags &= (uint8_t)~HYPER_FRAME_FLAG_PADDED;
    return padded ? (uint8_t)(flags | HYPER_FRAME_FLAG_PADDED) : flags;
}

static int pad_arg(int padded, uint8_t pad_len)
{
    return padded ? pad_len : -1;
}

long hyper_frame_data_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                             uint8_t flags, const hyper_frame_data *d)
{
    return put_frame(out, cap, HYPER_FRAME_DATA, pad_flags(flags, d->padded), stream_id,
                     pad_arg(d->padded, d->pad_len), 0, 0, d->data, d->len);
}

/* Priority fields (§6.3) as put_frame's fixed-field number: E bit and
 * dependency, then the weight octet. */
static uint64_t priority_fields(const hyper_frame_priority *prio)
{
    return (uint64_t)((prio->dependency & HYPER_FRAME_STREAM_ID_MAX) |
                      (prio->exclusive ? 0x80000000u : 0)) << 8 | prio->weight;
}

long hyper_frame_headers_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                uint8_t flags, const hyper_frame_headers *h)
{
    uint64_t prio = 0;
    size_t prio_len = 0;
    flags = pad_flags(flags, h->padded) & (uint8_t)~HYPER_FRAME_FLAG_PRIORITY;
    if (h->has_priority) {
        if (h->prio.dependency > HYPER_FRAME_STREAM_ID_MAX)
            return HYPER_EINVAL;
        prio = priority_fields(&h->prio);
        prio_len = HYPER_FRAME_PRIORITY_LEN;
        flags |= HYPER_FRAME_FLAG_PRIORITY;
    }
    return put_frame(out, cap, HYPER_FRAME_HEADERS, flags, stream_id,
                     pad_arg(h->padded, h->pad_len), prio, prio_len, h->fragment, h->len);
}

/* A frame whose payload is fixed fields only, no flags, no padding:
 * PRIORITY, RST_STREAM, WINDOW_UPDATE. One copy of put_frame for them (inlined, it would
 * be carried into each). */
static HYPER_ATTR_NOINLINE long fixed_frame(uint8_t *out, size_t cap, uint8_t type,
                                            uint32_t stream_id, uint64_t fields, size_t len)
{
    return put_frame(out, cap, type, 0, stream_id, -1, fields, len, NULL, 0);
}

long hyper_frame_priority_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                 const hyper_frame_priority *p)
{
    if (p->dependency > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    return fixed_frame(out, cap, HYPER_FRAME_PRIORITY, stream_id, priority_fields(p),
                       HYPER_FRAME_PRIORITY_LEN);
}

long hyper_frame_rst_stream_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                   uint32_t error_code)
{
    return fixed_frame(out, cap, HYPER_FRAME_RST_STREAM, stream_id, error_code,
                       HYPER_FRAME_RST_STREAM_LEN);
}

long hyper_frame_settings_encode(uint8_t *out, size_t cap, uint8_t flags,
                                 const hyper_frame_setting *s, size_t n_entries)
{
    if (n_entries > HYPER_FRAME_LENGTH_MAX / HYPER_FRAME_SETTING_LEN ||
        (n_entries && s == NULL))
        return HYPER_EINVAL;
    /* The entries' room is reserved as zero fixed fields, then written. */
    long n = put_frame(out, cap, HYPER_FRAME_SETTINGS, flags, 0, -1, 0,
                       n_entries * HYPER_FRAME_SETTING_LEN, NULL, 0);
    for (size_t i = 0; n >= 0 && i < n_entries; i++) {
        put_be(out + HYPER_FRAME_HEADER_LEN + (i + 1) * HYPER_FRAME_SETTING_LEN,
               (uint64_t)s[i].id << 32 | s[i].value, HYPER_FRAME_SETTING_LEN);
    }
    return n;
}

long hyper_frame_settings_ack_encode(uint8_t *out, size_t cap)
{
    return put_frame(out, cap, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0, -1, 0, 0,
                     NULL, 0);
}

long hyper_frame_push_promise_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const hyper_frame_push_promise *pp)
{
    if (pp->promised_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    return put_frame(out, cap, HYPER_FRAME_PUSH_PROMISE, pad_flags(flags, pp->padded),
                     stream_id, pad_arg(pp->padded, pp->pad_len), pp->promised_id, 4,
                     pp->fragment, pp->len);
}

long hyper_frame_ping_encode(uint8_t *out, size_t cap, const uint8_t opaque[8], int ack)
{
    return put_frame(out, cap, HYPER_FRAME_PING, ack ? HYPER_FRAME_FLAG_ACK : 0, 0, -1,
                     0, 0, opaque, HYPER_FRAME_PING_LEN);
}

long hyper_frame_window_update_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                      uint32_t increment)
{
    if (increment > HYPER_FRAME_WINDOW_MAX)
        return HYPER_EINVAL;
    return fixed_frame(out, cap, HYPER_FRAME_WINDOW_UPDATE, stream_id, increment,
                       HYPER_FRAME_WINDOW_UPDATE_LEN);
}

long hyper_frame_continuation_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const uint8_t *fragment, size_t len)
{
    return put_frame(out, cap, HYPER_FRAME_CONTINUATION, flags, stream_id, -1, 0, 0,
                     fragment, len);
}
