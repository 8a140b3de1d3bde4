/*
 * The session's memory (issue 7): what an idle connection and an open
 * stream cost, buffers that exist only while needed (the frame reader's
 * assembly buffer, the output buffer, the HPACK encoder), no per-stream
 * event reservation, and memory failure at those points closing cleanly
 * with HYPER_ENOMEM and a RESET for every stream. White-box where the
 * claim is about a buffer's existence (stream/h2_internal.h).
 */
#include "h2_script.h"
#include "stream/h2_internal.h"

#define MODE(state) ((int)(uintptr_t)*(state))

/* Options a device would pick: table size given, and buffers a server could
 * make large (frame size, output) set large, to show they cost nothing idle. */
static void device_opts(hyper_h2_options *o, uint32_t table)
{
    hyper_h2_options_init(o);
    o->header_table_size = table;
    o->max_events = 8;
    o->max_closed_streams = 8;
    o->max_frame_size = 1u << 20;
    o->output_buffer_size = 1u << 20;
}

/* Idle after SETTINGS + ACK: within the targets, no buffer held. */
static void idle_connection_holds_no_buffer(void **state)
{
    static const uint32_t tables[] = {4096, 0};
    static const size_t limit[] = {8192, 4096};
    for (size_t i = 0; i < 2; i++) {
        hyper_h2_options o;
        device_opts(&o, tables[i]);
        h2t t;
        t_init(&t, &o, MODE(state));
        t_handshake(&t, NULL, 0);
        assert_int_equal(hyper_hpack_encoder_set_peer_table_size(t.srv_enc, tables[i]),
                         HYPER_OK);
        assert_null(t.s->out);
        assert_null(t.s->rbuf);
        assert_null(t.s->enc);
        assert_int_equal(t.s->ev_cap, o.max_events + H2_EV_SLACK);
        if (t.tm.in_use > limit[i])
            fail_msg("table %u: idle %zu > %zu", tables[i], t.tm.in_use, limit[i]);
        /* One request and its response later the connection is idle again:
         * buffers gone, only the encoder (with its table) stays. */
        t_get(&t, "/");
        t_expect_get(&t, 1, "/");
        assert_non_null(t.s->out);
        srv_headers(&t, 1, EH, ":status", "200", NULL);
        srv_data(&t, 1, ES, "ok", 2);
        assert_int_equal(t_feed(&t), 0);
        t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
        t_expect_event(&t, HYPER_EVENT_DATA, 1);
        t_expect_event(&t, HYPER_EVENT_END, 1);
        assert_int_equal(hyper_h2_consume(t.s, 1, 2), HYPER_OK);
        t_flush(&t);
        assert_null(t.s->out);
        assert_null(t.s->rbuf);
        assert_non_null(t.s->enc);
        t_done(&t);
    }
}

/* Each further open stream (request on the wire, response head received)
 * costs at most 256 octets beyond the header map handed out. */
static void open_stream_cost(void **state)
{
    (void)state;
    hyper_h2_options o;
    device_opts(&o, 4096);
    h2t t;
    t_init(&t, &o, 0);
    t_handshake(&t, NULL, 0);
    size_t first = 0;
    enum { N = 40 };
    for (uint32_t i = 0; i <= N; i++) {
        int32_t id = t_get(&t, "/s");
        t_expect_get(&t, id, "/s");
        srv_headers(&t, (uint32_t)id, EH, ":status", "200", NULL);
        assert_int_equal(t_feed(&t), 0);
        t_expect_event(&t, HYPER_EVENT_HEADERS, id);
        t_free_events(&t);
        if (i == 0)
            first = t.tm.in_use;
    }
    assert_int_equal(hyper_h2_stream_count(t.s), N + 1);
    size_t per = (t.tm.in_use - first) / N;
    if (per > 256)
        fail_msg("%zu octets per open stream", per);
    t_done(&t);
}

/* A split frame is assembled in a buffer of exactly its length, which is
 * gone once the frame was handled; a frame that arrives whole needs none. */
static void split_frame_buffer_sized_and_released(void **state)
{
    (void)state;
    hyper_h2_options o;
    device_opts(&o, 4096);
    h2t t;
    t_open_get(&t, &o, 0);
    char big[3001];
    memset(big, 'v', 3000);
    big[3000] = 0;
    srv_headers(&t, 1, EH, ":status", "200", "x-big", big, NULL);
    size_t frame_len = t.in_len;
    /* Half of it, one byte at a time. */
    for (size_t i = 0; i < frame_len / 2; i++)
        assert_int_equal(hyper_h2_recv(t.s, t.in + i, 1), 1);
    assert_non_null(t.s->rbuf);
    assert_int_equal(t.s->rbuf_cap, frame_len - 9);
    size_t rest = frame_len - frame_len / 2;
    assert_int_equal(hyper_h2_recv(t.s, t.in + frame_len / 2, rest), (long)rest);
    assert_null(t.s->rbuf);
    t.in_len = 0;
    t_drain_events(&t);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    size_t vlen;
    const char *v = t_header(e, "x-big", &vlen);
    assert_non_null(v);
    assert_int_equal(vlen, 3000);
    assert_memory_equal(v, big, 3000);
    /* Whole: zero copy, no buffer at all. */
    size_t calls = t.tm.calls;
    srv_data(&t, 1, ES, "x", 1);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(t.tm.calls, calls);
    assert_null(t.s->rbuf);
    t_done(&t);
}

