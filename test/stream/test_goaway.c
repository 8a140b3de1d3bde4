/*
 * Tests for GOAWAY both ways (RFC 9113 §6.8), RST_STREAM from the server
 * (§6.4, §8.1), server push (§6.6, §8.4) and PRIORITY (§5.3.2). Scenarios
 * run whole and byte by byte.
 */
#include "h2_script.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

static void goaway_from_server(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 3}};
    t_handshake(&t, set, 1);
    for (int i = 0; i < 4; i++)
        t_get(&t, "/");
    t_expect_get(&t, 1, "/");
    t_expect_get(&t, 3, "/");
    t_expect_get(&t, 5, "/");
    srv_goaway(&t, 3, HYPER_H2_NO_ERROR, "bye now");
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_GOAWAY, 0);
    assert_int_equal(e->ev.last_stream_id, 3);
    assert_int_equal(e->ev.error_code, HYPER_H2_NO_ERROR);
    assert_int_equal(e->ev.len, 7);
    assert_memory_equal(t.data + e->data_off, "bye now", 7);
    /* Above last-stream-id: not processed, safe to retry (queued 7 too),
     * lowest id first. */
    t_expect_reset(&t, 5, HYPER_EH2_REFUSED, HYPER_H2_REFUSED_STREAM);
    t_expect_reset(&t, 7, HYPER_EH2_REFUSED, HYPER_H2_REFUSED_STREAM);
    assert_true(t_no_event(&t));
    assert_false(hyper_h2_is_usable(t.s));
    hyper_h2_request r = {"GET", "https", "a", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EH2_GOAWAY);
    /* Streams at or below it run to completion. */
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    srv_headers(&t, 3, EH, ":status", "404", NULL);
    srv_data(&t, 3, ES, "gone", 4);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 3);
    t_expect_event(&t, HYPER_EVENT_DATA, 3);
    t_expect_event(&t, HYPER_EVENT_END, 3);
    /* Late frames on the refused stream are ignored. */
    srv_headers(&t, 5, EH, ":status", "200", NULL);
    /* A second GOAWAY may lower last-stream-id, never raise it. */
    srv_goaway(&t, 1, HYPER_H2_NO_ERROR, NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_GOAWAY, 0);
    assert_true(t_no_event(&t));
    srv_goaway(&t, 3, HYPER_H2_NO_ERROR, NULL);
    assert_int_equal(t_feed(&t), HYPER_EH2_PROTOCOL);
    assert_true(t_no_frame(&t) == 0);
    t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
    t_done(&t);
}

/* A graceful shutdown first announces last-stream-id 2^31-1 (§6.8): it
 * covers every id, yet a receiver of GOAWAY MUST NOT open new streams, so a
 * request still queued behind MAX_CONCURRENT_STREAMS fails at once (safe to
 * retry) and never reaches the wire, even after a stream closes. */
static void goaway_max_id_drops_queued(void **state)
{
    h2t t;
    t_open_with_queued(&t, MODE(state));
    srv_goaway(&t, 0x7fffffffu, HYPER_H2_NO_ERROR, NULL);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(t_expect_event(&t, HYPER_EVENT_GOAWAY, 0)->ev.last_stream_id, 0x7fffffff);
    t_expect_reset(&t, 3, HYPER_EH2_REFUSED, HYPER_H2_REFUSED_STREAM);
    assert_true(t_no_event(&t));
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_true(t_no_event(&t));
    assert_true(t_no_frame(&t)); /* no HEADERS for stream 3 */
    assert_int_equal(hyper_h2_stream_count(t.s), 0);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 3), HYPER_H2_STATE_IDLE);
    t_done(&t);
}

static void our_goaway(void **state)
{
    h2t t;
    t_open_with_queued(&t, MODE(state));
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, (const uint8_t *)"done", 4),
                     HYPER_OK);
    t_frame f = t_expect(&t, HYPER_FRAME_GOAWAY, 0, 0);
    assert_int_equal(f.hd.length, 12);
    assert_memory_equal(f.payload + 8, "done", 4);
    t_drain_events(&t);
    t_expect_reset(&t, 3, HYPER_EH2_SESSION_CLOSED, HYPER_H2_NO_ERROR);
    assert_int_equal(hyper_h2_goaway(t.s, 0, NULL, 0), HYPER_EH2_SESSION_CLOSED);
    hyper_h2_request r = {"GET", "https", "a", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EH2_SESSION_CLOSED);
    /* The open stream still completes. */
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_drain_events(&t);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    t_done(&t);
}

