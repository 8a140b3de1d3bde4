/*
 * footprint — heap used by one HTTP/2 client connection, ours against
 * nghttp2's, measured the same way (issue 7):
 *
 *  1. create the client session with a counting allocator (ours:
 *     hyper_h2_session_init with a hyper_mem; nghttp2:
 *     nghttp2_session_client_new3 with an nghttp2_mem), our SETTINGS out;
 *  2. feed the same server bytes (SETTINGS, then SETTINGS ACK), send the ACK:
 *     "idle" is what stays allocated then, "peak" the most at any moment;
 *  3. open streams: one GET, then N more GETs with the same fields, each
 *     answered by a response HEADERS (":status 200", no END_STREAM) so it
 *     stays open; "per stream" is (bytes after N+1 - bytes after 1) / N, which
 *     leaves out the HPACK table entries the first request created.
 *
 * Counted: octets requested from the allocator (not malloc's own headers),
 * excluding TLS and the caller's I/O buffers. With header_table_size 4096
 * and 0 (SETTINGS_HEADER_TABLE_SIZE, the decoder table the server may use),
 * with the library's default options and with options sized for a device
 * (ours: output_buffer_size 4096, max_events 8, max_closed_streams 8).
 * Ours is also run through an arena to print the buffer a device needs.
 *
 * Usage: footprint [streams]   (default 64; growth by doubling averages out)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nghttp2/nghttp2.h>
#include "common/common.h"

/* ---- counting allocators ------------------------------------------------- */

typedef struct counter {
    size_t in_use, peak, blocks;
} counter;

static void count_add(counter *c, size_t n)
{
    c->in_use += n;
    if (c->in_use > c->peak)
        c->peak = c->in_use;
}

static void *h_alloc(void *ctx, size_t n)
{
    void *p = malloc(n);
    if (p) {
        count_add(ctx, n);
        ((counter *)ctx)->blocks++;
    }
    return p;
}
static void *h_realloc(void *ctx, void *p, size_t o, size_t n)
{
    void *q = realloc(p, n);
    if (q) {
        ((counter *)ctx)->in_use -= o;
        count_add(ctx, n);
        if (!p)
            ((counter *)ctx)->blocks++;
    }
    return q;
}
static void h_free(void *ctx, void *p, size_t n)
{
    if (!p)
        return;
    ((counter *)ctx)->in_use -= n;
    ((counter *)ctx)->blocks--;
    free(p);
}

/* nghttp2_mem passes no size on free: keep it in a header before the block
 * (not counted, like malloc's own). */
