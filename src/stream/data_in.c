/*
 * data_in.c — DATA received (RFC 9113 §6.1) and the end of a response.
 *
 * Implementation notes:
 *  - E's reader gives DATA as chunks pointing into the input. The first
 *    chunk decides the frame's fate: the whole frame (padding included)
 *    counts against the connection window at once (§6.9.1), and, if the
 *    stream may receive it, against the stream window; otherwise every
 *    chunk is credited back to the connection at once, since the
 *    application will never see it.
 *  - A delivered chunk becomes a DATA event whose data points into the
 *    input; recv pauses after it so the caller pulls it before the input
 *    moves on.
 *  - content-length is checked as DATA arrives and at END_STREAM (§8.1.1);
 *    a response that has no content (HEAD, 204, 304) may carry no DATA
 *    octet at all.
 */
#include "stream/h2_internal.h"

static int data_begin(hyper_h2_session *s, const hyper_frame_hd *hd)
{
    int rc = h2_guard_empty(s, hd->length == 0 && !(hd->flags & HYPER_FRAME_FLAG_END_STREAM));
    if (rc < 0)
        return rc;
    if ((int64_t)hd->length > s->recv_window)
        return h2_fail(s, HYPER_EH2_FLOW_CONTROL);
    s->recv_window -= hd->length;
    s->data_id = hd->stream_id;
    s->data_deliver = 0;
    h2_stream *st = h2_stream_for(s, hd->stream_id, H2_IN_RECV_DATA, &rc);
    if (!st)
        return rc;
    /* §8.1: DATA only after the final response head. */
    if (st->resp != H2_RESP_FINAL)
        return h2_stream_error(s, st->id, HYPER_EH2_BAD_RESPONSE);
    if ((int64_t)hd->length > st->recv_window)
        return h2_stream_error(s, st->id, HYPER_EH2_FLOW_CONTROL);
    st->recv_window -= hd->length;
    s->data_deliver = 1;
    return HYPER_OK;
}

/* RFC 9110 §6.4.1: responses to HEAD, 204 and 304 have no content; their
 * content-length describes the representation, not DATA (§8.1.1), and any
 * DATA octet makes the response malformed. */
static int no_body_expected(const h2_stream *st)
{
    return st->head_request || st->status == 204 || st->status == 304;
}

int h2_data_chunk(hyper_h2_session *s, const hyper_frame_read_event *fev)
{
    if (fev->first) {
        int rc = data_begin(s, &fev->hd);
        if (rc < 0)
            return rc;
    }
    h2_stream *st = s->data_deliver ? h2_stream_find(s, s->data_id) : NULL;
    if (!st) {
        s->data_deliver = 0;
        h2_flow_autocredit(s, fev->flow_len);
        return HYPER_OK;
    }
    st->data_received += fev->len;
    int err = 0;
    if (no_body_expected(st) && st->data_received > 0)
        err = HYPER_EH2_BAD_RESPONSE;
    else if (!no_body_expected(st) && st->content_length >= 0 &&
             st->data_received > (uint64_t)st->content_length)
        err = HYPER_EH2_CONTENT_LENGTH;
    if (err) {
        s->data_deliver = 0;
        h2_flow_autocredit(s, fev->flow_len);
        return h2_stream_error(s, st->id, err);
    }
    if (fev->flow_len > 0) {
        h2_ev *e = h2_ev_push(s, HYPER_EVENT_DATA, st->id);
        if (e) {
            e->u.data = fev->data;
            e->len = (uint32_t)fev->len;
            e->flow_len = (uint32_t)fev->flow_len;
            e->end_stream = fev->end_stream;
        }
        s->recv_outstanding += fev->flow_len;
        st->recv_outstanding += fev->flow_len;
        s->pause = 1;
    }
    if (fev->end_stream)
        return h2_stream_end_recv(s, st);
    return HYPER_OK;
}

/* The server ended its side of st (END_STREAM on HEADERS or DATA). */
int h2_stream_end_recv(hyper_h2_session *s, h2_stream *st)
{
    if (st->content_length >= 0 && !no_body_expected(st) &&
        st->data_received != (uint64_t)st->content_length)
        return h2_stream_error(s, st->id, HYPER_EH2_CONTENT_LENGTH);
    st->resp = H2_RESP_DONE;
    h2_ev_push(s, HYPER_EVENT_END, st->id);
    s->rst_in_row = 0;
    (void)h2_stream_apply(s, st, H2_IN_RECV_END_STREAM);
    return HYPER_OK;
}
