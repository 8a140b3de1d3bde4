/*
 * Wire tests of the connection object against test/peers/httpbin.js (node):
 * ALPN h2 and the HTTP/1.1 fallback over TLS, prior knowledge in cleartext,
 * the quickstart's out-of-order reads, 100 requests in flight, gzip and
 * deflate decoding, trailers, chunk reads, statuses, a large body checked
 * by hash, PING, and reuse after close. Each protocol case runs on every
 * listener where it applies (table-driven).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "conn_fixture.h"

/* The listeners and what each must negotiate. */
struct listener {
    const char *name;
    int secure;
    int protocol;           /* HYPER_CONN_PROTO_* to ask for */
    const char *expect;     /* hyper_conn_protocol() */
};

static const struct listener listeners[] = {
    {"tls", 1, HYPER_CONN_PROTO_AUTO, "h2"},
    {"tls", 1, HYPER_CONN_PROTO_HTTP1, "http/1.1"},
    {"h1tls", 1, HYPER_CONN_PROTO_AUTO, "http/1.1"},
    {"h2c", 0, HYPER_CONN_PROTO_H2, "h2"},
    {"h1", 0, HYPER_CONN_PROTO_AUTO, "http/1.1"},
};
#define NLISTENERS (sizeof listeners / sizeof listeners[0])

static int port_of(const char *name)
{
    if (strcmp(name, "tls") == 0)
        return fx.bin.tls;
    if (strcmp(name, "h1tls") == 0)
        return fx.bin.h1tls;
    if (strcmp(name, "h2c") == 0)
        return fx.bin.h2c;
    return fx.bin.h1;
}

static hyper_conn *open_listener(const struct listener *L)
{
    hyper_conn_opts o;
    fx_opts(&o, L->secure);
    o.protocol = L->protocol;
    hyper_conn *c = fx_open(port_of(L->name), &o);
    assert_non_null(c);
    return c;
}

static char *body_of(hyper_response *r)
{
    char *b;
    assert_true(fx_read_all(r, &b) >= 0);
    return b;
}

/* First request: status, headers, body, protocol on every listener. */
static void test_get_each_listener(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        const struct listener *L = &listeners[i];
        hyper_conn *c = open_listener(L);
        hyper_hpack_field h = {"X-Key", 5, "value", 5, 0};
        int32_t id = hyper_request(c, "GET", "/get?a=1", &h, 1, NULL, 0);
        int h2 = strcmp(L->expect, "h2") == 0;
        if (h2)
            assert_int_equal(id, 1);
        else
            assert_int_equal(id, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        assert_string_equal(hyper_conn_protocol(c), L->expect);
        assert_int_equal(hyper_response_status(r), 200);
        assert_string_equal(hyper_response_reason(r), h2 ? "" : "OK");
        assert_string_equal(fx_header(hyper_response_headers(r), "content-type"),
                            "application/json");
        char *b = body_of(r);
        assert_non_null(strstr(b, "\"x-key\": \"value\""));
        assert_non_null(strstr(b, "\"a\": \"1\""));
        assert_non_null(strstr(b, h2 ? "\"protocol\": \"h2\"" : "\"protocol\": \"http/1.1\""));
        assert_non_null(strstr(b, "\"user-agent\": \"hyper/" HYPER_VERSION "\""));
        assert_non_null(strstr(b, "\"accept-encoding\": \"gzip, deflate\""));
#ifdef HYPER_H2_HAVE_UPGRADE
        /* Cleartext AUTO: the first request offered h2c (RFC 7540 §3.2);
         * node's http module ignores the offer, so HTTP/1.1 goes on. */
        int offered = !L->secure && L->protocol == HYPER_CONN_PROTO_AUTO;
        assert_int_equal(strstr(b, "\"upgrade\": \"h2c\"") != NULL, offered);
        assert_int_equal(strstr(b, "\"http2-settings\": ") != NULL, offered);
#endif
        free(b);
        hyper_response_free(r);
        if (!h2) {
            /* The second request carries no offer (the answer is known). */
            id = hyper_request(c, "GET", "/get?a=2", NULL, 0, NULL, 0);
            assert_int_equal(id, 0);
            r = hyper_get_response(c, id);
            assert_non_null(r);
            b = body_of(r);
            assert_null(strstr(b, "\"upgrade\""));
            assert_string_equal(hyper_conn_protocol(c), "http/1.1");
            free(b);
            hyper_response_free(r);
        }
        hyper_conn_free(c);
    }
}

