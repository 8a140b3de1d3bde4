/*
 * The session across requests: keep-alive sequences, connection reuse
 * rules, pipelining order, the h2c upgrade hand-over, Expect: 100-continue,
 * and allocation failure at every allocation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hyper.h"
#include "testutil.h"
#include "h1_harness.h"

static hyper_h1_session *session(test_mem *tm, unsigned pipeline)
{
    hyper_h1_options o;
    hyper_h1_session *s;
    hyper_h1_options_init(&o);
    o.max_pipeline = pipeline;
    assert_int_equal(hyper_h1_session_init(&s, tm ? &tm->mem : NULL, &o), HYPER_OK);
    return s;
}

static const size_t steps[] = {0, 1, 3};

/* One request after another on the same connection, each response framed
 * differently; the connection stays reusable throughout. */
static void keep_alive_sequence(void **state)
{
    (void)state;
    static const struct {
        const char *method, *resp, *want;
    } seq[] = {
        {"GET", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", "H200{Content-Length=3}D[one]$E"},
        {"GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\nT: 2\r\n\r\n",
         "H200{Transfer-Encoding=chunked}D[two]T{T=2}$E"},
        {"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", "H200{Content-Length=50}$E"},
        {"GET", "HTTP/1.1 204 No Content\r\n\r\n", "H204{}$E"},
        {"GET", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", "H304{ETag=\"x\"}$E"},
        {"GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
         "H200{Connection=keep-alive,Content-Length=2}D[ok]$E"},
    };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_h1_session *s = session(&tm, 1);
        for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
            struct transcript t;
            memset(&t, 0, sizeof t);
            assert_int_equal(tr_submit(s, seq[i].method, "/"), (int32_t)i + 1);
            assert_int_equal(hyper_h1_outstanding(s), 1);
            tr_feed(&t, s, (const uint8_t *)seq[i].resp, strlen(seq[i].resp), steps[k], 0);
            assert_string_equal(t.buf, seq[i].want);
            assert_int_equal(hyper_h1_outstanding(s), 0);
            assert_int_equal(hyper_h1_reusable(s), 1);
        }
        /* The server closes the idle connection: no error, not reusable. */
        assert_int_equal(hyper_h1_recv_eof(s), HYPER_OK);
        assert_int_equal(hyper_h1_reusable(s), 0);
        assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);
        hyper_h1_session_free(s);
        assert_int_equal(tm.blocks, 0);
    }
}

/* Responses that end the connection, and what comes after them. */
static void reuse_rules(void **state)
{
    (void)state;
    static const struct {
        const char *resp;
        int eof;
        int reusable;
    } v[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 1},
        {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0, 0},
        {"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n", 0, 0},
        {"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
        {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 0, 1},
        {"HTTP/1.1 200 OK\r\n\r\nbody", 1, 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hyper_h1_session *s = session(NULL, 1);
        struct transcript t;
        memset(&t, 0, sizeof t);
        assert_int_equal(tr_submit(s, "GET", "/"), 1);
        tr_feed(&t, s, (const uint8_t *)v[i].resp, strlen(v[i].resp), 0, v[i].eof);
        assert_non_null(strstr(t.buf, "E"));
        assert_null(strstr(t.buf, "XHYPER"));
        if (hyper_h1_reusable(s) != v[i].reusable)
            fail_msg("vector %zu: reusable %d", i, hyper_h1_reusable(s));
        if (!v[i].reusable) {
            assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);
            if (!v[i].eof) /* bytes after a closing response are discarded */
                assert_int_equal(hyper_h1_recv(s, (const uint8_t *)"junk", 4), 4);
        }
        hyper_h1_session_free(s);
    }
}

/* Our own "Connection: close" makes the request the last one. */
static void our_connection_close(void **state)
{
    (void)state;
    static const hyper_hpack_field f = {"Connection", 10, "close", 5, 0};
    hyper_h1_session *s = session(NULL, 4);
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = "GET", r.method_len = 3, r.target = "/", r.target_len = 1;
    r.host = "h", r.host_len = 1, r.fields = &f, r.nfields = 1;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    assert_int_equal(hyper_h1_reusable(s), 0);
    assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);
    struct transcript t;
    memset(&t, 0, sizeof t);
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz";
    tr_feed(&t, s, (const uint8_t *)resp, sizeof resp - 1, 0, 1);
    assert_string_equal(t.buf, "H200{Content-Length=1}D[z]$E");
    hyper_h1_session_free(s);
}

