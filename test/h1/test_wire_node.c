/*
 * Wire test: the HTTP/1.1 engine against node's http module over loopback.
 * Starts `node test/h1/server.js PORT` on a free 127.0.0.1 port, waits for
 * its READY line (bounded), drives the engine over plain TCP sockets, and
 * stops the server by pid at the end. Covers 50 keep-alive requests on one
 * connection, a chunked body with trailers, a gzip body (raw bytes checked
 * against the server's CRC, then decoded through our content decoder,
 * hyper.h section 8, and by zlib directly), gzip sent chunked and deflate
 * both zlib-wrapped and raw, all decoded by our decoder, 103 Early Hints
 * (res.writeEarlyHints) and 100 Continue (node's own answer to Expect)
 * as INFORMATIONAL events, HEAD, 204, 304 and a close-delimited body
 * (node's raw `net` server on a second port).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <zlib.h>
#include <cmocka.h>
#include "hyper.h"
#include "testutil.h"

#define WAIT_MS 10000

static pid_t server_pid = -1;
static int http_port, raw_port;

/* ---- the server process ---------------------------------------------------- */

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* Reads the server's "READY <raw-port>" line, waiting at most WAIT_MS. */
static int read_ready(int fd)
{
    char line[64];
    size_t n = 0;
    while (n < sizeof line - 1) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, WAIT_MS) <= 0)
            return -1;
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0)
            return -1;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = 0;
    return sscanf(line, "READY %d", &raw_port) == 1 ? 0 : -1;
}

static int stop_server(void **state);

static int start_server(void **state)
{
    (void)state;
    int pipefd[2];
    char port[16];
    http_port = free_port();
    if (http_port <= 0 || pipe(pipefd) != 0)
        return -1;
    snprintf(port, sizeof port, "%d", http_port);
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execlp("node", "node", "test/h1/server.js", port, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    int rc = read_ready(pipefd[0]);
    close(pipefd[0]);
    if (rc != 0) {
        print_error("node test/h1/server.js did not start\n");
        stop_server(NULL);              /* cmocka skips teardown on failure */
    }
    return rc;
}

static int stop_server(void **state)
{
    (void)state;
    if (server_pid <= 0)
        return 0;
    kill(server_pid, SIGTERM);
    for (int i = 0; i < 200; i++) {             /* at most 2 s, then SIGKILL */
        if (waitpid(server_pid, NULL, WNOHANG) == server_pid)
            return 0;
        usleep(10000);
    }
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    return 0;
}

static int connect_to(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* ---- driving the engine over a socket ------------------------------------------ */

#define MAX_INFO 4

struct response {
    int status;
    hyper_headers *headers;
    hyper_headers *trailers;
    uint8_t body[65536];
    size_t body_len;
    int ended;
    int error;
    int informational;                  /* 1xx heads seen */
    int info_status[MAX_INFO];          /* the first MAX_INFO of them */
    hyper_headers *info_headers[MAX_INFO];
};

static void response_free(struct response *r)
{
    hyper_headers_free(r->headers);
    hyper_headers_free(r->trailers);
    for (int i = 0; i < MAX_INFO; i++)
        hyper_headers_free(r->info_headers[i]);
    memset(r, 0, sizeof *r);
}

static void on_event(struct response *r, int32_t id, hyper_event *ev)
{
    assert_true(ev->type == HYPER_EVENT_ERROR || ev->stream_id == id);
    switch (ev->type) {
    case HYPER_EVENT_INFORMATIONAL:
        assert_true(r->status == 0);            /* 1xx only before the final head */
        if (r->informational < MAX_INFO) {
            r->info_status[r->informational] = ev->status;
            r->info_headers[r->informational] = ev->headers;
        } else {
            hyper_headers_free(ev->headers);
        }
        r->informational++;
        break;
    case HYPER_EVENT_HEADERS:
        r->status = ev->status;
        r->headers = ev->headers;
        break;
    case HYPER_EVENT_DATA:
        assert_true(r->body_len + ev->len <= sizeof r->body);
        memcpy(r->body + r->body_len, ev->data, ev->len);
        r->body_len += ev->len;
        break;
    case HYPER_EVENT_TRAILERS:
        r->trailers = ev->headers;
        break;
    case HYPER_EVENT_END:
        r->ended = 1;
        break;
    default:
        r->error = ev->error ? ev->error : -1;
        hyper_headers_free(ev->headers);
    }
}

static void flush(int fd, hyper_h1_session *s)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h1_send_pending(s, &p)) > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        assert_int_equal(hyper_h1_sent(s, (size_t)w), HYPER_OK);
    }
}

