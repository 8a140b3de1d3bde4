/*
 * Tests for SETTINGS (RFC 9113 §6.5) and when each takes effect (§6.5.3):
 * the server's values bind us as soon as its frame is processed (HPACK
 * table size for our encoder, header list size for our requests, frame
 * size, concurrency); ours bind the server only once it acknowledged them
 * (HPACK table size of our decoder), except where ours are more lenient
 * (a larger frame size applies at once). Invalid values are connection
 * errors with the RFC's code; unknown identifiers are ignored. Scenarios
 * run whole and byte by byte.
 */
#include "h2_script.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

/* The HEADERS frame the session wrote next, without consuming it. */
static t_frame peek_frame(h2t *t)
{
    t_frame f;
    t_flush(t);
    assert_true(t->out_pos + 9 <= t->out_len);
    hyper_frame_hd_decode(&f.hd, t->out + t->out_pos);
    f.payload = t->out + t->out_pos + 9;
    return f;
}

/* §6.5.2 SETTINGS_HEADER_TABLE_SIZE from the server: our encoder's next
 * block starts with a dynamic table size update to it (RFC 7541 §4.2), and
 * hyper_h2_peer_settings reports the values in force. */
static void peer_header_table_size(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_frame_setting set[] = {{HYPER_SETTINGS_HEADER_TABLE_SIZE, 0},
                                 {HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 7},
                                 {0x99, 12345}}; /* unknown: ignored */
    t_handshake(&t, set, 3);
    hyper_h2_settings ps;
    hyper_h2_peer_settings(t.s, &ps);
    assert_int_equal(ps.header_table_size, 0);
    assert_int_equal(ps.max_concurrent_streams, 7);
    assert_int_equal(ps.initial_window_size, 65535); /* RFC default kept */
    assert_int_equal(ps.max_frame_size, 16384);
    assert_int_equal(ps.max_header_list_size, UINT32_MAX);
    t_get(&t, "/a");
    t_frame f = peek_frame(&t);
    assert_int_equal(f.hd.type, HYPER_FRAME_HEADERS);
    assert_int_equal(f.payload[0], 0x20); /* size update to 0 */
    t_expect_get(&t, 1, "/a");
    /* Raised again: the next block announces the new size first. */
    set[0].value = 4096;
    srv_settings(&t, set, 1);
    assert_int_equal(t_feed(&t), 0);
    t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
    t_get(&t, "/b");
    f = peek_frame(&t);
    static const uint8_t upd4096[] = {0x3f, 0xe1, 0x1f};
    assert_memory_equal(f.payload, upd4096, 3);
    t_expect_get(&t, 3, "/b");
    t_done(&t);
}

/* §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE from the server: a request above it
 * is refused at submit (HYPER_ELIMIT) instead of being sent to fail. */
static void peer_max_header_list_size(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_HEADER_LIST_SIZE, 300}};
    t_handshake(&t, set, 1);
    static char v[200];
    memset(v, 'v', sizeof v);
    hyper_hpack_field f[] = {{"x-big", 5, v, sizeof v, 0}};
    hyper_h2_request r = {"GET", "https", "a", "/", f, 1, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_ELIMIT);
    f[0].value_len = 10; /* 4 pseudo (~4*42) + 15 + 32: under 300 */
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    assert_true(t_no_frame(&t) == 0);
    t_done(&t);
}

/* Our SETTINGS_HEADER_TABLE_SIZE below the default binds the server only
 * after its ACK (§6.5.3): before, a block may use the 4096-octet default
 * table; after, the server's first block must shrink the table (RFC 7541
 * §4.2), else COMPRESSION_ERROR. */
