/*
 * transport.c — transport options, the combined open (TCP then TLS), and
 * the small helpers the transport files share: deadlines on the monotonic
 * clock, detail messages, host-name and IP-literal handling.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls/transport.h"

void hyper_transport_opts_init(hyper_transport_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = 10000;
    o->handshake_timeout_ms = 10000;
    o->tls = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

hyper_tls_deadline hyper_tls_deadline_in(int timeout_ms)
{
    hyper_tls_deadline d = {0, timeout_ms < 0};
    if (!d.none)
        d.at_ms = now_ms() + timeout_ms;
    return d;
}

int hyper_tls_deadline_left(const hyper_tls_deadline *d)
{
    if (d->none)
        return -1;
    int64_t left = d->at_ms - now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

void hyper_tls_detail(char *detail, size_t detail_len, const char *fmt, ...)
{
    if (!detail || !detail_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, detail_len, fmt, ap);
    va_end(ap);
    /* One line: mbedTLS's verification text has one line per flag. */
    for (char *p = detail; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ';';
}

int hyper_tls_host_copy(const char *host, char *out, size_t cap, int strip_dot)
{
    if (!host || !out || !cap)
        return HYPER_EINVAL;
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    } else if (strip_dot && n > 1 && host[n - 1] == '.') {
        n--;
    }
    if (n == 0 || n >= cap)
        return HYPER_EINVAL;
    memcpy(out, host, n);
    out[n] = '\0';
    return HYPER_OK;
}

size_t hyper_tls_ip_literal(const char *name, uint8_t out[16])
{
    char buf[64];
    if (hyper_tls_host_copy(name, buf, sizeof buf, 0) != HYPER_OK)
        return 0;
    if (inet_pton(AF_INET, buf, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, buf, out) == 1)
        return 16;
    return 0;
}

int hyper_transport_open(hyper_transport *t, const char *host, uint16_t port,
                         const hyper_transport_opts *opts, const hyper_mem *mem,
                         char *detail, size_t detail_len)
{
    hyper_transport_opts defaults;
    if (!opts) {
        hyper_transport_opts_init(&defaults);
        opts = &defaults;
    }
    hyper_transport tcp;
    int rc = hyper_transport_tcp_open(&tcp, host, port, opts, mem, detail, detail_len);
    if (rc != HYPER_OK) {
        if (t)
            memset(t, 0, sizeof *t);
        return rc;
    }
    if (!opts->tls) {
        *t = tcp;
        return HYPER_OK;
    }
    return hyper_transport_tls_wrap(t, tcp, host, opts, mem, detail, detail_len);
}
