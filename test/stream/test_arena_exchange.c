/*
 * Issue 7's two tests of the engine on an arena, with the heap forbidden:
 *
 *  1. A full HTTP/2 exchange: three streams (a small GET, a 300 KB
 *     download through many flow-control windows, a 100 KB upload streamed
 *     with hyper_h2_send_data), request and response fields repeated so
 *     both HPACK dynamic tables are in use, server bytes fed in uneven
 *     pieces so frames arrive split. Every octet of the session lives in
 *     one static buffer; malloc, calloc, realloc and free abort while the
 *     exchange runs (heap guard below).
 *  2. The same exchange with the arena failing its k-th allocation, for
 *     every k the clean run made, and with arenas too small by steps: no
 *     crash, the arena is empty after hyper_h2_session_free, and no request
 *     is lost: each submitted stream ends with END or RESET (or was reset
 *     by us after hyper_h2_send_data failed).
 *
 * The server is simulated in process (frames through src/frame, its HPACK
 * context on an arena of its own): SETTINGS, WINDOW_UPDATE credit for the
 * upload, responses within the client's windows, RST_STREAM honoured.
 *
 * Heap guard: glibc builds interpose malloc & co., passing through to
 * __libc_malloc & co. while disarmed; ASan builds install ASan's malloc
 * hook instead. Anything called while armed aborts the test binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "stream/h2_internal.h"
#include "testutil.h"

/* ---- heap guard ------------------------------------------------------------ */

static volatile int heap_armed;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GUARD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define GUARD_ASAN 1
#endif

#if defined(GUARD_ASAN)
#include <sanitizer/allocator_interface.h>
static void on_malloc(const volatile void *p, size_t n)
{
    (void)p;
    (void)n;
    if (heap_armed)
        abort();
}
static void on_free(const volatile void *p)
{
    if (heap_armed && p)
        abort();
}
static int guard_install(void)
{
    return __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
}
#elif defined(__GLIBC__)
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t k, size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *malloc(size_t n)
{
    if (heap_armed)
        abort();
    return __libc_malloc(n);
}
void *calloc(size_t k, size_t n)
{
    if (heap_armed)
        abort();
    return __libc_calloc(k, n);
}
void *realloc(void *p, size_t n)
{
    if (heap_armed)
        abort();
    return __libc_realloc(p, n);
}
void free(void *p)
{
    if (heap_armed && p)
        abort();
    __libc_free(p);
}
static int guard_install(void)
{
    return 1;
}
#else
static int guard_install(void)
{
    return 0; /* no guard on this C library: the arena checks still run */
}
#endif

/* ---- the exchange ------------------------------------------------------------ */

#define BIG_LEN 300000u
#define UP_LEN 100000u
#define NSTREAMS 3

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 31 + i / 253);
}

/* A failing view of an arena: call number fail_at is refused. */
typedef struct failing {
    hyper_mem mem;
    const hyper_mem *under;
    size_t calls, fail_at;
} failing;

static void *f_alloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (++f->calls == f->fail_at)
        return NULL;
    return f->under->alloc(f->under->ctx, n);
}
static void *f_realloc(void *ctx, void *p, size_t o, size_t n)
{
    failing *f = ctx;
    if (++f->calls == f->fail_at)
        return NULL;
    return f->under->realloc(f->under->ctx, p, o, n);
}
static void f_free(void *ctx, void *p, size_t n)
{
    failing *f = ctx;
    f->under->free(f->under->ctx, p, n);
}

typedef struct sstream {
    uint32_t id;
    int path;              /* 0 /small, 1 /big, 2 /upload */
    int responding;        /* head sent; body_off .. body_len pending */
    int done, reset;
    size_t body_len, body_off, uploaded;
    int64_t window;        /* what the client lets us send on it */
} sstream;

/* The simulated server: its HPACK context on its own arena. */
typedef struct server {
    hyper_arena *arena;
    hyper_hpack_encoder *enc;
    hyper_hpack_decoder *dec;
    hyper_frame_reader rd;
    uint8_t rbuf[20000];
    size_t preface;            /* preface octets still to skip */
    int64_t conn_window;
    int64_t initial_window;
    sstream st[NSTREAMS];
    size_t nst;
    uint8_t out[1u << 18];     /* server -> client, [out_head, out_tail) */
    size_t out_head, out_tail;
    uint32_t hb_stream;        /* header block being received */
    int hb_end_stream;
    int hb_path;
    size_t token_fields;       /* x-token fields decoded */
    int bad;                   /* line of the first protocol surprise */
} server;