/* The quickstart: three requests, read second, first, third. */
static void test_out_of_order(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        hyper_hpack_field h = {"key", 3, "value", 5, 0};
        int32_t first = hyper_request(c, "GET", "/get", &h, 1, NULL, 0);
        int32_t second = hyper_request(c, "POST", "/post", NULL, 0, "hello", 5);
        int32_t third = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
        assert_true(first >= 0 && second >= 0 && third >= 0);
        if (strcmp(listeners[i].expect, "h2") == 0) {
            assert_int_equal(first, 1);
            assert_int_equal(second, 3);
            assert_int_equal(third, 5);
        }
        /* HTTP/1.1: every id is 0 and responses come in request order. */
        hyper_response *r1 = NULL, *r2, *r3;
        if (first == 0)
            r1 = hyper_get_response(c, 0);
        r2 = hyper_get_response(c, second);
        if (first > 0)
            r1 = hyper_get_response(c, first);
        r3 = hyper_get_response(c, third);
        assert_non_null(r1);
        assert_non_null(r2);
        assert_non_null(r3);
        char *b2 = body_of(r2), *b1 = body_of(r1), *b3 = body_of(r3);
        assert_string_equal(b2, "hello");
        assert_non_null(strstr(b1, "\"key\": \"value\""));
        assert_non_null(strstr(b3, "\"origin\""));
        free(b1);
        free(b2);
        free(b3);
        hyper_response_free(r1);
        hyper_response_free(r2);
        hyper_response_free(r3);
        hyper_conn_free(c);
    }
}

/* 100 requests started before any response is read; each answer matched. */
static void test_hundred_in_flight(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t ids[100];
        char path[64];
        for (int k = 0; k < 100; k++) {
            snprintf(path, sizeof path, "/get?n=%d", k);
            ids[k] = hyper_request(c, "GET", path, NULL, 0, NULL, 0);
            assert_true(ids[k] >= 0);
        }
        /* HTTP/2: read from the last to the first; HTTP/1.1: in order. */
        int h2 = ids[0] > 0;
        for (int j = 0; j < 100; j++) {
            int k = h2 ? 99 - j : j;
            hyper_response *r = hyper_get_response(c, ids[k]);
            assert_non_null(r);
            assert_int_equal(hyper_response_status(r), 200);
            char *b = body_of(r);
            char want[64];
            snprintf(want, sizeof want, "\"n\": \"%d\"", k);
            assert_non_null(strstr(b, want));
            free(b);
            hyper_response_free(r);
        }
        hyper_conn_free(c);
    }
}

static void check_coded(hyper_conn *c, const char *path, int decompress)
{
    int32_t id = hyper_request(c, "GET", path, NULL, 0, NULL, 0);
    assert_true(id >= 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    const hyper_headers *h = hyper_response_headers(r);
    long want_len = atol(fx_header(h, "x-decoded-length"));
    char want_sha[65];
    snprintf(want_sha, sizeof want_sha, "%s", fx_header(h, "x-decoded-sha256"));
    long raw_len = atol(fx_header(h, "content-length"));
    if (!decompress)
        assert_int_equal(hyper_response_set_decompress(r, 0), HYPER_OK);
    char *b;
    long n = fx_read_all(r, &b);
    if (decompress) {
        char sha[65];
        assert_int_equal(n, want_len);
        fx_sha256_hex(b, (size_t)n, sha);
        assert_string_equal(sha, want_sha);
        assert_non_null(strstr(b, strstr(path, "gzip") ? "\"gzipped\": true" : "\"deflated\": true"));
    } else {
        assert_int_equal(n, raw_len);
        assert_true(n != want_len);
    }
    assert_int_equal(hyper_response_set_decompress(r, 1), HYPER_ESTATE);
    free(b);
    hyper_response_free(r);
}

static void test_gzip_deflate(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        check_coded(c, "/gzip", 1);
        check_coded(c, "/deflate", 1);
        check_coded(c, "/gzip", 0);
        hyper_conn_free(c);
    }
}