static void our_table_size_binds_on_ack(void **state)
{
    static char v[1000];
    memset(v, 'a', sizeof v - 1);
    for (int shrink = 0; shrink < 2; shrink++) {
        hyper_h2_options o;
        hyper_h2_options_init(&o);
        o.header_table_size = 256;
        h2t t;
        t_init(&t, &o, MODE(state));
        t_get(&t, "/");
        t_get(&t, "/2");
        t_expect_get(&t, 1, "/");
        t_expect_get(&t, 3, "/2");
        srv_settings(&t, NULL, 0);
        /* Not acknowledged yet: a 1000-octet entry enters the table. */
        srv_headers(&t, 1, EH | ES, ":status", "200", "x-big", v, NULL);
        assert_int_equal(t_feed(&t), 0);
        t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
        t_expect_event(&t, HYPER_EVENT_SETTINGS, 0);
        assert_non_null(t_header(t_expect_event(&t, HYPER_EVENT_HEADERS, 1), "x-big", NULL));
        t_expect_event(&t, HYPER_EVENT_END, 1);
        srv_settings_ack(&t);
        if (shrink)
            hyper_hpack_encoder_set_peer_table_size(t.srv_enc, 256);
        srv_headers(&t, 3, EH | ES, ":status", "200", "x-y", "z", NULL);
        if (shrink) {
            assert_int_equal(t_feed(&t), 0);
            t_expect_event(&t, HYPER_EVENT_SETTINGS_ACK, 0);
            assert_non_null(t_header(t_expect_event(&t, HYPER_EVENT_HEADERS, 3), "x-y", NULL));
            t_expect_event(&t, HYPER_EVENT_END, 3);
        } else {
            assert_int_equal(t_feed(&t), HYPER_EHPACK_SIZE_UPDATE_MISSING);
            t_expect_goaway(&t, 0, HYPER_H2_COMPRESSION_ERROR);
        }
        t_done(&t);
    }
}

/* SETTINGS_MAX_FRAME_SIZE of ours (§4.2): a frame above it is a connection
 * error FRAME_SIZE_ERROR; a larger value of ours applies at once (it only
 * accepts more), before the server acknowledged it. */
static void our_max_frame_size(void **state)
{
    static uint8_t body[16385];
    for (int larger = 0; larger < 2; larger++) {
        hyper_h2_options o;
        hyper_h2_options_init(&o);
        if (larger)
            o.max_frame_size = 20000;
        h2t t;
        t_init(&t, &o, MODE(state));
        t.auto_consume = 1;
        t_get(&t, "/");
        t_expect_get(&t, 1, "/");
        srv_settings(&t, NULL, 0);
        srv_headers(&t, 1, EH, ":status", "200", NULL);
        srv_data(&t, 1, ES, body, sizeof body);
        if (larger) {
            assert_int_equal(t_feed(&t), 0);
            assert_int_equal(t.data_len, sizeof body);
        } else {
            assert_int_equal(t_feed(&t), HYPER_EH2_FRAME_SIZE);
            t_expect(&t, HYPER_FRAME_SETTINGS, HYPER_FRAME_FLAG_ACK, 0);
            t_expect_goaway(&t, 0, HYPER_H2_FRAME_SIZE_ERROR);
        }
        t_done(&t);
    }
}

/* Values out of range (§6.5.2) are connection errors with the RFC's code. */
static void invalid_values(void **state)
{
    static const struct {
        uint16_t id;
        uint32_t value;
        int err;
        uint32_t code;
    } cases[] = {
        {HYPER_SETTINGS_ENABLE_PUSH, 2, HYPER_EH2_SETTINGS_ENABLE_PUSH, HYPER_H2_PROTOCOL_ERROR},
        {HYPER_SETTINGS_ENABLE_PUSH, 1, HYPER_EH2_SETTINGS_PUSH, HYPER_H2_PROTOCOL_ERROR},
        {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 0x80000000u, HYPER_EH2_SETTINGS_WINDOW,
         HYPER_H2_FLOW_CONTROL_ERROR},
        {HYPER_SETTINGS_MAX_FRAME_SIZE, 16383, HYPER_EH2_SETTINGS_FRAME_SIZE,
         HYPER_H2_PROTOCOL_ERROR},
        {HYPER_SETTINGS_MAX_FRAME_SIZE, 1u << 24, HYPER_EH2_SETTINGS_FRAME_SIZE,
         HYPER_H2_PROTOCOL_ERROR},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        h2t t;
        t_open_get(&t, NULL, MODE(state));
        hyper_frame_setting set[] = {{cases[c].id, cases[c].value}};
        srv_settings(&t, set, 1);
        assert_int_equal(t_feed(&t), cases[c].err);
        t_expect_goaway(&t, 0, cases[c].code);
        t_expect_reset(&t, 1, cases[c].err, cases[c].code);
        t_expect_error(&t, cases[c].err, cases[c].code);
        t_done(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        BOTH(peer_header_table_size),
        BOTH(peer_max_header_list_size),
        BOTH(our_table_size_binds_on_ack),
        BOTH(our_max_frame_size),
        BOTH(invalid_values),
    };
    return cmocka_run_group_tests_name("h2_settings", tests, NULL, NULL);
}
