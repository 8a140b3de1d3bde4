/*
 * session.c — the HTTP/2 client session: life cycle, the receive loop and
 * the frame dispatch, connection and stream errors (RFC 9113 §5.4).
 *
 * Implementation notes:
 *  - hyper_h2_recv runs E's incremental reader over the input; every frame
 *    (or DATA chunk) goes to one handler. Before each reader step the loop
 *    checks the two bounds that make memory independent of the server:
 *    fewer than max_events events waiting, H2_OUT_RESERVE free output
 *    octets. If either fails, recv returns early (backpressure).
 *  - Handlers return a negative value only through h2_conn_error, which
 *    makes the error sticky; after it no stream pointer is valid.
 *  - A connection error writes GOAWAY with the RFC code and the error's
 *    name as debug data (§5.4.1), gives a RESET to every live stream and an
 *    ERROR event, and frees every stream: nothing pending is dropped
 *    silently.
 */
#include <string.h>
#define H2_DEFINE_STREAM_FOR /* its one copy under -Os */
#include "stream/h2_internal.h"

/* HYPER_CONFIG_NO_PUSH builds cannot accept pushes (hyper_config.h). */
static int push_allowed(const hyper_h2_options *o)
{
#ifdef HYPER_CONFIG_NO_PUSH
    return o->enable_push == 0;
#else
    (void)o;
    return 1;
#endif
}

static int options_valid(const hyper_h2_options *o)
{
    /* A zero stream window would stall every response body for good: we
     * only return credit for DATA the application consumed. */
    return o->initial_window_size >= 1 && o->initial_window_size <= HYPER_FRAME_WINDOW_MAX &&
           o->connection_window_size >= HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE &&
           o->connection_window_size <= HYPER_FRAME_WINDOW_MAX &&
           o->max_frame_size >= HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE &&
           o->max_frame_size <= HYPER_FRAME_MAX_FRAME_SIZE_LIMIT &&
           o->max_header_list_size > 0 && o->window_update_percent >= 1 &&
           o->window_update_percent <= 100 && o->max_queued_acks >= 1 &&
           o->max_events >= 1 && o->max_streams >= 1 && o->max_streams <= 1u << 24 &&
           o->max_pushed_streams <= 1u << 16 && o->max_closed_streams <= 1u << 16 &&
           o->output_buffer_size >= 4096 && o->stream_send_buffer >= 1 &&
           push_allowed(o);
}

/* What a session holds for its whole life. The reader's assembly buffer,
 * the output buffer and the HPACK encoder come and go (h2_internal.h). */
static int alloc_parts(hyper_h2_session *s)
{
    const hyper_h2_options *o = &s->opts;
    s->acks = h2_alloc(s, o->max_queued_acks * sizeof *s->acks);
    /* (no allocation, and NULL, for a size of 0) */
    s->closed = h2_alloc(s, o->max_closed_streams * sizeof *s->closed);
    if (!s->acks || (o->max_closed_streams && !s->closed) || h2_ev_init(s) < 0)
        return HYPER_ENOMEM;
    /* Before our SETTINGS are acknowledged the server may use the default
     * 4096-octet table (§6.5.3); a larger setting of ours is fine at once. */
    hyper_hpack_decoder_opts dopts = {0};
    dopts.max_table_size = o->header_table_size > HYPER_FRAME_DEFAULT_HEADER_TABLE_SIZE
                               ? o->header_table_size
                               : HYPER_FRAME_DEFAULT_HEADER_TABLE_SIZE;
    dopts.max_header_list_size = o->max_header_list_size;
    int rc = hyper_hpack_decoder_init(&s->dec, &s->mem, &dopts);
    if (rc < 0)
        return rc;
    rc = hyper_frame_reader_init(&s->reader, o->max_frame_size, NULL, 0);
    if (rc < 0)
        return rc;
    hyper_frame_reader_buffer_on_demand(&s->reader, 1);
    return h2_out_ready(s); /* for the preface */
}

