/*
 * The request writer: exact octets for each framing, validation of every
 * string written, output bounds, streamed bodies, base64url.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hyper.h"
#include "testutil.h"
#include "h1_harness.h"

static hyper_h1_session *new_session(size_t max_output)
{
    hyper_h1_options o;
    hyper_h1_session *s;
    hyper_h1_options_init(&o);
    if (max_output)
        o.max_output = max_output;
    assert_int_equal(hyper_h1_session_init(&s, NULL, &o), HYPER_OK);
    return s;
}

static hyper_h1_request base(const char *method, const char *target)
{
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.method_len = strlen(method);
    r.target = target;
    r.target_len = strlen(target);
    r.host = "example.com:8080";
    r.host_len = strlen(r.host);
    return r;
}

#define F(n, v) {n, sizeof(n) - 1, v, sizeof(v) - 1, 0}

struct wvec {
    const char *name;
    const char *method;
    int body_mode;
    const char *body;
    uint64_t content_length;
    unsigned flags;
    const char *want;
};

static const struct wvec writes[] = {
    {"GET", "GET", HYPER_H1_BODY_NONE, NULL, 0, 0,
     "GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n\r\n"},
    {"POST whole", "POST", HYPER_H1_BODY_WHOLE, "hello", 0, 0,
     "POST /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n"
     "Content-Length: 5\r\n\r\nhello"},
    {"POST empty whole", "POST", HYPER_H1_BODY_WHOLE, "", 0, 0,
     "POST /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n"
     "Content-Length: 0\r\n\r\n"},
    {"PUT length", "PUT", HYPER_H1_BODY_LENGTH, NULL, 1234567890123ull, 0,
     "PUT /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n"
     "Content-Length: 1234567890123\r\n\r\n"},
    {"POST chunked", "POST", HYPER_H1_BODY_CHUNKED, NULL, 0, 0,
     "POST /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n"
     "Transfer-Encoding: chunked\r\n\r\n"},
    {"expect (head only until 100)", "POST", HYPER_H1_BODY_WHOLE, "hello", 0, HYPER_H1_EXPECT_CONTINUE,
     "POST /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nX-Empty: \r\n"
     "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"},
};

static void request_bytes(void **state)
{
    (void)state;
    static const hyper_hpack_field fields[] = {F("Accept", "*/*")};
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        const struct wvec *w = &writes[i];
        hyper_h1_session *s = new_session(0);
        hyper_headers *map = hyper_headers_new(NULL);
        assert_int_equal(hyper_headers_add(map, "X-Empty", 7, "", 0), HYPER_OK);
        hyper_h1_request r = base(w->method, "/p?q=1");
        r.fields = fields;
        r.nfields = 1;
        r.headers = map;
        r.body_mode = w->body_mode;
        r.body = (const uint8_t *)w->body;
        r.body_len = w->body ? strlen(w->body) : 0;
        r.content_length = w->content_length;
        r.flags = w->flags;
        assert_int_equal(hyper_h1_submit(s, &r), 1);
        char out[1024];
        tr_take_output(s, out, sizeof out);
        if (strcmp(out, w->want) != 0)
            fail_msg("%s:\n got  %s\n want %s", w->name, out, w->want);
        hyper_headers_free(map);
        hyper_h1_session_free(s);
    }
}

/* Outgoing values are written exactly as given: never split on commas,
 * never joined, never trimmed or re-cased (issue: Python hyper mangled
 * outgoing headers by splitting them). */
static void values_sent_verbatim(void **state)
{
    (void)state;
    static const hyper_hpack_field fields[] = {
        F("Cache-Control", "no-cache,  no-store ,,x"),
        F("x-Odd-Case", " \tpadded\t "),
    };
    hyper_headers *map = hyper_headers_new(NULL);
    assert_int_equal(hyper_headers_add(map, "Cookie", 6, "a=1, b=2; Expires=Wed, 21 Oct 2015", 34), 0);
    assert_int_equal(hyper_headers_add(map, "cookie", 6, "c=3", 3), 0);
    hyper_h1_session *s = new_session(0);
    hyper_h1_request r = base("GET", "/");
    r.fields = fields;
    r.nfields = 2;
    r.headers = map;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    char out[512];
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "GET / HTTP/1.1\r\nHost: example.com:8080\r\n"
                             "Cache-Control: no-cache,  no-store ,,x\r\n"
                             "x-Odd-Case:  \tpadded\t \r\n"
                             "Cookie: a=1, b=2; Expires=Wed, 21 Oct 2015\r\n"
                             "cookie: c=3\r\n\r\n");
    hyper_h1_session_free(s);
    hyper_headers_free(map);
}

