/*
 * bench_h2 — HTTP/2 engine throughput, in memory (no sockets): is the
 * engine ever the bottleneck?
 *
 *  1. Small responses: a pre-recorded server byte stream (SETTINGS, then,
 *     per batch of 100 multiplexed streams, every response's HEADERS —
 *     encoded by our HPACK encoder, as a server's would be — followed by
 *     their 20-octet DATA with END_STREAM). The client submits each batch,
 *     takes its output, feeds the batch's bytes and pulls every event.
 *     Prints responses/s (whole client loop) and the share spent in
 *     hyper_h2_recv + events.
 *  2. Large DATA: one response of 16 KiB DATA frames fed in 64 KiB reads,
 *     consumed as it arrives. Prints MB/s of payload.
 *
 * Usage: bench_h2 [small_responses] [large_mib]   (defaults 200000, 1024)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common.h"
#include "frame/frame.h"

#define BATCH 100

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

static uint8_t *room(buf *b, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            perror("realloc");
            exit(1);
        }
    }
    return b->p + b->len;
}

static void put(buf *b, long n)
{
    if (n < 0) {
        fprintf(stderr, "encode failed: %ld\n", n);
        exit(1);
    }
    b->len += (size_t)n;
}

static void server_preface(buf *b)
{
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
                                 {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
    put(b, hyper_frame_settings_encode(room(b, 64), 64, 0, set, 2));
    put(b, hyper_frame_settings_ack_encode(room(b, 9), 9));
}

/* A response head; with_length: content-length 20 (the small bodies). */
static void headers_frame(buf *b, hyper_hpack_encoder *enc, uint32_t id, int with_length)
{
    static const hyper_hpack_field f[] = {
        {":status", 7, "200", 3, 0},
        {"content-type", 12, "application/json", 16, 0},
        {"server", 6, "bench", 5, 0},
        {"date", 4, "Tue, 25 Nov 2025 12:00:00 GMT", 29, 0},
        {"content-length", 14, "20", 2, 0},
    };
    uint8_t block[512];
    long n = hyper_hpack_encode(enc, f, with_length ? 5 : 4, block, sizeof block);
    hyper_frame_headers h = {block, (size_t)(n < 0 ? 0 : n), 0, 0, 0, {0, 0, 0}};
    uint8_t flags = HYPER_FRAME_FLAG_END_HEADERS;
    put(b, hyper_frame_headers_encode(room(b, 9 + h.len), 9 + h.len, id, flags, &h));
}

static void data_frame(buf *b, uint32_t id, const uint8_t *d, size_t n, int end)
{
    hyper_frame_data fd = {d, n, 0, 0};
    put(b, hyper_frame_data_encode(room(b, 9 + n), 9 + n, id,
                                   end ? HYPER_FRAME_FLAG_END_STREAM : 0, &fd));
}

static hyper_h2_session *new_session(void)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
    o.initial_window_size = 0x7fffffff;
    o.connection_window_size = 0x7fffffff;
    o.max_events = 1024;
    hyper_h2_session *s;
    if (hyper_h2_session_init(&s, NULL, &o) < 0) {
        fprintf(stderr, "session init failed\n");
        exit(1);
    }
    return s;
}

static void discard_output(hyper_h2_session *s)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0)
        hyper_h2_sent(s, n);
}

/* Feeds bytes, pulling events; returns END events seen. */
static long feed(hyper_h2_session *s, const uint8_t *p, size_t len, size_t *bytes)
{
    long ends = 0;
    size_t pos = 0;
    while (pos < len) {
        long n = hyper_h2_recv(s, p + pos, len - pos);
        if (n < 0) {
            fprintf(stderr, "recv: %s\n", hyper_strerror((int)n));
            exit(1);
        }
        pos += (size_t)n;
        hyper_event e;
        while (hyper_h2_next_event(s, &e)) {
            if (e.type == HYPER_EVENT_DATA) {
                *bytes += e.len;
                hyper_h2_consume(s, e.stream_id, e.flow_len);
            }
            ends += e.type == HYPER_EVENT_END;
            hyper_headers_free(e.headers);
        }
        if (n == 0)
            discard_output(s);
    }
    return ends;
}

