/*
 * h1_session.c — the HTTP/1.1 client session: receive dispatch, response
 * framing (RFC 9112 §6.3), events, keep-alive (§9.3), end of input.
 *
 * Implementation notes
 *  - hyper_h1_recv runs steps while input remains; each step consumes at
 *    least one octet or changes rstate, and needs H1_EVQ_STEP free event
 *    slots (a step queues at most two events), so the event ring is fixed
 *    and recv just stops early when it is full.
 *  - A head or trailer section that lies whole in one input is parsed in
 *    place; one that arrives in pieces is copied into hbuf (bounded by
 *    max_head, since the scanner refuses more). Body octets are never
 *    copied: DATA points into the caller's input.
 *  - Errors are sticky, the first one wins, and the ERROR event comes after
 *    the events already queued, so nothing reported before is lost.
 *  - Responses are matched to requests in order: the request ring's head is
 *    the request being answered.
 */
#include <stddef.h>
#include <string.h>
#include "h1/h1.h"
/* HYPER_CONFIG_NO_H1 (hyper_config.h): the HTTP/1.1 engine is left out. */
#ifndef HYPER_CONFIG_NO_H1

void hyper_h1_options_init(hyper_h1_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_line = 8192;
    o->max_headers = 100;
    o->max_head = 65536;
    o->max_output = 1u << 20;
    o->max_pipeline = 1;
    o->strict_crlf = 0;
}

/* The size_t bounds, where a zero given means the default: the first four
 * members, in a row. */
_Static_assert(offsetof(hyper_h1_options, max_headers) == 1 * sizeof(size_t) &&
               offsetof(hyper_h1_options, max_head) == 2 * sizeof(size_t) &&
               offsetof(hyper_h1_options, max_output) == 3 * sizeof(size_t),
               "hyper_h1_options: the bounds come first");

static int fill_options(hyper_h1_options *o, const hyper_h1_options *in)
{
    hyper_h1_options_init(o);
    if (!in)
        return HYPER_OK;
    for (size_t i = 0; i < 4 * sizeof(size_t); i += sizeof(size_t)) {
        size_t v;
        memcpy(&v, (const char *)in + i, sizeof v);
        if (v)
            memcpy((char *)o + i, &v, sizeof v);
    }
    if (in->max_pipeline) o->max_pipeline = in->max_pipeline;
    o->strict_crlf = in->strict_crlf;
    if (o->max_line < 4 || o->max_line > o->max_head || o->max_pipeline > H1_MAX_PIPELINE)
        return HYPER_EINVAL;
    return HYPER_OK;
}

/* The session and its request ring are one block. */
static size_t session_size(unsigned max_pipeline)
{
    return sizeof(hyper_h1_session) + max_pipeline * sizeof(struct h1_req);
}

int hyper_h1_session_init(hyper_h1_session **out, const hyper_mem *mem,
                          const hyper_h1_options *opts)
{
    if (!out)
        return HYPER_EINVAL;
    *out = NULL;
    hyper_h1_options o;
    if (fill_options(&o, opts) != HYPER_OK)
        return HYPER_EINVAL;
    const hyper_mem *m = hyper_mem_pick(mem);
    hyper_h1_session *s = hyper_mem_zalloc(m, session_size(o.max_pipeline));
    if (!s)
        return HYPER_ENOMEM;
    s->mem = m;
    s->opt = o;
    s->keep_alive = 1;
    s->next_seq = 1;                   /* zeroed: R_HEAD, chunk and scan clean */
    *out = s;
    return HYPER_OK;
}

void hyper_h1_session_free(hyper_h1_session *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->nev; i++)  /* events not pulled: free their maps */
        hyper_headers_free(s->evq[(s->ev_head + i) % H1_EVQ].headers);
    hyper_mem_free(s->mem, s->hbuf, s->hcap);
    hyper_mem_free(s->mem, s->obuf, s->ocap);
    hyper_mem_free(s->mem, s, session_size(s->opt.max_pipeline));
}

/* ---- events and requests --------------------------------------------------- */

/* Queues a fresh event about the request being answered (stream_id 0 when
 * none is); the caller guarantees a slot. */
hyper_event *h1_event_push(hyper_h1_session *s, hyper_event_type type)
{
    int32_t id = s->nreq ? s->next_seq - (int32_t)s->nreq : 0;
    hyper_event *ev = &s->evq[(s->ev_head + s->nev++) % H1_EVQ];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->stream_id = id;
    return ev;
}