static void test_trailers(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t id = hyper_request(c, "GET", "/trailers", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        assert_null(hyper_response_trailers(r));
        char *b = body_of(r);
        char sha[65];
        fx_sha256_hex(b, strlen(b), sha);
        const hyper_headers *t = hyper_response_trailers(r);
        assert_non_null(t);
        assert_string_equal(fx_header(t, "x-trailer-one"), "1");
        assert_string_equal(fx_header(t, "x-body-sha256"), sha);
        free(b);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

/* /stream/N read one piece at a time: the lines reassemble exactly. */
static void test_chunks_and_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t id = hyper_request(c, "GET", "/stream/20", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char all[4096];
        size_t len = 0;
        int pieces = 0;
        const uint8_t *p;
        long n;
        while ((n = hyper_response_read_chunk(r, &p)) > 0) {
            assert_true(len + (size_t)n < sizeof all);
            memcpy(all + len, p, (size_t)n);
            len += (size_t)n;
            pieces++;
        }
        assert_int_equal(n, 0);
        all[len] = 0;
        assert_true(pieces >= 1);
        for (int k = 0; k < 20; k++) {
            char want[64];
            snprintf(want, sizeof want, "{\"id\":%d,\"url\":\"/stream/20\"}\n", k);
            assert_non_null(strstr(all, want));
        }
        hyper_response_free(r);
        static const int statuses[] = {204, 404, 418, 503, 304};
        for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
            char path[32];
            snprintf(path, sizeof path, "/status/%d", statuses[k]);
            id = hyper_request(c, "GET", path, NULL, 0, NULL, 0);
            r = hyper_get_response(c, id);
            assert_non_null(r);
            assert_int_equal(hyper_response_status(r), statuses[k]);
            char *b = body_of(r);
            if (statuses[k] == 204 || statuses[k] == 304)
                assert_string_equal(b, "");
            else
                assert_non_null(strstr(b, path + 8));
            free(b);
            hyper_response_free(r);
        }
        hyper_conn_free(c);
    }
}

/* A large body through a small buffer: length and SHA-256 as announced. */
static void test_bytes_hash(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t id = hyper_request(c, "GET", "/bytes/3000000?seed=7", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char want[65], got[65];
        snprintf(want, sizeof want, "%s", fx_header(hyper_response_headers(r), "x-sha256"));
        assert_int_equal(strlen(want), 64);
        assert_int_equal(fx_read_hash(r, got, 7000), 3000000);
        assert_string_equal(got, want);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

static void test_ping(void **state)
{
    (void)state;
    hyper_conn *c = open_listener(&listeners[0]);
    uint64_t rtt = 0;
    assert_int_equal(hyper_conn_ping(c, &rtt), HYPER_OK);
    assert_true(rtt > 0 && rtt < 5000000);
    hyper_conn_free(c);
    c = open_listener(&listeners[2]);
    assert_int_equal(hyper_conn_ping(c, &rtt), HYPER_ECONN_UNSUPPORTED);
    hyper_conn_free(c);
}

/* Close keeps collected responses readable up to what arrived, and the
 * next request opens a new connection. */
static void test_close_and_reopen(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t id = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char *b = body_of(r);
        free(b);
        hyper_conn_close(c);
        assert_null(hyper_conn_protocol(c));
        id = hyper_request(c, "GET", "/get?again=1", NULL, 0, NULL, 0);
        assert_true(id >= 0);
        hyper_response *r2 = hyper_get_response(c, id);
        assert_non_null(r2);
        b = body_of(r2);
        assert_non_null(strstr(b, "\"again\": \"1\""));
        assert_string_equal(hyper_conn_protocol(c), listeners[i].expect);
        free(b);
        hyper_response_free(r2);
        hyper_conn_free(c);
        hyper_response_free(r);   /* after the connection: still fine */
    }
}

/* A response freed unread: cancelled (HTTP/2) or drained (HTTP/1.1); the
 * connection goes on serving requests. */
static void test_free_unread(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int32_t big = hyper_request(c, "GET", "/bytes/2000000", NULL, 0, NULL, 0);
        int32_t small = hyper_request(c, "GET", "/get?after=1", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, big);
        assert_non_null(r);
        hyper_response_free(r);
        r = hyper_get_response(c, small);
        assert_non_null(r);
        char *b = body_of(r);
        assert_non_null(strstr(b, "\"after\": \"1\""));
        free(b);
        hyper_response_free(r);
        assert_null(hyper_get_response(c, 0));
        assert_int_equal(hyper_conn_last_error(c), HYPER_ENOTFOUND);
        hyper_conn_free(c);
    }
}

