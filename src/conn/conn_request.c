/*
 * conn_request.c — starting requests: the copy kept per request, the
 * fields each engine gets, submission (HTTP/2 at once, HTTP/1.1 one at a
 * time), the retry queue, the h2c upgrade, and streamed uploads.
 *
 * Implementation notes:
 *  - The request is copied once (method, path, fields, whole body) into the
 *    record: HTTP/2 sends a whole body lazily from that copy (the engine
 *    does not copy bodies), HTTP/1.1 queues requests until the connection
 *    is free (RFC 9112 §9.3: one at a time, no pipelining), and a request
 *    the server did not process is sent again from it.
 *  - Fields we fill in (RFC 9113 §8.3.1, RFC 9110 §7.2, §10.1.5, §8.6):
 *    :authority / Host from the origin, user-agent, accept-encoding (when
 *    decoding), content-length for a whole body; a user field of the same
 *    name wins. HTTP/2 names are lower-cased (RFC 9113 §8.2.1) and
 *    connection-specific fields dropped (§8.2.2).
 *  - Retry (RFC 9110 §9.2.2, RFC 9113 §8.7): only idempotent methods with
 *    a body given whole, once.
 */
#include "conn/conn.h"

#include <stdio.h>
#include <string.h>

static int name_is(const char *n, size_t len, const char *lit)
{
    size_t l = strlen(lit);
    return len == l && hyper_ascii_eq_nocase(n, lit, l);
}

static int method_is(const hyper_response *r, const char *m)
{
    return strcmp(r->method, m) == 0;
}

int conn_retryable(const hyper_response *r)
{
    static const char *const idem[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
    if (r->streamed || r->retried || r->is_push)
        return 0;
    for (size_t i = 0; i < sizeof idem / sizeof idem[0]; i++)
        if (method_is(r, idem[i]))
            return 1;
    return 0;
}

static int wants_length(const hyper_response *r)
{
    return r->body_len > 0 || method_is(r, "POST") || method_is(r, "PUT") ||
           method_is(r, "PATCH");
}

/* ---- the record and its copy of the request ------------------------------------- */

hyper_response *conn_rec_new(hyper_conn *c, const char *method, const char *path,
                               const hyper_hpack_field *f, size_t n,
                               const uint8_t *body, size_t body_len)
{
    size_t ml = strlen(method) + 1, pl = strlen(path) + 1;
    size_t size = n * sizeof(hyper_hpack_field) + ml + pl + body_len;
    for (size_t i = 0; i < n; i++)
        size += f[i].name_len + f[i].value_len;
    hyper_response *r = hyper_mem_zalloc(&c->mem, sizeof *r);
    if (!r)
        return NULL;
    r->store = hyper_mem_alloc(&c->mem, size);
    if (!r->store) {
        hyper_mem_free(&c->mem, r, sizeof *r);
        return NULL;
    }
    r->mem = c->mem;
    r->conn = c;
    r->store_len = size;
    r->fields = r->store;
    r->nfields = n;
    char *p = (char *)(r->fields + n);
    for (size_t i = 0; i < n; i++) {
        r->fields[i] = f[i];
        memcpy(p, f[i].name, f[i].name_len);
        r->fields[i].name = p;
        p += f[i].name_len;
        if (f[i].value_len)
            memcpy(p, f[i].value, f[i].value_len);
        r->fields[i].value = p;
        p += f[i].value_len;
    }
    memcpy(p, method, ml);
    r->method = p;
    p += ml;
    memcpy(p, path, pl);
    r->path = p;
    p += pl;
    if (body_len)
        memcpy(p, body, body_len);
    r->body = (const uint8_t *)p;
    r->body_len = body_len;
    r->is_head = strcmp(method, "HEAD") == 0;
    r->decompress = c->opts.decompress;
    r->seq = ++c->seq;
    if (c->opts.request_timeout_ms >= 0)
        r->deadline_us = conn_now_us() + (int64_t)c->opts.request_timeout_ms * 1000;
    return r;
}

void conn_rec_append(hyper_conn *c, hyper_response *r)
{
    r->next = NULL;
    r->prev = c->recs_tail;
    if (c->recs_tail)
        c->recs_tail->next = r;
    else
        c->recs = r;
    c->recs_tail = r;
}

/* ---- fields for the engines -------------------------------------------------- */

struct built {
    hyper_hpack_field *f;
    size_t n, cap;
    char *names;        /* lower-cased names (HTTP/2) */
    size_t names_len;
    char clen[24];
    const char *authority;
    size_t authority_len;
    unsigned h1_flags;
    int has_length;
    uint64_t length;
};

static int find_user(const hyper_response *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (name_is(r->fields[i].name, r->fields[i].name_len, name))
            return (int)i;
    return -1;
}

static int parse_length(const char *v, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0 || n > 19)
        return HYPER_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return HYPER_EINVAL;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return HYPER_OK;
}

