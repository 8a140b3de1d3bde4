/*
 * hostile_harness.h — what the hostile-server tests share (issue 5): start
 * test/hostile/server.py (a scripted HTTP/2 and HTTP/1.1 server written
 * with Debian's python3-hyperframe and python3-hpack, so hyper's own frame
 * and HPACK code do not check themselves), drive hyper's public connection
 * API against it, and check what happened:
 *  - the error each request returns to the user (hyper_get_response or
 *    hyper_response_read), or its status and full body;
 *  - the GOAWAY / RST_STREAM codes hyper sent, as the script read them
 *    back with hyperframe and reported in its "RESULT <json>" line;
 *  - the GOAWAY hyper received, as hyper_conn_goaway_received reports it;
 *  - time: the client phase of every scenario is bounded (never hangs);
 *  - CPU: waits that must not spin use little CPU (getrusage);
 *  - memory: the peak of the counting allocator (test_mem) given as the
 *    connection's allocator stays under a bound computed from the options,
 *    whatever the server sends, and everything is freed at the end.
 * Included by one test file per binary (static functions).
 *
 * Implementation notes: one script process per scenario, on a port it
 * binds itself (READY line), serving one connection, stopped by pid. A
 * scenario's checks are all made, then reported together, so one run
 * shows every difference at once.
 */
#ifndef HYPER_TEST_HOSTILE_HARNESS_H
#define HYPER_TEST_HOSTILE_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "hyper.h"
#include "testutil.h"
#include "peer.h"
#include "support/json.h"

#if defined(__GNUC__)
#define HX_UNUSED __attribute__((unused))
#else
#define HX_UNUSED
#endif

#define HX_PYTHON "/usr/bin/python3"
#define HX_SCRIPT "test/hostile/server.py"
#define HX_LIMIT_MS 10000     /* client phase of one scenario */
#define HX_READ_TIMEOUT 1500  /* idle timeout given to the connection */
#define HX_BODY "hostile hello\n"

/* Outcome markers in want lists (negative values are hyper errors). */
#define WANT_OK 1     /* status 200 and exactly HX_BODY */
#define WANT_NONE 2   /* not attempted (no push was listed) */
#define WANT_END 0

/* What hyper must have sent (as the script saw it). */
enum { SENT_ANY, SENT_CLEAN, SENT_GOAWAY, SENT_RST, SENT_EITHER, SENT_IF_ANY };
#define CEND 0xffffffffu
#define ANY_EVEN (-2)

enum { P_ONE, P_TWO, P_TWO_REV, P_UPLOAD, P_PUSH };

#define F_TLS 0x1
#define F_PUSH 0x2      /* enable_push */
#define F_NOSPIN 0x4    /* the wait must not burn CPU */
#define F_DEADLINE 0x8  /* request_timeout_ms = HX_READ_TIMEOUT */
#define F_H1 0x10       /* HTTP/1.1 only */

typedef struct hx_sent {
    int kind;
    int32_t stream;     /* SENT_RST / SENT_EITHER: stream id, or ANY_EVEN */
    uint32_t codes[5];  /* acceptable RFC 9113 codes, CEND-terminated */
} hx_sent;

typedef struct hx_scenario {
    const char *name;   /* server.py scenario */
    int plan;
    int flags;
    int want1[7];       /* acceptable outcomes of request 1, WANT_END-terminated */
    int want2[7];       /* request 2, or the first push (P_PUSH) */
    size_t min_body1;   /* with an error: body octets readable before it */
    hx_sent sent;
} hx_scenario;

#define W(...) {__VA_ARGS__, WANT_END}
#define C(...) {__VA_ARGS__, CEND}

typedef struct hx_outcome {
    int err;            /* WANT_OK, WANT_NONE, or the first error */
    int status;
    size_t body_len;
    char body[64];
} hx_outcome;

static char hx_certdir[128];
static int hx_have_certs;

HX_UNUSED static int hx_setup(void **state)
{
    (void)state;
    if (peer_tmpdir("hostile", hx_certdir, sizeof hx_certdir) != 0)
        return -1;
    hx_have_certs = peer_make_certs(hx_certdir) == 0;
    if (!hx_have_certs)
        fprintf(stderr, "hostile: make-certs.sh failed; TLS scenarios will fail\n");
    return 0;
}

HX_UNUSED static int hx_teardown(void **state)
{
    (void)state;
    peer_rmdir(hx_certdir);
    return 0;
}