static void chunked_body_stream(void **state)
{
    (void)state;
    hyper_h1_session *s = new_session(0);
    hyper_h1_request r = base("POST", "/up");
    r.body_mode = HYPER_H1_BODY_CHUNKED;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    char out[512];
    tr_take_output(s, out, sizeof out);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"hello", 5, 0), 5);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"0123456789abcdefg", 17, 0), 17);
    assert_int_equal(hyper_h1_send_body(s, NULL, 0, 0), 0);        /* nothing, no chunk */
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"!", 1, 1), 1);
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "5\r\nhello\r\n11\r\n0123456789abcdefg\r\n1\r\n!\r\n0\r\n\r\n");
    /* The body is closed: more is a state error; a new request may follow. */
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"x", 1, 0), HYPER_ESTATE);
    /* An empty last call just ends the body. */
    hyper_h1_session_free(s);
    s = new_session(0);
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    tr_take_output(s, out, sizeof out);
    assert_int_equal(hyper_h1_send_body(s, NULL, 0, 1), 0);
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "0\r\n\r\n");
    hyper_h1_session_free(s);
}

static void length_body_stream(void **state)
{
    (void)state;
    hyper_h1_session *s = new_session(0);
    hyper_h1_request r = base("PUT", "/f");
    r.body_mode = HYPER_H1_BODY_LENGTH;
    r.content_length = 8;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);   /* body open */
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"123456789", 9, 0), HYPER_EINVAL);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"123", 3, 1), HYPER_EINVAL);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"123", 3, 0), 3);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"45678", 5, 1), 5);
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)"9", 1, 0), HYPER_ESTATE);
    char out[512];
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "PUT /f HTTP/1.1\r\nHost: example.com:8080\r\nContent-Length: 8\r\n\r\n12345678");
    hyper_h1_session_free(s);
}

struct badvec {
    const char *name;
    hyper_hpack_field field;
    int want;
};

static void refused_fields(void **state)
{
    (void)state;
    static const struct badvec bad[] = {
        {"space in name", F("Bad Name", "v"), HYPER_EH1_REQUEST_HEADER},
        {"colon in name", F("a:b", "v"), HYPER_EH1_REQUEST_HEADER},
        {"empty name", F("", "v"), HYPER_EH1_REQUEST_HEADER},
        {"CR in value", F("X", "a\rb"), HYPER_EH1_REQUEST_HEADER},
        {"LF in value", F("X", "a\nInjected: 1"), HYPER_EH1_REQUEST_HEADER},
        {"NUL in value", F("X", "a\0b"), HYPER_EH1_REQUEST_HEADER},
        {"NUL in name", F("X\0", "v"), HYPER_EH1_REQUEST_HEADER},
        {"pseudo-header", F(":authority", "v"), HYPER_EH1_REQUEST_HEADER},
        {"host", F("Host", "h"), HYPER_EH1_RESERVED_HEADER},
        {"content-length", F("content-LENGTH", "1"), HYPER_EH1_RESERVED_HEADER},
        {"transfer-encoding", F("Transfer-Encoding", "chunked"), HYPER_EH1_RESERVED_HEADER},
        {"expect", F("Expect", "100-continue"), HYPER_EH1_RESERVED_HEADER},
        {"upgrade", F("Upgrade", "h2c"), HYPER_EH1_RESERVED_HEADER},
        {"http2-settings", F("HTTP2-Settings", "AAA"), HYPER_EH1_RESERVED_HEADER},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hyper_h1_session *s = new_session(0);
        hyper_h1_request r = base("GET", "/");
        r.fields = &bad[i].field;
        r.nfields = 1;
        int rc = hyper_h1_submit(s, &r);
        if (rc != bad[i].want)
            fail_msg("%s: got %d want %d", bad[i].name, rc, bad[i].want);
        const uint8_t *p;
        assert_int_equal(hyper_h1_send_pending(s, &p), 0);   /* nothing written */
        assert_int_equal(hyper_h1_outstanding(s), 0);
        assert_int_equal(tr_submit(s, "GET", "/"), 1);      /* still usable */
        hyper_h1_session_free(s);
    }
}

