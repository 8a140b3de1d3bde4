/*
 * tls_fixture.h — what the TLS tests share: a throw-away PKI made by
 * test/peers/make-certs.sh, one node process (test/tls/tls_server.js)
 * serving every TLS server the tests need on free loopback ports, and a
 * helper opening a TLS transport to one of them. Included by one test file
 * per binary (static functions).
 */
#ifndef HYPER_TEST_TLS_FIXTURE_H
#define HYPER_TEST_TLS_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "common/common.h"
#include "testutil.h"
#include "peer.h"

#define FIX_MAX_SERVERS 16

static struct fixture {
    char dir[128];               /* certificates (make-certs.sh file names) */
    pid_t pid;                   /* the node process */
    int have_v6;                 /* ::1 could be bound: server "v6" exists */
    struct { char name[16]; int port; } srv[FIX_MAX_SERVERS];
    int nsrv;
} fx;

/* DIR/name into a static rotating buffer (several per expression). */
static const char *fx_path(const char *name)
{
    static char bufs[6][256];
    static int i;
    char *b = bufs[i++ % 6];
    snprintf(b, 256, "%s/%s", fx.dir, name);
    return b;
}

static int fx_port(const char *name)
{
    for (int i = 0; i < fx.nsrv; i++)
        if (strcmp(fx.srv[i].name, name) == 0)
            return fx.srv[i].port;
    return -1;
}

static int fx_can_bind_v6(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Starts node with the given server specs (see tls_server.js) and reads
 * "NAME PORT" lines until "ready" (bounded). 0 or -1. */
static int fx_start(const char *const *specs, size_t n)
{
    if (peer_tmpdir("tls", fx.dir, sizeof fx.dir) != 0 || peer_make_certs(fx.dir) != 0) {
        fprintf(stderr, "fixture: cannot make the test certificates\n");
        return -1;
    }
    fx.have_v6 = fx_can_bind_v6();
    char *argv[FIX_MAX_SERVERS + 5];
    size_t k = 0;
    argv[k++] = "node";
    argv[k++] = "test/tls/tls_server.js";
    argv[k++] = fx.dir;
    for (size_t i = 0; i < n && k < FIX_MAX_SERVERS + 3; i++)
        argv[k++] = (char *)specs[i];
    if (fx.have_v6)
        argv[k++] = "v6:server:v6:alpn=h2";
    argv[k] = NULL;
    int out = -1;
    fx.pid = peer_spawn(argv, &out);
    if (fx.pid <= 0)
        return -1;
    char line[128];
    while (peer_read_line(out, line, sizeof line, 20000) >= 0) {
        if (strcmp(line, "ready") == 0) {
            close(out);
            return 0;
        }
        int port;
        if (fx.nsrv < FIX_MAX_SERVERS &&
            sscanf(line, "%15s %d", fx.srv[fx.nsrv].name, &port) == 2) {
            fx.srv[fx.nsrv++].port = port;
        }
    }
    fprintf(stderr, "fixture: tls_server.js did not become ready\n");
    close(out);
    peer_stop(fx.pid);
    return -1;
}

static int fx_stop(void **state)
{
    (void)state;
    peer_stop(fx.pid);
    if (fx.dir[0])
        peer_rmdir(fx.dir);
    return 0;
}

/* Options the TLS tests start from: trust ca.crt, bounded waits. */
static void fx_opts(hyper_transport_opts *o)
{
    hyper_transport_opts_init(o);
    o->connect_timeout_ms = 3000;
    o->handshake_timeout_ms = 5000;
    o->ca_file = fx_path("ca.crt");
}

/* Opens TLS to server `srv` addressed as `host`. */
static int fx_open(hyper_transport *t, const char *srv, const char *host,
                   const hyper_transport_opts *o, test_mem *tm, char *detail)
{
    int port = fx_port(srv);
    if (port < 0)
        return -999;
    return hyper_transport_open(t, host, (uint16_t)port, o, tm ? &tm->mem : NULL, detail,
                                HYPER_TRANSPORT_DETAIL_MAX);
}

/* Reads the server's first line ("alpn=... client=...") into line. */
static long fx_read_line(hyper_transport *t, char *line, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        long r = t->read(t->ctx, (uint8_t *)line + n, 1, 3000);
        if (r <= 0)
            return r < 0 ? r : -1;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    return (long)n;
}

#endif
