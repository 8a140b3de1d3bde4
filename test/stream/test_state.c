/*
 * Tests for the stream state machine (RFC 9113 §5.1): the table checked
 * over every (state, input) pair against the RFC's rules written out here
 * independently; then scripted transitions through the public API with the
 * frames a server sends in each state, closed streams remembered or
 * forgotten, idle streams, MAX_CONCURRENT_STREAMS queueing, stream id
 * exhaustion, resets by the application.
 */
#include "h2_script.h"
#include "stream/h2_internal.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

enum { OK_, CONN, SCLOSED, LOCAL };
struct expect {
    int kind;
    int next; /* when OK_ */
};

/* The RFC, from the client's side (§5.1 figure 2 and the state texts). */
static struct expect rfc(int st, int in)
{
    struct expect e = {LOCAL, 0};
    int recv = in >= H2_IN_RECV_PUSH_PROMISE;
    if (recv)
        e.kind = CONN; /* default for receiving: not allowed */
    switch (st) {
    case HYPER_H2_STATE_IDLE:
        if (in == H2_IN_SEND_HEADERS) e = (struct expect){OK_, HYPER_H2_STATE_OPEN};
        if (in == H2_IN_RECV_PUSH_PROMISE) e = (struct expect){OK_, HYPER_H2_STATE_RESERVED_REMOTE};
        break;
    case HYPER_H2_STATE_RESERVED_REMOTE:
        if (in == H2_IN_SEND_RST || in == H2_IN_RECV_RST) e = (struct expect){OK_, HYPER_H2_STATE_CLOSED};
        if (in == H2_IN_RECV_HEADERS) e = (struct expect){OK_, HYPER_H2_STATE_HALF_CLOSED_LOCAL};
        break;
    case HYPER_H2_STATE_OPEN:
        if (in == H2_IN_SEND_END_STREAM) e = (struct expect){OK_, HYPER_H2_STATE_HALF_CLOSED_LOCAL};
        if (in == H2_IN_RECV_END_STREAM) e = (struct expect){OK_, HYPER_H2_STATE_HALF_CLOSED_REMOTE};
        if (in == H2_IN_RECV_HEADERS || in == H2_IN_RECV_DATA) e = (struct expect){OK_, st};
        if (in == H2_IN_SEND_RST || in == H2_IN_RECV_RST) e = (struct expect){OK_, HYPER_H2_STATE_CLOSED};
        break;
    case HYPER_H2_STATE_HALF_CLOSED_LOCAL:
        if (in == H2_IN_RECV_HEADERS || in == H2_IN_RECV_DATA) e = (struct expect){OK_, st};
        if (in == H2_IN_RECV_END_STREAM || in == H2_IN_SEND_RST || in == H2_IN_RECV_RST)
            e = (struct expect){OK_, HYPER_H2_STATE_CLOSED};
        break;
    case HYPER_H2_STATE_HALF_CLOSED_REMOTE:
        if (in == H2_IN_SEND_END_STREAM || in == H2_IN_SEND_RST || in == H2_IN_RECV_RST)
            e = (struct expect){OK_, HYPER_H2_STATE_CLOSED};
        if (in == H2_IN_RECV_HEADERS || in == H2_IN_RECV_DATA || in == H2_IN_RECV_END_STREAM)
            e = (struct expect){SCLOSED, 0};
        break;
    case HYPER_H2_STATE_CLOSED:
        if (in == H2_IN_RECV_RST) e = (struct expect){OK_, HYPER_H2_STATE_CLOSED};
        if (in == H2_IN_RECV_HEADERS || in == H2_IN_RECV_DATA || in == H2_IN_RECV_END_STREAM)
            e = (struct expect){SCLOSED, 0};
        break;
    default: /* reserved (local): a client never gets there */
        break;
    }
    return e;
}

static void table_matches_rfc_for_every_pair(void **state)
{
    (void)state;
    for (int st = 0; st <= HYPER_H2_STATE_CLOSED; st++) {
        for (int in = 0; in < H2_IN_COUNT; in++) {
            h2_stream s;
            memset(&s, 0, sizeof s);
            s.state = (uint8_t)st;
            struct expect e = rfc(st, in);
            int rc = h2_stream_check(&s, (enum h2_input)in);
            switch (e.kind) {
            case OK_: assert_int_equal(rc, HYPER_OK); break;
            case CONN:
                assert_true(rc == HYPER_EH2_PROTOCOL || rc == HYPER_EH2_IDLE_STREAM);
                assert_int_equal(rc == HYPER_EH2_IDLE_STREAM, st == HYPER_H2_STATE_IDLE);
                break;
            case SCLOSED: assert_int_equal(rc, HYPER_EH2_STREAM_CLOSED); break;
            default: assert_int_equal(rc, HYPER_ESTATE); break;
            }
            if (e.kind != OK_ || e.next == HYPER_H2_STATE_CLOSED || st == HYPER_H2_STATE_CLOSED)
                continue;
            /* Apply on a real session to see the state written. */
            hyper_h2_session *sess;
            assert_int_equal(hyper_h2_session_init(&sess, NULL, NULL), HYPER_OK);
            h2_stream *p;
            assert_int_equal(h2_stream_new(sess, 1, &p), HYPER_OK);
            sess->n_local++;
            p->state = (uint8_t)st;
            assert_int_equal(h2_stream_apply(sess, p, (enum h2_input)in), HYPER_OK);
            assert_int_equal(p->state, e.next);
            hyper_h2_session_free(sess);
        }
    }
}