/* Sends what is pending and reads until request `id` ends or fails. What
 * becomes pending meanwhile (a body released by 100 Continue) is sent too. */
static void exchange(int fd, hyper_h1_session *s, int32_t id, struct response *r)
{
    uint8_t buf[4096];
    hyper_event ev;
    memset(r, 0, sizeof *r);
    flush(fd, s);
    while (!r->ended && !r->error) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&p, 1, WAIT_MS), 1);
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        assert_true(n >= 0);
        if (n == 0)
            hyper_h1_recv_eof(s);
        for (size_t off = 0; off < (size_t)n;) {
            long used = hyper_h1_recv(s, buf + off, (size_t)n - off);
            if (used < 0)
                break;
            off += (size_t)used;
            while (hyper_h1_next_event(s, &ev))
                on_event(r, id, &ev);
        }
        while (hyper_h1_next_event(s, &ev))
            on_event(r, id, &ev);
        flush(fd, s);
        if (n == 0)
            break;
    }
    assert_int_equal(r->error, 0);
    assert_true(r->ended);
}

static int32_t submit(hyper_h1_session *s, const char *method, const char *target)
{
    hyper_h1_request q;
    memset(&q, 0, sizeof q);
    q.method = method, q.method_len = strlen(method);
    q.target = target, q.target_len = strlen(target);
    q.host = "127.0.0.1", q.host_len = 9;
    return hyper_h1_submit(s, &q);
}

static long header_num(const hyper_headers *h, const char *name)
{
    const char *v;
    size_t n;
    char tmp[32];
    assert_int_equal(hyper_headers_get(h, name, 0, &v, &n), HYPER_OK);
    assert_true(n < sizeof tmp);
    memcpy(tmp, v, n);
    tmp[n] = 0;
    return strtol(tmp, NULL, 10);
}

static int header_is(const hyper_headers *h, const char *name, const char *want)
{
    const char *v;
    size_t n;
    return hyper_headers_get(h, name, 0, &v, &n) == HYPER_OK && n == strlen(want) &&
           memcmp(v, want, n) == 0;
}

/*
 * Decodes a response body through our content decoder, as the connection
 * object does (Content-Encoding read from the response's header map), in
 * pieces of 100 octets into a 333-octet buffer. Returns the decoded length.
 */
static size_t content_decode(const struct response *r, uint8_t *out, size_t cap)
{
    hyper_content_decoder *d;
    uint8_t buf[333];
    size_t total = 0, off = 0;
    assert_int_equal(hyper_content_decoder_init_headers(&d, NULL, r->headers), HYPER_OK);
    assert_int_equal(hyper_content_decoder_codings(d), 1);   /* not a pass-through */
    while (off < r->body_len) {
        size_t n = r->body_len - off < 100 ? r->body_len - off : 100;
        int rc;
        do {
            size_t used, made;
            rc = hyper_content_decode(d, r->body + off, n, &used, buf, sizeof buf, &made);
            assert_true(rc == 0 || rc == 1);
            assert_true(total + made <= cap);
            memcpy(out + total, buf, made);
            total += made;
            off += used;
            n -= used;
        } while (rc == 1);
    }
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_OK);
    assert_int_equal(hyper_content_decoder_discarded(d), 0);
    hyper_content_decoder_free(d);
    return total;
}

/* The text server.js compresses for /gzip and /deflate*. */
static void expect_lines(const uint8_t *p, size_t n)
{
    assert_int_equal(n, 15 * 200);
    for (size_t i = 0; i < 200; i++)
        assert_memory_equal(p + 15 * i, "gzip test line\n", 15);
}

/* ---- the cases ----------------------------------------------------------------- */

