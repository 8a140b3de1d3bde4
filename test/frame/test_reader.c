/*
 * Tests for src/frame/frame_reader.c: one stream of frames of every type fed
 * whole, one byte at a time and in random splits (fixed seed) must give the
 * same frames; DATA chunks point into the input; padding, zero-length DATA,
 * unknown types, size limits, buffer bound, sticky errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "testutil.h"

/* Field by field: the struct has padding bytes. */
static void assert_hd_equal(const hyper_frame_hd *a, const hyper_frame_hd *b)
{
    assert_int_equal(a->length, b->length);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->stream_id, b->stream_id);
}

/* One frame as seen through the reader: DATA chunks are joined. */
struct rec {
    hyper_frame_read_type type;
    hyper_frame_hd hd;
    uint8_t bytes[2048];
    size_t n;
    size_t flow;
    int end_stream;
    uint8_t pad_len;
};

struct run {
    struct rec recs[32];
    size_t nrec;
    int in_data;          /* a DATA frame is open in recs[nrec-1] */
    size_t zero_copy;     /* non-DATA payloads that pointed into the input */
    size_t buffered;      /* ... that pointed into the reader's buffer */
    int err;
};

static uint8_t rbuf[20000];

static void on_event(struct run *r, const hyper_frame_read_event *ev, const uint8_t *chunk,
                     size_t chunk_len)
{
    struct rec *rec;
    switch (ev->type) {
    case HYPER_FRAME_READ_NONE:
        return;
    case HYPER_FRAME_READ_DATA:
        if (ev->first) {
            assert_false(r->in_data);
            assert_true(r->nrec < 32);
            rec = &r->recs[r->nrec++];
            memset(rec, 0, sizeof *rec);
            rec->type = ev->type;
            rec->hd = ev->hd;
            r->in_data = 1;
        }
        assert_true(r->in_data);
        rec = &r->recs[r->nrec - 1];
        assert_hd_equal(&rec->hd, &ev->hd);
        if (ev->len) { /* zero copy: the chunk is inside the input we fed */
            assert_true(ev->data >= chunk && ev->data + ev->len <= chunk + chunk_len);
            assert_true(rec->n + ev->len <= sizeof rec->bytes);
            memcpy(rec->bytes + rec->n, ev->data, ev->len);
            rec->n += ev->len;
        }
        assert_true(ev->len <= ev->flow_len);
        rec->flow += ev->flow_len;
        rec->pad_len = ev->pad_len;
        assert_int_equal(ev->end_stream,
                         ev->last && (ev->hd.flags & HYPER_FRAME_FLAG_END_STREAM));
        if (ev->last) {
            rec->end_stream = ev->end_stream;
            r->in_data = 0;
            assert_int_equal(rec->flow, rec->hd.length); /* §6.9.1 accounting */
        }
        return;
    default:
        assert_false(r->in_data);
        assert_true(r->nrec < 32);
        rec = &r->recs[r->nrec++];
        memset(rec, 0, sizeof *rec);
        rec->type = ev->type;
        rec->hd = ev->hd;
        if (ev->type == HYPER_FRAME_READ_FRAME && ev->hd.length) {
            if (ev->payload == rbuf) {
                r->buffered++;
            } else {
                assert_true(ev->payload >= chunk &&
                            ev->payload + ev->hd.length <= chunk + chunk_len);
                r->zero_copy++;
            }
            assert_true(ev->hd.length <= sizeof rec->bytes);
            memcpy(rec->bytes, ev->payload, ev->hd.length);
            rec->n = ev->hd.length;
        }
        return;
    }
}

static uint32_t seed;
static size_t next_rand(size_t max) /* 1 .. max, deterministic */
{
    seed = seed * 1103515245u + 12345u;
    return 1 + (seed >> 8) % max;
}

/* Feeds in[0..len) in chunks: mode 0 whole, 1 one byte at a time, else
 * random chunks of 1..mode bytes. Stops at the first error. */
