/*
 * tls_mbedtls.c — the TLS transport on mbedTLS 2.28, over any
 * hyper_transport.
 *
 * Implementation notes:
 *  - mbedTLS talks to the lower transport through two BIO callbacks. They
 *    pass on the time left of the current call (s->deadline) and turn a
 *    lower timeout into WANT_READ / WANT_WRITE, remembering it in io_err:
 *    mbedTLS keeps its state across WANT_*, so the next call resumes where
 *    this one stopped, and the caller sees HYPER_ETIMEOUT.
 *  - Verification is REQUIRED unless insecure_skip_verify. The name to
 *    verify is always set: a DNS name through mbedtls_ssl_set_hostname
 *    (which also sends it in SNI; on 2.28 a missing name silently skips
 *    the check), an IP literal through our verify callback comparing the
 *    iPAddress SANs (2.28 does not do it, and RFC 6066 §3 forbids an IP in
 *    SNI). tls_wrap refuses a name that is neither.
 *  - TLS 1.2 minimum (mbedtls_ssl_conf_min_version 3.3); 2.28 negotiates at
 *    most 1.2 unless built with its experimental 1.3.
 *  - Randomness: one CTR_DRBG per connection, seeded at open from one
 *    process-wide mbedtls_entropy context. That context is ~38 KiB in
 *    Debian's build (HAVEGE state), too much to repeat per connection;
 *    mbedtls_entropy_func locks its own mutex (MBEDTLS_THREADING_PTHREAD),
 *    so sharing it is thread-safe. It is set up once (pthread_once), lives
 *    in static storage, and is never freed.
 *  - Read-ahead (HYPER_TLS_READ_AHEAD): bio_recv reads what the socket has
 *    into s->ra and hands mbedTLS the header and body of a record from it,
 *    one recv per record or fewer instead of two or three.
 */
#include <limits.h>
#include <string.h>

#include <pthread.h>

#include <mbedtls/entropy.h>
#include <mbedtls/error.h>

#include "tls/tls_mbedtls.h"

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct tls *s = ctx;
    long n = s->lower.write(s->lower.ctx, buf, len, hyper_tls_deadline_left(&s->deadline));
    if (n > 0 && (size_t)n <= len)
        return (int)n;
    if (n > 0)
        n = HYPER_EIO;  /* a lower transport claiming more than it was given */
    s->io_err = n < 0 ? (int)n : HYPER_EIO;
    return s->io_err == HYPER_ETIMEOUT ? MBEDTLS_ERR_SSL_WANT_WRITE
                                       : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct tls *s = ctx;
#if HYPER_TLS_READ_AHEAD > 0
    /* Serve from the read-ahead; refill it when empty unless the ask is as
     * large as the buffer (then reading straight into buf is cheaper). */
    if (s->ra_off == s->ra_len && len < sizeof s->ra) {
        long k = s->lower.read(s->lower.ctx, s->ra, sizeof s->ra,
                               hyper_tls_deadline_left(&s->deadline));
        if (k > 0 && (size_t)k <= sizeof s->ra) {
            s->ra_off = 0;
            s->ra_len = (size_t)k;
        } else {
            if (k > 0)
                k = HYPER_EIO;
            if (k == 0)
                return 0;
            s->io_err = (int)k;
            return k == HYPER_ETIMEOUT ? MBEDTLS_ERR_SSL_WANT_READ
                                       : MBEDTLS_ERR_NET_RECV_FAILED;
        }
    }
    if (s->ra_off < s->ra_len) {
        size_t k = s->ra_len - s->ra_off;
        if (k > len)
            k = len;
        memcpy(buf, s->ra + s->ra_off, k);
        s->ra_off += k;
        return (int)k;
    }
#endif
    long n = s->lower.read(s->lower.ctx, buf, len, hyper_tls_deadline_left(&s->deadline));
    if (n >= 0 && (size_t)n <= len)
        return (int)n;  /* 0: end of stream, which mbedTLS reports itself */
    if (n > 0)
        n = HYPER_EIO;
    s->io_err = (int)n;
    return n == HYPER_ETIMEOUT ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
}

#if !defined(MBEDTLS_THREADING_C)
#error "the shared entropy context needs mbedTLS built with MBEDTLS_THREADING_C"
#endif

static mbedtls_entropy_context shared_entropy;
static pthread_once_t shared_entropy_once = PTHREAD_ONCE_INIT;

static void shared_entropy_init(void)
{
    mbedtls_entropy_init(&shared_entropy);
}

