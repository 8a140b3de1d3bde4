/*
 * h1_write.c — the request writer (RFC 9112 §3, §6, RFC 9110 §10.1.1,
 * RFC 7540 §3.2): request line, Host, user fields, body framing, body
 * output, Expect: 100-continue hold, Upgrade: h2c, base64url.
 *
 * Implementation notes
 *  - Everything a request needs is validated and measured before one octet
 *    is written, so a request lands in the output buffer whole or not at
 *    all (an allocation failure or a bad field changes nothing).
 *  - The output buffer obuf holds unsent octets [ooff, olen); its size is
 *    bounded by max_output, it grows geometrically and is compacted when
 *    space runs short. Nothing is ever sent from the caller's memory, so the
 *    caller's strings and body may be reused as soon as a call returns.
 *  - Expect: 100-continue: the body is written after the head, but
 *    send_pending stops at hold_at until 100 Continue (or
 *    hyper_h1_continue); a final status first truncates obuf at hold_at.
 *  - CR, LF and NUL are refused in every string we write: they would let a
 *    caller's value split the request (request smuggling).
 */
#include <string.h>
#include "h1/h1.h"
/* HYPER_CONFIG_NO_H1 (hyper_config.h): the HTTP/1.1 engine is left out. */
#ifndef HYPER_CONFIG_NO_H1

/* ---- validation -------------------------------------------------------------- */

static int is_token(const char *p, size_t n)
{
    return p && n && h1_token_len(p, n) == n;
}

/* Visible ASCII only: a target or host never holds SP, CTL, DEL or obs-text. */
static int is_visible(const char *p, size_t n)
{
    if (!p || !n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)p[i] <= 0x20 || (uint8_t)p[i] >= 0x7f)
            return 0;
    return 1;
}

/* One user field: a token name, a value without CR, LF or NUL, and not a
 * field the engine writes itself. Sets *close for "Connection: close". */
static int check_field(const char *name, size_t nn, const char *v, size_t vn, int *close)
{
    if (!is_token(name, nn) || (!v && vn))
        return HYPER_EH1_REQUEST_HEADER;
    for (size_t i = 0; i < vn; i++)
        if (v[i] == '\r' || v[i] == '\n' || v[i] == 0)
            return HYPER_EH1_REQUEST_HEADER;
    /* the engine writes all of them itself but Connection */
    int k = h1_word_index(h1_field_names, name, nn);
    if (k && k != H1_F_CONNECTION)
        return HYPER_EH1_RESERVED_HEADER;
    if (k) {
        size_t pos = 0, tn;
        const char *t;
        while (hyper_headers_split_next(v, vn, &pos, &t, &tn))
            if (h1_word_index(h1_list_words, t, tn) == H1_W_CLOSE)
                *close = 1;
    }
    return HYPER_OK;
}

/* Field i of the request: the array first, then the map (copied to *tmp). */
static const hyper_hpack_field *field_at(const hyper_h1_request *r, size_t i,
                                         hyper_hpack_field *tmp)
{
    if (i < r->nfields)
        return &r->fields[i];
    return r->headers && hyper_headers_at(r->headers, i - r->nfields, &tmp->name,
                                          &tmp->name_len, &tmp->value,
                                          &tmp->value_len) == HYPER_OK ? tmp : NULL;
}

static int check_request(const hyper_h1_session *s, const hyper_h1_request *r)
{
    if (!is_token(r->method, r->method_len) ||
        h1_word_index("\007connect", r->method, r->method_len))
        return HYPER_EINVAL;           /* CONNECT makes a tunnel: not ours */
    if (!is_visible(r->target, r->target_len) || !is_visible(r->host, r->host_len))
        return HYPER_EINVAL;
    if (r->body_mode < HYPER_H1_BODY_NONE || r->body_mode > HYPER_H1_BODY_CHUNKED ||
        (r->nfields && !r->fields) || (r->body_mode == HYPER_H1_BODY_WHOLE && r->body_len && !r->body))
        return HYPER_EINVAL;
    if (r->flags & ~(unsigned)(HYPER_H1_EXPECT_CONTINUE | HYPER_H1_UPGRADE_H2C))
        return HYPER_EINVAL;
    if ((r->flags & HYPER_H1_EXPECT_CONTINUE) && r->body_mode == HYPER_H1_BODY_NONE)
        return HYPER_EINVAL;
    if (r->flags & HYPER_H1_UPGRADE_H2C) {
        if (r->body_mode > HYPER_H1_BODY_WHOLE || (r->h2_settings_len && !r->h2_settings))
            return HYPER_EINVAL;       /* RFC 7540 §3.2: body sent whole first */
        if (s->nreq)
            return HYPER_ESTATE;
    }
    /* A string or whole body longer than the output bound: before any
     * field is looked at (put_head's order of errors). */
    size_t cap = s->opt.max_output;
    if (r->method_len > cap || r->target_len > cap || r->host_len > cap ||
        (r->body_mode == HYPER_H1_BODY_WHOLE && r->body_len > cap) ||
        ((r->flags & HYPER_H1_UPGRADE_H2C) && r->h2_settings_len > cap))
        return HYPER_ELIMIT;
    return HYPER_OK;
}

