/*
 * output.c — the session's output buffer and the control frames written
 * into it directly.
 *
 * One linear buffer of output_buffer_size octets: [out_head, out_tail)
 * waits to be sent. Space is made by moving the pending bytes to the front,
 * which is why the pointer from hyper_h2_send_pending is only valid until
 * the next call. out_total/out_sent count octets ever written/sent; each
 * unsent PING or SETTINGS ACK is remembered by the out_total at its end, so
 * the flood guard (max_queued_acks) counts ACKs the caller has not yet
 * taken off our hands.
 *
 * The buffer itself exists only while needed (issue 7: an idle connection
 * holds none): h2_out_ready allocates it before a writer runs (recv, the
 * lazy writer, the API calls that write frames), h2_out_release frees it
 * once everything written was sent and no stream is live. Writers call h2_out_begin only after
 * h2_out_ready succeeded, so a NULL from it still means "no room".
 */
#include <string.h>
#include "stream/h2_internal.h"

int h2_out_ready(hyper_h2_session *s)
{
    if (s->out)
        return HYPER_OK;
    s->out = h2_alloc(s, s->opts.output_buffer_size);
    return s->out ? HYPER_OK : HYPER_ENOMEM;
}

/* Frees the buffer when nothing waits in it and no stream is live (while
 * streams run it would be needed again at once: keeping it saves the
 * allocator churn and, on an arena, the holes). */
void h2_out_release(hyper_h2_session *s)
{
    if (s->out && s->out_tail == s->out_head && s->nstreams == 0) {
        h2_free(s, s->out, s->opts.output_buffer_size);
        /* out_head == out_tail: the next h2_out_begin that needs the
         * room moves nothing and starts over at 0. */
        s->out = NULL;
    }
}

size_t h2_out_free(const hyper_h2_session *s)
{
    return s->opts.output_buffer_size - (s->out_tail - s->out_head);
}

/* Room for n octets at the tail, or NULL. */
uint8_t *h2_out_begin(hyper_h2_session *s, size_t n)
{
    if (!s->out || h2_out_free(s) < n)
        return NULL;
    if (s->opts.output_buffer_size - s->out_tail < n) {
        memmove(s->out, s->out + s->out_head, s->out_tail - s->out_head);
        s->out_tail -= s->out_head;
        s->out_head = 0;
    }
    return s->out + s->out_tail;
}

void h2_out_commit(hyper_h2_session *s, size_t n)
{
    s->out_tail += n;
    s->out_total += n;
}

/* A frame header (§4.1) at q: what hyper_frame_hd_encode writes, without
 * a header struct to fill first. */
static void out_hd(uint8_t *q, size_t len, uint8_t type, uint8_t flags, uint32_t id)
{
    hyper_put_u32(q, (uint32_t)len << 8 | type); /* 24-bit length, type */
    q[4] = flags;
    hyper_put_u32(q + 5, id & HYPER_FRAME_STREAM_ID_MAX);
}

/* Writes a frame header for a payload of len octets and commits the
 * frame; returns where its payload goes (the caller fills it before
 * anything else is written), or NULL when the buffer lacks room. */
uint8_t *h2_out_frame(hyper_h2_session *s, uint8_t type, uint8_t flags, uint32_t id,
                      size_t len)
{
    uint8_t *p = h2_out_begin(s, 9 + len);
    if (!p)
        return NULL;
    out_hd(p, len, type, flags, id);
    h2_out_commit(s, 9 + len);
    return p + 9;
}

/* RST_STREAM or WINDOW_UPDATE: a 4-octet payload (§6.4, §6.9). */
int h2_out_u32(hyper_h2_session *s, uint8_t type, uint32_t id, uint32_t value)
{
    uint8_t *p = h2_out_frame(s, type, 0, id, 4);
    if (!p)
        return HYPER_EBUFFER;
    hyper_put_u32(p, value);
    return HYPER_OK;
}

/* A stream-0 frame whose payload is copied (PING, SETTINGS ACK). */
int h2_out_copy(hyper_h2_session *s, uint8_t type, uint8_t flags, const uint8_t *payload,
                size_t len)
{
    uint8_t *p = h2_out_frame(s, type, flags, 0, len);
    if (!p)
        return HYPER_EBUFFER;
    if (len)
        memcpy(p, payload, len);
    return HYPER_OK;
}

/* Writes an ACK (PING or SETTINGS, payload copied) and remembers where it
 * ends. A connection error ENHANCE_YOUR_CALM, writing nothing, when
 * max_queued_acks unsent ACKs already wait: a peer must not make us queue
 * answers without bound (RFC 9113 §10.5); INTERNAL_ERROR if it does not
 * fit (recv reserves room, so only a caller that left the buffer full). */
int h2_out_ack(hyper_h2_session *s, uint8_t type, const uint8_t *payload, size_t len)
{
    size_t cap = s->opts.max_queued_acks;
    int rc = HYPER_EH2_CALM;
    if (s->acks_len < cap)
        rc = h2_out_copy(s, type, HYPER_FRAME_FLAG_ACK, payload, len);
    if (rc < 0)
        return h2_fail(s, rc);
    s->acks[(s->acks_head + s->acks_len) % cap] = s->out_total;
    s->acks_len++;
    return HYPER_OK;
}

int h2_out_goaway(hyper_h2_session *s, uint32_t code, const uint8_t *dbg, size_t len)
{
    size_t need = 17 + len;
    uint8_t *p = h2_out_begin(s, need);
    if (!p)
        return HYPER_EBUFFER;
    /* last_stream_id names the highest server-initiated stream we may have
     * acted on (§6.8): for a client, the last promised stream. */
    long n = hyper_frame_goaway_encode(p, need, s->highest_promised, code, dbg, len);
    if (n < 0)
        return (int)n;
    h2_out_commit(s, (size_t)n);
    return HYPER_OK;
}

size_t hyper_h2_send_pending(hyper_h2_session *s, const uint8_t **ptr)
{
    *ptr = NULL;
    if (!s)
        return 0;
    h2_send_fill(s);
    if (!s->out)
        return 0;
    *ptr = s->out + s->out_head;
    return s->out_tail - s->out_head;
}

int hyper_h2_sent(hyper_h2_session *s, size_t n)
{
    if (!s || n > s->out_tail - s->out_head)
        return HYPER_EINVAL;
    s->out_head += n;
    s->out_sent += n;
    h2_out_release(s);
    size_t cap = s->opts.max_queued_acks;
    while (s->acks_len && s->acks[s->acks_head] <= s->out_sent) {
        s->acks_head = (s->acks_head + 1) % cap;
        s->acks_len--;
    }
    return HYPER_OK;
}

int hyper_h2_want_write(hyper_h2_session *s)
{
    if (!s)
        return 0;
    h2_send_fill(s);
    return s->out_tail > s->out_head;
}
