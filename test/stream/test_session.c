/*
 * Tests for the HTTP/2 session core: preface and SETTINGS, requests with
 * and without bodies, responses (1xx, final, DATA, trailers), §8.3
 * validation, content-length, CONTINUATION, PING. Each scenario runs with
 * the server's bytes fed whole and one byte at a time (the state argument).
 */
#include "h2_script.h"

static int WHOLE = 0, BYTEWISE = 1;
#define MODE(state) (*(int *)*(state))

static void our_preface_and_settings(void **state)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
#ifdef HYPER_CONFIG_NO_PUSH
    const uint32_t push = 0; /* enable_push = 1 is refused: no_push_build */
#else
    const uint32_t push = 1;
#endif
    o.enable_push = (int)push;
    o.initial_window_size = 100000;
    o.max_header_list_size = 9999;
    h2t t;
    t_init(&t, &o, MODE(state));
    /* Every setting, in id order, with our values (§6.5.2). */
    t.out_pos = 24;
    t_frame f = t_expect(&t, HYPER_FRAME_SETTINGS, 0, 0);
    const uint32_t want[6][2] = {{1, 4096}, {2, push}, {3, 100}, {4, 100000},
                                 {5, 16384}, {6, 9999}};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(hyper_get_u16(f.payload + 6 * i), want[i][0]);
        assert_int_equal(hyper_get_u32(f.payload + 6 * i + 2), want[i][1]);
    }
    t_expect_window_update(&t, 0, 1048576 - 65535);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void options_validated(void **state)
{
    (void)state;
    hyper_h2_session *s = (hyper_h2_session *)1;
    hyper_h2_options o;
    struct {
        size_t off;
        uint32_t v;
    } bad[] = {
        {offsetof(hyper_h2_options, max_frame_size), 16383},
        {offsetof(hyper_h2_options, max_frame_size), 16777216},
        {offsetof(hyper_h2_options, initial_window_size), 0x80000000u},
        {offsetof(hyper_h2_options, initial_window_size), 0}, /* no body could ever come */
        {offsetof(hyper_h2_options, connection_window_size), 65534},
        {offsetof(hyper_h2_options, window_update_percent), 0},
        {offsetof(hyper_h2_options, window_update_percent), 101},
        {offsetof(hyper_h2_options, max_queued_acks), 0},
        {offsetof(hyper_h2_options, max_events), 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hyper_h2_options_init(&o);
        memcpy((char *)&o + bad[i].off, &bad[i].v, sizeof(uint32_t));
        assert_int_equal(hyper_h2_session_init(&s, NULL, &o), HYPER_EINVAL);
        assert_null(s);
    }
    hyper_h2_options_init(&o);
    o.output_buffer_size = 1000;
    assert_int_equal(hyper_h2_session_init(&s, NULL, &o), HYPER_EINVAL);
    /* NULL options: defaults. */
    assert_int_equal(hyper_h2_session_init(&s, NULL, NULL), HYPER_OK);
    hyper_h2_session_free(s);
    hyper_h2_session_free(NULL);
}

static void get_with_body_and_end(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    int32_t id = t_get(&t, "/index.html");
    assert_int_equal(id, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, id), HYPER_H2_STATE_IDLE);
    t_expect_get(&t, id, "/index.html");
    /* HEADERS with END_STREAM: open then half-closed (local) (§5.1). */
    assert_int_equal(hyper_h2_stream_state_get(t.s, id), HYPER_H2_STATE_HALF_CLOSED_LOCAL);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH, ":status", "200", "content-type", "text/plain", NULL);
    srv_data(&t, 1, 0, "hello ", 6);
    srv_data(&t, 1, ES, "world", 5);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    assert_int_equal(e->ev.status, 200);
    assert_int_equal(e->ev.end_stream, 0);
    size_t len;
    const char *v = t_header(e, "content-type", &len);
    assert_non_null(v);
    assert_memory_equal(v, "text/plain", 10);
    assert_int_equal(hyper_headers_count(e->ev.headers), 1); /* no :status in the map */
    /* DATA arrives as one or more events (bytewise: one per byte). */
    size_t got = 0;
    char body[16];
    while (t.ev[t.ev_pos].ev.type == HYPER_EVENT_DATA) {
        e = t_next_event(&t);
        assert_true(got + e->ev.len <= sizeof body);
        memcpy(body + got, t.data + e->data_off, e->ev.len);
        got += e->ev.len;
        assert_int_equal(e->ev.flow_len, e->ev.len);
    }
    assert_int_equal(got, 11);
    assert_memory_equal(body, "hello world", 11);
    assert_true(t.ev[t.ev_pos - 1].ev.end_stream);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_true(t_no_event(&t));
    assert_int_equal(hyper_h2_stream_state_get(t.s, id), HYPER_H2_STATE_CLOSED);
    assert_int_equal(hyper_h2_stream_count(t.s), 0);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void post_body_whole_and_streamed(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    static const uint8_t body[] = "0123456789";
    hyper_hpack_field extra[] = {{"content-type", 12, "text/plain", 10, 0}};
    hyper_h2_request r = {"POST", "https", "example.com", "/up", extra, 1, body, 10, 0};
    int32_t id = hyper_h2_submit(t.s, &r);
    assert_int_equal(id, 1);
    assert_int_equal(hyper_h2_send_data(t.s, id, (const uint8_t *)"abc", 3, 1), 3);
    assert_int_equal(hyper_h2_send_data(t.s, id, (const uint8_t *)"x", 1, 0), HYPER_ESTATE);
    const char *nv[] = {":method", "POST", ":scheme", "https", ":authority", "example.com",
                        ":path", "/up", "content-type", "text/plain"};
    assert_int_equal(t_expect_request(&t, 1, nv, 5), EH);
    /* One DATA frame: whole body then the streamed piece, END_STREAM. */
    t_frame f = t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_int_equal(f.hd.length, 13);
    assert_memory_equal(f.payload, "0123456789abc", 13);
    assert_int_equal(hyper_h2_send_window(t.s, 0), 65535 - 13);
    assert_int_equal(hyper_h2_send_window(t.s, 1), 65535 - 13);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_HALF_CLOSED_LOCAL);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "204", NULL);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    assert_int_equal(e->ev.status, 204);
    assert_true(e->ev.end_stream);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    t_done(&t);
}

