/*
 * conn_upload.c — the low-level request form for streamed bodies
 * (hyper_request_start / _header / _end_headers / _send), as Python hyper's
 * putrequest / putheader / endheaders / send.
 *
 * Implementation notes: the head is composed in c->draft, then becomes a
 * record like any other (never retried: its body is not kept). On HTTP/1.1
 * the head can only go out once earlier responses have been received
 * (RFC 9112 §9.3), so end_headers drives the connection until then. Sending
 * blocks: on HTTP/2 the engine takes what its per-stream queue holds, the
 * flow-control window decides what leaves (RFC 9113 §6.9), and when the
 * queue is full we read from the server until a WINDOW_UPDATE makes room.
 */
#include "conn/conn.h"

#include <string.h>

static char *dup_str(hyper_conn *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = hyper_mem_alloc(&c->mem, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void conn_draft_free(hyper_conn *c)
{
    conn_draft *d = &c->draft;
    for (size_t i = 0; i < d->nfields; i++)
        hyper_mem_free(&c->mem, (void *)d->fields[i].name,
                       d->fields[i].name_len + d->fields[i].value_len + 1);
    hyper_mem_free(&c->mem, d->fields, d->cap * sizeof *d->fields);
    if (d->method)
        hyper_mem_free(&c->mem, d->method, strlen(d->method) + 1);
    if (d->path)
        hyper_mem_free(&c->mem, d->path, strlen(d->path) + 1);
    memset(d, 0, sizeof *d);
}

int hyper_request_start(hyper_conn *c, const char *method, const char *path)
{
    if (!c)
        return HYPER_EINVAL;
    if (!method || !*method || !path || !*path)
        return conn_fail(c, HYPER_EINVAL);
    if (c->draft.active)
        return conn_fail(c, HYPER_ESTATE);
    c->draft.method = dup_str(c, method);
    c->draft.path = dup_str(c, path);
    if (!c->draft.method || !c->draft.path) {
        conn_draft_free(c);
        return conn_fail(c, HYPER_ENOMEM);
    }
    c->draft.active = 1;
    return HYPER_OK;
}

int hyper_request_header(hyper_conn *c, const char *name, size_t name_len,
                         const char *value, size_t value_len)
{
    if (!c)
        return HYPER_EINVAL;
    conn_draft *d = &c->draft;
    if (!d->active)
        return conn_fail(c, HYPER_ESTATE);
    if (!name || !name_len || (!value && value_len))
        return conn_fail(c, HYPER_EINVAL);
    if (d->nfields == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        hyper_hpack_field *f = hyper_mem_realloc(&c->mem, d->fields, d->cap * sizeof *f,
                                                 ncap * sizeof *f);
        if (!f)
            return conn_fail(c, HYPER_ENOMEM);
        d->fields = f;
        d->cap = ncap;
    }
    char *p = hyper_mem_alloc(&c->mem, name_len + value_len + 1);
    if (!p)
        return conn_fail(c, HYPER_ENOMEM);
    memcpy(p, name, name_len);
    if (value_len)
        memcpy(p + name_len, value, value_len);
    hyper_hpack_field *f = &d->fields[d->nfields++];
    memset(f, 0, sizeof *f);
    f->name = p;
    f->name_len = name_len;
    f->value = p + name_len;
    f->value_len = value_len;
    return HYPER_OK;
}

static int earlier_queued(const hyper_conn *c, const hyper_response *r)
{
    for (const hyper_response *q = c->recs; q && q != r; q = q->next)
        if (q->state == REC_QUEUED)
            return 1;
    return 0;
}

/* Sends r's head, waiting for the HTTP/1.1 connection to be free. */
static int send_head(hyper_conn *c, hyper_response *r)
{
    for (;;) {
        if (!earlier_queued(c, r)) {
            int e = conn_submit(c, r);
            if (e != HYPER_OK)
                return e;
            if (r->state != REC_QUEUED)
                return HYPER_OK;
        }
        conn_link *l = c->cur;
        if (!l)
            return HYPER_ECONN_CLOSED;
        int e = conn_pump(c, l, conn_wait_timeout(c, r));
        if (e == HYPER_ETIMEOUT)
            return e;
    }
}

int32_t hyper_request_end_headers(hyper_conn *c, int final)
{
    if (!c)
        return HYPER_EINVAL;
    conn_draft *d = &c->draft;
    if (!d->active)
        return conn_fail(c, HYPER_ESTATE);
    hyper_response *r = conn_rec_new(c, d->method, d->path, d->fields, d->nfields, NULL, 0);
    conn_draft_free(c);
    if (!r)
        return conn_fail(c, HYPER_ENOMEM);
    r->streamed = !final;
    conn_rec_append(c, r);
    int e = send_head(c, r);
    if (e != HYPER_OK) {
        conn_rec_unlink(c, r);
        conn_rec_free(r);
        return conn_fail(c, e);
    }
    return r->link && r->link->proto == CONN_H2 ? r->id : 0;
}

static hyper_response *find_upload(hyper_conn *c, int32_t id)
{
    hyper_response *found = NULL;
    for (hyper_response *r = c->recs; r; r = r->next)
        if (r->streamed && !r->local_done && r->link && (id <= 0 || r->id == id))
            found = r;
    return found;
}

static int send_h2(hyper_conn *c, hyper_response *r, const uint8_t *data, size_t len,
                   int end)
{
    conn_link *l = r->link;
    size_t off = 0;
    for (;;) {
        if (r->state == REC_FAILED)
            return r->err;
        long k = hyper_h2_send_data(l->h2, r->wire_id, data + off, len - off, end);
        if (k < 0)
            return (int)k;
        off += (size_t)k;
        if (off == len)
            return conn_flush(c, l);
        int e = conn_flush(c, l);
        if (e == HYPER_OK && k == 0)
            e = conn_pump(c, l, conn_wait_timeout(c, r));
        if (e != HYPER_OK)
            return e;
    }
}

static int send_h1(hyper_conn *c, hyper_response *r, const uint8_t *data, size_t len,
                   int end)
{
    conn_link *l = r->link;
    size_t off = 0;
    for (;;) {
        if (l->err)
            return l->err;
        long k = hyper_h1_send_body(l->h1, data + off, len - off, end);
        if (k < 0)
            return (int)k;
        off += (size_t)k;
        int e = conn_flush(c, l);
        if (e != HYPER_OK)
            return e;
        if (off == len)
            return HYPER_OK;
    }
}

int hyper_request_send(hyper_conn *c, int32_t id, const void *data, size_t len, int end)
{
    if (!c)
        return HYPER_EINVAL;
    if (!data && len)
        return conn_fail(c, HYPER_EINVAL);
    hyper_response *r = find_upload(c, id);
    if (!r)
        return conn_fail(c, HYPER_ENOTFOUND);
    static const uint8_t none[1];
    const uint8_t *p = len ? data : none;
    int e = r->link->proto == CONN_H2 ? send_h2(c, r, p, len, end) : send_h1(c, r, p, len, end);
    if (e != HYPER_OK)
        return conn_fail(c, e);
    if (end)
        r->local_done = 1;
    return HYPER_OK;
}
