/*
 * fuzz_h2_frames — structure-aware HTTP/2 client-session target.
 *
 * fuzz_h2_session feeds raw bytes, so most inputs die at the preface check
 * or in the first frame header. Here the input is a program: each step is
 * an op byte and its arguments, and the harness turns it into a well-formed
 * server frame (RFC 9113 §4.1 header with a correct length, a stream id
 * picked from the ids the client actually opened or was promised, a payload
 * of valid size) so the session reaches stream states, flow control,
 * trailers, push and GOAWAY handling. Header blocks come from a server-side
 * HPACK encoder (ours: its table mirrors the client's decoder) over fields
 * the fuzzer picks from a table of names and values (valid, malformed,
 * forbidden, oversized). Some steps are raw bytes, frames of unknown type,
 * frames interleaved inside a header block, or application calls (submit,
 * send_data, reset, refuse push, ping, goaway, consume held credit).
 *
 * Input layout:
 *   byte 0  mode: bit 0 push on; bit 1 tight bounds; bits 2-3 requests at
 *           start (1..4); bit 4 slow reader (holds DATA credit); bit 5 the
 *           server skips its first SETTINGS; bits 6-7 Huffman/indexing.
 *   byte 1  seed for piece sizes (how the bytes are cut on the way in)
 *   rest    steps: op = byte % 16 (see step()), then its arguments; an
 *           exhausted input reads as zeros, so every prefix is a program.
 *
 * Invariants checked (abort() on violation), besides ASan/UBSan/LSan:
 *  - per stream the events come in the documented order: INFORMATIONAL*,
 *    HEADERS, DATA*, TRAILERS?, END, or RESET at any point, nothing after;
 *    no event for a stream the application reset or refused; event stream
 *    ids are ids we submitted or were promised (PUSH_PROMISE only with push
 *    on, promised ids even); statuses in range;
 *  - DATA: len <= flow_len <= our max frame size; no octet in a response
 *    without content (HEAD, 204, 304); an END after content-length N comes
 *    after exactly N octets; consume of delivered credit is accepted;
 *  - the stream state agrees with the events (END: half-closed remote or
 *    closed; RESET: closed or idle), receive windows never negative;
 *  - after an ERROR event no more events, recv keeps failing, and every
 *    stream we submitted got END or RESET (nothing pending dropped);
 *  - live streams within max_streams + max_pushed_streams; allocator bytes
 *    in use never above a bound computed from the options; recv always
 *    makes progress while events and output are drained; nothing left
 *    allocated after hyper_h2_session_free.
 */
#include "counting_mem.h"
#include "fuzz_h2_frames/harness.h"

/* ---- frame building ---------------------------------------------------------- */

enum { T_DATA, T_HEADERS, T_PRIORITY, T_RST, T_SETTINGS, T_PUSH, T_PING, T_GOAWAY,
       T_WINDOW, T_CONT };

static void put(fuzz_state *f, const void *p, size_t n)
{
    if (n > sizeof f->frame - f->flen)
        n = sizeof f->frame - f->flen;
    if (n)
        memcpy(f->frame + f->flen, p, n);
    f->flen += n;
}

static void put32(fuzz_state *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(f, b, 4);
}

/* A frame header (RFC 9113 §4.1); the payload must follow with len octets. */
static int hdr(fuzz_state *f, size_t len, unsigned type, unsigned flags, uint32_t id)
{
    if (len > 0xffffff || f->flen + 9 + len > sizeof f->frame)
        return 0;
    TRACE("  frame type %u flags 0x%x stream %u len %zu\n", type, flags, id, len);
    uint8_t b[5] = {(uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len,
                    (uint8_t)type, (uint8_t)flags};
    put(f, b, 5);
    put32(f, id);
    return 1;
}

static void frame(fuzz_state *f, unsigned type, unsigned flags, uint32_t id,
                  const void *p, size_t len)
{
    if (hdr(f, len, type, flags, id))
        put(f, p, len);
}

/* A stream id: mostly one the client knows of, sometimes a hostile one. */
static uint32_t pick_id(fuzz_state *f, reader *r)
{
    unsigned v = u8(r);
    if (v < 208 && f->nst)
        return (uint32_t)f->st[v % f->nst].id;
    switch (v % 6) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint32_t)f->nst * 2 + 41; /* odd, never opened */
    case 3: return (uint32_t)f->next_promised + 2; /* even, not promised yet */
    case 4: return 0x7fffffffu;
    default: return 0x80000000u | 1u; /* reserved bit set */
    }
}