/* hyper_response_read_chunk on a coded body (RFC 9110 §8.4): each call
 * hands out the decoded octets of the next piece, at most 16 KiB; a body
 * that decodes to far more than it has (?pad) takes many calls per piece.
 * The pieces put together are the JSON announced by x-decoded-*. With
 * decoding off the chunks are the coded octets, content-length of them. */
static void test_read_chunk_decoded(void **state)
{
    (void)state;
    static const char *const paths[] = {"/gzip?pad=100000", "/deflate?pad=100000", "/gzip"};
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        for (size_t k = 0; k < 3; k++) {
            int32_t id = hyper_request(c, "GET", paths[k], NULL, 0, NULL, 0);
            hyper_response *r = hyper_get_response(c, id);
            assert_non_null(r);
            const hyper_headers *h = hyper_response_headers(r);
            size_t want_len = (size_t)atol(fx_header(h, "x-decoded-length"));
            char want_sha[65], sha[65];
            snprintf(want_sha, sizeof want_sha, "%s", fx_header(h, "x-decoded-sha256"));
            char *all = malloc(want_len + 1);
            size_t len = 0;
            int calls = 0;
            const uint8_t *p;
            long n;
            while ((n = hyper_response_read_chunk(r, &p)) > 0) {
                assert_non_null(p);
                assert_true(n <= 16384);
                assert_true(len + (size_t)n <= want_len);
                memcpy(all + len, p, (size_t)n);
                len += (size_t)n;
                calls++;
            }
            assert_int_equal(n, 0);
            assert_null(p);
            assert_int_equal(hyper_response_read_chunk(r, &p), 0);
            assert_int_equal(len, want_len);
            fx_sha256_hex(all, len, sha);
            assert_string_equal(sha, want_sha);
            all[len] = 0;
            assert_non_null(strstr(all, k == 1 ? "\"deflated\": true" : "\"gzipped\": true"));
            if (k < 2)
                assert_true(calls >= 7);    /* 100000+ octets, 16 KiB at most each */
            free(all);
            hyper_response_free(r);
        }
        /* Decoding off: the coded octets as they came. */
        int32_t id = hyper_request(c, "GET", "/gzip?pad=100000", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        assert_int_equal(hyper_response_set_decompress(r, 0), HYPER_OK);
        long raw = atol(fx_header(hyper_response_headers(r), "content-length"));
        long total = 0, n;
        const uint8_t *p;
        uint8_t magic[2] = {0, 0};
        while ((n = hyper_response_read_chunk(r, &p)) > 0) {
            if (total == 0 && n >= 2)
                memcpy(magic, p, 2);
            total += n;
        }
        assert_int_equal(n, 0);
        assert_int_equal(total, raw);
        assert_true(raw < 5000);
        assert_int_equal(magic[0], 0x1f);   /* gzip magic (RFC 1952 §2.3.1) */
        assert_int_equal(magic[1], 0x8b);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

/* HTTP/1.1 max_buffered: a response whose body must be held because a later
 * response was asked for first. Within the bound it is read whole later;
 * above it, it fails with HYPER_ECONN_BUFFER after the octets held, and the
 * later response is unharmed. */
static void test_max_buffered(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        const struct listener *L = &listeners[i];
        if (strcmp(L->expect, "http/1.1") != 0)
            continue;
        for (int over = 0; over < 2; over++) {
            hyper_conn_opts o;
            fx_opts(&o, L->secure);
            o.protocol = L->protocol;
            o.max_buffered = 20000;
            o.decompress = 0;
            hyper_conn *c = fx_open(port_of(L->name), &o);
            assert_non_null(c);
            const char *path = over ? "/bytes/200000?seed=3" : "/bytes/15000?seed=3";
            assert_int_equal(hyper_request(c, "GET", path, NULL, 0, NULL, 0), 0);
            assert_int_equal(hyper_request(c, "GET", "/get?b=1", NULL, 0, NULL, 0), 0);
            hyper_response *ra = hyper_get_response(c, 0);   /* head only */
            assert_non_null(ra);
            char want[65], got[65];
            snprintf(want, sizeof want, "%s", fx_header(hyper_response_headers(ra), "x-sha256"));
            hyper_response *rb = hyper_get_response(c, 0);   /* A's body is held */
            assert_non_null(rb);
            char *b = body_of(rb);
            assert_non_null(strstr(b, "\"b\": \"1\""));
            free(b);
            hyper_response_free(rb);
            if (!over) {
                assert_int_equal(fx_read_hash(ra, got, 4096), 15000);
                assert_string_equal(got, want);
            } else {
                char buf[4096];
                long n, total = 0;
                while ((n = hyper_response_read(ra, buf, sizeof buf)) > 0)
                    total += n;
                assert_int_equal(n, HYPER_ECONN_BUFFER);
                assert_true(total <= 20000);
                assert_int_equal(hyper_response_read(ra, buf, sizeof buf), HYPER_ECONN_BUFFER);
            }
            hyper_response_free(ra);
            /* The connection goes on. */
            assert_int_equal(hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0), 0);
            rb = hyper_get_response(c, 0);
            assert_non_null(rb);
            assert_int_equal(hyper_response_status(rb), 200);
            hyper_response_free(rb);
            hyper_conn_free(c);
        }
    }
}