/* What a run saw; checked after the heap guard is off. */
typedef struct result {
    int bad_line;              /* first failed CHECK, 0 if none */
    int32_t ids[NSTREAMS];
    int ended[NSTREAMS];       /* END event */
    int reset[NSTREAMS];       /* RESET event, or reset by us */
    size_t got[NSTREAMS];      /* body octets */
    int enomem_seen;           /* an API call or event reported HYPER_ENOMEM */
    int conn_error;
    size_t dec_entries, srv_dec_entries;
    size_t peak;               /* arena peak */
    size_t left;               /* arena octets in use after session free */
    size_t misuse;
} result;

#define CHECK(r, c) do { if (!(c) && !(r)->bad_line) (r)->bad_line = __LINE__; } while (0)

static void srv_put(server *sv, size_t n)
{
    sv->out_tail += n;
}

static uint8_t *srv_room(server *sv, size_t n)
{
    if (sv->out_tail + n > sizeof sv->out) {
        memmove(sv->out, sv->out + sv->out_head, sv->out_tail - sv->out_head);
        sv->out_tail -= sv->out_head;
        sv->out_head = 0;
    }
    return sv->out_tail + n <= sizeof sv->out ? sv->out + sv->out_tail : NULL;
}

static sstream *srv_find(server *sv, uint32_t id)
{
    for (size_t i = 0; i < sv->nst; i++)
        if (sv->st[i].id == id)
            return &sv->st[i];
    return NULL;
}

static void srv_window_update(server *sv, uint32_t id, uint32_t inc)
{
    uint8_t *p = srv_room(sv, 13);
    if (p)
        srv_put(sv, (size_t)hyper_frame_window_update_encode(p, 13, id, inc));
}

static void srv_respond(server *sv, sstream *st)
{
    static const char *const paths[] = {"/small", "/big", "/upload"};
    char len[24];
    st->body_len = st->path == 0 ? 5 : st->path == 1 ? BIG_LEN : strlen("100000");
    size_t n = 0; /* decimal, no stdio while the heap is forbidden */
    for (size_t v = st->body_len; n == 0 || v; v /= 10)
        len[n++] = (char)('0' + v % 10);
    for (size_t i = 0; i < n / 2; i++) {
        char c = len[i];
        len[i] = len[n - 1 - i];
        len[n - 1 - i] = c;
    }
    hyper_hpack_field f[] = {
        {":status", 7, "200", 3, 0},
        {"server", 6, "arena-test/1", 12, 0},
        {"content-type", 12, "application/octet-stream", 24, 0},
        {"x-req", 5, paths[st->path], strlen(paths[st->path]), 0},
        {"content-length", 14, len, n, 0},
    };
    uint8_t block[512];
    long bl = hyper_hpack_encode(sv->enc, f, 5, block, sizeof block);
    uint8_t *p = srv_room(sv, 9 + 512);
    if (bl < 0 || !p) {
        sv->bad = __LINE__;
        return;
    }
    hyper_frame_headers h = {block, (size_t)bl, 0, 0, 0, {0, 0, 0}};
    srv_put(sv, (size_t)hyper_frame_headers_encode(p, 9 + 512, st->id,
                                                   HYPER_FRAME_FLAG_END_HEADERS, &h));
    st->responding = 1;
}

