/*
 * Tests for the guards against a hostile server (RFC 9113 §10.5), each a
 * configurable bound: queued PING/SETTINGS ACKs, empty frames, CONTINUATION
 * count, header list size (HPACK bomb), RST_STREAM flood, pushed streams,
 * our stream count, the event queue and output buffer (backpressure),
 * the per-stream send queue; and memory that stays bounded whatever the
 * server sends. The guards on received frames run whole and byte by byte.
 */
#include "h2_script.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

static void opts_with(hyper_h2_options *o)
{
    hyper_h2_options_init(o);
}

static void expect_calm(h2t *t, long rc)
{
    assert_int_equal(rc, HYPER_EH2_CALM);
    t_flush(t);
    t_frame f = t_next_frame(t);
    while (f.hd.type != HYPER_FRAME_GOAWAY)
        f = t_next_frame(t);
    assert_int_equal(hyper_get_u32(f.payload + 4), HYPER_H2_ENHANCE_YOUR_CALM);
    assert_false(hyper_h2_is_usable(t->s));
}

/* PING flood: the caller does not send, the server keeps pinging. */
static void ping_flood(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_queued_acks = 3;
    h2t t;
    t_init(&t, &o, MODE(state));
    t_handshake(&t, NULL, 0);
    t.no_flush = 1;
    for (int i = 0; i < 3; i++)
        srv_ping(&t, "pingpong", 0);
    assert_int_equal(t_feed(&t), 0); /* three unsent ACKs: at the bound */
    srv_ping(&t, "pingpong", 0);
    expect_calm(&t, t_feed(&t));
    t_done(&t);
}

/* The same flood is harmless when ACKs are sent as they come. */
static void ping_answered_no_flood(void **state)
{
    (void)state;
    hyper_h2_options o;
    opts_with(&o);
    o.max_queued_acks = 3;
    h2t t;
    t_init(&t, &o, 1); /* byte-wise: output is taken after every call */
    t_handshake(&t, NULL, 0);
    for (int i = 0; i < 50; i++)
        srv_ping(&t, "pingpong", 0);
    assert_int_equal(t_feed(&t), 0);
    for (int i = 0; i < 50; i++)
        t_expect(&t, HYPER_FRAME_PING, HYPER_FRAME_FLAG_ACK, 0);
    t_done(&t);
}

/* A burst of PINGs in one write, answered between recv calls: recv pauses
 * at the ACK bound instead of failing, so every PING gets its ACK. */
static void ping_burst_in_one_write(void **state)
{
    (void)state;
    hyper_h2_options o;
    opts_with(&o);
    o.max_queued_acks = 4;
    h2t t;
    t_init(&t, &o, 0); /* whole: all 40 PINGs offered to one recv call */
    t_handshake(&t, NULL, 0);
    for (int i = 0; i < 40; i++)
        srv_ping(&t, "pingpong", 0);
    assert_int_equal(t_feed(&t), 0);
    for (int i = 0; i < 40; i++)
        t_expect(&t, HYPER_FRAME_PING, HYPER_FRAME_FLAG_ACK, 0);
    assert_true(hyper_h2_is_usable(t.s));
    t_done(&t);
}

static void settings_flood(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_queued_acks = 2;
    h2t t;
    t_init(&t, &o, MODE(state));
    t.no_flush = 1;
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_FRAME_SIZE, 20000}};
    for (int i = 0; i < 3; i++)
        srv_settings(&t, set, 1);
    expect_calm(&t, t_feed(&t));
    t_done(&t);
}

