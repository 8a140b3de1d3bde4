/*
 * fuzz_frame_reader.c — libFuzzer target for the HTTP/2 frame layer.
 *
 * Input: byte 0 picks the reader's max frame size and buffer size, bytes
 * 1..4 seed the split points, the rest is the byte stream a server sends.
 * The stream is fed in chunks, each copied into its own exactly-sized heap
 * block that is freed right after use, so ASan catches any event pointer
 * that reaches outside its chunk or outlives it. Every FRAME payload goes
 * through every payload decoder (not only its type's), SETTINGS are
 * iterated, valid frames are re-encoded and decoded again, and the reader's
 * documented invariants are checked (progress, DATA accounting, sticky
 * errors). A violated invariant aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "support/frame_forge.h" /* frame/frame.h and the encoders */

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static uint8_t rbuf[1 << 16];
static uint8_t enc[(1 << 16) + 64];

static void all_decoders(const hyper_frame_hd *hd0, const uint8_t *payload)
{
    hyper_frame f;
    for (uint8_t t = 0; t <= HYPER_FRAME_TYPE_COUNT; t++) {
        hyper_frame_hd hd = *hd0;
        hd.type = t;
        int rc = hyper_frame_decode(&f, &hd, payload);
        CHECK(rc <= 0);
        if (rc < 0) {
            CHECK(hyper_frame_error_code(rc) != HYPER_H2_NO_ERROR);
            (void)hyper_frame_error_is_stream(rc, &hd);
            continue;
        }
        if (t == HYPER_FRAME_SETTINGS) {
            hyper_frame_setting s;
            size_t n = 0;
            while (hyper_frame_settings_next(&f.u.settings, &s)) {
                CHECK(hyper_frame_setting_check(s.id, s.value) == HYPER_OK);
                n++;
            }
            CHECK(n <= f.u.settings.count);
        }
    }
}

/* A valid frame re-encoded decodes to the same fields. */
static void reencode(const hyper_frame_hd *hd, const uint8_t *payload)
{
    hyper_frame f, g;
    hyper_frame_hd hd2;
    long n = -1;
    if (hyper_frame_decode(&f, hd, payload) != HYPER_OK)
        return;
    switch (hd->type) {
    case HYPER_FRAME_HEADERS:
        n = hyper_frame_headers_encode(enc, sizeof enc, hd->stream_id, hd->flags, &f.u.headers);
        break;
    case HYPER_FRAME_PUSH_PROMISE:
        n = hyper_frame_push_promise_encode(enc, sizeof enc, hd->stream_id, hd->flags,
                                            &f.u.push_promise);
        break;
    case HYPER_FRAME_GOAWAY:
        n = hyper_frame_goaway_encode(enc, sizeof enc, f.u.goaway.last_stream_id,
                                      f.u.goaway.error_code, f.u.goaway.debug,
                                      f.u.goaway.debug_len);
        break;
    case HYPER_FRAME_WINDOW_UPDATE:
        n = hyper_frame_window_update_encode(enc, sizeof enc, hd->stream_id,
                                             f.u.window_update.increment);
        break;
    default:
        return;
    }
    CHECK(n == (long)(HYPER_FRAME_HEADER_LEN + hd->length));
    hyper_frame_hd_decode(&hd2, enc);
    CHECK(hyper_frame_decode(&g, &hd2, enc + HYPER_FRAME_HEADER_LEN) == HYPER_OK);
    if (hd->type == HYPER_FRAME_HEADERS) {
        CHECK(g.u.headers.len == f.u.headers.len);
        CHECK(g.u.headers.len == 0 ||
              memcmp(g.u.headers.fragment, f.u.headers.fragment, f.u.headers.len) == 0);
        CHECK(g.u.headers.prio.dependency == f.u.headers.prio.dependency);
    } else if (hd->type == HYPER_FRAME_PUSH_PROMISE) {
        CHECK(g.u.push_promise.promised_id == f.u.push_promise.promised_id);
        CHECK(g.u.push_promise.len == f.u.push_promise.len);
    } else if (hd->type == HYPER_FRAME_WINDOW_UPDATE) {
        CHECK(g.u.window_update.increment == f.u.window_update.increment);
    }
}

