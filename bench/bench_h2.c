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
 *  2. Large DATA: one response of 16 KiB DATA frames fed in 64 KiB reads.
 *     The consumer does what a real application does with a body: it
 *     copies every octet out of the event into its own buffer and folds it
 *     into a checksum (compared with the checksum of what the server sent),
 *     then hands flow_len back with hyper_h2_consume, so the engine's
 *     WINDOW_UPDATEs follow the default window policy. Prints MB/s of
 *     payload, DATA frames/s, and the WINDOW_UPDATEs the engine wrote.
 *
 * Both runs use the default session options (the windows a user gets).
 * Usage: bench_h2 [small_responses] [large_mib]   (defaults 200000, 1024)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/common.h"
#include "support/frame_forge.h" /* frame/frame.h and the encoders */

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
    hyper_h2_session *s;
    if (hyper_h2_session_init(&s, NULL, NULL) < 0) {
        fprintf(stderr, "session init failed\n");
        exit(1);
    }
    return s;
}

/* The application's body sink: octets are copied into its own 64 KiB
 * buffer; each full buffer is "written out", here folded into a checksum.
 * Blocks sit at fixed offsets of the body, so the sum does not depend on
 * how the engine cut the DATA into events, and it is position-dependent
 * (a rotate per 8-octet word): lost, repeated or reordered octets show. */
typedef struct sink {
    uint8_t buf[1 << 16];
    size_t fill;
    size_t bytes;
    uint64_t sum;
} sink;

static void sink_flush(sink *k)
{
    size_t i = 0;
    for (; i + 8 <= k->fill; i += 8) {
        uint64_t w;
        memcpy(&w, k->buf + i, 8);
        k->sum = ((k->sum << 5) | (k->sum >> 59)) ^ w;
    }
    for (; i < k->fill; i++)
        k->sum = ((k->sum << 5) | (k->sum >> 59)) ^ k->buf[i];
    k->fill = 0;
}

static void sink_write(sink *k, const uint8_t *p, size_t n)
{
    k->bytes += n;
    while (n) {
        size_t room = sizeof k->buf - k->fill;
        size_t c = n < room ? n : room;
        memcpy(k->buf + k->fill, p, c);
        k->fill += c;
        p += c;
        n -= c;
        if (k->fill == sizeof k->buf)
            sink_flush(k);
    }
}

/* What the client loop saw. */
typedef struct tally {
    sink body;             /* every delivered DATA octet, in order */
    long ends;             /* END events */
    long window_updates;   /* WINDOW_UPDATE frames the engine wrote */
} tally;

/* Takes every pending output byte (as a socket would), counting the
 * WINDOW_UPDATEs: the engine always hands out whole frames. */
static void discard_output(hyper_h2_session *s, tally *t)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0) {
        for (size_t off = 0; off + 9 <= n;) {
            hyper_frame_hd hd;
            hyper_frame_hd_decode(&hd, p + off);
            t->window_updates += hd.type == HYPER_FRAME_WINDOW_UPDATE;
            off += 9 + hd.length;
        }
        hyper_h2_sent(s, n);
    }
}

/* The application's side of a DATA event: copy the body out into the
 * sink, then give the flow-control credit back. */
static void consume_data(hyper_h2_session *s, const hyper_event *e, tally *t)
{
    sink_write(&t->body, e->data, e->len);
    if (hyper_h2_consume(s, e->stream_id, e->flow_len) < 0) {
        fprintf(stderr, "consume failed\n");
        exit(1);
    }
}

/* Feeds bytes, pulling events, until the engine took all of them. */
static void feed(hyper_h2_session *s, const uint8_t *p, size_t len, tally *t)
{
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
            if (e.type == HYPER_EVENT_DATA)
                consume_data(s, &e, t);
            if (e.type == HYPER_EVENT_RESET || e.type == HYPER_EVENT_ERROR) {
                fprintf(stderr, "stream %d: %s\n", e.stream_id, hyper_strerror(e.error));
                exit(1);
            }
            t->ends += e.type == HYPER_EVENT_END;
            hyper_headers_free(e.headers);
        }
        if (n == 0)
            discard_output(s, t);
    }
}

/* Checks the body the client received against what the server sent. */
static void check_body(const char *what, tally *t, sink *want)
{
    sink_flush(&t->body);
    sink_flush(want);
    if (t->body.bytes != want->bytes || t->body.sum != want->sum) {
        fprintf(stderr, "%s: body differs: %zu octets (want %zu), checksum %016llx "
                "(want %016llx)\n", what, t->body.bytes, want->bytes,
                (unsigned long long)t->body.sum, (unsigned long long)want->sum);
        exit(1);
    }
}