static void empty_frame_flood(void **state)
{
    for (int c = 0; c < 3; c++) {
        hyper_h2_options o;
        opts_with(&o);
        o.max_empty_frames = 4;
        h2t t;
        t_open_get(&t, &o, MODE(state));
        if (c == 0) {
            srv_headers(&t, 1, EH, ":status", "200", NULL);
            for (int i = 0; i < 4; i++)
                srv_data(&t, 1, 0, NULL, 0);
            srv_data(&t, 1, 0, "x", 1); /* resets the count */
            for (int i = 0; i < 4; i++)
                srv_data(&t, 1, 0, NULL, 0);
            assert_int_equal(t_feed(&t), 0);
            srv_data(&t, 1, 0, NULL, 0);
        } else if (c == 1) {
            srv_headers_raw(&t, 1, 0, NULL, 0);
            for (int i = 0; i < 4; i++)
                srv_continuation(&t, 1, 0, NULL, 0);
        } else {
            for (int i = 0; i < 5; i++)
                srv_headers_raw(&t, 1, EH, NULL, 0); /* END_HEADERS: not empty... */
            /* ...each is a malformed response: the first resets stream 1 and
             * the rest land on a closed stream and are ignored. */
            assert_int_equal(t_feed(&t), 0);
            t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
            assert_true(t_no_frame(&t));
            t_done(&t);
            continue;
        }
        expect_calm(&t, t_feed(&t));
        t_done(&t);
    }
}

static void continuation_bound(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_continuations = 3;
    h2t t;
    t_open_get(&t, &o, MODE(state));
    uint8_t block[64];
    size_t n = srv_block(&t, block, sizeof block, ":status", "200", "a", "b", NULL);
    srv_headers_raw(&t, 1, 0, block, 1);
    for (size_t i = 1; i < 4; i++)
        srv_continuation(&t, 1, 0, block + i, 1);
    srv_continuation(&t, 1, EH, block + 4, n - 4);
    expect_calm(&t, t_feed(&t));
    t_done(&t);
}

/* A header list past our SETTINGS_MAX_HEADER_LIST_SIZE: HPACK stops, and
 * since its state is then lost the connection ends (COMPRESSION_ERROR). */
static void header_list_bound(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_header_list_size = 200;
    h2t t;
    t_open_get(&t, &o, MODE(state));
    static char v[300];
    memset(v, 'a', sizeof v - 1);
    srv_headers(&t, 1, EH, ":status", "200", "x-bomb", v, NULL);
    long rc = t_feed(&t);
    assert_true(rc == HYPER_EHPACK_LIST_SIZE || rc == HYPER_EHPACK_FIELD_SIZE);
    t_expect_goaway(&t, 0, HYPER_H2_COMPRESSION_ERROR);
    t_done(&t);
}

/* The HPACK bomb (RFC 9113 §10.5.1, RFC 7541 §7.3): one 4000-octet entry
 * enters the dynamic table, then a block of 1-octet references to it would
 * expand to 100 x 4038 octets. Decoding stops at max_header_list_size and
 * the connection ends (COMPRESSION_ERROR); memory never grows past the
 * bound. */
static void hpack_bomb(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_handshake(&t, NULL, 0);
    t_get(&t, "/");
    t_get(&t, "/2");
    t_expect_get(&t, 1, "/");
    t_expect_get(&t, 3, "/2");
    /* :status 200 (static 8), then x-bomb: 4000 x 'a' with incremental
     * indexing (0x40, name length 6, value length 4000 = 0x7f 0xa1 0x1e). */
    static uint8_t block[1 + 1 + 1 + 6 + 3 + 4000];
    size_t n = 0;
    block[n++] = 0x88;
    block[n++] = 0x40;
    block[n++] = 6;
    memcpy(block + n, "x-bomb", 6);
    n += 6;
    block[n++] = 0x7f;
    block[n++] = 0xa1;
    block[n++] = 0x1e;
    memset(block + n, 'a', 4000);
    n += 4000;
    srv_headers_raw(&t, 1, EH | ES, block, n);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    size_t before = t.tm.peak;
    uint8_t bomb[101];
    bomb[0] = 0x88;
    memset(bomb + 1, 0x80 | 62, 100); /* index 62: the entry just added */
    srv_headers_raw(&t, 3, EH | ES, bomb, sizeof bomb);
    assert_int_equal(t_feed(&t), HYPER_EHPACK_LIST_SIZE);
    t_expect_goaway(&t, 0, HYPER_H2_COMPRESSION_ERROR);
    t_expect_reset(&t, 3, HYPER_EHPACK_LIST_SIZE, HYPER_H2_COMPRESSION_ERROR);
    t_expect_error(&t, HYPER_EHPACK_LIST_SIZE, HYPER_H2_COMPRESSION_ERROR);
    /* At most one header list's worth (65536) more than before, with the
     * map's doubling slack: nowhere near the 400 KB the block claims. */
    assert_true(t.tm.peak - before < 2 * 65536 + 8192);
    t_done(&t);
}

