/*
 * send.c — lazy output: what hyper_h2_send_pending writes beyond the
 * control frames already in the buffer, in this order:
 *  1. WINDOW_UPDATEs the window policy calls for (flow.c);
 *  2. HEADERS (+ CONTINUATION) of queued requests, lowest id first, while
 *     the server's SETTINGS_MAX_CONCURRENT_STREAMS allows (§5.1.2);
 *  3. DATA, one frame per stream per round (round robin), never past the
 *     connection or stream send window (§6.9) nor the server's
 *     SETTINGS_MAX_FRAME_SIZE (§4.2).
 * Header blocks are HPACK-encoded here, when they go on the wire, so the
 * encoder's dynamic table follows the order the server decodes in. A block
 * is encoded straight into the output buffer and then cut into frames in
 * place (§4.3: HEADERS + CONTINUATION, nothing in between).
 */
#include <string.h>
#include "stream/h2_internal.h"

/* Spreads an encoded block of len octets at p + 9 into frames of at most
 * maxf octets, from the last fragment backwards: fragment i moves to
 * p + i * (9 + maxf) + 9, past every fragment not yet moved, and its
 * header goes right before it. Returns the total octets (block + frame
 * headers). */
static H2_OUTLINE size_t cut_block(uint8_t *p, size_t len, size_t maxf, uint32_t id,
                                   uint8_t flags)
{
    size_t k = len ? (len + maxf - 1) / maxf : 1;
    size_t flen = len - (k - 1) * maxf; /* the last fragment's */
    hyper_frame_hd hd = {0, HYPER_FRAME_CONTINUATION, HYPER_FRAME_FLAG_END_HEADERS, id};
    for (size_t i = k - 1;; i--) {
        uint8_t *q = p + i * (9 + maxf);
        if (i) {
            memmove(q + 9, p + 9 + i * maxf, flen);
        } else {
            hd.type = HYPER_FRAME_HEADERS;
            hd.flags |= flags;
        }
        hd.length = (uint32_t)flen;
        hyper_frame_hd_encode(q, &hd);
        if (!i)
            return len + 9 * k;
        hd.flags = 0;
        flen = maxf;
    }
}

static int has_body(const h2_stream *st)
{
    return st->body_off < st->body_len || st->sendq_len > 0;
}

/* Writes st's HEADERS: HYPER_OK, HYPER_EBUFFER (no room yet), or a
 * connection error (the encoder failed; its state is unknown). */
static int open_stream(hyper_h2_session *s, h2_stream *st)
{
    size_t maxf = s->peer.max_frame_size;
    size_t bound = hyper_hpack_encode_bound(s->enc, st->fields, st->nfields);
    size_t need = bound + 9 * (bound / maxf + 2);
    uint8_t *p = h2_out_begin(s, need);
    if (!p)
        return HYPER_EBUFFER;
    long n = hyper_hpack_encode(s->enc, st->fields, st->nfields, p + 9, need - 9);
    if (n < 0)
        return h2_conn_error(s, (int)n, HYPER_H2_INTERNAL_ERROR);
    int end = st->local_end && !has_body(st);
    uint8_t flags = end ? HYPER_FRAME_FLAG_END_STREAM : 0;
    h2_out_commit(s, cut_block(p, (size_t)n, maxf, st->id, flags));
    h2_free(s, st->fields, st->fields_alloc);
    st->fields = NULL; /* (nothing reads the count or size after this) */
    st->queued = 0;
    if (st->id > s->highest_opened)
        s->highest_opened = st->id;
    (void)h2_stream_apply(s, st, H2_IN_SEND_HEADERS);
    if (end)
        (void)h2_stream_apply(s, st, H2_IN_SEND_END_STREAM);
    return HYPER_OK;
}

static int open_queued(hyper_h2_session *s)
{
    uint32_t limit = s->got_settings ? s->peer.max_concurrent_streams
                                     : H2_DEFAULT_PEER_CONCURRENCY;
    for (size_t i = 0; i < s->nstreams && s->n_active < limit; i++) {
        h2_stream *st = s->streams[i];
        if (!st->queued)
            continue;
        int rc = open_stream(s, st);
        if (rc < 0)
            return rc;
    }
    return HYPER_OK;
}

static H2_OUTLINE size_t min_size(size_t a, int64_t b)
{
    if (b <= 0)
        return 0;
    return (uint64_t)b < a ? (size_t)b : a;
}

/* One DATA frame for st if it has something it may send. Returns 1 if the
 * stream closed (it is gone), 0 otherwise, HYPER_EBUFFER when the output
 * is too full to be useful. */
static int send_data(hyper_h2_session *s, h2_stream *st, int *progress)
{
    if (st->queued || st->is_push ||
        (st->state != HYPER_H2_STATE_OPEN && st->state != HYPER_H2_STATE_HALF_CLOSED_REMOTE))
        return 0;
    size_t avail = (st->body_len - st->body_off) + st->sendq_len;
    if (avail == 0 && !st->local_end)
        return 0;
    size_t n = min_size(avail, s->send_window);
    n = min_size(n, st->send_window);
    n = min_size(n, s->peer.max_frame_size);
    if (n == 0 && avail > 0)
        return 0; /* blocked by a window until WINDOW_UPDATE */
    /* Whole frames: wait for the buffer to drain rather than cut a short
     * one, unless the frame cannot fit even in an empty buffer. */
    size_t room = h2_out_free(s);
    if (room < 9 + n) {
        if (s->out_tail > s->out_head || room < 9 + 1)
            return HYPER_EBUFFER;
        n = room - 9;
    }
    int end = st->local_end && n == avail;
    uint8_t *p = h2_out_frame(s, HYPER_FRAME_DATA, end ? HYPER_FRAME_FLAG_END_STREAM : 0,
                              st->id, n);
    size_t from_body = min_size(n, (int64_t)(st->body_len - st->body_off));
    if (from_body)
        memcpy(p, st->body + st->body_off, from_body);
    if (n > from_body)
        memcpy(p + from_body, st->sendq + st->sendq_off, n - from_body);
    st->body_off += from_body;
    st->sendq_off += n - from_body;
    st->sendq_len -= n - from_body;
    s->send_window -= (int64_t)n;
    st->send_window -= (int64_t)n;
    *progress = 1;
    if (end)
        return h2_stream_apply(s, st, H2_IN_SEND_END_STREAM) == 1;
    return 0;
}

static void send_all_data(hyper_h2_session *s)
{
    int progress = 1;
    while (progress && s->nstreams) {
        progress = 0;
        size_t rounds = s->nstreams;
        for (size_t k = 0; k < rounds && s->nstreams; k++) {
            size_t i = s->rr % s->nstreams;
            int r = send_data(s, s->streams[i], &progress);
            if (r < 0)
                return;
            /* A closed stream left the array: the next one moved to i. */
            s->rr = r == 1 ? i : i + 1;
        }
    }
}

void h2_send_fill(hyper_h2_session *s)
{
    if (s->err)
        return;
    /* Nothing can be written without a stream or credit to return: then
     * the output buffer need not exist. */
    if (!s->nstreams && !s->recv_unacked) {
        h2_out_release(s);
        return;
    }
    if (h2_out_ready(s) < 0) {
        /* Requests wait on this buffer and nothing would ever retry it:
         * close cleanly, every stream gets its RESET. */
        (void)h2_fail(s, HYPER_ENOMEM);
        return;
    }
    (void)h2_flow_write_updates(s);
    if (open_queued(s) == HYPER_OK && !s->err)
        send_all_data(s);
    h2_out_release(s);
}
