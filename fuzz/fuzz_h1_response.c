/*
 * fuzz_h1_response — the HTTP/1.1 response parser through the public API.
 *
 * Input: byte 0 picks the setup, byte 1 seeds the split points, the rest
 * is what the server sends.
 *   bit 0  HEAD instead of GET          bit 1  strict_crlf
 *   bit 2  ask for an h2c upgrade       bit 3  PUT with Expect: 100-continue
 *   bit 4  two pipelined requests       bit 5  small bounds
 *   bit 6  POST with a chunked body streamed through hyper_h1_send_body
 * The response is fed in pieces of 1..64 octets chosen by a PRNG from byte
 * 1; events are drained after each recv (DATA must point into the piece
 * just fed); after each END a new request is submitted while the
 * connection is reusable; recv_eof at the end. Output is drained after
 * each submit and when a piece's first octet has bit 4 set. With bit 6,
 * before each piece a prefix of it is offered as a body chunk (its length
 * and `end`, 1 in 16, steered by the piece's first octet): send_body must
 * never take more than it was given (the prefix is copied into a heap
 * block of its exact size, so reading past it is an ASan error) nor let
 * unsent output pass max_output. Must never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

static int32_t submit(hyper_h1_session *s, uint8_t setup)
{
    static const uint8_t settings[] = {0, 3, 0, 0, 0, 100};
    hyper_h1_request r;
    memset(&r, 0, sizeof r);
    r.method = (setup & 1) ? "HEAD" : "GET";
    r.method_len = strlen(r.method);
    r.target = "/f", r.target_len = 2;
    r.host = "fuzz", r.host_len = 4;
    if (setup & 8) {
        r.method = "PUT", r.method_len = 3;
        r.flags |= HYPER_H1_EXPECT_CONTINUE;
        r.body_mode = HYPER_H1_BODY_WHOLE;
        r.body = (const uint8_t *)"body", r.body_len = 4;
    }
    if (setup & 4) {
        r.flags |= HYPER_H1_UPGRADE_H2C;
        r.h2_settings = settings, r.h2_settings_len = sizeof settings;
    }
    if (setup & 64) {
        r.method = "POST", r.method_len = 4;
        r.body_mode = HYPER_H1_BODY_CHUNKED;
    }
    return hyper_h1_submit(s, &r);
}

/* Offers a copy of p[0..n) as request body (see the header comment). */
static void offer_body(hyper_h1_session *s, const uint8_t *p, size_t n, int end,
                       size_t max_output)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return;
    if (n)
        memcpy(copy, p, n);
    long took = hyper_h1_send_body(s, copy, n, end);
    free(copy);
    if (took > (long)n)
        abort();
    const uint8_t *out;
    if (hyper_h1_send_pending(s, &out) > max_output)
        abort();
}

static void drain(hyper_h1_session *s, const uint8_t *piece, size_t len, int *ended)
{
    hyper_event ev;
    while (hyper_h1_next_event(s, &ev)) {
        if (ev.type == HYPER_EVENT_DATA && ev.len &&
            (ev.data < piece || ev.data + ev.len > piece + len))
            abort();                   /* DATA must point into the input */
        if (ev.type == HYPER_EVENT_END)
            (*ended)++;
        hyper_headers_free(ev.headers);
    }
}

static void send_all(hyper_h1_session *s)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h1_send_pending(s, &p)) > 0)
        if (hyper_h1_sent(s, n) != HYPER_OK)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t setup = data[0];
    uint32_t rng = data[1] * 2654435761u + 1;
    data += 2, size -= 2;
    hyper_h1_options o;
    hyper_h1_options_init(&o);
    o.strict_crlf = (setup & 2) != 0;
    o.max_pipeline = 2;
    if (setup & 32)
        o.max_line = 32, o.max_headers = 3, o.max_head = 96, o.max_output = 160;
    hyper_h1_session *s;
    if (hyper_h1_session_init(&s, NULL, &o) != HYPER_OK)
        return 0;
    submit(s, setup);
    if (setup & 16)
        submit(s, setup & ~(uint8_t)12);
    send_all(s);
    int ended = 0, requests = 0, dead = 0;
    size_t pos = 0;
    while (pos < size && !dead) {
        rng = rng * 1103515245u + 12345u;
        size_t n = 1 + (rng >> 16) % 64, off = 0;
        if (n > size - pos)
            n = size - pos;
        /* The first octet of the piece steers the body offer, so the
         * fuzzer controls chunk sizes, `end` (1 in 16) and the draining. */
        uint8_t c = data[pos];
        if (setup & 64)
            offer_body(s, data + pos, ((rng >> 8) ^ c) % (n + 1), (c & 15) == 15,
                       o.max_output);
        if ((c >> 4) & 1)
            send_all(s);               /* else let the output buffer fill up */
        while (off < n) {
            long r = hyper_h1_recv(s, data + pos + off, n - off);
            drain(s, data + pos, n, &ended);
            if (r < 0) {
                dead = 1;              /* an error, or upgraded */
                break;
            }
            if (r == 0 || (size_t)r > n - off)
                abort();               /* no progress after draining: a livelock */
            off += (size_t)r;
        }
        pos += n;
        if (ended && hyper_h1_reusable(s) && !hyper_h1_outstanding(s) && requests < 8) {
            requests++;
            submit(s, setup & ~(uint8_t)4);
            send_all(s);
        }
    }
    hyper_h1_recv_eof(s);
    drain(s, NULL, 0, &ended);
    hyper_h1_session_free(s);
    return 0;
}