static void feed(hyper_frame_reader *rd, struct run *r, const uint8_t *in, size_t len,
                 size_t mode)
{
    memset(r, 0, sizeof *r);
    size_t off = 0;
    while (off < len) {
        size_t chunk = mode == 0 ? len : mode == 1 ? 1 : next_rand(mode);
        if (chunk > len - off)
            chunk = len - off;
        const uint8_t *p = in + off;
        size_t left = chunk;
        while (left) {
            hyper_frame_read_event ev;
            long n = hyper_frame_reader_recv(rd, p, left, &ev);
            if (n < 0) {
                assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
                r->err = (int)n;
                return;
            }
            assert_true(n >= 1 && (size_t)n <= left); /* always progresses */
            on_event(r, &ev, in + off, chunk);
            p += n;
            left -= (size_t)n;
        }
        off += chunk;
    }
}

/* ---- the reference stream --------------------------------------------- */

static uint8_t stream[16384];
static size_t stream_len;
static struct run expect;

static void add(long n, hyper_frame_read_type t, const uint8_t *bytes, size_t blen,
                uint8_t pad)
{
    assert_true(n > 0);
    struct rec *rec = &expect.recs[expect.nrec++];
    memset(rec, 0, sizeof *rec);
    rec->type = t;
    hyper_frame_hd_decode(&rec->hd, stream + stream_len);
    if (t == HYPER_FRAME_READ_FRAME) {
        memcpy(rec->bytes, stream + stream_len + 9, rec->hd.length);
        rec->n = rec->hd.length;
    } else if (t == HYPER_FRAME_READ_DATA) {
        if (blen)
            memcpy(rec->bytes, bytes, blen);
        rec->n = blen;
        rec->flow = rec->hd.length;
        rec->pad_len = pad;
        rec->end_stream = (rec->hd.flags & HYPER_FRAME_FLAG_END_STREAM) != 0;
    }
    stream_len += (size_t)n;
}

