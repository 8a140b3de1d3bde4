/*
 * Tests for TLS connections once open, and for the TLS adapter itself
 * (src/tls/tls_mbedtls.c, tls_verify.c): echo of large data, read timeout
 * leaving the connection usable, end of stream after close_notify, servers
 * that are silent or not TLS at all, TLS over a caller-provided transport,
 * argument and allocation failures, and the iPAddress matcher on real
 * certificates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <poll.h>
#include <time.h>
#include <cmocka.h>
#include "tls_fixture.h"
#include "tls/tls_mbedtls.h"

static const char *const specs[] = {
    "good:server:alpn=h2+http/1.1",
    "bye:server:bye:alpn=http/1.1",
};

static int setup(void **state)
{
    (void)state;
    return fx_start(specs, sizeof specs / sizeof specs[0]);
}

static void echo_large(void **state)
{
    (void)state;
    hyper_transport_opts o;
    fx_opts(&o);
    test_mem tm;
    test_mem_init(&tm);
    hyper_transport t;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    assert_int_equal(fx_open(&t, "good", "localhost", &o, &tm, detail), HYPER_OK);
    char line[128];
    assert_true(fx_read_line(&t, line, sizeof line) > 0);
    /* 256 KiB: many records, partial writes, reads split anywhere. */
    enum { N = 256 * 1024 };
    static uint8_t out[N], in[N];
    for (size_t i = 0; i < N; i++)
        out[i] = (uint8_t)(i * 7 + (i >> 9));
    size_t sent = 0, got = 0;
    while (sent < N) {
        long r = t.write(t.ctx, out + sent, N - sent, 3000);
        assert_true(r > 0);
        sent += (size_t)r;
    }
    while (got < N) {
        long r = t.read(t.ctx, in + got, N - got, 3000);
        assert_true(r > 0);
        got += (size_t)r;
    }
    assert_memory_equal(in, out, N);
    t.close(t.ctx);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

static void read_timeout_then_usable(void **state)
{
    (void)state;
    hyper_transport_opts o;
    fx_opts(&o);
    hyper_transport t;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    assert_int_equal(fx_open(&t, "good", "127.0.0.1", &o, NULL, detail), HYPER_OK);
    char line[128];
    assert_true(fx_read_line(&t, line, sizeof line) > 0);
    uint8_t b[16];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(t.read(t.ctx, b, sizeof b, 200), HYPER_ETIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 190 && ms < 3000);
    assert_int_equal(t.write(t.ctx, (const uint8_t *)"ping", 4, 1000), 4);
    size_t n = 0;
    while (n < 4) {
        long r = t.read(t.ctx, b + n, sizeof b - n, 3000);
        assert_true(r > 0);
        n += (size_t)r;
    }
    assert_memory_equal(b, "ping", 4);
    assert_int_equal(t.read(t.ctx, b, 0, 10), HYPER_EINVAL);
    assert_int_equal(t.write(t.ctx, b, 0, 10), HYPER_EINVAL);
    t.close(t.ctx);
}

static void end_of_stream(void **state)
{
    (void)state;
    hyper_transport_opts o;
    fx_opts(&o);
    hyper_transport t;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    assert_int_equal(fx_open(&t, "bye", "localhost", &o, NULL, detail), HYPER_OK);
    assert_string_equal(t.protocol(t.ctx), "http/1.1");
    char line[128];
    assert_true(fx_read_line(&t, line, sizeof line) > 0);
    assert_string_equal(line, "alpn=http/1.1 client=-");
    uint8_t b[16];
    assert_int_equal(t.read(t.ctx, b, sizeof b, 3000), 0);
    assert_int_equal(t.read(t.ctx, b, sizeof b, 3000), 0);  /* stays at the end */
    t.close(t.ctx);
}