static void add(struct built *b, const char *n, size_t nl, const char *v, size_t vl)
{
    hyper_hpack_field *f = &b->f[b->n++];
    memset(f, 0, sizeof *f);
    f->name = n;
    f->name_len = nl;
    f->value = v;
    f->value_len = vl;
}

static int h2_dropped(const char *n, size_t nl, const char *v, size_t vl)
{
    static const char *const drop[] = {"connection", "keep-alive", "proxy-connection",
                                       "transfer-encoding", "upgrade", "http2-settings",
                                       "host", ":authority"};
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        if (name_is(n, nl, drop[i]))
            return 1;
    return name_is(n, nl, "te") && !(vl == 8 && hyper_ascii_eq_nocase(v, "trailers", 8));
}

/* Fills b with the request's fields for `proto`; b->f must be freed. */
static int build(hyper_conn *c, const hyper_response *r, int proto, struct built *b)
{
    memset(b, 0, sizeof *b);
    b->cap = r->nfields + 3;
    for (size_t i = 0; i < r->nfields; i++)
        b->names_len += r->fields[i].name_len;
    b->f = hyper_mem_alloc(&c->mem, b->cap * sizeof *b->f + b->names_len + 1);
    if (!b->f)
        return HYPER_ENOMEM;
    b->names = (char *)(b->f + b->cap);
    b->authority = c->authority;
    b->authority_len = strlen(c->authority);
    char *np = b->names;
    for (size_t i = 0; i < r->nfields; i++) {
        const hyper_hpack_field *u = &r->fields[i];
        if (name_is(u->name, u->name_len, "host") || name_is(u->name, u->name_len, ":authority")) {
            b->authority = u->value;
            b->authority_len = u->value_len;
            continue;
        }
        if (name_is(u->name, u->name_len, "content-length")) {
            if (parse_length(u->value, u->value_len, &b->length) != HYPER_OK ||
                (!r->streamed && b->length != r->body_len))
                return HYPER_EINVAL;
            b->has_length = 1;
            continue;
        }
        if (u->name_len && u->name[0] == ':')
            continue;
        if (proto == CONN_H2) {
            if (h2_dropped(u->name, u->name_len, u->value, u->value_len))
                continue;
            for (size_t k = 0; k < u->name_len; k++)
                np[k] = (char)hyper_ascii_lower((uint8_t)u->name[k]);
            add(b, np, u->name_len, u->value, u->value_len);
            b->f[b->n - 1].flags = u->flags;
            np += u->name_len;
            continue;
        }
        if (name_is(u->name, u->name_len, "expect")) {
            if (r->body_len && u->value_len == 12 &&
                hyper_ascii_eq_nocase(u->value, "100-continue", 12))
                b->h1_flags |= HYPER_H1_EXPECT_CONTINUE;
            continue;
        }
        if (name_is(u->name, u->name_len, "transfer-encoding") ||
            name_is(u->name, u->name_len, "upgrade") ||
            name_is(u->name, u->name_len, "http2-settings"))
            continue;
        add(b, u->name, u->name_len, u->value, u->value_len);
        b->f[b->n - 1].flags = u->flags;
    }
    const char *ua = c->opts.user_agent ? c->opts.user_agent : "hyper/" HYPER_VERSION;
    if (*ua && find_user(r, "user-agent") < 0)
        add(b, "user-agent", 10, ua, strlen(ua));
    if (c->opts.decompress && find_user(r, "accept-encoding") < 0) {
        const char *ae = hyper_content_accept_encoding();
        add(b, "accept-encoding", 15, ae, strlen(ae));
    }
    if (proto == CONN_H2 && (b->has_length || (!r->streamed && wants_length(r)))) {
        uint64_t v = b->has_length ? b->length : r->body_len;
        int k = snprintf(b->clen, sizeof b->clen, "%llu", (unsigned long long)v);
        add(b, "content-length", 14, b->clen, (size_t)k);
    }
    return HYPER_OK;
}

static void built_free(hyper_conn *c, struct built *b)
{
    if (b->f)
        hyper_mem_free(&c->mem, b->f, b->cap * sizeof *b->f + b->names_len + 1);
}

/* ---- submission ------------------------------------------------------------- */

