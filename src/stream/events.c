/*
 * events.c — the session's event queue: a ring of hyper_event records.
 *
 * Capacity invariant: ev_cap >= max_events + live streams + H2_EV_SLACK,
 * restored by h2_ev_reserve before a stream is added (where failing is
 * allowed). recv handles a frame only while fewer than max_events events
 * wait, one frame adds at most H2_EV_SLACK events plus one RESET per live
 * stream, so h2_ev_push never needs to allocate and never fails.
 */
#include <string.h>
#include "stream/h2_internal.h"

int h2_ev_reserve(hyper_h2_session *s, size_t extra_streams)
{
    size_t need = (size_t)s->opts.max_events + s->nstreams + extra_streams + H2_EV_SLACK;
    if (s->ev_cap >= need)
        return HYPER_OK;
    size_t cap = s->ev_cap ? s->ev_cap : 16;
    while (cap < need)
        cap *= 2;
    hyper_event *n = hyper_mem_alloc(&s->mem, cap * sizeof *n);
    if (!n)
        return HYPER_ENOMEM;
    /* Unroll the ring into the new array. */
    for (size_t i = 0; i < s->ev_len; i++)
        n[i] = s->ev[(s->ev_head + i) % s->ev_cap];
    hyper_mem_free(&s->mem, s->ev, s->ev_cap * sizeof *s->ev);
    s->ev = n;
    s->ev_cap = cap;
    s->ev_head = 0;
    return HYPER_OK;
}

hyper_event *h2_ev_push(hyper_h2_session *s, hyper_event_type type, uint32_t id)
{
    /* The invariant above makes this unreachable; stay safe regardless. */
    if (s->ev_len >= s->ev_cap)
        return NULL;
    hyper_event *e = &s->ev[(s->ev_head + s->ev_len) % s->ev_cap];
    s->ev_len++;
    memset(e, 0, sizeof *e);
    e->type = type;
    e->stream_id = (int32_t)id;
    return e;
}

void h2_ev_reset(hyper_h2_session *s, uint32_t id, int err, uint32_t code)
{
    hyper_event *e = h2_ev_push(s, HYPER_EVENT_RESET, id);
    if (e) {
        e->error = err;
        e->error_code = code;
    }
}

int hyper_h2_next_event(hyper_h2_session *s, hyper_event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (!s || s->ev_len == 0)
        return 0;
    *ev = s->ev[s->ev_head];
    s->ev_head = (s->ev_head + 1) % s->ev_cap;
    s->ev_len--;
    return 1;
}

void h2_ev_free_all(hyper_h2_session *s)
{
    for (size_t i = 0; i < s->ev_len; i++)
        hyper_headers_free(s->ev[(s->ev_head + i) % s->ev_cap].headers);
    hyper_mem_free(&s->mem, s->ev, s->ev_cap * sizeof *s->ev);
    s->ev = NULL;
    s->ev_cap = s->ev_len = s->ev_head = 0;
}
