/*
 * conn_response.c — collecting responses and reading their bodies: waiting
 * on the network for one record, body pieces, content decoding, freeing.
 *
 * Implementation notes: a record waited for is driven through its own
 * link (or the current one while it is queued); the deadline and the idle
 * timeout bound every wait. A timeout gives up on that one request: its
 * HTTP/2 stream is reset (RST_STREAM CANCEL), while an HTTP/1.1 connection,
 * which cannot skip a response, is closed. Body octets count against the
 * HTTP/2 window until read (hyper_h2_consume is called as pieces are
 * used up). Decoding (src/content) happens at read time, so a response
 * read raw costs nothing extra.
 */
#include "conn/conn.h"

#include <string.h>

static const uint8_t empty_input[1];

/* ---- records ------------------------------------------------------------------ */

static void piece_consume(hyper_response *r, conn_piece *p)
{
    conn_link *l = r->link;
    if (p->flow && l && l->proto == CONN_H2 && l->h2 && !l->err && r->wire_id > 0)
        hyper_h2_consume(l->h2, r->wire_id, p->flow);
    p->flow = 0;
}

static void piece_pop(hyper_response *r)
{
    conn_piece *p = r->first;
    r->first = p->next;
    if (!r->first)
        r->last = NULL;
    r->buffered -= p->len - p->off;
    piece_consume(r, p);
    hyper_mem_free(&r->mem, p, sizeof *p + p->len);
}

int conn_piece_add(hyper_response *r, const uint8_t *data, size_t len, size_t flow)
{
    conn_piece *p = hyper_mem_alloc(&r->mem, sizeof *p + len);
    if (!p)
        return HYPER_ENOMEM;
    p->next = NULL;
    p->len = len;
    p->off = 0;
    p->flow = flow;
    memcpy(p->data, data, len);
    if (r->last)
        r->last->next = p;
    else
        r->first = p;
    r->last = p;
    r->buffered += len;
    return HYPER_OK;
}

void conn_rec_fail(hyper_response *r, int err)
{
    if (r->state == REC_DONE || r->state == REC_FAILED)
        return;
    r->state = REC_FAILED;
    r->err = err;
}

void conn_rec_free(hyper_response *r)
{
    while (r->first)
        piece_pop(r);
    if (r->chunk)
        hyper_mem_free(&r->mem, r->chunk, sizeof *r->chunk + r->chunk->len);
    hyper_mem_free(&r->mem, r->chunk_buf, CONN_CHUNK);
    hyper_headers_free(r->headers);
    hyper_headers_free(r->trailers);
    hyper_headers_free(r->promise);
    hyper_content_decoder_free(r->dec);
    hyper_mem_free(&r->mem, r->store, r->store_len);
    hyper_mem m = r->mem;
    hyper_mem_free(&m, r, sizeof *r);
}

/* Takes r out of c->recs (and the wire index); a record not in the list
 * is left alone. */
void conn_rec_unlink(hyper_conn *c, hyper_response *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else if (c->recs == r)
        c->recs = r->next;
    else
        return;
    if (r->next)
        r->next->prev = r->prev;
    else
        c->recs_tail = r->prev;
    r->next = r->prev = NULL;
    conn_wire_del(c, r);
    if (r->discard)
        c->ndiscard--;
}

/* Frees HTTP/1.1 responses the user dropped once they have been drained.
 * Called on every collect and at the end of every body: the count keeps it
 * from walking the records when there is nothing to free (always so on
 * HTTP/2, where a dropped response is reset and freed at once). */
void conn_reap(hyper_conn *c)
{
    for (hyper_response *r = c->ndiscard ? c->recs : NULL, *next; r; r = next) {
        next = r->next;
        if (r->discard && (r->state == REC_DONE || r->state == REC_FAILED)) {
            conn_rec_unlink(c, r);
            conn_rec_free(r);
        }
    }
    conn_link_gc(c);
}

/* ---- waiting -------------------------------------------------------------------- */

/* Gives up on r after a timeout: reset its stream, or close its HTTP/1.1
 * connection (the response cannot be skipped). */
static void give_up(hyper_conn *c, hyper_response *r, int err)
{
    conn_link *l = r->link;
    if (l && l->proto == CONN_H2 && !l->err) {
        hyper_h2_reset_stream(l->h2, r->wire_id, HYPER_H2_CANCEL);
        while (r->first)
            piece_pop(r);
        conn_rec_fail(r, err);
        conn_flush(c, l);
    } else if (l) {
        conn_link_kill(c, l, err);
        conn_rec_fail(r, err);
    } else {
        conn_rec_fail(r, err);
    }
}