/* GOAWAY's debug data may sit in the assembly buffer: it stays valid until
 * the next recv, which frees the buffer. */
static void goaway_debug_in_buffer(void **state)
{
    (void)state;
    h2t t;
    t_open_get(&t, NULL, 0);
    srv_goaway(&t, 1, HYPER_H2_NO_ERROR, "split debug data");
    size_t len = t.in_len;
    assert_int_equal(hyper_h2_recv(t.s, t.in, 20), 20);
    assert_int_equal(hyper_h2_recv(t.s, t.in + 20, len - 20), (long)(len - 20));
    assert_non_null(t.s->rbuf);
    hyper_event ev;
    assert_int_equal(hyper_h2_next_event(t.s, &ev), 1);
    assert_int_equal(ev.type, HYPER_EVENT_GOAWAY);
    assert_ptr_equal(ev.data, t.s->rbuf + 8);
    assert_int_equal(ev.len, 16);
    assert_memory_equal(ev.data, "split debug data", 16);
    assert_int_equal(hyper_h2_recv(t.s, t.in, 0), 0);
    assert_null(t.s->rbuf);
    t.in_len = 0;
    t_done(&t);
}

/* The assembly buffer cannot be had: the connection closes cleanly with
 * HYPER_ENOMEM (GOAWAY INTERNAL_ERROR, a RESET for every stream, ERROR). */
