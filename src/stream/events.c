/*
 * events.c — the session's event queue.
 *
 * Implementation notes:
 *  - A ring of compact h2_ev records (32 octets on 64-bit, against ~150
 *    for a hyper_event), expanded into the caller's hyper_event by
 *    hyper_h2_next_event. Its capacity, max_events + H2_EV_SLACK, is
 *    allocated once at init: recv handles a frame only while fewer than
 *    max_events events wait, and one frame adds at most H2_EV_SLACK
 *    records, so h2_ev_push never allocates and never fails.
 *  - Nothing is reserved per stream. A connection error or a GOAWAY (ours
 *    or the server's) that ends many streams at once moves them to the
 *    doomed list (stream_table.c) instead of queueing one RESET each;
 *    next_event gives, once the ring is empty: every doomed stream's RESET
 *    (freeing the stream), then the connection's ERROR event. The ring's
 *    earlier events come first, so each stream still sees its events in
 *    order and ends with its RESET.
 */
#include <stddef.h>
#include <string.h>
#include "stream/h2_internal.h"

_Static_assert(sizeof(h2_ev) <= 32, "an event record grew: the ring is per connection");

int h2_ev_init(hyper_h2_session *s)
{
    size_t cap = (size_t)s->opts.max_events + H2_EV_SLACK;
    if (cap > SIZE_MAX / sizeof(h2_ev))
        return HYPER_ENOMEM;
    s->ev = h2_alloc(s, cap * sizeof *s->ev);
    if (!s->ev)
        return HYPER_ENOMEM;
    s->ev_cap = cap;
    return HYPER_OK;
}

h2_ev *h2_ev_push(hyper_h2_session *s, hyper_event_type type, uint32_t id)
{
    /* The bound above makes this unreachable; stay safe regardless. */
    if (s->ev_len >= s->ev_cap)
        return NULL;
    h2_ev *e = &s->ev[(s->ev_head + s->ev_len) % s->ev_cap];
    s->ev_len++;
    memset(e, 0, sizeof *e);
    e->type = (uint8_t)type;
    e->stream_id = (int32_t)id;
    return e;
}

void h2_ev_reset(hyper_h2_session *s, uint32_t id, int err, uint32_t code)
{
    h2_ev *e = h2_ev_push(s, HYPER_EVENT_RESET, id);
    if (e) {
        e->arg = err;
        e->error_code = code;
    }
}

/* Event types whose record owns a header map (u.headers). */
#define WITH_HEADERS                                                                       \
    (1u << HYPER_EVENT_HEADERS | 1u << HYPER_EVENT_INFORMATIONAL | 1u << HYPER_EVENT_TRAILERS | \
     1u << HYPER_EVENT_PUSH_PROMISE)

/* Where a record's shared members go in the hyper_event, by type: arg is
 * the error, promised_id or last_stream_id, u the headers, data or opaque
 * octets. A type that uses neither holds 0 in both (h2_ev_push) and writes
 * that 0 into a member that is 0 anyway. Two table lookups instead of a
 * switch: smaller, and no branch. */
#define AT(m) (uint8_t) offsetof(hyper_event, m)
_Static_assert(offsetof(hyper_event, opaque) < 256 && offsetof(hyper_event, last_stream_id) < 256,
               "offsets fit the tables");
static const uint8_t arg_at[HYPER_EVENT_ERROR + 1] = {
    [HYPER_EVENT_NONE] = AT(error),       [HYPER_EVENT_HEADERS] = AT(error),
    [HYPER_EVENT_INFORMATIONAL] = AT(error), [HYPER_EVENT_DATA] = AT(error),
    [HYPER_EVENT_TRAILERS] = AT(error),   [HYPER_EVENT_END] = AT(error),
    [HYPER_EVENT_RESET] = AT(error),      [HYPER_EVENT_PUSH_PROMISE] = AT(promised_id),
    [HYPER_EVENT_SETTINGS] = AT(error),   [HYPER_EVENT_SETTINGS_ACK] = AT(error),
    [HYPER_EVENT_PING_ACK] = AT(error),   [HYPER_EVENT_GOAWAY] = AT(last_stream_id),
    [HYPER_EVENT_ERROR] = AT(error)};
static const uint8_t u_at[HYPER_EVENT_ERROR + 1] = {
    [HYPER_EVENT_NONE] = AT(headers),     [HYPER_EVENT_HEADERS] = AT(headers),
    [HYPER_EVENT_INFORMATIONAL] = AT(headers), [HYPER_EVENT_DATA] = AT(data),
    [HYPER_EVENT_TRAILERS] = AT(headers), [HYPER_EVENT_END] = AT(headers),
    [HYPER_EVENT_RESET] = AT(headers),    [HYPER_EVENT_PUSH_PROMISE] = AT(headers),
    [HYPER_EVENT_SETTINGS] = AT(headers), [HYPER_EVENT_SETTINGS_ACK] = AT(headers),
    [HYPER_EVENT_PING_ACK] = AT(opaque),  [HYPER_EVENT_GOAWAY] = AT(data),
    [HYPER_EVENT_ERROR] = AT(headers)};

static void expand(const h2_ev *e, hyper_event *ev)
{
    memcpy((char *)ev + arg_at[e->type], &e->arg, sizeof e->arg);
    memcpy((char *)ev + u_at[e->type], &e->u, sizeof e->u);
    ev->type = (hyper_event_type)e->type;
    ev->stream_id = e->stream_id;
    ev->status = e->status;
    ev->end_stream = e->end_stream;
    ev->error_code = e->error_code;
    ev->len = e->len;           /* 0 but for DATA and GOAWAY */
    ev->flow_len = e->flow_len; /* 0 but for DATA */
}

int hyper_h2_next_event(hyper_h2_session *s, hyper_event *ev)
{
    memset(ev, 0, sizeof *ev);
    if (!s)
        return 0;
    if (s->ev_len) {
        expand(&s->ev[s->ev_head], ev);
        s->ev_head = (s->ev_head + 1) % s->ev_cap;
        s->ev_len--;
        return 1;
    }
    h2_stream *st = h2_doomed_pop(s);
    if (st) {
        ev->type = HYPER_EVENT_RESET;
        ev->stream_id = (int32_t)st->id;
        ev->error = st->reset_err;
        ev->error_code = st->reset_code;
        h2_free(s, st, sizeof *st);
        return 1;
    }
    if (s->err && !s->err_reported) {
        s->err_reported = 1;
        ev->type = HYPER_EVENT_ERROR;
        ev->error = s->err;
        ev->error_code = s->err_code;
        return 1;
    }
    return 0;
}

/* Frees the queue and the doomed streams: only hyper_h2_session_free
 * calls this, so the emptied ring is not reset. */
void h2_ev_free_all(hyper_h2_session *s)
{
    for (size_t i = 0; i < s->ev_len; i++) {
        const h2_ev *e = &s->ev[(s->ev_head + i) % s->ev_cap];
        if ((1u << e->type) & WITH_HEADERS)
            hyper_headers_free(e->u.headers);
    }
    h2_free(s, s->ev, s->ev_cap * sizeof *s->ev);
    h2_doomed_free_all(s);
}
