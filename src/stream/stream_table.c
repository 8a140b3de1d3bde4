/*
 * stream_table.c — live streams and the memory of closed ones.
 *
 * Live streams sit in an array sorted by id (our ids are handed out in
 * increasing order, promised ids must increase too, so inserts are nearly
 * always appends); lookups are binary searches. The array is bounded by
 * max_streams + max_pushed_streams.
 *
 * A closed stream is freed at once; a ring of the last max_closed_streams
 * (id, how it closed) pairs remains so that late frames get the answer
 * RFC 9113 §5.1 asks for. An id at or below the highest one used but no
 * longer remembered is "closed, reason unknown" (H2_CLOSED_UNKNOWN); an id
 * above is idle (never opened).
 *
 * Streams ended wholesale (connection error, GOAWAY either way) leave the
 * table at once like closed ones, but their struct waits on the doomed
 * list (FIFO, linked through next_doomed) until next_event hands out
 * their RESET: no memory is taken or reserved for those events.
 */
#include <string.h>
#include "stream/h2_internal.h"

#ifdef __OPTIMIZE_SIZE__
void *h2_alloc(hyper_h2_session *s, size_t n)
{
    return hyper_mem_alloc(&s->mem, n);
}

void h2_free(hyper_h2_session *s, void *p, size_t n)
{
    hyper_mem_free(&s->mem, p, n);
}
#endif