/* Pipelined requests: responses come back in order, each with its seq. */
static void pipelining_in_order(void **state)
{
    (void)state;
    static const char resp[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n";
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        hyper_h1_session *s = session(NULL, 3);
        assert_int_equal(tr_submit(s, "GET", "/1"), 1);
        assert_int_equal(tr_submit(s, "GET", "/2"), 2);
        assert_int_equal(tr_submit(s, "HEAD", "/3"), 3);
        assert_int_equal(tr_submit(s, "GET", "/4"), HYPER_ELIMIT);
        char out[512];
        tr_take_output(s, out, sizeof out);
        assert_string_equal(out, "GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                 "GET /2 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                                 "HEAD /3 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        /* Record the stream ids of END events while feeding. */
        int32_t ends[4] = {0};
        size_t nends = 0, pos = 0, step = steps[k] ? steps[k] : sizeof resp - 1;
        while (pos < sizeof resp - 1) {
            size_t n = sizeof resp - 1 - pos < step ? sizeof resp - 1 - pos : step;
            long r = hyper_h1_recv(s, (const uint8_t *)resp + pos, n);
            assert_true(r > 0);
            pos += (size_t)r;
            hyper_event ev;
            while (hyper_h1_next_event(s, &ev)) {
                if (ev.type == HYPER_EVENT_END && nends < 4)
                    ends[nends++] = ev.stream_id;
                assert_int_not_equal(ev.type, HYPER_EVENT_ERROR);
                hyper_headers_free(ev.headers);
            }
        }
        assert_int_equal(nends, 3);
        assert_int_equal(ends[0], 1);
        assert_int_equal(ends[1], 2);
        assert_int_equal(ends[2], 3);
        assert_int_equal(hyper_h1_outstanding(s), 0);
        assert_int_equal(tr_submit(s, "GET", "/5"), 4);
        hyper_h1_session_free(s);
    }
}

/* A pipelined request behind a "Connection: close" response is failed,
 * not dropped silently. */
static void pipelined_behind_close(void **state)
{
    (void)state;
    static const char resp[] = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na";
    hyper_h1_session *s = session(NULL, 2);
    assert_int_equal(tr_submit(s, "GET", "/1"), 1);
    assert_int_equal(tr_submit(s, "GET", "/2"), 2);
    struct transcript t;
    memset(&t, 0, sizeof t);
    tr_feed(&t, s, (const uint8_t *)resp, sizeof resp - 1, 0, 0);
    assert_string_equal(t.buf, "H200{Connection=close,Content-Length=1}D[a]$EXHYPER_EH1_CLOSED");
    hyper_h1_session_free(s);
}

/* A stray CRLF after a body, while idle, is skipped (RFC 9112 §2.2), and
 * the next response still parses. */
static void stray_crlf_between_responses(void **state)
{
    (void)state;
    static const char one[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n\r\n";
    static const char two[] = "\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz";
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_h1_session *s = session(&tm, 1);
        struct transcript t;
        memset(&t, 0, sizeof t);
        assert_int_equal(tr_submit(s, "GET", "/"), 1);
        assert_int_equal(tr_feed(&t, s, (const uint8_t *)one, sizeof one - 1, steps[k], 0), sizeof one - 1);
        assert_int_equal(hyper_h1_reusable(s), 1);
        assert_int_equal(tr_submit(s, "GET", "/"), 2);
        tr_feed(&t, s, (const uint8_t *)two, sizeof two - 1, steps[k], 0);
        assert_string_equal(t.buf, "H200{Content-Length=2}D[ok]$EH200{Content-Length=1}D[z]$E");
        hyper_h1_session_free(s);
        assert_int_equal(tm.blocks, 0);
    }
}

/* The close that races a new request on a kept-alive connection: the
 * request got no response octet, so it fails with HYPER_EH1_CLOSED (safe
 * to retry), even when a stray CRLF came after the previous body. Once a
 * status line has begun, the same close is a truncated response. */
static void close_before_response_is_retryable(void **state)
{
    (void)state;
    static const struct {
        const char *first, *second;
        int want;
    } v[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "", HYPER_EH1_CLOSED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n", "", HYPER_EH1_CLOSED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n\n", "\r\n", HYPER_EH1_CLOSED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n", "H", HYPER_EH1_TRUNCATED},
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "\r\nHTTP/1.1", HYPER_EH1_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hyper_h1_session *s = session(NULL, 1);
        struct transcript t;
        memset(&t, 0, sizeof t);
        assert_int_equal(tr_submit(s, "GET", "/"), 1);
        tr_feed(&t, s, (const uint8_t *)v[i].first, strlen(v[i].first), 0, 0);
        assert_string_equal(t.buf, "H200{Content-Length=2}D[ok]$E");
        assert_int_equal(tr_submit(s, "GET", "/"), 2);
        const char *sec = v[i].second;
        assert_int_equal(hyper_h1_recv(s, (const uint8_t *)sec, strlen(sec)), (long)strlen(sec));
        int rc = hyper_h1_recv_eof(s);
        if (rc != v[i].want)
            fail_msg("vector %zu: %s", i, hyper_strerror_name(rc));
        hyper_event ev;
        assert_int_equal(hyper_h1_next_event(s, &ev), 1);
        assert_int_equal(ev.type, HYPER_EVENT_ERROR);
        assert_int_equal(ev.stream_id, 2);
        assert_int_equal(ev.error, v[i].want);
        hyper_h1_session_free(s);
    }
}

static void unsolicited_response(void **state)
{
    (void)state;
    hyper_h1_session *s = session(NULL, 1);
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)"H", 1), HYPER_EH1_UNSOLICITED);
    hyper_h1_session_free(s);
    s = session(NULL, 1);
    assert_int_equal(hyper_h1_recv_eof(s), HYPER_OK);                 /* idle close */
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)"H", 1), HYPER_ESTATE);
    hyper_h1_session_free(s);
}