int hyper_h2_session_init(hyper_h2_session **out, const hyper_mem *mem,
                          const hyper_h2_options *opts)
{
    hyper_h2_options defaults;
    if (!out)
        return HYPER_EINVAL;
    *out = NULL;
    if (!opts) {
        hyper_h2_options_init(&defaults);
        opts = &defaults;
    }
    if (!options_valid(opts))
        return HYPER_EINVAL;
    mem = hyper_mem_pick(mem);
    hyper_h2_session *s = hyper_mem_zalloc(mem, sizeof *s);
    if (!s)
        return HYPER_ENOMEM;
    s->mem = *mem;
    s->user_mem = mem;
    s->opts = *opts;
    s->peer = (hyper_h2_settings){HYPER_FRAME_DEFAULT_HEADER_TABLE_SIZE, 1, UINT32_MAX,
                                  HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE,
                                  HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE, UINT32_MAX};
    s->local_window = HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE;
    s->send_window = HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE;
    s->recv_window = HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE;
    s->next_id = 1;
    s->peer_table_low = HYPER_FRAME_DEFAULT_HEADER_TABLE_SIZE;
    int rc = alloc_parts(s);
    if (rc == HYPER_OK)
        rc = h2_settings_write_ours(s);
    if (rc < 0) {
        hyper_h2_session_free(s);
        return rc;
    }
    *out = s;
    return HYPER_OK;
}

void hyper_h2_session_free(hyper_h2_session *s)
{
    if (!s)
        return;
    const hyper_h2_options *o = &s->opts;
    h2_block_clear(s);
    h2_ev_free_all(s);
    h2_streams_free_all(s);
    hyper_hpack_decoder_free(s->dec);
    hyper_hpack_encoder_free(s->enc);
    h2_free(s, s->rbuf, s->rbuf_cap);
    h2_free(s, s->out, o->output_buffer_size);
    h2_free(s, s->acks, o->max_queued_acks * sizeof *s->acks);
    h2_free(s, s->closed, o->max_closed_streams * sizeof *s->closed);
    /* The allocator is read (its function and context) before the call
     * frees the struct that holds it. */
    hyper_mem_free(&s->mem, s, sizeof *s);
}

/* ---- errors ---------------------------------------------------------------- */

int h2_conn_error(hyper_h2_session *s, int err, uint32_t code)
{
    if (s->err)
        return s->err;
    s->err = err;
    s->err_code = code;
    /* A promise whose header block is still arriving was never announced
     * (its PUSH_PROMISE event comes at END_HEADERS): its stream goes
     * without a RESET event, as h2_push_finish does for a bad promise. */
    if (s->hb.active && s->hb.is_push) {
        h2_stream *ps = h2_stream_find(s, s->hb.target_id);
        if (ps && ps->is_push)
            h2_stream_destroy(s, ps, H2_CLOSED_UNKNOWN);
    }
    h2_block_clear(s);
    (void)h2_out_ready(s); /* GOAWAY is lost only if even this fails */
    const char *name = hyper_strerror_name(err);
    size_t n = strlen(name);
    if (n > H2_GOAWAY_DEBUG_MAX)
        n = H2_GOAWAY_DEBUG_MAX;
    /* Room is reserved before every frame, so this fits; if the caller
     * left the buffer full anyway, the GOAWAY is lost, the state is not. */
    (void)h2_out_goaway(s, code, (const uint8_t *)name, n);
    s->goaway_sent = 1;
    /* Every live stream gets a RESET, then the ERROR event comes (both
     * from next_event once the queue is empty: nothing to allocate). */
    while (s->nstreams)
        h2_stream_doom(s, s->streams[0], H2_CLOSED_UNKNOWN, err, code);
    h2_streams_free_all(s);
    return err;
}

/* The RFC 9113 error code our error value stands for (§7): the session's
 * own errors by a table, frame and HPACK errors as the frame layer says
 * (anything else, ENOMEM included, is INTERNAL_ERROR). */
#define P HYPER_H2_PROTOCOL_ERROR
#define I HYPER_H2_INTERNAL_ERROR
static H2_OUTLINE uint32_t code_of(int err)
{
    static const uint8_t codes[] = {
        /* -80 PROTOCOL .. -96 BAD_PUSH (I: never a connection error) */
        P, HYPER_H2_FLOW_CONTROL_ERROR, HYPER_H2_STREAM_CLOSED, P, P, I, I, I, P, P, I,
        HYPER_H2_ENHANCE_YOUR_CALM, P, I, P, P, P};
    _Static_assert(HYPER_EH2_BAD_PUSH - HYPER_EH2_PROTOCOL == 1 - (int)sizeof codes,
                   "one code per session error");
    if (err <= HYPER_EH2_PROTOCOL && err >= HYPER_EH2_BAD_PUSH)
        return codes[HYPER_EH2_PROTOCOL - err];
    return hyper_frame_error_code(err);
}
#undef P
#undef I