/* Debug data that no frame could carry (past the output buffer, or past
 * the 16,384-octet frame size every peer accepts) is the caller's error:
 * HYPER_EINVAL, nothing sent, the session unchanged; a GOAWAY that fits
 * then goes out. */
static void goaway_debug_too_long(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.output_buffer_size = 4096;
    h2t t;
    t_open_get(&t, &o, MODE(state));
    static uint8_t dbg[20000];
    memset(dbg, 'x', sizeof dbg);
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, dbg, 4096 - 16), HYPER_EINVAL);
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, dbg, sizeof dbg), HYPER_EINVAL);
    assert_true(t_no_frame(&t));
    /* A session whose buffer holds more still stops at 16,376 octets. */
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, dbg, 4096 - 17), HYPER_OK);
    t_frame f = t_expect(&t, HYPER_FRAME_GOAWAY, 0, 0);
    assert_int_equal(f.hd.length, 8 + 4096 - 17);
    t_done(&t);

    o.output_buffer_size = 1u << 16;
    t_open_get(&t, &o, MODE(state));
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, dbg, 16384 - 7), HYPER_EINVAL);
    assert_int_equal(hyper_h2_goaway(t.s, HYPER_H2_NO_ERROR, dbg, 16384 - 8), HYPER_OK);
    f = t_expect(&t, HYPER_FRAME_GOAWAY, 0, 0);
    assert_int_equal(f.hd.length, 16384);
    t_done(&t);
}

/* Our GOAWAY on a connection error carries the error's name (§5.4.1). */
static void connection_error_debug_data(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_handshake(&t, NULL, 0);
    srv_window_update(&t, 0, 0x7fffffff);
    assert_int_equal(t_feed(&t), HYPER_EH2_FLOW_CONTROL);
    t_frame f = t_expect(&t, HYPER_FRAME_GOAWAY, 0, 0);
    const char *name = "HYPER_EH2_FLOW_CONTROL";
    assert_int_equal(f.hd.length, 8 + strlen(name));
    assert_memory_equal(f.payload + 8, name, strlen(name));
    t_expect_error(&t, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void rst_from_server(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_handshake(&t, NULL, 0);
    t_get(&t, "/");
    t_get(&t, "/");
    t_expect_get(&t, 1, "/");
    t_expect_get(&t, 3, "/");
    srv_rst(&t, 1, HYPER_H2_REFUSED_STREAM);
    srv_rst(&t, 3, HYPER_H2_CANCEL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_reset(&t, 1, HYPER_EH2_REFUSED, HYPER_H2_REFUSED_STREAM);
    t_expect_reset(&t, 3, HYPER_EH2_STREAM_RESET, HYPER_H2_CANCEL);
    /* §8.1: a complete response, then RST_STREAM NO_ERROR to stop our
     * upload: no error for the application. */
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, NULL, 0, 0};
    assert_int_equal(hyper_h2_submit(t.s, &r), 5);
    t_next_frame(&t);
    srv_headers(&t, 5, EH | ES, ":status", "413", NULL);
    srv_rst(&t, 5, HYPER_H2_NO_ERROR);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 5);
    t_expect_event(&t, HYPER_EVENT_END, 5);
    assert_true(t_no_event(&t));
    assert_int_equal(hyper_h2_stream_state_get(t.s, 5), HYPER_H2_STATE_CLOSED);
    assert_int_equal(hyper_h2_send_data(t.s, 5, (const uint8_t *)"x", 1, 1), HYPER_ENOTFOUND);
    t_done(&t);
}

/* Options with push on; a HYPER_CONFIG_NO_PUSH build has no push to test
 * (push_disabled and no_push_build cover it). */
static void push_opts(hyper_h2_options *o)
{
#ifdef HYPER_CONFIG_NO_PUSH
    skip();
#endif
    hyper_h2_options_init(o);
    o->enable_push = 1;
}

static void push_promise_accepted(void **state)
{
    hyper_h2_options o;
    push_opts(&o);
    h2t t;
    t_open_get(&t, &o, MODE(state));
    srv_push_promise(&t, 1, 2, EH, ":method", "GET", ":scheme", "https", ":authority",
                     "example.com", ":path", "/style.css", NULL);
    srv_headers(&t, 1, EH, ":status", "200", NULL);
    srv_headers(&t, 2, EH, ":status", "200", "content-type", "text/css", NULL);
    srv_data(&t, 2, ES, "body{}", 6);
    srv_data(&t, 1, ES, "<html>", 6);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_PUSH_PROMISE, 1);
    assert_int_equal(e->ev.promised_id, 2);
    size_t len;
    const char *v = t_header(e, ":path", &len);
    assert_non_null(v);
    assert_memory_equal(v, "/style.css", len);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 2);
    t_expect_event(&t, HYPER_EVENT_DATA, 2);
    t_expect_event(&t, HYPER_EVENT_END, 2);
    t_expect_event(&t, HYPER_EVENT_DATA, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 2), HYPER_H2_STATE_CLOSED);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void push_refused_by_application(void **state)
{
    hyper_h2_options o;
    push_opts(&o);
    h2t t;
    t_open_get(&t, &o, MODE(state));
    srv_promise(&t, 1, 2, "/x");
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_PUSH_PROMISE, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 2), HYPER_H2_STATE_RESERVED_REMOTE);
    assert_int_equal(hyper_h2_refuse_push(t.s, 2), HYPER_OK);
    t_expect_rst(&t, 2, HYPER_H2_CANCEL);
    assert_int_equal(hyper_h2_refuse_push(t.s, 2), HYPER_ENOTFOUND);
    assert_int_equal(hyper_h2_refuse_push(t.s, 1), HYPER_ENOTFOUND);
    srv_headers(&t, 2, EH, ":status", "200", NULL);
    srv_data(&t, 2, ES, "late", 4);
    assert_int_equal(t_feed(&t), 0);
    assert_true(t_no_event(&t));
    assert_true(t_no_frame(&t));
    t_done(&t);
}

