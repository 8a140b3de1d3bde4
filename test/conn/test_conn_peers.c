/*
 * Wire tests of the connection object against Debian's servers:
 *  - nghttpd (nghttp2): TLS with ALPN h2, cleartext with prior knowledge,
 *    and server push (--push);
 *  - h2o: cleartext with the "Upgrade: h2c" offer (RFC 7540 §3.2) when the
 *    HTTP/2 engine supports taking over an upgraded connection, plain
 *    HTTP/1.1 otherwise, and prior knowledge.
 * Each server runs from a temporary folder (docroot, config) on a free
 * loopback port and is stopped by the pid we started.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "conn_fixture.h"

static struct {
    char root[300];
    pid_t nghttpd_tls, nghttpd_clear, h2o, h2o_noup;
    int port_tls, port_clear, port_h2o, port_h2o_noup;
    char big_sha[65];
} px;

#define BIG_LEN 1000000

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    fclose(f);
    chmod(path, 0644);
    return w == len ? 0 : -1;
}

static int make_docroot(void)
{
    char path[400];
    snprintf(px.root, sizeof px.root, "%s/www", fx.dir);
    if (mkdir(px.root, 0755) != 0)
        return -1;
    chmod(fx.dir, 0755);         /* h2o reads the docroot as user nobody */
    snprintf(path, sizeof path, "%s/index.txt", px.root);
    if (write_file(path, "hello from the docroot\n", 23) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/pushed.txt", px.root);
    if (write_file(path, "pushed by nghttpd\n", 18) != 0)
        return -1;
    uint8_t *big = malloc(BIG_LEN);
    for (size_t i = 0; i < BIG_LEN; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 10));
    fx_sha256_hex(big, BIG_LEN, px.big_sha);
    snprintf(path, sizeof path, "%s/big.bin", px.root);
    int rc = write_file(path, big, BIG_LEN);
    free(big);
    return rc;
}

static pid_t start_and_wait(char *const argv[], int port)
{
    pid_t pid = peer_spawn(argv, NULL);
    if (pid > 0 && peer_wait_port(port, FIX_WAIT_MS) != 0) {
        peer_stop(pid);
        return -1;
    }
    return pid;
}

/* h2o on a cleartext port; upgrade: "http1-upgrade-to-http2" ON or OFF.
 * As root h2o switches to user nobody (PEERS.md): the docroot is 755/644
 * and the pid we record is the one we started. */
static pid_t start_h2o(const char *tag, int upgrade, int *port)
{
    char conf[400], text[1200], log[400];
    snprintf(conf, sizeof conf, "%s/h2o-%s.conf", fx.dir, tag);
    snprintf(log, sizeof log, "%s/h2o-%s-error.log", fx.dir, tag);
    *port = peer_free_port();
    snprintf(text, sizeof text,
             "listen:\n  host: 127.0.0.1\n  port: %d\n"
             "user: nobody\n"
             "error-log: %s\n"
             "http1-upgrade-to-http2: %s\n"
             "hosts:\n  default:\n    paths:\n      /:\n        file.dir: %s\n",
             *port, log, upgrade ? "ON" : "OFF", px.root);
    if (write_file(conf, text, strlen(text)) != 0)
        return -1;
    char *argv[] = {"h2o", "-c", conf, NULL};
    return start_and_wait(argv, *port);
}

static int setup(void **state)
{
    char port[16], push[64];
    char key[256], cert[256];
    if (fx_setup(state) != 0)
        return -1;
    if (make_docroot() != 0)
        goto fail;
    snprintf(key, sizeof key, "%s/server.key", fx.dir);
    snprintf(cert, sizeof cert, "%s/server.crt", fx.dir);
    snprintf(push, sizeof push, "--push=/index.txt=/pushed.txt");
    px.port_tls = peer_free_port();
    snprintf(port, sizeof port, "%d", px.port_tls);
    char *a1[] = {"nghttpd", "-d", px.root, push, port, key, cert, NULL};
    px.nghttpd_tls = start_and_wait(a1, px.port_tls);
    px.port_clear = peer_free_port();
    char port2[16];
    snprintf(port2, sizeof port2, "%d", px.port_clear);
    char *a2[] = {"nghttpd", "--no-tls", "-d", px.root, port2, NULL};
    px.nghttpd_clear = start_and_wait(a2, px.port_clear);
    px.h2o = start_h2o("up", 1, &px.port_h2o);
    px.h2o_noup = start_h2o("noup", 0, &px.port_h2o_noup);
    if (px.nghttpd_tls < 0 || px.nghttpd_clear < 0 || px.h2o < 0 || px.h2o_noup < 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "peers did not start\n");
    peer_stop(px.nghttpd_tls);
    peer_stop(px.nghttpd_clear);
    peer_stop(px.h2o);
    peer_stop(px.h2o_noup);
    fx_teardown(state);
    return -1;
}

static int teardown(void **state)
{
    peer_stop(px.nghttpd_tls);
    peer_stop(px.nghttpd_clear);
    peer_stop(px.h2o);
    peer_stop(px.h2o_noup);
    return fx_teardown(state);
}