/* Body octets as far as the windows and max frame size let us. */
static void srv_pump(server *sv)
{
    for (size_t i = 0; i < sv->nst; i++) {
        sstream *st = &sv->st[i];
        while (st->responding && !st->done && !st->reset) {
            size_t n = st->body_len - st->body_off;
            if (n > 16384)
                n = 16384;
            if ((int64_t)n > st->window)
                n = (size_t)(st->window > 0 ? st->window : 0);
            if ((int64_t)n > sv->conn_window)
                n = (size_t)(sv->conn_window > 0 ? sv->conn_window : 0);
            int last = st->body_off + n == st->body_len;
            if (n == 0 && !last)
                break;
            uint8_t *p = srv_room(sv, 9 + n);
            if (!p)
                break;
            uint8_t chunk[16384];
            for (size_t k = 0; k < n; k++)
                chunk[k] = st->path == 1 ? pattern(st->body_off + k)
                           : st->path == 0 ? (uint8_t)"hello"[st->body_off + k]
                                           : (uint8_t)"100000"[st->body_off + k];
            hyper_frame_data d = {chunk, n, 0, 0};
            srv_put(sv, (size_t)hyper_frame_data_encode(p, 9 + n, st->id,
                                                        last ? HYPER_FRAME_FLAG_END_STREAM : 0,
                                                        &d));
            st->body_off += n;
            st->window -= (int64_t)n;
            sv->conn_window -= (int64_t)n;
            st->done = last;
        }
    }
}

static void srv_header_block(server *sv, const uint8_t *frag, size_t len, int final)
{
    for (;;) {
        hyper_hpack_field f;
        size_t used = 0;
        int rc = hyper_hpack_decode(sv->dec, frag, len, final, &f, &used);
        if (rc < 0) {
            sv->bad = __LINE__;
            return;
        }
        frag += used;
        len -= used;
        if (rc == 0)
            break;
        if (f.name_len == 5 && memcmp(f.name, ":path", 5) == 0)
            sv->hb_path = f.value_len == 4 ? 1 : f.value_len == 6 && f.value[1] == 's' ? 0 : 2;
        if (f.name_len == 7 && memcmp(f.name, "x-token", 7) == 0 && f.value_len == 12 &&
            memcmp(f.value, "tok-12345678", 12) == 0)
            sv->token_fields++;
    }
    if (!final)
        return;
    if (sv->nst == NSTREAMS) {
        sv->bad = __LINE__;
        return;
    }
    sstream *st = &sv->st[sv->nst++];
    memset(st, 0, sizeof *st);
    st->id = sv->hb_stream;
    st->path = sv->hb_path;
    st->window = sv->initial_window;
    if (sv->hb_end_stream)
        srv_respond(sv, st);
}

static void srv_frame(server *sv, const hyper_frame_hd *hd, const uint8_t *payload)
{
    hyper_frame f;
    if (hyper_frame_decode(&f, hd, payload) < 0) {
        sv->bad = __LINE__;
        return;
    }
    sstream *st = srv_find(sv, hd->stream_id);
    switch (hd->type) {
    case HYPER_FRAME_SETTINGS: {
        if (f.u.settings.ack)
            return;
        hyper_frame_setting s;
        while (hyper_frame_settings_next(&f.u.settings, &s))
            if (s.id == HYPER_SETTINGS_INITIAL_WINDOW_SIZE)
                sv->initial_window = s.value;
        uint8_t *p = srv_room(sv, 9);
        if (p)
            srv_put(sv, (size_t)hyper_frame_settings_ack_encode(p, 9));
        return;
    }
    case HYPER_FRAME_HEADERS:
    case HYPER_FRAME_CONTINUATION: {
        const uint8_t *frag = hd->type == HYPER_FRAME_HEADERS ? f.u.headers.fragment
                                                             : f.u.continuation.fragment;
        size_t len = hd->type == HYPER_FRAME_HEADERS ? f.u.headers.len : f.u.continuation.len;
        if (hd->type == HYPER_FRAME_HEADERS) {
            sv->hb_stream = hd->stream_id;
            sv->hb_end_stream = (hd->flags & HYPER_FRAME_FLAG_END_STREAM) != 0;
            sv->hb_path = -1;
        }
        srv_header_block(sv, frag, len, (hd->flags & HYPER_FRAME_FLAG_END_HEADERS) != 0);
        return;
    }
    case HYPER_FRAME_WINDOW_UPDATE:
        if (hd->stream_id == 0)
            sv->conn_window += f.u.window_update.increment;
        else if (st)
            st->window += f.u.window_update.increment;
        return;
    case HYPER_FRAME_RST_STREAM:
        if (st)
            st->reset = 1;
        return;
    default:
        return; /* GOAWAY, PING: nothing to answer here */
    }
}