/* Our SETTINGS as HTTP2-Settings carries them (RFC 7540 §3.2.1). */
static size_t upgrade_settings(const hyper_conn *c, uint8_t *out)
{
    const hyper_h2_options *o = &c->opts.h2;
    uint32_t v[6] = {o->header_table_size, (uint32_t)(c->opts.enable_push != 0),
                     o->max_concurrent_streams, o->initial_window_size,
                     o->max_frame_size, o->max_header_list_size};
    for (int i = 0; i < 6; i++) {
        hyper_put_u16(out + 6 * i, (uint16_t)(i + 1));
        hyper_put_u32(out + 6 * i + 2, v[i]);
    }
    return 36;
}

/*
 * The h2c offer (RFC 7540 §3.2) rides only on a request without a body
 * (and never on a streamed one). RFC 7540 lets a request with a body be
 * upgraded once the body has gone whole on HTTP/1.1, and curl offers it
 * there too, but servers handle it badly (h2o before 2.3 and early
 * mod_http2 ignore the offer, some answer 413, Go's h2c used to hang), and
 * a large body would hold the connection before HTTP/2 starts. A request
 * with a body goes out plain; the next bodyless one carries the offer.
 */
static int may_offer_upgrade(const hyper_conn *c, const conn_link *l, const hyper_response *r)
{
#ifdef HYPER_H2_HAVE_UPGRADE
    return !c->secure && c->opts.protocol == HYPER_CONN_PROTO_AUTO && c->learned == 0 &&
           l->proto == CONN_H1 && hyper_h1_outstanding(l->h1) == 0 && !r->streamed &&
           r->body_len == 0;
#else
    (void)c;
    (void)l;
    (void)r;
    return 0;
#endif
}

static int submit_h1(hyper_conn *c, conn_link *l, hyper_response *r, struct built *b)
{
    hyper_h1_request q;
    uint8_t settings[36];
    memset(&q, 0, sizeof q);
    q.method = r->method;
    q.method_len = strlen(r->method);
    q.target = r->path;
    q.target_len = strlen(r->path);
    q.host = b->authority;
    q.host_len = b->authority_len;
    q.fields = b->f;
    q.nfields = b->n;
    q.flags = b->h1_flags;
    if (r->streamed) {
        q.body_mode = b->has_length ? HYPER_H1_BODY_LENGTH : HYPER_H1_BODY_CHUNKED;
        q.content_length = b->length;
    } else if (wants_length(r)) {
        q.body_mode = HYPER_H1_BODY_WHOLE;
        q.body = r->body;
        q.body_len = r->body_len;
    }
    if (may_offer_upgrade(c, l, r)) {
        q.flags |= HYPER_H1_UPGRADE_H2C;
        q.h2_settings = settings;
        q.h2_settings_len = upgrade_settings(c, settings);
        r->upgrade = 1;
    }
    int32_t seq = hyper_h1_submit(l->h1, &q);
    if (seq < 0) {
        r->upgrade = 0;
        return seq;
    }
    if (r->upgrade)
        l->upgrade_pending = 1;
    /* The id stays 0 (HTTP/1.1; a retried request keeps its own): the
     * offer's request becomes 1 only once the server has switched. */
    r->wire_id = seq;
    return HYPER_OK;
}

static int submit_h2(hyper_conn *c, conn_link *l, hyper_response *r, struct built *b)
{
    hyper_h2_request q;
    memset(&q, 0, sizeof q);
    q.method = r->method;
    q.scheme = c->secure ? "https" : "http";
    char auth[300];
    if (b->authority_len >= sizeof auth)
        return HYPER_EINVAL;
    memcpy(auth, b->authority, b->authority_len);
    auth[b->authority_len] = 0;
    q.authority = auth;
    q.path = r->path;
    q.fields = b->f;
    q.nfields = b->n;
    q.body = r->body_len ? r->body : NULL;
    q.body_len = r->body_len;
    q.end_stream = !r->streamed;
    int32_t id = hyper_h2_submit(l->h2, &q);
    if (id < 0)
        return id;
    r->wire_id = id;
    if (!r->retried || r->id == 0)
        r->id = id + l->id_offset;
    if (r->id > c->max_id)
        c->max_id = r->id;
    return HYPER_OK;
}

/* Waits until a pending h2c offer on l has been answered. Pumping kicks
 * the queue, which may move c->cur to a new link: l is pinned meanwhile so
 * that conn_link_gc cannot free it under us. */
static int settle_upgrade(hyper_conn *c, conn_link *l)
{
    int e = HYPER_OK;
    l->pinned++;
    while (e == HYPER_OK && l->upgrade_pending && !l->err) {
        hyper_response *r = c->recs;
        while (r && !(r->link == l && r->upgrade))
            r = r->next;
        e = conn_pump(c, l, conn_wait_timeout(c, r));
    }
    if (e == HYPER_OK)
        e = l->err;
    l->pinned--;
    conn_link_gc(c);
    return e;
}

