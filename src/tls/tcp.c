/*
 * tcp.c — the TCP transport: getaddrinfo, non-blocking connect with a
 * deadline over every address, reads and writes bounded by poll().
 *
 * Implementation notes:
 *  - The socket stays non-blocking for its whole life; every wait is a
 *    poll() with the time left, so no call blocks past its timeout (EINTR
 *    restarts the wait with the time that is left, not the full timeout).
 *  - SIGPIPE: send() uses MSG_NOSIGNAL, so a peer that went away gives
 *    EPIPE (HYPER_ECLOSED) instead of killing the process.
 *  - Names under ".invalid" are refused without asking the resolver: RFC
 *    6761 §6.4 asks resolver APIs to answer them negatively at once (and a
 *    test can then check DNS failure without any network traffic).
 *  - getaddrinfo itself has no timeout; connect_timeout_ms bounds the
 *    connect attempts only. No AI_ADDRCONFIG: it would hide ::1 on hosts
 *    with IPv6 on loopback only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls/transport.h"

struct tcp {
    hyper_mem mem;  /* copy of the allocator this struct came from */
    int fd;         /* connected, non-blocking socket */
};

static int errno_to_error(int e)
{
    switch (e) {
    case EPIPE:
    case ECONNRESET:
    case ECONNABORTED:
    case ENOTCONN:
        return HYPER_ECLOSED;
    case ETIMEDOUT:
        return HYPER_ETIMEOUT;
    case ENOMEM:
    case ENOBUFS:
        return HYPER_ENOMEM;
    default:
        return HYPER_EIO;
    }
}

/* Waits for `events` on fd until the deadline. 1: ready (or error/hangup
 * pending, which the next socket call reports), 0: timed out, < 0: error. */
static int wait_fd(int fd, short events, const hyper_tls_deadline *d)
{
    for (;;) {
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, hyper_tls_deadline_left(d));
        if (r > 0)
            return 1;
        if (r == 0)
            return 0;
        if (errno != EINTR)
            return errno_to_error(errno);
    }
}

/* After recv/send failed with errno `err`: HYPER_OK to try again (EINTR,
 * or fd became ready before the deadline), else the error to return. */
static int retry_after(int err, int fd, short events, const hyper_tls_deadline *d)
{
    if (err == EINTR)
        return HYPER_OK;
    if (err != EAGAIN && err != EWOULDBLOCK)
        return errno_to_error(err);
    int r = wait_fd(fd, events, d);
    if (r == 0)
        return HYPER_ETIMEOUT;
    return r < 0 ? r : HYPER_OK;
}

/* One recv (in != NULL) or send (out != NULL) of up to len octets, waiting
 * for readiness until the deadline: both directions share the retry rules. */
static long tcp_io(void *ctx, uint8_t *in, const uint8_t *out, size_t len,
                   int timeout_ms)
{
    struct tcp *c = ctx;
    if (!c || !(in || out) || !len)
        return HYPER_EINVAL;
    if (len > LONG_MAX)
        len = LONG_MAX;
    hyper_tls_deadline d = hyper_tls_deadline_in(timeout_ms);
    for (;;) {
        ssize_t n = in ? recv(c->fd, in, len, 0) : send(c->fd, out, len, MSG_NOSIGNAL);
        if (n > 0 || (n == 0 && in)) /* recv's 0 is the peer's orderly close */
            return (long)n;
        /* send's 0 octets: nothing failed, wait for room as for EAGAIN */
        int r = retry_after(n < 0 ? errno : EAGAIN, c->fd, in ? POLLIN : POLLOUT, &d);
        if (r != HYPER_OK)
            return r;
    }
}

static long tcp_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    return tcp_io(ctx, buf, NULL, len, timeout_ms);
}

static long tcp_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    return tcp_io(ctx, NULL, buf, len, timeout_ms);
}

static const char *tcp_protocol(void *ctx)
{
    (void)ctx;
    return NULL;
}

static void tcp_close(void *ctx)
{
    struct tcp *c = ctx;
    if (!c)
        return;
    close(c->fd);
    hyper_mem m = c->mem;
    hyper_mem_free(&m, c, sizeof *c);
}

/* Text form of an address for messages ("127.0.0.1", "::1"). */
static void addr_text(const struct addrinfo *a, char *out, size_t cap)
{
    const void *src = a->ai_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)(const void *)a->ai_addr)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)(const void *)a->ai_addr)->sin_addr;
    if (!inet_ntop(a->ai_family, src, out, (socklen_t)cap))
        snprintf(out, cap, "?");
}

