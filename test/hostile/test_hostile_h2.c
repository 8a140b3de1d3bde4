/*
 * Hostile HTTP/2 servers (issue 5): one cmocka test per row of the table
 * below. Each row names a scenario of test/hostile/scenarios_h2.py (what
 * the server sends) and says what hyper must do about it, through the
 * public connection API: the error each request returns (or WANT_OK: status
 * 200 and the whole body), and what hyper sent back, read by the script
 * with hyperframe. Codes and scopes follow RFC 9113 (section in the
 * comment); where the RFC allows several answers, each is accepted.
 * Every row is also bounded in time and memory (hostile_harness.h).
 * Plans: P_ONE GET /one; P_TWO /one then /two, collected in order; P_TWO_REV
 * the same collected in reverse (a response completed before the fault
 * must stay readable); P_UPLOAD a streamed 8 MiB POST; P_PUSH /one with
 * push on, then the first promised response.
 * HX_ONLY=<pattern> runs the matching rows; HX_VERBOSE=1 prints the
 * script's RESULT lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "hostile_harness.h"

#define PROTO HYPER_H2_PROTOCOL_ERROR
#define FLOW HYPER_H2_FLOW_CONTROL_ERROR
#define FSIZE HYPER_H2_FRAME_SIZE_ERROR
#define COMP HYPER_H2_COMPRESSION_ERROR
#define CALM HYPER_H2_ENHANCE_YOUR_CALM
#define CLOSED HYPER_H2_STREAM_CLOSED
#define GOAWAY(...) {SENT_GOAWAY, 0, C(__VA_ARGS__)}
#define RST(sid, ...) {SENT_RST, sid, C(__VA_ARGS__)}
#define EITHER(sid, ...) {SENT_EITHER, sid, C(__VA_ARGS__)}
#define IF_ANY(...) {SENT_IF_ANY, 0, C(__VA_ARGS__)}
#define CLEAN {SENT_CLEAN, 0, C(CEND)}
#define ANY {SENT_ANY, 0, C(CEND)}
#define NONE W(WANT_NONE)

/* A connection error ends the whole connection: the request fails with
 * the error and hyper sends GOAWAY. */
#define CONN_ERR(name, errs, ...) {name, P_ONE, 0, errs, NONE, 0, GOAWAY(__VA_ARGS__)}
/* A malformed response is a stream error (§8.1.1): request 1 fails, the
 * connection lives on and request 2 succeeds. */
#define STREAM_ERR(name, errs, code) {name, P_TWO, 0, errs, W(WANT_OK), 0, RST(1, code)}

#define CLOSE_ERRS W(HYPER_ECONN_CLOSED, HYPER_ECLOSED, HYPER_EIO, HYPER_ETLS)
#define BOMB_ERRS HYPER_EHPACK_LIST_SIZE, HYPER_EHPACK_FIELD_COUNT, HYPER_EH2_BAD_RESPONSE, \
                  HYPER_EH2_CALM

