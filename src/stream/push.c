/*
 * push.c — server push as a client sees it (RFC 9113 §6.6, §8.4).
 *
 * A PUSH_PROMISE on one of our open (or half-closed (local)) streams
 * reserves an even stream id: it enters reserved (remote), its header block
 * (the promised request) is checked and handed to the application in a
 * PUSH_PROMISE event, and the pushed response then arrives on that stream
 * like any response. Refused promises (push off before the server saw our
 * SETTINGS, too many pushes alive, our GOAWAY sent, no memory, or the
 * associated stream reset by us) get RST_STREAM REFUSED_STREAM; the
 * block is still decoded for HPACK's sake. With push disabled and
 * acknowledged, a PUSH_PROMISE is a connection error PROTOCOL_ERROR (§8.4).
 *
 * HYPER_CONFIG_NO_PUSH (hyper_config.h) keeps only what a client with push
 * disabled needs: the checks, the refusal (a promise that crosses our
 * SETTINGS) with its block decoded for HPACK, and the connection error;
 * accepting a promise and its event are compiled out.
 */
#include "stream/h2_internal.h"

/* Where the promise may come from: 1 to refuse it quietly, 0 to consider
 * it, negative after a connection error. */
static int check_associated(hyper_h2_session *s, uint32_t id)
{
    h2_stream *st = h2_stream_find(s, id);
    if (st) {
        if (st->is_push || (st->state != HYPER_H2_STATE_OPEN &&
                            st->state != HYPER_H2_STATE_HALF_CLOSED_LOCAL))
            return h2_fail(s, HYPER_EH2_PROTOCOL);
        return 0;
    }
    /* §6.6: promises sent before our RST_STREAM arrived must be handled. */
    if (h2_closed_lookup(s, id) == H2_CLOSED_SENT_RST)
        return 1;
    return h2_fail(s, HYPER_EH2_PROTOCOL);
}

#ifndef HYPER_CONFIG_NO_PUSH
static int accept_push(hyper_h2_session *s, uint32_t id)
{
    uint32_t limit = s->opts.max_pushed_streams;
    if (s->opts.max_concurrent_streams < limit)
        limit = s->opts.max_concurrent_streams;
    if (!s->opts.enable_push || s->goaway_sent || s->n_push >= limit)
        return 0;
    h2_stream *ps;
    if (h2_stream_new(s, id, &ps) < 0)
        return 0;
    ps->is_push = 1;
    s->n_push++;
    (void)h2_stream_apply(s, ps, H2_IN_RECV_PUSH_PROMISE);
    return 1;
}
#else
static int accept_push(hyper_h2_session *s, uint32_t id)
{
    (void)s;
    (void)id;
    return 0; /* enable_push is always 0 (hyper_h2_session_init checks) */
}
#endif

/* PUSH_PROMISE, decoded (session.c). */
int h2_push_promise(hyper_h2_session *s, hyper_frame *f, int rc)
{
    const hyper_frame_hd *hd = &f->hd;
    const hyper_frame_push_promise *pp = &f->u.push_promise;
    if (!s->opts.enable_push && s->local_acked)
        return h2_fail(s, HYPER_EH2_PUSH_DISABLED);
    int refuse = check_associated(s, hd->stream_id);
    if (refuse < 0)
        return refuse;
    uint32_t id = pp->promised_id;
    /* §5.1.1: a new server stream id is even and above every earlier one. */
    if ((id & 1) || id <= s->highest_promised)
        return h2_fail(s, HYPER_EH2_BAD_PUSH);
    s->highest_promised = id;
    if (!refuse && !accept_push(s, id))
        refuse = 1;
    if (refuse) {
        (void)h2_out_rst(s, id, HYPER_H2_REFUSED_STREAM);
        h2_closed_remember(s, id, H2_CLOSED_SENT_RST);
    }
    rc = h2_block_start(s, hd->stream_id, id, 1, refuse);
    if (rc < 0)
        return rc;
    return h2_block_feed(s, pp->fragment, pp->len,
                         (hd->flags & HYPER_FRAME_FLAG_END_HEADERS) != 0);
}

/* The promised request is complete (END_HEADERS). */
#ifndef HYPER_CONFIG_NO_PUSH
int h2_push_finish(hyper_h2_session *s)
{
    h2_block *b = &s->hb;
    h2_stream *ps = b->discard ? NULL : h2_stream_find(s, b->target_id);
    if (ps && h2_check_finish(b) < 0) {
        /* §8.4: stream error PROTOCOL_ERROR on the promised stream. The
         * application never heard of it, so no event. */
        (void)h2_out_rst(s, ps->id, HYPER_H2_PROTOCOL_ERROR);
        (void)h2_stream_apply(s, ps, H2_IN_SEND_RST);
    } else if (ps) {
        h2_ev *e = h2_ev_push(s, HYPER_EVENT_PUSH_PROMISE, b->stream_id);
        if (e) {
            e->arg = (int32_t)ps->id;
            e->u.headers = b->h;
            b->h = NULL;
        }
    }
    h2_block_clear(s);
    return HYPER_OK;
}

int hyper_h2_refuse_push(hyper_h2_session *s, int32_t promised_id)
{
    if (!s || promised_id <= 0)
        return HYPER_ENOTFOUND;
    h2_stream *ps = h2_stream_find(s, (uint32_t)promised_id);
    if (!ps || !ps->is_push)
        return HYPER_ENOTFOUND;
    return hyper_h2_reset_stream(s, promised_id, HYPER_H2_CANCEL);
}
#else
int h2_push_finish(hyper_h2_session *s)
{
    h2_block_clear(s); /* every promise was refused: a discarded block */
    return HYPER_OK;
}

int hyper_h2_refuse_push(hyper_h2_session *s, int32_t promised_id)
{
    (void)s;
    (void)promised_id;
    return HYPER_ENOTFOUND;
}
#endif