int conn_wait(hyper_conn *c, hyper_response *r, int (*ready)(const hyper_response *))
{
    while (!ready(r)) {
        if (r->state == REC_FAILED)
            return r->err;
        if (r->state == REC_QUEUED) {
            int e = conn_submit(c, r);
            if (e != HYPER_OK) {
                conn_rec_fail(r, e);
                return e;
            }
        }
        conn_link *l = r->link ? r->link : c->cur;
        if (!l) {
            conn_rec_fail(r, HYPER_ECONN_CLOSED);
            return HYPER_ECONN_CLOSED;
        }
        int t = conn_wait_timeout(c, r);
        /* The wait was cut to what is left of the request's deadline: its
         * timeout is the deadline's, even when the transport's clock wakes
         * a fraction of a millisecond before ours says it is due. */
        int by_deadline = r->deadline_us &&
                          (c->opts.read_timeout_ms < 0 || t < c->opts.read_timeout_ms);
        int e = t == 0 ? HYPER_ECONN_DEADLINE : conn_pump(c, l, t);
        if (e == HYPER_ETIMEOUT || e == HYPER_ECONN_DEADLINE) {
            if (r->deadline_us && (by_deadline || conn_now_us() >= r->deadline_us))
                e = HYPER_ECONN_DEADLINE;
            give_up(c, r, e);
            return e;
        }
    }
    return r->state == REC_FAILED && !r->first ? r->err : HYPER_OK;
}

static int head_ready(const hyper_response *r)
{
    return r->state == REC_HEAD || r->state == REC_DONE || r->state == REC_FAILED;
}

static int body_ready(const hyper_response *r)
{
    return r->first || r->state == REC_DONE || r->state == REC_FAILED;
}

static hyper_response *find(hyper_conn *c, int32_t id)
{
    for (hyper_response *r = c->recs; r; r = r->next) {
        if (r->collected || r->discard)
            continue;
        if (id > 0 ? r->id == id : !r->is_push)
            return r;
    }
    return NULL;
}

hyper_response *hyper_get_response(hyper_conn *c, int32_t id)
{
    if (!c)
        return NULL;
    conn_reap(c);
    hyper_response *r = find(c, id);
    if (!r) {
        conn_fail(c, HYPER_ENOTFOUND);
        return NULL;
    }
    int e = conn_wait(c, r, head_ready);
    if (e == HYPER_OK && r->state == REC_FAILED && !r->headers)
        e = r->err;
    if (e != HYPER_OK) {
        conn_rec_unlink(c, r);
        conn_rec_free(r);
        conn_link_gc(c);
        conn_fail(c, e);
        return NULL;
    }
    r->collected = 1;
    return r;
}

/* ---- accessors ------------------------------------------------------------------ */

int hyper_response_status(const hyper_response *r)
{
    return r ? r->status : HYPER_EINVAL;
}

const char *hyper_response_reason(const hyper_response *r)
{
    return r ? r->reason : "";
}

int32_t hyper_response_id(const hyper_response *r)
{
    return r ? r->id : HYPER_EINVAL;
}

const hyper_headers *hyper_response_headers(const hyper_response *r)
{
    return r ? r->headers : NULL;
}

const hyper_headers *hyper_response_trailers(const hyper_response *r)
{
    return r && r->eof ? r->trailers : NULL;
}

int hyper_response_set_decompress(hyper_response *r, int on)
{
    if (!r)
        return HYPER_EINVAL;
    if (r->read_started)
        return HYPER_ESTATE;
    r->decompress = on != 0;
    return HYPER_OK;
}

/* ---- reading -------------------------------------------------------------------- */

/* Waits for the next piece. NULL at the end (*err 0) or on error. */
static conn_piece *front(hyper_response *r, int *err)
{
    *err = HYPER_OK;
    if (!r->first && r->conn && r->state != REC_DONE && r->state != REC_FAILED)
        *err = conn_wait(r->conn, r, body_ready);
    if (r->first)
        return r->first;
    if (*err == HYPER_OK && r->state == REC_FAILED)
        *err = r->err;
    if (*err == HYPER_OK && r->state != REC_DONE)
        *err = HYPER_ECONN_CLOSED;
    return NULL;
}

static int start_read(hyper_response *r)
{
    if (r->read_started)
        return HYPER_OK;
    r->read_started = 1;
    if (!r->decompress || r->is_head || r->status == 204 || r->status == 304 || !r->headers)
        return HYPER_OK;
    if (hyper_headers_get_count(r->headers, "content-encoding") == 0)
        return HYPER_OK;
    int e = hyper_content_decoder_init_headers(&r->dec, &r->mem, r->headers);
    if (e == HYPER_OK && hyper_content_decoder_codings(r->dec) == 0) {
        hyper_content_decoder_free(r->dec);
        r->dec = NULL;
    }
    return e;
}

