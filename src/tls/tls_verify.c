/*
 * tls_verify.c — the IP-address check mbedTLS 2.28 lacks, and the mapping
 * of handshake failures to hyper errors with a readable detail text.
 *
 * Implementation notes:
 *  - RFC 6125 / RFC 9110 §4.3.4: a server reached by IP address is
 *    identified by an iPAddress subjectAltName (RFC 5280 §4.2.1.6: 4 or 16
 *    octets, network order), never by a DNS name or the Common Name.
 *    mbedTLS 2.28 keeps only dNSName and otherName entries in
 *    crt->subject_alt_names, so we walk the raw extensions (crt->v3_ext)
 *    with the mbedtls_asn1 readers, every length checked against its
 *    enclosing element.
 *  - The check runs inside verification (mbedtls_ssl_conf_verify) and sets
 *    the same flag as a host-name mismatch, so a wrong address fails the
 *    handshake before any application data is sent.
 */
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>

#include "tls/tls_mbedtls.h"

/* Looks for ip in a GeneralNames SEQUENCE spanning p .. end. */
static int general_names_have_ip(unsigned char *p, const unsigned char *end,
                                 const uint8_t *ip, size_t len)
{
    size_t n;
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return 0;
    end = p + n;
    while (p < end) {
        unsigned char tag = *p++;
        if (mbedtls_asn1_get_len(&p, end, &n))
            return 0;
        /* iPAddress [7] IMPLICIT OCTET STRING (RFC 5280 §4.2.1.6) */
        if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && n == len && memcmp(p, ip, len) == 0)
            return 1;
        p += n;
    }
    return 0;
}

int hyper_tls_crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t len)
{
    if (!crt || !crt->v3_ext.p || (len != 4 && len != 16))
        return 0;
    unsigned char *p = crt->v3_ext.p;
    const unsigned char *end = p + crt->v3_ext.len;
    size_t n;
    /* v3_ext starts at the Extensions SEQUENCE; accept the [3] wrapper too. */
    if (p < end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3)) {
        if (mbedtls_asn1_get_tag(&p, end, &n, *p))
            return 0;
        end = p + n;
    }
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return 0;
    end = p + n;
    while (p < end) {
        /* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT
         * FALSE, extnValue OCTET STRING } (RFC 5280 §4.1) */
        if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
            return 0;
        const unsigned char *ext_end = p + n;
        mbedtls_asn1_buf oid;
        if (mbedtls_asn1_get_tag(&p, ext_end, &oid.len, MBEDTLS_ASN1_OID))
            return 0;
        oid.p = p;
        p += oid.len;
        int critical;
        if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN &&
            mbedtls_asn1_get_bool(&p, ext_end, &critical))
            return 0;
        if (mbedtls_asn1_get_tag(&p, ext_end, &n, MBEDTLS_ASN1_OCTET_STRING))
            return 0;
        if (oid.len == MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME) &&
            memcmp(oid.p, MBEDTLS_OID_SUBJECT_ALT_NAME, oid.len) == 0)
            return general_names_have_ip(p, p + n, ip, len);
        p = (unsigned char *)ext_end;
    }
    return 0;
}

int hyper_tls_verify_ip(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct tls *s = ctx;
    if (depth == 0 && s->ip_len && !hyper_tls_crt_has_ip(crt, s->ip, s->ip_len)) {
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
        s->ip_mismatch = 1;
    }
    return 0;
}

static const char *alert_name(int a)
{
    switch (a) {
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "other";
    }
}

static int verify_error(struct tls *s, char *detail, size_t dlen)
{
    uint32_t f = mbedtls_ssl_get_verify_result(&s->ssl);
    int code = HYPER_ETLS_VERIFY;
    if (f & (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_MISSING))
        code = HYPER_ETLS_UNTRUSTED;
    else if (f & MBEDTLS_X509_BADCERT_EXPIRED)
        code = HYPER_ETLS_EXPIRED;
    else if (f & MBEDTLS_X509_BADCERT_FUTURE)
        code = HYPER_ETLS_NOT_YET_VALID;
    else if (f & MBEDTLS_X509_BADCERT_CN_MISMATCH)
        code = HYPER_ETLS_HOSTNAME;
    char info[256] = "";
    if (f && mbedtls_x509_crt_verify_info(info, sizeof info, "", f) < 0)
        info[0] = '\0';
    size_t n = strlen(info);
    while (n && (info[n - 1] == '\n' || info[n - 1] == ' '))
        info[--n] = '\0';
    if (code == HYPER_ETLS_HOSTNAME) {
        /* mbedTLS speaks of the CN; say what was really compared. */
        hyper_tls_detail(detail, dlen, "certificate verification failed: the certificate "
                         "is not valid for '%s' (%s) [flags 0x%x]", s->name,
                         s->ip_mismatch ? "no iPAddress subjectAltName equals the address"
                                        : "no DNS name of the certificate matches",
                         (unsigned)f);
        return code;
    }
    hyper_tls_detail(detail, dlen, "certificate verification failed for '%s': %s "
                     "[flags 0x%x]", s->name, info, (unsigned)f);
    return code;
}

