/*
 * Tests for flow control both ways (RFC 9113 §5.2, §6.9) and SETTINGS
 * timing (§6.5.3): receive windows and the WINDOW_UPDATE policy, DATA past
 * a window, sending within the server's windows and frame size, queued
 * data released by WINDOW_UPDATE, negative windows after a SETTINGS
 * change, overflow past 2^31-1. Scenarios run whole and byte by byte.
 */
#include "h2_script.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

static uint8_t big[200000];

static void small_window_opts(hyper_h2_options *o)
{
    hyper_h2_options_init(o);
    o->initial_window_size = 100000;
    o->connection_window_size = 200000;
    o->window_update_percent = 50;
}

/* Sends a response head on stream 1 after a GET. */
static void open_response(h2t *t)
{
    t_get(t, "/");
    t_expect_get(t, 1, "/");
    t_handshake(t, NULL, 0);
    srv_headers(t, 1, EH, ":status", "200", NULL);
    assert_int_equal(t_feed(t), 0);
    t_expect_event(t, HYPER_EVENT_HEADERS, 1);
}

/* Reads the DATA events queued so far; returns the flow-controlled total. */
static size_t take_data(h2t *t, int32_t id)
{
    size_t flow = 0;
    while (t->ev_pos < t->nev && t->ev[t->ev_pos].ev.type == HYPER_EVENT_DATA) {
        const t_event *e = t_expect_event(t, HYPER_EVENT_DATA, id);
        flow += e->ev.flow_len;
    }
    return flow;
}