static long read_raw(hyper_response *r, uint8_t *buf, size_t n)
{
    int err;
    conn_piece *p = front(r, &err);
    if (!p)
        return err;
    size_t k = p->len - p->off;
    if (k > n)
        k = n;
    memcpy(buf, p->data + p->off, k);
    p->off += k;
    r->buffered -= k;
    if (p->off == p->len)
        piece_pop(r);
    return (long)k;
}

static long read_decoded(hyper_response *r, uint8_t *buf, size_t n)
{
    for (;;) {
        int err = HYPER_OK;
        conn_piece *p = r->first;
        if (!p && !r->dec_more) {
            p = front(r, &err);
            if (!p && err != HYPER_OK)
                return err;
            if (!p)
                return hyper_content_decoder_finish(r->dec);
        }
        const uint8_t *in = p ? p->data + p->off : empty_input;
        size_t in_len = p ? p->len - p->off : 0, used = 0, produced = 0;
        int rc = hyper_content_decode(r->dec, in, in_len, &used, buf, n, &produced);
        if (rc < 0)
            return rc;
        if (p) {
            p->off += used;
            r->buffered -= used;
            if (p->off == p->len)
                piece_pop(r);
        }
        r->dec_more = rc == 1;
        if (produced)
            return (long)produced;
    }
}

static long finish_read(hyper_response *r, long n)
{
    if (n == 0)
        r->eof = 1;
    else if (n < 0)
        r->read_err = (int)n;
    if (r->conn && (n <= 0 || r->state == REC_DONE))
        conn_reap(r->conn);
    return n;
}

long hyper_response_read(hyper_response *r, void *buf, size_t n)
{
    if (!r || (!buf && n))
        return HYPER_EINVAL;
    if (r->read_err)
        return r->read_err;
    if (r->eof)
        return 0;
    if (n == 0)
        return 0;
    int e = start_read(r);
    if (e != HYPER_OK)
        return finish_read(r, e);
    return finish_read(r, r->dec ? read_decoded(r, buf, n) : read_raw(r, buf, n));
}

long hyper_response_read_chunk(hyper_response *r, const uint8_t **data)
{
    if (!r || !data)
        return HYPER_EINVAL;
    *data = NULL;
    if (r->chunk) {
        hyper_mem_free(&r->mem, r->chunk, sizeof *r->chunk + r->chunk->len);
        r->chunk = NULL;
    }
    if (r->read_err)
        return r->read_err;
    if (r->eof)
        return 0;
    int e = start_read(r);
    if (e != HYPER_OK)
        return finish_read(r, e);
    if (r->dec) {
        if (!r->chunk_buf && !(r->chunk_buf = hyper_mem_alloc(&r->mem, CONN_CHUNK)))
            return finish_read(r, HYPER_ENOMEM);
        long n = read_decoded(r, r->chunk_buf, CONN_CHUNK);
        if (n > 0)
            *data = r->chunk_buf;
        return finish_read(r, n);
    }
    conn_piece *p = front(r, &e);
    if (!p)
        return finish_read(r, e);
    /* Hand the piece itself out; it is freed at the next call. */
    r->first = p->next;
    if (!r->first)
        r->last = NULL;
    r->buffered -= p->len - p->off;
    piece_consume(r, p);
    r->chunk = p;
    *data = p->data + p->off;
    return finish_read(r, (long)(p->len - p->off));
}

void hyper_response_free(hyper_response *r)
{
    if (!r)
        return;
    hyper_conn *c = r->conn;
    if (!c) {
        conn_rec_free(r);
        return;
    }
    conn_link *l = r->link;
    int live = r->state == REC_SENT || r->state == REC_HEAD;
    if (live && l && l->proto == CONN_H1 && !l->err) {
        /* The response must still be read off the connection: drop it as
         * it comes and free the record once it has ended. */
        while (r->first)
            piece_pop(r);
        if (!r->discard)
            c->ndiscard++;
        r->discard = 1;
        return;
    }
    /* Only a reset needs writing now (so the server stops sending); any
     * other output (WINDOW_UPDATEs for body read) goes with the next pump. */
    int reset = live && l && l->proto == CONN_H2 && !l->err &&
                hyper_h2_reset_stream(l->h2, r->wire_id, HYPER_H2_CANCEL) == HYPER_OK;
    conn_rec_unlink(c, r);
    conn_rec_free(r);
    if (reset)
        conn_flush(c, l);
    conn_link_gc(c);
}