/* ---- header blocks -------------------------------------------------------- */

static const char *const names[] = {
    "content-type", "content-length", "set-cookie", "server", "date", "x-fuzz",
    "cache-control", "etag", "Content-Type", "connection", "te", "transfer-encoding",
    ":path", ":status", "trailer", "keep-alive", "upgrade", ":method", "", "x-big",
};
#define NNAMES (sizeof names / sizeof names[0])
static const char *const statuses[] = {
    "200", "204", "304", "100", "103", "404", "500", "101", "2000", "20a", "", "599",
};
#define NSTATUSES (sizeof statuses / sizeof statuses[0])
static char big[8192];

#define MAX_FIELDS 48

typedef struct block {
    hyper_hpack_field fl[MAX_FIELDS];
    size_t n;
    char num[MAX_FIELDS][24];
} block;

/* One fuzzer-chosen field: a name from the table, a value from the input,
 * a number (content-length), or a big repeated value (HPACK bomb). */
static void field(block *b, reader *r)
{
    if (b->n == MAX_FIELDS)
        return;
    hyper_hpack_field *fl = &b->fl[b->n];
    unsigned op = u8(r);
    fl->name = names[op % NNAMES];
    fl->name_len = strlen(fl->name);
    fl->flags = (op & 0x80) ? HYPER_HPACK_NEVER_INDEX : 0;
    const uint8_t *p;
    switch (u8(r) % 4) {
    case 0:
        fl->value_len = take(r, u8(r) % 40, &p);
        fl->value = (const char *)p;
        break;
    case 1:
        fl->value_len = (size_t)snprintf(b->num[b->n], sizeof b->num[0], "%u", u16(r));
        fl->value = b->num[b->n];
        break;
    case 2:
        fl->value = big;
        fl->value_len = u16(r) % sizeof big;
        break;
    default:
        fl->value = "text/plain";
        fl->value_len = 10;
        break;
    }
    b->n++;
}

/* A response head (status first, or none for trailers), or a promised
 * request, then fuzzer-chosen fields. */
static void make_block(block *b, reader *r, int kind)
{
    b->n = 0;
    unsigned c = u8(r);
    if (kind == 0) { /* response head */
        const char *st = statuses[c % NSTATUSES];
        b->fl[b->n++] = (hyper_hpack_field){":status", 7, st, strlen(st), 0};
    } else if (kind == 2) { /* promised request (§8.4) */
        static const hyper_hpack_field req[4] = {
            {":method", 7, "GET", 3, 0}, {":scheme", 7, "https", 5, 0},
            {":authority", 10, "example.com", 11, 0}, {":path", 5, "/pushed", 7, 0}};
        size_t keep = (c & 0x80) ? c % 4 : 4; /* sometimes incomplete */
        for (size_t i = 0; i < keep; i++)
            b->fl[b->n++] = req[i];
    }
    size_t extra = (c >> 4) & 7;
    if (extra == 7)
        extra = 7 + u8(r) % (MAX_FIELDS - 12);
    while (extra--)
        field(b, r);
}

/* Encodes the block and writes it as HEADERS/PUSH_PROMISE (prefix holds the
 * promised id for PUSH_PROMISE) plus CONTINUATIONs, cut where the fuzzer
 * says; sometimes a PING sneaks in between (a §6.10 connection error). */