static void streamed_body_end_with_empty_data(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_h2_request r = {"PUT", "http", "h", "/p", NULL, 0, NULL, 0, 0};
    int32_t id = hyper_h2_submit(t.s, &r);
    const char *nv[] = {":method", "PUT", ":scheme", "http", ":authority", "h", ":path", "/p"};
    assert_int_equal(t_expect_request(&t, 1, nv, 4), EH);
    assert_int_equal(hyper_h2_stream_state_get(t.s, id), HYPER_H2_STATE_OPEN);
    assert_int_equal(hyper_h2_send_data(t.s, id, (const uint8_t *)"part", 4, 0), 4);
    t_frame f = t_expect(&t, HYPER_FRAME_DATA, 0, 1);
    assert_memory_equal(f.payload, "part", 4);
    assert_int_equal(hyper_h2_send_data(t.s, id, NULL, 0, 1), 0);
    f = t_expect(&t, HYPER_FRAME_DATA, ES, 1);
    assert_int_equal(f.hd.length, 0);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

static void informational_then_final_then_trailers(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    srv_headers(&t, 1, EH, ":status", "100", NULL);
    srv_headers(&t, 1, EH, ":status", "103", "link", "</s.css>", NULL);
    srv_headers(&t, 1, EH, ":status", "200", "content-length", "3", NULL);
    srv_data(&t, 1, 0, "abc", 3);
    srv_headers(&t, 1, EH | ES, "grpc-status", "0", NULL);
    assert_int_equal(t_feed(&t), 0);
    assert_int_equal(t_expect_event(&t, HYPER_EVENT_INFORMATIONAL, 1)->ev.status, 100);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_INFORMATIONAL, 1);
    assert_int_equal(e->ev.status, 103);
    assert_non_null(t_header(e, "link", NULL));
    assert_int_equal(t_expect_event(&t, HYPER_EVENT_HEADERS, 1)->ev.status, 200);
    while (t.ev[t.ev_pos].ev.type == HYPER_EVENT_DATA)
        t.ev_pos++;
    e = t_expect_event(&t, HYPER_EVENT_TRAILERS, 1);
    assert_true(e->ev.end_stream);
    size_t len;
    assert_non_null(t_header(e, "grpc-status", &len));
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_true(t_no_event(&t));
    assert_true(t_no_frame(&t));
    t_done(&t);
}