/* The ERROR event comes after every event queued before: it goes through
 * the ring once that is empty (out of line at -O2: next_event stays a leaf). */
static H1_SPEED_NOINLINE void queue_error(hyper_h1_session *s)
{
    h1_event_push(s, HYPER_EVENT_ERROR)->error = s->error;
    s->error_reported = 1;
}

int hyper_h1_next_event(hyper_h1_session *s, hyper_event *ev)
{
    if (!s || !ev)
        return 0;
    if (!s->nev) {
        if (!s->error || s->error_reported) {
            memset(ev, 0, sizeof *ev);
            return 0;
        }
        queue_error(s);
    }
    *ev = s->evq[s->ev_head];
    s->ev_head = (s->ev_head + 1) % H1_EVQ;
    s->nev--;
    return 1;
}

static int fail(hyper_h1_session *s, int err)
{
    if (!s->error)
        s->error = err;
    s->keep_alive = 0;
    return s->error;
}

/* The current response is complete: END, then the next request's turn. */
static void finish_response(hyper_h1_session *s)
{
    h1_event_push(s, HYPER_EVENT_END);
    s->nreq--;
    s->rstate = R_HEAD;
    if (!s->keep_alive || (s->last_submitted && !s->nreq)) {
        s->rstate = R_CLOSED;
        /* Pipelined requests behind a closing response get no answer. */
        if (s->nreq)
            fail(s, HYPER_EH1_CLOSED);
    }
}

int hyper_h1_reusable(const hyper_h1_session *s)
{
    return s && !s->error && !s->eof && s->keep_alive && !s->last_submitted &&
           s->rstate < R_CLOSED && !s->upgrade_pending;   /* not R_CLOSED, R_UPGRADED */
}

size_t hyper_h1_outstanding(const hyper_h1_session *s)
{
    return s ? s->nreq : 0;
}

/* ---- response heads ------------------------------------------------------- */

/* An event carrying a section: status, fields, and for HEADERS and
 * INFORMATIONAL the reason phrase (not for UPGRADE, and TRAILERS have none:
 * status stays 0). */
static H1_NOINLINE hyper_event *push_head(hyper_h1_session *s, hyper_event_type type,
                              const struct h1_head *h)
{
    hyper_event *ev = h1_event_push(s, type);
    ev->status = h->status;
    ev->headers = h->headers;
    if (type <= HYPER_EVENT_INFORMATIONAL) {          /* HEADERS, INFORMATIONAL */
        /* Kept for the user (HTTP/1.1 only); a long phrase is cut, never
         * refused. The event was zeroed: the copy stays NUL-terminated. */
        size_t rl = h->reason_len < sizeof ev->reason - 1 ? h->reason_len
                                                          : sizeof ev->reason - 1;
        memcpy(ev->reason, h->reason, rl);
        ev->reason_len = rl;
    }
    return ev;
}

/* 1xx: informational, or the 101 that ends HTTP/1.1 on this connection. */
static int on_interim(hyper_h1_session *s, struct h1_req *r, struct h1_head *h)
{
    hyper_event_type type = HYPER_EVENT_INFORMATIONAL;
    if (h->status == 101) {
        if (!(r->flags & HYPER_H1_UPGRADE_H2C) || !(h->words[H1_F_UPGRADE] >> H1_W_H2C & 1))
            return HYPER_EH1_UPGRADE;
        type = HYPER_EVENT_UPGRADE;
        s->rstate = R_UPGRADED;        /* the response comes on stream 1 */
        s->upgrade_pending = 0;
        s->keep_alive = 0;
    } else if (h->status == 100 && (r->flags & HYPER_H1_EXPECT_CONTINUE) && s->holding) {
        s->holding = 0;                /* send the body now */
    }
    push_head(s, type, h);
    return HYPER_OK;
}

/* Body framing of a final response, RFC 9112 §6.3 items 1-7. */
static H1_NOINLINE int choose_framing(hyper_h1_session *s, struct h1_req *r, struct h1_head *h)
{
    if (r->is_head || h->status == 204 || h->status == 304)
        return R_HEAD;                 /* item 1: no body */
    if (h->has_te) {
        if (h->minor == 0)
            return HYPER_EH1_TRANSFER_ENCODING;  /* §6.1: faulty framing */
        if (h->has_cl)
            s->keep_alive = 0;         /* item 3: TE overrides CL, then close */
        if (h->te_chunked_last) {
            h1_chunk_reset(&s->chunk);
            return R_CHUNKED;
        }
        s->keep_alive = 0;             /* item 4: read until close */
        return R_CLOSE_BODY;
    }
    if (h->has_cl) {
        s->body_left = h->content_length;
        return h->content_length ? R_LENGTH : R_HEAD;   /* item 6 */
    }
    s->keep_alive = 0;                 /* item 8: close-delimited */
    return R_CLOSE_BODY;
}

