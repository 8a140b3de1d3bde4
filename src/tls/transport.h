/*
 * transport.h — helpers shared by the transport files (tcp.c, tls_mbedtls.c,
 * tls_verify.c, transport.c). Internal: not part of the public API, and
 * free of mbedTLS types so that only the TLS files include mbedTLS.
 */
#ifndef HYPER_TLS_TRANSPORT_H
#define HYPER_TLS_TRANSPORT_H

#include "hyper.h"
#ifdef HYPER_CONFIG_ENGINE_ONLY
#error "src/tls is not part of an engine-only build (HYPER_CONFIG_ENGINE_ONLY, or HYPER_CONFIG_NO_H1)"
#endif

#include <stddef.h>
#include <stdint.h>
#include "common/common.h"

/* A point in time on the monotonic clock, or "never" (no limit). */
typedef struct hyper_tls_deadline {
    int64_t at_ms;   /* CLOCK_MONOTONIC milliseconds; meaningless if none */
    int none;        /* nonzero: no limit */
} hyper_tls_deadline;

/* timeout_ms < 0: no limit; otherwise now + timeout_ms. */
hyper_tls_deadline hyper_tls_deadline_in(int timeout_ms);
/* Milliseconds left, clamped to 0 .. INT_MAX; -1 when there is no limit
 * (the convention of poll() and of hyper_transport's timeout_ms). */
int hyper_tls_deadline_left(const hyper_tls_deadline *d);

/* Writes a one-line printf-style message into detail (truncated, always
 * NUL-terminated); no-op when detail is NULL or detail_len is 0. */
void hyper_tls_detail(char *detail, size_t detail_len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The address an IP literal stands for: 4 octets (IPv4) or 16 (IPv6) into
 * out (16 octets of room); returns that length, or 0 when `name` is not an
 * IP literal. Accepts "[::1]" brackets; rejects zone ids ("fe80::1%eth0"),
 * which name no address a certificate could hold. */
size_t hyper_tls_ip_literal(const char *name, uint8_t out[16]);

/* Copies host into out (cap octets), removing IPv6 [brackets]; with
 * strip_dot also one trailing dot (the TLS name: SNI has none, RFC 6066
 * §3, and certificates hold names without it). HYPER_EINVAL when host is
 * NULL, empty or too long. */
int hyper_tls_host_copy(const char *host, char *out, size_t cap, int strip_dot);

#endif