/* DATA from the client: the upload. Credit it back at once. */
static void srv_data(server *sv, const hyper_frame_read_event *ev)
{
    sstream *st = srv_find(sv, ev->hd.stream_id);
    if (ev->flow_len) {
        srv_window_update(sv, 0, (uint32_t)ev->flow_len);
        if (st && !ev->end_stream)
            srv_window_update(sv, ev->hd.stream_id, (uint32_t)ev->flow_len);
    }
    if (!st)
        return;
    st->uploaded += ev->len;
    if (ev->end_stream && !st->reset) {
        if (st->uploaded != UP_LEN)
            sv->bad = __LINE__;
        srv_respond(sv, st);
    }
}

static void srv_recv(server *sv, const uint8_t *p, size_t n)
{
    while (n && sv->preface) {
        p++;
        n--;
        sv->preface--;
    }
    while (n) {
        hyper_frame_read_event ev;
        long used = hyper_frame_reader_recv(&sv->rd, p, n, &ev);
        if (used < 0) {
            sv->bad = __LINE__;
            return;
        }
        p += used;
        n -= (size_t)used;
        if (ev.type == HYPER_FRAME_READ_FRAME)
            srv_frame(sv, &ev.hd, ev.payload);
        else if (ev.type == HYPER_FRAME_READ_DATA)
            srv_data(sv, &ev);
    }
}

static int srv_init(server *sv, void *abuf, size_t asize)
{
    memset(sv, 0, sizeof *sv);
    sv->arena = hyper_arena_init(abuf, asize);
    const hyper_mem *m = hyper_arena_mem(sv->arena);
    if (hyper_hpack_encoder_init(&sv->enc, m, NULL) < 0 ||
        hyper_hpack_decoder_init(&sv->dec, m, NULL) < 0 ||
        hyper_frame_reader_init(&sv->rd, 16384, sv->rbuf, sizeof sv->rbuf) < 0)
        return -1;
    sv->preface = HYPER_FRAME_PREFACE_LEN;
    sv->conn_window = 65535;
    sv->initial_window = 65535;
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 10},
                                 {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 32768}};
    uint8_t *p = srv_room(sv, 9 + 12);
    srv_put(sv, (size_t)hyper_frame_settings_encode(p, 21, 0, set, 2));
    return 0;
}

static void srv_free(server *sv)
{
    hyper_hpack_encoder_free(sv->enc);
    hyper_hpack_decoder_free(sv->dec);
}

/* ---- the client's side ------------------------------------------------------ */

static int index_of(const result *r, int32_t id)
{
    for (int i = 0; i < NSTREAMS; i++)
        if (r->ids[i] == id && id > 0)
            return i;
    return -1;
}

static void client_events(hyper_h2_session *s, result *r, int *progress)
{
    hyper_event ev;
    while (hyper_h2_next_event(s, &ev)) {
        *progress = 1;
        int i = index_of(r, ev.stream_id);
        if (ev.error == HYPER_ENOMEM)
            r->enomem_seen = 1;
        switch (ev.type) {
        case HYPER_EVENT_HEADERS: {
            const char *v;
            size_t vl;
            CHECK(r, i >= 0 && ev.status == 200);
            CHECK(r, hyper_headers_get(ev.headers, "server", 0, &v, &vl) == HYPER_OK && vl == 12);
            break;
        }
        case HYPER_EVENT_DATA:
            CHECK(r, i >= 0);
            if (i == 1)
                for (size_t k = 0; k < ev.len; k++)
                    CHECK(r, ev.data[k] == pattern(r->got[1] + k));
            if (i == 0)
                CHECK(r, r->got[0] + ev.len <= 5 &&
                             memcmp(ev.data, &"hello"[r->got[0]], ev.len) == 0);
            if (i == 2)
                CHECK(r, r->got[2] + ev.len <= 6 &&
                             memcmp(ev.data, &"100000"[r->got[2]], ev.len) == 0);
            if (i >= 0)
                r->got[i] += ev.len;
            CHECK(r, hyper_h2_consume(s, ev.stream_id, ev.flow_len) == HYPER_OK);
            break;
        case HYPER_EVENT_END:
            CHECK(r, i >= 0 && !r->ended[i] && !r->reset[i]);
            if (i >= 0)
                r->ended[i] = 1;
            break;
        case HYPER_EVENT_RESET:
            CHECK(r, i >= 0 && !r->ended[i] && !r->reset[i]);
            if (i >= 0)
                r->reset[i] = 1;
            break;
        case HYPER_EVENT_ERROR:
            r->conn_error = 1;
            break;
        default:
            break;
        }
        hyper_headers_free(ev.headers);
    }
}