/* A listener of this process: TCP to it, accept, then act as the server. */
static int local_server(hyper_transport *tcp, int *lfd_out)
{
    int port = -1;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sl), 0);
    assert_int_equal(listen(lfd, 4), 0);
    getsockname(lfd, (struct sockaddr *)&a, &sl);
    port = ntohs(a.sin_port);
    assert_int_equal(hyper_transport_tcp_open(tcp, "127.0.0.1", (uint16_t)port, NULL, NULL,
                                              NULL, 0), HYPER_OK);
    struct pollfd p = {lfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    *lfd_out = lfd;
    return accept(lfd, NULL, NULL);
}

static void silent_server_times_out(void **state)
{
    (void)state;
    hyper_transport tcp, t;
    int lfd, sfd = local_server(&tcp, &lfd);
    assert_true(sfd >= 0);
    hyper_transport_opts o;
    fx_opts(&o);
    o.handshake_timeout_ms = 300;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    test_mem tm;
    test_mem_init(&tm);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(hyper_transport_tls_wrap(&t, tcp, "localhost", &o, &tm.mem, detail,
                                              sizeof detail), HYPER_ETIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 290 && ms < 3000);
    assert_non_null(strstr(detail, "timed out"));
    assert_int_equal(tm.in_use, 0);
    /* tls_wrap closed the TCP transport: the server side sees the end. */
    char b[512];
    long r;
    struct pollfd p = {sfd, POLLIN, 0};
    do {
        assert_int_equal(poll(&p, 1, 3000), 1);
        r = recv(sfd, b, sizeof b, 0);  /* ClientHello, then EOF */
    } while (r > 0);
    assert_int_equal(r, 0);
    close(sfd);
    close(lfd);
}

