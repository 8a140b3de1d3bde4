/*
 * conn.c — the connection object: options, open, close, free, and the
 * links (network connections) it holds. See conn.h for the design.
 *
 * Implementation notes: the protocol of a link is decided when it opens:
 * TLS follows ALPN (RFC 7301; RFC 9113 §3.2: "h2" means HTTP/2), cleartext
 * follows the options (prior knowledge, RFC 9113 §3.3) or what an earlier
 * link learned from the h2c upgrade offer. A link is freed once it is
 * neither current nor carrying a record that still needs it.
 */
#include "conn/conn.h"

#include <string.h>
#include <time.h>

int64_t conn_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void hyper_conn_opts_init(hyper_conn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->secure = -1;
    o->protocol = HYPER_CONN_PROTO_AUTO;
    o->decompress = 1;
    o->connect_timeout_ms = 10000;
    o->read_timeout_ms = 30000;
    o->request_timeout_ms = -1;
    o->max_buffered = 16u << 20;
    o->retry_on_goaway = 1;
    hyper_transport_opts_init(&o->transport);
    hyper_h2_options_init(&o->h2);
    o->h2.connection_window_size = 0x7fffffffu;
    hyper_h1_options_init(&o->h1);
}

int conn_fail(hyper_conn *c, int err)
{
    c->last_err = err;
    return err;
}

int hyper_conn_last_error(const hyper_conn *c)
{
    return c ? c->last_err : HYPER_EINVAL;
}

/* ---- copying the option strings ------------------------------------------------ */

static size_t str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *str_put(char **p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *r = *p;
    *p += n;
    return r;
}

/* Copies host and every string the options point to into one block, so the
 * caller's strings need not outlive hyper_conn_open (reconnects use them). */
static int copy_strings(hyper_conn *c, const char *host)
{
    hyper_transport_opts *t = &c->opts.transport;
    size_t n = str_size(host) + str_size(c->opts.user_agent) + str_size(t->server_name) +
               str_size(t->ca_file) + str_size(t->ca_path) + str_size(t->client_cert_file) +
               str_size(t->client_key_file) + str_size(t->client_key_password) +
               (t->ca_data ? t->ca_data_len : 0);
    char *p = hyper_mem_alloc(&c->mem, n);
    if (!p)
        return HYPER_ENOMEM;
    c->strings = p;
    c->strings_len = n;
    c->host = (char *)str_put(&p, host);
    c->opts.user_agent = str_put(&p, c->opts.user_agent);
    t->server_name = str_put(&p, t->server_name);
    t->ca_file = str_put(&p, t->ca_file);
    t->ca_path = str_put(&p, t->ca_path);
    t->client_cert_file = str_put(&p, t->client_cert_file);
    t->client_key_file = str_put(&p, t->client_key_file);
    t->client_key_password = str_put(&p, t->client_key_password);
    if (t->ca_data && t->ca_data_len) {
        memcpy(p, t->ca_data, t->ca_data_len);
        t->ca_data = (const uint8_t *)p;
    }
    t->alpn = NULL;
    t->alpn_count = 0;
    return HYPER_OK;
}

/* :authority / Host (RFC 9110 §7.2): the port only when not the scheme's
 * default; an IPv6 literal in brackets (RFC 3986 §3.2.2). */
static int make_authority(hyper_conn *c)
{
    int v6 = strchr(c->host, ':') != NULL && c->host[0] != '[';
    int dflt = c->port == (c->secure ? 443 : 80);
    char port[8];
    size_t hl = strlen(c->host);
    size_t pl = 0;
    if (!dflt) {
        uint16_t v = c->port;
        char tmp[8];
        size_t k = 0;
        do {
            tmp[k++] = (char)('0' + v % 10);
            v = (uint16_t)(v / 10);
        } while (v);
        port[pl++] = ':';
        while (k)
            port[pl++] = tmp[--k];
    }
    if (hl + pl + 3 > sizeof c->authority)
        return HYPER_EINVAL;
    size_t o = 0;
    if (v6)
        c->authority[o++] = '[';
    memcpy(c->authority + o, c->host, hl);
    o += hl;
    if (v6)
        c->authority[o++] = ']';
    memcpy(c->authority + o, port, pl);
    c->authority[o + pl] = 0;
    return HYPER_OK;
}

/* ---- links ------------------------------------------------------------------ */