int h2_fail(hyper_h2_session *s, int err)
{
    return h2_conn_error(s, err, code_of(err));
}

/* A stream error (§5.4.2): RST_STREAM, a RESET event if the stream was
 * live, and the stream closes. Never fails: the connection lives on. */
int h2_stream_error(hyper_h2_session *s, uint32_t id, int err)
{
    uint32_t code = code_of(err);
    h2_stream *st = h2_stream_find(s, id);
    /* Never RST_STREAM an idle stream (§6.4). */
    if (!st && !h2_id_was_used(s, id))
        return HYPER_OK;
    if (st && st->queued)
        return HYPER_OK;
    (void)h2_out_rst(s, id, code);
    if (s->hb.active && s->hb.target_id == id)
        s->hb.discard = 1;
    if (!st)
        return HYPER_OK;
    h2_ev_reset(s, id, err, code);
    (void)h2_stream_apply(s, st, H2_IN_SEND_RST);
    return HYPER_OK;
}

/*
 * A frame for a stream that is not live. kind: 0 RST_STREAM, 1
 * WINDOW_UPDATE, 2 DATA/HEADERS. What §5.1 asks:
 *  - never opened (idle): connection error PROTOCOL_ERROR;
 *  - we reset it: ignore (the server may have sent before seeing our RST);
 *  - the server reset it: anything but PRIORITY (and RST, §5.4.2 no loops)
 *    is a stream error STREAM_CLOSED;
 *  - both sides ended: WINDOW_UPDATE and RST_STREAM may still come, DATA or
 *    HEADERS are a connection error STREAM_CLOSED;
 *  - closed long ago (forgotten): DATA/HEADERS get a stream error
 *    STREAM_CLOSED, the rest is ignored.
 */
int h2_late_frame(hyper_h2_session *s, uint32_t id, int kind)
{
    int how = h2_closed_lookup(s, id);
    if (how < 0)
        return h2_fail(s, HYPER_EH2_IDLE_STREAM);
    if (kind == 0 || how == H2_CLOSED_SENT_RST)
        return HYPER_OK;
    if (how != H2_CLOSED_RECV_RST && kind == 1)
        return HYPER_OK;
    if (how == H2_CLOSED_END_STREAM && kind == 2)
        return h2_fail(s, HYPER_EH2_STREAM_CLOSED);
    return h2_stream_error(s, id, HYPER_EH2_STREAM_CLOSED);
}

/* h2_stream_for's answer to a frame on stream id that no live stream may
 * receive (st NULL), or that st's state refuses with err. */
int h2_stream_refused(hyper_h2_session *s, uint32_t id, enum h2_input in, int err)
{
    if (!err)
        return h2_late_frame(s, id, in == H2_IN_RECV_RST ? 0 : 2);
    if (err == HYPER_EH2_STREAM_CLOSED)
        return h2_stream_error(s, id, err);
    return h2_fail(s, err);
}

/* ---- frames handled here ----------------------------------------------------- */

static int on_ping(hyper_h2_session *s, hyper_frame *f, int rc)
{
    const hyper_frame_ping *p = &f->u.ping;
    (void)rc;
    if (p->ack) {
        h2_ev *e = h2_ev_push(s, HYPER_EVENT_PING_ACK, 0);
        if (e)
            memcpy(e->u.opaque, p->opaque, 8);
        return HYPER_OK;
    }
    return h2_out_ack(s, HYPER_FRAME_PING, p->opaque, 8);
}

/* The server goes away (§6.8): our streams above last_stream_id were not
 * processed and fail with HYPER_EH2_REFUSED (safe to retry); the others run
 * to completion. Queued requests fail the same way whatever their id: a
 * receiver of GOAWAY MUST NOT open new streams, and a graceful shutdown
 * announces last_stream_id 2^31-1 first, which is above every queued id. */