static void build_stream(void)
{
    static uint8_t body[1500];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (uint8_t)(i * 7 + 3);
    static const uint8_t block[] = {0x82, 0x86, 0x84, 0x41, 0x8c, 0xf1, 0xe3};
    static const uint8_t ping[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    hyper_frame_setting set[] = {{HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
                                 {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};
    uint8_t *o = stream;
    size_t cap = sizeof stream;
    memset(&expect, 0, sizeof expect);
    stream_len = 0;
#define AT o + stream_len, cap - stream_len
    add(hyper_frame_settings_encode(AT, 0, set, 2), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    add(hyper_frame_settings_ack_encode(AT), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    hyper_frame_headers h = {block, sizeof block, 1, 4, 1, {0, 0, 15}};
    add(hyper_frame_headers_encode(AT, 1, HYPER_FRAME_FLAG_END_HEADERS, &h),
        HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    hyper_frame_data d = {body, 1000, 0, 0};
    add(hyper_frame_data_encode(AT, 1, 0, &d), HYPER_FRAME_READ_DATA, body, 1000, 0);
    d = (hyper_frame_data){body + 1000, 300, 1, 200};
    add(hyper_frame_data_encode(AT, 1, 0, &d), HYPER_FRAME_READ_DATA, body + 1000, 300, 200);
    /* An unknown type in between, then an empty DATA ending the stream. */
    static const uint8_t ext[] = {0, 0, 3, 0x0b, 0xff, 0, 0, 0, 1, 'x', 'y', 'z'};
    memcpy(o + stream_len, ext, sizeof ext);
    add(sizeof ext, HYPER_FRAME_READ_UNKNOWN, NULL, 0, 0);
    d = (hyper_frame_data){NULL, 0, 0, 0};
    add(hyper_frame_data_encode(AT, 1, HYPER_FRAME_FLAG_END_STREAM, &d),
        HYPER_FRAME_READ_DATA, NULL, 0, 0);
    add(hyper_frame_ping_encode(AT, ping, 0), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    /* Padded DATA of padding only, ending stream 3; zero-length padded DATA. */
    d = (hyper_frame_data){NULL, 0, 1, 9};
    add(hyper_frame_data_encode(AT, 3, HYPER_FRAME_FLAG_END_STREAM, &d),
        HYPER_FRAME_READ_DATA, NULL, 0, 9);
    d = (hyper_frame_data){NULL, 0, 1, 0};
    add(hyper_frame_data_encode(AT, 5, 0, &d), HYPER_FRAME_READ_DATA, NULL, 0, 0);
    hyper_frame_push_promise pp = {2, block, sizeof block, 1, 2};
    add(hyper_frame_push_promise_encode(AT, 1, HYPER_FRAME_FLAG_END_HEADERS, &pp),
        HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    add(hyper_frame_continuation_encode(AT, 3, HYPER_FRAME_FLAG_END_HEADERS, block, 0),
        HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    hyper_frame_priority pr = {1, 1, 7};
    add(hyper_frame_priority_encode(AT, 3, &pr), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    add(hyper_frame_rst_stream_encode(AT, 3, HYPER_H2_CANCEL), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    add(hyper_frame_window_update_encode(AT, 0, 65536), HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    /* A zero-length unknown frame, and a big buffered-if-split HEADERS. */
    static const uint8_t ext0[] = {0, 0, 0, 0xfa, 0, 0, 0, 0, 0};
    memcpy(o + stream_len, ext0, sizeof ext0);
    add(sizeof ext0, HYPER_FRAME_READ_UNKNOWN, NULL, 0, 0);
    h = (hyper_frame_headers){body, 1200, 0, 0, 0, {0, 0, 0}};
    add(hyper_frame_headers_encode(AT, 5, HYPER_FRAME_FLAG_END_HEADERS, &h),
        HYPER_FRAME_READ_FRAME, NULL, 0, 0);
    add(hyper_frame_goaway_encode(AT, 5, HYPER_H2_NO_ERROR, (const uint8_t *)"bye", 3),
        HYPER_FRAME_READ_FRAME, NULL, 0, 0);
#undef AT
}

static void same_run(const struct run *got, const struct run *want)
{
    assert_int_equal(got->err, 0);
    assert_false(got->in_data);
    assert_int_equal(got->nrec, want->nrec);
    for (size_t i = 0; i < want->nrec; i++) {
        const struct rec *g = &got->recs[i], *w = &want->recs[i];
        assert_int_equal(g->type, w->type);
        assert_hd_equal(&g->hd, &w->hd);
        assert_int_equal(g->n, w->n);
        if (w->n)
            assert_memory_equal(g->bytes, w->bytes, w->n);
        assert_int_equal(g->flow, w->flow);
        assert_int_equal(g->end_stream, w->end_stream);
        assert_int_equal(g->pad_len, w->pad_len);
    }
}

static void stream_in_any_split(void **state)
{
    (void)state;
    build_stream();
    hyper_frame_reader rd;
    struct run got;
    static const size_t modes[] = {0, 1, 2, 3, 7, 10, 64, 500, 4000};
    seed = 12345;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        for (int rep = 0; rep < (modes[m] > 1 ? 20 : 1); rep++) {
            assert_int_equal(hyper_frame_reader_init(&rd, 16384, rbuf, sizeof rbuf), HYPER_OK);
            feed(&rd, &got, stream, stream_len, modes[m]);
            same_run(&got, &expect);
            assert_true(hyper_frame_reader_idle(&rd));
            if (modes[m] == 0) { /* whole input: no payload copied */
                assert_int_equal(got.buffered, 0);
                assert_true(got.zero_copy > 0);
            }
            if (modes[m] == 1) /* byte by byte: every payload assembled */
                assert_int_equal(got.zero_copy, 0);
        }
    }
}

/* A DATA frame split in the middle of its body: both chunks point into their
 * own input, none is copied, first/last/flow as documented. */
static void data_chunks_zero_copy(void **state)
{
    (void)state;
    uint8_t in[64];
    hyper_frame_data d = {(const uint8_t *)"0123456789", 10, 1, 4};
    long n = hyper_frame_data_encode(in, sizeof in, 7, HYPER_FRAME_FLAG_END_STREAM, &d);
    assert_int_equal(n, 9 + 1 + 10 + 4);
    hyper_frame_reader rd;
    hyper_frame_reader_init(&rd, 16384, NULL, 0); /* no buffer needed for DATA */
    hyper_frame_read_event ev;
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 14, &ev), 14); /* hd + pad + 4 */
    assert_int_equal(ev.type, HYPER_FRAME_READ_DATA);
    assert_ptr_equal(ev.data, in + 10);
    assert_int_equal(ev.len, 4);
    assert_int_equal(ev.flow_len, 5);
    assert_true(ev.first);
    assert_false(ev.last);
    assert_false(ev.end_stream);
    assert_int_equal(ev.pad_len, 4);
    assert_false(hyper_frame_reader_idle(&rd));
    /* Rest of the data and two of the four padding octets. */
    assert_int_equal(hyper_frame_reader_recv(&rd, in + 14, 8, &ev), 8);
    assert_ptr_equal(ev.data, in + 14);
    assert_int_equal(ev.len, 6);
    assert_int_equal(ev.flow_len, 8);
    assert_false(ev.first);
    assert_false(ev.last);
    /* The last padding octets: an empty chunk that ends the frame. */
    assert_int_equal(hyper_frame_reader_recv(&rd, in + 22, 2, &ev), 2);
    assert_int_equal(ev.type, HYPER_FRAME_READ_DATA);
    assert_int_equal(ev.len, 0);
    assert_int_equal(ev.flow_len, 2);
    assert_true(ev.last);
    assert_true(ev.end_stream);
    assert_true(hyper_frame_reader_idle(&rd));
    /* len 0 is a no-op. */
    assert_int_equal(hyper_frame_reader_recv(&rd, NULL, 0, &ev), 0);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
}

static void zero_length_data_one_event(void **state)
{
    (void)state;
    static const uint8_t in[] = {0, 0, 0, 0, 1, 0, 0, 0, 9};
    hyper_frame_reader rd;
    hyper_frame_read_event ev;
    hyper_frame_reader_init(&rd, 16384, NULL, 0);
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(hyper_frame_reader_recv(&rd, in + i, 1, &ev), 1);
        assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
    }
    assert_int_equal(hyper_frame_reader_recv(&rd, in + 8, 1, &ev), 1);
    assert_int_equal(ev.type, HYPER_FRAME_READ_DATA);
    assert_true(ev.first && ev.last && ev.end_stream);
    assert_int_equal(ev.len, 0);
    assert_int_equal(ev.flow_len, 0);
    assert_int_equal(ev.hd.stream_id, 9);
}

/* Reader-level errors, each whole and byte by byte: code and stickiness. */
struct bad_input {
    const char *name;
    const char *hex;
    uint32_t max;
    size_t buf_cap;
    int err;
    size_t events;  /* events expected before the error */
};

static const struct bad_input bad_inputs[] = {
    {"settings over max", "004001 04 00 00000000", 16384, 20000, HYPER_EH2_FRAME_SIZE, 0},
    {"data over max", "004001 00 00 00000001", 16384, 20000, HYPER_EH2_FRAME_SIZE, 0},
    {"unknown over max", "ffffff 42 00 00000001", 16384, 20000, HYPER_EH2_FRAME_SIZE, 0},
    {"over raised max", "00ffff 00 00 00000001", 65534, 0, HYPER_EH2_FRAME_SIZE, 0},
    {"after a good frame", "000000 04 01 00000000 004001 01 04 00000001", 16384, 0,
     HYPER_EH2_FRAME_SIZE, 1},
    {"headers over buffer", "000011 01 04 00000001 00000000000000000000000000000000 00",
     16384, 16, HYPER_EH2_FRAME_BUFFER, 0},
    {"data stream 0", "000001 00 00 00000000 61", 16384, 0, HYPER_EH2_STREAM_ID_ZERO, 0},
    {"data padded empty", "000000 00 08 00000001", 16384, 0, HYPER_EH2_FRAME_LENGTH, 0},
    {"data pad == length", "000003 00 08 00000001 03 6161", 16384, 0, HYPER_EH2_PADDING, 0},
    {"data pad > length", "000003 00 09 00000001 ff 6161", 16384, 0, HYPER_EH2_PADDING, 0},
};

static void reader_errors(void **state)
{
    (void)state;
    uint8_t in[64];
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        const struct bad_input *b = &bad_inputs[i];
        long len = test_hex_decode(b->hex, in, sizeof in);
        assert_true(len > 0);
        for (size_t mode = 0; mode <= 1; mode++) {
            hyper_frame_reader rd;
            struct run got;
            assert_int_equal(hyper_frame_reader_init(&rd, b->max, rbuf, b->buf_cap), HYPER_OK);
            feed(&rd, &got, in, (size_t)len, mode);
            if (got.err != b->err)
                fail_msg("%s (mode %zu): got %s", b->name, mode, hyper_strerror_name(got.err));
            assert_int_equal(got.nrec, b->events); /* no DATA leaked before the error */
            hyper_frame_read_event ev;
            /* Sticky: more (valid) bytes give the same error, no event. */
            static const uint8_t ack[9] = {0, 0, 0, 4, 1, 0, 0, 0, 0};
            assert_int_equal(hyper_frame_reader_recv(&rd, ack, 9, &ev), b->err);
            assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
            assert_int_equal(hyper_frame_error_code(b->err),
                             b->err == HYPER_EH2_FRAME_BUFFER ? HYPER_H2_INTERNAL_ERROR
                             : b->err == HYPER_EH2_FRAME_SIZE || b->err == HYPER_EH2_FRAME_LENGTH
                                 ? HYPER_H2_FRAME_SIZE_ERROR
                                 : HYPER_H2_PROTOCOL_ERROR);
        }
    }
}

static void limits_and_config(void **state)
{
    (void)state;
    hyper_frame_reader rd;
    uint8_t in[9 + 70000];
    hyper_frame_read_event ev;
    assert_int_equal(hyper_frame_reader_init(&rd, 16383, NULL, 0), HYPER_EINVAL);
    assert_int_equal(hyper_frame_reader_init(&rd, 16777216, NULL, 0), HYPER_EINVAL);
    assert_int_equal(hyper_frame_reader_init(&rd, 16384, NULL, 10), HYPER_EINVAL);
    assert_int_equal(hyper_frame_reader_init(&rd, 16777215, NULL, 0), HYPER_OK);
    assert_int_equal(hyper_frame_reader_init(&rd, 16384, NULL, 0), HYPER_OK);
    /* DATA exactly at the limit passes; one more octet is refused after
     * raising and lowering the limit. */
    memset(in, 0xab, sizeof in);
    hyper_frame_hd hd = {16384, HYPER_FRAME_DATA, 0, 1};
    hyper_frame_hd_encode(in, &hd);
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 9 + 16384, &ev), 9 + 16384);
    assert_true(ev.last);
    assert_int_equal(ev.len, 16384);
    assert_int_equal(hyper_frame_reader_set_max_frame_size(&rd, 100), HYPER_EINVAL);
    assert_int_equal(hyper_frame_reader_set_max_frame_size(&rd, 65536), HYPER_OK);
    hd.length = 65536;
    hyper_frame_hd_encode(in, &hd);
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 9 + 65536, &ev), 9 + 65536);
    assert_int_equal(ev.len, 65536);
    /* An unknown type up to the limit is skipped with no buffer at all. */
    hd = (hyper_frame_hd){60000, 0x20, 0xff, 3};
    hyper_frame_hd_encode(in, &hd);
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 9 + 30000, &ev), 9 + 30000);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 30000, &ev), 30000);
    assert_int_equal(ev.type, HYPER_FRAME_READ_UNKNOWN);
    assert_int_equal(ev.hd.length, 60000);
    /* The limit applies to frames whose header is not complete yet. */
    hd = (hyper_frame_hd){20000, HYPER_FRAME_DATA, 0, 1};
    hyper_frame_hd_encode(in, &hd);
    assert_int_equal(hyper_frame_reader_recv(&rd, in, 4, &ev), 4);
    assert_int_equal(hyper_frame_reader_set_max_frame_size(&rd, 16384), HYPER_OK);
    assert_int_equal(hyper_frame_reader_recv(&rd, in + 4, 5, &ev), HYPER_EH2_FRAME_SIZE);
    /* A non-DATA frame exactly the buffer's size is fine even split. */
    uint8_t small[32];
    assert_int_equal(hyper_frame_reader_init(&rd, 16384, small, 8), HYPER_OK);
    static const uint8_t ping[] = {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(hyper_frame_reader_recv(&rd, ping, 12, &ev), 12);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NONE);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping + 12, 5, &ev), 5);
    assert_int_equal(ev.type, HYPER_FRAME_READ_FRAME);
    assert_ptr_equal(ev.payload, small);
    assert_memory_equal(ev.payload, ping + 9, 8);
}

