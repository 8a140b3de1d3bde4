/*
 * quickstart.c — Python hyper's quickstart, in C, step by step.
 *
 *   quickstart HOST PORT [HTTP1-PORT] [CA-FILE]
 *
 * Against the test server (node test/peers/httpbin.js, see its header):
 *   sh test/peers/make-certs.sh /tmp/certs
 *   node test/peers/httpbin.js --cert /tmp/certs/server.crt \
 *        --key /tmp/certs/server.key --tls 8443 --h1tls 8444 &
 *   ./build/examples/quickstart localhost 8443 8444 /tmp/certs/ca.crt
 *
 * 1. the first request: status, a header, the body (decompressed for you);
 * 2. three requests in flight at once, read back second, first, third;
 * 3. the fallback: the same calls against a server that only speaks
 *    HTTP/1.1 (hyper_request then returns 0 instead of a stream id).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

static hyper_conn *open_conn(const char *host, int port, const char *ca)
{
    hyper_conn_opts opts;
    hyper_conn_opts_init(&opts);
    opts.secure = 1;                        /* TLS (the default only on 443) */
    if (ca)
        opts.transport.ca_file = ca;        /* trust the test CA */
    int err;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    hyper_conn *c = hyper_conn_open_detail(host, (uint16_t)port, &opts, &err, detail,
                                           sizeof detail);
    if (!c)
        fprintf(stderr, "cannot connect to %s:%d: %s (%s)\n", host, port,
                hyper_strerror(err), detail);
    return c;
}

/* Prints a response's status and body (at most `limit` octets of it). */
static int show(const char *what, hyper_response *r, size_t limit)
{
    char buf[4096];
    long n;
    size_t shown = 0;
    printf("--- %s: %d %s\n", what, hyper_response_status(r), hyper_response_reason(r));
    while ((n = hyper_response_read(r, buf, sizeof buf)) > 0) {
        if (shown < limit) {
            size_t k = (size_t)n < limit - shown ? (size_t)n : limit - shown;
            fwrite(buf, 1, k, stdout);
            shown += k;
        }
    }
    if (n < 0)
        fprintf(stderr, "read: %s\n", hyper_strerror((int)n));
    return n < 0 ? -1 : 0;
}

static int first_request(hyper_conn *c)
{
    /* c.request('GET', '/'); resp = c.get_response() */
    int32_t id = hyper_request(c, "GET", "/get", NULL, 0, NULL, 0);
    if (id < 0) {
        fprintf(stderr, "request: %s\n", hyper_strerror(id));
        return -1;
    }
    hyper_response *r = hyper_get_response(c, id);
    if (!r) {
        fprintf(stderr, "response: %s\n", hyper_strerror(hyper_conn_last_error(c)));
        return -1;
    }
    /* resp.headers['content-type'] */
    const char *v;
    size_t vlen;
    if (hyper_headers_get(hyper_response_headers(r), "content-type", 0, &v, &vlen) == 0)
        printf("content-type: %.*s\n", (int)vlen, v);
    /* body = resp.read() */
    int rc = show("GET /get", r, 2000);
    hyper_response_free(r);
    return rc;
}

static int multiplexed(hyper_conn *c)
{
    hyper_hpack_field key = {"key", 3, "value", 5, 0};
    int32_t first = hyper_request(c, "GET", "/get", &key, 1, NULL, 0);
    int32_t second = hyper_request(c, "POST", "/post", NULL, 0, "hello", 5);
    int32_t third = hyper_request(c, "GET", "/ip", NULL, 0, NULL, 0);
    printf("=== ids: %d %d %d (protocol %s)\n", first, second, third, hyper_conn_protocol(c));
    if (first < 0 || second < 0 || third < 0)
        return -1;
    /* On HTTP/2 any order works; on HTTP/1.1 (ids 0) responses come in
     * request order, so read them in order there. */
    hyper_response *r1 = NULL, *r2, *r3;
    if (first == 0)
        r1 = hyper_get_response(c, first);
    r2 = hyper_get_response(c, second);
    if (first > 0)
        r1 = hyper_get_response(c, first);
    r3 = hyper_get_response(c, third);
    int rc = -1;
    if (r1 && r2 && r3)
        rc = show("second (POST /post)", r2, 200) | show("first (GET /get)", r1, 2000) |
             show("third (GET /ip)", r3, 200);
    hyper_response_free(r1);
    hyper_response_free(r2);
    hyper_response_free(r3);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [HTTP1-PORT] [CA-FILE]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    const char *ca = argc > 4 ? argv[4] : NULL;
    hyper_conn *c = open_conn(host, atoi(argv[2]), ca);
    if (!c)
        return 1;
    printf("=== connected, protocol %s\n", hyper_conn_protocol(c));
    int rc = first_request(c) | multiplexed(c);
    hyper_conn_free(c);
    if (argc > 3) {
        /* The fallback: same calls, the server only speaks HTTP/1.1. */
        c = open_conn(host, atoi(argv[3]), ca);
        if (!c)
            return 1;
        printf("=== fallback connection, protocol %s\n", hyper_conn_protocol(c));
        rc |= multiplexed(c);
        hyper_conn_free(c);
    }
    return rc ? 1 : 0;
}
