/*
 * fuzz_h2_session — a whole HTTP/2 client session fed arbitrary server
 * bytes after a submitted request (the client-side target nghttp2 lacks).
 *
 * Input: byte 0 picks options (push on/off, small windows and bounds, a
 * request body), byte 1 seeds the split points; the rest is what the
 * "server" sends, cut into pieces of 1..64 octets. After every piece every
 * event is pulled (header maps freed, DATA consumed) and every output byte
 * taken, as a real caller would. The session must never crash, read or
 * write out of bounds, or leak (checked by ASan/LeakSanitizer and by the
 * byte count of a counting allocator).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

static size_t in_use;

static void *f_alloc(void *ctx, size_t n)
{
    (void)ctx;
    void *p = malloc(n);
    if (p)
        in_use += n;
    return p;
}

static void *f_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    void *q = realloc(p, n);
    if (q)
        in_use = in_use - old + n;
    return q;
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (p)
        in_use -= n;
    free(p);
}

static const hyper_mem fuzz_mem = {f_alloc, f_realloc, f_free, NULL};

static void drain(hyper_h2_session *s)
{
    hyper_event e;
    while (hyper_h2_next_event(s, &e)) {
        if (e.type == HYPER_EVENT_DATA)
            (void)hyper_h2_consume(s, e.stream_id, e.flow_len);
        if (e.type == HYPER_EVENT_PUSH_PROMISE && (e.promised_id & 2))
            (void)hyper_h2_refuse_push(s, e.promised_id);
        hyper_headers_free(e.headers);
    }
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0)
        (void)hyper_h2_sent(s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0];
    uint32_t seed = data[1] * 2654435761u + 1;
    data += 2;
    size -= 2;
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.enable_push = mode & 1;
    if (mode & 2) {
        o.initial_window_size = 100;
        o.connection_window_size = 65535;
        o.max_events = 2;
        o.max_header_list_size = 512;
        o.max_closed_streams = 2;
        o.max_queued_acks = 2;
        o.output_buffer_size = 4096;
    }
    hyper_h2_session *s;
    if (hyper_h2_session_init(&s, &fuzz_mem, &o) < 0)
        return 0;
    static const uint8_t body[] = "request body";
    hyper_h2_request r = {"GET", "https", "example.com", "/", NULL, 0, NULL, 0, 1};
    if (mode & 4) {
        r.method = "POST";
        r.body = body;
        r.body_len = sizeof body - 1;
        r.end_stream = !(mode & 8);
    }
    (void)hyper_h2_submit(s, &r);
    if (mode & 16)
        (void)hyper_h2_submit(s, &r);
    drain(s);
    size_t pos = 0;
    while (pos < size) {
        seed = seed * 1103515245u + 12345u;
        size_t piece = 1 + (seed >> 16) % 64;
        if (piece > size - pos)
            piece = size - pos;
        size_t end = pos + piece;
        int stalls = 0;
        while (pos < end && stalls < 2) {
            long n = hyper_h2_recv(s, data + pos, end - pos);
            if (n < 0) {
                drain(s);
                goto done;
            }
            pos += (size_t)n;
            stalls = n == 0 ? stalls + 1 : 0;
            drain(s);
        }
        if (pos < end)
            abort(); /* no progress with events and output drained: a bug */
        if (mode & 32)
            (void)hyper_h2_send_data(s, 1, body, 4, 0);
    }
done:
    hyper_h2_session_free(s);
    if (in_use != 0)
        abort();
    return 0;
}