/* Malformed responses (§8.1.1, §8.2, §8.3): RST_STREAM PROTOCOL_ERROR and a
 * RESET event; the connection carries on (a second request works). */
static void send_bad(h2t *t, int which)
{
    switch (which) {
    case 0: srv_headers(t, 1, EH, ":status", "200", "Content-Type", "x", NULL); break;
    case 1: srv_headers(t, 1, EH, ":status", "200", ":status", "200", NULL); break;
    case 2: srv_headers(t, 1, EH, ":status", "200", ":path", "/", NULL); break;
    case 3: srv_headers(t, 1, EH, "server", "x", ":status", "200", NULL); break;
    case 4: srv_headers(t, 1, EH, ":status", "200", "connection", "close", NULL); break;
    case 5: srv_headers(t, 1, EH, ":status", "200", "te", "gzip", NULL); break;
    case 6: srv_headers(t, 1, EH, "server", "x", NULL); break;
    case 7: srv_headers(t, 1, EH, ":status", "20x", NULL); break;
    case 8: srv_headers(t, 1, EH, ":status", "101", NULL); break;
    case 9: srv_headers(t, 1, EH | ES, ":status", "100", NULL); break;
    case 10:
        srv_headers(t, 1, EH, ":status", "200", NULL);
        srv_headers(t, 1, EH, "x-trailer", "1", NULL); /* trailers without END_STREAM */
        break;
    case 11:
        srv_headers(t, 1, EH, ":status", "200", NULL);
        srv_headers(t, 1, EH | ES, ":status", "200", NULL); /* pseudo in trailers */
        break;
    case 12: srv_data(t, 1, ES, "x", 1); break; /* DATA before HEADERS */
    case 13: srv_headers(t, 1, EH, ":status", "200", "transfer-encoding", "chunked", NULL); break;
    case 14: srv_headers(t, 1, EH, ":status", "200", "x", "a\r\nb", NULL); break;
    case 15: srv_headers(t, 1, EH, ":status", "200", "x", " lead", NULL); break;
    case 16: srv_headers(t, 1, EH, ":status", "200", "content-length", "1x", NULL); break;
    case 17: srv_headers(t, 1, EH, ":status", "200", "content-length", "1", "content-length", "2", NULL); break;
    case 18: srv_headers(t, 1, EH, ":status", "200", "upgrade", "h2c", NULL); break;
    case 19: srv_headers(t, 1, EH, ":status", "200", "keep-alive", "5", NULL); break;
    case 20: srv_headers(t, 1, EH, ":status", "200", "proxy-connection", "x", NULL); break;
    case 21: srv_headers(t, 1, EH, ":status", "", NULL); break;
    case 22: srv_headers(t, 1, EH, ":status", "200", "bad name", "x", NULL); break;
    default: fail();
    }
}
#define N_BAD 23