static int on_final(hyper_h1_session *s, struct h1_req *r, struct h1_head *h)
{
    unsigned conn = h->words[H1_F_CONNECTION];
    if ((conn >> H1_W_CLOSE & 1) || (h->minor == 0 && !(conn >> H1_W_KEEP_ALIVE & 1)))
        s->keep_alive = 0;             /* §9.3 */
    s->upgrade_pending = 0;            /* refused (if asked): carry on in HTTP/1.1 */
    if ((r->flags & HYPER_H1_EXPECT_CONTINUE) && s->holding) {
        h1_write_drop_held(s);         /* RFC 9110 §10.1.1: do not send it */
        s->keep_alive = 0;
    } else if (s->body_mode != HYPER_H1_BODY_NONE && s->nreq == 1) {
        s->keep_alive = 0;             /* answered before our body ended */
    }
    int next = choose_framing(s, r, h);
    if (next < 0)
        return next;
    push_head(s, HYPER_EVENT_HEADERS, h)->end_stream = next == R_HEAD;
    if (next == R_HEAD)
        finish_response(s);
    else
        s->rstate = (uint8_t)next;
    return HYPER_OK;
}

/* A complete section: a response head, or the trailers that end a chunked
 * response (TRAILERS only when there are any). */
static int on_section(hyper_h1_session *s, const uint8_t *p, size_t len, int is_head)
{
    struct h1_head h;
    int rc = h1_section_parse(s->mem, p, len, is_head, &h);
    if (rc != HYPER_OK)
        return rc;
    if (!is_head) {
        if (h.headers)
            push_head(s, HYPER_EVENT_TRAILERS, &h)->end_stream = 1;
        finish_response(s);
        return HYPER_OK;
    }
    /* the request being answered (a head completes only while one is); a
     * copy, which the session's stores cannot alias */
    struct h1_req r = s->reqs[(uint32_t)(s->next_seq - (int32_t)s->nreq) % s->opt.max_pipeline];
    rc = h.status < 200 ? on_interim(s, &r, &h) : on_final(s, &r, &h);
    if (rc != HYPER_OK)
        hyper_headers_free(h.headers);
    return rc;
}

/*
 * Grows a buffer of *cap octets to hold `need`, doubling from `min` but
 * never past `bound`, so a buffer's memory is within its configured bound
 * even when the bound is below `min`. The buffer is untouched on failure.
 * Returns HYPER_OK, HYPER_ELIMIT (need > bound) or HYPER_ENOMEM.
 */
int h1_buf_grow(const hyper_mem *m, uint8_t **buf, size_t *cap, size_t need,
                size_t bound, size_t min)
{
    if (need <= *cap)
        return HYPER_OK;
    if (need > bound)
        return HYPER_ELIMIT;
    size_t nc = *cap ? *cap : min < bound ? min : bound;
    while (nc < need)
        nc = nc > bound / 2 ? bound : nc * 2;   /* (no overflow: nc <= bound) */
    uint8_t *b = hyper_mem_realloc(m, *buf, *cap, nc);
    if (!b)
        return HYPER_ENOMEM;
    *buf = b;
    *cap = nc;
    return HYPER_OK;
}

/* A head or trailer section: scan, buffer if split, parse when complete.
 * scan.total counts the section's octets so far: those before this call
 * are in hbuf when there are any. */