static int on_goaway(hyper_h2_session *s, hyper_frame *f, int rc)
{
    const hyper_frame_goaway *g = &f->u.goaway;
    (void)rc;
    if (s->goaway_received && g->last_stream_id > s->goaway_last_id)
        return h2_fail(s, HYPER_EH2_PROTOCOL);
    s->goaway_received = 1;
    s->goaway_last_id = g->last_stream_id;
    h2_ev *e = h2_ev_push(s, HYPER_EVENT_GOAWAY, 0);
    if (e) {
        e->arg = (int32_t)g->last_stream_id;
        e->error_code = g->error_code;
        e->u.data = g->debug;
        e->len = (uint32_t)g->debug_len;
    }
    s->pause = 1; /* debug data points into the input or the reader buffer */
    /* The refused streams' RESETs follow the GOAWAY event, lowest id first. */
    h2_doom_unsent(s, g->last_stream_id, H2_CLOSED_SENT_RST, HYPER_EH2_REFUSED,
                   HYPER_H2_REFUSED_STREAM);
    return HYPER_OK;
}

static int on_rst_stream(hyper_h2_session *s, hyper_frame *f, int rc)
{
    uint32_t code = f->u.rst_stream.error_code;
    if (++s->rst_in_row > s->opts.max_rst_received)
        return h2_fail(s, HYPER_EH2_CALM);
    h2_stream *st = h2_stream_for(s, f->hd.stream_id, H2_IN_RECV_RST, &rc);
    if (!st)
        return rc;
    /* §8.1: a server that answered in full may stop our upload with
     * NO_ERROR; the response already ended, nothing to report. */
    int quiet = st->resp == H2_RESP_DONE && code == HYPER_H2_NO_ERROR;
    if (!quiet)
        h2_ev_reset(s, st->id,
                    code == HYPER_H2_REFUSED_STREAM ? HYPER_EH2_REFUSED : HYPER_EH2_STREAM_RESET,
                    code);
    (void)h2_stream_apply(s, st, H2_IN_RECV_RST);
    return HYPER_OK;
}

/* PRIORITY is ignored (§5.3.2), in every state; a malformed one is a
 * stream error (§6.3). */
static int on_priority(hyper_h2_session *s, hyper_frame *f, int rc)
{
    return rc < 0 ? h2_stream_error(s, f->hd.stream_id, rc) : HYPER_OK;
}

/* Every decoded frame type's handler, indexed by type - PRIORITY (DATA
 * and HEADERS do not come here). One indirect call instead of a switch
 * whose every case sets up its own call. */
typedef int (*frame_handler)(hyper_h2_session *s, hyper_frame *f, int rc);
#define AT(t) [HYPER_FRAME_##t - HYPER_FRAME_PRIORITY]
static const frame_handler handlers[HYPER_FRAME_CONTINUATION - HYPER_FRAME_PRIORITY + 1] = {
    AT(PRIORITY) = on_priority,           AT(RST_STREAM) = on_rst_stream,
    AT(SETTINGS) = h2_settings_recv,      AT(PUSH_PROMISE) = h2_push_promise,
    AT(PING) = on_ping,                   AT(GOAWAY) = on_goaway,
    AT(WINDOW_UPDATE) = h2_flow_window_update, AT(CONTINUATION) = h2_block_continuation};
#undef AT

/* Every frame but DATA. HEADERS, which every response brings, goes
 * straight to its handler (it decodes it itself: no union to clear); the
 * others are decoded here at once. A decode error is a connection error
 * except those the RFC makes stream errors (§6.9 WINDOW_UPDATE, §6.3
 * PRIORITY): their handlers decide, a frame on a stream that is not live
 * being answered as such first. */
static int on_frame(hyper_h2_session *s, const hyper_frame_hd *hd, const uint8_t *payload)
{
    if (hd->type == HYPER_FRAME_HEADERS)
        return h2_block_headers(s, hd, payload);
    hyper_frame f;
    int rc = hyper_frame_decode(&f, hd, payload);
    if (rc < 0 && !hyper_frame_error_is_stream(rc, hd))
        return h2_fail(s, rc);
    unsigned i = (unsigned)hd->type - HYPER_FRAME_PRIORITY;
    if (i >= sizeof handlers / sizeof *handlers)
        return HYPER_OK;
    return handlers[i](s, &f, rc);
}

/* The reader asks for an assembly buffer of exactly the split frame's
 * length (it passed the size and order checks first). */
static int give_buffer(hyper_h2_session *s, uint32_t length)
{
    s->rbuf = h2_alloc(s, length);
    if (!s->rbuf)
        return h2_fail(s, HYPER_ENOMEM);
    s->rbuf_cap = length;
    return hyper_frame_reader_set_buffer(&s->reader, s->rbuf, length);
}