static void block_frames(fuzz_state *f, reader *r, unsigned type, uint32_t id,
                         unsigned flags, const uint8_t *prefix, size_t plen)
{
    block b;
    make_block(&b, r, type == T_PUSH ? 2 : (flags & 0x100) ? 1 : 0);
    flags &= 0xff;
    static uint8_t enc[1 << 16];
    size_t bound = hyper_hpack_encode_bound(f->enc, b.fl, b.n);
    if (bound > sizeof enc)
        return;
    long len = hyper_hpack_encode(f->enc, b.fl, b.n, enc, sizeof enc);
    if (len < 0)
        return;
    unsigned cut = u8(r);
    size_t chunk = cut & 0x80 ? 1 + cut % 64 : 16384 - 32;
    int interleave = (cut & 0x7f) == 0x55;
    size_t first = (size_t)len < chunk ? (size_t)len : chunk;
    unsigned pad = (flags & 0x08) ? u8(r) % 16 : 0;
    unsigned pri = (flags & 0x20) ? 5 : 0;
    if (first < (size_t)len)
        flags &= ~0x04u; /* END_HEADERS only on the last frame */
    else
        flags |= 0x04;
    size_t padded = (flags & 0x08) ? 1 + pad : 0;
    if (!hdr(f, padded + pri + plen + first, type, flags, id))
        return;
    if (padded)
        put(f, (uint8_t[]){(uint8_t)pad}, 1);
    if (pri)
        put(f, (uint8_t[]){0, 0, 0, 3, 15}, 5);
    put(f, prefix, plen);
    put(f, enc, first);
    static const uint8_t zeros[256];
    put(f, zeros, pad);
    for (size_t pos = first; pos < (size_t)len; pos += chunk) {
        if (interleave && pos == first)
            frame(f, T_PING, 0, 0, "interlvd", 8);
        size_t n = (size_t)len - pos < chunk ? (size_t)len - pos : chunk;
        frame(f, T_CONT, pos + n == (size_t)len ? 0x04 : 0, id, enc + pos, n);
    }
}

/* ---- steps -------------------------------------------------------------- */

static void settings_frame(fuzz_state *f, reader *r)
{
    static const uint32_t vals[] = {0, 1, 100, 4096, 16384, 65535, 16777215, 0x7fffffff,
                                    0x80000000u, 2, 16383, 16777216, 1u << 20, 5};
    uint8_t p[6 * 8];
    size_t n = u8(r) % 9;
    for (size_t i = 0; i < n; i++) {
        unsigned id = 1 + u8(r) % 8; /* 7 and 8 are unknown/extension */
        uint32_t v = vals[u8(r) % (sizeof vals / sizeof vals[0])];
        uint8_t *q = p + 6 * i;
        q[0] = 0, q[1] = (uint8_t)id;
        q[2] = (uint8_t)(v >> 24), q[3] = (uint8_t)(v >> 16), q[4] = (uint8_t)(v >> 8), q[5] = (uint8_t)v;
    }
    frame(f, T_SETTINGS, 0, 0, p, 6 * n);
}

static void data_frames(fuzz_state *f, reader *r)
{
    uint32_t id = pick_id(f, r);
    unsigned c = u8(r);
    size_t count = (c & 0x80) ? 1 + c % 16 : 1;
    size_t len = (c & 0x40) ? u16(r) % (f->o.max_frame_size + 1) : u8(r) % 64;
    unsigned pad = (c & 0x20) ? u8(r) : 0;
    if (pad && len + pad + 1 > f->o.max_frame_size)
        pad = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned flags = (pad ? 0x08 : 0) | ((c & 0x10) && i + 1 == count ? 0x01 : 0);
        if (!hdr(f, len + (pad ? pad + 1 : 0), T_DATA, flags, id))
            return;
        if (pad)
            put(f, (uint8_t[]){(uint8_t)pad}, 1);
        for (size_t k = 0; k < len; k += sizeof big)
            put(f, big, len - k < sizeof big ? len - k : sizeof big);
        static const uint8_t zeros[256];
        put(f, zeros, pad);
    }
}

/* One application call between frames. */
static void app_call(fuzz_state *f, reader *r)
{
    static const uint8_t body[] = "request body bytes";
    unsigned c = u8(r);
    int32_t id = (int32_t)pick_id(f, r);
    mstream *m = model_find(f, id);
    TRACE("  app call %u on stream %d\n", c % 8, id);
    switch (c % 8) {
    case 0: (void)hyper_h2_ping(f->s, (const uint8_t *)"fuzzping"); break;
    case 1:
        if (hyper_h2_reset_stream(f->s, id, HYPER_H2_CANCEL) == HYPER_OK && m)
            m->gone = 1;
        break;
    case 2:
        if (hyper_h2_refuse_push(f->s, id) == HYPER_OK && m)
            m->gone = 1;
        break;
    case 3: (void)hyper_h2_goaway(f->s, HYPER_H2_NO_ERROR, body, c >> 4); break;
    case 4: {
        hyper_h2_request q = {"GET", "https", "example.com", "/more", NULL, 0, NULL, 0, 1};
        int32_t nid = f->nst < MAX_MODEL ? hyper_h2_submit(f->s, &q) : -1;
        if (nid > 0)
            (void)model_add(f, nid, 0, 0);
        break;
    }
    case 5: (void)hyper_h2_send_data(f->s, id, body, c >> 4, (c >> 3) & 1); break;
    case 6: give_back(f); break;
    default: f->slow = !f->slow; break;
    }
}

