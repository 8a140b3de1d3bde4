/*
 * conn_io.c — driving a link: send what the engine has, read what arrived,
 * feed it to the engine, and turn the engine's events into record updates.
 *
 * Implementation notes: every DATA event points into c->rbuf (both engines
 * borrow the input), so events are drained after each engine recv call and
 * body bytes are copied into the record's pieces before the next read. A
 * read timeout leaves the link alive (the caller decides what it means); an
 * end of stream or a transport error kills the link, and every record still
 * waiting on it fails, or is queued again when it may be retried
 * (HTTP/2 REFUSED_STREAM or above a GOAWAY's last stream id, RFC 9113
 * §8.7; HTTP/1.1 closed before any response byte, RFC 9112 §9.3.1).
 */
#include "conn/conn.h"

#include <string.h>

/* ---- the wire index: records by (link, wire id) ---------------------------------- */

static hyper_response **wire_bucket(hyper_conn *c, const conn_link *l, int32_t wire_id)
{
    /* HTTP/2 client ids are odd and consecutive: drop the low bit. */
    uint32_t h = ((uint32_t)wire_id >> 1) ^ (uint32_t)((uintptr_t)l >> 6);
    return &c->wire[h % CONN_WIRE_BUCKETS];
}

void conn_wire_del(hyper_conn *c, hyper_response *r)
{
    if (!r->indexed)
        return;
    for (hyper_response **pp = wire_bucket(c, r->link, r->wire_id); *pp; pp = &(*pp)->wnext) {
        if (*pp == r) {
            *pp = r->wnext;
            break;
        }
    }
    r->wnext = NULL;
    r->indexed = 0;
}

/* Indexes r under its current (link, wire_id); call after setting them. */
void conn_wire_add(hyper_conn *c, hyper_response *r)
{
    hyper_response **b = wire_bucket(c, r->link, r->wire_id);
    r->wnext = *b;
    *b = r;
    r->indexed = 1;
}

hyper_response *conn_find_wire(hyper_conn *c, conn_link *l, int32_t wire_id)
{
    for (hyper_response *r = *wire_bucket(c, l, wire_id); r; r = r->wnext)
        if (r->link == l && r->wire_id == wire_id &&
            (r->state == REC_SENT || r->state == REC_HEAD))
            return r;
    return NULL;
}

/*
 * Takes a header map out of an event into r. Maps keep a pointer to the
 * hyper_mem they were made with, which belongs to the engine (or to the
 * connection), and a response may outlive both: the fields are copied into
 * a map that uses the record's own allocator copy. NULL on ENOMEM.
 */
static hyper_headers *adopt(hyper_response *r, hyper_headers *h)
{
    hyper_headers *copy = h ? hyper_headers_new(&r->mem) : NULL;
    for (size_t i = 0; copy && i < hyper_headers_count(h); i++) {
        const char *n, *v;
        size_t nl, vl;
        hyper_headers_at(h, i, &n, &nl, &v, &vl);
        if (hyper_headers_add(copy, n, nl, v, vl) != HYPER_OK) {
            hyper_headers_free(copy);
            copy = NULL;
        }
    }
    hyper_headers_free(h);
    return copy;
}

static void requeue(hyper_conn *c, hyper_response *r)
{
    conn_wire_del(c, r);
    r->link = NULL;
    r->state = REC_QUEUED;
    r->wire_id = 0;
    r->retried = 1;
}

/* A request that got no answer: queue it again when it may be retried. */
static void not_processed(hyper_conn *c, hyper_response *r, int err)
{
    if (c->opts.retry_on_goaway && conn_retryable(r))
        requeue(c, r);
    else
        conn_rec_fail(r, err == HYPER_EH2_REFUSED || err == HYPER_EH1_CLOSED
                             ? HYPER_ECONN_NOT_PROCESSED : err);
}

