/*
 * debug.c — --debug: every HTTP/2 frame sent and received, with its flags,
 * on standard error, in the spirit of `nghttp -v`.
 *
 * Implementation notes:
 *  - The connection object has no frame hook, but it lets the caller make
 *    the transport (hyper_conn_opts.connect). We open the usual transport
 *    and wrap it: the wrapper sees the cleartext bytes (TLS is below it) in
 *    both directions and re-parses the frame headers (RFC 9113 §4.1) itself.
 *    Only octets the lower transport accepted or delivered are parsed.
 *  - Sending starts in HTTP/1.1 unless the first octets are the client
 *    preface (§3.4); a later write starting with the preface (after an
 *    h2c upgrade, RFC 7540 §3.2) switches to frames. Receiving is in frames
 *    from the start when the preface went out first, else HTTP/1.1 until a
 *    101 head has ended.
 *  - Header blocks (HEADERS/PUSH_PROMISE + CONTINUATION) are decoded with a
 *    separate public HPACK decoder per direction, which follows the same
 *    table updates as the real one, so the fields actually sent and
 *    received are printed. A block above 256 KiB or a decoding error stops
 *    the field printing for that direction (the table is then unknown).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

#define MAX_PAYLOAD (256 * 1024)

static const char PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
#define PREFACE_LEN 24

enum { M_START, M_PREFACE, M_H1, M_H1_UPGRADE, M_FRAMES };

typedef struct tap_dir {
    const char *name;      /* "send" / "recv" */
    int mode;
    size_t matched;        /* preface octets matched; CRLFCRLF progress */
    uint8_t hdr[9];
    size_t hlen;           /* header octets collected */
    uint32_t flen, got;
    uint8_t type, flags;
    uint32_t stream;
    uint8_t *payload;      /* kept for every frame but DATA, up to MAX_PAYLOAD */
    int keep;
    cli_buf block;         /* header block being assembled */
    hyper_hpack_decoder *dec;
    int dec_off;
} tap_dir;

typedef struct tap {
    hyper_transport inner;
    tap_dir out, in;
} tap;

static const char *type_name(uint8_t t)
{
    static const char *names[] = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
                                  "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE",
                                  "CONTINUATION"};
    return t < 10 ? names[t] : NULL;
}

static void flag_names(uint8_t type, uint8_t f, char *out, size_t cap)
{
    out[0] = 0;
    struct { uint8_t bit; const char *name; int types; } fl[] = {
        {0x1, "END_STREAM", 1 << 0 | 1 << 1}, {0x1, "ACK", 1 << 4 | 1 << 6},
        {0x4, "END_HEADERS", 1 << 1 | 1 << 5 | 1 << 9}, {0x8, "PADDED", 1 << 0 | 1 << 1 | 1 << 5},
        {0x20, "PRIORITY", 1 << 1},
    };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        if (!(f & fl[i].bit) || type > 9 || !(fl[i].types & (1 << type)))
            continue;
        if (out[0])
            strncat(out, "|", cap - strlen(out) - 1);
        strncat(out, fl[i].name, cap - strlen(out) - 1);
    }
}

static uint32_t u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void print_fields(tap_dir *d, const uint8_t *p, size_t n)
{
    if (d->dec_off)
        return;
    if (!d->dec) {
        hyper_hpack_decoder_opts o = {0, 1u << 20, 1u << 20, 4096};
        if (hyper_hpack_decoder_init(&d->dec, NULL, &o) != HYPER_OK) {
            d->dec_off = 1;
            return;
        }
    }
    while (1) {
        hyper_hpack_field f;
        size_t used;
        int rc = hyper_hpack_decode(d->dec, p, n, 1, &f, &used);
        p += used;
        n -= used;
        if (rc == 0)
            return;
        if (rc < 0) {
            fprintf(stderr, "          (header block not decodable: %s)\n",
                    hyper_strerror(rc));
            d->dec_off = 1;
            return;
        }
        fprintf(stderr, "          %.*s: %.*s\n", (int)f.name_len, f.name,
                (int)f.value_len, f.value);
    }
}

/* HEADERS / PUSH_PROMISE / CONTINUATION: the fragment, then the block. */
static void header_fragment(tap_dir *d)
{
    const uint8_t *p = d->payload;
    size_t n = d->flen, pad = 0;
    if (d->type != 9 && (d->flags & 0x8) && n >= 1) {
        pad = p[0];
        p++, n--;
    }
    if (d->type == 1 && (d->flags & 0x20) && n >= 5)
        p += 5, n -= 5;
    if (d->type == 5 && n >= 4) {
        fprintf(stderr, "          promised_stream_id=%u\n", u32(p) & 0x7fffffffu);
        p += 4, n -= 4;
    }
    n = pad <= n ? n - pad : 0;
    if (d->block.len + n > MAX_PAYLOAD || cli_buf_add(&d->block, p, n) != 0) {
        d->dec_off = 1;
        d->block.len = 0;
    }
    if (d->flags & 0x4) {
        print_fields(d, (const uint8_t *)d->block.data, d->block.len);
        d->block.len = 0;
    }
}