/* ---- the output buffer -------------------------------------------------------- */

static size_t pending_all(const hyper_h1_session *s)
{
    return s->olen - s->ooff;
}

/* Room for n more octets at obuf + olen, within max_output. */
static int obuf_reserve(hyper_h1_session *s, size_t n)
{
    if (n > s->opt.max_output - pending_all(s))
        return HYPER_ELIMIT;
    if (s->olen + n <= s->ocap)
        return HYPER_OK;
    if (s->ooff) {                     /* compact: sent octets are dead */
        memmove(s->obuf, s->obuf + s->ooff, pending_all(s));
        s->olen -= s->ooff;
        s->hold_at -= s->ooff;         /* (meaningless unless holding) */
        s->ooff = 0;
    }
    /* olen == pending here, so olen + n is within max_output; this is
     * HYPER_OK at once when compacting made the room */
    return h1_buf_grow(s->mem, &s->obuf, &s->ocap, s->olen + n, s->opt.max_output, 1024);
}

/* Octets that may be added now without growing past max_output. */
static size_t obuf_room(const hyper_h1_session *s)
{
    return s->opt.max_output - pending_all(s);
}

/*
 * A writer: the same code measures a request (p NULL: octets are only
 * counted, saturating to SIZE_MAX past cap) and then writes it into the
 * room obuf_reserve made (p = obuf + olen), so the size reserved and the
 * octets written cannot disagree.
 */
struct out {
    uint8_t *p;
    size_t n, cap;            /* n <= cap, or SIZE_MAX once cap was passed */
};

static H1_SIZE_NOINLINE struct out out_at_end(hyper_h1_session *s)
{
    struct out o = {s->obuf + s->olen, 0, SIZE_MAX - 1};
    return o;
}

/* Appends n octets of src (none copied when src is NULL: the caller wrote them). */
static void put(struct out *o, const void *src, size_t n)
{
    if (o->n > o->cap || n > o->cap - o->n) {
        o->n = SIZE_MAX;
        return;
    }
    if (o->p && src)
        memcpy(o->p + o->n, src, n);
    o->n += n;
}

/* A string literal. For size (-Os) one out-of-line call that counts it:
 * each call site passes a pointer instead of a pointer and a length. */
#ifdef __OPTIMIZE_SIZE__
static H1_NOINLINE void put_str(struct out *o, const char *lit)
{
    size_t n = 0;
    while ((signed char)lit[n] > 0)   /* ASCII; (not a strlen call) */
        n++;
    put(o, lit, n);
}
#define PUT_LIT(o, lit) put_str(o, lit)
#else
#define PUT_LIT(o, lit) put(o, lit, sizeof lit - 1)
#endif

/* Digits of v in base 10 or 16. */
static H1_NOINLINE size_t num_len(uint64_t v, unsigned base)
{
    size_t n = 1;
    while (v >= base)
        v /= base, n++;
    return n;
}

static void put_num(struct out *o, uint64_t v, unsigned base)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do
        tmp[--i] = "0123456789abcdef"[v % base];
    while (v /= base);
    put(o, tmp + i, sizeof tmp - i);
}

/* ---- requests ----------------------------------------------------------------- */

/*
 * The head: request line, Host, the user's fields, framing, Expect,
 * Upgrade; then a whole body. When measuring (o->p NULL) it also checks the fields and
 * returns the first error, per field its validity and the running size
 * (check_request has refused a string or whole body longer than the bound).
 */