void conn_link_kill(hyper_conn *c, conn_link *l, int err)
{
    if (!l->err)
        l->err = err;
    l->closing = 1;
    for (hyper_response *r = c->recs; r; r = r->next) {
        if (r->link != l || (r->state != REC_SENT && r->state != REC_HEAD))
            continue;
        conn_rec_fail(r, err);
    }
}

/*
 * The HTTP/2 engine found the peer at fault (a connection error): it has
 * queued GOAWAY with the RFC's code (RFC 9113 §5.4.1: "An endpoint that
 * encounters a connection error SHOULD first send a GOAWAY frame"). The
 * transport still works, so that output is written once before the link
 * dies, bounded by the write timeout (read_timeout_ms) and by
 * HYPER_TRANSPORT_CLOSE_MS, the budget a close may take: a peer that does
 * not read cannot hold us. Not for a transport that failed (those paths
 * call conn_link_kill directly), nor for HTTP/1.1 (nothing to say).
 *
 * Then a short lingering read (RFC 9112 §9.6 describes the same problem
 * for servers): closing a TCP socket with unread input sends RST, and a
 * peer that gets RST drops what it had not read yet, our GOAWAY included.
 * So what the peer is still sending is read and discarded until it pauses
 * (CONN_LINGER_IDLE_MS) or the same budget runs out.
 */
#define CONN_LINGER_IDLE_MS 50

static void last_words(hyper_conn *c, conn_link *l)
{
    if (l->err || l->proto != CONN_H2 || !l->h2)
        return;
    int budget = c->opts.read_timeout_ms;
    if (budget < 0 || budget > HYPER_TRANSPORT_CLOSE_MS)
        budget = HYPER_TRANSPORT_CLOSE_MS;
    int64_t end = conn_now_us() + (int64_t)budget * 1000;
    for (;;) {
        const uint8_t *p;
        size_t n = hyper_h2_send_pending(l->h2, &p);
        int64_t left = (end - conn_now_us() + 999) / 1000;
        if (left <= 0)
            return;
        if (n == 0)
            break;
        long w = l->t.write(l->t.ctx, p, n, (int)left);
        if (w <= 0)
            return;
        hyper_h2_sent(l->h2, (size_t)w);
    }
    /* A buffer of its own: c->rbuf may hold the input being processed. */
    uint8_t sink[2048];
    for (;;) {
        int64_t left = (end - conn_now_us() + 999) / 1000;
        if (left <= 0)
            return;
        int wait = left < CONN_LINGER_IDLE_MS ? (int)left : CONN_LINGER_IDLE_MS;
        if (l->t.read(l->t.ctx, sink, sizeof sink, wait) <= 0)
            return;
    }
}

/* A connection error from the engine (the peer's fault): say GOAWAY, then
 * fail the link. */
static void engine_fail(hyper_conn *c, conn_link *l, int err)
{
    last_words(c, l);
    conn_link_kill(c, l, err);
}

int conn_flush(hyper_conn *c, conn_link *l)
{
    for (;;) {
        const uint8_t *p;
        size_t n;
        if (l->err)
            return l->err;
        n = l->proto == CONN_H2 ? hyper_h2_send_pending(l->h2, &p)
                                : hyper_h1_send_pending(l->h1, &p);
        if (n == 0)
            return HYPER_OK;
        long w = l->t.write(l->t.ctx, p, n, c->opts.read_timeout_ms);
        if (w <= 0) {
            conn_link_kill(c, l, w < 0 ? (int)w : HYPER_ECLOSED);
            return l->err;
        }
        if (l->proto == CONN_H2)
            hyper_h2_sent(l->h2, (size_t)w);
        else
            hyper_h1_sent(l->h1, (size_t)w);
    }
}

/* ---- HTTP/2 events ------------------------------------------------------------ */