/* Push on HTTP/1.1: HYPER_ECONN_UNSUPPORTED, before and after a request;
 * on HTTP/2 with push off: no push, 0. */
static void test_next_push_http1(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLISTENERS; i++) {
        hyper_conn *c = open_listener(&listeners[i]);
        int h2 = strcmp(listeners[i].expect, "h2") == 0;
        int want = h2 ? 0 : HYPER_ECONN_UNSUPPORTED;
        assert_int_equal(hyper_conn_next_push(c, 1), want);
        int32_t id = hyper_request(c, "GET", "/push", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char *b = body_of(r);
        free(b);
        assert_int_equal(hyper_conn_next_push(c, id), want);
        if (!h2)
            assert_int_equal(hyper_conn_last_error(c), HYPER_ECONN_UNSUPPORTED);
        assert_null(hyper_conn_push_request(c, 2));
        assert_int_equal(hyper_conn_push_cancel(c, 2), HYPER_ENOTFOUND);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_each_listener),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_hundred_in_flight),
        cmocka_unit_test(test_gzip_deflate),
        cmocka_unit_test(test_trailers),
        cmocka_unit_test(test_chunks_and_status),
        cmocka_unit_test(test_bytes_hash),
        cmocka_unit_test(test_ping),
        cmocka_unit_test(test_close_and_reopen),
        cmocka_unit_test(test_free_unread),
        cmocka_unit_test(test_read_chunk_decoded),
        cmocka_unit_test(test_max_buffered),
        cmocka_unit_test(test_next_push_http1),
    };
    return cmocka_run_group_tests_name("conn_http", tests, fx_setup, fx_teardown);
}