#define NGH_HDR 16
static void *n_malloc(size_t n, void *ud)
{
    unsigned char *p = malloc(n + NGH_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    count_add(ud, n);
    ((counter *)ud)->blocks++;
    return p + NGH_HDR;
}
static void n_free(void *ptr, void *ud)
{
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - NGH_HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    ((counter *)ud)->in_use -= n;
    ((counter *)ud)->blocks--;
    free(p);
}
static void *n_calloc(size_t k, size_t n, void *ud)
{
    void *p = n_malloc(k * n, ud);
    if (p)
        memset(p, 0, k * n);
    return p;
}
static void *n_realloc(void *ptr, size_t n, void *ud)
{
    if (!ptr)
        return n_malloc(n, ud);
    unsigned char *p = (unsigned char *)ptr - NGH_HDR;
    size_t o;
    memcpy(&o, p, sizeof o);
    void *q = n_malloc(n, ud);
    if (!q)
        return NULL;
    memcpy(q, ptr, o < n ? o : n);
    n_free(ptr, ud);
    return q;
}

/* ---- the server's bytes ---------------------------------------------------- */

static size_t frame(uint8_t *b, uint8_t type, uint8_t flags, uint32_t id,
                    const uint8_t *payload, size_t len)
{
    hyper_put_u24(b, (uint32_t)len);
    b[3] = type;
    b[4] = flags;
    hyper_put_u32(b + 5, id);
    if (len)
        memcpy(b + 9, payload, len);
    return 9 + len;
}

/* A typical server's SETTINGS (MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE
 * 65535, MAX_FRAME_SIZE 16384), then the ACK of ours. */
static size_t server_settings(uint8_t *b)
{
    static const uint8_t set[] = {0, 3, 0, 0, 0, 100, 0, 4, 0, 0, 0xff, 0xff, 0, 5, 0, 0, 0x40, 0};
    size_t n = frame(b, 4, 0, 0, set, sizeof set);
    return n + frame(b + n, 4, 1, 0, NULL, 0);
}

/* Response HEADERS ":status: 200" (static index 8), END_HEADERS only. The
 * first one after a client lowered its table below 4096 starts with a
 * dynamic table size update to 0, as RFC 7541 §4.2 requires. */
static size_t response_head(uint8_t *b, uint32_t id, int size_update)
{
    static const uint8_t block[] = {0x20, 0x88};
    return size_update ? frame(b, 1, 4, id, block, 2) : frame(b, 1, 4, id, block + 1, 1);
}

/* A complete response (END_STREAM) whose head fills a 4096-octet decoder
 * table: 30 literal fields with incremental indexing and new names, 137
 * octets of table each (RFC 7541 §4.1), so the oldest get evicted. */
static size_t response_filling_table(uint8_t *b, uint32_t id)
{
    static uint8_t block[4096];
    size_t n = 0;
    block[n++] = 0x88;
    for (int i = 0; i < 30; i++) {
        block[n++] = 0x40;
        block[n++] = 9;
        n += (size_t)sprintf((char *)block + n, "x-fill-%02d", i);
        block[n++] = 96;
        memset(block + n, 'v', 96);
        n += 96;
    }
    return frame(b, 1, 5, id, block, n);
}

/* ---- ours ------------------------------------------------------------------ */

typedef struct figures {
    size_t peak, idle, first, per_stream;
    size_t full_table; /* growth from one response that fills the decoder table */
} figures;

_Noreturn static void die(const char *what, long rc)
{
    fprintf(stderr, "footprint: %s failed: %ld\n", what, rc);
    exit(1);
}

static void h_drain(hyper_h2_session *s)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0)
        if (hyper_h2_sent(s, n) < 0)
            die("hyper_h2_sent", -1);
    hyper_event ev;
    while (hyper_h2_next_event(s, &ev) == 1) {
        if (ev.type == HYPER_EVENT_ERROR || ev.type == HYPER_EVENT_RESET)
            die("hyper session event", ev.error);
        hyper_headers_free(ev.headers);
    }
}

static void h_feed(hyper_h2_session *s, const uint8_t *b, size_t len)
{
    while (len) {
        long n = hyper_h2_recv(s, b, len);
        if (n < 0)
            die("hyper_h2_recv", n);
        b += n;
        len -= (size_t)n;
        h_drain(s);
    }
}

static const hyper_hpack_field req_fields[] = {
    {"user-agent", 10, "hyper-footprint/1", 17, 0},
    {"accept", 6, "*/*", 3, 0},
};

static void h_open_stream(hyper_h2_session *s, int first)
{
    hyper_h2_request r = {"GET", "https", "example.com", "/index.html",
                          req_fields, 2, NULL, 0, 1};
    int32_t id = hyper_h2_submit(s, &r);
    if (id <= 0)
        die("hyper_h2_submit", id);
    h_drain(s);
    uint8_t b[16];
    h_feed(s, b, response_head(b, (uint32_t)id, first));
}

/* How to read an allocator's figures: octets in use now, most so far. */
typedef struct meter {
    size_t (*in_use)(void *ctx);
    size_t (*peak)(void *ctx);
    void *ctx;
} meter;

