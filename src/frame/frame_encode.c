/*
 * frame_encode.c — one encoder per HTTP/2 frame type (RFC 9113 §6) into a
 * caller's buffer.
 *
 * Implementation notes: every encoder computes the payload length first,
 * checks that the frame fits (24-bit length, 31-bit ids, the caller's cap)
 * and only then writes, so a failed call leaves `out` untouched. A
 * caller's length is checked against 2^24-1 before padding or fixed fields
 * are added to it, so the sum cannot wrap round to a small value. Protocol
 * rules are deliberately not enforced here (see frame.h): the same encoders
 * build malformed frames for the tests.
 */
#include <string.h>
#include "frame/frame.h"
#include "common/common.h"

/*
 * Every encoder ends here. A frame's payload is, in order: the pad-length
 * octet (pad >= 0; -1 for no padding), `pre` (fixed fields; NULL leaves
 * pre_len octets for the caller to fill), `body` (the caller's octets),
 * then pad zero octets. Checks that it fits (EINVAL for
 * a body or payload over 2^24-1 octets or a stream id over 2^31-1, then
 * EBUFFER for cap) and writes it. Returns the frame's length or the error.
 */
static inline long put_frame(uint8_t *out, size_t cap, uint8_t type, uint8_t flags,
                      uint32_t stream_id, int pad, const uint8_t *pre, size_t pre_len,
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
    if (pre)
        memcpy(p, pre, pre_len);
    p += pre_len;
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
                     pad_arg(d->padded, d->pad_len), NULL, 0, d->data, d->len);
}

static void put_priority(uint8_t p[5], const hyper_frame_priority *prio)
{
    hyper_put_u32(p, (prio->dependency & HYPER_FRAME_STREAM_ID_MAX) |
                         (prio->exclusive ? 0x80000000u : 0));
    p[4] = prio->weight;
}

long hyper_frame_headers_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                uint8_t flags, const hyper_frame_headers *h)
{
    uint8_t prio[HYPER_FRAME_PRIORITY_LEN];
    size_t prio_len = 0;
    if (h->has_priority && h->prio.dependency > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    flags = pad_flags(flags, h->padded) & (uint8_t)~HYPER_FRAME_FLAG_PRIORITY;
    if (h->has_priority) {
        put_priority(prio, &h->prio);
        prio_len = sizeof prio;
        flags |= HYPER_FRAME_FLAG_PRIORITY;
    }
    return put_frame(out, cap, HYPER_FRAME_HEADERS, flags, stream_id,
                     pad_arg(h->padded, h->pad_len), prio, prio_len, h->fragment, h->len);
}

long hyper_frame_priority_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                 const hyper_frame_priority *p)
{
    uint8_t prio[HYPER_FRAME_PRIORITY_LEN];
    if (p->dependency > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    put_priority(prio, p);
    return put_frame(out, cap, HYPER_FRAME_PRIORITY, 0, stream_id, -1, prio, sizeof prio,
                     NULL, 0);
}

/* A frame whose payload is one 32-bit value: RST_STREAM (§6.4) and
 * WINDOW_UPDATE (§6.9) have the same layout, 4 octets and no flags. One
 * copy for both (inlined, it would carry put_frame into each). */
static HYPER_ATTR_NOINLINE long u32_frame(uint8_t *out, size_t cap, uint8_t type, uint32_t stream_id,
                      uint32_t value)
{
    uint8_t v[4];
    hyper_put_u32(v, value);
    return put_frame(out, cap, type, 0, stream_id, -1, v, sizeof v, NULL, 0);
}

long hyper_frame_rst_stream_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                   uint32_t error_code)
{
    return u32_frame(out, cap, HYPER_FRAME_RST_STREAM, stream_id, error_code);
}

long hyper_frame_settings_encode(uint8_t *out, size_t cap, uint8_t flags,
                                 const hyper_frame_setting *s, size_t n_entries)
{
    if (n_entries > HYPER_FRAME_LENGTH_MAX / HYPER_FRAME_SETTING_LEN ||
        (n_entries && s == NULL))
        return HYPER_EINVAL;
    /* The entries are written in place, after put_frame checked the room. */
    long n = put_frame(out, cap, HYPER_FRAME_SETTINGS, flags, 0, -1, NULL,
                       n_entries * HYPER_FRAME_SETTING_LEN, NULL, 0);
    for (size_t i = 0; n >= 0 && i < n_entries; i++) {
        uint8_t *p = out + HYPER_FRAME_HEADER_LEN + i * HYPER_FRAME_SETTING_LEN;
        hyper_put_u16(p, s[i].id);
        hyper_put_u32(p + 2, s[i].value);
    }
    return n;
}

long hyper_frame_settings_ack_encode(uint8_t *out, size_t cap)
{
    return put_frame(out, cap, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0, -1, NULL, 0,
                     NULL, 0);
}

long hyper_frame_push_promise_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const hyper_frame_push_promise *pp)
{
    uint8_t promised[4];
    if (pp->promised_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    hyper_put_u32(promised, pp->promised_id);
    return put_frame(out, cap, HYPER_FRAME_PUSH_PROMISE, pad_flags(flags, pp->padded),
                     stream_id, pad_arg(pp->padded, pp->pad_len), promised, sizeof promised,
                     pp->fragment, pp->len);
}

long hyper_frame_ping_encode(uint8_t *out, size_t cap, const uint8_t opaque[8], int ack)
{
    return put_frame(out, cap, HYPER_FRAME_PING, ack ? HYPER_FRAME_FLAG_ACK : 0, 0, -1,
                     NULL, 0, opaque, HYPER_FRAME_PING_LEN);
}

long hyper_frame_goaway_encode(uint8_t *out, size_t cap, uint32_t last_stream_id,
                               uint32_t error_code, const uint8_t *debug, size_t debug_len)
{
    uint8_t f[HYPER_FRAME_GOAWAY_MIN_LEN];
    if (last_stream_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    hyper_put_u32(f, last_stream_id);
    hyper_put_u32(f + 4, error_code);
    return put_frame(out, cap, HYPER_FRAME_GOAWAY, 0, 0, -1, f, sizeof f, debug, debug_len);
}

long hyper_frame_window_update_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                      uint32_t increment)
{
    if (increment > HYPER_FRAME_WINDOW_MAX)
        return HYPER_EINVAL;
    return u32_frame(out, cap, HYPER_FRAME_WINDOW_UPDATE, stream_id, increment);
}

long hyper_frame_continuation_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const uint8_t *fragment, size_t len)
{
    return put_frame(out, cap, HYPER_FRAME_CONTINUATION, flags, stream_id, -1, NULL, 0,
                     fragment, len);
}