static void malformed_responses(void **state)
{
    for (int which = 0; which < N_BAD; which++) {
        h2t t;
        t_open_get(&t, NULL, MODE(state));
        send_bad(&t, which);
        assert_int_equal(t_feed(&t), 0);
        t.out_pos = t.out_len - 13; /* the last frame */
        t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
        if (which == 10 || which == 11)
            t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
        const t_event *e = t_next_event(&t);
        if (e->ev.type != HYPER_EVENT_RESET || e->ev.error != HYPER_EH2_BAD_RESPONSE)
            fail_msg("case %d: event %d error %d", which, e->ev.type, e->ev.error);
        assert_int_equal(e->ev.error_code, HYPER_H2_PROTOCOL_ERROR);
        assert_true(t_no_event(&t));
        assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_CLOSED);
        /* The connection lives on. */
        assert_true(hyper_h2_is_usable(t.s));
        assert_int_equal(t_get(&t, "/2"), 3);
        t_expect_get(&t, 3, "/2");
        t_done(&t);
    }
}

static void content_length_checked(void **state)
{
    for (int c = 0; c < 3; c++) {
        h2t t;
        t_open_get(&t, NULL, MODE(state));
        srv_headers(&t, 1, EH, ":status", "200", "content-length", "4", NULL);
        if (c == 0) {
            srv_data(&t, 1, ES, "abc", 3); /* short */
        } else if (c == 1) {
            srv_data(&t, 1, ES, "abcde", 5); /* long */
        } else {
            srv_data(&t, 1, 0, "abcd", 4);
            srv_headers(&t, 1, EH | ES, NULL); /* empty trailers: fine */
        }
        assert_int_equal(t_feed(&t), 0);
        t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
        while (t.ev[t.ev_pos].ev.type == HYPER_EVENT_DATA)
            t.ev_pos++;
        if (c == 2) {
            t_expect_event(&t, HYPER_EVENT_TRAILERS, 1);
            t_expect_event(&t, HYPER_EVENT_END, 1);
            assert_true(t_no_frame(&t));
        } else {
            t_expect_reset(&t, 1, HYPER_EH2_CONTENT_LENGTH, HYPER_H2_PROTOCOL_ERROR);
            t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
        }
        assert_true(t_no_event(&t));
        t_done(&t);
    }
}

static void head_response_content_length(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    hyper_h2_request r = {"HEAD", "https", "a", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_next_frame(&t);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "200", "content-length", "1000", NULL);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    t_done(&t);
}

/* Responses to HEAD, and 204 and 304 responses, have no content (RFC 9110
 * §6.4.1): content-length does not describe DATA there (§8.1.1), and a
 * DATA octet is a malformed response: stream error PROTOCOL_ERROR. Empty
 * DATA (or padding only) carrying END_STREAM is fine. */
