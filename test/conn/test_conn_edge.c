/*
 * Wire tests of the connection object's harder paths, against
 * test/peers/httpbin.js: server push (listed, read, cancelled), a 64 MiB
 * body checked by hash, streamed uploads of 16 MiB, GOAWAY with retry of
 * the requests the server did not process, idle and total timeouts, a
 * connection that dies mid-body, TLS failures reported by hyper_conn_open,
 * and allocation failure at every step of open + request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "conn_fixture.h"

static hyper_conn *open_port(int port, int secure, int protocol)
{
    hyper_conn_opts o;
    fx_opts(&o, secure);
    o.protocol = protocol;
    hyper_conn *c = fx_open(port, &o);
    assert_non_null(c);
    return c;
}

static char *body_of(hyper_response *r)
{
    char *b;
    assert_true(fx_read_all(r, &b) >= 0);
    return b;
}

/* ---- push -------------------------------------------------------------------- */

static void test_push(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 1);
    o.enable_push = 1;
    hyper_conn *c = fx_open(fx.bin.tls, &o);
    assert_non_null(c);
    int32_t id = hyper_request(c, "GET", "/push", NULL, 0, NULL, 0);
    assert_int_equal(id, 1);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    char *b = body_of(r);
    assert_string_equal(b, "pushed 2\n");
    free(b);
    int32_t p1 = hyper_conn_next_push(c, id), p2 = hyper_conn_next_push(c, id);
    assert_true(p1 > 0 && p2 > 0 && p1 != p2);
    assert_int_equal(p1 % 2, 0);
    assert_int_equal(hyper_conn_next_push(c, id), 0);
    const hyper_headers *pr = hyper_conn_push_request(c, p1);
    assert_non_null(pr);
    assert_string_equal(fx_header(pr, ":path"), "/pushed/a");
    assert_string_equal(fx_header(pr, ":method"), "GET");
    assert_string_equal(fx_header(pr, ":scheme"), "https");
    assert_string_equal(fx_header(hyper_conn_push_request(c, p2), ":path"), "/pushed/b");
    hyper_response *pa = hyper_get_response(c, p1);
    assert_non_null(pa);
    assert_int_equal(hyper_response_status(pa), 200);
    b = body_of(pa);
    assert_string_equal(b, "pushed a\n");
    free(b);
    assert_int_equal(hyper_conn_push_cancel(c, p2), HYPER_OK);
    assert_null(hyper_conn_push_request(c, p2));
    assert_null(hyper_get_response(c, p2));
    assert_int_equal(hyper_conn_last_error(c), HYPER_ENOTFOUND);
    assert_int_equal(hyper_conn_push_cancel(c, p2), HYPER_ENOTFOUND);
    /* The connection still works after the cancel. */
    id = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
    hyper_response *r2 = hyper_get_response(c, id);
    assert_non_null(r2);
    assert_int_equal(hyper_response_status(r2), 200);
    hyper_response_free(r2);
    hyper_response_free(pa);
    hyper_response_free(r);
    hyper_conn_free(c);

    /* Push off (the default): the server is told, nothing is promised. */
    c = open_port(fx.bin.tls, 1, HYPER_CONN_PROTO_AUTO);
    id = hyper_request(c, "GET", "/push", NULL, 0, NULL, 0);
    r = hyper_get_response(c, id);
    assert_non_null(r);
    b = body_of(r);
    assert_string_equal(b, "pushed 0\n");
    free(b);
    assert_int_equal(hyper_conn_next_push(c, id), 0);
    hyper_response_free(r);
    hyper_conn_free(c);
}

/* ---- large bodies ------------------------------------------------------------ */