static void frame_details(tap_dir *d)
{
    const uint8_t *p = d->payload;
    uint32_t n = d->flen;
    if (!d->keep)
        return;
    if (d->type == 1 || d->type == 5 || d->type == 9) {
        header_fragment(d);
    } else if (d->type == 4) {
        static const char *sn[] = {"?", "HEADER_TABLE_SIZE", "ENABLE_PUSH",
                                   "MAX_CONCURRENT_STREAMS", "INITIAL_WINDOW_SIZE",
                                   "MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE"};
        for (uint32_t i = 0; i + 6 <= n; i += 6) {
            unsigned id = (unsigned)p[i] << 8 | p[i + 1];
            fprintf(stderr, "          [%s(0x%02x):%u]\n", id >= 1 && id <= 6 ? sn[id] : "UNKNOWN",
                    id, u32(p + i + 2));
        }
    } else if (d->type == 8 && n >= 4) {
        fprintf(stderr, "          (window_size_increment=%u)\n", u32(p) & 0x7fffffffu);
    } else if (d->type == 3 && n >= 4) {
        fprintf(stderr, "          (error_code=%s(0x%02x))\n", hyper_h2_error_code_name(u32(p)),
                u32(p));
    } else if (d->type == 7 && n >= 8) {
        fprintf(stderr, "          (last_stream_id=%u, error_code=%s(0x%02x), debug=\"%.*s\")\n",
                u32(p) & 0x7fffffffu, hyper_h2_error_code_name(u32(p + 4)), u32(p + 4),
                (int)(n - 8), (const char *)p + 8);
    } else if (d->type == 6 && n == 8) {
        fprintf(stderr, "          (opaque_data=%02x%02x%02x%02x%02x%02x%02x%02x)\n", p[0],
                p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    }
}

static void frame_start(tap_dir *d)
{
    char flags[80];
    d->flen = (uint32_t)d->hdr[0] << 16 | (uint32_t)d->hdr[1] << 8 | d->hdr[2];
    d->type = d->hdr[3];
    d->flags = d->hdr[4];
    d->stream = u32(d->hdr + 5) & 0x7fffffffu;
    d->got = 0;
    flag_names(d->type, d->flags, flags, sizeof flags);
    const char *tn = type_name(d->type);
    char unknown[24];
    if (!tn) {
        snprintf(unknown, sizeof unknown, "UNKNOWN(0x%02x)", d->type);
        tn = unknown;
    }
    fprintf(stderr, "hyper: debug: %s %s frame <length=%u, flags=0x%02x%s%s%s, stream_id=%u>\n",
            d->name, tn, d->flen, d->flags, flags[0] ? " (" : "", flags, flags[0] ? ")" : "",
            d->stream);
    d->keep = d->type != 0 && d->flen <= MAX_PAYLOAD;
    if (d->keep) {
        uint8_t *np = realloc(d->payload, d->flen ? d->flen : 1);
        if (np)
            d->payload = np;
        else
            d->keep = 0;
    }
    if (d->type == 1 || d->type == 5 || d->type == 9)
        if (!d->keep)
            d->dec_off = 1;
}

/* Frames: 9-octet header, then the payload (kept unless DATA). */
static void feed_frames(tap_dir *d, const uint8_t *p, size_t n)
{
    while (n) {
        if (d->hlen < 9) {
            size_t k = 9 - d->hlen < n ? 9 - d->hlen : n;
            memcpy(d->hdr + d->hlen, p, k);
            d->hlen += k, p += k, n -= k;
            if (d->hlen < 9)
                return;
            frame_start(d);
        }
        size_t k = d->flen - d->got < n ? d->flen - d->got : n;
        if (d->keep)
            memcpy(d->payload + d->got, p, k);
        d->got += (uint32_t)k, p += k, n -= k;
        if (d->got == d->flen) {
            frame_details(d);
            d->hlen = 0;
        }
    }
}

/* HTTP/1.1 traffic: the request or status line when a piece starts with
 * one, else only the count (a body, or a head split across reads). */
static void h1_line(tap_dir *d, const uint8_t *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] >= 'A' && p[k] <= 'Z')
        k++;
    int line = (k > 0 && k < n && p[k] == ' ') || (n >= 7 && memcmp(p, "HTTP/1.", 7) == 0);
    for (k = 0; line && k < n && k < 200 && p[k] != '\r' && p[k] != '\n';)
        k++;
    if (line)
        fprintf(stderr, "hyper: debug: %s HTTP/1.1: %.*s (%zu octets)\n", d->name, (int)k,
                (const char *)p, n);
    else
        fprintf(stderr, "hyper: debug: %s HTTP/1.1: %zu octets\n", d->name, n);
}

