/*
 * The connection object over transports it did not make (the connect hook
 * of hyper_conn_opts), the way a device brings its own network stack:
 *  - a plain TCP socket wrapper written here (socket, connect, poll), used
 *    cleartext against test/peers/httpbin.js, and under hyper's own TLS
 *    (hyper_transport_tls_wrap) with ALPN;
 *  - a scripted in-memory server, byte-exact and deterministic: the h2c
 *    upgrade (RFC 7540 §3.2) with the first HTTP/2 frames in the same read
 *    as the 101, or one octet per read; a server that ignores the offer;
 *    the GOAWAY hyper must write after a connection error (RFC 9113
 *    §5.4.1) and must not write after the transport failed; allocation
 *    failure at every step of the upgrade; HTTP/2 requests batched into
 *    one write and answered out of order (the wire index).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "conn_fixture.h"

/* ---- a device's own TCP stack ------------------------------------------------- */

typedef struct my_tcp {
    int fd;
    size_t rd, wr;          /* octets through this transport */
} my_tcp;

static struct {
    int calls;              /* connect hook calls */
    int secure;
    char host[64];
    uint16_t port;
    size_t alpn_count;
    char alpn0[16];
    size_t rd, wr;          /* totals of closed transports */
    int closes;
} hook;

static int wait_fd(int fd, short ev, int timeout_ms)
{
    struct pollfd p = {fd, ev, 0};
    int n;
    do
        n = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
    while (n < 0 && errno == EINTR);
    return n;
}

static long my_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    my_tcp *t = ctx;
    int w = wait_fd(t->fd, POLLIN, timeout_ms);
    if (w == 0)
        return HYPER_ETIMEOUT;
    if (w < 0)
        return HYPER_EIO;
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n < 0)
        return errno == ECONNRESET ? HYPER_ECLOSED : HYPER_EIO;
    t->rd += (size_t)n;
    return (long)n;
}

static long my_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    my_tcp *t = ctx;
    int w = wait_fd(t->fd, POLLOUT, timeout_ms);
    if (w == 0)
        return HYPER_ETIMEOUT;
    if (w < 0)
        return HYPER_EIO;
    ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0)
        return errno == EPIPE || errno == ECONNRESET ? HYPER_ECLOSED : HYPER_EIO;
    t->wr += (size_t)n;
    return (long)n;
}

static const char *my_protocol(void *ctx)
{
    (void)ctx;
    return NULL;
}

static void my_close(void *ctx)
{
    my_tcp *t = ctx;
    hook.rd += t->rd;
    hook.wr += t->wr;
    hook.closes++;
    close(t->fd);
    free(t);
}