static int set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* One connect attempt. Returns the socket, or -1 with *err (hyper_error)
 * and *sys (errno, 0 for a timeout) set. */
static int connect_one(const struct addrinfo *a, const hyper_tls_deadline *d,
                       int *err, int *sys)
{
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
        *sys = errno;
        *err = HYPER_ECONNECT;
        return -1;
    }
    int r = set_nonblocking(fd);
    if (r == 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0)
        r = errno == EINPROGRESS ? 1 : -1;
    if (r > 0) {
        r = wait_fd(fd, POLLOUT, d);
        if (r == 0) {
            close(fd);
            *sys = 0;
            *err = HYPER_ETIMEOUT;
            return -1;
        }
        int so = 0;
        socklen_t sl = sizeof so;
        if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) == 0 && so == 0)
            r = 0;
        else
            errno = so ? so : errno;
    }
    if (r != 0) {
        *sys = errno;
        *err = HYPER_ECONNECT;
        close(fd);
        return -1;
    }
    int one = 1;  /* requests are small and latency matters: no Nagle */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int is_invalid_tld(const char *h)
{
    size_t n = strlen(h);
    if (n && h[n - 1] == '.')
        n--;
    static const char tld[] = "invalid";
    size_t k = sizeof tld - 1;
    if (n < k || !hyper_ascii_eq_nocase(h + n - k, tld, k))
        return 0;
    return n == k || h[n - k - 1] == '.';
}

static int resolve(const char *host, uint16_t port, struct addrinfo **res,
                   char *detail, size_t detail_len)
{
    if (is_invalid_tld(host)) {
        hyper_tls_detail(detail, detail_len,
                         "host name '%s' is under .invalid and never resolves (RFC 6761)",
                         host);
        return HYPER_EDNS;
    }
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    int e = getaddrinfo(host, portstr, &hints, res);
    if (e == 0)
        return HYPER_OK;
    hyper_tls_detail(detail, detail_len, "cannot resolve '%s': %s", host,
                     gai_strerror(e));
    return e == EAI_MEMORY ? HYPER_ENOMEM : HYPER_EDNS;
}

int hyper_transport_tcp_open(hyper_transport *t, const char *host, uint16_t port,
                             const hyper_transport_opts *opts, const hyper_mem *mem,
                             char *detail, size_t detail_len)
{
    hyper_tls_detail(detail, detail_len, "%s", "");
    if (!t)
        return HYPER_EINVAL;
    memset(t, 0, sizeof *t);
    char name[256];
    if (hyper_tls_host_copy(host, name, sizeof name, 0) != HYPER_OK) {
        hyper_tls_detail(detail, detail_len, "host name missing, empty or too long");
        return HYPER_EINVAL;
    }
    hyper_transport_opts defaults;
    if (!opts) {
        hyper_transport_opts_init(&defaults);
        opts = &defaults;
    }
    const hyper_mem *m = hyper_mem_pick(mem);
    struct tcp *c = hyper_mem_alloc(m, sizeof *c);
    if (!c)
        return HYPER_ENOMEM;
    c->mem = *m;

    struct addrinfo *res = NULL;
    int rc = resolve(name, port, &res, detail, detail_len);
    if (rc != HYPER_OK) {
        hyper_mem_free(m, c, sizeof *c);
        return rc;
    }
    hyper_tls_deadline d = hyper_tls_deadline_in(opts->connect_timeout_ms);
    int fd = -1, err = HYPER_ECONNECT, sys = 0;
    char where[64] = "?";
    for (const struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        addr_text(a, where, sizeof where);
        fd = connect_one(a, &d, &err, &sys);
        if (fd < 0 && err == HYPER_ETIMEOUT)
            break;  /* the deadline covers all addresses: none is left */
    }
    freeaddrinfo(res);
    if (fd < 0) {
        char msg[128] = "timed out";
        if (sys)
            strerror_r(sys, msg, sizeof msg);
        hyper_tls_detail(detail, detail_len, "connect to %s port %u: %s", where,
                         (unsigned)port, msg);
        hyper_mem_free(m, c, sizeof *c);
        return err;
    }
    c->fd = fd;
    t->read = tcp_read;
    t->write = tcp_write;
    t->protocol = tcp_protocol;
    t->close = tcp_close;
    t->ctx = c;
    return HYPER_OK;
}