static int want(int r)
{
    return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* After a WANT_*: the lower transport timed out, or (should mbedTLS ever
 * return WANT_* by itself) the current call's time is used up. */
static int timed_out(const struct tls *s)
{
    return s->io_err == HYPER_ETIMEOUT || hyper_tls_deadline_left(&s->deadline) == 0;
}

#if HYPER_TLS_READ_AHEAD > 0
/* A whole record waits in the read-ahead (RFC 5246 §6.2.1: 5-octet header,
 * length in octets 3-4): decrypting it cannot block. */
static int record_ready(const struct tls *s)
{
    size_t k = s->ra_len - s->ra_off;
    if (k < 5)
        return 0;
    const uint8_t *h = s->ra + s->ra_off;
    return k >= 5 + (((size_t)h[3] << 8) | h[4]);
}
#endif

/* mbedtls_ssl_read returns one record's data at a time. While the next
 * record is already here, take it too: the caller gets what arrived in
 * one call (small HTTP/2 frames are often a record each). */
static long more_records(struct tls *s, uint8_t *buf, size_t len, size_t got)
{
#if HYPER_TLS_READ_AHEAD > 0
    while (got < len && (mbedtls_ssl_get_bytes_avail(&s->ssl) > 0 || record_ready(s))) {
        int r = mbedtls_ssl_read(&s->ssl, buf + got, len - got);
        if (r <= 0) {
            /* The next call reports it (io_err kept), data first. */
            s->deferred = r < 0 ? r : MBEDTLS_ERR_SSL_CONN_EOF;
            break;
        }
        got += (size_t)r;
    }
#else
    (void)s;
    (void)buf;
    (void)len;
#endif
    return (long)got;
}

static long tls_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    struct tls *s = ctx;
    if (!s || !buf || !len)
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    if (s->eof)
        return 0;
    if (len > INT_MAX)
        len = INT_MAX;
    s->deadline = hyper_tls_deadline_in(timeout_ms);
    for (;;) {
        int r = s->deferred;
        s->deferred = 0;
        if (r == 0) {
            s->io_err = 0;
            r = mbedtls_ssl_read(&s->ssl, buf, len);
        }
        if (r > 0)
            return more_records(s, buf, len, (size_t)r);
        if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF) {
            s->eof = 1;  /* RFC 9112 §9.8: framing decides if it was complete */
            return 0;
        }
        if (want(r)) {
            if (timed_out(s))
                return HYPER_ETIMEOUT;
            continue;  /* e.g. a record without application data */
        }
        return s->err = hyper_tls_io_error(s, r);
    }
}

static long tls_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    struct tls *s = ctx;
    if (!s || !buf || !len)
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    if (len > INT_MAX)
        len = INT_MAX;
    s->deadline = hyper_tls_deadline_in(timeout_ms);
    for (;;) {
        s->io_err = 0;
        int r = mbedtls_ssl_write(&s->ssl, buf, len);
        if (r > 0)
            return r;
        if (want(r) || r == 0) {
            if (timed_out(s))
                return HYPER_ETIMEOUT;
            continue;
        }
        return s->err = hyper_tls_io_error(s, r);
    }
}

static const char *tls_protocol(void *ctx)
{
    struct tls *s = ctx;
    return s && s->established ? mbedtls_ssl_get_alpn_protocol(&s->ssl) : NULL;
}

static void tls_free(struct tls *s)
{
    if (s->lower.close)
        s->lower.close(s->lower.ctx);
    mbedtls_ssl_free(&s->ssl);
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->ca);
    mbedtls_x509_crt_free(&s->own_cert);
    mbedtls_pk_free(&s->own_key);
    mbedtls_ctr_drbg_free(&s->drbg);
    hyper_mem m = s->mem;
    hyper_mem_free(&m, s, sizeof *s);
}

static void tls_close(void *ctx)
{
    struct tls *s = ctx;
    if (!s)
        return;
    if (s->established && !s->err) {
        /* Tell the peer we end on purpose (RFC 8446 §6.1), briefly. */
        s->deadline = hyper_tls_deadline_in(HYPER_TRANSPORT_CLOSE_MS);
        int r;
        do {
            s->io_err = 0;
            r = mbedtls_ssl_close_notify(&s->ssl);
        } while (want(r) && !timed_out(s));
    }
    tls_free(s);
}