/* The reader's FRAME events decode with hyper_frame_decode; a decode error
 * (stream error) leaves the reader usable. */
static void decode_after_read(void **state)
{
    (void)state;
    uint8_t in[64];
    long len = test_hex_decode("000004 08 00 00000005 00000000"  /* WU 0 on a stream */
                               "000004 08 00 00000005 00000010", in, sizeof in);
    hyper_frame_reader rd;
    hyper_frame_read_event ev;
    hyper_frame f;
    hyper_frame_reader_init(&rd, 16384, rbuf, sizeof rbuf);
    long n = hyper_frame_reader_recv(&rd, in, (size_t)len, &ev);
    assert_int_equal(n, 13);
    int rc = hyper_frame_decode(&f, &ev.hd, ev.payload);
    assert_int_equal(rc, HYPER_EH2_WINDOW_UPDATE_ZERO);
    assert_true(hyper_frame_error_is_stream(rc, &ev.hd));
    assert_int_equal(hyper_frame_reader_recv(&rd, in + n, (size_t)(len - n), &ev), 13);
    assert_int_equal(hyper_frame_decode(&f, &ev.hd, ev.payload), HYPER_OK);
    assert_int_equal(f.u.window_update.increment, 16);
}

/*
 * Buffer on demand: a stream of non-DATA frames (a 3000-octet HEADERS, a
 * SETTINGS, a PING, DATA between them) fed whole, byte by byte and in
 * random splits. The reader holds no buffer of its own: whenever a payload
 * arrives split it asks once for hd.length octets (exactly), which the
 * caller gives from the heap and takes back after the frame; payloads that
 * arrive whole are never asked for. Every frame comes out intact.
 */