static void buffer_failure_closes_cleanly(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_handshake(&t, NULL, 0);
    t_get(&t, "/a");
    t_get(&t, "/b");
    t_expect_get(&t, 1, "/a");
    t_expect_get(&t, 3, "/b");
    srv_ping(&t, "12345678", 0);
    /* Bytewise the PING arrives split and needs the buffer: fail it. Whole
     * it needs none, and the exchange goes on. */
    t.tm.fail_at = t.tm.calls + 1;
    long rc = t_feed(&t);
    if (!MODE(state)) {
        assert_int_equal(rc, 0);
        t_expect(&t, HYPER_FRAME_PING, HYPER_FRAME_FLAG_ACK, 0);
        t.tm.fail_at = 0;
        t_done(&t);
        return;
    }
    assert_int_equal(rc, HYPER_ENOMEM);
    t_expect_goaway(&t, 0, HYPER_H2_INTERNAL_ERROR);
    t_expect_reset(&t, 1, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    t_expect_reset(&t, 3, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    t_expect_error(&t, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    assert_true(t_no_event(&t));
    assert_int_equal(hyper_h2_recv(t.s, (const uint8_t *)"x", 1), HYPER_ENOMEM);
    assert_int_equal(hyper_h2_stream_count(t.s), 0);
    t_done(&t);
}

/* The output buffer cannot be had when queued requests must be written:
 * clean close, every request RESET; no request is silently lost. */
static void output_failure_closes_cleanly(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    t_handshake(&t, NULL, 0);
    assert_null(t.s->out);
    t_get(&t, "/a");
    t_get(&t, "/b");
    t.tm.fail_at = t.tm.calls + 1;
    /* The next try for the GOAWAY's sake succeeds: it goes out. */
    t_expect_goaway(&t, 0, HYPER_H2_INTERNAL_ERROR);
    assert_true(t_no_frame(&t));
    assert_false(hyper_h2_is_usable(t.s));
    t_drain_events(&t);
    t_expect_reset(&t, 1, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    t_expect_reset(&t, 3, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    t_expect_error(&t, HYPER_ENOMEM, HYPER_H2_INTERNAL_ERROR);
    assert_true(t_no_event(&t));
    t_done(&t);
}

/* The encoder is created by the first submit: failing that allocation
 * fails the submit only, the session stays usable. */
static void encoder_failure_fails_submit_only(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    t_handshake(&t, NULL, 0);
    t.tm.fail_at = t.tm.calls + 1;
    hyper_h2_request r = {"GET", "https", "example.com", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_ENOMEM);
    assert_null(t.s->enc);
    assert_int_equal(hyper_h2_stream_count(t.s), 0);
    assert_true(hyper_h2_is_usable(t.s));
    assert_int_equal(t_get(&t, "/"), 1);
    t_expect_get(&t, 1, "/");
    t_done(&t);
}

/* The server lowered and raised its table before our first request: the
 * late encoder still starts the first block with both size updates, the
 * smallest first (RFC 7541 §4.2). */
static void late_encoder_signals_table_changes(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    hyper_frame_setting lo[] = {{HYPER_SETTINGS_HEADER_TABLE_SIZE, 0}};
    hyper_frame_setting hi[] = {{HYPER_SETTINGS_HEADER_TABLE_SIZE, 2048}};
    t_handshake(&t, lo, 1);
    srv_settings(&t, hi, 1);
    assert_int_equal(t_feed(&t), 0);
    t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
    t_get(&t, "/");
    t_flush(&t);
    t_frame f;
    hyper_frame_hd_decode(&f.hd, t.out + t.out_pos);
    f.payload = t.out + t.out_pos + 9;
    assert_int_equal(f.hd.type, HYPER_FRAME_HEADERS);
    /* 001 00000 (size 0), then 001 11111 + 2017 (= 2048 - 31) */
    static const uint8_t updates[] = {0x20, 0x3f, 0xe1, 0x0f};
    assert_memory_equal(f.payload, updates, sizeof updates);
    t_expect_get(&t, 1, "/");
    t_done(&t);
}

/* A connection error with many streams and a one-event queue: every stream
 * gets its RESET, then the ERROR comes, and nothing is allocated for it. */
static void many_resets_without_reservation(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.max_events = 1;
    h2t t;
    t_init(&t, &o, MODE(state));
    t_handshake(&t, NULL, 0);
    enum { N = 50 };
    for (int i = 0; i < N; i++)
        t_get(&t, "/");
    t_flush(&t);
    assert_int_equal(t.s->ev_cap, 1 + H2_EV_SLACK);
    size_t calls = t.tm.calls;
    srv_data(&t, 0, 0, "x", 1); /* DATA on stream 0: connection error */
    assert_int_equal(t_feed(&t), HYPER_EH2_STREAM_ID_ZERO);
    assert_int_equal(t.tm.calls, calls);
    for (int i = 0; i < N; i++)
        t_expect_reset(&t, 1 + 2 * i, HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR);
    t_expect_error(&t, HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR);
    assert_true(t_no_event(&t));
    t_done(&t);
}

/* GOAWAY refusing many queued streams, and our own GOAWAY dropping them:
 * RESETs after the GOAWAY event, lowest id first, none lost. */
static void goaway_refuses_many_queued(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.max_events = 2;
    for (int ours = 0; ours <= 1; ours++) {
        h2t t;
        t_init(&t, &o, MODE(state));
        hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 1}};
        t_handshake(&t, set, 1);
        enum { N = 30 };
        for (int i = 0; i < N; i++)
            t_get(&t, "/");
        t_expect_get(&t, 1, "/");
        if (ours) {
            assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, NULL, 0), HYPER_OK);
            t_drain_events(&t);
        } else {
            srv_goaway(&t, 1, HYPER_H2_NO_ERROR, NULL);
            assert_int_equal(t_feed(&t), 0);
            t_expect_event(&t, HYPER_EVENT_GOAWAY, 0);
        }
        int err = ours ? HYPER_EH2_SESSION_CLOSED : HYPER_EH2_REFUSED;
        uint32_t code = ours ? HYPER_H2_NO_ERROR : HYPER_H2_REFUSED_STREAM;
        for (int i = 1; i < N; i++)
            t_expect_reset(&t, 1 + 2 * i, err, code);
        assert_true(t_no_event(&t));
        assert_int_equal(hyper_h2_stream_count(t.s), 1);
        /* Stream 1 still completes. */
        srv_headers(&t, 1, EH | ES, ":status", "204", NULL);
        assert_int_equal(t_feed(&t), 0);
        t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
        t_expect_event(&t, HYPER_EVENT_END, 1);
        t_done(&t);
    }
}

#define BOTH(f) cmocka_unit_test_prestate(f, (void *)0), cmocka_unit_test_prestate(f, (void *)1)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(idle_connection_holds_no_buffer),
        cmocka_unit_test(open_stream_cost),
        cmocka_unit_test(split_frame_buffer_sized_and_released),
        cmocka_unit_test(goaway_debug_in_buffer),
        BOTH(buffer_failure_closes_cleanly),
        cmocka_unit_test(output_failure_closes_cleanly),
        cmocka_unit_test(encoder_failure_fails_submit_only),
        cmocka_unit_test(late_encoder_signals_table_changes),
        BOTH(many_resets_without_reservation),
        BOTH(goaway_refuses_many_queued),
    };
    return cmocka_run_group_tests_name("h2_memory", tests, NULL, NULL);
}