static int64_t hx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t hx_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

/* ---- failure text, collected for one report per scenario -------------------- */

static char hx_msg[4096];
static size_t hx_msg_len;

static void hx_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (hx_msg_len < sizeof hx_msg - 1) {
        int n = vsnprintf(hx_msg + hx_msg_len, sizeof hx_msg - hx_msg_len, fmt, ap);
        if (n > 0)
            hx_msg_len += (size_t)n;
        if (hx_msg_len >= sizeof hx_msg)
            hx_msg_len = sizeof hx_msg - 1;
    }
    va_end(ap);
}

static const char *hx_err_name(int e)
{
    return e == WANT_OK ? "OK" : e == WANT_NONE ? "NONE" : hyper_strerror_name(e);
}

/* ---- the client ----------------------------------------------------------------- */

static void hx_collect(hyper_conn *c, int32_t id, hx_outcome *o)
{
    hyper_response *r = hyper_get_response(c, id);
    if (!r) {
        o->err = hyper_conn_last_error(c);
        return;
    }
    o->status = hyper_response_status(r);
    char buf[4096];
    for (;;) {
        long n = hyper_response_read(r, buf, sizeof buf);
        if (n < 0) {
            o->err = (int)n;
            break;
        }
        if (n == 0) {
            o->err = o->status == 200 && o->body_len == strlen(HX_BODY) &&
                     memcmp(o->body, HX_BODY, o->body_len) == 0 ? WANT_OK : HYPER_OK;
            break;
        }
        size_t room = sizeof o->body - o->body_len;
        if (o->body_len < sizeof o->body)
            memcpy(o->body + o->body_len, buf, (size_t)n < room ? (size_t)n : room);
        o->body_len += (size_t)n;
    }
    hyper_response_free(r);
}

static void hx_upload(hyper_conn *c, hx_outcome *o)
{
    enum { PIECE = 65536, TOTAL = 8 << 20 };
    static uint8_t piece[PIECE];
    int e = hyper_request_start(c, "POST", "/up");
    if (e == HYPER_OK)
        e = hyper_request_header(c, "content-length", 14, "8388608", 7);
    int32_t id = e == HYPER_OK ? hyper_request_end_headers(c, 0) : e;
    if (id < 0) {
        o->err = id;
        return;
    }
    for (size_t off = 0; off < TOTAL; off += PIECE) {
        e = hyper_request_send(c, id, piece, PIECE, off + PIECE == TOTAL);
        if (e != HYPER_OK) {
            o->err = e;
            return;
        }
    }
    hx_collect(c, id, o);
}

static void hx_request(hyper_conn *c, const char *path, int32_t *id, hx_outcome *o)
{
    *id = hyper_request(c, "GET", path, NULL, 0, NULL, 0);
    if (*id < 0)
        o->err = *id;
}

/* Runs the plan; o[0] is request 1, o[1] request 2 or the first push.
 * *npush: pushes listed on request 1. */
static void hx_run_plan(const hx_scenario *s, hyper_conn *c, hx_outcome o[2], int *npush)
{
    int32_t a = 0, b = 0;
    o[1].err = WANT_NONE;
    switch (s->plan) {
    case P_ONE:
        hx_request(c, "/one", &a, &o[0]);
        if (a >= 0)
            hx_collect(c, a, &o[0]);
        break;
    case P_TWO:
    case P_TWO_REV:
        hx_request(c, "/one", &a, &o[0]);
        o[1].err = 0;
        hx_request(c, "/two", &b, &o[1]);
        if (s->plan == P_TWO_REV && b >= 0)
            hx_collect(c, b, &o[1]);
        if (a >= 0)
            hx_collect(c, a, &o[0]);
        if (s->plan == P_TWO && b >= 0)
            hx_collect(c, b, &o[1]);
        break;
    case P_UPLOAD:
        hx_upload(c, &o[0]);
        break;
    case P_PUSH:
        hx_request(c, "/one", &a, &o[0]);
        if (a < 0)
            break;
        hx_collect(c, a, &o[0]);
        for (int32_t p; (p = hyper_conn_next_push(c, a)) > 0;) {
            if (++*npush == 1) {
                o[1].err = 0;
                hx_collect(c, p, &o[1]);
            }
        }
        break;
    }
}