static void keep_alive_50(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    char target[32], want[32];
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    long conn = -1;
    for (int i = 1; i <= 50; i++) {
        snprintf(target, sizeof target, "/n/%d", i);
        assert_int_equal(submit(s, "GET", target), i);
        exchange(fd, s, i, &r);
        assert_int_equal(r.status, 200);
        snprintf(want, sizeof want, "hello %d", i);
        assert_int_equal(r.body_len, strlen(want));
        assert_memory_equal(r.body, want, r.body_len);
        long c = header_num(r.headers, "x-conn");
        if (conn < 0)
            conn = c;
        assert_int_equal(c, conn);             /* one connection throughout */
        assert_int_equal(hyper_h1_reusable(s), 1);
        response_free(&r);
    }
    /* HEAD, 204 and 304 on the same connection. */
    assert_int_equal(submit(s, "HEAD", "/n/7"), 51);
    exchange(fd, s, 51, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(header_num(r.headers, "content-length"), 7);
    assert_int_equal(r.body_len, 0);
    response_free(&r);
    assert_int_equal(submit(s, "GET", "/204"), 52);
    exchange(fd, s, 52, &r);
    assert_int_equal(r.status, 204);
    assert_true(header_is(r.headers, "x-empty", "yes"));
    assert_int_equal(r.body_len, 0);
    response_free(&r);
    assert_int_equal(submit(s, "GET", "/304"), 53);
    exchange(fd, s, 53, &r);
    assert_int_equal(r.status, 304);
    assert_true(header_is(r.headers, "etag", "\"v1\""));
    assert_int_equal(r.body_len, 0);
    assert_int_equal(hyper_h1_reusable(s), 1);
    response_free(&r);
    hyper_h1_session_free(s);
    close(fd);
}

static void chunked_with_trailers(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(submit(s, "GET", "/chunked"), 1);
    exchange(fd, s, 1, &r);
    assert_int_equal(r.status, 200);
    assert_true(header_is(r.headers, "transfer-encoding", "chunked"));
    assert_non_null(r.trailers);
    assert_int_equal(header_num(r.trailers, "x-body-len"), (long)r.body_len);
    assert_int_equal(header_num(r.trailers, "x-crc32"),
                     (long)crc32(0, r.body, (uInt)r.body_len));
    assert_int_equal(r.body_len, 12 + 21 + 3000 + 3);
    assert_memory_equal(r.body, "first piece;second, longer piece;xxx", 36);
    assert_int_equal(hyper_h1_reusable(s), 1);
    response_free(&r);
    hyper_h1_session_free(s);
    close(fd);
}

static void gzip_raw_bytes(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(submit(s, "GET", "/gzip"), 1);
    exchange(fd, s, 1, &r);
    assert_int_equal(r.status, 200);
    assert_true(header_is(r.headers, "content-encoding", "gzip"));
    assert_int_equal(header_num(r.headers, "x-raw-len"), (long)r.body_len);
    assert_int_equal(header_num(r.headers, "x-raw-crc32"), (long)crc32(0, r.body, (uInt)r.body_len));
    /* The engine passes the coded bytes through; zlib restores the text. */
    static uint8_t plain[8192];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    z.next_in = r.body, z.avail_in = (uInt)r.body_len;
    z.next_out = plain, z.avail_out = sizeof plain;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    expect_lines(plain, z.total_out);
    inflateEnd(&z);
    /* Our decoder gives the same text. */
    memset(plain, 0, sizeof plain);
    expect_lines(plain, content_decode(&r, plain, sizeof plain));
    response_free(&r);
    hyper_h1_session_free(s);
    close(fd);
}

/* gzip from a zlib stream, sent chunked as it comes, and deflate both
 * zlib-wrapped and raw, on one kept-alive connection; each decoded by our
 * content decoder from the bytes the engine delivered. */
static void content_codings_on_wire(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    static uint8_t plain[65536];
    static char want[65536];
    size_t want_len = 0;
    for (int i = 0; i < 2000; i++)
        want_len += (size_t)snprintf(want + want_len, sizeof want - want_len, "row %d %d\n", i,
                                     (i * i) % 9973);
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(submit(s, "GET", "/gzip-chunked"), 1);
    exchange(fd, s, 1, &r);
    assert_int_equal(r.status, 200);
    assert_true(header_is(r.headers, "transfer-encoding", "chunked"));
    assert_true(header_is(r.headers, "content-encoding", "gzip"));
    assert_true(r.body_len < want_len / 2);    /* it came compressed */
    assert_int_equal(content_decode(&r, plain, sizeof plain), want_len);
    assert_memory_equal(plain, want, want_len);
    response_free(&r);
    static const char *const paths[] = {"/deflate", "/deflate-raw"};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(submit(s, "GET", paths[k]), 2 + k);
        exchange(fd, s, 2 + k, &r);
        assert_int_equal(r.status, 200);
        assert_true(header_is(r.headers, "content-encoding", "deflate"));
        assert_true(r.body_len > 2);
        /* RFC 1950 header (CM 8, FCHECK) only on the wrapped one. */
        int zlib_hdr = (r.body[0] & 0x0f) == 8 && ((r.body[0] << 8) | r.body[1]) % 31 == 0;
        assert_int_equal(zlib_hdr, k == 0);
        expect_lines(plain, content_decode(&r, plain, sizeof plain));
        response_free(&r);
    }
    assert_int_equal(hyper_h1_reusable(s), 1);
    hyper_h1_session_free(s);
    close(fd);
}