static const char *const alpn_both[] = {"h2", "http/1.1"};
static const char *const alpn_h2[] = {"h2"};
static const char *const alpn_h1[] = {"http/1.1"};

static int transport_open(hyper_conn *c, hyper_transport *t, char *detail, size_t dlen)
{
    hyper_transport_opts to = c->opts.transport;
    to.tls = c->secure;
    to.connect_timeout_ms = c->opts.connect_timeout_ms;
    to.handshake_timeout_ms = c->opts.connect_timeout_ms;
    if (c->opts.protocol == HYPER_CONN_PROTO_H2) {
        to.alpn = alpn_h2;
        to.alpn_count = 1;
    } else if (c->opts.protocol == HYPER_CONN_PROTO_HTTP1) {
        to.alpn = alpn_h1;
        to.alpn_count = 1;
    } else {
        to.alpn = alpn_both;
        to.alpn_count = 2;
    }
    if (c->opts.connect)
        return c->opts.connect(c->opts.connect_ctx, c->host, c->port, c->secure, &to, t,
                               detail, dlen);
    return hyper_transport_open(t, c->host, c->port, &to, &c->mem, detail, dlen);
}

/* Which engine a freshly opened link runs. */
static int pick_proto(hyper_conn *c, const hyper_transport *t, int *err)
{
    *err = HYPER_OK;
    if (c->secure) {
        const char *p = t->protocol ? t->protocol(t->ctx) : NULL;
        int h2 = p && strcmp(p, "h2") == 0;
        if (c->opts.protocol == HYPER_CONN_PROTO_H2 && !h2)
            *err = HYPER_ECONN_NO_H2;
        return h2 && c->opts.protocol != HYPER_CONN_PROTO_HTTP1 ? CONN_H2 : CONN_H1;
    }
    if (c->opts.protocol == HYPER_CONN_PROTO_H2)
        return CONN_H2;
    if (c->opts.protocol == HYPER_CONN_PROTO_HTTP1)
        return CONN_H1;
    return c->learned == CONN_H2 ? CONN_H2 : CONN_H1;
}

int conn_link_engine(hyper_conn *c, conn_link *l, int proto)
{
    l->proto = proto;
    if (proto == CONN_H2) {
        hyper_h2_options o = c->opts.h2;
        o.enable_push = c->opts.enable_push;
        return hyper_h2_session_init(&l->h2, &c->mem, &o);
    }
    hyper_h1_options o = c->opts.h1;
    o.max_pipeline = 1;
    return hyper_h1_session_init(&l->h1, &c->mem, &o);
}

static void link_free(hyper_conn *c, conn_link *l)
{
    if (l->t.close)
        l->t.close(l->t.ctx);
    hyper_h2_session_free(l->h2);
    hyper_h1_session_free(l->h1);
    hyper_mem_free(&c->mem, l, sizeof *l);
}

int conn_link_open(hyper_conn *c, conn_link **out, char *detail, size_t dlen)
{
    conn_link *l = hyper_mem_zalloc(&c->mem, sizeof *l);
    int err;
    if (!l)
        return HYPER_ENOMEM;
    err = transport_open(c, &l->t, detail, dlen);
    if (err != HYPER_OK) {
        memset(&l->t, 0, sizeof l->t);
        link_free(c, l);
        return err;
    }
    int proto = pick_proto(c, &l->t, &err);
    if (err == HYPER_OK)
        err = conn_link_engine(c, l, proto);
    if (err != HYPER_OK) {
        link_free(c, l);
        return err;
    }
    /* Ids keep growing across links: offset by the highest id so far,
     * rounded up to even so client ids stay odd and pushed ids even. */
    l->id_offset = (c->max_id + 1) & ~(int32_t)1;
    l->next = c->links;
    c->links = l;
    *out = l;
    return HYPER_OK;
}

/* The link new requests go to, opening one when there is none usable. */
conn_link *conn_current(hyper_conn *c, int *err)
{
    conn_link *l = c->cur;
    *err = HYPER_OK;
    if (l && !l->err && !l->closing) {
        if (l->proto == CONN_H2 && hyper_h2_is_usable(l->h2))
            return l;
        if (l->proto == CONN_H1 && (hyper_h1_reusable(l->h1) ||
                                    hyper_h1_outstanding(l->h1) > 0))
            return l;
    }
    if (l)
        l->closing = 1;
    c->cur = NULL;
    conn_link_gc(c);
    *err = conn_link_open(c, &c->cur, NULL, 0);
    return *err == HYPER_OK ? c->cur : NULL;
}

