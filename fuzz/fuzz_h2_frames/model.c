/*
 * model.c — fuzz_h2_frames' model of the session: every event
 * the session yields is checked against what the client was told so far
 * about its stream (the invariants listed in ../fuzz_h2_frames.c).
 */
#include "harness.h"

int trace;

mstream *model_find(fuzz_state *f, int32_t id)
{
    for (size_t i = 0; i < f->nst; i++)
        if (f->st[i].id == id)
            return &f->st[i];
    return NULL;
}

mstream *model_add(fuzz_state *f, int32_t id, int head, int push)
{
    TRACE("  model: stream %d (push %d)\n", id, push);
    CHECK(model_find(f, id) == NULL); /* the session never reuses an id */
    if (f->nst == MAX_MODEL)
        return NULL;
    mstream *m = &f->st[f->nst++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->head = (uint8_t)head;
    m->push = (uint8_t)push;
    m->cl = -1;
    return m;
}

static int no_body(const mstream *m)
{
    return m->head || m->status == 204 || m->status == 304;
}

static int64_t parse_cl(const hyper_headers *h)
{
    const char *v;
    size_t n;
    if (hyper_headers_get(h, "content-length", 0, &v, &n) < 0 || n == 0 || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

/* ---- draining: events checked against the model, output taken ------------- */

void give_back(fuzz_state *f)
{
    for (size_t i = 0; i < f->nheld; i++)
        CHECK(hyper_h2_consume(f->s, f->held_id[i], f->held_flow[i]) == HYPER_OK);
    f->nheld = 0;
}

static void on_data(fuzz_state *f, mstream *m, const hyper_event *e)
{
    CHECK(m->phase == PH_HEAD);
    CHECK(e->len <= e->flow_len && e->flow_len <= f->o.max_frame_size);
    m->got += e->len;
    if (no_body(m))
        CHECK(m->got == 0);
    else if (m->cl >= 0)
        CHECK(m->got <= (uint64_t)m->cl);
    if (f->nheld == MAX_HELD)
        give_back(f);
    f->held_id[f->nheld] = e->stream_id;
    f->held_flow[f->nheld++] = e->flow_len;
    if (!f->slow)
        give_back(f);
}

static void on_stream_event(fuzz_state *f, const hyper_event *e)
{
    mstream *m = model_find(f, e->stream_id);
    CHECK(m != NULL && !m->gone);
    /* END is final for the response, but while our upload is still open a
     * RESET may still come for the stream (FINDINGS.md F2). */
    CHECK(m->phase < PH_END || (m->phase == PH_END && m->sending &&
                                e->type == HYPER_EVENT_RESET));
    hyper_h2_stream_state ss = hyper_h2_stream_state_get(f->s, e->stream_id);
    switch (e->type) {
    case HYPER_EVENT_INFORMATIONAL:
        CHECK(m->phase <= PH_INFO && e->status >= 100 && e->status <= 199 && e->headers);
        m->phase = PH_INFO;
        break;
    case HYPER_EVENT_HEADERS:
        CHECK(m->phase <= PH_INFO && e->status >= 200 && e->status <= 999 && e->headers);
        m->phase = PH_HEAD;
        m->status = e->status;
        m->cl = parse_cl(e->headers);
        break;
    case HYPER_EVENT_DATA:
        on_data(f, m, e);
        break;
    case HYPER_EVENT_TRAILERS:
        CHECK(m->phase == PH_HEAD && e->end_stream && e->headers);
        m->phase = PH_TRAILERS;
        break;
    case HYPER_EVENT_END:
        CHECK(m->phase == PH_HEAD || m->phase == PH_TRAILERS);
        if (!no_body(m) && m->cl >= 0)
            CHECK(m->got == (uint64_t)m->cl);
        CHECK(ss == HYPER_H2_STATE_HALF_CLOSED_REMOTE || ss == HYPER_H2_STATE_CLOSED);
        m->sending = ss == HYPER_H2_STATE_HALF_CLOSED_REMOTE;
        m->phase = PH_END;
        break;
    case HYPER_EVENT_RESET:
        CHECK(e->error < 0);
        CHECK(ss == HYPER_H2_STATE_CLOSED || ss == HYPER_H2_STATE_IDLE);
        m->phase = PH_RESET;
        break;
    default:
        CHECK(0);
    }
}

static void on_event(fuzz_state *f, const hyper_event *e)
{
    CHECK(!f->dead); /* ERROR is the last event */
    switch (e->type) {
    case HYPER_EVENT_SETTINGS:
    case HYPER_EVENT_SETTINGS_ACK:
    case HYPER_EVENT_PING_ACK:
    case HYPER_EVENT_GOAWAY:
        CHECK(e->stream_id == 0 && e->headers == NULL);
        return;
    case HYPER_EVENT_ERROR:
        CHECK(e->stream_id == 0 && e->error < 0);
        f->dead = 1;
        for (size_t i = 0; i < f->nst; i++) /* nothing pending dropped */
            CHECK(f->st[i].gone || f->st[i].phase >= PH_END);
        /* (a stream that ended while sending may get its RESET or not) */
        return;
    case HYPER_EVENT_PUSH_PROMISE: {
        CHECK(f->o.enable_push && e->headers);
        mstream *parent = model_find(f, e->stream_id);
        CHECK(parent && !parent->push && !parent->gone && parent->phase < PH_END);
        CHECK(e->promised_id > 0 && (e->promised_id & 1) == 0);
        mstream *m = model_add(f, e->promised_id, 0, 1);
        if (!m) { /* model full: the stream is refused, so it has no events */
            CHECK(hyper_h2_refuse_push(f->s, e->promised_id) == HYPER_OK);
            return;
        }
        if ((f->seed & 0x100) && hyper_h2_refuse_push(f->s, e->promised_id) == HYPER_OK)
            m->gone = 1;
        return;
    }
    case HYPER_EVENT_UPGRADE:
    case HYPER_EVENT_NONE:
        CHECK(0);
        return;
    default:
        on_stream_event(f, e);
    }
}

void drain(fuzz_state *f)
{
    hyper_event e;
    while (hyper_h2_next_event(f->s, &e)) {
        TRACE("  event %d stream %d status %d len %zu flow %zu end %d err %d code %u promised %d\n",
              (int)e.type, e.stream_id, e.status, e.len, e.flow_len, e.end_stream, e.error,
              e.error_code, e.promised_id);
        on_event(f, &e);
        hyper_headers_free(e.headers);
    }
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(f->s, &p)) > 0)
        CHECK(hyper_h2_sent(f->s, n) == HYPER_OK);
    CHECK(hyper_h2_recv_window(f->s, 0) >= 0);
    CHECK(hyper_h2_stream_count(f->s) <= f->o.max_streams + f->o.max_pushed_streams);
}

int feed(fuzz_state *f)
{
    const uint8_t *p = f->frame;
    size_t n = f->flen;
    f->flen = 0;
    while (n) {
        f->seed = f->seed * 1103515245u + 12345u;
        size_t piece = (f->seed & 0x30000) ? n : 1 + (f->seed >> 20) % 32;
        if (piece > n)
            piece = n;
        int stalls = 0;
        while (piece && stalls < 2) {
            long k = hyper_h2_recv(f->s, p, piece);
            if (k < 0) {
                drain(f);
                CHECK(f->dead && hyper_h2_recv(f->s, p, piece) == k);
                return 1;
            }
            CHECK((size_t)k <= piece);
            p += k, n -= (size_t)k, piece -= (size_t)k;
            stalls = k == 0 ? stalls + 1 : 0;
            drain(f);
            if (k == 0)
                give_back(f); /* a stalled slow reader catches up */
        }
        CHECK(piece == 0); /* progress while events and output are drained */
    }
    return 0;
}