static void rst_flood(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_rst_received = 5;
    h2t t;
    t_init(&t, &o, MODE(state));
    t_handshake(&t, NULL, 0);
    for (int i = 0; i < 4; i++)
        t_get(&t, "/");
    t_flush(&t);
    /* A complete response resets the count. */
    srv_rst(&t, 1, HYPER_H2_CANCEL);
    srv_rst(&t, 1, HYPER_H2_CANCEL);
    srv_rst(&t, 1, HYPER_H2_CANCEL);
    srv_headers(&t, 3, EH | ES, ":status", "200", NULL);
    for (int i = 0; i < 5; i++)
        srv_rst(&t, 5, HYPER_H2_CANCEL);
    assert_int_equal(t_feed(&t), 0);
    srv_rst(&t, 7, HYPER_H2_CANCEL);
    expect_calm(&t, t_feed(&t));
    t_done(&t);
}

static void pushed_stream_bound(void **state)
{
    hyper_h2_options o;
#ifdef HYPER_CONFIG_NO_PUSH
    skip(); /* no push in this build */
#endif
    opts_with(&o);
    o.enable_push = 1;
    o.max_pushed_streams = 2;
    h2t t;
    t_open_get(&t, &o, MODE(state));
    for (uint32_t id = 2; id <= 8; id += 2)
        srv_promise(&t, 1, id, "/p");
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_PUSH_PROMISE, 1);
    t_expect_event(&t, HYPER_EVENT_PUSH_PROMISE, 1);
    assert_true(t_no_event(&t));
    t_expect_rst(&t, 6, HYPER_H2_REFUSED_STREAM);
    t_expect_rst(&t, 8, HYPER_H2_REFUSED_STREAM);
    /* One push done: room for the next. */
    srv_headers(&t, 2, EH | ES, ":status", "200", NULL);
    srv_promise(&t, 1, 10, "/p");
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 2);
    t_expect_event(&t, HYPER_EVENT_END, 2);
    assert_int_equal(t_expect_event(&t, HYPER_EVENT_PUSH_PROMISE, 1)->ev.promised_id, 10);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void our_stream_bound_and_send_queue(void **state)
{
    (void)state;
    hyper_h2_options o;
    opts_with(&o);
    o.max_streams = 2;
    o.stream_send_buffer = 10;
    h2t t;
    t_init(&t, &o, 0);
    hyper_h2_request r = {"POST", "https", "a", "/", NULL, 0, NULL, 0, 0};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    assert_int_equal(hyper_h2_submit(t.s, &r), 3);
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_ELIMIT);
    assert_int_equal(hyper_h2_send_data(t.s, 1, (const uint8_t *)"0123456789ab", 12, 1), 10);
    assert_int_equal(hyper_h2_send_data(t.s, 1, (const uint8_t *)"x", 1, 0), 0);
    t_next_frame(&t);
    t_next_frame(&t);
    t_frame f = t_expect(&t, HYPER_FRAME_DATA, 0, 1);
    assert_int_equal(f.hd.length, 10);
    assert_int_equal(hyper_h2_send_data(t.s, 1, (const uint8_t *)"ab", 2, 1), 2);
    f = t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_memory_equal(f.payload, "ab", 2);
    assert_int_equal(hyper_h2_reset_stream(t.s, 3, HYPER_H2_CANCEL), HYPER_OK);
    assert_int_equal(hyper_h2_submit(t.s, &r), 5);
    t_done(&t);
}