static void receive_window_policy(void **state)
{
    hyper_h2_options o;
    small_window_opts(&o);
    h2t t;
    t_init(&t, &o, MODE(state));
    t_get(&t, "/");
    t_expect_get(&t, 1, "/");
    /* Before the server acknowledges our SETTINGS the stream window is the
     * default 65535; the ACK moves it by the difference (§6.9.2). */
    assert_int_equal(hyper_h2_recv_window(t.s, 1), 65535);
    t_handshake(&t, NULL, 0);
    assert_int_equal(hyper_h2_recv_window(t.s, 1), 100000);
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 200000);
    srv_headers(&t, 1, EH, ":status", "200", NULL);
    srv_data(&t, 1, 0, big, 16000);
    srv_data(&t, 1, 0, big, 16000);
    srv_data_padded(&t, 1, 0, big, 1000, 99); /* 1100 flow-controlled octets */
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    assert_int_equal(take_data(&t, 1), 33100);
    assert_int_equal(hyper_h2_recv_window(t.s, 1), 100000 - 33100);
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 200000 - 33100);
    /* Consuming below the threshold (50% of the window) sends nothing. */
    assert_int_equal(hyper_h2_consume(t.s, 1, 33100), HYPER_OK);
    assert_true(t_no_frame(&t));
    assert_int_equal(hyper_h2_consume(t.s, 1, 1), HYPER_EINVAL);
    srv_data(&t, 1, 0, big, 16384);
    srv_data(&t, 1, 0, big, 516);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(take_data(&t, 1), 16900);
    assert_int_equal(hyper_h2_consume(t.s, 1, 16899), HYPER_OK);
    assert_true(t_no_frame(&t)); /* 49999 < 50000 */
    assert_int_equal(hyper_h2_consume(t.s, 1, 1), HYPER_OK);
    t_expect_window_update(&t, 1, 50000);
    assert_true(t_no_frame(&t)); /* connection: 50000 < 100000 */
    assert_int_equal(hyper_h2_recv_window(t.s, 1), 100000);
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 150000);
    /* A slow reader: the server may send one window and no more. */
    for (int i = 0; i < 6; i++)
        srv_data(&t, 1, 0, big, 16000);
    srv_data(&t, 1, 0, big, 4000);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(take_data(&t, 1), 100000);
    assert_int_equal(hyper_h2_recv_window(t.s, 1), 0);
    srv_data(&t, 1, 0, big, 1);
    assert_int_equal(t_feed(&t), 0);
    /* DATA past the stream window: stream error FLOW_CONTROL_ERROR, and the
     * octets still count for the connection (credited back at once). */
    t_expect_rst(&t, 1, HYPER_H2_FLOW_CONTROL_ERROR);
    t_expect_reset(&t, 1, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 150000 - 100001);
    /* Consumed after the reset: the connection gets its credit back. */
    assert_int_equal(hyper_h2_consume(t.s, 1, 100000), HYPER_OK);
    t_expect_window_update(&t, 0, 150001); /* 50000 earlier + 100000 + 1 */
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 200000);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void data_past_connection_window(void **state)
{
    hyper_h2_options o;
    small_window_opts(&o);
    o.connection_window_size = 65535;
    o.initial_window_size = 200000;
    h2t t;
    t_init(&t, &o, MODE(state));
    open_response(&t);
    for (int i = 0; i < 4; i++)
        srv_data(&t, 1, 0, big, 16000);
    srv_data(&t, 1, 0, big, 1536); /* 65536 */
    assert_int_equal(t_feed(&t), HYPER_EH2_FLOW_CONTROL);
    t_expect_goaway(&t, 0, HYPER_H2_FLOW_CONTROL_ERROR);
    assert_int_equal(take_data(&t, 1), 64000);
    t_expect_reset(&t, 1, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
    t_expect_error(&t, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
    t_done(&t);
}

/* Sending: never past min(connection, stream) window or the server's
 * SETTINGS_MAX_FRAME_SIZE; the rest waits for WINDOW_UPDATE. */
static void send_within_windows(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, big, 100000, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_next_frame(&t); /* HEADERS */
    size_t sent = 0;
    for (int i = 0; i < 4; i++) {
        t_frame f = t_expect(&t, HYPER_FRAME_DATA, 0, 1);
        assert_int_equal(f.hd.length, i < 3 ? 16384 : 16383);
        assert_memory_equal(f.payload, big + sent, f.hd.length);
        sent += f.hd.length;
    }
    assert_true(t_no_frame(&t));
    assert_int_equal(hyper_h2_send_window(t.s, 0), 0);
    assert_int_equal(hyper_h2_send_window(t.s, 1), 0);
    assert_true(!hyper_h2_want_write(t.s));
    /* The server's SETTINGS: bigger frames, a smaller initial window: the
     * stream window goes negative (§6.9.2). */
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_FRAME_SIZE, 40000},
                                 {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 1000}};
    t_handshake(&t, set, 2);
    assert_int_equal(hyper_h2_send_window(t.s, 1), 1000 - 65535);
    srv_window_update(&t, 0, 100000);
    assert_int_equal(t_feed(&t), 0);
    assert_true(t_no_frame(&t)); /* stream window still negative */
    srv_window_update(&t, 1, 64535 + 50000);
    assert_int_equal(t_feed(&t), 0);
    t_frame f = t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_int_equal(f.hd.length, 34465); /* the rest, in one frame: 40000 allowed */
    assert_memory_equal(f.payload, big + 65535, 34465);
    assert_int_equal(hyper_h2_send_window(t.s, 1), 50000 - 34465);
    t_done(&t);
}

static void send_window_release_and_end(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_frame_setting set[] = {{HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 10}};
    t_handshake(&t, set, 1);
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, (const uint8_t *)"0123456789abcdef", 16, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_next_frame(&t);
    t_frame f = t_expect(&t, HYPER_FRAME_DATA, 0, 1);
    assert_int_equal(f.hd.length, 10);
    assert_true(t_no_frame(&t));
    srv_window_update(&t, 1, 6);
    assert_int_equal(t_feed(&t), 0);
    f = t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_memory_equal(f.payload, "abcdef", 6);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_HALF_CLOSED_LOCAL);
    t_done(&t);
}

/* §6.9.1: a window past 2^31-1 is a FLOW_CONTROL_ERROR: of the connection
 * for stream 0, of the stream otherwise. §6.9.2: also through SETTINGS. */