/* 101 to h2c: recv stops right after the head; every later octet is
 * returned untouched for the HTTP/2 engine. */
static void upgrade_hands_back_the_rest(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
    /* What follows: a SETTINGS frame and the start of a HEADERS frame. */
    static const uint8_t h2[] = {0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5, 1, 4, 0, 0, 0, 1, 0x88};
    uint8_t wire[sizeof head - 1 + sizeof h2];
    memcpy(wire, head, sizeof head - 1);
    memcpy(wire + sizeof head - 1, h2, sizeof h2);
    static const uint8_t settings[] = {0, 2, 0, 0, 0, 0};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        hyper_h1_session *s = session(NULL, 1);
        hyper_h1_request r;
        memset(&r, 0, sizeof r);
        r.method = "GET", r.method_len = 3, r.target = "/", r.target_len = 1;
        r.host = "h", r.host_len = 1, r.flags = HYPER_H1_UPGRADE_H2C;
        r.h2_settings = settings, r.h2_settings_len = sizeof settings;
        assert_int_equal(hyper_h1_submit(s, &r), 1);
        struct transcript t;
        memset(&t, 0, sizeof t);
        size_t used = tr_feed(&t, s, wire, sizeof wire, steps[k], 0);
        assert_string_equal(t.buf, "U101{Connection=Upgrade,Upgrade=h2c}");
        assert_int_equal(used, sizeof head - 1);
        assert_memory_equal(wire + used, h2, sizeof h2);
        assert_int_equal(hyper_h1_recv(s, wire + used, sizeof wire - used), HYPER_ESTATE);
        assert_int_equal(hyper_h1_reusable(s), 0);
        assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);
        hyper_h1_session_free(s);
    }
}

/* The server ignores the upgrade: an ordinary HTTP/1.1 response, and the
 * connection carries on. A 101 to another protocol is an error. */
static void upgrade_declined(void **state)
{
    (void)state;
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    static const char other[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    for (int i = 0; i < 2; i++) {
        hyper_h1_session *s = session(NULL, 1);
        hyper_h1_request r;
        memset(&r, 0, sizeof r);
        r.method = "GET", r.method_len = 3, r.target = "/", r.target_len = 1;
        r.host = "h", r.host_len = 1, r.flags = HYPER_H1_UPGRADE_H2C;
        assert_int_equal(hyper_h1_submit(s, &r), 1);
        struct transcript t;
        memset(&t, 0, sizeof t);
        const char *resp = i ? other : ok;
        tr_feed(&t, s, (const uint8_t *)resp, strlen(resp), 0, 0);
        assert_string_equal(t.buf, i ? "XHYPER_EH1_UPGRADE" : "H200{Content-Length=2}D[hi]$E");
        assert_int_equal(hyper_h1_reusable(s), !i);
        hyper_h1_session_free(s);
    }
}

static int32_t submit_expect(hyper_h1_session *s, int mode)
{
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = "PUT", r.method_len = 3, r.target = "/x", r.target_len = 2;
    r.host = "h", r.host_len = 1, r.flags = HYPER_H1_EXPECT_CONTINUE;
    r.body_mode = mode;
    r.body = (const uint8_t *)"BODY", r.body_len = 4;
    r.content_length = 4;
    return hyper_h1_submit(s, &r);
}

#define EXPECT_HEAD(cl) "PUT /x HTTP/1.1\r\nHost: h\r\n" cl "Expect: 100-continue\r\n\r\n"

/* 100 Continue releases the body; it goes out after the head. */
static void expect_continue_then_body(void **state)
{
    (void)state;
    hyper_h1_session *s = session(NULL, 1);
    char out[512];
    assert_int_equal(submit_expect(s, HYPER_H1_BODY_WHOLE), 1);
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, EXPECT_HEAD("Content-Length: 4\r\n"));
    assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);         /* body held */
    struct transcript t;
    memset(&t, 0, sizeof t);
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    tr_feed(&t, s, (const uint8_t *)cont, sizeof cont - 1, 1, 0);
    assert_string_equal(t.buf, "I100{}");
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "BODY");
    static const char fin[] = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
    tr_feed(&t, s, (const uint8_t *)fin, sizeof fin - 1, 0, 0);
    assert_string_equal(t.buf, "I100{}H201{Content-Length=0}$E");
    assert_int_equal(hyper_h1_reusable(s), 1);
    hyper_h1_session_free(s);
}