static int my_tcp_open(const char *host, uint16_t port, hyper_transport *out)
{
    struct addrinfo hints, *ai = NULL;
    char ps[8];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(ps, sizeof ps, "%u", port);
    if (getaddrinfo(host, ps, &hints, &ai) != 0)
        return HYPER_EDNS;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int rc = fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : -1;
    freeaddrinfo(ai);
    if (rc != 0) {
        if (fd >= 0)
            close(fd);
        return HYPER_ECONNECT;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    my_tcp *t = calloc(1, sizeof *t);
    t->fd = fd;
    *out = (hyper_transport){my_read, my_write, my_protocol, my_close, t};
    return HYPER_OK;
}

/* The hook: our TCP, and hyper's TLS on top of it when asked. */
static int my_connect(void *ctx, const char *host, uint16_t port, int secure,
                      const hyper_transport_opts *topts, hyper_transport *out, char *detail,
                      size_t detail_len)
{
    (void)ctx;
    hook.calls++;
    hook.secure = secure;
    snprintf(hook.host, sizeof hook.host, "%s", host);
    hook.port = port;
    hook.alpn_count = topts->alpn_count;
    snprintf(hook.alpn0, sizeof hook.alpn0, "%s", topts->alpn_count ? topts->alpn[0] : "");
    hyper_transport tcp;
    int e = my_tcp_open(host, port, &tcp);
    if (e != HYPER_OK) {
        snprintf(detail, detail_len, "my_connect: %s", hyper_strerror_name(e));
        return e;
    }
    if (!secure) {
        *out = tcp;
        return HYPER_OK;
    }
    return hyper_transport_tls_wrap(out, tcp, host, topts, NULL, detail, detail_len);
}

static void get_json(hyper_conn *c, const char *path, const char *want)
{
    int32_t id = hyper_request(c, "GET", path, NULL, 0, NULL, 0);
    assert_true(id >= 0);
    hyper_response *r = hyper_get_response(c, id);
    assert_non_null(r);
    assert_int_equal(hyper_response_status(r), 200);
    char *b;
    assert_true(fx_read_all(r, &b) > 0);
    assert_non_null(strstr(b, want));
    free(b);
    hyper_response_free(r);
}

static void test_own_tcp(void **state)
{
    (void)state;
    static const struct {
        int port_kind, secure, protocol;
        const char *proto, *alpn0;
        size_t alpn_count;
    } rows[] = {
        {0, 0, HYPER_CONN_PROTO_H2, "h2", "h2", 1},          /* h2c prior knowledge */
        {1, 0, HYPER_CONN_PROTO_AUTO, "http/1.1", "h2", 2},  /* node http, offer ignored */
        {2, 1, HYPER_CONN_PROTO_AUTO, "h2", "h2", 2},        /* our TLS on their TCP */
        {2, 1, HYPER_CONN_PROTO_HTTP1, "http/1.1", "http/1.1", 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int port = rows[i].port_kind == 0 ? fx.bin.h2c : rows[i].port_kind == 1 ? fx.bin.h1
                                                                              : fx.bin.tls;
        memset(&hook, 0, sizeof hook);
        hyper_conn_opts o;
        fx_opts(&o, rows[i].secure);
        o.protocol = rows[i].protocol;
        o.connect = my_connect;
        hyper_conn *c = fx_open(port, &o);
        assert_non_null(c);
        assert_int_equal(hook.calls, 1);
        assert_int_equal(hook.secure, rows[i].secure);
        assert_string_equal(hook.host, "localhost");
        assert_int_equal(hook.port, port);
        assert_int_equal(hook.alpn_count, rows[i].alpn_count);
        assert_string_equal(hook.alpn0, rows[i].alpn0);
        get_json(c, "/get?x=1", "\"x\": \"1\"");
        assert_string_equal(hyper_conn_protocol(c), rows[i].proto);
        get_json(c, "/gzip", "\"gzipped\": true");
        /* A reconnection goes through the hook again. */
        hyper_conn_close(c);
        assert_int_equal(hook.closes, 1);
        get_json(c, "/ip", "\"origin\"");
        assert_int_equal(hook.calls, 2);
        hyper_conn_free(c);
        assert_int_equal(hook.closes, 2);
        assert_true(hook.rd > 500 && hook.wr > 100);
    }
    /* The hook's error and detail reach the caller. */
    memset(&hook, 0, sizeof hook);
    hyper_conn_opts o;
    fx_opts(&o, 0);
    o.connect = my_connect;
    int err = 0;
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    assert_null(hyper_conn_open_detail("localhost", (uint16_t)peer_free_port(), &o, &err,
                                       detail, sizeof detail));
    assert_int_equal(err, HYPER_ECONNECT);
    assert_string_equal(detail, "my_connect: HYPER_ECONNECT");
}

/* ---- a scripted server in memory ------------------------------------------------ */

typedef struct script {
    const uint8_t *in;      /* what the server sends, in order */
    size_t in_len, in_off;
    size_t step;            /* at most this many octets per read (0: all) */
    size_t fail_after;      /* read fails with HYPER_EIO once in_off reaches it (0: never) */
    uint8_t out[16384];     /* what hyper wrote (the first 16 KiB) */
    size_t out_len;
    size_t out_at_fail;     /* out_len when the read failed */
    int failed, closed;
    int connects;
    int writes;             /* write calls */
    size_t ends[8];         /* out_len after each of the first 8 writes */
    const uint8_t *next_in; /* what the second connection reads (NULL: none) */
    size_t next_len;
} script;

static long sc_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    script *s = ctx;
    (void)timeout_ms;
    if (s->fail_after && s->in_off >= s->fail_after) {
        if (!s->failed)
            s->out_at_fail = s->out_len;
        s->failed = 1;
        return HYPER_EIO;
    }
    if (s->in_off == s->in_len)
        return HYPER_ETIMEOUT;  /* nothing more: any wait shows as a timeout */
    size_t n = s->in_len - s->in_off;
    if (s->step && n > s->step)
        n = s->step;
    if (s->fail_after && n > s->fail_after - s->in_off)
        n = s->fail_after - s->in_off;
    if (n > len)
        n = len;
    memcpy(buf, s->in + s->in_off, n);
    s->in_off += n;
    return (long)n;
}

static long sc_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    script *s = ctx;
    (void)timeout_ms;
    s->writes++;
    size_t room = sizeof s->out - s->out_len;
    memcpy(s->out + s->out_len, buf, len < room ? len : room);
    s->out_len += len < room ? len : room;
    if (s->writes <= 8)
        s->ends[s->writes - 1] = s->out_len;
    return (long)len;
}