/* 103 Early Hints with its fields, delivered before the final response. */
static void early_hints(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    const char *v;
    size_t n;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    for (int32_t i = 1; i <= 2; i++) {           /* and again on the same connection */
        assert_int_equal(submit(s, "GET", "/early"), i);
        exchange(fd, s, i, &r);
        assert_int_equal(r.informational, 1);
        assert_int_equal(r.info_status[0], 103);
        hyper_headers *h = r.info_headers[0];
        assert_int_equal(hyper_headers_count(h), 2);
        assert_true(header_is(h, "x-hint", "early"));
        /* node sends the two links as one list; split it as a user would */
        static const char *const links[] = {"</style.css>; rel=preload; as=style",
                                            "</app.js>; rel=preload; as=script"};
        const char *item;
        size_t pos = 0, k = 0, ilen;
        assert_int_equal(hyper_headers_get(h, "Link", 0, &v, &n), HYPER_OK);
        for (; hyper_headers_split_next(v, n, &pos, &item, &ilen); k++) {
            assert_true(k < 2);
            assert_int_equal(ilen, strlen(links[k]));
            assert_memory_equal(item, links[k], ilen);
        }
        assert_int_equal(k, 2);
        assert_int_equal(r.status, 200);
        assert_int_equal(r.body_len, 10);
        assert_memory_equal(r.body, "early body", 10);
        response_free(&r);
    }
    assert_int_equal(hyper_h1_reusable(s), 1);
    hyper_h1_session_free(s);
    close(fd);
}

/* Expect: 100-continue: node sends 100 Continue, which releases the body
 * we held; the server saw every octet of it. */
static void expect_continue(void **state)
{
    (void)state;
    int fd = connect_to(http_port);
    hyper_h1_session *s;
    struct response r;
    static uint8_t body[5000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (uint8_t)(i * 31 + 7);
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    hyper_h1_request q;
    memset(&q, 0, sizeof q);
    q.method = "PUT", q.method_len = 3, q.target = "/upload", q.target_len = 7;
    q.host = "127.0.0.1", q.host_len = 9;
    q.body_mode = HYPER_H1_BODY_WHOLE, q.body = body, q.body_len = sizeof body;
    q.flags = HYPER_H1_EXPECT_CONTINUE;
    assert_int_equal(hyper_h1_submit(s, &q), 1);
    exchange(fd, s, 1, &r);
    assert_int_equal(r.informational, 1);
    assert_int_equal(r.info_status[0], 100);
    assert_int_equal(r.status, 200);
    char want[64];
    int wn = snprintf(want, sizeof want, "%zu %lu", sizeof body,
                      (unsigned long)crc32(0, body, sizeof body));
    assert_int_equal(r.body_len, (size_t)wn);
    assert_memory_equal(r.body, want, r.body_len);
    assert_int_equal(hyper_h1_reusable(s), 1);
    response_free(&r);
    hyper_h1_session_free(s);
    close(fd);
}

static void close_delimited(void **state)
{
    (void)state;
    int fd = connect_to(raw_port);
    hyper_h1_session *s;
    struct response r;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(submit(s, "GET", "/"), 1);
    exchange(fd, s, 1, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 21 * 50);
    for (size_t i = 0; i < 50; i++)
        assert_memory_equal(r.body + 21 * i, "close-delimited body\n", 21);
    assert_int_equal(hyper_h1_reusable(s), 0);
    response_free(&r);
    hyper_h1_session_free(s);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keep_alive_50),
        cmocka_unit_test(chunked_with_trailers),
        cmocka_unit_test(gzip_raw_bytes),
        cmocka_unit_test(content_codings_on_wire),
        cmocka_unit_test(early_hints),
        cmocka_unit_test(expect_continue),
        cmocka_unit_test(close_delimited),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests_name("h1_wire_node", tests, start_server, stop_server);
}