static void buffer_on_demand(void **state)
{
    (void)state;
    static uint8_t in[4096];
    size_t len = 0;
    hyper_frame_hd hd = {3000, HYPER_FRAME_HEADERS, HYPER_FRAME_FLAG_END_HEADERS, 1};
    hyper_frame_hd_encode(in, &hd);
    for (size_t i = 0; i < 3000; i++)
        in[9 + i] = (uint8_t)(i * 7);
    len = 9 + 3000;
    len += (size_t)test_hex_decode("000006 04 00 00000000 000400001000"  /* SETTINGS */
                                   "000003 00 01 00000001 616263"        /* DATA, ES */
                                   "000008 06 00 00000000 0102030405060708", /* PING */
                                   in + len, sizeof in - len);
    for (size_t mode = 0; mode <= 7; mode += mode ? 3 : 1) { /* whole, 1, 4, 7 */
        hyper_frame_reader rd;
        assert_int_equal(hyper_frame_reader_init(&rd, 16384, NULL, 0), HYPER_OK);
        hyper_frame_reader_buffer_on_demand(&rd, 1);
        uint8_t *buf = NULL;
        size_t asked = 0, frames = 0, off = 0;
        seed = 42;
        while (off < len) {
            size_t n = mode == 0 ? len - off : mode == 1 ? 1 : next_rand(mode);
            if (n > len - off)
                n = len - off;
            hyper_frame_read_event ev;
            long used = hyper_frame_reader_recv(&rd, in + off, n, &ev);
            assert_true(used >= 0);
            off += (size_t)used;
            if (ev.type == HYPER_FRAME_READ_NEED_BUFFER) {
                assert_null(buf);
                asked++;
                buf = malloc(ev.hd.length);
                assert_non_null(buf);
                assert_int_equal(hyper_frame_reader_set_buffer(&rd, buf, ev.hd.length),
                                 HYPER_OK);
                continue;
            }
            assert_true(used > 0);
            if (ev.type != HYPER_FRAME_READ_FRAME)
                continue;
            frames++;
            if (ev.hd.type == HYPER_FRAME_HEADERS)
                assert_memory_equal(ev.payload, in + 9, 3000);
            if (ev.hd.type == HYPER_FRAME_PING)
                assert_memory_equal(ev.payload, "\1\2\3\4\5\6\7\10", 8);
            assert_true(hyper_frame_reader_idle(&rd));
            assert_int_equal(hyper_frame_reader_set_buffer(&rd, NULL, 0), HYPER_OK);
            free(buf);
            buf = NULL;
        }
        assert_int_equal(frames, 3);
        /* Whole: nothing split, nothing asked; byte by byte: every frame. */
        if (mode == 0)
            assert_int_equal(asked, 0);
        if (mode == 1)
            assert_int_equal(asked, 3);
        assert_null(buf);
    }
}

