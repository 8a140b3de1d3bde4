/*
 * flow.c — flow control both ways (RFC 9113 §5.2, §6.9).
 *
 * Sending: s->send_window and each stream's send_window are what the
 * server lets us send; WINDOW_UPDATE raises them (past 2^31-1 is a
 * FLOW_CONTROL_ERROR, §6.9.1), a change of the server's
 * SETTINGS_INITIAL_WINDOW_SIZE shifts every stream's window by the
 * difference, possibly below zero (§6.9.2). send.c never writes DATA past
 * min(connection, stream) window.
 *
 * Receiving: recv_window is what the server may still send; DATA lowers it
 * (data_in.c). Octets handed to the application are "outstanding" until it
 * calls hyper_h2_consume; consumed octets are "unacked" until a
 * WINDOW_UPDATE returns them, which happens once they reach
 * window_update_percent of the window. So the server can never have more
 * than one window in flight beyond what the application has processed, and
 * an application that keeps consuming keeps the window open. Octets the
 * application never sees (DATA on streams we reset or ignore) are credited
 * to the connection at once.
 */
#include "stream/h2_internal.h"

#define WINDOW_MAX ((int64_t)HYPER_FRAME_WINDOW_MAX)

/* WINDOW_UPDATE (§6.9), decoded; rc < 0 is the decoder's stream error
 * (session.c made the others connection errors). An increment of 0 on a
 * stream is a stream error, but only once the stream itself may receive
 * the frame: on an idle stream it is a connection error like any
 * WINDOW_UPDATE there, on a stream we reset it is ignored like any late
 * frame (§5.1). */
int h2_flow_window_update(hyper_h2_session *s, hyper_frame *f, int rc)
{
    const hyper_frame_hd *hd = &f->hd;
    uint32_t increment = f->u.window_update.increment;
    if (hd->stream_id == 0) {
        if (s->send_window + increment > WINDOW_MAX)
            return h2_fail(s, HYPER_EH2_FLOW_CONTROL);
        s->send_window += increment;
        return HYPER_OK;
    }
    h2_stream *st = h2_stream_find(s, hd->stream_id);
    if (!st)
        return h2_late_frame(s, hd->stream_id, 1);
    /* Receiving WINDOW_UPDATE is allowed in every state but idle (a queued
     * request) and reserved (remote) (§5.1). */
    if (st->state == HYPER_H2_STATE_IDLE)
        return h2_fail(s, HYPER_EH2_IDLE_STREAM);
    if (st->state == HYPER_H2_STATE_RESERVED_REMOTE)
        return h2_fail(s, HYPER_EH2_PROTOCOL);
    if (rc == HYPER_OK && st->send_window + increment > WINDOW_MAX)
        rc = HYPER_EH2_FLOW_CONTROL;
    if (rc < 0)
        return h2_stream_error(s, st->id, rc);
    st->send_window += increment;
    return HYPER_OK;
}

/* The server's SETTINGS_INITIAL_WINDOW_SIZE changed to value (§6.9.2). */
int h2_flow_peer_initial_window(hyper_h2_session *s, uint32_t value)
{
    int64_t delta = (int64_t)value - (int64_t)s->peer.initial_window_size;
    for (size_t i = 0; i < s->nstreams; i++) {
        if (s->streams[i]->send_window + delta > WINDOW_MAX)
            return h2_fail(s, HYPER_EH2_FLOW_CONTROL);
    }
    for (size_t i = 0; i < s->nstreams; i++)
        s->streams[i]->send_window += delta;
    s->peer.initial_window_size = value;
    return HYPER_OK;
}

/* The server acknowledged our SETTINGS_INITIAL_WINDOW_SIZE: streams created
 * under the old value move by the difference (§6.9.2). Windows are set when
 * a stream is created (queued ones included), so every stream moves. */
void h2_flow_local_initial_window(hyper_h2_session *s, uint32_t value)
{
    int64_t delta = (int64_t)value - (int64_t)s->local_window;
    for (size_t i = 0; i < s->nstreams; i++)
        s->streams[i]->recv_window += delta;
    s->local_window = value;
}

static H2_OUTLINE uint64_t threshold(const hyper_h2_session *s, uint32_t window)
{
    uint64_t t = (uint64_t)window * s->opts.window_update_percent / 100;
    return t ? t : 1;
}

static H2_OUTLINE int write_update(hyper_h2_session *s, uint32_t id, int64_t *window,
                        uint64_t *unacked)
{
    uint64_t inc = *unacked;
    if ((int64_t)inc > WINDOW_MAX - *window)
        inc = (uint64_t)(WINDOW_MAX - *window);
    if (inc == 0)
        return HYPER_OK;
    int rc = h2_out_u32(s, HYPER_FRAME_WINDOW_UPDATE, id, (uint32_t)inc);
    if (rc < 0)
        return rc;
    *window += (int64_t)inc;
    *unacked -= inc;
    return HYPER_OK;
}

/* Writes the WINDOW_UPDATEs the policy calls for; HYPER_EBUFFER when the
 * output is full (the rest waits for the next call). */
int h2_flow_write_updates(hyper_h2_session *s)
{
    if (s->recv_unacked >= threshold(s, s->opts.connection_window_size)) {
        int rc = write_update(s, 0, &s->recv_window, &s->recv_unacked);
        if (rc < 0)
            return rc;
    }
    uint64_t t = threshold(s, s->local_window);
    for (size_t i = 0; i < s->nstreams; i++) {
        h2_stream *st = s->streams[i];
        /* Only a stream the server still sends on needs credit. */
        if (st->recv_unacked < t || (st->state != HYPER_H2_STATE_OPEN &&
                                     st->state != HYPER_H2_STATE_HALF_CLOSED_LOCAL))
            continue;
        int rc = write_update(s, st->id, &st->recv_window, &st->recv_unacked);
        if (rc < 0)
            return rc;
    }
    return HYPER_OK;
}

int hyper_h2_consume(hyper_h2_session *s, int32_t id, size_t n)
{
    if (!s || id < 0 || n > s->recv_outstanding)
        return HYPER_EINVAL;
    h2_stream *st = id ? h2_stream_find(s, (uint32_t)id) : NULL;
    if (st && n > st->recv_outstanding)
        return HYPER_EINVAL;
    s->recv_outstanding -= n;
    s->recv_unacked += n;
    if (st) {
        st->recv_outstanding -= n;
        st->recv_unacked += n;
    }
    return HYPER_OK;
}

/* One of the four windows: ours or the peer's (send), of id (0: the
 * connection). */
static H2_OUTLINE int64_t window_get(const hyper_h2_session *s, int32_t id, int send)
{
    if (!s || id < 0)
        return HYPER_EINVAL;
    if (id == 0)
        return send ? s->send_window : s->recv_window;
    const h2_stream *st = h2_stream_find(s, (uint32_t)id);
    if (!st)
        return HYPER_ENOTFOUND;
    return send ? st->send_window : st->recv_window;
}

int64_t hyper_h2_send_window(const hyper_h2_session *s, int32_t id)
{
    return window_get(s, id, 1);
}

int64_t hyper_h2_recv_window(const hyper_h2_session *s, int32_t id)
{
    return window_get(s, id, 0);
}