static void no_content_responses(void **state)
{
    static const struct {
        const char *method, *status;
        const char *body;
        int ok;
    } cases[] = {
        {"HEAD", "200", "abc", 0}, {"GET", "204", "x", 0}, {"GET", "304", "x", 0},
        {"HEAD", "200", "", 1},    {"GET", "204", "", 1},  {"GET", "200", "abcd", 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        h2t t;
        t_init(&t, NULL, MODE(state));
        hyper_h2_request r = {cases[c].method, "https", "a", "/", NULL, 0, NULL, 0, 1};
        assert_int_equal(hyper_h2_submit(t.s, &r), 1);
        t_next_frame(&t);
        t_handshake(&t, NULL, 0);
        srv_headers(&t, 1, EH, ":status", cases[c].status, "content-length", "4", NULL);
        size_t n = strlen(cases[c].body);
        if (n)
            srv_data(&t, 1, 0, cases[c].body, n);
        srv_data_padded(&t, 1, ES, NULL, 0, 3);
        assert_int_equal(t_feed(&t), 0);
        t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
        if (cases[c].ok) {
            while (t.ev[t.ev_pos].ev.type == HYPER_EVENT_DATA)
                t.ev_pos++;
            t_expect_event(&t, HYPER_EVENT_END, 1);
            assert_true(t_no_frame(&t));
        } else {
            t_expect_reset(&t, 1, HYPER_EH2_BAD_RESPONSE, HYPER_H2_PROTOCOL_ERROR);
            t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
        }
        assert_true(t_no_event(&t));
        t_done(&t);
    }
}

static void header_block_with_continuations(void **state)
{
    h2t t;
    t_open_get(&t, NULL, MODE(state));
    uint8_t block[256];
    size_t n = srv_block(&t, block, sizeof block, ":status", "200", "a", "1", "b",
                         "22222222222222222222", "c", "3", NULL);
    assert_true(n > 6);
    srv_headers_raw(&t, 1, ES, block, 2);
    srv_continuation(&t, 1, 0, block + 2, 3);
    srv_continuation(&t, 1, 0, block + 5, 0);
    srv_continuation(&t, 1, EH, block + 5, n - 5);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    assert_int_equal(e->ev.status, 200);
    assert_int_equal(hyper_headers_count(e->ev.headers), 3);
    size_t len;
    const char *v = t_header(e, "b", &len);
    assert_int_equal(len, 20);
    assert_memory_equal(v, "22222222222222222222", 20);
    assert_true(e->ev.end_stream);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    t_done(&t);
}

/* §6.10: a header block is contiguous: any other frame inside it, or a
 * CONTINUATION with no block open, is a connection error PROTOCOL_ERROR. */
static void continuation_violations(void **state)
{
    for (int c = 0; c < 5; c++) {
        h2t t;
        t_init(&t, NULL, MODE(state));
        t_get(&t, "/");
        t_get(&t, "/b");
        t_expect_get(&t, 1, "/");
        t_expect_get(&t, 3, "/b");
        t_handshake(&t, NULL, 0);
        uint8_t block[64];
        size_t n = srv_block(&t, block, sizeof block, ":status", "200", NULL);
        if (c == 4) {
            srv_continuation(&t, 1, EH, block, n);
        } else {
            srv_headers_raw(&t, 1, 0, block, n);
            if (c == 0)
                srv_ping(&t, "12345678", 0);
            else if (c == 1)
                srv_continuation(&t, 3, EH, block, 0);
            else if (c == 2)
                srv_data(&t, 1, 0, "x", 1);
            else
                t_raw(&t, "\0\0\0\xfa\0\0\0\0\0", 9); /* unknown type (§5.5) */
        }
        assert_int_equal(t_feed(&t), HYPER_EH2_CONTINUATION);
        t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
        t_expect_reset(&t, 1, HYPER_EH2_CONTINUATION, HYPER_H2_PROTOCOL_ERROR);
        t_expect_reset(&t, 3, HYPER_EH2_CONTINUATION, HYPER_H2_PROTOCOL_ERROR);
        t_expect_error(&t, HYPER_EH2_CONTINUATION, HYPER_H2_PROTOCOL_ERROR);
        assert_true(t_no_event(&t));
        assert_true(t_no_frame(&t));
        /* Sticky. */
        assert_int_equal(hyper_h2_recv(t.s, (const uint8_t *)"x", 1), HYPER_EH2_CONTINUATION);
        assert_int_equal(hyper_h2_submit(t.s, &(hyper_h2_request){"GET", NULL, NULL, NULL, NULL, 0, NULL, 0, 1}),
                         HYPER_EH2_CONTINUATION);
        assert_false(hyper_h2_is_usable(t.s));
        t_done(&t);
    }
}

static void ping_both_ways(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    t_handshake(&t, NULL, 0);
    srv_ping(&t, "abcdefgh", 0);
    assert_int_equal(t_feed(&t), 0);
    t_frame f = t_expect(&t, HYPER_FRAME_PING, HYPER_FRAME_FLAG_ACK, 0);
    assert_memory_equal(f.payload, "abcdefgh", 8);
    assert_int_equal(hyper_h2_ping(t.s, (const uint8_t *)"ourping!"), HYPER_OK);
    f = t_expect(&t, HYPER_FRAME_PING, 0, 0);
    assert_memory_equal(f.payload, "ourping!", 8);
    srv_ping(&t, "ourping!", 1);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_PING_ACK, 0);
    assert_memory_equal(e->ev.opaque, "ourping!", 8);
    assert_true(t_no_frame(&t));
    t_done(&t);
}