static void test_64mib_body(void **state)
{
    (void)state;
    const int ports[] = {fx.bin.tls, fx.bin.h1tls};
    for (int i = 0; i < 2; i++) {
        hyper_conn *c = open_port(ports[i], 1, HYPER_CONN_PROTO_AUTO);
        int32_t id = hyper_request(c, "GET", "/bytes/67108864?seed=42", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char want[65], got[65];
        snprintf(want, sizeof want, "%s", fx_header(hyper_response_headers(r), "x-sha256"));
        assert_int_equal(fx_read_hash(r, got, 65536), 67108864LL);
        assert_string_equal(got, want);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

/* Deterministic upload content: byte i is (i * 31 + i / 4096) & 0xff. */
static void fill(uint8_t *p, size_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(((off + i) * 31 + (off + i) / 4096) & 0xff);
}

static void upload(hyper_conn *c, size_t total, int with_length)
{
    enum { PIECE = 100000 };
    uint8_t *piece = malloc(PIECE);
    mbedtls_sha256_context sha;
    uint8_t digest[32];
    char hex[65], num[32];
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts_ret(&sha, 0);
    assert_int_equal(hyper_request_start(c, "POST", "/post?digest=1"), HYPER_OK);
    assert_int_equal(hyper_request_start(c, "POST", "/x"), HYPER_ESTATE);
    assert_int_equal(hyper_request_header(c, "Content-Type", 12, "application/octet-stream", 24),
                     HYPER_OK);
    if (with_length) {
        snprintf(num, sizeof num, "%zu", total);
        assert_int_equal(hyper_request_header(c, "content-length", 14, num, strlen(num)),
                         HYPER_OK);
    }
    int32_t id = hyper_request_end_headers(c, 0);
    assert_true(id >= 0);
    for (size_t off = 0; off < total; off += PIECE) {
        size_t n = total - off < PIECE ? total - off : PIECE;
        fill(piece, off, n);
        mbedtls_sha256_update_ret(&sha, piece, n);
        assert_int_equal(hyper_request_send(c, id, piece, n, off + n == total), HYPER_OK);
    }
    mbedtls_sha256_finish_ret(&sha, digest);
    mbedtls_sha256_free(&sha);
    test_hex_encode(digest, 32, hex);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    assert_int_equal(hyper_response_status(r), 200);
    char *b = body_of(r);
    snprintf(num, sizeof num, "\"length\": %zu", total);
    assert_non_null(strstr(b, num));
    assert_non_null(strstr(b, hex));
    free(b);
    hyper_response_free(r);
    free(piece);
}

static void test_upload_16mib(void **state)
{
    (void)state;
    const size_t total = 16u << 20;
    hyper_conn *c = open_port(fx.bin.tls, 1, HYPER_CONN_PROTO_AUTO);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    upload(c, total, 0);
    upload(c, 1000, 1);
    hyper_conn_free(c);
    c = open_port(fx.bin.h1tls, 1, HYPER_CONN_PROTO_AUTO);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    upload(c, total, 0);      /* chunked */
    upload(c, total, 1);      /* content-length */
    hyper_conn_free(c);
}

/* ---- GOAWAY ------------------------------------------------------------------- */

static void test_goaway_retry(void **state)
{
    (void)state;
    hyper_conn *c = open_port(fx.bin.tls, 1, HYPER_CONN_PROTO_AUTO);
    int32_t g = hyper_request(c, "GET", "/goaway", NULL, 0, NULL, 0);
    int32_t a = hyper_request(c, "GET", "/get?x=a", NULL, 0, NULL, 0);
    int32_t p = hyper_request(c, "POST", "/post", NULL, 0, "data", 4);
    int32_t b = hyper_request(c, "GET", "/get?x=b", NULL, 0, NULL, 0);
    assert_int_equal(g, 1);
    assert_int_equal(a, 3);
    assert_int_equal(p, 5);
    assert_int_equal(b, 7);
    /* Read the later ones first: they are retried on a new connection. */
    hyper_response *rb = hyper_get_response(c, b);
    assert_non_null(rb);
    assert_int_equal(hyper_response_id(rb), b);
    char *body = body_of(rb);
    assert_non_null(strstr(body, "\"x\": \"b\""));
    free(body);
    assert_null(hyper_get_response(c, p));
    assert_int_equal(hyper_conn_last_error(c), HYPER_ECONN_NOT_PROCESSED);
    hyper_response *rg = hyper_get_response(c, g);
    assert_non_null(rg);
    body = body_of(rg);
    assert_string_equal(body, "goaway\n");
    free(body);
    hyper_response *ra = hyper_get_response(c, a);
    assert_non_null(ra);
    body = body_of(ra);
    assert_non_null(strstr(body, "\"x\": \"a\""));
    free(body);
    /* New ids never repeat the old ones. */
    int32_t n = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
    assert_true(n > b);
    assert_int_equal(n % 2, 1);
    hyper_response *rn = hyper_get_response(c, n);
    assert_non_null(rn);
    assert_int_equal(hyper_response_status(rn), 200);
    hyper_response_free(rn);
    hyper_response_free(ra);
    hyper_response_free(rg);
    hyper_response_free(rb);
    hyper_conn_free(c);
}

/* hyper_conn_goaway_received against node's GOAWAY (last stream id = the
 * /goaway stream): nothing before it, then (last, NO_ERROR) in request
 * ids, also on a second connection whose stream ids are offset. */
static void test_goaway_received(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 1);
    o.retry_on_goaway = 0;
    hyper_conn *c = fx_open(fx.bin.tls, &o);
    assert_non_null(c);
    int32_t last = -1;
    uint32_t code = 99;
    assert_int_equal(hyper_conn_goaway_received(NULL, &last, &code), 0);
    assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 0);
    for (int round = 0; round < 2; round++) {
        int32_t warm = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, warm);
        assert_non_null(r);
        hyper_response_free(r);
        assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 0);
        int32_t g = hyper_request(c, "GET", "/goaway", NULL, 0, NULL, 0);
        int32_t after = hyper_request(c, "GET", "/get", NULL, 0, NULL, 0);
        assert_true(g > warm && after > g);
        if (round == 1)
            assert_true(warm > 5);          /* a new connection: ids offset */
        r = hyper_get_response(c, g);
        assert_non_null(r);
        char *b = body_of(r);
        assert_string_equal(b, "goaway\n");
        free(b);
        hyper_response_free(r);
        assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 1);
        assert_int_equal(last, g);
        assert_int_equal(code, HYPER_H2_NO_ERROR);
        assert_int_equal(hyper_conn_goaway_received(c, NULL, NULL), 1);
        assert_null(hyper_get_response(c, after));
        assert_int_equal(hyper_conn_last_error(c), HYPER_ECONN_NOT_PROCESSED);
        assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 1);
        /* round 0: the next request opens a new connection */
    }
    hyper_conn_close(c);
    assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 0);
    hyper_conn_free(c);
    /* HTTP/1.1: never. */
    c = open_port(fx.bin.h1tls, 1, HYPER_CONN_PROTO_AUTO);
    int32_t id = hyper_request(c, "GET", "/goaway", NULL, 0, NULL, 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    hyper_response_free(r);
    assert_int_equal(hyper_conn_goaway_received(c, &last, &code), 0);
    hyper_conn_free(c);
}

