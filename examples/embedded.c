/*
 * embedded.c — hyper the way a device runs it: the sans-I/O HTTP/2 engine
 * (hyper_h2_session) driven over a byte pipe the application supplies, with
 * every allocation served from one static buffer (an arena). No malloc, no
 * sockets in the engine, no clock.
 *
 *   embedded HOST PORT [PATH]
 *
 * fetches PATH (default "/") from an HTTP/2 server speaking cleartext with
 * prior knowledge (RFC 9113 §3.3), e.g. `nghttpd --no-tls -d DIR PORT`
 * (`make embedded-demo` starts one on a free local port and runs this).
 *
 * The pipe is a hyper_transport (hyper.h section 9): on a device, its read
 * and write would call the network stack (lwIP, a modem's AT socket, a
 * UART); here they are a TCP socket so the example runs on a PC. The engine
 * sees only bytes.
 *
 * Built for `make embedded-demo` with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc,--wrap=free: any call to those from hyper's code would
 * land in the __wrap_ functions below and abort, which proves the run used
 * nothing but the arena.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#include "hyper.h"

/* ---- the device's byte pipe ------------------------------------------------ */

static long pipe_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    (void)timeout_ms; /* a device would arm its own timer here */
    ssize_t n;
    do
        n = recv(*(int *)ctx, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n < 0 ? HYPER_EIO : (long)n;
}

static long pipe_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    (void)timeout_ms;
    ssize_t n;
    do
        n = send(*(int *)ctx, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n <= 0 ? HYPER_EIO : (long)n;
}

static void pipe_close(void *ctx)
{
    close(*(int *)ctx);
}

static int pipe_open(hyper_transport *t, int *fd, const char *host, const char *port)
{
    struct addrinfo hints = {0}, *res, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return HYPER_EDNS;
    *fd = -1;
    for (ai = res; ai && *fd < 0; ai = ai->ai_next) {
        *fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (*fd >= 0 && connect(*fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(*fd);
            *fd = -1;
        }
    }
    freeaddrinfo(res);
    if (*fd < 0)
        return HYPER_ECONNECT;
    *t = (hyper_transport){pipe_read, pipe_write, NULL, pipe_close, fd};
    return HYPER_OK;
}

/* ---- no heap: hyper's calls to these would abort (see the header) ---------- */

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_malloc(size_t n) { (void)n; fputs("malloc called\n", stderr); abort(); }
void *__wrap_calloc(size_t k, size_t n) { (void)k; (void)n; fputs("calloc called\n", stderr); abort(); }
void *__wrap_realloc(void *p, size_t n) { (void)p; (void)n; fputs("realloc called\n", stderr); abort(); }
void __wrap_free(void *p) { if (p) { fputs("free called\n", stderr); abort(); } }

/* ---- the engine loop ----------------------------------------------------------- */

/* All of hyper's memory. With the options in fetch() a connection needs
 * ~1.6 KB idle and ~12 KB at its peak for this fetch (the output buffer,
 * the HPACK encoder with its table, one stream, a response head, split
 * frames being assembled): 16 KiB leaves room for a larger response head. */
static _Alignas(16) unsigned char arena_buf[16 * 1024];
static uint8_t rx[2048]; /* the caller's receive buffer */

/* Writes everything the engine has to send. */
static int flush(hyper_h2_session *s, hyper_transport *t)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0) {
        long w = t->write(t->ctx, p, n, 10000);
        if (w < 0)
            return (int)w;
        hyper_h2_sent(s, (size_t)w);
    }
    return HYPER_OK;
}

/* Handles every queued event; returns 1 once our stream ended, 0 to go on,
 * or a negative error. */