static void refused_request_lines(void **state)
{
    (void)state;
    static const char *const methods[] = {"", "GE T", "GET\r\n", "CONNECT", "G(ET"};
    static const char *const targets[] = {"", "/a b", "/a\r\nX: y", "/\x7f", "/\xc3\xa9"};
    hyper_h1_session *s = new_session(0);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        assert_int_equal(tr_submit(s, methods[i], "/"), HYPER_EINVAL);
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        assert_int_equal(tr_submit(s, "GET", targets[i]), HYPER_EINVAL);
    hyper_h1_request r = base("GET", "/");
    r.host = "a b";
    r.host_len = 3;
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    r = base("GET", "/");
    r.host_len = 0;
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    r = base("GET", "/");
    r.body_mode = 7;
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    r.body_mode = HYPER_H1_BODY_NONE;
    r.flags = HYPER_H1_EXPECT_CONTINUE;                      /* nothing to hold */
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    r.flags = 0x80;
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    r = base("POST", "/");
    r.flags = HYPER_H1_UPGRADE_H2C;
    r.body_mode = HYPER_H1_BODY_CHUNKED;                     /* RFC 7540 §3.2 */
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_EINVAL);
    const uint8_t *p;
    assert_int_equal(hyper_h1_send_pending(s, &p), 0);
    hyper_h1_session_free(s);
}

/* max_output bounds the head, a whole body, and how much of a streamed
 * body is taken before the caller sends. */
static void output_bound(void **state)
{
    (void)state;
    hyper_h1_session *s = new_session(128);
    static const char big[200] = {0};
    hyper_h1_request r = base("POST", "/");
    r.body_mode = HYPER_H1_BODY_WHOLE;
    r.body = (const uint8_t *)big;
    r.body_len = sizeof big;
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_ELIMIT);
    r.body_mode = HYPER_H1_BODY_CHUNKED;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    const uint8_t *p;
    size_t head = hyper_h1_send_pending(s, &p);
    long took = hyper_h1_send_body(s, (const uint8_t *)big, sizeof big, 1);
    assert_true(took > 0 && (size_t)took < sizeof big);
    assert_int_equal(hyper_h1_send_pending(s, &p), 128);      /* exactly full */
    assert_int_equal(hyper_h1_send_body(s, (const uint8_t *)big + took, 1, 0), 0);
    assert_int_equal(hyper_h1_sent(s, 129), HYPER_EINVAL);
    assert_int_equal(hyper_h1_sent(s, head), HYPER_OK);
    long more = hyper_h1_send_body(s, (const uint8_t *)big + took, sizeof big - (size_t)took, 1);
    assert_true(more > 0);
    hyper_h1_session_free(s);
}

/* The buffers never hold more memory than their bounds, also when a bound
 * is below the buffers' first allocation size; every octet is accounted
 * by the allocator. */
static void buffers_within_bounds(void **state)
{
    (void)state;
    static const size_t bounds[] = {66, 100, 300, 1000, 1500};
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_h1_options o;
        hyper_h1_options_init(&o);
        o.max_output = bounds[i];
        o.max_head = bounds[i];
        o.max_line = 40;
        hyper_h1_session *s;
        assert_int_equal(hyper_h1_session_init(&s, &tm.mem, &o), HYPER_OK);
        size_t base_mem = tm.in_use;
        hyper_h1_request r = base("POST", "/");
        r.body_mode = HYPER_H1_BODY_LENGTH;
        r.content_length = 5000;
        assert_int_equal(hyper_h1_submit(s, &r), 1);
        assert_true(tm.in_use - base_mem <= bounds[i]);
        static const uint8_t big[5000];
        long took = hyper_h1_send_body(s, big, sizeof big, 0);
        assert_true(took > 0);
        const uint8_t *p;
        assert_int_equal(hyper_h1_send_pending(s, &p), bounds[i]);   /* full */
        assert_true(tm.in_use - base_mem <= bounds[i]);
        /* A head fed one octet at a time is assembled in the head buffer. */
        size_t out_mem = tm.in_use;
        static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nA: 0123456789\r\n\r\n";
        size_t fed = 0;
        while (fed < sizeof resp - 1 && hyper_h1_recv(s, (const uint8_t *)resp + fed, 1) == 1)
            fed++;
        hyper_event ev;
        int got_head = 0;
        while (hyper_h1_next_event(s, &ev)) {
            got_head |= ev.type == HYPER_EVENT_HEADERS;
            if (bounds[i] < sizeof resp - 1)
                assert_int_equal(ev.type == HYPER_EVENT_ERROR ? ev.error : 0, HYPER_EH1_HEAD_TOO_LARGE);
            hyper_headers_free(ev.headers);
        }
        assert_int_equal(got_head, bounds[i] >= sizeof resp - 1);
        assert_true(tm.in_use - out_mem <= bounds[i]);   /* the head buffer kept */
        hyper_h1_session_free(s);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
    }
}