/* ---- timeouts and dead connections -------------------------------------------- */

static void test_timeouts(void **state)
{
    (void)state;
    const int ports[] = {fx.bin.tls, fx.bin.h1tls, fx.bin.h2c};
    const int secure[] = {1, 1, 0};
    const int proto[] = {HYPER_CONN_PROTO_AUTO, HYPER_CONN_PROTO_AUTO, HYPER_CONN_PROTO_H2};
    for (int i = 0; i < 3; i++) {
        hyper_conn_opts o;
        fx_opts(&o, secure[i]);
        o.protocol = proto[i];
        o.read_timeout_ms = 300;
        hyper_conn *c = fx_open(ports[i], &o);
        assert_non_null(c);
        int32_t id = hyper_request(c, "GET", "/delay/2", NULL, 0, NULL, 0);
        assert_true(id >= 0);
        assert_null(hyper_get_response(c, id));
        assert_int_equal(hyper_conn_last_error(c), HYPER_ETIMEOUT);
        /* The connection (or a new one) still serves the next request. */
        id = hyper_request(c, "GET", "/delay/0.05", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        assert_int_equal(hyper_response_status(r), 200);
        hyper_response_free(r);
        hyper_conn_free(c);

        /* Total deadline: the idle timeout is long, the deadline short. */
        fx_opts(&o, secure[i]);
        o.protocol = proto[i];
        o.request_timeout_ms = 400;
        c = fx_open(ports[i], &o);
        assert_non_null(c);
        id = hyper_request(c, "GET", "/delay/3", NULL, 0, NULL, 0);
        assert_null(hyper_get_response(c, id));
        assert_int_equal(hyper_conn_last_error(c), HYPER_ECONN_DEADLINE);
        id = hyper_request(c, "GET", "/delay/0.05", NULL, 0, NULL, 0);
        r = hyper_get_response(c, id);
        assert_non_null(r);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

static void test_dead_connection(void **state)
{
    (void)state;
    const int ports[] = {fx.bin.tls, fx.bin.h1tls};
    for (int i = 0; i < 2; i++) {
        hyper_conn *c = open_port(ports[i], 1, HYPER_CONN_PROTO_AUTO);
        int32_t id = hyper_request(c, "GET", "/drop", NULL, 0, NULL, 0);
        hyper_response *r = hyper_get_response(c, id);
        assert_non_null(r);
        char buf[2048];
        long n, total = 0;
        while ((n = hyper_response_read(r, buf, sizeof buf)) > 0)
            total += n;
        assert_true(n < 0);           /* cut short: an error, never success */
        assert_true(total <= 7);
        assert_int_equal(hyper_response_read(r, buf, sizeof buf), n); /* sticky */
        hyper_response_free(r);
        /* The next request gets a fresh connection. */
        id = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
        r = hyper_get_response(c, id);
        assert_non_null(r);
        assert_int_equal(hyper_response_status(r), 200);
        hyper_response_free(r);
        hyper_conn_free(c);
    }
}

/* ---- TLS failures, each with its own error ------------------------------------- */

static void test_tls_failures(void **state)
{
    (void)state;
    hyper_conn_opts o;
    int err = 0;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    /* untrusted: the system bundle does not know the test CA */
    hyper_conn_opts_init(&o);
    o.secure = 1;
    assert_null(hyper_conn_open_detail("localhost", (uint16_t)fx.bin.tls, &o, &err, detail,
                                       sizeof detail));
    assert_int_equal(err, HYPER_ETLS_UNTRUSTED);
    assert_true(strlen(detail) > 0);
    /* wrong host name */
    fx_opts(&o, 1);
    o.transport.server_name = "wrong.example";
    assert_null(hyper_conn_open("localhost", (uint16_t)fx.bin.tls, &o, &err));
    assert_int_equal(err, HYPER_ETLS_HOSTNAME);
    /* expired: a second server with the expired certificate */
    peer_httpbin old;
    char cert[256], key[256];
    snprintf(cert, sizeof cert, "%s/expired.crt", fx.dir);
    snprintf(key, sizeof key, "%s/expired.key", fx.dir);
    assert_int_equal(peer_httpbin_start(&old, cert, key, FIX_WAIT_MS), 0);
    fx_opts(&o, 1);
    assert_null(hyper_conn_open("localhost", (uint16_t)old.tls, &o, &err));
    assert_int_equal(err, HYPER_ETLS_EXPIRED);
    peer_httpbin_stop(&old);
    /* HTTP/2 required, server offers only HTTP/1.1 */
    fx_opts(&o, 1);
    o.protocol = HYPER_CONN_PROTO_H2;
    assert_null(hyper_conn_open("localhost", (uint16_t)fx.bin.h1tls, &o, &err));
    assert_true(err == HYPER_ETLS_ALPN || err == HYPER_ECONN_NO_H2);
    /* nothing listening */
    int port = peer_free_port();
    fx_opts(&o, 0);
    assert_null(hyper_conn_open("127.0.0.1", (uint16_t)port, &o, &err));
    assert_int_equal(err, HYPER_ECONNECT);
    /* bad arguments */
    assert_null(hyper_conn_open("", 443, NULL, &err));
    assert_int_equal(err, HYPER_EINVAL);
    assert_null(hyper_conn_open("localhost", 0, NULL, &err));
    assert_int_equal(err, HYPER_EINVAL);
}

/* ---- memory ------------------------------------------------------------------- */

/* Open + request + read with every allocation failing in turn: each either
 * works or fails cleanly, and nothing leaks. */
static void test_alloc_failures(void **state)
{
    (void)state;
    const int ports[] = {fx.bin.h2c, fx.bin.h1};
    const int proto[] = {HYPER_CONN_PROTO_H2, HYPER_CONN_PROTO_AUTO};
    for (int i = 0; i < 2; i++) {
        int succeeded = 0;
        for (size_t fail = 1; fail < 400 && !succeeded; fail++) {
            test_mem tm;
            test_mem_init(&tm);
            tm.fail_at = fail;
            hyper_conn_opts o;
            fx_opts(&o, 0);
            o.protocol = proto[i];
            o.mem = &tm.mem;
            int err = 0;
            hyper_conn *c = hyper_conn_open("localhost", (uint16_t)ports[i], &o, &err);
            if (c) {
                int32_t id = hyper_request(c, "GET", "/gzip", NULL, 0, NULL, 0);
                hyper_response *r = id >= 0 ? hyper_get_response(c, id) : NULL;
                if (r) {
                    char buf[4096];
                    long n, total = 0;
                    while ((n = hyper_response_read(r, buf, sizeof buf)) > 0)
                        total += n;
                    if (n == 0 && tm.calls < fail) {
                        assert_true(total > 100);
                        succeeded = 1;
                    }
                    hyper_response_free(r);
                }
                hyper_conn_free(c);
            } else {
                assert_true(err == HYPER_ENOMEM);
            }
            assert_int_equal(tm.in_use, 0);
            assert_int_equal(tm.blocks, 0);
            assert_false(tm.size_mismatch);
        }
        assert_true(succeeded);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push),
        cmocka_unit_test(test_64mib_body),
        cmocka_unit_test(test_upload_16mib),
        cmocka_unit_test(test_goaway_retry),
        cmocka_unit_test(test_goaway_received),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_dead_connection),
        cmocka_unit_test(test_tls_failures),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests_name("conn_edge", tests, fx_setup, fx_teardown);
}
