/*
 * h1_harness.h — shared by the h1 tests: drives a session with a response
 * fed in pieces and renders the events as a transcript string, so a vector
 * is one line and the same vector can be run whole and one octet at a time.
 *
 * Transcript: I<status>{fields} H<status>{fields}[$] D[bytes][$] T{fields}$ E
 * U<status>{fields} X<error name>. Consecutive DATA events are merged (their
 * split depends on the input's), `$` marks end_stream, fields are name=value
 * joined by ','. Octets outside printable ASCII are written as \xHH.
 */
#ifndef H1_HARNESS_H
#define H1_HARNESS_H

#include <stdio.h>
#include <string.h>
#include "hyper.h"

struct transcript {
    char buf[8192];
    size_t len;
    int in_data;          /* the last thing rendered was DATA */
    int data_end;         /* end_stream of the last DATA piece */
    int upgraded;
};

static inline void tr_put(struct transcript *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n && t->len + 5 < sizeof t->buf; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            t->buf[t->len++] = (char)c;
        else
            t->len += (size_t)snprintf(t->buf + t->len, 5, "\\x%02x", c);
    }
    t->buf[t->len] = 0;
}

static inline void tr_str(struct transcript *t, const char *s)
{
    tr_put(t, s, strlen(s));
}

static inline void tr_close_data(struct transcript *t)
{
    if (t->in_data) {
        tr_str(t, t->data_end ? "]$" : "]");
        t->in_data = 0;
    }
}

static inline void tr_fields(struct transcript *t, const hyper_headers *h)
{
    const char *n, *v;
    size_t nn, vn;
    tr_str(t, "{");
    for (size_t i = 0; hyper_headers_at(h, i, &n, &nn, &v, &vn) == HYPER_OK; i++) {
        if (i)
            tr_str(t, ",");
        tr_put(t, n, nn);
        tr_str(t, "=");
        tr_put(t, v, vn);
    }
    tr_str(t, "}");
}

/* Renders one event and frees what it owns. */
static inline void tr_event(struct transcript *t, hyper_event *ev)
{
    char tmp[32];
    if (ev->type != HYPER_EVENT_DATA)
        tr_close_data(t);
    switch (ev->type) {
    case HYPER_EVENT_INFORMATIONAL:
    case HYPER_EVENT_HEADERS:
    case HYPER_EVENT_UPGRADE:
        snprintf(tmp, sizeof tmp, "%c%d",
                 ev->type == HYPER_EVENT_HEADERS ? 'H' : ev->type == HYPER_EVENT_UPGRADE ? 'U' : 'I',
                 ev->status);
        tr_str(t, tmp);
        tr_fields(t, ev->headers);
        if (ev->end_stream)
            tr_str(t, "$");
        t->upgraded |= ev->type == HYPER_EVENT_UPGRADE;
        break;
    case HYPER_EVENT_DATA:
        if (!t->in_data)
            tr_str(t, "D[");
        t->in_data = 1;
        tr_put(t, (const char *)ev->data, ev->len);
        t->data_end = ev->end_stream;
        break;
    case HYPER_EVENT_TRAILERS:
        tr_str(t, "T");
        tr_fields(t, ev->headers);
        if (ev->end_stream)
            tr_str(t, "$");
        break;
    case HYPER_EVENT_END:
        tr_str(t, "E");
        break;
    case HYPER_EVENT_ERROR:
        tr_str(t, "X");
        tr_str(t, hyper_strerror_name(ev->error));
        break;
    default:
        snprintf(tmp, sizeof tmp, "?%d", (int)ev->type);
        tr_str(t, tmp);
    }
    hyper_headers_free(ev->headers);
}

static inline void tr_drain(struct transcript *t, hyper_h1_session *s)
{
    hyper_event ev;
    while (hyper_h1_next_event(s, &ev))
        tr_event(t, &ev);
}

/*
 * Feeds resp in pieces of `step` octets (0: whole), draining the events
 * after every recv call as the API requires, then the EOF if asked.
 * Returns the number of octets consumed (less than len after an upgrade or
 * an error).
 */
static inline size_t tr_feed(struct transcript *t, hyper_h1_session *s,
                             const uint8_t *resp, size_t len, size_t step, int eof)
{
    size_t pos = 0;
    int failed = 0;
    while (pos < len && !failed && !t->upgraded) {
        size_t n = step && len - pos > step ? step : len - pos;
        size_t off = 0;
        while (off < n) {
            long r = hyper_h1_recv(s, resp + pos + off, n - off);
            if (r < 0) {
                failed = 1;
                break;
            }
            off += (size_t)r;
            tr_drain(t, s);
            if (t->upgraded || r == 0)
                break;
        }
        pos += off;
        if (off < n)
            break;
    }
    tr_drain(t, s);
    if (eof && !failed && !t->upgraded) {
        hyper_h1_recv_eof(s);
        tr_drain(t, s);
    }
    tr_close_data(t);
    return pos;
}

/* A simple GET (or another bodiless method) for host "example.com". */
static inline int32_t tr_submit(hyper_h1_session *s, const char *method, const char *target)
{
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.method_len = strlen(method);
    r.target = target;
    r.target_len = strlen(target);
    r.host = "example.com";
    r.host_len = 11;
    return hyper_h1_submit(s, &r);
}

/* Takes every pending output octet into out (NUL-terminated). */
static inline size_t tr_take_output(hyper_h1_session *s, char *out, size_t cap)
{
    const uint8_t *p;
    size_t n, total = 0;
    while ((n = hyper_h1_send_pending(s, &p)) > 0 && total + n < cap) {
        memcpy(out + total, p, n);
        total += n;
        hyper_h1_sent(s, n);
    }
    out[total] = 0;
    return total;
}

#endif
