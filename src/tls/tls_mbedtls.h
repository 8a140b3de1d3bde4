/*
 * tls_mbedtls.h — the TLS transport's state, shared by tls_mbedtls.c
 * (setup, handshake, read/write/close) and tls_verify.c (IP address check,
 * error mapping). Internal; the only header besides those two files that
 * includes mbedTLS.
 */
#ifndef HYPER_TLS_MBEDTLS_H
#define HYPER_TLS_MBEDTLS_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/net_sockets.h> /* MBEDTLS_ERR_NET_* only */
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls/transport.h"

/* Read-ahead (octets): mbedTLS asks its BIO for a record's 5-octet header,
 * then for the body, each a recv of its own (~2.6 per 16 KiB record). The
 * BIO reads up to this much at once and serves those asks from it. 0 turns
 * it off (a build short of memory). */
#ifndef HYPER_TLS_READ_AHEAD
#define HYPER_TLS_READ_AHEAD 16384
#endif

struct tls {
    hyper_mem mem;             /* copy of the allocator of this struct */
    hyper_transport lower;     /* owned: closed by tls_close */
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;       /* trust anchors (empty with skip-verify) */
    mbedtls_x509_crt own_cert; /* client certificate chain, if any */
    mbedtls_pk_context own_key;
    mbedtls_ctr_drbg_context drbg; /* ours, seeded from the shared entropy */
    /* ALPN list handed to mbedTLS, which keeps the pointers: NULL-ended,
     * names stored in alpn_names (each NUL-terminated). */
    const char *alpn[HYPER_TRANSPORT_MAX_ALPN + 1];
    char alpn_names[HYPER_TRANSPORT_MAX_ALPN * 256];
    hyper_tls_deadline deadline; /* bound of the current call (BIO reads it) */
    int io_err;                /* last lower-transport error, 0 if none */
    int err;                   /* sticky fatal error, 0 while usable */
    int eof;                   /* the peer ended the stream */
    int established;           /* the handshake completed */
    uint8_t ip[16];            /* IP-literal target, checked by verify_ip */
    size_t ip_len;             /* 4 or 16; 0: a DNS name, checked by mbedTLS */
    int ip_mismatch;           /* verify_ip found no matching iPAddress SAN */
    char name[256];            /* the name being verified (for messages) */
    int deferred;              /* an mbedtls_ssl_read result (<= 0) met after
                                  data in the same tls_read: the next reports it */
#if HYPER_TLS_READ_AHEAD > 0
    size_t ra_off, ra_len;     /* unread octets: ra[ra_off .. ra_len) */
    uint8_t ra[HYPER_TLS_READ_AHEAD];
#endif
};

/* mbedtls_ssl_conf_verify callback: at depth 0, when the target is an IP
 * literal, flags MBEDTLS_X509_BADCERT_CN_MISMATCH unless the certificate
 * holds that address among its iPAddress subjectAltNames. */
int hyper_tls_verify_ip(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

/* 1 if crt's subjectAltName extension has an iPAddress equal to ip[len]. */
int hyper_tls_crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t len);

/* Maps a failed mbedtls_ssl_handshake result to a hyper_error and writes the
 * detail text. */
int hyper_tls_handshake_error(struct tls *s, int ret, char *detail, size_t detail_len);

/* Maps an mbedTLS error on an established connection (read, write). */
int hyper_tls_io_error(struct tls *s, int ret);

#endif