/* §3.4: the server's first frame must be SETTINGS. */
static void server_preface_must_be_settings(void **state)
{
    for (int c = 0; c < 3; c++) {
        h2t t;
        t_init(&t, NULL, MODE(state));
        if (c == 0)
            srv_ping(&t, "12345678", 0);
        else if (c == 1)
            srv_settings_ack(&t);
        else
            srv_window_update(&t, 0, 5);
        assert_int_equal(t_feed(&t), HYPER_EH2_PREFACE);
        t_expect_goaway(&t, 0, HYPER_H2_PROTOCOL_ERROR);
        t_expect_error(&t, HYPER_EH2_PREFACE, HYPER_H2_PROTOCOL_ERROR);
        t_done(&t);
    }
}

static void request_validation(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    hyper_hpack_field bad[][1] = {
        {{"Upper", 5, "x", 1, 0}},        {{"connection", 10, "close", 5, 0}},
        {{"te", 2, "gzip", 4, 0}},        {{":path", 5, "/", 1, 0}},
        {{"x", 1, "a\nb", 3, 0}},         {{"", 0, "x", 1, 0}},
        {{"transfer-encoding", 17, "chunked", 7, 0}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hyper_h2_request r = {"GET", "https", "a", "/", bad[i], 1, NULL, 0, 1};
        assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EINVAL);
    }
    hyper_h2_request r = {NULL, "https", "a", "/", NULL, 0, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EINVAL);
    r.method = "GET";
    r.path = "/a\r\nb";
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_EINVAL);
    /* te: trailers is the one allowed value; never-indexed flags pass. */
    hyper_hpack_field ok[] = {{"te", 2, "trailers", 8, 0},
                              {"authorization", 13, "secret", 6, HYPER_HPACK_NEVER_INDEX}};
    r.path = "/";
    r.fields = ok;
    r.nfields = 2;
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    assert_int_equal(hyper_h2_stream_count(t.s), 1);
    t_done(&t);
}

/* A header block larger than the peer's max frame size is split into
 * HEADERS + CONTINUATION (§4.3) and one larger than the output buffer is
 * refused. */
static void large_request_headers(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    static char big[40000];
    memset(big, 'v', sizeof big);
    hyper_hpack_field f[] = {{"x-big", 5, big, sizeof big, HYPER_HPACK_NO_INDEX}};
    hyper_h2_request r = {"GET", "https", "a", "/", f, 1, NULL, 0, 1};
    assert_int_equal(hyper_h2_submit(t.s, &r), 1);
    t_flush(&t);
    t_frame h = t_expect(&t, HYPER_FRAME_HEADERS, ES, 1);
    assert_int_equal(h.hd.length, 16384);
    t_frame c1 = t_expect(&t, HYPER_FRAME_CONTINUATION, 0, 1);
    assert_int_equal(c1.hd.length, 16384);
    t_frame c2 = t_expect(&t, HYPER_FRAME_CONTINUATION, EH, 1);
    assert_true(c2.hd.length > 0 && c2.hd.length < 16384);
    static char huge[70000];
    memset(huge, 'v', sizeof huge);
    f[0].value = huge;
    f[0].value_len = sizeof huge;
    assert_int_equal(hyper_h2_submit(t.s, &r), HYPER_ELIMIT);
    t_done(&t);
}

/* h2c (RFC 7540 §3.2): the request that carried Upgrade is stream 1,
 * already sent on HTTP/1.1, so no HEADERS goes out for it; its response
 * arrives as HTTP/2 and the next request takes stream 3. */