/* Frees the assembly buffer once no frame is assembled in it and nothing
 * handed out points into it (GOAWAY's debug data lives until next recv). */
static H2_OUTLINE void release_buffer(hyper_h2_session *s)
{
    if (s->rbuf && hyper_frame_reader_idle(&s->reader)) {
        (void)hyper_frame_reader_set_buffer(&s->reader, NULL, 0);
        h2_free(s, s->rbuf, s->rbuf_cap);
        s->rbuf = NULL; /* (rbuf_cap means nothing without it) */
    }
}

/* What a frame's start (its header, or its first DATA chunk) breaks, or 0. */
static H2_OUTLINE int start_error(const hyper_h2_session *s, const hyper_frame_hd *hd)
{
    /* §3.4: the server's connection preface is a SETTINGS frame. */
    if (!s->got_settings && hd->type != HYPER_FRAME_SETTINGS)
        return HYPER_EH2_PREFACE;
    /* §6.10, §5.5: nothing but CONTINUATION of the same stream inside a
     * header block, extension frames included. */
    if (s->hb.active && (hd->type != HYPER_FRAME_CONTINUATION || hd->stream_id != s->hb.stream_id))
        return HYPER_EH2_CONTINUATION;
    return 0;
}

static int dispatch(hyper_h2_session *s, const hyper_frame_read_event *fev)
{
    if (fev->type == HYPER_FRAME_READ_NONE)
        return HYPER_OK;
    if (fev->type != HYPER_FRAME_READ_DATA || fev->first) {
        int err = start_error(s, &fev->hd);
        if (err)
            return h2_fail(s, err);
    }
    if (fev->type == HYPER_FRAME_READ_DATA)
        return h2_data_chunk(s, fev);
    if (fev->type == HYPER_FRAME_READ_UNKNOWN)
        return HYPER_OK;
    if (fev->type == HYPER_FRAME_READ_NEED_BUFFER)
        return give_buffer(s, fev->hd.length);
    return on_frame(s, &fev->hd, fev->payload);
}

long hyper_h2_recv(hyper_h2_session *s, const uint8_t *data, size_t len)
{
    if (!s || (!data && len))
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    size_t used = 0;
    s->pause = 0;
    release_buffer(s);
    while (used < len) {
        if (s->ev_len >= s->opts.max_events || h2_out_free(s) < H2_OUT_RESERVE)
            break;
        /* ACKs waiting at their bound: pause so the caller can send them.
         * Only a caller that comes back without sending (a peer that does
         * not read while it floods us) meets ENHANCE_YOUR_CALM (§10.5). */
        if (used > 0 && s->acks_len >= s->opts.max_queued_acks)
            break;
        hyper_frame_read_event fev;
        long n = hyper_frame_reader_recv(&s->reader, data + used, len - used, &fev);
        if (n < 0)
            return h2_fail(s, (int)n);
        used += (size_t)n;
        /* A frame may be answered (ACK, RST_STREAM, GOAWAY) at once: the
         * output buffer must exist before its handler runs. */
        if (fev.type == HYPER_FRAME_READ_FRAME || fev.type == HYPER_FRAME_READ_DATA) {
            if (h2_out_ready(s) < 0)
                return h2_fail(s, HYPER_ENOMEM);
        }
        int rc = dispatch(s, &fev);
        if (rc < 0)
            return rc;
        if (s->pause)
            break;
        release_buffer(s);
    }
    h2_out_release(s);
    return (long)used;
}

/* ---- queries ------------------------------------------------------------------ */

hyper_h2_stream_state hyper_h2_stream_state_get(const hyper_h2_session *s, int32_t id)
{
    if (!s || id <= 0)
        return HYPER_H2_STATE_IDLE;
    const h2_stream *st = h2_stream_find(s, (uint32_t)id);
    if (st)
        return (hyper_h2_stream_state)st->state;
    return h2_id_was_used(s, (uint32_t)id) ? HYPER_H2_STATE_CLOSED : HYPER_H2_STATE_IDLE;
}

int hyper_h2_is_usable(const hyper_h2_session *s)
{
    return s && !s->err && !s->goaway_received && !s->goaway_sent &&
           s->next_id <= HYPER_FRAME_STREAM_ID_MAX;
}

size_t hyper_h2_stream_count(const hyper_h2_session *s)
{
    return s ? s->nstreams : 0;
}