static const char *sc_protocol(void *ctx)
{
    (void)ctx;
    return NULL;
}

static void sc_close(void *ctx)
{
    ((script *)ctx)->closed++;
}

static int sc_connect(void *ctx, const char *host, uint16_t port, int secure,
                      const hyper_transport_opts *topts, hyper_transport *out, char *detail,
                      size_t detail_len)
{
    (void)host, (void)port, (void)secure, (void)topts, (void)detail, (void)detail_len;
    script *s = ctx;
    if (s->connects++ == 1 && s->next_in) {
        s->in = s->next_in;
        s->in_len = s->next_len;
        s->in_off = 0;
    } else if (s->connects > 1) {
        return HYPER_ECONNECT;
    }
    *out = (hyper_transport){sc_read, sc_write, sc_protocol, sc_close, ctx};
    return HYPER_OK;
}

#define H101 "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
#define PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
/* SETTINGS (empty); HEADERS stream 1 END_HEADERS, ":status: 200" (static
 * index 8, RFC 7541 Appendix A); DATA stream 1 END_STREAM "hello". */
#define F_SETTINGS "\x00\x00\x00\x04\x00\x00\x00\x00\x00"
#define F_HEADERS1 "\x00\x00\x01\x01\x04\x00\x00\x00\x01\x88"
#define F_DATA1 "\x00\x00\x05\x00\x01\x00\x00\x00\x01hello"
#define F_RST0 "\x00\x00\x04\x03\x00\x00\x00\x00\x00\x00\x00\x00\x08"