/* The upload: as much as the stream's queue takes now. */
static void client_upload(hyper_h2_session *s, result *r, size_t *up, int *progress)
{
    static uint8_t piece[1500];
    while (r->ids[2] > 0 && !r->reset[2] && *up < UP_LEN) {
        size_t n = UP_LEN - *up < sizeof piece ? UP_LEN - *up : sizeof piece;
        memset(piece, 'u', n);
        long k = hyper_h2_send_data(s, r->ids[2], piece, n, *up + n == UP_LEN);
        if (k == HYPER_ENOMEM) {
            /* The queue cannot be had: give the request up ourselves. */
            r->enomem_seen = 1;
            if (hyper_h2_reset_stream(s, r->ids[2], HYPER_H2_CANCEL) == HYPER_OK)
                r->reset[2] = 1;
            return;
        }
        if (k <= 0)
            return;
        *up += (size_t)k;
        *progress = 1;
    }
}

static void submit_all(hyper_h2_session *s, result *r)
{
    hyper_hpack_field f[] = {{"x-token", 7, "tok-12345678", 12, 0},
                             {"user-agent", 10, "hyper-arena-test", 16, 0}};
    static const char *const paths[] = {"/small", "/big", "/upload"};
    for (int i = 0; i < NSTREAMS; i++) {
        hyper_h2_request q = {i == 2 ? "POST" : "GET", "https", "example.com", paths[i],
                              f, 2, NULL, 0, i != 2};
        r->ids[i] = hyper_h2_submit(s, &q);
        if (r->ids[i] == HYPER_ENOMEM)
            r->enomem_seen = 1;
        CHECK(r, r->ids[i] > 0 || r->ids[i] == HYPER_ENOMEM);
    }
}

static int all_over(const result *r)
{
    for (int i = 0; i < NSTREAMS; i++)
        if (r->ids[i] > 0 && !r->ended[i] && !r->reset[i])
            return 0;
    return 1;
}

static _Alignas(16) unsigned char client_arena[64 * 1024];
static _Alignas(16) unsigned char server_arena[64 * 1024];
static server sv;

/* One exchange on an arena of `size` octets, failing call fail_at (0:
 * none). Returns the allocation calls made. */
static size_t exchange(size_t size, size_t fail_at, result *r)
{
    memset(r, 0, sizeof *r);
    hyper_arena *a = hyper_arena_init(client_arena, size);
    if (!a) {
        r->bad_line = __LINE__;
        return 0;
    }
    failing fm = {{f_alloc, f_realloc, f_free, NULL}, hyper_arena_mem(a), 0, fail_at};
    fm.mem.ctx = &fm;
    if (srv_init(&sv, server_arena, sizeof server_arena) < 0) {
        r->bad_line = __LINE__;
        return 0;
    }
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.output_buffer_size = 4096;
    o.max_events = 8;
    o.max_closed_streams = 8;
    o.initial_window_size = 65535;
    o.connection_window_size = 65535;
    o.stream_send_buffer = 4096;
    hyper_h2_session *s = NULL;
    int rc = hyper_h2_session_init(&s, &fm.mem, &o);
    if (rc < 0) {
        CHECK(r, rc == HYPER_ENOMEM);
        r->enomem_seen = 1;
        srv_free(&sv);
        hyper_arena_stats st;
        hyper_arena_stats_get(a, &st);
        r->left = st.in_use;
        return fm.calls;
    }
    submit_all(s, r);
    size_t up = 0;
    uint32_t seed = 7;
    for (int idle = 0; idle < 3 && !all_over(r);) {
        int progress = 0;
        client_upload(s, r, &up, &progress);
        const uint8_t *p;
        size_t n;
        while ((n = hyper_h2_send_pending(s, &p)) > 0) {
            srv_recv(&sv, p, n);
            CHECK(r, hyper_h2_sent(s, n) == HYPER_OK);
            progress = 1;
        }
        srv_pump(&sv);
        /* Server bytes in uneven pieces: frames arrive split. */
        while (sv.out_head < sv.out_tail && !r->bad_line) {
            seed = seed * 1103515245u + 12345u;
            size_t k = 1 + (seed >> 8) % 3000;
            if (k > sv.out_tail - sv.out_head)
                k = sv.out_tail - sv.out_head;
            long used = hyper_h2_recv(s, sv.out + sv.out_head, k);
            client_events(s, r, &progress);
            if (used < 0) {
                CHECK(r, used == HYPER_ENOMEM || r->enomem_seen);
                r->enomem_seen |= used == HYPER_ENOMEM;
                sv.out_head = sv.out_tail;
                break;
            }
            sv.out_head += (size_t)used;
            progress |= used > 0;
            while ((n = hyper_h2_send_pending(s, &p)) > 0) {
                srv_recv(&sv, p, n);
                CHECK(r, hyper_h2_sent(s, n) == HYPER_OK);
            }
        }
        client_events(s, r, &progress);
        idle = progress ? 0 : idle + 1;
    }
    CHECK(r, sv.bad == 0);
    r->dec_entries = hyper_hpack_decoder_table_count(s->dec);
    r->srv_dec_entries = sv.token_fields;
    hyper_h2_session_free(s);
    srv_free(&sv);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    r->left = st.in_use;
    r->peak = st.peak;
    r->misuse = st.misuse;
    return fm.calls;
}