/* Trust anchors: the file, folder and data given, or the system bundle. */
static int load_ca(struct tls *s, const hyper_transport_opts *o, char *detail, size_t dlen)
{
    const char *file = o->ca_file;
    if (!file && !o->ca_path && !o->ca_data)
        file = HYPER_TRANSPORT_SYSTEM_CA;
    const char *what = file;
    int r = 0;
    if (file)
        r = mbedtls_x509_crt_parse_file(&s->ca, file);
    if (r >= 0 && o->ca_path)
        r = mbedtls_x509_crt_parse_path(&s->ca, what = o->ca_path);
    if (r >= 0 && o->ca_data) {
        what = "(CA data in memory)";
        r = mbedtls_x509_crt_parse(&s->ca, o->ca_data, o->ca_data_len);
    }
    /* A positive r counts certificates that failed to parse; bundles may
     * hold some mbedTLS cannot read. Fine as long as some were loaded. */
    if (r < 0 || s->ca.version == 0) {
        char msg[128] = "no certificate found";
        if (r < 0)
            mbedtls_strerror(r, msg, sizeof msg);
        hyper_tls_detail(detail, dlen, "cannot load CA certificates from %s: %s",
                         what ? what : "?", msg);
        return HYPER_ETLS_CA_FILE;
    }
    mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
    return HYPER_OK;
}

static int load_client(struct tls *s, const hyper_transport_opts *o, char *detail,
                       size_t dlen)
{
    if (!o->client_cert_file && !o->client_key_file)
        return HYPER_OK;
    char msg[128] = "";
    int r = -1;
    const char *what = "client certificate and key must be given together";
    if (o->client_cert_file && o->client_key_file) {
        what = o->client_cert_file;
        r = mbedtls_x509_crt_parse_file(&s->own_cert, o->client_cert_file);
        if (r == 0) {
            what = o->client_key_file;
            r = mbedtls_pk_parse_keyfile(&s->own_key, o->client_key_file,
                                         o->client_key_password);
            /* A wrong password decrypts to garbage that mbedTLS reports as
             * a password mismatch only when the padding check catches it;
             * otherwise as a malformed key. Say what the user can act on. */
            if (r != 0 && o->client_key_password && r != MBEDTLS_ERR_PK_FILE_IO_ERROR &&
                r != MBEDTLS_ERR_PK_ALLOC_FAILED && r != MBEDTLS_ERR_PK_PASSWORD_MISMATCH) {
                hyper_tls_detail(detail, dlen, "client certificate: %s: wrong password, or a "
                                 "corrupt key", o->client_key_file);
                return HYPER_ETLS_CLIENT_CERT;
            }
        }
        if (r == 0 && (r = mbedtls_pk_check_pair(&s->own_cert.pk, &s->own_key)) != 0)
            what = "client key does not match the certificate";
        if (r == 0)
            r = mbedtls_ssl_conf_own_cert(&s->conf, &s->own_cert, &s->own_key);
        if (r == 0)
            return HYPER_OK;
        mbedtls_strerror(r, msg, sizeof msg);
    }
    hyper_tls_detail(detail, dlen, "client certificate: %s%s%s", what, *msg ? ": " : "",
                     msg);
    return HYPER_ETLS_CLIENT_CERT;
}

/* Copies the ALPN list into s (mbedTLS keeps the pointers). */
static int set_alpn(struct tls *s, const hyper_transport_opts *o)
{
    static const char *const defaults[] = {"h2", "http/1.1"};
    const char *const *list = o->alpn ? o->alpn : defaults;
    size_t n = o->alpn ? o->alpn_count : 2, used = 0;
    if (n > HYPER_TRANSPORT_MAX_ALPN)
        return HYPER_EINVAL;
    for (size_t i = 0; i < n; i++) {
        size_t len = list[i] ? strlen(list[i]) : 0;
        if (len == 0 || len > 255)
            return HYPER_EINVAL;
        memcpy(s->alpn_names + used, list[i], len + 1);
        s->alpn[i] = s->alpn_names + used;
        used += len + 1;
    }
    s->alpn[n] = NULL;
    if (n && mbedtls_ssl_conf_alpn_protocols(&s->conf, s->alpn) != 0)
        return HYPER_EINVAL;
    return HYPER_OK;
}

/* The name to verify: server_name or host; an IP literal or a DNS name,
 * one of which is always set for verification. */
static int set_name(struct tls *s, const char *host, const hyper_transport_opts *o,
                    char *detail, size_t dlen)
{
    const char *name = o->server_name ? o->server_name : host;
    if (hyper_tls_host_copy(name, s->name, sizeof s->name, 1) != HYPER_OK) {
        hyper_tls_detail(detail, dlen, "server name missing, empty or too long");
        return HYPER_EINVAL;
    }
    s->ip_len = hyper_tls_ip_literal(s->name, s->ip);
    if (s->ip_len)
        return HYPER_OK;  /* checked by hyper_tls_verify_ip; no SNI */
    if (strchr(s->name, ':') || strchr(s->name, '%')) {
        hyper_tls_detail(detail, dlen, "cannot verify '%s': not a host name or IP address",
                         s->name);
        return HYPER_ETLS_HOSTNAME;
    }
    int r = mbedtls_ssl_set_hostname(&s->ssl, s->name);
    if (r != 0)
        return r == MBEDTLS_ERR_SSL_ALLOC_FAILED ? HYPER_ENOMEM : HYPER_EINVAL;
    return HYPER_OK;
}