static figures run_ours(const hyper_mem *mem, const meter *m, const hyper_h2_options *o,
                        int streams)
{
    figures f = {0};
    hyper_h2_session *s;
    int rc = hyper_h2_session_init(&s, mem, o);
    if (rc < 0)
        die("hyper_h2_session_init", rc);
    h_drain(s);
    uint8_t b[64];
    h_feed(s, b, server_settings(b));
    h_drain(s);
    f.peak = m->peak(m->ctx);
    f.idle = m->in_use(m->ctx);
    h_open_stream(s, o->header_table_size < 4096);
    f.first = m->in_use(m->ctx) - f.idle;
    size_t one = m->in_use(m->ctx);
    for (int i = 0; i < streams; i++)
        h_open_stream(s, 0);
    f.per_stream = (m->in_use(m->ctx) - one) / (size_t)streams;
    if (hyper_h2_stream_count(s) != (size_t)streams + 1)
        die("stream count", (long)hyper_h2_stream_count(s));
    size_t before = m->in_use(m->ctx);
    hyper_h2_request r = {"GET", "https", "example.com", "/", NULL, 0, NULL, 0, 1};
    int32_t id = hyper_h2_submit(s, &r);
    if (id <= 0)
        die("hyper_h2_submit", id);
    h_drain(s);
    static uint8_t big[8192];
    h_feed(s, big, response_filling_table(big, (uint32_t)id));
    f.full_table = m->in_use(m->ctx) - before;
    hyper_h2_session_free(s);
    return f;
}

static size_t counter_in_use(void *ctx) { return ((counter *)ctx)->in_use; }
static size_t counter_peak(void *ctx) { return ((counter *)ctx)->peak; }

static size_t arena_in_use(void *ctx)
{
    hyper_arena_stats st;
    hyper_arena_stats_get(ctx, &st);
    return st.in_use;
}
static size_t arena_peak(void *ctx)
{
    hyper_arena_stats st;
    hyper_arena_stats_get(ctx, &st);
    return st.peak;
}

static figures ours(const hyper_h2_options *o, int streams, size_t *arena_need)
{
    counter c = {0};
    hyper_mem mem = {h_alloc, h_realloc, h_free, &c};
    meter m = {counter_in_use, counter_peak, &c};
    figures f = run_ours(&mem, &m, o, streams);
    if (c.in_use)
        die("leak check", (long)c.in_use);

    /* The same through an arena: the buffer a device needs for it all
     * (control block, rounding and free-list fragmentation included). */
    static unsigned char abuf[1 << 20];
    hyper_arena *a = hyper_arena_init(abuf, sizeof abuf);
    meter am = {arena_in_use, arena_peak, a};
    (void)run_ours(hyper_arena_mem(a), &am, o, streams);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    if (st.in_use || st.misuse)
        die("arena leak check", (long)st.in_use);
    *arena_need = st.peak;
    return f;
}

/* ---- nghttp2 ----------------------------------------------------------------- */

static void n_drain(nghttp2_session *s)
{
    const uint8_t *p;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(s, &p)) > 0)
        ;
    if (n < 0)
        die("nghttp2_session_mem_send", (long)n);
}

static void n_feed(nghttp2_session *s, const uint8_t *b, size_t len)
{
    ssize_t n = nghttp2_session_mem_recv(s, b, len);
    if (n < 0 || (size_t)n != len)
        die("nghttp2_session_mem_recv", (long)n);
    n_drain(s);
}

static void n_open_stream(nghttp2_session *s, int first)
{
#define NV(n, v) {(uint8_t *)n, (uint8_t *)v, sizeof n - 1, sizeof v - 1, NGHTTP2_NV_FLAG_NONE}
    nghttp2_nv nva[] = {NV(":method", "GET"), NV(":scheme", "https"),
                        NV(":authority", "example.com"), NV(":path", "/index.html"),
                        NV("user-agent", "hyper-footprint/1"), NV("accept", "*/*")};
    int32_t id = nghttp2_submit_request(s, NULL, nva, sizeof nva / sizeof nva[0], NULL, NULL);
    if (id <= 0)
        die("nghttp2_submit_request", id);
    n_drain(s);
    uint8_t b[16];
    n_feed(s, b, response_head(b, (uint32_t)id, first));
}

