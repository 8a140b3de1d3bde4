/*
 * submit.c — what the application asks of the session: requests, body
 * data, stream resets, PING, GOAWAY.
 *
 * A submitted request gets its stream id at once (ids follow submission
 * order, RFC 9113 §5.1.1) and waits in the table as a queued idle stream;
 * send.c writes its HEADERS when the server's concurrency limit and the
 * output buffer allow. The fields are copied into one allocation (the field
 * array followed by the strings); the whole body is referenced, not copied;
 * streamed body pieces are copied into a bounded per-stream queue.
 */
#include <string.h>
#include "stream/h2_internal.h"

static H2_OUTLINE int session_refuses(const hyper_h2_session *s)
{
    if (s->err)
        return s->err;
    if (s->goaway_received)
        return HYPER_EH2_GOAWAY;
    if (s->goaway_sent)
        return HYPER_EH2_SESSION_CLOSED;
    return HYPER_OK;
}

/* The request's pseudo-headers (§8.3.1), present ones only, into pf;
 * adds their octets to *bytes and *list. Returns how many, or HYPER_EINVAL
 * for an empty value or one HTTP/2 does not accept (§8.2.1). */
static int pseudo_fields(const hyper_h2_request *r, hyper_hpack_field pf[4], size_t *bytes,
                         size_t *list)
{
    static const char *const names[4] = {":method", ":scheme", ":authority", ":path"};
    const char *vals[4] = {r->method, r->scheme, r->authority, r->path};
    int n = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *v = vals[i];
        if (!v)
            continue;
        size_t len = strlen(v), nl = strlen(names[i]);
        if (len == 0 || !h2_check_value(v, len))
            return HYPER_EINVAL;
        pf[n++] = (hyper_hpack_field){names[i], nl, v, len, 0};
        *bytes += nl + len;
        *list += len + 10 + 32;
    }
    return n;
}

/* Adds the regular fields' octets to *bytes and *list; HYPER_EINVAL if one
 * is not acceptable on HTTP/2 (§8.2, §8.3.1). */
static int measure(const hyper_h2_request *r, size_t *bytes, size_t *list)
{
    if (r->nfields && !r->fields)
        return HYPER_EINVAL;
    for (size_t i = 0; i < r->nfields; i++) {
        const hyper_hpack_field *f = &r->fields[i];
        if (!f->name || (!f->value && f->value_len) ||
            h2_check_request_field(f->name, f->name_len, f->value ? f->value : "",
                                   f->value_len) < 0)
            return HYPER_EINVAL;
        *bytes += f->name_len + f->value_len;
        *list += f->name_len + f->value_len + 32;
    }
    return HYPER_OK;
}

static char *put(char *dst, const char *src, size_t len)
{
    if (len)
        memcpy(dst, src, len);
    return dst + len;
}

/* Copies n fields into f, their strings packed from p on; returns the end
 * of the strings. */
static char *copy_list(hyper_hpack_field *f, const hyper_hpack_field *in, size_t n, char *p)
{
    for (size_t i = 0; i < n; i++, f++, in++) {
        *f = *in;
        f->name = p;
        p = put(p, in->name, in->name_len);
        f->value = p;
        p = put(p, in->value, in->value_len);
    }
    return p;
}

/* Copies the request's fields (pseudo-headers first, §8.3) into st: one
 * allocation, the field array followed by the strings. */
static int copy_fields(hyper_h2_session *s, h2_stream *st, const hyper_h2_request *r,
                       const hyper_hpack_field *pf, size_t np, size_t bytes)
{
    size_t n = np + r->nfields;
    size_t size = n * sizeof(hyper_hpack_field) + bytes;
    hyper_hpack_field *f = h2_alloc(s, size);
    if (!f)
        return HYPER_ENOMEM;
    char *p = copy_list(f, pf, np, (char *)(f + n));
    (void)copy_list(f + np, r->fields, r->nfields, p);
    st->fields = f;
    st->nfields = n;
    st->fields_alloc = size;
    return HYPER_OK;
}

/*
 * The HPACK encoder exists from the first request on: an idle connection
 * needs none (its table and hash are most of a session's memory). Created
 * late, it is told the server's table size history since the preface: the
 * smallest value, then the one in force, so its first block carries the
 * size updates RFC 7541 §4.2 asks for. HYPER_OK or HYPER_ENOMEM.
 */
int h2_encoder_ensure(hyper_h2_session *s)
{
    if (s->enc)
        return HYPER_OK;
    int rc = hyper_hpack_encoder_init(&s->enc, &s->mem, NULL);
    if (rc < 0)
        return rc;
    (void)hyper_hpack_encoder_set_peer_table_size(s->enc, s->peer_table_low);
    (void)hyper_hpack_encoder_set_peer_table_size(s->enc, s->peer.header_table_size);
    return HYPER_OK;
}