static void feed(tap *t, tap_dir *d, const uint8_t *p, size_t n)
{
    if (d->mode == M_START || (d == &t->out && d->mode == M_H1 && n && p[0] == 'P')) {
        if (d == &t->in)
            d->mode = t->out.mode == M_FRAMES ? M_FRAMES : M_H1;
        else
            d->mode = M_PREFACE, d->matched = 0;
    }
    if (d->mode == M_PREFACE) {
        const uint8_t *p0 = p;
        size_t n0 = n;
        while (n && d->matched < PREFACE_LEN && *p == (uint8_t)PREFACE[d->matched])
            d->matched++, p++, n--;
        if (d->matched == PREFACE_LEN) {
            fprintf(stderr, "hyper: debug: send connection preface\n");
            d->mode = M_FRAMES;
        } else if (n) {
            d->mode = M_H1; /* not the preface ("POST ..."): show it whole */
            p = p0, n = n0;
        }
    }
    if (d->mode == M_H1 && n) {
        h1_line(d, p, n);
        if (d == &t->in && n >= 12 && memcmp(p, "HTTP/1.1 101", 12) == 0)
            d->mode = M_H1_UPGRADE, d->matched = 0;
    }
    while (d->mode == M_H1_UPGRADE && n) {
        d->matched = *p == (uint8_t)"\r\n\r\n"[d->matched % 4] ? d->matched + 1
                     : (*p == '\r' ? 1 : 0);
        p++, n--;
        if (d->matched == 4)
            d->mode = M_FRAMES;
    }
    if (d->mode == M_FRAMES)
        feed_frames(d, p, n);
}

static long tap_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    tap *t = ctx;
    long n = t->inner.read(t->inner.ctx, buf, len, timeout_ms);
    if (n > 0)
        feed(t, &t->in, buf, (size_t)n);
    return n;
}

static long tap_write(void *ctx, const uint8_t *buf, size_t len, int timeout_ms)
{
    tap *t = ctx;
    long n = t->inner.write(t->inner.ctx, buf, len, timeout_ms);
    if (n > 0)
        feed(t, &t->out, buf, (size_t)n);
    return n;
}

static const char *tap_protocol(void *ctx)
{
    tap *t = ctx;
    return t->inner.protocol(t->inner.ctx);
}

static void dir_free(tap_dir *d)
{
    free(d->payload);
    cli_buf_free(&d->block);
    hyper_hpack_decoder_free(d->dec);
}

static void tap_close(void *ctx)
{
    tap *t = ctx;
    t->inner.close(t->inner.ctx);
    dir_free(&t->out);
    dir_free(&t->in);
    free(t);
    fprintf(stderr, "hyper: debug: connection closed\n");
}

int cli_debug_connect(void *ctx, const char *host, uint16_t port, int secure,
                      const hyper_transport_opts *topts, hyper_transport *out,
                      char *detail, size_t detail_len)
{
    (void)ctx;
    hyper_transport_opts o = *topts;
    o.tls = secure;
    tap *t = calloc(1, sizeof *t);
    if (!t)
        return HYPER_ENOMEM;
    fprintf(stderr, "hyper: debug: connecting to %s port %u (%s)\n", host, (unsigned)port,
            secure ? "TLS" : "cleartext");
    int rc = hyper_transport_open(&t->inner, host, port, &o, NULL, detail, detail_len);
    if (rc != HYPER_OK) {
        free(t);
        return rc;
    }
    const char *alpn = t->inner.protocol(t->inner.ctx);
    if (secure)
        fprintf(stderr, "hyper: debug: TLS handshake done, ALPN: %s\n", alpn ? alpn : "none");
    t->out.name = "send";
    t->in.name = "recv";
    cli_buf_init(&t->out.block, NULL);
    cli_buf_init(&t->in.block, NULL);
    out->read = tap_read;
    out->write = tap_write;
    out->protocol = tap_protocol;
    out->close = tap_close;
    out->ctx = t;
    return HYPER_OK;
}
