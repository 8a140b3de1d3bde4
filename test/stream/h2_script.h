/*
 * h2_script.h — test-only harness for the HTTP/2 session tests: plays the
 * server. It builds server frames with E's encoders (header blocks with our
 * HPACK encoder), feeds them to the session whole or one byte at a time,
 * drains every event into a log (copying DATA, which is only valid until
 * the next recv), collects every byte the session writes, and parses that
 * output back into frames (header blocks decoded with our HPACK decoder)
 * so tests can check the exact frames the engine emits.
 *
 * Header-only (static functions): every test/stream/test_*.c is its own
 * binary.
 */
#ifndef H2_SCRIPT_H
#define H2_SCRIPT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "testutil.h"

#define T_IN_MAX (1u << 20)
#define T_OUT_MAX (1u << 20)
#define T_DATA_MAX (1u << 20)
#define T_EV_MAX 1024

typedef struct t_event {
    hyper_event ev;        /* data points into t->data (copied) */
    size_t data_off;
} t_event;

/* One frame the session wrote. */
typedef struct t_frame {
    hyper_frame_hd hd;
    const uint8_t *payload;
} t_frame;

typedef struct h2t {
    test_mem tm;
    hyper_h2_session *s;
    hyper_h2_options opts;
    int bytewise;                  /* feed one byte per recv call */
    hyper_hpack_encoder *srv_enc;  /* the server's encoder */
    hyper_hpack_decoder *srv_dec;  /* the server's decoder (our requests) */
    uint8_t *in;                   /* server bytes not fed yet */
    size_t in_len;
    uint8_t *out;                  /* every byte the session wrote */
    size_t out_len, out_pos;       /* out_pos: next frame to parse */
    uint8_t *data;                 /* DATA copies */
    size_t data_len;
    t_event ev[T_EV_MAX];
    size_t nev, ev_pos;            /* ev_pos: next event to check */
    long last_rc;                  /* last negative recv result, 0 if none */
    size_t consumed_total;         /* flow_len seen in DATA events */
    int auto_consume;              /* consume DATA at once */
    int no_flush;                  /* t_feed does not send our output */
} h2t;

/* ---- output ------------------------------------------------------------ */

/* Moves everything the session wants to send into t->out. */
static inline void t_flush(h2t *t)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(t->s, &p)) > 0) {
        assert_true(t->out_len + n <= T_OUT_MAX);
        memcpy(t->out + t->out_len, p, n);
        t->out_len += n;
        assert_int_equal(hyper_h2_sent(t->s, n), HYPER_OK);
    }
}

/* Next frame the session wrote; fails the test if there is none. */
static inline t_frame t_next_frame(h2t *t)
{
    t_frame f;
    t_flush(t);
    assert_true(t->out_pos + 9 <= t->out_len);
    hyper_frame_hd_decode(&f.hd, t->out + t->out_pos);
    assert_true(t->out_pos + 9 + f.hd.length <= t->out_len);
    f.payload = t->out + t->out_pos + 9;
    t->out_pos += 9 + f.hd.length;
    return f;
}

/* 1 if the session wrote no frame we have not looked at. */
static inline int t_no_frame(h2t *t)
{
    t_flush(t);
    return t->out_pos == t->out_len;
}

static inline t_frame t_expect(h2t *t, uint8_t type, uint8_t flags, uint32_t id)
{
    t_frame f = t_next_frame(t);
    assert_int_equal(f.hd.type, type);
    assert_int_equal(f.hd.flags, flags);
    assert_int_equal(f.hd.stream_id, id);
    return f;
}

static inline void t_expect_rst(h2t *t, uint32_t id, uint32_t code)
{
    t_frame f = t_expect(t, HYPER_FRAME_RST_STREAM, 0, id);
    assert_int_equal(f.hd.length, 4);
    assert_int_equal(hyper_get_u32(f.payload), code);
}

static inline void t_expect_goaway(h2t *t, uint32_t last, uint32_t code)
{
    t_frame f = t_expect(t, HYPER_FRAME_GOAWAY, 0, 0);
    assert_true(f.hd.length >= 8);
    assert_int_equal(hyper_get_u32(f.payload) & 0x7fffffffu, last);
    assert_int_equal(hyper_get_u32(f.payload + 4), code);
}