static void plaintext_server_fails(void **state)
{
    (void)state;
    hyper_transport tcp, t;
    int lfd, sfd = local_server(&tcp, &lfd);
    static const char resp[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    assert_int_equal(send(sfd, resp, sizeof resp - 1, 0), sizeof resp - 1);
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    int rc = hyper_transport_tls_wrap(&t, tcp, "localhost", NULL, NULL, detail,
                                      sizeof detail);
    print_message("plaintext server: %s %s\n", hyper_strerror_name(rc), detail);
    assert_int_equal(rc, HYPER_ETLS_HANDSHAKE);
    assert_non_null(strstr(detail, "localhost"));
    close(sfd);
    close(lfd);
}

/* A caller's own transport under TLS: forwards to TCP, counts bytes. */
struct counting {
    hyper_transport inner;
    size_t rd, wr;
    int closed, corrupt;
    size_t reads;              /* read calls that returned data */
    size_t records;            /* TLS records seen whole in what was read */
    uint8_t hdr[5];            /* record header being collected */
    size_t hdr_len, skip;      /* header octets so far; body octets left */
};
/* Counts TLS records in the octets read (RFC 5246 §6.2.1 headers). */
static void c_scan(struct counting *c, const uint8_t *b, size_t n)
{
    while (n) {
        if (c->skip) {
            size_t k = c->skip < n ? c->skip : n;
            c->skip -= k;
            b += k;
            n -= k;
            if (!c->skip)
                c->records++;
            continue;
        }
        c->hdr[c->hdr_len++] = *b++;
        n--;
        if (c->hdr_len == 5) {
            c->skip = (size_t)c->hdr[3] << 8 | c->hdr[4];
            c->hdr_len = 0;
            if (!c->skip)
                c->records++;
        }
    }
}
static long c_read(void *ctx, uint8_t *b, size_t n, int ms)
{
    struct counting *c = ctx;
    long r = c->inner.read(c->inner.ctx, b, n, ms);
    c->rd += r > 0 ? (size_t)r : 0;
    if (r > 0) {
        c->reads++;
        c_scan(c, b, (size_t)r);
    }
    if (r > 0 && c->corrupt)
        b[r - 1] ^= 0x01;  /* damages the record's MAC/tag */
    return r;
}
static long c_write(void *ctx, const uint8_t *b, size_t n, int ms)
{
    struct counting *c = ctx;
    long r = c->inner.write(c->inner.ctx, b, n, ms);
    c->wr += r > 0 ? (size_t)r : 0;
    return r;
}
static const char *c_protocol(void *ctx)
{
    (void)ctx;
    return NULL;
}
static void c_close(void *ctx)
{
    struct counting *c = ctx;
    if (c->inner.close)
        c->inner.close(c->inner.ctx);
    c->closed++;
}

/* TLS to the "good" server over a TCP transport wrapped in `counting`. */
static void tls_over_counting(struct counting *c, hyper_transport *t)
{
    memset(c, 0, sizeof *c);
    hyper_transport_opts o;
    fx_opts(&o);
    assert_int_equal(hyper_transport_tcp_open(&c->inner, "127.0.0.1",
                                              (uint16_t)fx_port("good"), &o, NULL, NULL, 0),
                     HYPER_OK);
    hyper_transport lower = {c_read, c_write, c_protocol, c_close, c};
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    assert_int_equal(hyper_transport_tls_wrap(t, lower, "localhost", &o, NULL, detail,
                                              sizeof detail), HYPER_OK);
}

static void tls_over_own_transport(void **state)
{
    (void)state;
    struct counting c;
    hyper_transport t;
    tls_over_counting(&c, &t);
    assert_string_equal(t.protocol(t.ctx), "h2");
    assert_true(c.rd > 100 && c.wr > 100);  /* the handshake went through it */
    char line[128];
    assert_true(fx_read_line(&t, line, sizeof line) > 0);
    /* A record damaged in transit: HYPER_ETLS, and it sticks. */
    assert_int_equal(t.write(t.ctx, (const uint8_t *)"echo me", 7, 1000), 7);
    c.corrupt = 1;
    uint8_t b[16];
    assert_int_equal(t.read(t.ctx, b, sizeof b, 3000), HYPER_ETLS);
    assert_int_equal(t.read(t.ctx, b, sizeof b, 3000), HYPER_ETLS);
    assert_int_equal(t.write(t.ctx, b, 1, 1000), HYPER_ETLS);
    assert_int_equal(c.closed, 0);
    t.close(t.ctx);
    assert_int_equal(c.closed, 1);
}

/* The read-ahead (tls_mbedtls.c): mbedTLS asks for each record's header
 * and body separately, which without it costs two reads or more per
 * record. With it, 256 KiB echoed (records of up to 16 KiB) takes fewer
 * lower reads than records, give or take data arriving in pieces, and one
 * t.read may return several records. */
static void read_ahead_fewer_reads(void **state)
{
    (void)state;
    struct counting c;
    hyper_transport t;
    tls_over_counting(&c, &t);
    char line[128];
    assert_true(fx_read_line(&t, line, sizeof line) > 0);
    enum { N = 256 * 1024 };
    static uint8_t out[N], in[N];
    for (size_t i = 0; i < N; i++)
        out[i] = (uint8_t)(i * 13 + (i >> 11));
    size_t sent = 0, got = 0, calls = 0;
    while (sent < N) {
        long r = t.write(t.ctx, out + sent, N - sent, 3000);
        assert_true(r > 0);
        sent += (size_t)r;
    }
    size_t reads0 = c.reads, records0 = c.records;
    while (got < N) {
        long r = t.read(t.ctx, in + got, N - got, 3000);
        assert_true(r > 0);
        got += (size_t)r;
        calls++;
    }
    assert_memory_equal(in, out, N);
    size_t reads = c.reads - reads0, records = c.records - records0;
    assert_true(records >= N / 16384);
    assert_true(reads < 2 * records);
    assert_true(calls <= records);
    t.close(t.ctx);
}

/* A lower transport that must never be used, only closed. */
static long f_read(void *ctx, uint8_t *b, size_t n, int ms)
{
    (void)ctx; (void)b; (void)n; (void)ms;
    return HYPER_EIO;
}
static long f_write(void *ctx, const uint8_t *b, size_t n, int ms)
{
    (void)ctx; (void)b; (void)n; (void)ms;
    return HYPER_EIO;
}
static void f_close(void *ctx)
{
    (*(int *)ctx)++;
}

static void wrap_failures_close_lower(void **state)
{
    (void)state;
    int closed = 0;
    hyper_transport lower = {f_read, f_write, c_protocol, f_close, &closed};
    hyper_transport t;
    hyper_transport_opts o;
    fx_opts(&o);
    test_mem tm;
    test_mem_init(&tm);
    tm.fail_at = 1;  /* the TLS state: the only hyper allocation */
    assert_int_equal(hyper_transport_tls_wrap(&t, lower, "localhost", &o, &tm.mem, NULL, 0),
                     HYPER_ENOMEM);
    assert_int_equal(closed, 1);
    assert_int_equal(tm.in_use, 0);
    assert_int_equal(hyper_transport_tls_wrap(&t, lower, NULL, &o, NULL, NULL, 0),
                     HYPER_EINVAL);
    assert_int_equal(closed, 2);
    assert_null(t.ctx);
    /* A lower error in the handshake comes back as itself. */
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    test_mem_init(&tm);
    assert_int_equal(hyper_transport_tls_wrap(&t, lower, "localhost", &o, &tm.mem, detail,
                                              sizeof detail), HYPER_EIO);
    assert_int_equal(closed, 3);
    assert_non_null(strstr(detail, "socket error"));
    assert_int_equal(tm.in_use, 0);
}

static void crt_ip_matcher(void **state)
{
    (void)state;
    static const struct {
        const char *file, *ip;
        int want;
    } rows[] = {
        {"server.crt", "127.0.0.1", 1}, {"server.crt", "::1", 1},
        {"server.crt", "127.0.0.2", 0}, {"server.crt", "1.0.0.127", 0},
        {"server.crt", "::2", 0},       {"server.crt", "::ffff:127.0.0.1", 0},
        {"noip.crt", "127.0.0.1", 0},   {"wrong.crt", "127.0.0.1", 0},
        {"client.crt", "::1", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        mbedtls_x509_crt crt;
        mbedtls_x509_crt_init(&crt);
        assert_int_equal(mbedtls_x509_crt_parse_file(&crt, fx_path(rows[i].file)), 0);
        uint8_t ip[16];
        size_t len = hyper_tls_ip_literal(rows[i].ip, ip);
        assert_true(len == 4 || len == 16);
        assert_int_equal(hyper_tls_crt_has_ip(&crt, ip, len), rows[i].want);
        assert_int_equal(hyper_tls_crt_has_ip(&crt, ip, 5), 0);
        mbedtls_x509_crt_free(&crt);
    }
    uint8_t ip[16];
    assert_int_equal(hyper_tls_ip_literal("[::1]", ip), 16);
    assert_int_equal(hyper_tls_ip_literal("localhost", ip), 0);
    assert_int_equal(hyper_tls_ip_literal("fe80::1%lo", ip), 0);
    assert_int_equal(hyper_tls_ip_literal("127.1", ip), 0);
    assert_int_equal(hyper_tls_crt_has_ip(NULL, ip, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echo_large),
        cmocka_unit_test(read_timeout_then_usable),
        cmocka_unit_test(end_of_stream),
        cmocka_unit_test(silent_server_times_out),
        cmocka_unit_test(plaintext_server_fails),
        cmocka_unit_test(tls_over_own_transport),
        cmocka_unit_test(read_ahead_fewer_reads),
        cmocka_unit_test(wrap_failures_close_lower),
        cmocka_unit_test(crt_ip_matcher),
    };
    return cmocka_run_group_tests_name("TLS I/O", tests, setup, fx_stop);
}