/* Push off (our default): before the server acknowledged our SETTINGS a
 * promise is refused; after, it is a connection error (§8.4). (A server
 * turning push on, §6.5.2, is in test_settings.c.) */
static void push_disabled(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_get(&t, "/");
    t_expect_get(&t, 1, "/");
    hyper_frame_setting none[1];
    srv_settings(&t, none, 0);
    srv_promise(&t, 1, 2, "/x");
    assert_int_equal(t_feed(&t), 0);
    t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
    t_expect_rst(&t, 2, HYPER_H2_REFUSED_STREAM);
    t_expect_event(&t, HYPER_EVENT_SETTINGS, 0);
    assert_true(t_no_event(&t));
    srv_settings_ack(&t);
    srv_promise(&t, 1, 4, "/x");
    assert_int_equal(t_feed(&t), HYPER_EH2_PUSH_DISABLED);
    t_expect_goaway(&t, 2, HYPER_H2_PROTOCOL_ERROR);
    t_done(&t);
}

/* enable_push = 1 is an option only where push is compiled in. */
static void no_push_build(void **state)
{
    (void)state;
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.enable_push = 1;
    hyper_h2_session *s = NULL;
    int rc = hyper_h2_session_init(&s, NULL, &o);
#ifdef HYPER_CONFIG_NO_PUSH
    assert_int_equal(rc, HYPER_EINVAL);
    assert_null(s);
    o.enable_push = 0;
    assert_int_equal(hyper_h2_session_init(&s, NULL, &o), HYPER_OK);
    assert_int_equal(hyper_h2_refuse_push(s, 2), HYPER_ENOTFOUND);
#else
    assert_int_equal(rc, HYPER_OK);
    assert_non_null(s);
#endif
    hyper_h2_session_free(s);
}

static void push_violations(void **state)
{
    for (int c = 0; c < 5; c++) {
        hyper_h2_options o;
        push_opts(&o);
        h2t t;
        t_open_get(&t, &o, MODE(state));
        int err = HYPER_EH2_BAD_PUSH;
        switch (c) {
        case 0: /* odd promised id */
            srv_promise(&t, 1, 3, "/x");
            break;
        case 1: /* promised ids must increase */
            srv_promise(&t, 1, 4, "/x");
            srv_promise(&t, 1, 2, "/x");
            break;
        case 2: /* on a stream that does not exist */
            srv_promise(&t, 5, 2, "/x");
            err = HYPER_EH2_PROTOCOL;
            break;
        case 3: /* on a pushed stream */
            srv_promise(&t, 1, 2, "/x");
            srv_promise(&t, 2, 4, "/y");
            err = HYPER_EH2_PROTOCOL;
            break;
        case 4: /* DATA on a reserved stream (§5.1) */
            srv_promise(&t, 1, 2, "/x");
            srv_data(&t, 2, 0, "x", 1);
            err = HYPER_EH2_PROTOCOL;
            break;
        }
        assert_int_equal(t_feed(&t), err);
        t_flush(&t);
        t.out_pos = t.out_len - 9 - 8 - strlen(hyper_strerror_name(err));
        t_expect(&t, HYPER_FRAME_GOAWAY, 0, 0);
        t_done(&t);
    }
}