static long recv_section(hyper_h1_session *s, const uint8_t *in, size_t len, int is_head)
{
    int rc;
    size_t held = s->scan.total;
    if (is_head && !s->nreq) {
        /* Idle: only blank lines are tolerated (a stray CRLF after a body,
         * §2.2); they go through the scanner, so they stay bounded. */
        size_t k = 0;
        while (k < len && (in[k] == '\r' || in[k] == '\n'))
            k++;
        if (!k)
            return HYPER_EH1_UNSOLICITED;
        len = k;
    }
    long n = h1_scan_feed(&s->scan, &s->opt, is_head, in, len);
    if (n < 0)
        return n;
    if (!s->scan.done || held) {
        /* The section arrives in pieces: hbuf keeps it (the scanner kept
         * it within max_head). n >= 1, so hbuf exists after this. */
        rc = h1_buf_grow(s->mem, &s->hbuf, &s->hcap, s->scan.total, s->opt.max_head, 256);
        if (rc != HYPER_OK)
            return rc;
        memcpy(s->hbuf + held, in, (size_t)n);
        if (!s->scan.done)
            return n;
        in = s->hbuf;
    }
    rc = on_section(s, in, s->scan.total, is_head);
    h1_scan_reset(&s->scan);
    return rc != HYPER_OK ? rc : n;
}

/* ---- bodies ----------------------------------------------------------------- */

/*
 * Body octets: a Content-Length body's next piece, a chunked body's next
 * piece of chunk-data (or its framing), or all of a close-delimited body.
 * The data is never copied: DATA points into the input.
 */
static H1_SIZE_NOINLINE long recv_body(hyper_h1_session *s, const uint8_t *in, size_t len)
{
    size_t dn = len;
    long n = (long)len;
    int end = 0;
    if (s->rstate == R_CHUNKED) {
        n = h1_chunk_feed(&s->chunk, &s->opt, in, len, &dn);
        if (n < 0)
            return n;
        if (s->chunk.state == CH_LAST)
            s->rstate = R_TRAILERS;    /* scan and hbuf were reset after the head */
    } else if (s->rstate == R_LENGTH) {
        if ((uint64_t)dn > s->body_left)
            dn = (size_t)s->body_left;
        s->body_left -= dn;
        end = s->body_left == 0;
        n = (long)dn;
    }
    if (dn) {
        hyper_event *ev = h1_event_push(s, HYPER_EVENT_DATA);
        ev->data = in + n - dn;        /* the data ends what was taken */
        ev->len = dn;
        ev->flow_len = dn;
        ev->end_stream = end;
    }
    if (end)
        finish_response(s);
    return n;
}

static long recv_step(hyper_h1_session *s, const uint8_t *in, size_t len)
{
    switch (s->rstate) {
    case R_HEAD:       return recv_section(s, in, len, 1);
    case R_TRAILERS:   return recv_section(s, in, len, 0);
    case R_CLOSED:     return (long)len;   /* after Connection: close: discard */
    default:           return recv_body(s, in, len);  /* (never R_UPGRADED: recv stops) */
    }
}

long hyper_h1_recv(hyper_h1_session *s, const uint8_t *data, size_t len)
{
    if (!s || (!data && len))
        return HYPER_EINVAL;
    if (s->error)
        return s->error;
    if (s->rstate == R_UPGRADED || s->eof)
        return HYPER_ESTATE;
    size_t pos = 0;
    while (pos < len && H1_EVQ - s->nev >= H1_EVQ_STEP) {
        long n = recv_step(s, data + pos, len - pos);
        if (n < 0)
            return fail(s, (int)n);
        pos += (size_t)n;
        if (s->rstate == R_UPGRADED)
            break;                     /* the rest belongs to HTTP/2 */
    }
    return (long)pos;
}

int hyper_h1_recv_eof(hyper_h1_session *s)
{
    if (!s)
        return HYPER_EINVAL;
    if (s->error)
        return s->error;
    if (s->eof)
        return HYPER_OK;
    if (s->rstate == R_UPGRADED)
        return HYPER_ESTATE;
    if (s->nev == H1_EVQ)
        return HYPER_ESTATE;           /* pull events first */
    s->eof = 1;
    s->keep_alive = 0;
    int err = HYPER_EH1_TRUNCATED;     /* inside a counted or chunked body */
    switch (s->rstate) {
    case R_HEAD:
        if (!s->nreq)
            return HYPER_OK;           /* an idle connection closed */
        /* Blank lines (a stray CRLF after the previous body, §2.2) are no
         * response octet: the request was not answered and may be retried
         * (§9.3.1), whereas a begun status line is a truncated response. */
        if (!s->scan.started && !s->scan.line_len)
            err = HYPER_EH1_CLOSED;
        break;
    case R_CLOSE_BODY:
        finish_response(s);            /* §6.3 item 8: the close ends it */
        return s->error;
    case R_CLOSED:
        return HYPER_OK;
    default:
        break;
    }
    return fail(s, err);
}
#else
typedef int hyper_h1_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_H1 */