/*
 * A server refusing our certificate flight often sends its alert and closes
 * at once, so our next write fails (reset) before mbedTLS reads the alert.
 * The alert is then the next thing waiting, unencrypted (it precedes
 * ChangeCipherSpec, RFC 5246 §7.2): read it from the lower transport.
 * Returns the alert description, or -1 when no fatal alert is there.
 */
static int late_alert(struct tls *s)
{
    uint8_t rec[7];
    size_t n = 0;
    hyper_tls_deadline d = hyper_tls_deadline_in(500);
    while (n < sizeof rec) {
        long r = s->lower.read(s->lower.ctx, rec + n, sizeof rec - n,
                               hyper_tls_deadline_left(&d));
        if (r <= 0)
            return -1;
        n += (size_t)r;
    }
    /* ContentType alert(21), version 3.x, length 2, AlertLevel fatal(2) */
    if (rec[0] != 21 || rec[1] != 3 || rec[3] != 0 || rec[4] != 2 || rec[5] != 2)
        return -1;
    return rec[6];
}

static int alert_error(struct tls *s, int a, char *detail, size_t dlen)
{
    if (a == MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL) {
        hyper_tls_detail(detail, dlen, "%s refused every protocol we offered in ALPN "
                         "(alert 120 no_application_protocol)", s->name);
        return HYPER_ETLS_ALPN;
    }
    /* The server asked for a certificate (CertificateRequest seen) and then
     * refused the handshake with a certificate-related alert. */
    int cert_alert = a == 40 || (a >= 42 && a <= 46) || a == 48 || a == 116;
    if (s->ssl.client_auth && cert_alert) {
        hyper_tls_detail(detail, dlen, "%s requires a valid client certificate%s "
                         "(alert %d %s)", s->name,
                         s->own_cert.version ? ", and refused ours" : ", none was given",
                         a, alert_name(a));
        return HYPER_ETLS_CERT_REQUIRED;
    }
    hyper_tls_detail(detail, dlen, "%s ended the TLS handshake with alert %d (%s)",
                     s->name, a, alert_name(a));
    return HYPER_ETLS_HANDSHAKE;
}

int hyper_tls_handshake_error(struct tls *s, int ret, char *detail, size_t dlen)
{
    /* 2.28 reports a certificate unfit for a server (key usage) as
     * BAD_HS_CERTIFICATE, with the reason in the verification flags. */
    uint32_t f = mbedtls_ssl_get_verify_result(&s->ssl);
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
        (ret == MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE && f != 0 && f != UINT32_MAX))
        return verify_error(s, detail, dlen);
    if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE)
        return alert_error(s, s->ssl.in_msg ? s->ssl.in_msg[1] : 0, detail, dlen);
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return HYPER_ENOMEM;
    if ((ret == MBEDTLS_ERR_NET_SEND_FAILED || ret == MBEDTLS_ERR_NET_RECV_FAILED) &&
        s->io_err) {
        int a = s->io_err == HYPER_ECLOSED ? late_alert(s) : -1;
        if (a >= 0)
            return alert_error(s, a, detail, dlen);
        hyper_tls_detail(detail, dlen, "TLS handshake with %s: %s", s->name,
                         hyper_strerror(s->io_err));
        return s->io_err;
    }
    if ((ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) &&
        s->ssl.client_auth) {
        /* Some servers (node) check the client certificate after their
         * TLS stack accepted it and just close: no alert to go by. */
        hyper_tls_detail(detail, dlen, "%s asked for a client certificate and closed the "
                         "connection during the handshake: %s", s->name,
                         s->own_cert.version ? "it probably refused ours"
                                             : "none was given");
        return HYPER_ETLS_CERT_REQUIRED;
    }
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
        hyper_tls_detail(detail, dlen, "%s closed the connection during the TLS handshake",
                         s->name);
        return HYPER_ETLS_HANDSHAKE;
    }
    char msg[160];
    mbedtls_strerror(ret, msg, sizeof msg);
    hyper_tls_detail(detail, dlen, "TLS handshake with %s failed: %s (-0x%04x)", s->name,
                     msg, (unsigned)-ret);
    return HYPER_ETLS_HANDSHAKE;
}

int hyper_tls_io_error(struct tls *s, int ret)
{
    if ((ret == MBEDTLS_ERR_NET_SEND_FAILED || ret == MBEDTLS_ERR_NET_RECV_FAILED) &&
        s->io_err)
        return s->io_err;
    if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return HYPER_ENOMEM;
    return HYPER_ETLS;
}