struct data_state {
    int open;
    uint32_t flow;
    uint32_t length;
};

static void on_event(const hyper_frame_read_event *ev, const uint8_t *chunk, size_t len,
                     struct data_state *ds, uint32_t max)
{
    CHECK(ev->hd.length <= max);
    switch (ev->type) {
    case HYPER_FRAME_READ_FRAME:
        CHECK(!ds->open);
        CHECK(ev->hd.type != HYPER_FRAME_DATA && ev->hd.type < HYPER_FRAME_TYPE_COUNT);
        CHECK(ev->hd.length == 0 || ev->payload != NULL);
        if (ev->payload && ev->payload != rbuf) /* zero copy: inside the chunk */
            CHECK(ev->payload >= chunk && ev->payload + ev->hd.length <= chunk + len);
        all_decoders(&ev->hd, ev->payload);
        reencode(&ev->hd, ev->payload);
        break;
    case HYPER_FRAME_READ_DATA:
        CHECK(ev->hd.type == HYPER_FRAME_DATA && ev->hd.stream_id != 0);
        CHECK(ev->first == !ds->open);
        if (ev->first) {
            ds->open = 1;
            ds->flow = 0;
            ds->length = ev->hd.length;
        }
        CHECK(ev->len <= ev->flow_len);
        if (ev->len)
            CHECK(ev->data >= chunk && ev->data + ev->len <= chunk + len);
        ds->flow += (uint32_t)ev->flow_len;
        CHECK(ds->flow <= ds->length);
        if (ev->last) {
            CHECK(ds->flow == ds->length);
            ds->open = 0;
        }
        break;
    case HYPER_FRAME_READ_UNKNOWN:
        CHECK(!ds->open && ev->hd.type >= HYPER_FRAME_TYPE_COUNT);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    static const uint32_t maxes[4] = {16384, 16385, 65535, 16777215};
    static const size_t caps[4] = {0, 100, 16384, sizeof rbuf};
    uint32_t max = maxes[data[0] & 3];
    size_t cap = caps[(data[0] >> 2) & 3];
    uint32_t seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
                    (uint32_t)data[4] << 24;
    data += 5;
    size -= 5;

    hyper_frame_reader rd;
    CHECK(hyper_frame_reader_init(&rd, max, cap ? rbuf : NULL, cap) == HYPER_OK);
    struct data_state ds = {0, 0, 0};
    int err = 0;
    size_t off = 0;
    while (off < size) {
        seed = seed * 1103515245u + 12345u;
        size_t chunk = (seed >> 16) % 4 == 0 ? size - off : 1 + (seed >> 8) % 40;
        if (chunk > size - off)
            chunk = size - off;
        uint8_t *copy = malloc(chunk);
        CHECK(copy != NULL);
        memcpy(copy, data + off, chunk);
        size_t pos = 0;
        while (pos < chunk) {
            hyper_frame_read_event ev;
            long n = hyper_frame_reader_recv(&rd, copy + pos, chunk - pos, &ev);
            if (n < 0) {
                CHECK(ev.type == HYPER_FRAME_READ_NONE);
                CHECK(err == 0 || err == n); /* the first error sticks */
                err = (int)n;
                CHECK(hyper_frame_error_code(err) != HYPER_H2_NO_ERROR);
                break;
            }
            CHECK(n >= 1 && (size_t)n <= chunk - pos);
            on_event(&ev, copy + pos, (size_t)n, &ds, max);
            pos += (size_t)n;
        }
        free(copy);
        off += chunk;
        if (err) {
            hyper_frame_read_event ev;
            CHECK(hyper_frame_reader_recv(&rd, data, size, &ev) == err);
            break;
        }
    }
    return 0;
}