static inline void t_expect_window_update(h2t *t, uint32_t id, uint32_t inc)
{
    t_frame f = t_expect(t, HYPER_FRAME_WINDOW_UPDATE, 0, id);
    assert_int_equal(f.hd.length, 4);
    assert_int_equal(hyper_get_u32(f.payload), inc);
}

/* Decodes a request header block from HEADERS (+ CONTINUATION) frames the
 * session wrote; checks field i against names[i]/values[i]. Returns the
 * HEADERS frame's flags. */
static inline uint8_t t_expect_request(h2t *t, uint32_t id, const char *const *nv, size_t n)
{
    t_frame f = t_next_frame(t);
    assert_int_equal(f.hd.type, HYPER_FRAME_HEADERS);
    assert_int_equal(f.hd.stream_id, id);
    uint8_t flags = f.hd.flags;
    size_t k = 0;
    for (;;) {
        int final = (f.hd.flags & HYPER_FRAME_FLAG_END_HEADERS) != 0;
        const uint8_t *in = f.payload;
        size_t len = f.hd.length;
        for (;;) {
            hyper_hpack_field fl;
            size_t used = 0;
            int rc = hyper_hpack_decode(t->srv_dec, in, len, final, &fl, &used);
            assert_true(rc >= 0);
            in += used;
            len -= used;
            if (rc == 0)
                break;
            assert_true(k < n);
            assert_int_equal(fl.name_len, strlen(nv[2 * k]));
            assert_memory_equal(fl.name, nv[2 * k], fl.name_len);
            assert_int_equal(fl.value_len, strlen(nv[2 * k + 1]));
            assert_memory_equal(fl.value, nv[2 * k + 1], fl.value_len);
            k++;
        }
        if (final)
            break;
        f = t_next_frame(t);
        assert_int_equal(f.hd.type, HYPER_FRAME_CONTINUATION);
        assert_int_equal(f.hd.stream_id, id);
    }
    assert_int_equal(k, n);
    return flags;
}

/* ---- events ---------------------------------------------------------------- */

static inline void t_drain_events(h2t *t)
{
    hyper_event e;
    while (hyper_h2_next_event(t->s, &e)) {
        t_event *prev = t->nev ? &t->ev[t->nev - 1] : NULL;
        if (e.type == HYPER_EVENT_DATA && prev && prev->ev.type == HYPER_EVENT_DATA &&
            prev->ev.stream_id == e.stream_id && !prev->ev.end_stream &&
            prev->data_off + prev->ev.len == t->data_len && t->ev_pos < t->nev) {
            /* Chunks of one stream in a row are joined (byte-wise feeding
             * would otherwise give one event per octet). */
            assert_true(t->data_len + e.len <= T_DATA_MAX);
            if (e.len)
                memcpy(t->data + t->data_len, e.data, e.len);
            t->data_len += e.len;
            prev->ev.len += e.len;
            prev->ev.flow_len += e.flow_len;
            prev->ev.end_stream = e.end_stream;
            t->consumed_total += e.flow_len;
            if (t->auto_consume)
                assert_int_equal(hyper_h2_consume(t->s, e.stream_id, e.flow_len), HYPER_OK);
            continue;
        }
        assert_true(t->nev < T_EV_MAX);
        t_event *te = &t->ev[t->nev++];
        te->ev = e;
        te->data_off = t->data_len;
        if (e.type == HYPER_EVENT_DATA || e.type == HYPER_EVENT_GOAWAY) {
            assert_true(t->data_len + e.len <= T_DATA_MAX);
            if (e.len)
                memcpy(t->data + t->data_len, e.data, e.len);
            t->data_len += e.len;
            te->ev.data = NULL; /* no longer valid */
        }
        if (e.type == HYPER_EVENT_DATA) {
            t->consumed_total += e.flow_len;
            if (t->auto_consume)
                assert_int_equal(hyper_h2_consume(t->s, e.stream_id, e.flow_len), HYPER_OK);
        }
    }
}