/* A request whose body is still open: the server's responses walk it
 * through open -> half-closed (remote) -> closed; a frame after the
 * server's END_STREAM is a stream error STREAM_CLOSED (§5.1). */
static void open_half_closed_remote_closed(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, NULL, 0, 0};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_next_frame(&t);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_OPEN);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_HALF_CLOSED_REMOTE);
    /* We may still send (and WINDOW_UPDATE may still come). */
    srv_window_update(&t, 1, 100);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(hyper_h2_send_window(t.s, 1), 65635);
    srv_data(&t, 1, 0, "x", 1);
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 1, HYPER_H2_STREAM_CLOSED);
    t_expect_reset(&t, 1, HYPER_EH2_STREAM_CLOSED, HYPER_H2_STREAM_CLOSED);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_CLOSED);
    assert_true(hyper_h2_is_usable(t.s));
    t_done(&t);
}

static void our_end_after_theirs_closes(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, NULL, 0, 0};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_next_frame(&t);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(hyper_h2_send_data(t.s, 1, (const uint8_t *)"end", 3, 1), 3);
    t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_CLOSED);
    /* Closed by both END_STREAMs: WINDOW_UPDATE and RST_STREAM may still
     * come; DATA is a connection error STREAM_CLOSED. */
    srv_window_update(&t, 1, 5);
    srv_rst(&t, 1, HYPER_H2_NO_ERROR);
    assert_int_equal(t_feed(&t), 0);
    assert_true(t_no_frame(&t));
    srv_data(&t, 1, 0, "late", 4);
    assert_int_equal(t_feed(&t), HYPER_EH2_STREAM_CLOSED);
    t_expect_goaway(&t, 0, HYPER_H2_STREAM_CLOSED);
    t_done(&t);
}

/* Closed by our RST_STREAM: everything that follows is ignored (§5.1), and
 * DATA still counts for the connection window, credited back at once. */
static void closed_by_our_reset_ignores_late_frames(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    assert_int_equal(hyper_h2_reset_stream(t.s, 1, HYPER_H2_CANCEL), HYPER_OK);
    t_expect_rst(&t, 1, HYPER_H2_CANCEL);
    assert_int_equal(hyper_h2_reset_stream(t.s, 1, HYPER_H2_CANCEL), HYPER_ENOTFOUND);
    srv_headers(&t, 1, EH, ":status", "200", "x", "y", NULL);
    srv_data(&t, 1, 0, "late", 4);
    srv_window_update(&t, 1, 9);
    srv_headers(&t, 1, EH | ES, "t", "1", NULL);
    assert_int_equal(t_feed(&t), 0);
    assert_true(t_no_event(&t));
    assert_true(t_no_frame(&t));
    assert_int_equal(hyper_h2_recv_window(t.s, 0), 1048576 - 4);
    assert_true(hyper_h2_is_usable(t.s));
    t_done(&t);
}

/* Closed by the server's RST_STREAM: later frames (but RST_STREAM) are a
 * stream error STREAM_CLOSED; no further event for the stream. */
static void closed_by_their_reset(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    srv_rst(&t, 1, HYPER_H2_INTERNAL_ERROR);
    assert_int_equal(t_feed(&t), 0);
    t_expect_reset(&t, 1, HYPER_EH2_STREAM_RESET, HYPER_H2_INTERNAL_ERROR);
    srv_data(&t, 1, 0, "x", 1);
    srv_window_update(&t, 1, 1);
    srv_rst(&t, 1, HYPER_H2_CANCEL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 1, HYPER_H2_STREAM_CLOSED);
    t_expect_rst(&t, 1, HYPER_H2_STREAM_CLOSED);
    assert_true(t_no_frame(&t));
    assert_true(t_no_event(&t));
    t_done(&t);
}

/* Beyond the closed-stream memory a stream is "closed long ago": DATA gets
 * a stream error STREAM_CLOSED instead of a connection error. */