static void hx_opts(const hx_scenario *s, hyper_conn_opts *o, test_mem *tm)
{
    hyper_conn_opts_init(o);
    o->mem = &tm->mem;
    o->secure = (s->flags & F_TLS) != 0;
    o->protocol = s->flags & F_H1 ? HYPER_CONN_PROTO_HTTP1 : HYPER_CONN_PROTO_H2;
    o->enable_push = (s->flags & F_PUSH) != 0;
    o->retry_on_goaway = 0;          /* one connection per scenario */
    o->connect_timeout_ms = 3000;
    o->read_timeout_ms = HX_READ_TIMEOUT;
    if (s->flags & F_DEADLINE)
        o->request_timeout_ms = HX_READ_TIMEOUT;
    static char ca[200];
    snprintf(ca, sizeof ca, "%s/ca.crt", hx_certdir);
    o->transport.ca_file = ca;
    o->h2.initial_window_size = 65535;
    o->h2.max_header_list_size = 16384;
}

/* The memory bound: every buffer the options allow, plus 64 KiB of fixed
 * state. Nothing here grows with what the server sends. */
static size_t hx_mem_bound(const hyper_conn_opts *o)
{
    const hyper_h2_options *h = &o->h2;
    hyper_h1_options h1;
    hyper_h1_options_init(&h1);
    size_t h2 = 16384 /* receive buffer */ + h->output_buffer_size + h->max_frame_size +
                2u * h->initial_window_size /* two streams' bodies */ +
                4u * h->max_header_list_size + 4u * h->header_table_size +
                h->stream_send_buffer + (size_t)h->max_pushed_streams * 2048u;
    size_t h1b = 16384 + h1.max_head + 65536; /* head buffer, request output */
    return (h2 > h1b ? h2 : h1b) + 65536;
}

/* ---- the script ---------------------------------------------------------------- */

typedef struct hx_server {
    pid_t pid;
    int fd;
    int port;
} hx_server;

static int hx_server_start(const hx_scenario *s, hx_server *sv)
{
    char *argv[10];
    int n = 0;
    argv[n++] = HX_PYTHON;
    argv[n++] = HX_SCRIPT;
    argv[n++] = (char *)s->name;
    argv[n++] = "--deadline";
    argv[n++] = "25";
    if (s->flags & F_TLS) {
        argv[n++] = "--tls";
        argv[n++] = hx_certdir;
    }
    argv[n] = NULL;
    sv->pid = peer_spawn(argv, &sv->fd);
    if (sv->pid < 0)
        return -1;
    char line[64];
    if (peer_read_line(sv->fd, line, sizeof line, 10000) < 0 ||
        sscanf(line, "READY %d", &sv->port) != 1) {
        peer_stop(sv->pid);
        close(sv->fd);
        return -1;
    }
    return 0;
}

/* Reads the RESULT line (bounded), stops the script, parses the JSON. */
static int hx_server_result(hx_server *sv, json_value *res)
{
    static char line[1 << 16];
    int rc = -1;
    int64_t end = hx_now_ms() + 15000;
    while (hx_now_ms() < end) {
        long n = peer_read_line(sv->fd, line, sizeof line, (int)(end - hx_now_ms()));
        if (n < 0)
            break;
        if (strncmp(line, "RESULT ", 7) == 0) {
            char err[128];
            if (getenv("HX_VERBOSE"))
                printf("  %s\n", line);
            rc = json_parse(line + 7, (size_t)n - 7, res, err, sizeof err);
            if (rc != 0)
                hx_fail("  RESULT line unreadable: %s\n", err);
            break;
        }
    }
    peer_stop(sv->pid);
    close(sv->fd);
    return rc;
}

/* ---- checks -------------------------------------------------------------------- */

static int hx_in(const int *want, int got)
{
    for (; *want != WANT_END; want++)
        if (*want == got)
            return 1;
    return 0;
}

static int hx_code_in(const uint32_t *codes, uint32_t c)
{
    for (; *codes != CEND; codes++)
        if (*codes == c)
            return 1;
    return 0;
}

static void hx_check_outcome(const char *what, const int *want, const hx_outcome *o,
                             size_t min_body)
{
    if (!hx_in(want, o->err)) {
        hx_fail("  %s: got %s (status %d, %zu body octets), want", what,
                o->err == HYPER_OK ? "HYPER_OK with a wrong body" : hx_err_name(o->err),
                o->status, o->body_len);
        for (const int *w = want; *w != WANT_END; w++)
            hx_fail(" %s", hx_err_name(*w));
        hx_fail("\n");
    }
    if (min_body && o->err < 0 && (o->body_len < min_body ||
                                   memcmp(o->body, HX_BODY, min_body) != 0))
        hx_fail("  %s: %zu body octets readable before the error, want the first %zu\n",
                what, o->body_len, min_body);
}