/* One step of the program; returns 1 once the session died. */
static int step(fuzz_state *f, reader *r)
{
    unsigned op = u8(r) % 16;
    TRACE("step op %u\n", op);
    uint8_t p[16];
    const uint8_t *raw;
    switch (op) {
    case 0: case 1: { /* response head / trailers */
        uint32_t id = pick_id(f, r);
        unsigned fl = u8(r) & (0x01 | 0x08 | 0x20);
        block_frames(f, r, T_HEADERS, id, fl | (op == 1 ? 0x101 : 0), NULL, 0);
        break;
    }
    case 2: data_frames(f, r); break;
    case 3: settings_frame(f, r); break;
    case 4: frame(f, T_SETTINGS, 0x01, 0, NULL, 0); break;
    case 5: frame(f, T_PING, u8(r) & 1, 0, "fuzzping", 8); break;
    case 6: {
        uint32_t id = pick_id(f, r);
        memcpy(p, (uint8_t[]){0, 0, 0, (uint8_t)(u8(r) % 16)}, 4);
        frame(f, T_RST, 0, id, p, 4);
        break;
    }
    case 7: {
        uint32_t id = pick_id(f, r), inc = u8(r) & 1 ? u32(r) & 0x7fffffff : u16(r);
        memcpy(p, (uint8_t[]){(uint8_t)(inc >> 24), (uint8_t)(inc >> 16),
                              (uint8_t)(inc >> 8), (uint8_t)inc}, 4);
        frame(f, T_WINDOW, 0, id, p, 4);
        break;
    }
    case 8: {
        uint32_t last = u8(r) & 1 ? pick_id(f, r) : u32(r) & 0x7fffffff;
        uint32_t code = u8(r) % 14;
        size_t dl = take(r, u8(r) % 16, &raw);
        if (hdr(f, 8 + dl, T_GOAWAY, 0, 0)) {
            put32(f, last), put32(f, code), put(f, raw, dl);
        }
        break;
    }
    case 9: { /* PUSH_PROMISE on a client stream */
        uint32_t id = pick_id(f, r);
        uint32_t promised = (u8(r) & 0x7) ? (uint32_t)f->next_promised + 2 : pick_id(f, r);
        if ((int32_t)promised > f->next_promised && !(promised & 1))
            f->next_promised = (int32_t)promised;
        uint8_t pre[4] = {(uint8_t)(promised >> 24), (uint8_t)(promised >> 16),
                          (uint8_t)(promised >> 8), (uint8_t)promised};
        block_frames(f, r, T_PUSH, id, u8(r) & 0x08, pre, 4);
        break;
    }
    case 10: {
        uint32_t id = pick_id(f, r), dep = pick_id(f, r);
        memcpy(p, (uint8_t[]){(uint8_t)(dep >> 24), (uint8_t)(dep >> 16),
                              (uint8_t)(dep >> 8), (uint8_t)dep, 15}, 5);
        frame(f, T_PRIORITY, 0, id, p, (u8(r) & 7) ? 5 : 4);
        break;
    }
    case 11: { /* unknown type, any flags: must be ignored (§4.1, §5.5) */
        unsigned t = 10 + u8(r) % 240;
        size_t n = take(r, u8(r) % 32, &raw);
        frame(f, t, u8(r), pick_id(f, r), raw, n);
        break;
    }
    case 12: { /* raw bytes: garbage, or the start of a frame of its own */
        size_t n = take(r, u8(r) % 24, &raw);
        put(f, raw, n);
        break;
    }
    case 13: case 14: app_call(f, r); break;
    default: { /* table size updates (RFC 7541 §4.2), then a whole response */
        static const uint32_t sizes[4] = {0, 64, 4096, 8192};
        (void)hyper_hpack_encoder_set_peer_table_size(f->enc, sizes[u8(r) % 4]);
        uint32_t id = pick_id(f, r);
        block_frames(f, r, T_HEADERS, id, 0x01, NULL, 0);
        break;
    }
    }
    int died = feed(f);
    drain(f);
    return died;
}