static void bench_small(long count)
{
    long batches = count / BATCH;
    buf pre = {0}, *rec = calloc((size_t)batches, sizeof *rec);
    hyper_hpack_encoder *enc;
    hyper_hpack_encoder_init(&enc, NULL, NULL);
    static const uint8_t body[20] = "{\"ok\":true,\"n\":1234}";
    server_preface(&pre);
    uint32_t id = 1;
    for (long b = 0; b < batches; b++) {
        for (int i = 0; i < BATCH; i++)
            headers_frame(&rec[b], enc, id + 2u * (uint32_t)i, 1);
        for (int i = 0; i < BATCH; i++)
            data_frame(&rec[b], id + 2u * (uint32_t)i, body, sizeof body, 1);
        id += 2 * BATCH;
    }
    hyper_hpack_encoder_free(enc);

    hyper_h2_session *s = new_session();
    size_t bytes = 0;
    long ends = 0;
    double recv_time = 0, t0 = now();
    discard_output(s);
    feed(s, pre.p, pre.len, &bytes);
    for (long b = 0; b < batches; b++) {
        for (int i = 0; i < BATCH; i++) {
            hyper_h2_request r = {"GET", "https", "bench.example", "/api/item", NULL, 0,
                                  NULL, 0, 1};
            if (hyper_h2_submit(s, &r) < 0) {
                fprintf(stderr, "submit failed\n");
                exit(1);
            }
        }
        discard_output(s);
        double t1 = now();
        ends += feed(s, rec[b].p, rec[b].len, &bytes);
        recv_time += now() - t1;
        discard_output(s);
    }
    double total = now() - t0;
    hyper_h2_session_free(s);
    if (ends != batches * BATCH || bytes != (size_t)(batches * BATCH) * sizeof body) {
        fprintf(stderr, "small: %ld responses, %zu bytes: wrong\n", ends, bytes);
        exit(1);
    }
    printf("small responses: %ld in %.3f s: %.0f responses/s (client loop), "
           "%.0f responses/s (recv + events only)\n",
           ends, total, ends / total, ends / recv_time);
    for (long b = 0; b < batches; b++)
        free(rec[b].p);
    free(rec);
    free(pre.p);
}

/* The DATA frames of one MiB are recorded once and fed mib times (the
 * frames are identical), so memory stays small whatever mib is. */
static void bench_large(long mib)
{
    buf head = {0}, mb = {0}, tail = {0};
    hyper_hpack_encoder *enc;
    hyper_hpack_encoder_init(&enc, NULL, NULL);
    server_preface(&head);
    headers_frame(&head, enc, 1, 0);
    hyper_hpack_encoder_free(enc);
    static uint8_t chunk[16384];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (uint8_t)(i * 31 + 7);
    for (int i = 0; i < 64; i++)
        data_frame(&mb, 1, chunk, sizeof chunk, 0);
    data_frame(&tail, 1, NULL, 0, 1);

    hyper_h2_session *s = new_session();
    hyper_h2_request r = {"GET", "https", "bench.example", "/big", NULL, 0, NULL, 0, 1};
    hyper_h2_submit(s, &r);
    discard_output(s);
    size_t bytes = 0;
    long ends = 0;
    double t0 = now();
    feed(s, head.p, head.len, &bytes);
    for (long m = 0; m < mib; m++) {
        for (size_t pos = 0; pos < mb.len;) {
            size_t n = mb.len - pos < 65536 ? mb.len - pos : 65536;
            ends += feed(s, mb.p + pos, n, &bytes);
            pos += n;
            discard_output(s);
        }
    }
    ends += feed(s, tail.p, tail.len, &bytes);
    double total = now() - t0;
    hyper_h2_session_free(s);
    if (ends != 1 || bytes != (size_t)mib << 20) {
        fprintf(stderr, "large: wrong result: %ld ends, %zu bytes\n", ends, bytes);
        exit(1);
    }
    printf("large DATA: %ld MiB in %.3f s: %.0f MB/s\n", mib, total, bytes / total / 1e6);
    free(head.p);
    free(mb.p);
    free(tail.p);
}

int main(int argc, char **argv)
{
    long small = argc > 1 ? atol(argv[1]) : 200000;
    long large = argc > 2 ? atol(argv[2]) : 1024;
    if (small < BATCH || large < 1 || large > 1900) {
        fprintf(stderr, "usage: bench_h2 [small_responses>=%d] [large_mib 1..1900]\n", BATCH);
        return 2;
    }
    bench_small(small);
    bench_large(large);
    return 0;
}