static const hx_scenario table[] = {
    /* ---- preface and SETTINGS (§3.4, §6.5) ---- */
    {"ok", P_TWO, 0, W(WANT_OK), W(WANT_OK), 0, CLEAN},
    CONN_ERR("preface_no_settings", W(HYPER_EH2_PREFACE, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("preface_garbage", W(HYPER_EH2_PREFACE, HYPER_EH2_FRAME_SIZE, HYPER_EH2_PROTOCOL),
             PROTO, FSIZE),
    CONN_ERR("settings_on_stream", W(HYPER_EH2_STREAM_ID_NONZERO, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("settings_bad_length", W(HYPER_EH2_SETTINGS_LENGTH, HYPER_EH2_FRAME_LENGTH), FSIZE),
    CONN_ERR("settings_ack_payload", W(HYPER_EH2_SETTINGS_ACK_LENGTH, HYPER_EH2_FRAME_LENGTH),
             FSIZE),
    CONN_ERR("settings_enable_push_2", W(HYPER_EH2_SETTINGS_ENABLE_PUSH, HYPER_EH2_PROTOCOL),
             PROTO),
    CONN_ERR("settings_enable_push_1", W(HYPER_EH2_SETTINGS_PUSH, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("settings_window_2_31", W(HYPER_EH2_SETTINGS_WINDOW, HYPER_EH2_FLOW_CONTROL), FLOW),
    CONN_ERR("settings_frame_size_small", W(HYPER_EH2_SETTINGS_FRAME_SIZE, HYPER_EH2_PROTOCOL),
             PROTO),
    CONN_ERR("settings_frame_size_big", W(HYPER_EH2_SETTINGS_FRAME_SIZE, HYPER_EH2_PROTOCOL),
             PROTO),
    /* A flood that leaves our ACKs unread: answered within bounds, or cut
     * with ENHANCE_YOUR_CALM, or the write times out. */
    {"settings_flood", P_ONE, 0, W(WANT_OK, HYPER_EH2_CALM, HYPER_ETIMEOUT), NONE, 0, IF_ANY(CALM)},
    {"settings_never_ack", P_ONE, F_NOSPIN, W(WANT_OK), NONE, 0,
     IF_ANY(HYPER_H2_SETTINGS_TIMEOUT)},

    /* ---- frames (§4, §5.1, §6) ---- */
    CONN_ERR("frame_oversized", W(HYPER_EH2_FRAME_SIZE), FSIZE),
    CONN_ERR("frame_oversized_headers", W(HYPER_EH2_FRAME_SIZE, HYPER_EH2_FRAME_BUFFER), FSIZE),
    CONN_ERR("data_stream0", W(HYPER_EH2_STREAM_ID_ZERO, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("headers_stream0", W(HYPER_EH2_STREAM_ID_ZERO, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("data_idle_stream", W(HYPER_EH2_IDLE_STREAM, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("headers_even_stream", W(HYPER_EH2_IDLE_STREAM, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("bad_padding", W(HYPER_EH2_PADDING, HYPER_EH2_PROTOCOL), PROTO),
    {"unknown_frames", P_TWO, 0, W(WANT_OK), W(WANT_OK), 0, CLEAN},
    STREAM_ERR("priority_self", W(HYPER_EH2_PRIORITY_SELF, HYPER_EH2_PROTOCOL), PROTO),
    STREAM_ERR("window_update_zero_stream",
               W(HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("window_update_zero_conn", W(HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_EH2_PROTOCOL),
             PROTO),
    CONN_ERR("window_update_overflow_conn", W(HYPER_EH2_FLOW_CONTROL), FLOW),
    STREAM_ERR("window_update_overflow_stream", W(HYPER_EH2_FLOW_CONTROL), FLOW),
    CONN_ERR("rst_stream0", W(HYPER_EH2_STREAM_ID_ZERO, HYPER_EH2_PROTOCOL), PROTO),
    /* §6.8: stream 3 was declared unprocessed by the first GOAWAY; a later,
     * higher last-stream-id must not bring it back. */
    {"goaway_increasing", P_TWO, 0, W(WANT_OK),
     W(HYPER_ECONN_NOT_PROCESSED, HYPER_EH2_PROTOCOL, HYPER_EH2_GOAWAY), 0, IF_ANY(PROTO)},

    /* ---- headers (§4.3, §6.10, §8.2, §8.3; RFC 7541) ---- */
    CONN_ERR("continuation_flood",
             W(HYPER_EH2_CALM, HYPER_EHPACK_LIST_SIZE, HYPER_EHPACK_FIELD_COUNT,
               HYPER_EH2_BAD_RESPONSE), CALM, PROTO, COMP),
    CONN_ERR("continuation_empty_flood", W(HYPER_EH2_CALM), CALM),
    CONN_ERR("headers_interleaved", W(HYPER_EH2_CONTINUATION, HYPER_EH2_PROTOCOL), PROTO),
    CONN_ERR("continuation_without_headers", W(HYPER_EH2_CONTINUATION, HYPER_EH2_PROTOCOL),
             PROTO),
    {"hpack_bomb", P_TWO, 0, W(BOMB_ERRS), W(WANT_OK, BOMB_ERRS), 0, EITHER(1, CALM, PROTO, COMP)},
    CONN_ERR("hpack_index_zero", W(HYPER_EHPACK_INDEX_ZERO), COMP),
    CONN_ERR("hpack_index_past", W(HYPER_EHPACK_INDEX), COMP),
    CONN_ERR("hpack_bad_huffman", W(HYPER_EHPACK_HUFFMAN_PADDING_BITS, HYPER_EHPACK_HUFFMAN_PADDING,
                                    HYPER_EHPACK_HUFFMAN_EOS), COMP),
    STREAM_ERR("uppercase_header", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("status_missing", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("status_doubled", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("request_pseudo", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("connection_header", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("pseudo_after_regular", W(HYPER_EH2_BAD_RESPONSE), PROTO),
    STREAM_ERR("trailers_no_end_stream", W(HYPER_EH2_BAD_RESPONSE, HYPER_EH2_PROTOCOL), PROTO),

    /* ---- body and flow control (§5.2, §6.9, §8.1.1) ---- */
    /* Stream or connection error (§6.9.1 allows both). */
    {"data_past_window", P_TWO_REV, 0, W(HYPER_EH2_FLOW_CONTROL),
     W(WANT_OK, HYPER_EH2_FLOW_CONTROL), 0, EITHER(1, FLOW)},
    /* The stream is closed both ways when the mismatch shows: RST optional. */
    {"content_length_short", P_TWO, 0, W(HYPER_EH2_CONTENT_LENGTH), W(WANT_OK), 0, IF_ANY(PROTO)},
    {"content_length_long", P_TWO, 0, W(HYPER_EH2_CONTENT_LENGTH), W(WANT_OK), 0, IF_ANY(PROTO)},
    /* §5.1 closed: connection error STREAM_CLOSED; response 1 stays readable. */
    {"data_after_end_stream", P_TWO_REV, 0, W(WANT_OK),
     W(HYPER_EH2_STREAM_CLOSED, HYPER_EH2_PROTOCOL), 0, GOAWAY(CLOSED, PROTO)},
    {"upload_window_zero", P_UPLOAD, F_NOSPIN, W(HYPER_ETIMEOUT, HYPER_ECONN_DEADLINE), NONE, 0,
     ANY},
    CONN_ERR("zero_data_flood", W(HYPER_EH2_CALM), CALM),
    {"slow_drip_deadline", P_ONE, F_NOSPIN | F_DEADLINE, W(HYPER_ECONN_DEADLINE), NONE, 0, ANY},
    {"slow_drip_complete", P_ONE, F_NOSPIN, W(WANT_OK), NONE, 0, CLEAN},
    {"headers_then_silence", P_ONE, F_NOSPIN, W(HYPER_ETIMEOUT), NONE, 0, ANY},

    /* ---- push (§6.6, §8.4) ---- */
    CONN_ERR("push_disabled", W(HYPER_EH2_PUSH_DISABLED, HYPER_EH2_PROTOCOL), PROTO),
    {"push_closed_stream", P_TWO_REV, F_PUSH, W(WANT_OK),
     W(HYPER_EH2_STREAM_CLOSED, HYPER_EH2_PROTOCOL), 0, GOAWAY(CLOSED, PROTO)},
    {"push_flood", P_PUSH, F_PUSH, W(WANT_OK), W(WANT_OK), 0,
     RST(ANY_EVEN, HYPER_H2_REFUSED_STREAM, HYPER_H2_CANCEL)},
    {"push_bad_promise", P_PUSH, F_PUSH, W(WANT_OK), NONE, 0, RST(2, PROTO)},
    {"push_bad_response", P_PUSH, F_PUSH, W(WANT_OK), W(HYPER_EH2_BAD_RESPONSE), 0, RST(2, PROTO)},
    {"push_odd_promised", P_ONE, F_PUSH, W(HYPER_EH2_BAD_PUSH, HYPER_EH2_PROTOCOL), NONE, 0,
     GOAWAY(PROTO)},

    /* ---- lifecycle (§5.4, §6.7, §6.8) ---- */
    {"ping_flood", P_ONE, 0, W(WANT_OK, HYPER_EH2_CALM, HYPER_ETIMEOUT), NONE, 0, IF_ANY(CALM)},
    /* A burst the client can answer at once is no flood. */
    {"ping_burst", P_ONE, 0, W(WANT_OK), NONE, 0, CLEAN},
    {"rst_flood", P_TWO, 0, W(HYPER_EH2_STREAM_RESET), W(HYPER_EH2_STREAM_RESET), 0,
     IF_ANY(CALM)},
    {"goaway_mid_response", P_TWO, 0, W(WANT_OK), W(HYPER_ECONN_NOT_PROCESSED), 0, CLEAN},
    {"goaway_then_close_midbody", P_ONE, 0, CLOSE_ERRS, NONE, 8, ANY},
    {"tcp_close_mid_frame", P_TWO_REV, 0, W(WANT_OK), CLOSE_ERRS, 0, ANY},
    {"tcp_reset", P_TWO_REV, 0, W(WANT_OK), CLOSE_ERRS, 0, ANY},
    {"server_stops_reading", P_UPLOAD, F_NOSPIN,
     W(HYPER_ETIMEOUT, HYPER_ECONN_DEADLINE, HYPER_ECLOSED), NONE, 0, ANY},

    /* ---- over TLS (ALPN h2) ---- */
    {"ok", P_TWO, F_TLS, W(WANT_OK), W(WANT_OK), 0, CLEAN},
    {"no_close_notify", P_TWO_REV, F_TLS, W(WANT_OK), CLOSE_ERRS, 0, ANY},
    {"hpack_bomb", P_TWO, F_TLS, W(BOMB_ERRS), W(WANT_OK, BOMB_ERRS), 0,
     EITHER(1, CALM, PROTO, COMP)},
    {"continuation_empty_flood", P_ONE, F_TLS, W(HYPER_EH2_CALM), NONE, 0, GOAWAY(CALM)},
    {"goaway_mid_response", P_TWO, F_TLS, W(WANT_OK), W(HYPER_ECONN_NOT_PROCESSED), 0, CLEAN},
    {"data_after_end_stream", P_TWO_REV, F_TLS, W(WANT_OK),
     W(HYPER_EH2_STREAM_CLOSED, HYPER_EH2_PROTOCOL), 0, GOAWAY(CLOSED, PROTO)},
};

#define N (sizeof table / sizeof table[0])

static void run_one(void **state)
{
    hx_run((const hx_scenario *)*state);
}

int main(void)
{
    static char names[N][64];
    struct CMUnitTest tests[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%s%s", table[i].flags & F_TLS ? "tls/" : "",
                 table[i].name);
        tests[i] = (struct CMUnitTest){names[i], run_one, NULL, NULL, (void *)&table[i]};
    }
    if (getenv("HX_ONLY"))
        cmocka_set_test_filter(getenv("HX_ONLY"));
    return cmocka_run_group_tests_name("hostile_h2", tests, hx_setup, hx_teardown);
}