static void h2c_upgrade_takes_stream_one(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    assert_int_equal(hyper_h2_session_upgrade(t.s, 0), 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_HALF_CLOSED_LOCAL);
    assert_int_equal(hyper_h2_session_upgrade(t.s, 0), HYPER_ESTATE);
    t_handshake(&t, NULL, 0);
    assert_true(t_no_frame(&t));
    assert_int_equal(t_get(&t, "/next"), 3);
    t_expect_get(&t, 3, "/next");
    srv_headers(&t, 1, EH, ":status", "200", NULL);
    srv_data(&t, 1, ES, "hello", 5);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    size_t got = 0;
    while (t.ev[t.ev_pos].ev.type == HYPER_EVENT_DATA)
        got += t_next_event(&t)->ev.len;
    assert_int_equal(got, 5);
    t_expect_event(&t, HYPER_EVENT_END, 1);
    assert_int_equal(hyper_h2_stream_state_get(t.s, 1), HYPER_H2_STATE_CLOSED);
    t_done(&t);
}

/* An upgraded HEAD: its response has no content, so DATA is malformed. */
static void h2c_upgrade_head_has_no_body(void **state)
{
    h2t t;
    t_init(&t, NULL, MODE(state));
    assert_int_equal(hyper_h2_session_upgrade(t.s, 1), 1);
    t_handshake(&t, NULL, 0);
    srv_headers(&t, 1, EH, ":status", "200", "content-length", "5", NULL);
    srv_data(&t, 1, ES, "hello", 5);
    assert_int_equal(t_feed(&t), 0);
    t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    t_expect_reset(&t, 1, HYPER_EH2_BAD_RESPONSE, HYPER_H2_PROTOCOL_ERROR);
    t_expect_rst(&t, 1, HYPER_H2_PROTOCOL_ERROR);
    t_done(&t);
}

/* Too late once a request was submitted. */
static void h2c_upgrade_only_first(void **state)
{
    (void)state;
    h2t t;
    t_init(&t, NULL, 0);
    t_get(&t, "/");
    assert_int_equal(hyper_h2_session_upgrade(t.s, 0), HYPER_ESTATE);
    t_done(&t);
}

/* Header maps handed out in events allocate from the caller's hyper_mem,
 * not from memory inside the session: they may be freed after it. */
static void event_maps_outlive_session(void **state)
{
    (void)state;
    h2t t;
    t_open_get(&t, NULL, 0);
    srv_headers(&t, 1, EH | ES, ":status", "204", "x-a", "b", NULL);
    assert_int_equal(t_feed(&t), 0);
    const t_event *e = t_expect_event(&t, HYPER_EVENT_HEADERS, 1);
    hyper_headers *h = e->ev.headers;
    t.ev[t.ev_pos - 1].ev.headers = NULL;   /* we keep it past the session */
    hyper_h2_session_free(t.s);
    t.s = NULL;
    size_t len;
    const char *v;
    assert_int_equal(hyper_headers_get(h, "x-a", 0, &v, &len), HYPER_OK);
    assert_int_equal(len, 1);
    hyper_headers_free(h);
    t_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define BOTH(fn) cmocka_unit_test_prestate(fn, &WHOLE), cmocka_unit_test_prestate(fn, &BYTEWISE)
        BOTH(our_preface_and_settings),
        cmocka_unit_test(options_validated),
        BOTH(get_with_body_and_end),
        BOTH(post_body_whole_and_streamed),
        BOTH(streamed_body_end_with_empty_data),
        BOTH(informational_then_final_then_trailers),
        BOTH(malformed_responses),
        BOTH(content_length_checked),
        BOTH(head_response_content_length),
        BOTH(no_content_responses),
        BOTH(header_block_with_continuations),
        BOTH(continuation_violations),
        BOTH(ping_both_ways),
        BOTH(server_preface_must_be_settings),
        cmocka_unit_test(request_validation),
        cmocka_unit_test(large_request_headers),
        BOTH(h2c_upgrade_takes_stream_one),
        BOTH(h2c_upgrade_head_has_no_body),
        cmocka_unit_test(h2c_upgrade_only_first),
        cmocka_unit_test(event_maps_outlive_session),
    };
    return cmocka_run_group_tests_name("h2_session", tests, NULL, NULL);
}