/* Frees links that are not current and carry no record needing them. */
void conn_link_gc(hyper_conn *c)
{
    conn_link **pp = &c->links;
    while (*pp) {
        conn_link *l = *pp;
        int used = l == c->cur || l->pinned;
        for (hyper_response *r = c->recs; r && !used; r = r->next)
            if (r->link == l && (r->state == REC_SENT || r->state == REC_HEAD))
                used = 1;
        if (used) {
            pp = &l->next;
            continue;
        }
        *pp = l->next;
        for (hyper_response *r = c->recs; r; r = r->next) {
            if (r->link == l) {
                conn_wire_del(c, r);
                r->link = NULL;
            }
        }
        if (l->proto == CONN_H2 && !l->err && l->h2) {
            hyper_h2_goaway(l->h2, HYPER_H2_NO_ERROR, NULL, 0);
            conn_flush(c, l);
        }
        link_free(c, l);
    }
}

/* ---- open, close, free ----------------------------------------------------------- */

hyper_conn *hyper_conn_open_detail(const char *host, uint16_t port,
                                   const hyper_conn_opts *opts, int *err,
                                   char *detail, size_t detail_len)
{
    int e;
    hyper_conn_opts dflt;
    if (detail && detail_len)
        detail[0] = 0;
    if (!opts) {
        hyper_conn_opts_init(&dflt);
        opts = &dflt;
    }
    const hyper_mem *m = hyper_mem_pick(opts->mem);
    if (!host || !*host || port == 0 || opts->protocol < 0 || opts->protocol > 2) {
        if (err)
            *err = HYPER_EINVAL;
        return NULL;
    }
    hyper_conn *c = hyper_mem_zalloc(m, sizeof *c);
    if (!c) {
        if (err)
            *err = HYPER_ENOMEM;
        return NULL;
    }
    c->mem = *m;
    c->opts = *opts;
    c->opts.mem = NULL;
    c->port = port;
    c->secure = opts->secure < 0 ? port == 443 : opts->secure != 0;
    e = copy_strings(c, host);
    if (e == HYPER_OK)
        e = make_authority(c);
    if (e == HYPER_OK) {
        c->rbuf = hyper_mem_alloc(&c->mem, CONN_RBUF);
        e = c->rbuf ? HYPER_OK : HYPER_ENOMEM;
    }
    if (e == HYPER_OK)
        e = conn_link_open(c, &c->cur, detail, detail_len);
    if (e != HYPER_OK) {
        hyper_conn_free(c);
        if (err)
            *err = e;
        return NULL;
    }
    if (err)
        *err = HYPER_OK;
    return c;
}

hyper_conn *hyper_conn_open(const char *host, uint16_t port, const hyper_conn_opts *opts,
                            int *err)
{
    return hyper_conn_open_detail(host, port, opts, err, NULL, 0);
}

const char *hyper_conn_protocol(const hyper_conn *c)
{
    if (!c || !c->cur)
        return NULL;
    return c->cur->proto == CONN_H2 ? "h2" : "http/1.1";
}

void hyper_conn_close(hyper_conn *c)
{
    if (!c)
        return;
    conn_draft_free(c);
    /* Records the user holds keep their buffered body and learn that the
     * rest will not come; the others are dropped. */
    while (c->recs) {
        hyper_response *r = c->recs;
        conn_rec_unlink(c, r);
        r->conn = NULL;
        if (r->collected && !r->discard) {
            if (r->state != REC_DONE && r->state != REC_FAILED)
                conn_rec_fail(r, HYPER_ECONN_CLOSED);
            r->link = NULL;
            continue;
        }
        conn_rec_free(r);
    }
    c->cur = NULL;
    conn_link_gc(c);
}

void hyper_conn_free(hyper_conn *c)
{
    if (!c)
        return;
    hyper_conn_close(c);
    hyper_mem_free(&c->mem, c->rbuf, CONN_RBUF);
    hyper_mem_free(&c->mem, c->strings, c->strings_len);
    hyper_mem m = c->mem;
    hyper_mem_free(&m, c, sizeof *c);
}