static void window_overflow(void **state)
{
    for (int c = 0; c < 3; c++) {
        h2t t;
        t_open_get(&t, NULL, MODE(state));
        if (c == 0) {
            srv_window_update(&t, 0, 0x7fffffffu - 65535 + 1);
            assert_int_equal(t_feed(&t), HYPER_EH2_FLOW_CONTROL);
            t_expect_goaway(&t, 0, HYPER_H2_FLOW_CONTROL_ERROR);
            t_expect_reset(&t, 1, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
            t_expect_error(&t, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
        } else if (c == 1) {
            srv_window_update(&t, 1, 0x7fffffffu - 65535); /* exactly 2^31-1: fine */
            srv_window_update(&t, 1, 1);
            assert_int_equal(t_feed(&t), 0);
            t_expect_rst(&t, 1, HYPER_H2_FLOW_CONTROL_ERROR);
            t_expect_reset(&t, 1, HYPER_EH2_FLOW_CONTROL, HYPER_H2_FLOW_CONTROL_ERROR);
            assert_true(hyper_h2_is_usable(t.s));
        } else {
            srv_window_update(&t, 1, 0x7fffffffu - 65535);
            hyper_frame_setting set[] = {{HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 65536}};
            srv_settings(&t, set, 1);
            assert_int_equal(t_feed(&t), HYPER_EH2_FLOW_CONTROL);
            t_expect_goaway(&t, 0, HYPER_H2_FLOW_CONTROL_ERROR);
        }
        t_done(&t);
    }
}

/* WINDOW_UPDATE of 0: stream error on a stream, connection error on 0. */
static void window_update_zero(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    srv_window_update(&t, 1, 0);
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
    t_expect_reset(&t, 1, HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_H2_PROTOCOL_ERROR);
    /* On a stream we reset: ignored like every late frame there (§5.1). */
    t_get(&t, "/2");
    t_expect_get(&t, 3, "/2");
    assert_int_equal(hyper_h2_reset_stream(t.s, 3, HYPER_H2_CANCEL), HYPER_OK);
    t_expect_rst(&t, 3, HYPER_H2_CANCEL);
    srv_window_update(&t, 3, 0);
    assert_int_equal(t_feed(&t), 0);
    assert_true(t_no_frame(&t));
    assert_true(t_no_event(&t));
    srv_window_update(&t, 0, 0);
    assert_int_equal(t_feed(&t), HYPER_EH2_WINDOW_UPDATE_ZERO);
    t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
    t_done(&t);
}

/* WINDOW_UPDATE of 0 on a stream that never opened (never used, or still
 * queued) is first of all a frame on an idle stream: connection error
 * PROTOCOL_ERROR (§5.1), not a silent no-op. */
static void window_update_zero_on_idle(void **state)
{
    for (int c = 0; c < 2; c++) {
        h2t t;
        t_open_with_queued(&t, MODE(state));
        srv_window_update(&t, c == 0 ? 3 : 9, 0);
        assert_int_equal(t_feed(&t), HYPER_EH2_IDLE_STREAM);
        t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
        t_expect_reset(&t, 1, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
        t_expect_reset(&t, 3, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
        t_expect_error(&t, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
        t_done(&t);
    }
}

/* A fast reader never stalls: 1 MiB through a 64 KiB window, consuming as
 * it goes, with the window never at zero when the next DATA arrives. */
static void fast_reader_never_stalls(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.initial_window_size = 65535;
    o.connection_window_size = 65535;
    h2t t;
    t_init(&t, &o, MODE(state));
    t.auto_consume = 1;
    open_response(&t);
    size_t total = 0;
    while (total < (1u << 20)) {
        /* The server sends whatever the windows allow. */
        int64_t w = hyper_h2_recv_window(t.s, 1);
        int64_t c = hyper_h2_recv_window(t.s, 0);
        size_t n = (size_t)(w < c ? w : c);
        assert_true(n >= 32767); /* at least half a window always open */
        if (n > 16384)
            n = 16384;
        srv_data(&t, 1, 0, big, n);
        assert_int_equal(t_feed(&t), 0);
        t_flush(&t);
        /* Apply our WINDOW_UPDATEs as the server would. */
        while (!t_no_frame(&t))
            t_next_frame(&t);
        total += n;
    }
    t_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        BOTH(receive_window_policy),
        BOTH(data_past_connection_window),
        BOTH(send_within_windows),
        BOTH(send_window_release_and_end),
        BOTH(window_overflow),
        BOTH(window_update_zero),
        BOTH(window_update_zero_on_idle),
        cmocka_unit_test_prestate(fast_reader_never_stalls, &WHOLE),
    };
    return cmocka_run_group_tests_name("h2_flow", tests, NULL, NULL);
}