/* Decodes a chunked body (our own output, strict CRLF) into out; returns 1
 * when the last chunk was seen. */
static int dechunk(const char *p, size_t n, char *out, size_t *outlen)
{
    size_t i = 0;
    *outlen = 0;
    while (i < n) {
        size_t size = 0, digits = 0;
        for (; i < n && strchr("0123456789abcdef", p[i]) && p[i]; i++, digits++)
            size = size * 16 + (size_t)(p[i] <= '9' ? p[i] - '0' : p[i] - 'a' + 10);
        assert_true(digits > 0 && i + 2 <= n && memcmp(p + i, "\r\n", 2) == 0);
        i += 2;
        if (size == 0) {
            assert_true(i + 2 == n && memcmp(p + i, "\r\n", 2) == 0);
            return 1;
        }
        assert_true(i + size + 2 <= n && memcmp(p + i + size, "\r\n", 2) == 0);
        memcpy(out + *outlen, p + i, size);
        *outlen += size;
        i += size + 2;
    }
    return 0;
}

/*
 * A chunked body with `end` in an output buffer of every size near the
 * edge: a call never takes more than it was given (the data sits in a
 * heap block of exactly len octets, so an over-read is an ASan error),
 * a return of len means the body is closed and the last chunk is written,
 * and what goes out is valid chunked coding of exactly the data given.
 */
static void chunk_edges_of_output_room(void **state)
{
    (void)state;
    static const char text[] = "0123456789abcdefghijklmnopqrstu";   /* 31 octets */
    hyper_h1_session *s = new_session(0);
    hyper_h1_request r = base("POST", "/");
    r.body_mode = HYPER_H1_BODY_CHUNKED;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    const uint8_t *p;
    size_t head = hyper_h1_send_pending(s, &p);
    hyper_h1_session_free(s);
    for (size_t len = 1; len < sizeof text; len += 3) {
        uint8_t *data = malloc(len);
        assert_non_null(data);
        memcpy(data, text, len);
        for (size_t room = 0; room <= len + 12; room++) {
            s = new_session(head + room);
            assert_int_equal(hyper_h1_submit(s, &r), 1);
            char out[256], body[64];
            size_t olen = 0, blen, sent = 0;
            int closed = 0;
            assert_int_equal(hyper_h1_sent(s, 0), HYPER_OK);
            for (int round = 0; round < 40 && !closed; round++) {
                long took = hyper_h1_send_body(s, data + sent, len - sent, 1);
                assert_true(took >= 0 && (size_t)took <= len - sent);
                sent += (size_t)took;
                closed = sent == len;
                size_t n;
                while ((n = hyper_h1_send_pending(s, &p)) > 0) {
                    assert_true(olen + n < sizeof out);
                    memcpy(out + olen, p, n);
                    olen += n;
                    hyper_h1_sent(s, n);
                }
            }
            assert_true(closed);
            assert_true(olen > head);
            if (!dechunk(out + head, olen - head, body, &blen))
                fail_msg("len %zu room %zu: no last chunk", len, room);
            assert_int_equal(blen, len);
            assert_memory_equal(body, text, len);
            assert_int_equal(hyper_h1_send_body(s, data, 1, 0), HYPER_ESTATE);
            hyper_h1_session_free(s);
        }
        free(data);
    }
}

/* Partial sends: the rest is offered again, in order. */
static void partial_sends(void **state)
{
    (void)state;
    hyper_h1_session *s = new_session(0);
    assert_int_equal(tr_submit(s, "GET", "/a"), 1);
    const uint8_t *p;
    char out[256];
    size_t total = 0, n;
    while ((n = hyper_h1_send_pending(s, &p)) > 0) {
        out[total++] = (char)p[0];
        assert_int_equal(hyper_h1_sent(s, 1), HYPER_OK);
    }
    out[total] = 0;
    assert_string_equal(out, "GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n");
    hyper_h1_session_free(s);
}