/* ---- setup --------------------------------------------------------------- */

static void options_for(unsigned mode, hyper_h2_options *o)
{
    hyper_h2_options_init(o);
    o->enable_push = mode & 1;
    o->max_events = 16;
    o->max_header_list_size = 16384;
    o->max_streams = 16;
    o->max_closed_streams = 8;
    o->output_buffer_size = 16384;
    o->stream_send_buffer = 4096;
    if (mode & 2) {
        o->header_table_size = 256;
        o->initial_window_size = 100;
        o->connection_window_size = 65535;
        o->max_events = 2;
        o->max_header_list_size = 512;
        o->max_closed_streams = 2;
        o->max_queued_acks = 2;
        o->output_buffer_size = 4096;
        o->max_streams = 3;
        o->max_pushed_streams = 2;
        o->max_continuations = 4;
        o->max_empty_frames = 4;
        o->max_rst_received = 4;
    }
}

/* What the session may hold at most under these options: a generous sum of
 * its buffers, so only unbounded growth trips it. */
static size_t bound_for(const hyper_h2_options *o)
{
    size_t streams = o->max_streams + o->max_pushed_streams + o->max_closed_streams;
    return 64 * 1024 + 2 * o->output_buffer_size + 2 * (size_t)o->max_frame_size +
           8 * (size_t)o->header_table_size + 4 * (size_t)o->max_header_list_size +
           (size_t)(o->max_events + streams + 16) * (sizeof(hyper_event) + 1024) +
           streams * (o->stream_send_buffer + 1024) + (size_t)o->max_events * 2 * o->max_header_list_size;
}

static int start(fuzz_state *f, unsigned mode)
{
    options_for(mode, &f->o);
    mem_bound = bound_for(&f->o);
    if (hyper_h2_session_init(&f->s, &fuzz_mem, &f->o) < 0)
        return -1;
    hyper_hpack_encoder_opts eo = {f->o.header_table_size, (int)(mode >> 6) % 3,
                                   (mode & 0x80) ? HYPER_HPACK_INDEXING_ALL : 0};
    if (hyper_hpack_encoder_init(&f->enc, hyper_mem_default(), &eo) < 0) {
        hyper_h2_session_free(f->s);
        return -1;
    }
    static const uint8_t body[] = "post body";
    size_t nreq = 1 + ((mode >> 2) & 3);
    for (size_t i = 0; i < nreq; i++) {
        hyper_h2_request q = {"GET", "https", "example.com", "/", NULL, 0, NULL, 0, 1};
        if (i == 1)
            q.method = "HEAD";
        if (i == 2)
            q.method = "POST", q.body = body, q.body_len = sizeof body - 1;
        if (i == 3)
            q.method = "POST", q.end_stream = 0; /* body to follow */
        int32_t id = hyper_h2_submit(f->s, &q);
        if (id > 0)
            (void)model_add(f, id, i == 1, 0);
    }
    drain(f);
    if (!(mode & 0x20)) { /* the server's preface: SETTINGS, ACK of ours */
        frame(f, T_SETTINGS, 0, 0, NULL, 0);
        frame(f, T_SETTINGS, 0x01, 0, NULL, 0);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_state f;
    if (size < 2)
        return 0;
    if (!big[0]) {
        trace = getenv("FUZZ_TRACE") != NULL;
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (char)('a' + i % 26);
    }
    memset(&f, 0, offsetof(fuzz_state, frame));
    f.flen = 0;
    unsigned mode = data[0];
    f.seed = data[1] * 2654435761u + 1;
    f.slow = (mode & 0x10) != 0;
    reader r = {data + 2, size - 2};
    if (start(&f, mode) < 0)
        return 0;
    int died = feed(&f);
    while (!died && r.left)
        died = step(&f, &r);
    if (!died)
        give_back(&f);
    hyper_h2_session_free(f.s);
    hyper_hpack_encoder_free(f.enc);
    TRACE("peak %zu of bound %zu octets\n", peak, mem_bound);
    peak = 0;
    CHECK(in_use == 0);
    return 0;
}