/* An invalid promised request (unsafe method, missing :authority) is a
 * stream error on the promised stream (§8.4); the application never hears
 * of the stream. */
static void bad_promised_request(void **state)
{
    hyper_h2_options o;
    push_opts(&o);
    h2t t;
    t_open_get(&t, &o, MODE(state));
    srv_push_promise(&t, 1, 2, EH, ":method", "POST", ":scheme", "https", ":authority",
                     "a", ":path", "/x", NULL);
    srv_push_promise(&t, 1, 4, EH, ":method", "GET", ":scheme", "https", ":path", "/x", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 2, HYPER_H2_PROTOCOL_ERROR);
    t_expect_rst(&t, 4, HYPER_H2_PROTOCOL_ERROR);
    assert_true(t_no_event(&t));
    assert_true(hyper_h2_is_usable(t.s));
    t_done(&t);
}

/* A connection error while a promise's header block is still arriving
 * (a frame interleaved before END_HEADERS, §6.10): the promised stream was
 * never announced, so only the request's stream gets a RESET event. Found
 * by fuzz_h2_frames (fuzz/regress/fuzz_h2_frames/f1-reset-unannounced-push). */
static void error_inside_promise_block(void **state)
{
    hyper_h2_options o;
    push_opts(&o);
    h2t t;
    t_open_get(&t, &o, MODE(state));
    srv_push_promise(&t, 1, 2, 0, ":method", "GET", ":scheme", "https", ":authority", "a",
                     ":path", "/x", NULL);
    srv_ping(&t, "pingpong", 0);
    assert_int_equal(t_feed(&t), HYPER_EH2_CONTINUATION);
    t_expect_reset(&t, 1, HYPER_EH2_CONTINUATION, HYPER_H2_PROTOCOL_ERROR);
    t_expect_error(&t, HYPER_EH2_CONTINUATION, HYPER_H2_PROTOCOL_ERROR);
    assert_true(t_no_event(&t));
    t_done(&t);
}

/* A promise on a stream we reset is refused, not an error (§6.6). */
static void push_on_reset_stream(void **state)
{
    hyper_h2_options o;
    push_opts(&o);
    h2t t;
    t_open_get(&t, &o, MODE(state));
    assert_int_equal(hyper_h2_reset_stream(t.s, 1, HYPER_H2_CANCEL), HYPER_OK);
    t_expect_rst(&t, 1, HYPER_H2_CANCEL);
    srv_promise(&t, 1, 2, "/x");
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 2, HYPER_H2_REFUSED_STREAM);
    assert_true(t_no_event(&t));
    t_done(&t);
}

static void priority_ignored(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    srv_priority(&t, 1, 0);
    srv_priority(&t, 3, 1); /* idle stream: allowed */
    srv_priority(&t, 1, 1); /* depends on itself: stream error (§5.3.1) */
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
    t_expect_reset(&t, 1, HYPER_EH2_PRIORITY_SELF, HYPER_H2_PROTOCOL_ERROR);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        BOTH(goaway_from_server),
        BOTH(goaway_max_id_drops_queued),
        BOTH(our_goaway),
        BOTH(goaway_debug_too_long),
        BOTH(connection_error_debug_data),
        BOTH(rst_from_server),
        BOTH(push_promise_accepted),
        BOTH(push_refused_by_application),
        BOTH(push_disabled),
        cmocka_unit_test(no_push_build),
        BOTH(push_violations),
        BOTH(bad_promised_request),
        BOTH(push_on_reset_stream),
        BOTH(error_inside_promise_block),
        BOTH(priority_ignored),
    };
    return cmocka_run_group_tests_name("h2_goaway_push", tests, NULL, NULL);
}