static inline const t_event *t_next_event(h2t *t)
{
    assert_true(t->ev_pos < t->nev);
    return &t->ev[t->ev_pos++];
}

static inline const t_event *t_expect_event(h2t *t, hyper_event_type type, int32_t id)
{
    const t_event *e = t_next_event(t);
    if (e->ev.type != type || e->ev.stream_id != id)
        fail_msg("event %zu: type %d stream %d, expected type %d stream %d", t->ev_pos - 1,
                 (int)e->ev.type, (int)e->ev.stream_id, (int)type, (int)id);
    return e;
}

static inline void t_expect_reset(h2t *t, int32_t id, int err, uint32_t code)
{
    const t_event *e = t_expect_event(t, HYPER_EVENT_RESET, id);
    assert_int_equal(e->ev.error, err);
    assert_int_equal(e->ev.error_code, code);
}

static inline void t_expect_error(h2t *t, int err, uint32_t code)
{
    const t_event *e = t_expect_event(t, HYPER_EVENT_ERROR, 0);
    assert_int_equal(e->ev.error, err);
    assert_int_equal(e->ev.error_code, code);
}

static inline int t_no_event(h2t *t)
{
    return t->ev_pos == t->nev;
}

/* Value of a header in an event's map, or NULL. */
static inline const char *t_header(const t_event *e, const char *name, size_t *len)
{
    const char *v;
    if (!e->ev.headers || hyper_headers_get(e->ev.headers, name, 0, &v, len) < 0)
        return NULL;
    return v;
}

/* ---- feeding ---------------------------------------------------------------- */

/* Feeds t->in to the session (whole or byte by byte), pulling events and
 * output whenever it pauses. Returns 0 or the connection error. */
static inline long t_feed(h2t *t)
{
    size_t pos = 0;
    long rc = 0;
    int stuck = 0;
    while (pos < t->in_len) {
        size_t len = t->bytewise ? 1 : t->in_len - pos;
        rc = hyper_h2_recv(t->s, t->in + pos, len);
        if (rc < 0)
            break;
        pos += (size_t)rc;
        t_drain_events(t);
        if (!t->no_flush)
            t_flush(t);
        stuck = rc == 0 ? stuck + 1 : 0;
        assert_true(stuck < 3);
    }
    t_drain_events(t);
    t->in_len = 0;
    t->last_rc = rc < 0 ? rc : 0;
    return t->last_rc;
}

static inline uint8_t *t_room(h2t *t, size_t n)
{
    assert_true(t->in_len + n <= T_IN_MAX);
    return t->in + t->in_len;
}

static inline void t_raw(h2t *t, const void *p, size_t n)
{
    memcpy(t_room(t, n), p, n);
    t->in_len += n;
}

static inline void t_add(h2t *t, long n)
{
    assert_true(n >= 0);
    t->in_len += (size_t)n;
}

static inline void srv_settings(h2t *t, const hyper_frame_setting *set, size_t n)
{
    t_add(t, hyper_frame_settings_encode(t_room(t, 9 + 6 * n), 9 + 6 * n, 0, set, n));
}

static inline void srv_settings_ack(h2t *t)
{
    t_add(t, hyper_frame_settings_ack_encode(t_room(t, 9), 9));
}

/* Encodes name/value pairs (NULL-terminated varargs list) with the
 * server's encoder into buf; returns the block length. */
static inline size_t srv_block_v(h2t *t, uint8_t *buf, size_t cap, va_list ap)
{
    hyper_hpack_field f[64];
    size_t n = 0;
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        assert_true(n < 64);
        f[n] = (hyper_hpack_field){name, strlen(name), value, strlen(value), 0};
        n++;
    }
    long len = hyper_hpack_encode(t->srv_enc, f, n, buf, cap);
    assert_true(len >= 0);
    return (size_t)len;
}

static inline size_t srv_block(h2t *t, uint8_t *buf, size_t cap, ...)
{
    va_list ap;
    va_start(ap, cap);
    size_t n = srv_block_v(t, buf, cap, ap);
    va_end(ap);
    return n;
}

/* HEADERS with the given flags (END_HEADERS is up to the caller) carrying
 * a block of the NULL-terminated name/value list. */
