/*
 * fuzz_h2_session — a whole HTTP/2 client session fed arbitrary server
 * bytes after a submitted request (the client-side target nghttp2 lacks).
 *
 * Input: byte 0 picks options (bit 0 push on, 1 small windows and bounds,
 * 2 a POST body, 3 the body left open, 4 a second request, 5 streamed body
 * pieces, 6 a slow reader, 7 application calls between pieces), byte 1
 * seeds the split points and the calls, and when its low bit is set the
 * session allocates from a hyper_arena of 4 to 36 KiB (its other bits pick
 * the size) instead of the counting heap allocator, so the arena's free
 * list, merging and out-of-memory paths run under the same traffic; the
 * rest is what the "server"
 * sends, cut into pieces of 1..64 octets. After every piece every event is
 * pulled (header maps freed) and every output byte taken, as a real caller
 * would. A fast reader consumes DATA at once; a slow one holds the credit
 * and gives it back a piece later (windows run dry, WINDOW_UPDATEs come in
 * bursts). Application calls: PING, reset or refuse a stream, GOAWAY, one
 * more request, more body — the paths where the application acts while
 * frames of the same stream are still arriving. The session must never
 * crash, read or write out of bounds, leak (checked by ASan/LeakSanitizer
 * and by the byte count of a counting allocator), or stop making progress
 * while its events and output are drained.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"
#include "counting_mem.h"


/* Credit a slow reader holds back: (stream, flow_len) pairs. */
typedef struct held {
    int32_t id[64];
    size_t flow[64];
    size_t n;
} held;

static void give_back(hyper_h2_session *s, held *h)
{
    for (size_t i = 0; i < h->n; i++)
        if (hyper_h2_consume(s, h->id[i], h->flow[i]) < 0)
            abort(); /* delivered and not yet consumed: must be accepted */
    h->n = 0;
}

static void drain(hyper_h2_session *s, held *h, int slow)
{
    hyper_event e;
    while (hyper_h2_next_event(s, &e)) {
        if (e.type == HYPER_EVENT_DATA) {
            if (!slow || h->n == 64)
                give_back(s, h);
            h->id[h->n] = e.stream_id;
            h->flow[h->n++] = e.flow_len;
            if (!slow)
                give_back(s, h);
        }
        if (e.type == HYPER_EVENT_PUSH_PROMISE && (e.promised_id & 2))
            (void)hyper_h2_refuse_push(s, e.promised_id);
        hyper_headers_free(e.headers);
    }
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0)
        (void)hyper_h2_sent(s, n);
}

static const uint8_t body[] = "request body";

static void options_for(uint8_t mode, hyper_h2_options *o)
{
    hyper_h2_options_init(o);
    o->enable_push = mode & 1;
    if (mode & 2) {
        o->initial_window_size = 100;
        o->connection_window_size = 65535;
        o->max_events = 2;
        o->max_header_list_size = 512;
        o->max_closed_streams = 2;
        o->max_queued_acks = 2;
        o->output_buffer_size = 4096;
        o->max_streams = 3;
    }
}

static void submit(hyper_h2_session *s, uint8_t mode)
{
    hyper_h2_request r = {"GET", "https", "example.com", "/", NULL, 0, NULL, 0, 1};
    if (mode & 4) {
        r.method = "POST";
        r.body = body;
        r.body_len = sizeof body - 1;
        r.end_stream = !(mode & 8);
    }
    (void)hyper_h2_submit(s, &r);
}

/* An application call between pieces, picked by the seed. */
static void act(hyper_h2_session *s, uint8_t mode, uint32_t seed)
{
    int32_t id = (int32_t)((seed >> 8) % 8);
    switch ((seed >> 12) % 8) {
    case 0: (void)hyper_h2_ping(s, (const uint8_t *)"fuzzping"); break;
    case 1: (void)hyper_h2_reset_stream(s, id, HYPER_H2_CANCEL); break;
    case 2: (void)hyper_h2_refuse_push(s, id); break;
    case 3: (void)hyper_h2_goaway(s, HYPER_H2_NO_ERROR, body, 4); break;
    case 4: submit(s, mode); break;
    case 5: (void)hyper_h2_send_data(s, id, body, 4, (seed >> 16) & 1); break;
    default: break;
    }
}

/* Feeds one piece; 0 when it was used, 1 after a connection error. */
static int feed_piece(hyper_h2_session *s, const uint8_t *p, size_t n, held *h, int slow)
{
    int stalls = 0;
    while (n && stalls < 2) {
        long k = hyper_h2_recv(s, p, n);
        if (k < 0) {
            drain(s, h, slow);
            return 1;
        }
        p += k;
        n -= (size_t)k;
        stalls = k == 0 ? stalls + 1 : 0;
        drain(s, h, slow);
        if (k == 0 && slow)
            give_back(s, h); /* a stalled slow reader catches up */
    }
    if (n)
        abort(); /* no progress with events and output drained: a bug */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0];
    uint8_t seed_byte = data[1];
    uint32_t seed = seed_byte * 2654435761u + 1;
    data += 2;
    size -= 2;
    hyper_h2_options o;
    options_for(mode, &o);
    /* The arena's buffer is its own heap block, exactly sized, so ASan
     * catches any write past its end. */
    const hyper_mem *mem = &fuzz_mem;
    size_t arena_size = 4096 + (size_t)(seed_byte >> 1) * 256;
    uint8_t *arena_buf = NULL;
    hyper_arena *arena = NULL;
    if (seed_byte & 1) {
        arena_buf = malloc(arena_size);
        arena = arena_buf ? hyper_arena_init(arena_buf, arena_size) : NULL;
        if (!arena)
            abort();
        mem = hyper_arena_mem(arena);
    }
    hyper_h2_session *s;
    if (hyper_h2_session_init(&s, mem, &o) < 0) {
        free(arena_buf);
        return 0;
    }
    static held h;
    h.n = 0;
    int slow = (mode & 64) != 0;
    submit(s, mode);
    if (mode & 16)
        submit(s, mode);
    drain(s, &h, slow);
    for (size_t pos = 0; pos < size;) {
        seed = seed * 1103515245u + 12345u;
        size_t piece = 1 + (seed >> 16) % 64;
        if (piece > size - pos)
            piece = size - pos;
        if (feed_piece(s, data + pos, piece, &h, slow))
            break;
        pos += piece;
        if (mode & 32)
            (void)hyper_h2_send_data(s, 1, body, 4, 0);
        if (mode & 128)
            act(s, mode, seed);
        if (slow && (seed & 0x10000))
            give_back(s, &h);
    }
    hyper_h2_session_free(s);
    if (in_use != 0)
        abort();
    if (arena) {
        hyper_arena_stats st;
        hyper_arena_stats_get(arena, &st);
        if (st.in_use != 0 || st.misuse != 0 || st.peak > arena_size)
            abort(); /* a leak into the arena, or a foreign pointer freed */
        free(arena_buf);
    }
    return 0;
}