/* Every GOAWAY / RST_STREAM hyper sent, as the script reported them. */
static void hx_check_sent(const hx_sent *sp, const json_value *res)
{
    const json_value *ga = json_get(res, "goaway"), *rs = json_get(res, "rst");
    int goaway_ok = 0, rst_ok = 0, bad = 0, goaway_err = 0;
    for (size_t i = 0; ga && i < ga->count; i++) {
        uint32_t code = (uint32_t)ga->items[i].items[1].number;
        goaway_ok |= hx_code_in(sp->codes, code);
        if (code != HYPER_H2_NO_ERROR) {
            goaway_err = 1;
            bad |= !hx_code_in(sp->codes, code);
        }
    }
    for (size_t i = 0; rs && i < rs->count; i++) {
        int32_t sid = (int32_t)rs->items[i].items[0].number;
        uint32_t code = (uint32_t)rs->items[i].items[1].number;
        int match = sp->stream == ANY_EVEN ? sid % 2 == 0 : sid == sp->stream;
        rst_ok |= match && hx_code_in(sp->codes, code);
        if (code != HYPER_H2_CANCEL && code != HYPER_H2_NO_ERROR)
            bad |= !hx_code_in(sp->codes, code);
    }
    int ok = 1;
    switch (sp->kind) {
    case SENT_CLEAN:
        ok = !goaway_err && !bad;
        for (size_t i = 0; rs && i < rs->count; i++)
            ok &= (uint32_t)rs->items[i].items[1].number == HYPER_H2_CANCEL;
        break;
    case SENT_GOAWAY: ok = goaway_ok; break;
    case SENT_RST: ok = rst_ok && !goaway_err; break;
    case SENT_EITHER: ok = goaway_ok || rst_ok; break;
    case SENT_IF_ANY: ok = !bad; break;
    default: break;
    }
    if (!ok) {
        static const char *kinds[] = {"any", "nothing wrong", "GOAWAY", "RST_STREAM",
                                      "GOAWAY or RST_STREAM", "only"};
        hx_fail("  sent: want %s with", kinds[sp->kind]);
        for (const uint32_t *c = sp->codes; *c != CEND; c++)
            hx_fail(" %s", hyper_h2_error_code_name(*c));
        if (sp->kind == SENT_RST || sp->kind == SENT_EITHER)
            hx_fail(" on stream %d", sp->stream);
        hx_fail("; got");
        for (size_t i = 0; ga && i < ga->count; i++)
            hx_fail(" GOAWAY(last %g, %s)", ga->items[i].items[0].number,
                    hyper_h2_error_code_name((uint32_t)ga->items[i].items[1].number));
        for (size_t i = 0; rs && i < rs->count; i++)
            hx_fail(" RST_STREAM(%g, %s)", rs->items[i].items[0].number,
                    hyper_h2_error_code_name((uint32_t)rs->items[i].items[1].number));
        if ((!ga || !ga->count) && (!rs || !rs->count))
            hx_fail(" nothing");
        hx_fail("\n");
    }
}

static void hx_check_script(const json_value *res)
{
    const json_value *v = json_get(res, "server_error");
    if (v && v->type == JSON_STRING)
        hx_fail("  server script failed: %s\n", v->str);
    v = json_get(res, "errors");
    for (size_t i = 0; v && i < v->count; i++)
        hx_fail("  the script could not parse what hyper sent: %s\n", v->items[i].str);
}

/* GOAWAY the server sends, by scenario: hyper_conn_goaway_received must
 * report exactly this (last stream id, code), and report nothing for every
 * other scenario (none of them sends GOAWAY). */
static const struct hx_goaway_want {
    const char *name;
    int32_t last;
    uint32_t code;
} hx_goaways[] = {
    /* The second GOAWAY (last 3) raises last-stream-id: a connection error
     * (§6.8), so the one received stays last 1. */
    {"goaway_increasing", 1, HYPER_H2_NO_ERROR},
    {"goaway_mid_response", 1, HYPER_H2_NO_ERROR},
    {"goaway_then_close_midbody", 1, HYPER_H2_NO_ERROR},
};