static inline void srv_headers(h2t *t, uint32_t id, unsigned flags, ...)
{
    uint8_t block[8192];
    va_list ap;
    va_start(ap, flags);
    size_t n = srv_block_v(t, block, sizeof block, ap);
    va_end(ap);
    hyper_frame_headers h = {block, n, 0, 0, 0, {0, 0, 0}};
    t_add(t, hyper_frame_headers_encode(t_room(t, 9 + n), 9 + n, id, (uint8_t)flags, &h));
}

static inline void srv_headers_raw(h2t *t, uint32_t id, uint8_t flags, const uint8_t *frag,
                            size_t n)
{
    hyper_frame_headers h = {frag, n, 0, 0, 0, {0, 0, 0}};
    t_add(t, hyper_frame_headers_encode(t_room(t, 9 + n), 9 + n, id, (uint8_t)flags, &h));
}

static inline void srv_continuation(h2t *t, uint32_t id, uint8_t flags, const uint8_t *frag,
                             size_t n)
{
    t_add(t, hyper_frame_continuation_encode(t_room(t, 9 + n), 9 + n, id, flags, frag, n));
}

static inline void srv_data(h2t *t, uint32_t id, uint8_t flags, const void *d, size_t n)
{
    hyper_frame_data fd = {d, n, 0, 0};
    t_add(t, hyper_frame_data_encode(t_room(t, 9 + n), 9 + n, id, flags, &fd));
}

static inline void srv_data_padded(h2t *t, uint32_t id, uint8_t flags, const void *d, size_t n,
                            uint8_t pad)
{
    hyper_frame_data fd = {d, n, 1, pad};
    size_t cap = 10 + n + pad;
    t_add(t, hyper_frame_data_encode(t_room(t, cap), cap, id, flags, &fd));
}

static inline void srv_rst(h2t *t, uint32_t id, uint32_t code)
{
    t_add(t, hyper_frame_rst_stream_encode(t_room(t, 13), 13, id, code));
}

static inline void srv_ping(h2t *t, const char *opaque8, int ack)
{
    t_add(t, hyper_frame_ping_encode(t_room(t, 17), 17, (const uint8_t *)opaque8, ack));
}

static inline void srv_goaway(h2t *t, uint32_t last, uint32_t code, const char *dbg)
{
    size_t n = dbg ? strlen(dbg) : 0;
    t_add(t, hyper_frame_goaway_encode(t_room(t, 17 + n), 17 + n, last, code,
                                       (const uint8_t *)dbg, n));
}

static inline void srv_window_update(h2t *t, uint32_t id, uint32_t inc)
{
    t_add(t, hyper_frame_window_update_encode(t_room(t, 13), 13, id, inc));
}

static inline void srv_priority(h2t *t, uint32_t id, uint32_t dep)
{
    hyper_frame_priority p = {dep, 0, 15};
    t_add(t, hyper_frame_priority_encode(t_room(t, 14), 14, id, &p));
}

static inline void srv_push_promise(h2t *t, uint32_t id, uint32_t promised, unsigned flags, ...)
{
    uint8_t block[4096];
    va_list ap;
    va_start(ap, flags);
    size_t n = srv_block_v(t, block, sizeof block, ap);
    va_end(ap);
    hyper_frame_push_promise pp = {promised, block, n, 0, 0};
    t_add(t, hyper_frame_push_promise_encode(t_room(t, 13 + n), 13 + n, id, (uint8_t)flags, &pp));
}

/* ---- set-up ------------------------------------------------------------------- */

/* Creates the session (opts NULL: defaults) and checks the preface +
 * SETTINGS (+ WINDOW_UPDATE) it writes first. */
