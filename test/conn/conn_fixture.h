/*
 * conn_fixture.h — what the connection-object tests share: a throw-away PKI
 * (test/peers/make-certs.sh), the httpbin-like node server
 * (test/peers/httpbin.js) on free loopback ports, options trusting the test
 * CA, and helpers to read a whole body and hash it. Included by one test
 * file per binary (static functions).
 */
#ifndef HYPER_TEST_CONN_FIXTURE_H
#define HYPER_TEST_CONN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mbedtls/sha256.h>
#include "hyper.h"
#include "testutil.h"
#include "peer.h"

#define FIX_WAIT_MS 15000

#if defined(__GNUC__)
#define FX_UNUSED __attribute__((unused))
#else
#define FX_UNUSED
#endif

static struct conn_fixture {
    char dir[128];
    char ca[200], cert[200], key[200];
    peer_httpbin bin;
} fx;

FX_UNUSED static int fx_setup(void **state)
{
    (void)state;
    if (peer_tmpdir("conn", fx.dir, sizeof fx.dir) != 0)
        return -1;
    if (peer_make_certs(fx.dir) != 0) {
        fprintf(stderr, "conn fixture: make-certs.sh failed\n");
        peer_rmdir(fx.dir);
        return -1;
    }
    snprintf(fx.ca, sizeof fx.ca, "%s/ca.crt", fx.dir);
    snprintf(fx.cert, sizeof fx.cert, "%s/server.crt", fx.dir);
    snprintf(fx.key, sizeof fx.key, "%s/server.key", fx.dir);
    if (peer_httpbin_start(&fx.bin, fx.cert, fx.key, FIX_WAIT_MS) != 0) {
        peer_rmdir(fx.dir);
        return -1;
    }
    return 0;
}

FX_UNUSED static int fx_teardown(void **state)
{
    (void)state;
    peer_httpbin_stop(&fx.bin);
    peer_rmdir(fx.dir);
    return 0;
}

/* Options for the test servers: the test CA, short timeouts. */
FX_UNUSED static void fx_opts(hyper_conn_opts *o, int secure)
{
    hyper_conn_opts_init(o);
    o->secure = secure;
    o->transport.ca_file = fx.ca;
    o->read_timeout_ms = 10000;
    o->connect_timeout_ms = 5000;
}

FX_UNUSED static hyper_conn *fx_open(int port, const hyper_conn_opts *o)
{
    int err = 0;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    hyper_conn *c = hyper_conn_open_detail("localhost", (uint16_t)port, o, &err, detail,
                                           sizeof detail);
    if (!c)
        fprintf(stderr, "open port %d: %s (%s)\n", port, hyper_strerror_name(err), detail);
    return c;
}

/* Reads the whole body into a NUL-terminated malloc'd buffer; returns its
 * length, or a negative error (buffer freed). */
FX_UNUSED static long fx_read_all(hyper_response *r, char **out)
{
    size_t cap = 65536, len = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
        }
        long n = hyper_response_read(r, b + len, cap - len);
        if (n < 0) {
            free(b);
            *out = NULL;
            return n;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    b[len] = 0;
    *out = b;
    return (long)len;
}

/* Reads the body through a small buffer, hashing it; stores the hex
 * SHA-256 in hex (65 octets) and returns the length or an error. */
FX_UNUSED static long long fx_read_hash(hyper_response *r, char hex[65], size_t bufsize)
{
    mbedtls_sha256_context ctx;
    uint8_t *buf = malloc(bufsize), digest[32];
    long long total = 0;
    mbedtls_sha256_init(&ctx);
    mbedtls_sha256_starts_ret(&ctx, 0);
    for (;;) {
        long n = hyper_response_read(r, buf, bufsize);
        if (n < 0) {
            total = n;
            break;
        }
        if (n == 0)
            break;
        mbedtls_sha256_update_ret(&ctx, buf, (size_t)n);
        total += n;
    }
    mbedtls_sha256_finish_ret(&ctx, digest);
    mbedtls_sha256_free(&ctx);
    free(buf);
    test_hex_encode(digest, 32, hex);
    return total;
}

FX_UNUSED static void fx_sha256_hex(const void *data, size_t len, char hex[65])
{
    uint8_t d[32];
    mbedtls_sha256_ret(data, len, d, 0);
    test_hex_encode(d, 32, hex);
}

/* Header value as a C string in a static buffer ("" when absent). */
FX_UNUSED static const char *fx_header(const hyper_headers *h, const char *name)
{
    static char v[512];
    const char *p;
    size_t n;
    if (!h || hyper_headers_get(h, name, 0, &p, &n) != HYPER_OK || n >= sizeof v)
        return "";
    memcpy(v, p, n);
    v[n] = 0;
    return v;
}

#endif