/* GET /index.txt and /big.bin; checks protocol, status, bodies. */
static void fetch_docroot(hyper_conn *c, const char *proto)
{
    int32_t a = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    int32_t b = hyper_request(c, "GET", "/big.bin", NULL, 0, NULL, 0);
    int32_t m = hyper_request(c, "GET", "/missing", NULL, 0, NULL, 0);
    assert_true(a >= 0 && b >= 0 && m >= 0);
    hyper_response *rb = hyper_get_response(c, b);
    hyper_response *ra = hyper_get_response(c, a);
    hyper_response *rm = hyper_get_response(c, m);
    /* On HTTP/1.1 (ids 0) the first collected is the first sent. */
    if (a == 0) {
        hyper_response *t = ra;
        ra = rb;
        rb = t;
    }
    assert_non_null(ra);
    assert_non_null(rb);
    assert_non_null(rm);
    assert_string_equal(hyper_conn_protocol(c), proto);
    char *body;
    assert_int_equal(fx_read_all(ra, &body), 23);
    assert_string_equal(body, "hello from the docroot\n");
    free(body);
    char sha[65];
    assert_int_equal(fx_read_hash(rb, sha, 5000), BIG_LEN);
    assert_string_equal(sha, px.big_sha);
    assert_int_equal(hyper_response_status(rm), 404);
    hyper_response_free(ra);
    hyper_response_free(rb);
    hyper_response_free(rm);
}

static void test_nghttpd_tls(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 1);
    hyper_conn *c = fx_open(px.port_tls, &o);
    assert_non_null(c);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    fetch_docroot(c, "h2");
    hyper_conn_free(c);
    /* HTTP/1.1 only: nghttpd selects no protocol, so by RFC 7301 we speak
     * HTTP/1.1, which nghttpd does not: the request fails, never hangs. */
    o.protocol = HYPER_CONN_PROTO_HTTP1;
    o.read_timeout_ms = 3000;
    c = fx_open(px.port_tls, &o);
    assert_non_null(c);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    int32_t id = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    assert_int_equal(id, 0);
    assert_null(hyper_get_response(c, id));
    assert_true(hyper_conn_last_error(c) < 0);
    hyper_conn_free(c);
}

static void test_nghttpd_push(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 1);
    o.enable_push = 1;
    hyper_conn *c = fx_open(px.port_tls, &o);
    assert_non_null(c);
    int32_t id = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    char *body;
    assert_int_equal(fx_read_all(r, &body), 23);
    free(body);
    int32_t p = hyper_conn_next_push(c, id);
    assert_true(p > 0);
    assert_string_equal(fx_header(hyper_conn_push_request(c, p), ":path"), "/pushed.txt");
    hyper_response *pr = hyper_get_response(c, p);
    assert_non_null(pr);
    assert_int_equal(fx_read_all(pr, &body), 18);
    assert_string_equal(body, "pushed by nghttpd\n");
    free(body);
    hyper_response_free(pr);
    hyper_response_free(r);
    hyper_conn_free(c);
}

static void test_nghttpd_prior_knowledge(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    o.protocol = HYPER_CONN_PROTO_H2;
    hyper_conn *c = fx_open(px.port_clear, &o);
    assert_non_null(c);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    fetch_docroot(c, "h2");
    uint64_t rtt;
    assert_int_equal(hyper_conn_ping(c, &rtt), HYPER_OK);
    hyper_conn_free(c);
}

/* Reads r whole and checks it is /index.txt. */
static void expect_index(hyper_response *r)
{
    char *body;
    assert_non_null(r);
    assert_int_equal(hyper_response_status(r), 200);
    assert_int_equal(fx_read_all(r, &body), 23);
    assert_string_equal(body, "hello from the docroot\n");
    free(body);
}

#ifdef HYPER_H2_HAVE_UPGRADE
/* The quickstart over cleartext AUTO (RFC 7540 §3.2): the first request
 * offers h2c; it goes out on HTTP/1.1, so hyper_request returns 0, and its
 * response, on stream 1 after the 101, has id 1. The second request waits
 * for the answer to the offer and gets 3, the third 5; read out of order. */
static void test_h2o_upgrade(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    hyper_conn *c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    int32_t first = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    assert_int_equal(first, 0);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1"); /* not answered yet */
    int32_t second = hyper_request(c, "GET", "/missing", NULL, 0, NULL, 0);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    int32_t third = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    assert_int_equal(second, 3);
    assert_int_equal(third, 5);
    hyper_response *r2 = hyper_get_response(c, second);
    assert_non_null(r2);
    assert_int_equal(hyper_response_status(r2), 404);
    hyper_response *r1 = hyper_get_response(c, 1);   /* its id now */
    assert_int_equal(hyper_response_id(r1), 1);
    assert_string_equal(hyper_response_reason(r1), "");   /* an HTTP/2 response */
    expect_index(r1);
    hyper_response *r3 = hyper_get_response(c, third);
    expect_index(r3);
    hyper_response_free(r1);
    hyper_response_free(r2);
    hyper_response_free(r3);
    fetch_docroot(c, "h2");
    hyper_conn_free(c);

    /* One request alone: collected as the oldest (0), its id is 1. */
    c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 0);
    r1 = hyper_get_response(c, 0);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    assert_int_equal(hyper_response_id(r1), 1);
    expect_index(r1);
    hyper_response_free(r1);
    /* Reopened after a close: h2c was learned, prior knowledge now, and
     * ids keep growing. */
    hyper_conn_close(c);
    int32_t id = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    assert_true(id > 1 && id % 2 == 1);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    expect_index(r1 = hyper_get_response(c, id));
    hyper_response_free(r1);
    hyper_conn_free(c);
}