static inline void t_init(h2t *t, const hyper_h2_options *opts, int bytewise)
{
    memset(t, 0, sizeof *t);
    test_mem_init(&t->tm);
    if (opts)
        t->opts = *opts;
    else
        hyper_h2_options_init(&t->opts);
    t->bytewise = bytewise;
    t->in = malloc(T_IN_MAX);
    t->out = malloc(T_OUT_MAX);
    t->data = malloc(T_DATA_MAX);
    assert_non_null(t->in);
    assert_non_null(t->out);
    assert_non_null(t->data);
    assert_int_equal(hyper_hpack_encoder_init(&t->srv_enc, NULL, NULL), HYPER_OK);
    assert_int_equal(hyper_hpack_decoder_init(&t->srv_dec, NULL, NULL), HYPER_OK);
    assert_int_equal(hyper_h2_session_init(&t->s, &t->tm.mem, &t->opts), HYPER_OK);
    t_flush(t);
    assert_true(t->out_len >= 24);
    assert_memory_equal(t->out, HYPER_FRAME_PREFACE, 24);
    t->out_pos = 24;
    t_frame f = t_expect(t, HYPER_FRAME_SETTINGS, 0, 0);
    assert_int_equal(f.hd.length, 36);
    if (t->opts.connection_window_size > 65535)
        t_expect_window_update(t, 0, t->opts.connection_window_size - 65535);
}

/* The server's preface: SETTINGS (given entries) then our ACK expected. */
static inline void t_handshake(h2t *t, const hyper_frame_setting *set, size_t n)
{
    srv_settings(t, set, n);
    srv_settings_ack(t);
    assert_int_equal(t_feed(t), 0);
    t_expect(t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
    t_expect_event(t, HYPER_EVENT_SETTINGS, 0);
    t_expect_event(t, HYPER_EVENT_SETTINGS_ACK, 0);
}

static inline void t_free_events(h2t *t)
{
    for (size_t i = 0; i < t->nev; i++) {
        hyper_headers_free(t->ev[i].ev.headers);
        t->ev[i].ev.headers = NULL;
    }
}

/* Frees everything; checks the session gave back every byte it took. */
static inline void t_done(h2t *t)
{
    t_free_events(t);
    hyper_h2_session_free(t->s);
    assert_int_equal(t->tm.in_use, 0);
    assert_int_equal(t->tm.blocks, 0);
    assert_false(t->tm.size_mismatch);
    hyper_hpack_encoder_free(t->srv_enc);
    hyper_hpack_decoder_free(t->srv_dec);
    free(t->in);
    free(t->out);
    free(t->data);
}

/* A GET request with no body; returns its id. */
static inline int32_t t_get(h2t *t, const char *path)
{
    hyper_h2_request r = {"GET", "https", "example.com", path, NULL, 0, NULL, 0, 1};
    int32_t id = hyper_h2_submit(t->s, &r);
    assert_true(id > 0);
    return id;
}

static inline void t_expect_get(h2t *t, int32_t id, const char *path)
{
    const char *nv[] = {":method", "GET", ":scheme", "https", ":authority", "example.com",
                        ":path", path};
    uint8_t flags = t_expect_request(t, (uint32_t)id, nv, 4);
    assert_int_equal(flags, HYPER_FRAME_FLAG_END_STREAM | HYPER_FRAME_FLAG_END_HEADERS);
}

#define EH HYPER_FRAME_FLAG_END_HEADERS
#define ES HYPER_FRAME_FLAG_END_STREAM

/* The usual opening: the session, a GET / on stream 1 on the wire, and the
 * server's preface (SETTINGS + ACK) exchanged. */
static inline void t_open_get(h2t *t, const hyper_h2_options *opts, int bytewise)
{
    t_init(t, opts, bytewise);
    t_get(t, "/");
    t_expect_get(t, 1, "/");
    t_handshake(t, NULL, 0);
}

/* The server allows one stream at a time: GET / is on the wire as stream
 * 1, GET /queued waits as stream 3. */
static inline void t_open_with_queued(h2t *t, int bytewise)
{
    t_init(t, NULL, bytewise);
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 1}};
    t_handshake(t, set, 1);
    t_get(t, "/");
    t_get(t, "/queued");
    t_expect_get(t, 1, "/");
    assert_true(t_no_frame(t));
}

/* A PUSH_PROMISE on stream id promising `promised`: GET https://a<path>. */
static inline void srv_promise(h2t *t, uint32_t id, uint32_t promised, const char *path)
{
    srv_push_promise(t, id, promised, EH, ":method", "GET", ":scheme", "https",
                     ":authority", "a", ":path", path, NULL);
}

#endif /* H2_SCRIPT_H */