/* Gives r to an engine now if its link can take it; else it stays queued
 * (HTTP/1.1 busy). HYPER_OK either way, or an error. */
int conn_submit(hyper_conn *c, hyper_response *r)
{
    int e;
    conn_link *l = conn_current(c, &e);
    if (!l)
        return e;
    if (l->upgrade_pending) {
        e = settle_upgrade(c, l);
        if (e != HYPER_OK)
            return e;
        /* Pumping kicks the queue, which may have sent r already. */
        if (r->state != REC_QUEUED)
            return HYPER_OK;
        l = conn_current(c, &e);
        if (!l)
            return e;
    }
    if (l->proto == CONN_H1 && hyper_h1_outstanding(l->h1) > 0)
        return HYPER_OK;
    conn_wire_del(c, r);    /* its wire id is about to change */
    struct built b;
    e = build(c, r, l->proto, &b);
    if (e == HYPER_OK)
        e = l->proto == CONN_H2 ? submit_h2(c, l, r, &b) : submit_h1(c, l, r, &b);
    built_free(c, &b);
    if (e != HYPER_OK)
        return e;
    r->link = l;
    r->state = REC_SENT;
    r->local_done = !r->streamed;
    conn_wire_add(c, r);
    /* A whole HTTP/2 request waits in the engine: the next pump writes it
     * together with whatever else was started meanwhile (one write for a
     * batch instead of one per request). conn_pump writes before it
     * reads, so nothing waits longer than until the caller waits. HTTP/1.1
     * and streamed heads go now: their callers go on to write the body. */
    if (l->proto == CONN_H2 && r->local_done)
        return HYPER_OK;
    return conn_flush(c, l);
}

/* Submits queued records (retries, the HTTP/1.1 queue) in order. */
int conn_kick_queue(hyper_conn *c)
{
    for (hyper_response *r = c->recs; r; r = r->next) {
        if (r->state != REC_QUEUED)
            continue;
        if (r->streamed)
            break;          /* sent by hyper_request_end_headers, in order */
        int e = conn_submit(c, r);
        if (e != HYPER_OK) {
            conn_rec_fail(r, e);
            continue;
        }
        if (r->state == REC_QUEUED)
            break;          /* HTTP/1.1 busy: the rest waits too */
    }
    return HYPER_OK;
}

/* The 101 to h2c arrived on l (RFC 7540 §3.2): the first request becomes
 * stream 1 of a new HTTP/2 session on the same transport. */
int conn_h2_upgrade(hyper_conn *c, conn_link *l, hyper_response *r)
{
#ifdef HYPER_H2_HAVE_UPGRADE
    int e = conn_flush(c, l);
    if (e != HYPER_OK)
        return e;
    hyper_h1_session_free(l->h1);
    l->h1 = NULL;
    l->upgrade_pending = 0;
    e = conn_link_engine(c, l, CONN_H2);
    if (e == HYPER_OK)
        e = hyper_h2_session_upgrade(l->h2, r && r->is_head) == 1 ? HYPER_OK : HYPER_ESTATE;
    if (e != HYPER_OK) {
        conn_link_kill(c, l, e);
        return e;
    }
    c->learned = CONN_H2;
    if (r) {
        conn_wire_del(c, r);
        r->wire_id = 1;
        conn_wire_add(c, r);
        if (r->id == 0)
            r->id = 1 + l->id_offset;
        if (r->id > c->max_id)
            c->max_id = r->id;
    }
    return conn_flush(c, l);
#else
    (void)r;
    conn_link_kill(c, l, HYPER_EH1_UPGRADE);
    return HYPER_EH1_UPGRADE;
#endif
}

/* ---- the public calls -------------------------------------------------------- */

int32_t hyper_request(hyper_conn *c, const char *method, const char *path,
                      const hyper_hpack_field *headers, size_t n,
                      const void *body, size_t len)
{
    if (!c)
        return HYPER_EINVAL;
    if (!method || !*method || !path || !*path || (n && !headers) || (len && !body))
        return conn_fail(c, HYPER_EINVAL);
    if (c->draft.active)
        return conn_fail(c, HYPER_ESTATE);
    hyper_response *r = conn_rec_new(c, method, path, headers, n, body, len);
    if (!r)
        return conn_fail(c, HYPER_ENOMEM);
    conn_rec_append(c, r);
    int e = conn_submit(c, r);
    if (e != HYPER_OK) {
        conn_rec_unlink(c, r);
        conn_rec_free(r);
        return conn_fail(c, e);
    }
    /* HTTP/2: the stream id; HTTP/1.1 (the h2c offer included): 0. */
    return r->link && r->link->proto == CONN_H2 ? r->id : 0;
}