static int events(hyper_h2_session *s, int32_t id, size_t *body)
{
    hyper_event ev;
    int done = 0;
    while (hyper_h2_next_event(s, &ev) == 1) {
        switch (ev.type) {
        case HYPER_EVENT_HEADERS:
            /* the head goes to stderr, the body alone to stdout */
            fprintf(stderr, "status %d\n", ev.status);
            for (size_t i = 0; i < hyper_headers_count(ev.headers); i++) {
                const char *n, *v;
                size_t nl, vl;
                hyper_headers_at(ev.headers, i, &n, &nl, &v, &vl);
                fprintf(stderr, "  %.*s: %.*s\n", (int)nl, n, (int)vl, v);
            }
            hyper_headers_free(ev.headers);
            break;
        case HYPER_EVENT_DATA:
            fwrite(ev.data, 1, ev.len, stdout);
            *body += ev.len;
            /* processed: hand the window back so the server can go on */
            hyper_h2_consume(s, ev.stream_id, ev.flow_len);
            break;
        case HYPER_EVENT_TRAILERS:
        case HYPER_EVENT_INFORMATIONAL:
        case HYPER_EVENT_PUSH_PROMISE:
            hyper_headers_free(ev.headers);
            break;
        case HYPER_EVENT_END:
            done |= ev.stream_id == id;
            break;
        case HYPER_EVENT_RESET:
        case HYPER_EVENT_ERROR:
            fprintf(stderr, "stream %d: %s\n", (int)ev.stream_id, hyper_strerror(ev.error));
            return ev.error ? ev.error : HYPER_EH2_PROTOCOL;
        default:
            break;
        }
    }
    return done;
}

/* Feeds what arrived; the engine may take less than given (it pauses for
 * its events and output), so loop until all is used. */
static int feed(hyper_h2_session *s, hyper_transport *t, const uint8_t *b, size_t len,
                int32_t id, size_t *body)
{
    int done = 0;
    while (len > 0) {
        long used = hyper_h2_recv(s, b, len);
        if (used < 0)
            return (int)used;
        b += used;
        len -= (size_t)used;
        int rc = events(s, id, body);
        if (rc < 0)
            return rc;
        done |= rc;
        if ((rc = flush(s, t)) < 0)
            return rc;
    }
    return done;
}

static int fetch(hyper_transport *t, const hyper_mem *mem, const char *host, const char *path)
{
    /* Options sized for a device: small output buffer and event queue,
     * windows no larger than what we can take in one go. */
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.output_buffer_size = 4096;
    o.max_events = 8;
    o.max_closed_streams = 8;
    o.max_streams = 4;
    o.max_concurrent_streams = 0; /* no pushed streams */
    o.initial_window_size = 65535;
    o.connection_window_size = 65535;
    o.max_header_list_size = 8192;
    o.stream_send_buffer = 1024;
    hyper_h2_session *s;
    int rc = hyper_h2_session_init(&s, mem, &o);
    if (rc < 0)
        return rc;
    hyper_h2_request req = {"GET", "http", host, path, NULL, 0, NULL, 0, 1};
    int32_t id = hyper_h2_submit(s, &req);
    size_t body = 0;
    rc = id < 0 ? id : flush(s, t);
    while (rc == 0) {
        long n = t->read(t->ctx, rx, sizeof rx, 10000);
        if (n <= 0) {
            rc = n < 0 ? (int)n : HYPER_ECLOSED;
            break;
        }
        rc = feed(s, t, rx, (size_t)n, id, &body);
    }
    hyper_h2_session_free(s);
    if (rc < 0)
        return rc;
    fprintf(stderr, "stream %d: %zu body octets\n", (int)id, body);
    return HYPER_OK;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [PATH]\n", argv[0]);
        return 2;
    }
    hyper_arena *arena = hyper_arena_init(arena_buf, sizeof arena_buf);
    hyper_transport t;
    int fd;
    int rc = pipe_open(&t, &fd, argv[1], argv[2]);
    if (rc == HYPER_OK) {
        rc = fetch(&t, hyper_arena_mem(arena), argv[1], argc > 3 ? argv[3] : "/");
        t.close(t.ctx);
    }
    hyper_arena_stats st;
    hyper_arena_stats_get(arena, &st);
    fprintf(stderr, "arena: %zu of %zu octets needed at the peak, %zu in use after free, "
            "%zu refused\n", st.peak, sizeof arena_buf, st.in_use, st.failures);
    if (rc < 0) {
        fprintf(stderr, "embedded: %s\n", hyper_strerror(rc));
        return 1;
    }
    return st.in_use == 0 ? 0 : 1;
}