/* A final status before 100: the body is never sent, the connection not
 * reused, and a streamed body is refused. */
static void expect_final_first(void **state)
{
    (void)state;
    static const char fin[] = "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n";
    for (int mode = HYPER_H1_BODY_WHOLE; mode <= HYPER_H1_BODY_CHUNKED; mode++) {
        hyper_h1_session *s = session(NULL, 1);
        char out[512];
        assert_int_equal(submit_expect(s, mode), 1);
        if (mode != HYPER_H1_BODY_WHOLE)
            assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"ab", 2, 0), 2);
        tr_take_output(s, out, sizeof out);
        const char *end = strstr(out, "Expect: 100-continue\r\n\r\n");
        assert_non_null(end);                 /* the head only: body held */
        assert_int_equal(strlen(end), strlen("Expect: 100-continue\r\n\r\n"));
        struct transcript t;
        memset(&t, 0, sizeof t);
        tr_feed(&t, s, (const uint8_t *)fin, sizeof fin - 1, 0, 0);
        assert_string_equal(t.buf, "H417{Content-Length=0}$E");
        const uint8_t *p;
        assert_int_equal(hyper_h1_send_pending(s, &p), 0);
        assert_int_equal(hyper_h1_reusable(s), 0);
        if (mode != HYPER_H1_BODY_WHOLE)
            assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"cd", 2, 1), HYPER_EH1_BODY_REFUSED);
        hyper_h1_session_free(s);
    }
}

/* The caller's timer runs out: hyper_h1_continue sends the body anyway. */
static void expect_timeout_continue(void **state)
{
    (void)state;
    hyper_h1_session *s = session(NULL, 1);
    char out[512];
    assert_int_equal(hyper_h1_continue(s), HYPER_ESTATE);
    assert_int_equal(submit_expect(s, HYPER_H1_BODY_CHUNKED), 1);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"abc", 3, 1), 3);
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, EXPECT_HEAD("Transfer-Encoding: chunked\r\n"));
    assert_int_equal(hyper_h1_continue(s), HYPER_OK);
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "3\r\nabc\r\n0\r\n\r\n");
    hyper_h1_session_free(s);
}

/* The server answers while our streamed body is still open: fine, but the
 * connection is not reused. */
static void answered_before_body_ended(void **state)
{
    (void)state;
    hyper_h1_session *s = session(NULL, 1);
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = "POST", r.method_len = 4, r.target = "/", r.target_len = 1;
    r.host = "h", r.host_len = 1, r.body_mode = HYPER_H1_BODY_CHUNKED;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    static const char resp[] = "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n";
    struct transcript t;
    memset(&t, 0, sizeof t);
    tr_feed(&t, s, (const uint8_t *)resp, sizeof resp - 1, 0, 0);
    assert_string_equal(t.buf, "H413{Content-Length=0}$E");
    assert_int_equal(hyper_h1_reusable(s), 0);
    hyper_h1_session_free(s);
}

/* Events not pulled are freed with the session (checked by the allocator). */
static void free_with_pending_events(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_h1_session *s = session(&tm, 1);
    assert_int_equal(tr_submit(s, "GET", "/"), 1);
    static const char resp[] = "HTTP/1.1 103 Hints\r\nA: b\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)resp, sizeof resp - 1), sizeof resp - 1);
    hyper_h1_session_free(s);
    assert_int_equal(tm.blocks, 0);
    assert_int_equal(tm.in_use, 0);
}

/* One scenario touching every allocation: session, request ring, output
 * buffer, head buffer (split head), header maps, trailers. */