static void forgotten_closed_stream(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.max_closed_streams = 1;
    h2t t;
    t_init(&t, &o, MODE(state));
    t_get(&t, "/a");
    t_get(&t, "/b");
    t_expect_get(&t, 1, "/a");
    t_expect_get(&t, 3, "/b");
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "200", NULL);
    srv_headers(&t, 3, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    srv_data(&t, 1, 0, "x", 1); /* 1 is forgotten (memory holds only 3) */
    assert_int_equal(t_feed(&t), 0);
    t_expect_rst(&t, 1, HYPER_H2_STREAM_CLOSED);
    srv_data(&t, 3, 0, "x", 1); /* 3 is remembered: both ended */
    assert_int_equal(t_feed(&t), HYPER_EH2_STREAM_CLOSED);
    t_expect_goaway(&t, 0, HYPER_H2_STREAM_CLOSED);
    t_done(&t);
}

/* Frames on streams that were never opened: connection PROTOCOL_ERROR,
 * except PRIORITY, which is allowed on idle streams (§5.1, §6.3). */
static void idle_streams(void **state)
{
    for (int c = 0; c < 6; c++) {
        h2t t;
        t_init(&t, NULL, MODE(state));
        t_get(&t, "/");
        t_get(&t, "/queued");
        t_expect_get(&t, 1, "/");
        t_expect_get(&t, 3, "/queued");
        hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 2}};
        t_handshake(&t, set, 1);
        t_get(&t, "/never-sent"); /* 5: queued behind MAX_CONCURRENT_STREAMS */
        assert_true(t_no_frame(&t));
        assert_int_equal(hyper_h2_stream_state_get(t.s, 5), HYPER_H2_STATE_IDLE);
        switch (c) {
        case 0: srv_headers(&t, 7, EH, ":status", "200", NULL); break;
        case 1: srv_data(&t, 9, 0, "x", 1); break;
        case 2: srv_window_update(&t, 11, 1); break;
        case 3: srv_rst(&t, 4, HYPER_H2_CANCEL); break;
        case 4: srv_headers(&t, 5, EH, ":status", "200", NULL); break; /* queued */
        case 5: srv_priority(&t, 13, 1); break;
        }
        if (c == 5) {
            assert_int_equal(t_feed(&t), 0);
            assert_true(t_no_frame(&t));
        } else {
            assert_int_equal(t_feed(&t), HYPER_EH2_IDLE_STREAM);
            t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
            t_expect_reset(&t, 1, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
            t_expect_reset(&t, 3, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
            t_expect_reset(&t, 5, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
            t_expect_error(&t, HYPER_EH2_IDLE_STREAM, HYPER_H2_PROTOCOL_ERROR);
        }
        t_done(&t);
    }
}

/* MAX_CONCURRENT_STREAMS: requests beyond it wait and start, in order, as
 * streams close; the limit can change with a later SETTINGS. */
static void concurrency_limit_queues(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 2}};
    t_handshake(&t, set, 1);
    for (int i = 0; i < 5; i++)
        assert_int_equal(t_get(&t, "/"), 1 + 2 * i);
    t_expect_get(&t, 1, "/");
    t_expect_get(&t, 3, "/");
    assert_true(t_no_frame(&t));
    srv_headers(&t, 3, EH | ES, ":status", "200", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_get(&t, 5, "/");
    assert_true(t_no_frame(&t));
    /* A queued request dropped by the application never reaches the wire. */
    assert_int_equal(hyper_h2_reset_stream(t.s, 7, HYPER_H2_CANCEL), HYPER_OK);
    set[0].value = 10;
    srv_settings(&t, set, 1);
    assert_int_equal(t_feed(&t), 0);
    t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
    t_expect_get(&t, 9, "/");
    assert_true(t_no_frame(&t));
    assert_int_equal(hyper_h2_stream_state_get(t.s, 7), HYPER_H2_STATE_CLOSED);
    t_done(&t);
}

static void stream_ids_run_out(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    t.s->next_id = 0x7fffffffu; /* the last odd id */
    assert_int_equal(t_get(&t, "/"), 0x7fffffff);
    assert_false(hyper_h2_is_usable(t.s));
    hyper_h2_request r = {"GET", "https", "a", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EH2_IDS_EXHAUSTED);
    t_expect_get(&t, 0x7fffffff, "/");
    t_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        cmocka_unit_test(table_matches_rfc_for_every_pair),
        BOTH(open_half_closed_remote_closed),
        BOTH(our_end_after_theirs_closes),
        BOTH(closed_by_our_reset_ignores_late_frames),
        BOTH(closed_by_their_reset),
        BOTH(forgotten_closed_stream),
        BOTH(idle_streams),
        BOTH(concurrency_limit_queues),
        cmocka_unit_test(stream_ids_run_out),
    };
    return cmocka_run_group_tests_name("h2_state", tests, NULL, NULL);
}
