/*
 * conn_push.c — server push (RFC 9113 §8.4), PING (§6.7) and the GOAWAY
 * received (§6.8) on the connection object.
 *
 * Implementation notes: a PUSH_PROMISE becomes a record of its own (id =
 * promised stream id + the link's offset, even), linked to the id of the
 * request it was promised on; the pushed response fills it like any other
 * and hyper_get_response collects it. Unclaimed pushes hold at most one
 * stream window each, and the engine bounds how many are alive.
 */
#include "conn/conn.h"

#include <string.h>

static hyper_response *find_push(const hyper_conn *c, int32_t id)
{
    for (hyper_response *r = c->recs; r; r = r->next)
        if (r->is_push && r->id == id && !r->collected)
            return r;
    return NULL;
}

int32_t hyper_conn_next_push(hyper_conn *c, int32_t id)
{
    if (!c)
        return HYPER_EINVAL;
    if (c->cur && c->cur->proto == CONN_H1)
        return conn_fail(c, HYPER_ECONN_UNSUPPORTED);
    for (hyper_response *r = c->recs; r; r = r->next) {
        if (r->is_push && r->parent_id == id && !r->push_listed && !r->collected) {
            r->push_listed = 1;
            return r->id;
        }
    }
    return 0;
}

const hyper_headers *hyper_conn_push_request(const hyper_conn *c, int32_t promised_id)
{
    if (!c)
        return NULL;
    hyper_response *r = find_push(c, promised_id);
    return r ? r->promise : NULL;
}

int hyper_conn_push_cancel(hyper_conn *c, int32_t promised_id)
{
    if (!c)
        return HYPER_EINVAL;
    hyper_response *r = find_push(c, promised_id);
    if (!r)
        return conn_fail(c, HYPER_ENOTFOUND);
    conn_link *l = r->link;
    if (l && l->proto == CONN_H2 && !l->err &&
        (r->state == REC_SENT || r->state == REC_HEAD)) {
        if (hyper_h2_refuse_push(l->h2, r->wire_id) != HYPER_OK)
            hyper_h2_reset_stream(l->h2, r->wire_id, HYPER_H2_CANCEL);
    }
    conn_rec_unlink(c, r);
    conn_rec_free(r);
    if (l && !l->err)
        conn_flush(c, l);
    conn_link_gc(c);
    return HYPER_OK;
}

int hyper_conn_ping(hyper_conn *c, uint64_t *rtt_us)
{
    int e;
    if (!c)
        return HYPER_EINVAL;
    conn_link *l = conn_current(c, &e);
    if (!l)
        return conn_fail(c, e);
    if (l->proto != CONN_H2)
        return conn_fail(c, HYPER_ECONN_UNSUPPORTED);
    int64_t t0 = conn_now_us();
    for (int i = 0; i < 8; i++)
        l->ping_opaque[i] = (uint8_t)((uint64_t)t0 >> (8 * i));
    l->ping_acked = 0;
    e = hyper_h2_ping(l->h2, l->ping_opaque);
    if (e != HYPER_OK)
        return conn_fail(c, e);
    /* Pumping may kick the queue onto a new link: pin this one. */
    l->pinned++;
    while (!l->ping_acked && e == HYPER_OK) {
        e = conn_pump(c, l, c->opts.read_timeout_ms);
        if (e == HYPER_OK && l->err)
            e = l->err;
    }
    int64_t t1 = conn_now_us();
    l->pinned--;
    conn_link_gc(c);
    if (e != HYPER_OK)
        return conn_fail(c, e);
    if (rtt_us)
        *rtt_us = (uint64_t)(t1 - t0);
    return HYPER_OK;
}

int hyper_conn_goaway_received(const hyper_conn *c, int32_t *last_stream_id,
                               uint32_t *error_code)
{
    const conn_link *l = c ? c->cur : NULL;
    if (!l || l->proto != CONN_H2 || !l->goaway_received)
        return 0;
    if (last_stream_id) {
        /* In request ids (stream id + the link's offset), saturating:
         * 2^31-1 (a graceful shutdown notice) stays 2^31-1. */
        int64_t v = (int64_t)l->goaway_last_id + l->id_offset;
        *last_stream_id = v > 0x7fffffff ? 0x7fffffff : (int32_t)v;
    }
    if (error_code)
        *error_code = l->goaway_code;
    return 1;
}