static int put_head(struct out *o, const hyper_h1_request *r, int *close)
{
    /* Each field line is written with the CRLF that ends the line before
     * it; the head ends with the last line's CRLF and the empty line. */
    put(o, r->method, r->method_len);
    PUT_LIT(o, " ");
    put(o, r->target, r->target_len);
    PUT_LIT(o, " HTTP/1.1\r\nHost: ");
    put(o, r->host, r->host_len);
    hyper_hpack_field tmp;
    const hyper_hpack_field *f;
    for (size_t i = 0; (f = field_at(r, i, &tmp)) != NULL; i++) {
        int rc = o->p ? HYPER_OK : check_field(f->name, f->name_len, f->value, f->value_len, close);
        if (rc != HYPER_OK)
            return rc;
        PUT_LIT(o, "\r\n");
        put(o, f->name, f->name_len);
        PUT_LIT(o, ": ");
        put(o, f->value, f->value_len);
        if (o->n > o->cap || o->cap - o->n < 2)
            return HYPER_ELIMIT;       /* this line's CRLF would not fit */
    }
    if (r->body_mode == HYPER_H1_BODY_WHOLE || r->body_mode == HYPER_H1_BODY_LENGTH) {
        PUT_LIT(o, "\r\nContent-Length: ");   /* RFC 9112 §6.2 */
        put_num(o, r->body_mode == HYPER_H1_BODY_WHOLE ? r->body_len : r->content_length, 10);
    } else if (r->body_mode == HYPER_H1_BODY_CHUNKED) {
        PUT_LIT(o, "\r\nTransfer-Encoding: chunked");
    }
    if (r->flags & HYPER_H1_EXPECT_CONTINUE)
        PUT_LIT(o, "\r\nExpect: 100-continue");
    if (r->flags & HYPER_H1_UPGRADE_H2C) {
        PUT_LIT(o, "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: ");
        size_t b = hyper_h1_base64url_len(r->h2_settings_len);
        if (o->p)
            hyper_h1_base64url_encode(r->h2_settings, r->h2_settings_len,
                                      (char *)o->p + o->n, b);
        put(o, NULL, b);
    }
    PUT_LIT(o, "\r\n\r\n");
    if (r->body_mode == HYPER_H1_BODY_WHOLE)
        put(o, r->body, r->body_len);  /* a whole body follows the head */
    return o->n > o->cap ? HYPER_ELIMIT : HYPER_OK;
}

int32_t hyper_h1_submit(hyper_h1_session *s, const hyper_h1_request *r)
{
    if (!s || !r)
        return HYPER_EINVAL;
    if (s->error)
        return s->error;
    if (!hyper_h1_reusable(s) || s->body_mode != HYPER_H1_BODY_NONE || s->holding)
        return HYPER_ESTATE;
    if (s->nreq >= s->opt.max_pipeline || s->next_seq == INT32_MAX)
        return HYPER_ELIMIT;
    int close = 0, rc = check_request(s, r);
    struct out m = {NULL, 0, s->opt.max_output};   /* measure first */
    if (rc == HYPER_OK)
        rc = put_head(&m, r, &close);
    if (rc == HYPER_OK)
        rc = obuf_reserve(s, m.n);
    if (rc != HYPER_OK)
        return rc;
    struct out o = out_at_end(s);
    put_head(&o, r, NULL);
    s->olen += o.n;
    int32_t seq = s->next_seq++;
    struct h1_req *q = &s->reqs[(uint32_t)seq % s->opt.max_pipeline];
    s->nreq++;
    uint32_t w = 0, head;              /* methods are case-sensitive: "HEAD" */
    memcpy(&head, "HEAD", 4);
    if (r->method_len == 4)
        memcpy(&w, r->method, 4);
    q->is_head = w == head;
    q->flags = (uint8_t)r->flags;      /* checked: only the two known bits */
    /* Expect: hold what follows the head (hold_at means nothing otherwise;
     * holding was 0) */
    s->holding = (uint8_t)(r->flags & HYPER_H1_EXPECT_CONTINUE);
    s->hold_at = s->olen - (r->body_mode == HYPER_H1_BODY_WHOLE ? r->body_len : 0);
    if (r->body_mode == HYPER_H1_BODY_CHUNKED ||
               (r->body_mode == HYPER_H1_BODY_LENGTH && r->content_length))
        s->body_mode = (uint8_t)r->body_mode;
    s->body_unsent = r->content_length;
    s->body_refused = 0;
    s->last_submitted = (uint8_t)close;
    s->upgrade_pending = (r->flags & HYPER_H1_UPGRADE_H2C) != 0;
    return seq;
}

/* ---- bodies ------------------------------------------------------------------- */

void h1_write_drop_held(hyper_h1_session *s)
{
    s->olen = s->hold_at;
    s->holding = 0;
    s->body_mode = HYPER_H1_BODY_NONE;
    s->body_refused = 1;
}

/* Octets of one chunk carrying n data octets: size line, data, CRLF. */
static size_t chunk_len(size_t n)
{
    return num_len(n, 16) + 2 + n + 2;
}

#define LAST_CHUNK_LEN 5   /* "0\r\n\r\n": last-chunk, no trailers */

/*
 * A Content-Length body takes what fits. A chunked body takes one chunk
 * per call (RFC 9112 §7.1); `end` adds the last chunk, and is taken only
 * together with every data octet, so a return of len says the body is
 * closed. Invariants: take <= len; take == len exactly when the whole call
 * is done; chunk_len(take) + tail <= room.
 */