static void on_push_promise(hyper_conn *c, conn_link *l, hyper_event *ev)
{
    hyper_response *parent = conn_find_wire(c, l, ev->stream_id);
    hyper_response *r = hyper_mem_zalloc(&c->mem, sizeof *r);
    if (!r || !parent) {
        /* Nobody to hand it to, or no memory: refuse it (RFC 9113 §8.4). */
        hyper_mem_free(&c->mem, r, sizeof *r);
        hyper_headers_free(ev->headers);
        hyper_h2_refuse_push(l->h2, ev->promised_id);
        return;
    }
    r->mem = c->mem;
    r->conn = c;
    r->link = l;
    r->is_push = 1;
    r->parent_id = parent->id;
    r->wire_id = ev->promised_id;
    r->id = ev->promised_id + l->id_offset;
    r->promise = adopt(r, ev->headers);
    r->state = REC_SENT;
    r->local_done = 1;
    r->decompress = c->opts.decompress;
    r->seq = ++c->seq;
    if (r->id > c->max_id)
        c->max_id = r->id;
    /* Append: pushes come after the request they were promised on. */
    conn_rec_append(c, r);
    conn_wire_add(c, r);
}

static void on_data(conn_link *l, hyper_response *r, hyper_event *ev)
{
    if (!r || r->state == REC_FAILED) {
        hyper_h2_consume(l->h2, ev->stream_id, ev->flow_len);
        return;
    }
    if (ev->len == 0 && ev->flow_len) {
        hyper_h2_consume(l->h2, ev->stream_id, ev->flow_len);
        return;
    }
    if (ev->len && conn_piece_add(r, ev->data, ev->len, ev->flow_len) != HYPER_OK) {
        hyper_h2_consume(l->h2, ev->stream_id, ev->flow_len);
        hyper_h2_reset_stream(l->h2, ev->stream_id, HYPER_H2_INTERNAL_ERROR);
        conn_rec_fail(r, HYPER_ENOMEM);
    }
}

static void on_h2_event(hyper_conn *c, conn_link *l, hyper_event *ev)
{
    hyper_response *r = ev->stream_id ? conn_find_wire(c, l, ev->stream_id) : NULL;
    switch (ev->type) {
    case HYPER_EVENT_HEADERS:
        if (r && r->state == REC_SENT) {
            r->status = ev->status;
            r->headers = adopt(r, ev->headers);
            r->state = REC_HEAD;
            if (!r->headers)
                conn_rec_fail(r, HYPER_ENOMEM);
            return;
        }
        break;
    case HYPER_EVENT_DATA:
        on_data(l, r, ev);
        return;
    case HYPER_EVENT_TRAILERS:
        if (r && !r->trailers) {
            r->trailers = adopt(r, ev->headers);
            if (!r->trailers)
                conn_rec_fail(r, HYPER_ENOMEM);
            return;
        }
        break;
    case HYPER_EVENT_END:
        if (r)
            r->state = REC_DONE;
        break;
    case HYPER_EVENT_RESET:
        if (r && r->state == REC_SENT && ev->error == HYPER_EH2_REFUSED)
            not_processed(c, r, ev->error);
        else if (r)
            conn_rec_fail(r, ev->error);
        break;
    case HYPER_EVENT_PUSH_PROMISE:
        on_push_promise(c, l, ev);
        return;
    case HYPER_EVENT_PING_ACK:
        if (memcmp(ev->opaque, l->ping_opaque, 8) == 0)
            l->ping_acked = 1;
        break;
    case HYPER_EVENT_GOAWAY:
        l->closing = 1;
        l->goaway_received = 1;
        l->goaway_last_id = ev->last_stream_id;
        l->goaway_code = ev->error_code;
        break;
    case HYPER_EVENT_ERROR:
        engine_fail(c, l, ev->error);
        break;
    default:
        break;
    }
    hyper_headers_free(ev->headers);
}

/* ---- HTTP/1.1 events ---------------------------------------------------------- */

