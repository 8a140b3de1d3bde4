/*
 * header_block.c — header blocks received in HEADERS (or PUSH_PROMISE)
 * plus CONTINUATION frames (RFC 9113 §4.3, §6.2, §6.10), and what a
 * complete response head means for the stream (§8.1).
 *
 * Implementation notes:
 *  - One block at a time (s->hb). session.c refuses any frame but a
 *    CONTINUATION on the same stream while a block is open (§6.10).
 *  - Every fragment goes through the HPACK decoder even when the stream is
 *    gone or the block is malformed: the dynamic table is connection state
 *    (§4.3). "discard" blocks keep nothing.
 *  - Fields are validated as they come (response_check.c) and stored in a
 *    hyper_headers map that the HEADERS/INFORMATIONAL/TRAILERS/PUSH_PROMISE
 *    event hands to the application; its size is bounded by the decoder's
 *    max_header_list_size.
 *  - Placement (§8.1): zero or more 1xx heads (none with END_STREAM, no
 *    101), one final head, DATA, then optionally trailers, which must carry
 *    END_STREAM. Anything else is a stream error PROTOCOL_ERROR.
 */
#include <string.h>
#include "stream/h2_internal.h"

void h2_block_clear(hyper_h2_session *s)
{
    hyper_headers_free(s->hb.h);
    s->hb.h = NULL;
    s->hb.active = 0;
}

/* Counts consecutive frames that carry nothing (§10.5: a peer can keep us
 * busy with them at no cost to itself). */
int h2_guard_empty(hyper_h2_session *s, int empty)
{
    if (!empty) {
        s->empty_frames = 0;
        return HYPER_OK;
    }
    if (++s->empty_frames > s->opts.max_empty_frames)
        return h2_fail(s, HYPER_EH2_CALM);
    return HYPER_OK;
}

int h2_block_start(hyper_h2_session *s, uint32_t stream_id, uint32_t target_id,
                   int is_push, int discard)
{
    h2_block *b = &s->hb;
    h2_block_clear(s);
    /* Everything starts at 0 but the validation state's "not seen yet"
     * values (response_check.c). */
    *b = (h2_block){.active = 1, .is_push = (uint8_t)is_push, .discard = (uint8_t)discard,
                    .stream_id = stream_id, .target_id = target_id, .status = -1,
                    .content_length = -1};
    if (!is_push) {
        h2_stream *st = h2_stream_find(s, target_id);
        b->trailers = st && st->resp == H2_RESP_FINAL;
    }
    if (discard)
        return HYPER_OK;
    b->h = hyper_headers_new(s->user_mem);
    if (!b->h)
        return h2_stream_error(s, target_id, HYPER_ENOMEM);
    return HYPER_OK;
}

static int finish_response(hyper_h2_session *s, h2_stream *st)
{
    h2_block *b = &s->hb;
    int err = h2_check_finish(b);
    int status = b->status;
    if (!err && b->trailers && !b->end_stream)
        err = HYPER_EH2_BAD_RESPONSE; /* trailers must end the stream (§8.1) */
    if (!err && !b->trailers && status < 200 && (b->end_stream || status == 101))
        err = HYPER_EH2_BAD_RESPONSE; /* §8.1, §8.6: no 101, 1xx never ends */
    if (err)
        return h2_stream_error(s, st->id, err);
    hyper_event_type type = HYPER_EVENT_TRAILERS;
    if (!b->trailers)
        type = status < 200 ? HYPER_EVENT_INFORMATIONAL : HYPER_EVENT_HEADERS;
    h2_ev *e = h2_ev_push(s, type, st->id);
    if (!e)
        return h2_stream_error(s, st->id, HYPER_ELIMIT);
    e->u.headers = b->h;
    b->h = NULL;
    e->end_stream = b->end_stream;
    if (type != HYPER_EVENT_TRAILERS)
        e->status = (uint16_t)status;
    if (type == HYPER_EVENT_HEADERS) {
        st->resp = H2_RESP_FINAL;
        st->status = status;
        st->content_length = b->content_length;
    }
    if (b->end_stream)
        return h2_stream_end_recv(s, st);
    return HYPER_OK;
}