static void hx_check_goaway(const hx_scenario *s, int got, int32_t last, uint32_t code)
{
    const struct hx_goaway_want *w = NULL;
    for (size_t i = 0; i < sizeof hx_goaways / sizeof hx_goaways[0]; i++)
        if (strcmp(hx_goaways[i].name, s->name) == 0)
            w = &hx_goaways[i];
    if (!w && got)
        hx_fail("  GOAWAY received reported (last %d, %s), but the server sent none\n",
                (int)last, hyper_h2_error_code_name(code));
    if (w && (got != 1 || last != w->last || code != w->code))
        hx_fail("  GOAWAY received: got %d (last %d, %s), want 1 (last %d, %s)\n", got,
                (int)last, hyper_h2_error_code_name(code), (int)w->last,
                hyper_h2_error_code_name(w->code));
}

/* ---- one scenario --------------------------------------------------------------- */

static void hx_run(const hx_scenario *s)
{
    hx_msg_len = 0;
    hx_msg[0] = 0;
    test_mem tm;
    test_mem_init(&tm);
    hyper_conn_opts o;
    hx_opts(s, &o, &tm);
    size_t bound = hx_mem_bound(&o);
    hx_server sv;
    if (hx_server_start(s, &sv) != 0)
        fail_msg("%s: server.py did not start", s->name);

    hx_outcome out[2];
    memset(out, 0, sizeof out);
    int npush = 0, err = 0;
    int64_t t0 = hx_now_ms(), c0 = hx_cpu_ms();
    hyper_conn *c = hyper_conn_open("127.0.0.1", (uint16_t)sv.port, &o, &err);
    if (c)
        hx_run_plan(s, c, out, &npush);
    else
        out[0].err = err;
    int64_t wall = hx_now_ms() - t0, cpu = hx_cpu_ms() - c0;
    int32_t ga_last = -1;
    uint32_t ga_code = 0;
    int ga = c ? hyper_conn_goaway_received(c, &ga_last, &ga_code) : 0;
    hyper_conn_free(c);

    json_value res;
    memset(&res, 0, sizeof res);
    int have = hx_server_result(&sv, &res) == 0;
    printf("  [%s%s] r1=%s r2=%s peak=%zu wall=%lldms cpu=%lldms push=%d\n", s->name,
           s->flags & F_TLS ? " tls" : "", hx_err_name(out[0].err), hx_err_name(out[1].err),
           tm.peak, (long long)wall, (long long)cpu, npush);

    hx_check_outcome("request 1", s->want1, &out[0], s->min_body1);
    hx_check_outcome(s->plan == P_PUSH ? "first push" : "request 2", s->want2, &out[1], 0);
    hx_check_goaway(s, ga, ga_last, ga_code);
    if (wall > HX_LIMIT_MS)
        hx_fail("  took %lld ms (bound %d)\n", (long long)wall, HX_LIMIT_MS);
    if ((s->flags & F_NOSPIN) && cpu > wall / 4 + 200)
        hx_fail("  spun: %lld ms of CPU in %lld ms\n", (long long)cpu, (long long)wall);
    if (tm.peak > bound)
        hx_fail("  memory peak %zu above the bound %zu\n", tm.peak, bound);
    if (tm.in_use || tm.blocks || tm.size_mismatch)
        hx_fail("  leak after free: %zu octets in %zu blocks%s\n", tm.in_use, tm.blocks,
                tm.size_mismatch ? ", size mismatch" : "");
    if (s->plan == P_PUSH && npush > (int)o.h2.max_pushed_streams)
        hx_fail("  %d pushes listed, bound %u\n", npush, o.h2.max_pushed_streams);
    if (!have)
        hx_fail("  no RESULT from server.py\n");
    else {
        hx_check_script(&res);
        const json_value *alpn = json_get(&res, "alpn");
        const char *want_alpn = s->flags & F_H1 ? "http/1.1" : "h2";
        if ((s->flags & F_TLS) &&
            (!alpn || alpn->type != JSON_STRING || strcmp(alpn->str, want_alpn) != 0))
            hx_fail("  ALPN: the server did not select %s\n", want_alpn);
        if (!(s->flags & F_H1))
            hx_check_sent(&s->sent, &res);
        json_free(&res);
    }
    if (hx_msg_len)
        fail_msg("%s%s:\n%s", s->name, s->flags & F_TLS ? " (TLS)" : "", hx_msg);
}

#endif