/* Backpressure: recv stops when max_events events wait or the output
 * buffer is full, and continues once they are drained. */
static void event_queue_and_output_backpressure(void **state)
{
    (void)state;
    hyper_h2_options o;
    opts_with(&o);
    o.max_events = 4;
    o.output_buffer_size = 4096;
    o.max_queued_acks = 1000;
    h2t t;
    t_open_get(&t, &o, 0);
    for (int i = 0; i < 10; i++)
        srv_headers(&t, 1, EH, ":status", "103", NULL);
    long n = hyper_h2_recv(t.s, t.in, t.in_len);
    assert_true(n > 0 && (size_t)n < t.in_len);
    hyper_event e;
    int count = 0;
    while (hyper_h2_next_event(t.s, &e)) {
        hyper_headers_free(e.headers);
        count++;
    }
    assert_int_equal(count, 4);
    t.in_len = 0;
    /* Output: PINGs until the buffer cannot hold a control frame. */
    for (int i = 0; i < 300; i++)
        srv_ping(&t, "12345678", 0);
    t.no_flush = 1;
    size_t pos = 0;
    n = hyper_h2_recv(t.s, t.in, t.in_len);
    assert_true(n > 0 && (size_t)n < t.in_len);
    pos = (size_t)n;
    assert_int_equal(hyper_h2_recv(t.s, t.in + pos, t.in_len - pos), 0);
    const uint8_t *p;
    size_t pend = hyper_h2_send_pending(t.s, &p);
    assert_true(pend + 128 > 4096 && pend <= 4096);
    assert_int_equal(hyper_h2_sent(t.s, pend + 1), HYPER_EINVAL);
    assert_int_equal(hyper_h2_sent(t.s, pend), HYPER_OK);
    assert_true(hyper_h2_recv(t.s, t.in + pos, t.in_len - pos) > 0);
    t.in_len = 0;
    t_done(&t);
}

/* Whatever the server sends, memory stays bounded: a long hostile stream
 * of 1xx heads, PINGs, unknown frames, WINDOW_UPDATEs and DATA. */
static void memory_stays_bounded(void **state)
{
    hyper_h2_options o;
    opts_with(&o);
    o.max_events = 8;
    o.max_queued_acks = 1000;
    h2t t;
    t_init(&t, &o, MODE(state));
    t.auto_consume = 1;
    t_handshake(&t, NULL, 0);
    t_get(&t, "/");
    t_expect_get(&t, 1, "/");
    size_t peak = 0;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 20; i++) {
            srv_headers(&t, 1, EH, ":status", "103", "link", "</a>", NULL);
            srv_ping(&t, "12345678", 0);
            srv_window_update(&t, 0, 1);
            t_raw(&t, "\0\0\3\xee\0\0\0\0\1abc", 12);
        }
        assert_int_equal(t_feed(&t), 0);
        t_free_events(&t);
        t.nev = t.ev_pos = 0;
        if (round == 0)
            peak = t.tm.peak;
    }
    /* After the first round nothing grows. */
    assert_int_equal(t.tm.peak, peak);
    t_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        BOTH(ping_flood),
        cmocka_unit_test(ping_answered_no_flood),
        cmocka_unit_test(ping_burst_in_one_write),
        BOTH(settings_flood),
        BOTH(empty_frame_flood),
        BOTH(continuation_bound),
        BOTH(header_list_bound),
        BOTH(hpack_bomb),
        BOTH(rst_flood),
        BOTH(pushed_stream_bound),
        cmocka_unit_test(our_stream_bound_and_send_queue),
        cmocka_unit_test(event_queue_and_output_backpressure),
        BOTH(memory_stays_bounded),
    };
    return cmocka_run_group_tests_name("h2_guards", tests, NULL, NULL);
}