static void on_h1_error(hyper_conn *c, conn_link *l, hyper_event *ev)
{
    for (hyper_response *r = c->recs; r; r = r->next) {
        if (r->link != l || (r->state != REC_SENT && r->state != REC_HEAD))
            continue;
        if (r->state == REC_SENT && ev->error == HYPER_EH1_CLOSED)
            not_processed(c, r, ev->error);
        else
            conn_rec_fail(r, ev->error);
    }
    if (!l->err)
        l->err = ev->error;
    l->closing = 1;
}

static void on_h1_data(hyper_conn *c, hyper_response *r, hyper_event *ev)
{
    if (!r || r->state == REC_FAILED || r->discard || ev->len == 0)
        return;
    if (r->buffered + ev->len > c->opts.max_buffered) {
        /* Keep what fits: one read (CONN_RBUF) may bring more than the
         * bound at once, and the octets before it stay readable. */
        size_t room = r->buffered < c->opts.max_buffered ? c->opts.max_buffered - r->buffered : 0;
        if (room && conn_piece_add(r, ev->data, room, 0) != HYPER_OK) {
            conn_rec_fail(r, HYPER_ENOMEM);
            return;
        }
        conn_rec_fail(r, HYPER_ECONN_BUFFER);
        return;
    }
    if (conn_piece_add(r, ev->data, ev->len, 0) != HYPER_OK)
        conn_rec_fail(r, HYPER_ENOMEM);
}

/* Returns 1 when the event was the 101 to h2c. */
static int on_h1_event(hyper_conn *c, conn_link *l, hyper_event *ev)
{
    hyper_response *r = conn_find_wire(c, l, ev->stream_id);
    switch (ev->type) {
    case HYPER_EVENT_HEADERS:
        if (l->upgrade_pending) {
            l->upgrade_pending = 0;
            c->learned = CONN_H1;   /* the server ignored the offer */
        }
        if (r && r->state == REC_SENT) {
            r->status = ev->status;
            memcpy(r->reason, ev->reason, sizeof r->reason);
            r->headers = adopt(r, ev->headers);
            r->state = REC_HEAD;
            if (!r->headers)
                conn_rec_fail(r, HYPER_ENOMEM);
            return 0;
        }
        break;
    case HYPER_EVENT_DATA:
        on_h1_data(c, r, ev);
        break;
    case HYPER_EVENT_TRAILERS:
        if (r && !r->trailers) {
            r->trailers = adopt(r, ev->headers);
            if (!r->trailers)
                conn_rec_fail(r, HYPER_ENOMEM);
            return 0;
        }
        break;
    case HYPER_EVENT_END:
        if (r)
            r->state = REC_DONE;
        break;
    case HYPER_EVENT_UPGRADE:
        hyper_headers_free(ev->headers);
        return 1;
    case HYPER_EVENT_ERROR:
        on_h1_error(c, l, ev);
        break;
    default:
        break;
    }
    hyper_headers_free(ev->headers);
    return 0;
}

#define DISPATCH_UPGRADED 1  /* an h2c UPGRADE event (HTTP/1.1) */
#define DISPATCH_DATA 2      /* a DATA event (HTTP/2) */

/* Drains the engine's events; returns DISPATCH_* flags. */
static int dispatch(hyper_conn *c, conn_link *l)
{
    hyper_event ev;
    int upgraded = 0;
    if (l->proto == CONN_H2) {
        int flags = 0;
        while (hyper_h2_next_event(l->h2, &ev) == 1) {
            if (ev.type == HYPER_EVENT_DATA)
                flags |= DISPATCH_DATA;
            on_h2_event(c, l, &ev);
        }
        return flags;
    }
    while (hyper_h1_next_event(l->h1, &ev) == 1)
        upgraded |= on_h1_event(c, l, &ev);
    return upgraded ? DISPATCH_UPGRADED : 0;
}