static int finish(hyper_h2_session *s)
{
    h2_block *b = &s->hb;
    b->active = 0;
    if (b->is_push)
        return h2_push_finish(s);
    h2_stream *st = b->discard ? NULL : h2_stream_find(s, b->target_id);
    int rc = st ? finish_response(s, st) : HYPER_OK;
    h2_block_clear(s);
    return rc;
}

/* Feeds one fragment to HPACK; final: END_HEADERS was set. */
int h2_block_feed(hyper_h2_session *s, const uint8_t *frag, size_t len, int final)
{
    h2_block *b = &s->hb;
    for (;;) {
        hyper_hpack_field f;
        size_t used = 0;
        int rc = hyper_hpack_decode(s->dec, frag, len, final, &f, &used);
        if (rc < 0)
            return h2_conn_error(s, rc, rc == HYPER_ENOMEM ? HYPER_H2_INTERNAL_ERROR
                                                           : HYPER_H2_COMPRESSION_ERROR);
        if (used) { /* frag may be NULL for an empty fragment */
            frag += used;
            len -= used;
        }
        if (rc == 0)
            break;
        if (b->discard || !h2_check_field(b, &f))
            continue;
        if (hyper_headers_add(b->h, f.name, f.name_len, f.value, f.value_len) < 0) {
            (void)h2_stream_error(s, b->target_id, HYPER_ENOMEM);
            hyper_headers_free(b->h);
            b->h = NULL;
            b->discard = 1;
        }
    }
    return final ? finish(s) : HYPER_OK;
}

int h2_block_headers(hyper_h2_session *s, const hyper_frame_hd *hd, const uint8_t *payload)
{
    hyper_frame_headers fh;
    int rc = hyper_frame_headers_decode(&fh, hd, payload);
    /* A bad HEADERS frame still carries HPACK state we cannot skip, so
     * every error here ends the connection (§5.4.1 allows that). */
    if (rc < 0)
        return h2_fail(s, rc);
    int end_headers = (hd->flags & HYPER_FRAME_FLAG_END_HEADERS) != 0;
    rc = h2_guard_empty(s, fh.len == 0 && !end_headers);
    if (rc < 0)
        return rc;
    /* A block for a stream that is not ours to receive on is decoded and
     * dropped, once the frame was answered as §5.1 asks. */
    h2_stream *st = h2_stream_for(s, hd->stream_id, H2_IN_RECV_HEADERS, &rc);
    if (rc < 0)
        return rc;
    if (st)
        (void)h2_stream_apply(s, st, H2_IN_RECV_HEADERS);
    rc = h2_block_start(s, hd->stream_id, hd->stream_id, 0, st == NULL);
    if (rc < 0)
        return rc;
    s->hb.end_stream = (hd->flags & HYPER_FRAME_FLAG_END_STREAM) != 0;
    return h2_block_feed(s, fh.fragment, fh.len, end_headers);
}

/* CONTINUATION, decoded (session.c). */
int h2_block_continuation(hyper_h2_session *s, hyper_frame *f, int rc)
{
    const hyper_frame_hd *hd = &f->hd;
    const hyper_frame_continuation *fc = &f->u.continuation;
    if (!s->hb.active)
        return h2_fail(s, HYPER_EH2_CONTINUATION);
    if (++s->hb.continuations > s->opts.max_continuations)
        return h2_fail(s, HYPER_EH2_CALM);
    int end_headers = (hd->flags & HYPER_FRAME_FLAG_END_HEADERS) != 0;
    rc = h2_guard_empty(s, fc->len == 0 && !end_headers);
    if (rc < 0)
        return rc;
    return h2_block_feed(s, fc->fragment, fc->len, end_headers);
}