static figures theirs(uint32_t table_size, int streams)
{
    figures f = {0};
    counter c = {0};
    nghttp2_mem mem = {&c, n_malloc, n_free, n_calloc, n_realloc};
    nghttp2_session_callbacks *cb;
    nghttp2_session *s;
    if (nghttp2_session_callbacks_new(&cb) != 0 ||
        nghttp2_session_client_new3(&s, cb, NULL, NULL, &mem) != 0)
        die("nghttp2_session_client_new3", 0);
    nghttp2_session_callbacks_del(cb);
    /* The same SETTINGS as ours by default, with the table size asked. */
    nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, table_size},
                                   {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                   {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
                                   {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 262144}};
    if (nghttp2_submit_settings(s, NGHTTP2_FLAG_NONE, iv, 4) != 0)
        die("nghttp2_submit_settings", 0);
    n_drain(s);
    uint8_t b[64];
    n_feed(s, b, server_settings(b));
    f.peak = c.peak;
    f.idle = c.in_use;
    n_open_stream(s, table_size < 4096);
    f.first = c.in_use - f.idle;
    size_t one = c.in_use;
    for (int i = 0; i < streams; i++)
        n_open_stream(s, 0);
    f.per_stream = (c.in_use - one) / (size_t)streams;
    size_t before = c.in_use;
    nghttp2_nv nva[] = {NV(":method", "GET"), NV(":scheme", "https"),
                        NV(":authority", "example.com"), NV(":path", "/")};
    int32_t id = nghttp2_submit_request(s, NULL, nva, 4, NULL, NULL);
    if (id <= 0)
        die("nghttp2_submit_request", id);
    n_drain(s);
    static uint8_t big[8192];
    n_feed(s, big, response_filling_table(big, (uint32_t)id));
    f.full_table = c.in_use - before;
    nghttp2_session_del(s);
    return f;
}

/* ---- report ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    int streams = argc > 1 ? atoi(argv[1]) : 64;
    if (streams < 1 || streams > 90)
        streams = 64;
    printf("HTTP/2 client connection, heap octets (TLS and caller's I/O buffers excluded)\n");
    printf("after SETTINGS + ACK; per stream = each further open stream (request sent,\n"
           "response HEADERS received), average of %d\n\n", streams);
    printf("%-26s %6s %7s %7s %10s %10s %10s %11s\n", "", "table", "peak", "idle",
           "1st stream", "per stream", "+full tbl", "arena need");
    static const uint32_t tables[] = {4096, 0};
    for (int profile = 0; profile < 2; profile++) {
        for (size_t t = 0; t < 2; t++) {
            hyper_h2_options o;
            hyper_h2_options_init(&o);
            o.header_table_size = tables[t];
            if (profile == 1) {
                o.output_buffer_size = 4096;
                o.max_events = 8;
                o.max_closed_streams = 8;
            }
            size_t need = 0;
            figures f = ours(&o, streams, &need);
            printf("%-26s %6u %7zu %7zu %10zu %10zu %10zu %11zu\n",
                   profile ? "hyper, device options" : "hyper, default options", tables[t],
                   f.peak, f.idle, f.first, f.per_stream, f.full_table, need);
        }
    }
    for (size_t t = 0; t < 2; t++) {
        figures f = theirs(tables[t], streams);
        printf("%-26s %6u %7zu %7zu %10zu %10zu %10zu %11s\n", "nghttp2 " NGHTTP2_VERSION,
               tables[t], f.peak, f.idle, f.first, f.per_stream, f.full_table, "-");
    }
    printf("\n1st stream: the first request and its response head (ours: the HPACK\n"
           "encoder, created then, and the output buffer, held while streams live).\n"
           "targets (issue 7): idle <= 8192 with table 4096, <= 4096 with table 0;\n"
           "per stream <= 256\n");
    return 0;
}