/* Feeds received bytes to the link's engine, draining events as it goes. */
static int feed(hyper_conn *c, conn_link *l, const uint8_t *data, size_t len)
{
    size_t off = 0;
    int stalls = 0;
    while (off < len) {
        long m = l->proto == CONN_H2 ? hyper_h2_recv(l->h2, data + off, len - off)
                                     : hyper_h1_recv(l->h1, data + off, len - off);
        int flags = dispatch(c, l);
        int upgraded = flags & DISPATCH_UPGRADED;
        if (m < 0) {
            if (l->proto == CONN_H2)
                engine_fail(c, l, (int)m);
            else
                conn_link_kill(c, l, (int)m);
            return (int)m;
        }
        off += (size_t)m;
        /* HTTP/2 paused with input left: send what it wrote first. Its ACK
         * bound (max_queued_acks) pauses recv so that a burst of PINGs or
         * SETTINGS in one read is answered rather than taken for a flood;
         * coming back without sending would be that flood. A pause after a
         * DATA event is the engine handing out borrowed input (it pauses
         * right after that frame, and a frame that fills the ACK bound is
         * itself followed by a pause without DATA), so no output check then:
         * asking per DATA frame made the engine rescan its streams each time.
         * conn_pump flushes once after the whole read. */
        if (m > 0 && off < len && l->proto == CONN_H2 && !(flags & DISPATCH_DATA) &&
            hyper_h2_want_write(l->h2)) {
            int e = conn_flush(c, l);
            if (e != HYPER_OK)
                return e;
        }
        if (upgraded) {
            hyper_response *r = c->recs;
            while (r && !(r->link == l && r->upgrade && r->state == REC_SENT))
                r = r->next;
            int e = conn_h2_upgrade(c, l, r);
            return e != HYPER_OK ? e : feed(c, l, data + off, len - off);
        }
        if (m == 0) {
            /* Paused for output room (HTTP/2): send, then try again. */
            int e = conn_flush(c, l);
            if (e != HYPER_OK)
                return e;
            if (++stalls > 4) {
                conn_link_kill(c, l, HYPER_ESTATE);
                return HYPER_ESTATE;
            }
        } else {
            stalls = 0;
        }
    }
    return HYPER_OK;
}

/* The connection ended cleanly (read returned 0). */
static void on_eof(hyper_conn *c, conn_link *l)
{
    if (l->proto == CONN_H1) {
        hyper_h1_recv_eof(l->h1);
        dispatch(c, l);
    }
    conn_link_kill(c, l, HYPER_ECONN_CLOSED);
}

int conn_pump(hyper_conn *c, conn_link *l, int timeout_ms)
{
    int e = conn_flush(c, l);
    if (e != HYPER_OK)
        return e;
    long n = l->t.read(l->t.ctx, c->rbuf, CONN_RBUF, timeout_ms);
    if (n == HYPER_ETIMEOUT)
        return HYPER_ETIMEOUT;
    if (n < 0) {
        conn_link_kill(c, l, (int)n);
        return (int)n;
    }
    if (n == 0) {
        on_eof(c, l);
        return HYPER_OK;
    }
    e = feed(c, l, c->rbuf, (size_t)n);
    if (e != HYPER_OK)
        return e;
    e = conn_flush(c, l);
    if (e != HYPER_OK)
        return e;
    return conn_kick_queue(c);
}

/* How long the next read may wait for r: the idle timeout, cut by the
 * request's total deadline. 0 when the deadline has passed. */
int conn_wait_timeout(hyper_conn *c, const hyper_response *r)
{
    int t = c->opts.read_timeout_ms;
    if (r && r->deadline_us) {
        int64_t left = (r->deadline_us - conn_now_us() + 999) / 1000;
        if (left <= 0)
            return 0;
        if (t < 0 || left < t)
            t = (int)(left > 0x7fffffff ? 0x7fffffff : left);
    }
    return t;
}