int32_t hyper_h2_submit(hyper_h2_session *s, const hyper_h2_request *r)
{
    if (!s || !r || !r->method || (!r->body && r->body_len))
        return HYPER_EINVAL;
    int rc = session_refuses(s);
    if (rc < 0)
        return rc;
    if (s->next_id > HYPER_FRAME_STREAM_ID_MAX)
        return HYPER_EH2_IDS_EXHAUSTED;
    if (s->n_local >= s->opts.max_streams)
        return HYPER_ELIMIT;
    hyper_hpack_field pf[4];
    size_t bytes = 0, list = 0;
    int np = pseudo_fields(r, pf, &bytes, &list);
    if (np < 0)
        return np;
    rc = measure(r, &bytes, &list);
    if (rc < 0)
        return rc;
    /* The block must fit the output buffer with its frame headers, and the
     * server announced how large a header list it takes (§6.5.2). */
    if (list > s->peer.max_header_list_size)
        return HYPER_ELIMIT;
    rc = h2_encoder_ensure(s);
    if (rc < 0)
        return rc;
    h2_stream *st;
    rc = h2_stream_new(s, s->next_id, &st);
    if (rc < 0)
        return rc;
    s->n_local++;
    st->queued = 1;
    rc = copy_fields(s, st, r, pf, (size_t)np, bytes);
    size_t bound = rc < 0 ? 0 : hyper_hpack_encode_bound(s->enc, st->fields, st->nfields);
    if (rc == HYPER_OK &&
        bound + 9 * (bound / HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE + 2) > s->opts.output_buffer_size)
        rc = HYPER_ELIMIT;
    if (rc < 0) {
        h2_stream_destroy(s, st, H2_CLOSED_UNKNOWN);
        return rc;
    }
    st->body = r->body;
    st->body_len = r->body_len;
    st->local_end = r->end_stream != 0;
    st->head_request = strcmp(r->method, "HEAD") == 0;
    int32_t id = (int32_t)s->next_id;
    s->next_id += 2;
    return id;
}

long hyper_h2_send_data(hyper_h2_session *s, int32_t id, const uint8_t *data,
                        size_t len, int end_stream)
{
    if (!s || (!data && len) || id <= 0)
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    h2_stream *st = h2_stream_find(s, (uint32_t)id);
    if (!st || st->is_push)
        return HYPER_ENOTFOUND;
    if (st->local_end || (st->state != HYPER_H2_STATE_IDLE && st->state != HYPER_H2_STATE_OPEN &&
                          st->state != HYPER_H2_STATE_HALF_CLOSED_REMOTE))
        return HYPER_ESTATE;
    size_t cap = s->opts.stream_send_buffer;
    /* (without a queue, its offset and length are still 0) */
    if (!st->sendq && len) {
        st->sendq = h2_alloc(s, cap);
        if (!st->sendq)
            return HYPER_ENOMEM;
    }
    size_t n = len < cap - st->sendq_len ? len : cap - st->sendq_len;
    if (n && st->sendq_off + st->sendq_len + n > cap) {
        memmove(st->sendq, st->sendq + st->sendq_off, st->sendq_len);
        st->sendq_off = 0;
    }
    if (n)
        memcpy(st->sendq + st->sendq_off + st->sendq_len, data, n);
    st->sendq_len += n;
    if (end_stream && n == len)
        st->local_end = 1;
    return (long)n;
}

int hyper_h2_reset_stream(hyper_h2_session *s, int32_t id, uint32_t code)
{
    if (!s || id <= 0)
        return HYPER_ENOTFOUND;
    h2_stream *st = h2_stream_find(s, (uint32_t)id);
    if (!st)
        return HYPER_ENOTFOUND;
    if (st->queued) {
        /* Never on the wire: the server will see a higher id open first,
         * which closes this one implicitly (§5.1.1). */
        h2_stream_destroy(s, st, H2_CLOSED_UNKNOWN);
        return HYPER_OK;
    }
    int rc = h2_out_ready(s);
    if (rc == HYPER_OK)
        rc = h2_out_rst(s, st->id, code);
    if (rc < 0)
        return rc;
    (void)h2_stream_apply(s, st, H2_IN_SEND_RST);
    return HYPER_OK;
}

int hyper_h2_ping(hyper_h2_session *s, const uint8_t opaque[8])
{
    if (!s || !opaque)
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    if (h2_out_ready(s) < 0)
        return HYPER_ENOMEM;
    return h2_out_copy(s, HYPER_FRAME_PING, 0, opaque, 8);
}

int hyper_h2_goaway(hyper_h2_session *s, uint32_t code, const uint8_t *debug,
                    size_t debug_len)
{
    /* The frame must fit the output buffer and any peer's frame size
     * (16,384 octets at least, RFC 9113 §4.2), or no retry could send it. */
    if (!s || (!debug && debug_len) || debug_len > 16384 - 8 ||
        debug_len + 17 > s->opts.output_buffer_size)
        return HYPER_EINVAL;
    if (s->err)
        return s->err;
    if (s->goaway_sent)
        return HYPER_EH2_SESSION_CLOSED;
    int rc = h2_out_ready(s);
    if (rc == HYPER_OK)
        rc = h2_out_goaway(s, code, debug, debug_len);
    if (rc < 0)
        return rc;
    s->goaway_sent = 1;
    /* Queued requests will never open: tell the application (their
     * RESETs come from next_event, lowest id first). */
    h2_doom_unsent(s, UINT32_MAX, H2_CLOSED_UNKNOWN, HYPER_EH2_SESSION_CLOSED,
                   HYPER_H2_NO_ERROR);
    return HYPER_OK;
}

/* RFC 7540 §3.2 (kept by RFC 9113 §3.1 for existing deployments): after a
 * 101 to h2c, stream 1 is the request that carried the Upgrade, already sent
 * whole on HTTP/1.1, so it starts half-closed (local) and its response comes
 * as HTTP/2. Only before anything else was submitted. */
int32_t hyper_h2_session_upgrade(hyper_h2_session *s, int head_request)
{
    if (!s)
        return HYPER_EINVAL;
    int rc = session_refuses(s);
    if (rc < 0)
        return rc;
    if (s->next_id != 1 || s->nstreams)
        return HYPER_ESTATE;
    h2_stream *st;
    rc = h2_stream_new(s, 1, &st);
    if (rc < 0)
        return rc;
    s->n_local++;
    st->local_end = 1;
    st->head_request = head_request != 0;
    s->highest_opened = 1;
    s->next_id = 3;
    (void)h2_stream_apply(s, st, H2_IN_SEND_HEADERS);
    (void)h2_stream_apply(s, st, H2_IN_SEND_END_STREAM);
    return 1;
}