/* HEAD as the upgraded request: stream 1 is a HEAD response (no body). */
static void test_h2o_upgrade_head(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    hyper_conn *c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    int32_t id = hyper_request(c, "HEAD", "/big.bin", NULL, 0, NULL, 0);
    assert_int_equal(id, 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    assert_string_equal(hyper_conn_protocol(c), "h2");
    assert_int_equal(hyper_response_id(r), 1);
    assert_int_equal(hyper_response_status(r), 200);
    assert_string_equal(fx_header(hyper_response_headers(r), "content-length"), "1000000");
    char buf[64];
    assert_int_equal(hyper_response_read(r, buf, sizeof buf), 0);
    hyper_response_free(r);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 3);
    expect_index(r = hyper_get_response(c, 3));
    hyper_response_free(r);
    hyper_conn_free(c);
}

/* A request with a body carries no offer (see hyper.h section 10): it goes
 * whole on HTTP/1.1 (id 0); the next bodyless request offers h2c. */
static void test_h2o_upgrade_after_post(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    hyper_conn *c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    int32_t id = hyper_request(c, "POST", "/index.txt", NULL, 0, "a=1&b=2", 7);
    assert_int_equal(id, 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    assert_int_equal(hyper_response_id(r), 0);
    assert_true(hyper_response_status(r) >= 200);
    assert_string_not_equal(hyper_response_reason(r), ""); /* an HTTP/1.1 response */
    char *body;
    assert_true(fx_read_all(r, &body) >= 0);
    free(body);
    hyper_response_free(r);
    id = hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0);
    assert_int_equal(id, 0);
    expect_index(r = hyper_get_response(c, id));
    assert_string_equal(hyper_conn_protocol(c), "h2");
    assert_int_equal(hyper_response_id(r), 1);
    hyper_response_free(r);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 3);
    expect_index(r = hyper_get_response(c, 0));
    assert_int_equal(hyper_response_id(r), 3);
    hyper_response_free(r);
    hyper_conn_free(c);
}
#endif

/* A server that ignores the offer (h2o with the upgrade OFF): HTTP/1.1
 * throughout, every id 0, responses in order; a reconnection makes no
 * offer (what was learned is kept). */
static void test_h2o_upgrade_ignored(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    hyper_conn *c = fx_open(px.port_h2o_noup, &o);
    assert_non_null(c);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 0);
    assert_int_equal(hyper_request(c, "GET", "/missing", NULL, 0, NULL, 0), 0);
    hyper_response *r = hyper_get_response(c, 0);
    assert_int_equal(hyper_response_id(r), 0);
    assert_string_equal(hyper_response_reason(r), "OK");
    expect_index(r);
    hyper_response_free(r);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    r = hyper_get_response(c, 0);
    assert_non_null(r);
    assert_int_equal(hyper_response_status(r), 404);
    hyper_response_free(r);
    fetch_docroot(c, "http/1.1");
    hyper_conn_close(c);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 0);
    expect_index(r = hyper_get_response(c, 0));
    hyper_response_free(r);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    hyper_conn_free(c);
}

/* Forced protocols on the upgrading h2o: prior knowledge, HTTP/1.1 only. */
static void test_h2o_forced(void **state)
{
    (void)state;
    hyper_conn_opts o;
    fx_opts(&o, 0);
    o.protocol = HYPER_CONN_PROTO_H2;
    hyper_conn *c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    fetch_docroot(c, "h2");
    hyper_conn_free(c);
    o.protocol = HYPER_CONN_PROTO_HTTP1;
    c = fx_open(px.port_h2o, &o);
    assert_non_null(c);
    assert_int_equal(hyper_request(c, "GET", "/index.txt", NULL, 0, NULL, 0), 0);
    hyper_response *r = hyper_get_response(c, 0);
    expect_index(r);
    hyper_response_free(r);
    fetch_docroot(c, "http/1.1");
    hyper_conn_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nghttpd_tls),
        cmocka_unit_test(test_nghttpd_push),
        cmocka_unit_test(test_nghttpd_prior_knowledge),
#ifdef HYPER_H2_HAVE_UPGRADE
        cmocka_unit_test(test_h2o_upgrade),
        cmocka_unit_test(test_h2o_upgrade_head),
        cmocka_unit_test(test_h2o_upgrade_after_post),
#endif
        cmocka_unit_test(test_h2o_upgrade_ignored),
        cmocka_unit_test(test_h2o_forced),
    };
    return cmocka_run_group_tests_name("conn_peers", tests, setup, teardown);
}