static void check_clean_end(const result *r, const char *what, size_t k)
{
    if (r->bad_line)
        fail_msg("%s %zu: check at line %d failed", what, k, r->bad_line);
    if (r->left || r->misuse)
        fail_msg("%s %zu: %zu octets left in the arena, %zu misuses", what, k, r->left,
                 r->misuse);
    if (!all_over(r))
        fail_msg("%s %zu: a request neither ended nor was reset", what, k);
}

static void full_exchange_on_arena_no_heap(void **state)
{
    (void)state;
    int guarded = guard_install();
    result r;
    heap_armed = guarded;
    size_t calls = exchange(sizeof client_arena, 0, &r);
    heap_armed = 0;
    if (!guarded)
        print_message("heap guard unavailable on this C library: arena checks only\n");
    check_clean_end(&r, "clean run", 0);
    for (int i = 0; i < NSTREAMS; i++) {
        assert_true(r.ids[i] == 1 + 2 * i);
        assert_true(r.ended[i]);
        assert_false(r.reset[i]);
    }
    assert_int_equal(r.got[0], 5);
    assert_int_equal(r.got[1], BIG_LEN);
    assert_int_equal(r.got[2], 6); /* the server counted 100000 octets */
    assert_false(r.enomem_seen);
    /* Both dynamic tables in use: ours holds the server's fields, the
     * server's decoder saw our x-token on all three requests. */
    assert_true(r.dec_entries >= 3);
    assert_int_equal(r.srv_dec_entries, 3);
    assert_true(calls > 10);
    print_message("clean run: %zu allocations, arena peak %zu octets\n", calls, r.peak);
}

static void every_allocation_fails_in_turn_on_arena(void **state)
{
    (void)state;
    int guarded = guard_install();
    result r;
    size_t calls = exchange(sizeof client_arena, 0, &r);
    size_t peak = r.peak;
    size_t completed = 0;
    for (size_t k = 1; k <= calls + 1; k++) {
        heap_armed = guarded;
        exchange(sizeof client_arena, k, &r);
        heap_armed = 0;
        check_clean_end(&r, "fail_at", k);
        int all_ended = r.ended[0] && r.ended[1] && r.ended[2];
        completed += all_ended;
        /* A failure that cost a request was reported as HYPER_ENOMEM. */
        if (!all_ended && !r.enomem_seen)
            fail_msg("fail_at %zu: a request failed without HYPER_ENOMEM", k);
    }
    assert_true(completed >= 1); /* past the last call nothing fails */
    /* Arenas too small, by steps: the arena's own refusal. */
    for (size_t size = peak; size > 512; size = size * 7 / 8) {
        heap_armed = guarded;
        exchange(size, 0, &r);
        heap_armed = 0;
        check_clean_end(&r, "arena size", size);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_exchange_on_arena_no_heap),
        cmocka_unit_test(every_allocation_fails_in_turn_on_arena),
    };
    return cmocka_run_group_tests_name("h2_arena_exchange", tests, NULL, NULL);
}