static const uint8_t upgrade_ok[] = H101 F_SETTINGS F_HEADERS1 F_DATA1;
static const uint8_t upgrade_ignored[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
static const uint8_t upgrade_then_rst0[] = H101 F_SETTINGS F_RST0;
static const uint8_t ignored_close[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
static const uint8_t second_conn[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbye";

static long find(const uint8_t *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return (long)i;
    return -1;
}

/* Frames of one type hyper wrote after its preface whose header and first
 * `need` payload octets are in out[0..upto): their count, and (last may be
 * NULL) where the latest one's payload starts. -1 without a preface. */
static int frames_of_type(const script *s, size_t upto, uint8_t type, size_t need,
                          const uint8_t **last)
{
    long at = find(s->out, upto, PREFACE);
    int n = 0;
    if (at < 0)
        return -1;
    size_t p = (size_t)at + strlen(PREFACE);
    while (p + 9 <= upto) {
        size_t len = (size_t)s->out[p] << 16 | (size_t)s->out[p + 1] << 8 | s->out[p + 2];
        if (s->out[p + 3] == type && p + 9 + need <= upto) {
            n++;
            if (last)
                *last = s->out + p + 9;
        }
        p += 9 + len;
    }
    return n;
}

/* GOAWAY frames hyper wrote after its preface: count, and the last code. */
static int goaways(const script *s, size_t upto, uint32_t *code)
{
    const uint8_t *pl = NULL;
    int n = frames_of_type(s, upto, 7, 8, &pl);
    if (pl) {
        const uint8_t *q = pl + 4;
        *code = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    }
    return n;
}

static hyper_conn *script_open(script *s, const hyper_mem *mem, int *err)
{
    hyper_conn_opts o;
    hyper_conn_opts_init(&o);
    o.secure = 0;
    o.connect = sc_connect;
    o.connect_ctx = s;
    o.read_timeout_ms = 200;
    o.mem = mem;
    return hyper_conn_open("device.test", 8080, &o, err);
}

/* The upgrade with the first HTTP/2 frames in the read that brings the 101
 * (the leftover octets go to the HTTP/2 engine), and one octet per read. */
static void test_script_upgrade(void **state)
{
    (void)state;
    static const size_t steps[] = {0, 1, 7, sizeof H101 - 1};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        script *s = calloc(1, sizeof *s);
        s->in = upgrade_ok;
        s->in_len = sizeof upgrade_ok - 1;
        s->step = steps[i];
        hyper_conn *c = script_open(s, NULL, NULL);
        assert_non_null(c);
        assert_int_equal(hyper_request(c, "GET", "/", NULL, 0, NULL, 0), 0);
        hyper_response *r = hyper_get_response(c, 0);
        assert_non_null(r);
        assert_string_equal(hyper_conn_protocol(c), "h2");
        assert_int_equal(hyper_response_id(r), 1);
        assert_int_equal(hyper_response_status(r), 200);
        char *body;   /* pieces as they came: one octet each at step 1 */
        assert_int_equal(fx_read_all(r, &body), 5);
        assert_string_equal(body, "hello");
        free(body);
        hyper_response_free(r);
        /* What went out: the offer, then (after the 101) the preface. */
        long head = find(s->out, s->out_len, "GET / HTTP/1.1\r\n");
        long up = find(s->out, s->out_len, "\r\nUpgrade: h2c\r\n");
        long set = find(s->out, s->out_len, "\r\nHTTP2-Settings: ");
        long end = find(s->out, s->out_len, "\r\n\r\n");
        long pre = find(s->out, s->out_len, PREFACE);
        assert_int_equal(head, 0);
        assert_true(up > 0 && up < end && set > 0 && set < end);
        assert_true(find(s->out, s->out_len, "Connection: Upgrade, HTTP2-Settings") > 0);
        assert_int_equal(pre, end + 4);
        uint32_t code = 99;
        assert_int_equal(goaways(s, s->out_len, &code), 0);
        hyper_conn_free(c);
        /* Closing says GOAWAY NO_ERROR. */
        assert_int_equal(goaways(s, s->out_len, &code), 1);
        assert_int_equal(code, HYPER_H2_NO_ERROR);
        assert_int_equal(s->closed, 1);
        free(s);
    }
}

/* A server that answers the offer with a plain response: HTTP/1.1 goes on,
 * no preface is ever sent. */
static void test_script_upgrade_ignored(void **state)
{
    (void)state;
    script *s = calloc(1, sizeof *s);
    s->in = upgrade_ignored;
    s->in_len = sizeof upgrade_ignored - 1;
    hyper_conn *c = script_open(s, NULL, NULL);
    assert_non_null(c);
    assert_int_equal(hyper_request(c, "GET", "/", NULL, 0, NULL, 0), 0);
    hyper_response *r = hyper_get_response(c, 0);
    assert_non_null(r);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    assert_int_equal(hyper_response_id(r), 0);
    assert_string_equal(hyper_response_reason(r), "OK");
    char buf[16];
    assert_int_equal(hyper_response_read(r, buf, sizeof buf), 5);
    hyper_response_free(r);
    assert_true(find(s->out, s->out_len, "\r\nUpgrade: h2c\r\n") > 0);
    assert_true(find(s->out, s->out_len, PREFACE) < 0);
    hyper_conn_free(c);
    free(s);
}

/* The offer ignored with "Connection: close" while a second request waits
 * for the answer: that wait reads the whole first response, the link is
 * done, and the second request goes out on a new connection, without an
 * offer (what was learned is kept). */
static void test_script_ignored_close(void **state)
{
    (void)state;
    script *s = calloc(1, sizeof *s);
    s->in = ignored_close;
    s->in_len = sizeof ignored_close - 1;
    s->next_in = second_conn;
    s->next_len = sizeof second_conn - 1;
    hyper_conn *c = script_open(s, NULL, NULL);
    assert_non_null(c);
    assert_int_equal(hyper_request(c, "GET", "/a", NULL, 0, NULL, 0), 0);
    assert_int_equal(hyper_request(c, "GET", "/b", NULL, 0, NULL, 0), 0);
    assert_int_equal(s->connects, 2);
    assert_int_equal(s->closed, 1);
    hyper_response *ra = hyper_get_response(c, 0);
    hyper_response *rb = hyper_get_response(c, 0);
    assert_non_null(ra);
    assert_non_null(rb);
    char *a, *b;
    assert_int_equal(fx_read_all(rb, &b), 3);
    assert_int_equal(fx_read_all(ra, &a), 5);
    assert_string_equal(a, "hello");
    assert_string_equal(b, "bye");
    free(a);
    free(b);
    hyper_response_free(ra);
    hyper_response_free(rb);
    assert_string_equal(hyper_conn_protocol(c), "http/1.1");
    long first = find(s->out, s->out_len, "Upgrade: h2c");
    assert_true(first > 0);
    assert_true(find(s->out + first + 1, s->out_len - (size_t)first - 1, "Upgrade: h2c") < 0);
    assert_true(find(s->out, s->out_len, "GET /b HTTP/1.1\r\n") > first);
    hyper_conn_free(c);
    assert_int_equal(s->closed, 2);
    free(s);
}

/* F1 (test/hostile/FINDINGS.md): RST_STREAM on stream 0 is a connection
 * error (RFC 9113 §6.4); hyper writes GOAWAY(PROTOCOL_ERROR) before it
 * closes. When the transport itself fails nothing more is written. */
static void test_script_goaway_on_error(void **state)
{
    (void)state;
    for (int transport_fails = 0; transport_fails < 2; transport_fails++) {
        script *s = calloc(1, sizeof *s);
        if (transport_fails) {
            s->in = upgrade_ok;
            s->in_len = sizeof upgrade_ok - 1;
            s->fail_after = sizeof H101 - 1 + 9;   /* after the 101 and SETTINGS */
        } else {
            s->in = upgrade_then_rst0;
            s->in_len = sizeof upgrade_then_rst0 - 1;
        }
        hyper_conn *c = script_open(s, NULL, NULL);
        assert_non_null(c);
        assert_int_equal(hyper_request(c, "GET", "/", NULL, 0, NULL, 0), 0);
        assert_null(hyper_get_response(c, 0));
        uint32_t code = 99;
        if (transport_fails) {
            assert_int_equal(hyper_conn_last_error(c), HYPER_EIO);
            assert_true(s->failed);
            size_t at_fail = s->out_at_fail;
            hyper_conn_free(c);
            assert_int_equal(s->out_len, at_fail);   /* not one octet after */
            assert_int_equal(goaways(s, s->out_len, &code), 0);
        } else {
            assert_int_equal(hyper_conn_last_error(c), HYPER_EH2_STREAM_ID_ZERO);
            assert_int_equal(goaways(s, s->out_len, &code), 1);  /* before the close */
            assert_int_equal(code, HYPER_H2_PROTOCOL_ERROR);
            assert_true(find(s->out, s->out_len, "HYPER_EH2_STREAM_ID_ZERO") > 0);
            hyper_conn_free(c);
            assert_int_equal(goaways(s, s->out_len, &code), 1);  /* only that one */
        }
        assert_int_equal(s->closed, 1);
        free(s);
    }
}

/* Every allocation of open + offer + upgrade + read failing in turn: each
 * fails cleanly or works, and nothing leaks. */
static void test_script_upgrade_alloc(void **state)
{
    (void)state;
    int succeeded = 0;
    for (size_t fail = 1; fail < 300 && !succeeded; fail++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        script *s = calloc(1, sizeof *s);
        s->in = upgrade_ok;
        s->in_len = sizeof upgrade_ok - 1;
        s->step = 11;
        int err = 0;
        hyper_conn *c = script_open(s, &tm.mem, &err);
        if (c) {
            hyper_response *r = NULL;
            if (hyper_request(c, "GET", "/", NULL, 0, NULL, 0) == 0)
                r = hyper_get_response(c, 0);
            if (r) {
                char buf[16];
                long n, total = 0;
                while ((n = hyper_response_read(r, buf, sizeof buf)) > 0)
                    total += n;
                if (n == 0 && total == 5 && tm.calls < fail) {
                    assert_string_equal(hyper_conn_protocol(c), "h2");
                    succeeded = 1;
                }
                hyper_response_free(r);
            } else {
                assert_true(hyper_conn_last_error(c) < 0);
            }
            hyper_conn_free(c);
        } else {
            assert_int_equal(err, HYPER_ENOMEM);
        }
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        free(s);
    }
    assert_true(succeeded);
}

/* ---- batching and the wire index (HTTP/2 prior knowledge) ------------------------ */

/* HEADERS frames (type 1) hyper wrote after its preface, in out[0..upto). */
static int headers_frames(const script *s, size_t upto)
{
    return frames_of_type(s, upto, 1, 0, NULL);
}

static size_t put_frame(uint8_t *o, uint8_t type, uint8_t flags, uint32_t id,
                        const void *payload, size_t len)
{
    o[0] = 0;
    o[1] = (uint8_t)(len >> 8);
    o[2] = (uint8_t)len;
    o[3] = type;
    o[4] = flags;
    o[5] = (uint8_t)(id >> 24);
    o[6] = (uint8_t)(id >> 16);
    o[7] = (uint8_t)(id >> 8);
    o[8] = (uint8_t)id;
    memcpy(o + 9, payload, len);
    return 9 + len;
}

static hyper_conn *script_open_h2(script *s, const hyper_mem *mem)
{
    hyper_conn_opts o;
    hyper_conn_opts_init(&o);
    o.secure = 0;
    o.protocol = HYPER_CONN_PROTO_H2;
    o.decompress = 0;
    o.connect = sc_connect;
    o.connect_ctx = s;
    o.read_timeout_ms = 200;
    o.mem = mem;
    int err = 0;
    hyper_conn *c = hyper_conn_open("device.test", 8080, &o, &err);
    assert_int_equal(err, c ? HYPER_OK : HYPER_ENOMEM);
    assert_true(c || mem);
    return c;
}

/*
 * Whole-body HTTP/2 requests are queued, not written one by one: nothing
 * goes out until the caller waits, then every request started so far goes
 * in one write. The server answers in reverse order, more streams than the
 * wire index has buckets, each body naming its stream: every response must
 * reach its own record. Run with every allocation failing in turn too.
 */
#define BATCH_N 90   /* under the 100 streams assumed before SETTINGS */

static void run_batch(const hyper_mem *mem, int *ok)
{
    static uint8_t in[BATCH_N * 40 + 16];
    size_t n = put_frame(in, 4, 0, 0, "", 0);
    for (int k = BATCH_N; k >= 1; k--) {
        char body[16];
        int bl = snprintf(body, sizeof body, "r%d", 2 * k - 1);
        n += put_frame(in + n, 1, 4, (uint32_t)(2 * k - 1), "\x88", 1);
        n += put_frame(in + n, 0, 1, (uint32_t)(2 * k - 1), body, (size_t)bl);
    }
    script *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->in = in;
    s->in_len = n;
    s->step = 97;   /* frames split across reads */
    hyper_conn *c = script_open_h2(s, mem);
    int32_t ids[BATCH_N];
    int started = 0, got = 0;
    if (!c)
        goto out;
    int writes0 = s->writes;
    for (int k = 0; k < BATCH_N; k++) {
        ids[k] = hyper_request(c, "GET", "/", NULL, 0, NULL, 0);
        if (ids[k] < 0)
            break;
        assert_int_equal(ids[k], 2 * k + 1);
        started++;
    }
    if (mem == NULL)
        assert_int_equal(s->writes, writes0);   /* all still queued */
    for (int k = started - 1; k >= 0; k--) {
        hyper_response *r = hyper_get_response(c, ids[k]);
        if (!r)
            break;
        if (mem == NULL && k == started - 1) {
            /* One write carried them all (the next is the SETTINGS ACK). */
            assert_true(s->writes > writes0 && writes0 < 8);
            assert_int_equal(headers_frames(s, s->ends[writes0]), BATCH_N);
            assert_int_equal(headers_frames(s, s->out_len), BATCH_N);
        }
        char buf[16], want[16];
        long len, total = 0;
        while ((len = hyper_response_read(r, buf + total, sizeof buf - 1 - (size_t)total)) > 0)
            total += len;
        if (len == 0) {
            buf[total] = 0;
            snprintf(want, sizeof want, "r%d", ids[k]);
            assert_string_equal(buf, want);
            got++;
        }
        hyper_response_free(r);
    }
    hyper_conn_free(c);
out:
    *ok = got == BATCH_N;
    free(s);
}

static void test_script_batch(void **state)
{
    (void)state;
    int ok = 0;
    run_batch(NULL, &ok);
    assert_true(ok);
    int succeeded = 0;
    for (size_t fail = 1; fail < 2000 && !succeeded; fail += 7) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        run_batch(&tm.mem, &succeeded);
        succeeded = succeeded && tm.calls < fail;
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_tcp),
#ifdef HYPER_H2_HAVE_UPGRADE
        cmocka_unit_test(test_script_upgrade),
        cmocka_unit_test(test_script_goaway_on_error),
        cmocka_unit_test(test_script_upgrade_alloc),
#endif
        cmocka_unit_test(test_script_upgrade_ignored),
        cmocka_unit_test(test_script_ignored_close),
        cmocka_unit_test(test_script_batch),
    };
    return cmocka_run_group_tests_name("conn_transport", tests, fx_setup, fx_teardown);
}