long hyper_h1_send_body(hyper_h1_session *s, const uint8_t *data, size_t len, int end)
{
    if (!s || (!data && len))
        return HYPER_EINVAL;
    if (s->error)
        return s->error;
    if (s->body_mode == HYPER_H1_BODY_NONE)
        return s->body_refused ? HYPER_EH1_BODY_REFUSED : HYPER_ESTATE;
    int chunked = s->body_mode == HYPER_H1_BODY_CHUNKED;
    size_t room = obuf_room(s), take = len < room ? len : room, tail = 0, need = take;
    if (!chunked) {
        if ((uint64_t)len > s->body_unsent || (end && (uint64_t)len != s->body_unsent))
            return HYPER_EINVAL;
    } else {
        tail = end ? LAST_CHUNK_LEN : 0;
        take = len;
        if (!len) {
            if (!end)
                return 0;
            if (room < LAST_CHUNK_LEN)
                return HYPER_EBUFFER;
        } else if (chunk_len(len) > room || room - chunk_len(len) < tail) {
            tail = 0;               /* the rest, and the end, come later */
            /* num_len(room) >= num_len(take): the size line is never longer */
            take = room < 6 ? 0 : room - (num_len(room, 16) + 4);  /* 6: chunk_len(1) */
            if (take >= len)
                take = len - (end != 0);  /* keep one octet back to carry the end */
            if (!take)
                return 0;
        }
        need = (take ? chunk_len(take) : 0) + tail;
    }
    if (need) {
        if (obuf_reserve(s, need) != HYPER_OK)
            return HYPER_ENOMEM;
        struct out o = out_at_end(s);
        if (chunked && take) {
            put_num(&o, take, 16);
            PUT_LIT(&o, "\r\n");
        }
        put(&o, data, take);
        if (chunked)                /* the CRLF after chunk-data, the last chunk */
            put(&o, &"\r\n0\r\n\r\n"[take ? 0 : 2], (take ? 2 : 0) + tail);
        s->olen += o.n;
    }
    if (chunked ? tail != 0 : !(s->body_unsent -= take))
        s->body_mode = HYPER_H1_BODY_NONE;
    return (long)take;
}

int hyper_h1_continue(hyper_h1_session *s)
{
    if (!s || !s->holding)
        return HYPER_ESTATE;
    s->holding = 0;
    return HYPER_OK;
}

/* Where the octets that may go now end: a held body waits for 100 Continue. */
static H1_SIZE_NOINLINE size_t sendable_end(const hyper_h1_session *s)
{
    return s->holding ? s->hold_at : s->olen;
}

size_t hyper_h1_send_pending(hyper_h1_session *s, const uint8_t **ptr)
{
    if (ptr)
        *ptr = NULL;
    if (!s || !ptr || s->error)
        return 0;
    size_t end = sendable_end(s);
    if (end == s->ooff)
        return 0;                      /* obuf may not exist yet */
    *ptr = s->obuf + s->ooff;
    return end - s->ooff;
}

int hyper_h1_sent(hyper_h1_session *s, size_t n)
{
    if (!s)
        return HYPER_EINVAL;
    size_t end = sendable_end(s);
    if (n > end - s->ooff)
        return HYPER_EINVAL;
    s->ooff += n;
    if (s->ooff == s->olen) {
        s->hold_at -= s->ooff;         /* (meaningless unless holding) */
        s->ooff = s->olen = 0;
    }
    return HYPER_OK;
}

/* ---- base64url (RFC 4648 §5), no padding (RFC 7540 §3.2.1) --------------------- */

size_t hyper_h1_base64url_len(size_t len)
{
    return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
}

/* The base64url alphabet (RFC 4648 Table 2), computed: A-Z a-z 0-9 - _ */
static H1_NOINLINE char b64_digit(unsigned v)
{
    return (char)(v < 26 ? 'A' + v : v < 52 ? 'a' + v - 26 : v < 62 ? '0' + v - 52 :
                  v == 62 ? '-' : '_');
}

long hyper_h1_base64url_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
    size_t need = hyper_h1_base64url_len(len);
    if ((!in && len) || (!out && need))
        return HYPER_EINVAL;
    if (cap < need)
        return HYPER_EBUFFER;
    /* Sextet o is bits 6o .. 6o+5 of the input, high bits first: it lies
     * in the 16 bits of octets i and i+1 (i = 6o / 8 < len); the octet
     * past the end reads as the zero bits that pad the last sextet. */
    for (size_t o = 0; o < need; o++) {
        size_t bit = o * 6, i = bit / 8;
        unsigned w = (unsigned)in[i] << 8 | (i + 1 < len ? in[i + 1] : 0);
        out[o] = b64_digit(w >> (10 - bit % 8) & 63);
    }
    return (long)need;
}
#else
typedef int hyper_h1_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_H1 */