static void base64url_vectors(void **state)
{
    (void)state;
    /* RFC 4648 §10, without padding, plus the two URL-safe letters. */
    static const struct { const char *in; size_t len; const char *out; } v[] = {
        {"", 0, ""}, {"f", 1, "Zg"}, {"fo", 2, "Zm8"}, {"foo", 3, "Zm9v"},
        {"foob", 4, "Zm9vYg"}, {"fooba", 5, "Zm9vYmE"}, {"foobar", 6, "Zm9vYmFy"},
        {"\xfb\xff", 2, "-_8"}, {"\x00\x00\x00\x04\x00\x00\xff\xff", 8, "AAAABAAA__8"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        long n = hyper_h1_base64url_encode((const uint8_t *)v[i].in, v[i].len, out, sizeof out);
        assert_int_equal(n, strlen(v[i].out));
        assert_int_equal(hyper_h1_base64url_len(v[i].len), strlen(v[i].out));
        assert_memory_equal(out, v[i].out, (size_t)n);
    }
    assert_int_equal(hyper_h1_base64url_encode((const uint8_t *)"foo", 3, out, 3), HYPER_EBUFFER);
}

static void upgrade_request(void **state)
{
    (void)state;
    /* SETTINGS_MAX_CONCURRENT_STREAMS = 100, SETTINGS_INITIAL_WINDOW_SIZE = 65535 */
    static const uint8_t settings[] = {0, 3, 0, 0, 0, 100, 0, 4, 0, 0, 0xff, 0xff};
    hyper_h1_session *s = new_session(0);
    hyper_h1_request r = base("GET", "/");
    r.flags = HYPER_H1_UPGRADE_H2C;
    r.h2_settings = settings;
    r.h2_settings_len = sizeof settings;
    assert_int_equal(hyper_h1_submit(s, &r), 1);
    char out[512];
    tr_take_output(s, out, sizeof out);
    assert_string_equal(out, "GET / HTTP/1.1\r\nHost: example.com:8080\r\n"
                             "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                             "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
    assert_int_equal(tr_submit(s, "GET", "/"), HYPER_ESTATE);   /* upgrade pending */
    hyper_h1_session_free(s);
    /* Only with nothing else outstanding. */
    hyper_h1_options o;
    hyper_h1_options_init(&o);
    o.max_pipeline = 4;
    assert_int_equal(hyper_h1_session_init(&s, NULL, &o), HYPER_OK);
    assert_int_equal(tr_submit(s, "GET", "/"), 1);
    assert_int_equal(hyper_h1_submit(s, &r), HYPER_ESTATE);
    hyper_h1_session_free(s);
}

static void init_rejects_bad_options(void **state)
{
    (void)state;
    hyper_h1_options o;
    hyper_h1_session *s = (hyper_h1_session *)&o;
    hyper_h1_options_init(&o);
    o.max_pipeline = 65;
    assert_int_equal(hyper_h1_session_init(&s, NULL, &o), HYPER_EINVAL);
    assert_null(s);
    hyper_h1_options_init(&o);
    o.max_line = 1000;
    o.max_head = 100;
    assert_int_equal(hyper_h1_session_init(&s, NULL, &o), HYPER_EINVAL);
    assert_int_equal(hyper_h1_session_init(NULL, NULL, NULL), HYPER_EINVAL);
    hyper_h1_session_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_bytes),
        cmocka_unit_test(values_sent_verbatim),
        cmocka_unit_test(chunked_body_stream),
        cmocka_unit_test(length_body_stream),
        cmocka_unit_test(refused_fields),
        cmocka_unit_test(refused_request_lines),
        cmocka_unit_test(output_bound),
        cmocka_unit_test(buffers_within_bounds),
        cmocka_unit_test(chunk_edges_of_output_room),
        cmocka_unit_test(partial_sends),
        cmocka_unit_test(base64url_vectors),
        cmocka_unit_test(upgrade_request),
        cmocka_unit_test(init_rejects_bad_options),
    };
    return cmocka_run_group_tests_name("h1_write", tests, NULL, NULL);
}