static int setup(struct tls *s, const char *host, const hyper_transport_opts *o,
                 char *detail, size_t dlen)
{
    /* Personalization (NIST SP 800-90A §8.7.1): a label and this state's
     * address, so two connections seeded at once still differ. */
    unsigned char pers[32] = "hyper tls client";
    const void *self = s;
    memcpy(pers + 16, &self, sizeof self);
    int rc;
    if (pthread_once(&shared_entropy_once, shared_entropy_init) != 0 ||
        mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &shared_entropy, pers,
                              sizeof pers) != 0) {
        hyper_tls_detail(detail, dlen, "cannot seed the random generator");
        return HYPER_ETLS_HANDSHAKE;
    }
    if (mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return HYPER_ENOMEM;
    mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
    if (o->insecure_skip_verify) {
        mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
    } else {
        mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_verify(&s->conf, hyper_tls_verify_ip, s);
        if ((rc = load_ca(s, o, detail, dlen)) != HYPER_OK)
            return rc;
    }
    if ((rc = load_client(s, o, detail, dlen)) != HYPER_OK)
        return rc;
    if ((rc = set_alpn(s, o)) != HYPER_OK) {
        hyper_tls_detail(detail, dlen, "ALPN list: at most %d names of 1..255 octets",
                         HYPER_TRANSPORT_MAX_ALPN);
        return rc;
    }
    if (mbedtls_ssl_setup(&s->ssl, &s->conf) != 0)
        return HYPER_ENOMEM;
    if ((rc = set_name(s, host, o, detail, dlen)) != HYPER_OK)
        return rc;
    mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
    return HYPER_OK;
}

static int handshake(struct tls *s, const hyper_transport_opts *o, char *detail,
                     size_t dlen)
{
    s->deadline = hyper_tls_deadline_in(o->handshake_timeout_ms);
    for (;;) {
        s->io_err = 0;
        int r = mbedtls_ssl_handshake(&s->ssl);
        if (r == 0)
            break;
        if (!want(r))
            return hyper_tls_handshake_error(s, r, detail, dlen);
        if (timed_out(s)) {
            hyper_tls_detail(detail, dlen, "TLS handshake with %s timed out after %d ms",
                             s->name, o->handshake_timeout_ms);
            return HYPER_ETIMEOUT;
        }
    }
    /* Belt and braces: the handshake must not have passed unverified. */
    if (!o->insecure_skip_verify && mbedtls_ssl_get_verify_result(&s->ssl) != 0)
        return hyper_tls_handshake_error(s, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
                                         detail, dlen);
    s->established = 1;
    return HYPER_OK;
}

int hyper_transport_tls_wrap(hyper_transport *t, hyper_transport lower,
                             const char *host, const hyper_transport_opts *opts,
                             const hyper_mem *mem, char *detail, size_t detail_len)
{
    hyper_tls_detail(detail, detail_len, "%s", "");
    hyper_transport_opts defaults;
    if (!opts) {
        hyper_transport_opts_init(&defaults);
        opts = &defaults;
    }
    const hyper_mem *m = hyper_mem_pick(mem);
    struct tls *s = NULL;
    if (t && host && lower.read && lower.write && lower.close)
        s = hyper_mem_zalloc(m, sizeof *s);
    if (!s) {
        if (lower.close)
            lower.close(lower.ctx);
        if (t)
            memset(t, 0, sizeof *t);
        return t && host && lower.read && lower.write && lower.close ? HYPER_ENOMEM
                                                                     : HYPER_EINVAL;
    }
    s->mem = *m;
    s->lower = lower;
    mbedtls_ssl_init(&s->ssl);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_x509_crt_init(&s->ca);
    mbedtls_x509_crt_init(&s->own_cert);
    mbedtls_pk_init(&s->own_key);
    mbedtls_ctr_drbg_init(&s->drbg);
    memset(t, 0, sizeof *t);

    int rc = setup(s, host, opts, detail, detail_len);
    if (rc == HYPER_OK)
        rc = handshake(s, opts, detail, detail_len);
    if (rc != HYPER_OK) {
        tls_free(s);
        return rc;
    }
    t->read = tls_read;
    t->write = tls_write;
    t->protocol = tls_protocol;
    t->close = tls_close;
    t->ctx = s;
    return HYPER_OK;
}