static int scenario(test_mem *tm, struct transcript *t)
{
    static const char resp[] =
        "HTTP/1.1 103 Early\r\nLink: </a>\r\n\r\n"
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
        "4\r\nbody\r\n0\r\nX-T: 2\r\n\r\n";
    hyper_h1_options o;
    hyper_h1_session *s;
    hyper_h1_options_init(&o);
    int rc = hyper_h1_session_init(&s, &tm->mem, &o);
    if (rc != HYPER_OK)
        return rc;
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = "POST", r.method_len = 4, r.target = "/", r.target_len = 1;
    r.host = "h", r.host_len = 1, r.body_mode = HYPER_H1_BODY_WHOLE;
    r.body = (const uint8_t *)"x", r.body_len = 1;
    rc = hyper_h1_submit(s, &r);
    if (rc == 1) {
        char out[256];
        tr_take_output(s, out, sizeof out);
        memset(t, 0, sizeof *t);
        tr_feed(t, s, (const uint8_t *)resp, sizeof resp - 1, 5, 0);
        rc = strstr(t->buf, "XHYPER") ? -1 : HYPER_OK;
    }
    hyper_h1_session_free(s);
    return rc;
}

static void allocation_failures(void **state)
{
    (void)state;
    test_mem tm;
    struct transcript t;
    size_t failures = 0;
    for (size_t n = 1;; n++) {
        test_mem_init(&tm);
        tm.fail_at = n;
        int rc = scenario(&tm, &t);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        if (rc == HYPER_OK && tm.calls < n)
            break;                       /* ran past every allocation */
        if (rc != HYPER_OK) {
            failures++;
            assert_true(rc == HYPER_ENOMEM || strstr(t.buf, "XHYPER_ENOMEM"));
        }
        if (n >= 200) fail_msg("n=%zu rc=%d calls=%zu %s", n, rc, tm.calls, t.buf);
    }
    assert_true(failures >= 6);
    test_mem_init(&tm);
    assert_int_equal(scenario(&tm, &t), HYPER_OK);
    assert_string_equal(t.buf, "I103{Link=</a>}H200{Transfer-Encoding=chunked,X-A=1}D[body]T{X-T=2}$E");
}

/* The reason phrase reaches the user, cut (never refused) when long; a
 * 1xx carries its own. Fed one octet at a time so the head is assembled. */
static void reason_phrase_delivered(void **state)
{
    (void)state;
    static const char resp[] =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.1 500 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"
        "Content-Length: 0\r\n\r\n";
    static const struct { int status; const char *reason; } want[] = {
        {100, "Continue"}, {404, "Not Found"}, {200, ""},
        {500, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
    };
    hyper_h1_session *s = session(NULL, 4);
    for (int i = 0; i < 3; i++)
        assert_true(tr_submit(s, "GET", "/") > 0);
    size_t k = 0;
    for (size_t off = 0; off < sizeof resp - 1; off++) {
        assert_int_equal(hyper_h1_recv(s, (const uint8_t *)resp + off, 1), 1);
        hyper_event ev;
        while (hyper_h1_next_event(s, &ev) == 1) {
            if (ev.type == HYPER_EVENT_HEADERS || ev.type == HYPER_EVENT_INFORMATIONAL) {
                assert_true(k < sizeof want / sizeof want[0]);
                assert_int_equal(ev.status, want[k].status);
                assert_string_equal(ev.reason, want[k].reason);
                assert_int_equal(ev.reason_len, strlen(want[k].reason));
                k++;
                if (k == 3)
                    assert_true(tr_submit(s, "GET", "/") > 0);
            }
            hyper_headers_free(ev.headers);
        }
    }
    assert_int_equal(k, 4);
    hyper_h1_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keep_alive_sequence),
        cmocka_unit_test(reason_phrase_delivered),
        cmocka_unit_test(reuse_rules),
        cmocka_unit_test(our_connection_close),
        cmocka_unit_test(pipelining_in_order),
        cmocka_unit_test(pipelined_behind_close),
        cmocka_unit_test(stray_crlf_between_responses),
        cmocka_unit_test(close_before_response_is_retryable),
        cmocka_unit_test(unsolicited_response),
        cmocka_unit_test(upgrade_hands_back_the_rest),
        cmocka_unit_test(upgrade_declined),
        cmocka_unit_test(expect_continue_then_body),
        cmocka_unit_test(expect_final_first),
        cmocka_unit_test(expect_timeout_continue),
        cmocka_unit_test(answered_before_body_ended),
        cmocka_unit_test(free_with_pending_events),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("h1_session", tests, NULL, NULL);
}