/* A caller that does not answer NEED_BUFFER gets FRAME_BUFFER, sticky; a
 * buffer cannot be swapped under a half-assembled payload; off (the
 * default) a frame over the buffer is refused at its header. */
static void buffer_on_demand_misuse(void **state)
{
    (void)state;
    static const uint8_t ping[] = {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    hyper_frame_reader rd;
    hyper_frame_read_event ev;
    uint8_t small[8];
    hyper_frame_reader_init(&rd, 16384, NULL, 0);
    hyper_frame_reader_buffer_on_demand(&rd, 1);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping, 9, &ev), 9);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NONE); /* no payload octet yet */
    assert_int_equal(hyper_frame_reader_recv(&rd, ping + 9, 3, &ev), 0);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NEED_BUFFER);
    assert_int_equal(ev.hd.length, 8);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping + 9, 3, &ev), HYPER_EH2_FRAME_BUFFER);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping, 9, &ev), HYPER_EH2_FRAME_BUFFER);
    /* Swapping mid-payload is refused, nothing changes. */
    hyper_frame_reader_init(&rd, 16384, NULL, 0);
    hyper_frame_reader_buffer_on_demand(&rd, 1);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping, 12, &ev), 9);
    assert_int_equal(ev.type, HYPER_FRAME_READ_NEED_BUFFER);
    assert_int_equal(hyper_frame_reader_set_buffer(&rd, NULL, 4), HYPER_EINVAL);
    assert_int_equal(hyper_frame_reader_set_buffer(&rd, small, 8), HYPER_OK);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping + 9, 3, &ev), 3);
    assert_int_equal(hyper_frame_reader_set_buffer(&rd, NULL, 0), HYPER_ESTATE);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping + 12, 5, &ev), 5);
    assert_int_equal(ev.type, HYPER_FRAME_READ_FRAME);
    assert_ptr_equal(ev.payload, small);
    assert_memory_equal(ev.payload, ping + 9, 8);
    /* Off: the same split frame over the buffer fails at its header. */
    hyper_frame_reader_init(&rd, 16384, small, 4);
    assert_int_equal(hyper_frame_reader_recv(&rd, ping, 12, &ev), HYPER_EH2_FRAME_BUFFER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stream_in_any_split),
        cmocka_unit_test(data_chunks_zero_copy),
        cmocka_unit_test(zero_length_data_one_event),
        cmocka_unit_test(reader_errors),
        cmocka_unit_test(limits_and_config),
        cmocka_unit_test(decode_after_read),
        cmocka_unit_test(buffer_on_demand),
        cmocka_unit_test(buffer_on_demand_misuse),
    };
    return cmocka_run_group_tests_name("frame_reader", tests, NULL, NULL);
}