static size_t lower_bound(const hyper_h2_session *s, uint32_t id)
{
    h2_stream *const *v = s->streams; /* in a register: gcc reloads s->streams */
    size_t lo = 0, hi = s->nstreams;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

h2_stream *h2_stream_find(const hyper_h2_session *s, uint32_t id)
{
    size_t i = lower_bound(s, id);
    return i < s->nstreams && s->streams[i]->id == id ? s->streams[i] : NULL;
}

/* Creates an idle stream with this id (not yet in the table twice: the
 * caller checked), its windows as the settings in force say. HYPER_ENOMEM
 * leaves nothing behind. */
int h2_stream_new(hyper_h2_session *s, uint32_t id, h2_stream **out)
{
    if (s->nstreams == s->streams_cap) {
        size_t cap = s->streams_cap ? s->streams_cap * 2 : 8;
        h2_stream **n = hyper_mem_realloc(&s->mem, s->streams,
                                          s->streams_cap * sizeof *n, cap * sizeof *n);
        if (!n)
            return HYPER_ENOMEM;
        s->streams = n;
        s->streams_cap = cap;
    }
    h2_stream *st = h2_alloc(s, sizeof *st);
    if (!st)
        return HYPER_ENOMEM;
    memset(st, 0, sizeof *st);
    st->id = id;
    st->state = HYPER_H2_STATE_IDLE;
    st->content_length = -1;
    st->send_window = s->peer.initial_window_size;
    st->recv_window = s->local_window;
    size_t i = lower_bound(s, id);
    memmove(&s->streams[i + 1], &s->streams[i], (s->nstreams - i) * sizeof *s->streams);
    s->streams[i] = st;
    s->nstreams++;
    *out = st;
    return HYPER_OK;
}

void h2_closed_remember(hyper_h2_session *s, uint32_t id, enum h2_closed_how how)
{
    size_t cap = s->opts.max_closed_streams;
    if (cap == 0)
        return;
    size_t i = (s->closed_head + s->closed_len) % cap;
    /* Full: the slot is the oldest entry's, which goes. */
    if (s->closed_len == cap)
        s->closed_head = (uint32_t)((i + 1) % cap);
    else
        s->closed_len++;
    s->closed[i] = (h2_closed){id, (uint8_t)how};
}

/* Frees what st owns: its request fields and send queue. Only the struct
 * itself is used after this (freed, or doomed: the RESET's members). */
static inline void free_parts(hyper_h2_session *s, h2_stream *st)
{
    h2_free(s, st->fields, st->fields_alloc);
    h2_free(s, st->sendq, s->opts.stream_send_buffer);
}

static inline void stream_free(hyper_h2_session *s, h2_stream *st)
{
    free_parts(s, st);
    h2_free(s, st, sizeof *st);
}

/* Removes st from the table and remembers how it closed (unless it never
 * left idle: a dropped queued request was never seen by the server). */
static void unlink_stream(hyper_h2_session *s, h2_stream *st, enum h2_closed_how how)
{
    size_t i = lower_bound(s, st->id);
    if (i < s->nstreams && s->streams[i] == st) {
        memmove(&s->streams[i], &s->streams[i + 1],
                (s->nstreams - i - 1) * sizeof *s->streams);
        s->nstreams--;
    }
    if (st->is_push) {
        s->n_push--;
    } else {
        s->n_local--;
        if (h2_state_is_active(st->state))
            s->n_active--;
    }
    if (!st->queued)
        h2_closed_remember(s, st->id, how);
    if (s->rr > s->nstreams)
        s->rr = 0;
}

/* Removes st from the table, remembers how it closed, frees it. */
void h2_stream_destroy(hyper_h2_session *s, h2_stream *st, enum h2_closed_how how)
{
    unlink_stream(s, st, how);
    stream_free(s, st);
}

/*
 * Ends st as part of a connection error or a GOAWAY: it leaves the table
 * at once (closed as `how` says) and keeps only its struct, on the doomed
 * list, until next_event hands out its RESET (err, code). Its request
 * fields and send queue are freed now; no memory is taken.
 */
void h2_stream_doom(hyper_h2_session *s, h2_stream *st, enum h2_closed_how how, int err,
                    uint32_t code)
{
    unlink_stream(s, st, how);
    free_parts(s, st);
    st->reset_err = err;
    st->reset_code = code;
    st->next_doomed = NULL;
    if (s->doomed_tail)
        s->doomed_tail->next_doomed = st;
    else
        s->doomed_head = st;
    s->doomed_tail = st;
}

/* Dooms, lowest id first, our streams the server will never process:
 * queued ones and those above last_id (pushed streams are not ours). */
void h2_doom_unsent(hyper_h2_session *s, uint32_t last_id, enum h2_closed_how how, int err,
                    uint32_t code)
{
    for (size_t i = 0; i < s->nstreams;) {
        h2_stream *st = s->streams[i];
        if (st->is_push || (st->id <= last_id && !st->queued))
            i++;
        else
            h2_stream_doom(s, st, how, err, code);
    }
}

/* The oldest doomed stream, taken off the list (the caller frees it). */
h2_stream *h2_doomed_pop(hyper_h2_session *s)
{
    h2_stream *st = s->doomed_head;
    if (st) {
        s->doomed_head = st->next_doomed;
        if (!s->doomed_head)
            s->doomed_tail = NULL;
    }
    return st;
}

void h2_doomed_free_all(hyper_h2_session *s)
{
    h2_stream *st;
    while ((st = h2_doomed_pop(s)) != NULL)
        h2_free(s, st, sizeof *st);
}

/* How a no-longer-live stream closed: enum h2_closed_how, or -1 if the id
 * was never used (idle). */
int h2_closed_lookup(const hyper_h2_session *s, uint32_t id)
{
    size_t cap = s->opts.max_closed_streams;
    for (size_t i = s->closed_len; i-- > 0;) {
        const h2_closed *c = &s->closed[(s->closed_head + i) % cap];
        if (c->id == id)
            return c->how;
    }
    return h2_id_was_used(s, id) ? H2_CLOSED_UNKNOWN : -1;
}

/* 1 if id left the idle state at some point (opened by us, or promised);
 * ids below an opened one are closed too (§5.1.1: opening a stream closes
 * every idle stream with a lower id). */
int h2_id_was_used(const hyper_h2_session *s, uint32_t id)
{
    if (id == 0)
        return 0;
    return (id & 1) ? id <= s->highest_opened : id <= s->highest_promised;
}

/* Frees every stream and the table. Called by hyper_h2_session_free and
 * by h2_conn_error once every stream left through unlink_stream, so the
 * count and the per-kind counts are 0 whenever anything reads them again. */
void h2_streams_free_all(hyper_h2_session *s)
{
    for (size_t i = 0; i < s->nstreams; i++)
        stream_free(s, s->streams[i]);
    h2_free(s, s->streams, s->streams_cap * sizeof *s->streams);
    s->streams = NULL;
    s->streams_cap = 0;
}
