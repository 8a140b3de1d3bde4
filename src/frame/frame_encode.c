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

/* Checks that a frame with `plen` payload octets fits, then writes its
 * header. Returns the whole frame's length or a negative error. */
static long begin(uint8_t *out, size_t cap, size_t plen, uint8_t type,
                  uint8_t flags, uint32_t stream_id)
{
    if (plen > HYPER_FRAME_LENGTH_MAX || stream_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    if (out == NULL || cap < HYPER_FRAME_HEADER_LEN + plen)
        return HYPER_EBUFFER;
    hyper_frame_hd hd = {(uint32_t)plen, type, flags, stream_id};
    hyper_frame_hd_encode(out, &hd);
    return (long)(HYPER_FRAME_HEADER_LEN + plen);
}

/* Writes [pad length] body [zero padding] at p; returns octets written. */
static size_t put_padded(uint8_t *p, int padded, uint8_t pad_len, const uint8_t *pre,
                         size_t pre_len, const uint8_t *body, size_t body_len)
{
    size_t off = 0;
    if (padded)
        p[off++] = pad_len;
    if (pre_len)
        memcpy(p + off, pre, pre_len);
    off += pre_len;
    if (body_len)
        memcpy(p + off, body, body_len);
    off += body_len;
    if (padded) {
        memset(p + off, 0, pad_len); /* §6.1: padding octets MUST be zero */
        off += pad_len;
    }
    return off;
}

static uint8_t pad_flags(uint8_t flags, int padded)
{
    flags &= (uint8_t)~HYPER_FRAME_FLAG_PADDED;
    return padded ? (uint8_t)(flags | HYPER_FRAME_FLAG_PADDED) : flags;
}

static size_t pad_overhead(int padded, uint8_t pad_len)
{
    return padded ? 1u + pad_len : 0u;
}

long hyper_frame_data_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                             uint8_t flags, const hyper_frame_data *d)
{
    if ((d->len && d->data == NULL) || d->len > HYPER_FRAME_LENGTH_MAX)
        return HYPER_EINVAL;              /* (checked before adding padding: no wrap) */
    size_t plen = d->len + pad_overhead(d->padded, d->pad_len);
    long n = begin(out, cap, plen, HYPER_FRAME_DATA, pad_flags(flags, d->padded), stream_id);
    if (n < 0)
        return n;
    put_padded(out + HYPER_FRAME_HEADER_LEN, d->padded, d->pad_len, NULL, 0, d->data, d->len);
    return n;
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
    if ((h->len && h->fragment == NULL) || h->len > HYPER_FRAME_LENGTH_MAX ||
        (h->has_priority && h->prio.dependency > HYPER_FRAME_STREAM_ID_MAX))
        return HYPER_EINVAL;
    flags = pad_flags(flags, h->padded) & (uint8_t)~HYPER_FRAME_FLAG_PRIORITY;
    if (h->has_priority) {
        put_priority(prio, &h->prio);
        prio_len = sizeof prio;
        flags |= HYPER_FRAME_FLAG_PRIORITY;
    }
    size_t plen = prio_len + h->len + pad_overhead(h->padded, h->pad_len);
    long n = begin(out, cap, plen, HYPER_FRAME_HEADERS, flags, stream_id);
    if (n < 0)
        return n;
    put_padded(out + HYPER_FRAME_HEADER_LEN, h->padded, h->pad_len, prio, prio_len,
               h->fragment, h->len);
    return n;
}

long hyper_frame_priority_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                 const hyper_frame_priority *p)
{
    if (p->dependency > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    long n = begin(out, cap, HYPER_FRAME_PRIORITY_LEN, HYPER_FRAME_PRIORITY, 0, stream_id);
    if (n < 0)
        return n;
    put_priority(out + HYPER_FRAME_HEADER_LEN, p);
    return n;
}

/* A frame whose payload is one 32-bit value: RST_STREAM (§6.4) and
 * WINDOW_UPDATE (§6.9) have the same layout, 4 octets and no flags. */
static long u32_frame(uint8_t *out, size_t cap, uint8_t type, uint32_t stream_id,
                      uint32_t value)
{
    long n = begin(out, cap, 4, type, 0, stream_id);
    if (n >= 0)
        hyper_put_u32(out + HYPER_FRAME_HEADER_LEN, value);
    return n;
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
    size_t plen = n_entries * HYPER_FRAME_SETTING_LEN;
    long n = begin(out, cap, plen, HYPER_FRAME_SETTINGS, flags, 0);
    if (n < 0)
        return n;
    uint8_t *p = out + HYPER_FRAME_HEADER_LEN;
    for (size_t i = 0; i < n_entries; i++, p += HYPER_FRAME_SETTING_LEN) {
        hyper_put_u16(p, s[i].id);
        hyper_put_u32(p + 2, s[i].value);
    }
    return n;
}

long hyper_frame_settings_ack_encode(uint8_t *out, size_t cap)
{
    return begin(out, cap, 0, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
}

long hyper_frame_push_promise_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const hyper_frame_push_promise *pp)
{
    uint8_t promised[4];
    if ((pp->len && pp->fragment == NULL) || pp->len > HYPER_FRAME_LENGTH_MAX ||
        pp->promised_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EINVAL;
    hyper_put_u32(promised, pp->promised_id);
    size_t plen = sizeof promised + pp->len + pad_overhead(pp->padded, pp->pad_len);
    long n = begin(out, cap, plen, HYPER_FRAME_PUSH_PROMISE, pad_flags(flags, pp->padded),
                   stream_id);
    if (n < 0)
        return n;
    put_padded(out + HYPER_FRAME_HEADER_LEN, pp->padded, pp->pad_len, promised,
               sizeof promised, pp->fragment, pp->len);
    return n;
}

long hyper_frame_ping_encode(uint8_t *out, size_t cap, const uint8_t opaque[8], int ack)
{
    long n = begin(out, cap, HYPER_FRAME_PING_LEN, HYPER_FRAME_PING,
                   ack ? HYPER_FRAME_FLAG_ACK : 0, 0);
    if (n < 0)
        return n;
    memcpy(out + HYPER_FRAME_HEADER_LEN, opaque, HYPER_FRAME_PING_LEN);
    return n;
}

long hyper_frame_goaway_encode(uint8_t *out, size_t cap, uint32_t last_stream_id,
                               uint32_t error_code, const uint8_t *debug, size_t debug_len)
{
    if (last_stream_id > HYPER_FRAME_STREAM_ID_MAX || (debug_len && debug == NULL) ||
        debug_len > HYPER_FRAME_LENGTH_MAX)
        return HYPER_EINVAL;
    long n = begin(out, cap, HYPER_FRAME_GOAWAY_MIN_LEN + debug_len, HYPER_FRAME_GOAWAY, 0, 0);
    if (n < 0)
        return n;
    uint8_t *p = out + HYPER_FRAME_HEADER_LEN;
    hyper_put_u32(p, last_stream_id);
    hyper_put_u32(p + 4, error_code);
    if (debug_len)
        memcpy(p + 8, debug, debug_len);
    return n;
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
    if (len && fragment == NULL)
        return HYPER_EINVAL;
    long n = begin(out, cap, len, HYPER_FRAME_CONTINUATION, flags, stream_id);
    if (n < 0)
        return n;
    if (len)
        memcpy(out + HYPER_FRAME_HEADER_LEN, fragment, len);
    return n;
}