static void submit_get(hyper_h2_session *s, const char *path)
{
    hyper_h2_request r = {"GET", "https", "bench.example", path, NULL, 0, NULL, 0, 1};
    if (hyper_h2_submit(s, &r) < 0) {
        fprintf(stderr, "submit failed\n");
        exit(1);
    }
}

static void bench_small(long count)
{
    long batches = count / BATCH;
    buf pre = {0}, *rec = calloc((size_t)batches, sizeof *rec);
    static tally t;
    static sink want;
    hyper_hpack_encoder *enc;
    hyper_hpack_encoder_init(&enc, NULL, NULL);
    static const uint8_t body[20] = "{\"ok\":true,\"n\":1234}";
    server_preface(&pre);
    uint32_t id = 1;
    for (long b = 0; b < batches; b++) {
        for (int i = 0; i < BATCH; i++)
            headers_frame(&rec[b], enc, id + 2u * (uint32_t)i, 1);
        for (int i = 0; i < BATCH; i++) {
            data_frame(&rec[b], id + 2u * (uint32_t)i, body, sizeof body, 1);
            sink_write(&want, body, sizeof body);
        }
        id += 2 * BATCH;
    }
    hyper_hpack_encoder_free(enc);

    hyper_h2_session *s = new_session();
    double recv_time = 0, t0 = now();
    discard_output(s, &t);
    feed(s, pre.p, pre.len, &t);
    for (long b = 0; b < batches; b++) {
        for (int i = 0; i < BATCH; i++)
            submit_get(s, "/api/item");
        discard_output(s, &t);
        double t1 = now();
        feed(s, rec[b].p, rec[b].len, &t);
        recv_time += now() - t1;
        discard_output(s, &t);
    }
    double total = now() - t0;
    hyper_h2_session_free(s);
    check_body("small", &t, &want);
    if (t.ends != batches * BATCH) {
        fprintf(stderr, "small: %ld responses, want %ld\n", t.ends, batches * BATCH);
        exit(1);
    }
    printf("small responses: %ld (%ld HEADERS + %ld DATA frames) in %.3f s: %.0f responses/s "
           "(client loop), %.0f responses/s (recv + events only)\n",
           t.ends, t.ends, t.ends, total, t.ends / total, t.ends / recv_time);
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
    static tally t;
    static sink want;
    hyper_hpack_encoder *enc;
    hyper_hpack_encoder_init(&enc, NULL, NULL);
    server_preface(&head);
    headers_frame(&head, enc, 1, 0);
    hyper_hpack_encoder_free(enc);
    static uint8_t chunk[16384];
    uint32_t x = 2463534242u; /* xorshift: no period the checksum could miss */
    for (size_t i = 0; i < sizeof chunk; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        chunk[i] = (uint8_t)x;
    }
    for (int i = 0; i < 64; i++)
        data_frame(&mb, 1, chunk, sizeof chunk, 0);
    data_frame(&tail, 1, NULL, 0, 1);
    for (long i = 0; i < mib * 64; i++)
        sink_write(&want, chunk, sizeof chunk);

    hyper_h2_session *s = new_session();
    submit_get(s, "/big");
    discard_output(s, &t);
    double t0 = now();
    feed(s, head.p, head.len, &t);
    for (long m = 0; m < mib; m++) {
        for (size_t pos = 0; pos < mb.len;) {
            size_t n = mb.len - pos < 65536 ? mb.len - pos : 65536;
            feed(s, mb.p + pos, n, &t);
            pos += n;
            discard_output(s, &t);
        }
    }
    feed(s, tail.p, tail.len, &t);
    discard_output(s, &t);
    double total = now() - t0;
    hyper_h2_session_free(s);
    check_body("large", &t, &want);
    if (t.ends != 1) {
        fprintf(stderr, "large: %ld END events\n", t.ends);
        exit(1);
    }
    long frames = mib * 64 + 1;
    printf("large DATA: %ld MiB in %.3f s: %.0f MB/s, %ld DATA frames of 16 KiB "
           "(%.0f frames/s), every octet copied and checksummed, %ld WINDOW_UPDATEs\n",
           mib, total, t.body.bytes / total / 1e6, frames, frames / total, t.window_updates);
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
