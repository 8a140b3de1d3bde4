/*
 * Tests for the frame encoders (tools/support/frame_forge.c, and GOAWAY's
 * in src/frame/frame.c): exact bytes of every encoder (wire layouts of
 * RFC 9113 §6 written out by hand), buffer too small leaves the buffer
 * untouched, values that do not fit are refused, flags derived from
 * the structs, and encode -> decode round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "testutil.h"

static const uint8_t frag[] = {0x82, 0x86, 0x84};
static const uint8_t opaque[8] = {'p', 'i', 'n', 'g', 0, 1, 2, 3};
static const hyper_frame_setting sets[] = {{HYPER_SETTINGS_ENABLE_PUSH, 0},
                                           {HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 0x7fffffff},
                                           {0x99, 7}};

enum { K_DATA, K_DATA_PAD, K_DATA_FLAGS, K_HEADERS, K_HEADERS_ALL, K_HEADERS_CLEAR,
       K_PRIORITY, K_RST, K_SETTINGS, K_SETTINGS_EMPTY, K_ACK, K_PUSH, K_PUSH_PAD,
       K_PING, K_PING_ACK, K_GOAWAY, K_GOAWAY_EMPTY, K_WU, K_CONT, K_CONT_EMPTY, K_COUNT };

/* Calls encoder k into out/cap. */
static long encode(int k, uint8_t *out, size_t cap)
{
    hyper_frame_data d = {(const uint8_t *)"hi", 2, 0, 0};
    hyper_frame_headers h = {frag, sizeof frag, 0, 0, 0, {0, 0, 0}};
    hyper_frame_priority p = {0x7fffffff, 1, 255};
    hyper_frame_push_promise pp = {2, frag, sizeof frag, 0, 0};
    switch (k) {
    case K_DATA: return hyper_frame_data_encode(out, cap, 1, HYPER_FRAME_FLAG_END_STREAM, &d);
    case K_DATA_PAD:
        d.padded = 1, d.pad_len = 3;
        return hyper_frame_data_encode(out, cap, 0x7fffffff, 0, &d);
    case K_DATA_FLAGS: /* PADDED given but not padded: cleared; 0x40 passes */
        return hyper_frame_data_encode(out, cap, 3, HYPER_FRAME_FLAG_PADDED | 0x40, &d);
    case K_HEADERS: return hyper_frame_headers_encode(out, cap, 1, HYPER_FRAME_FLAG_END_HEADERS, &h);
    case K_HEADERS_ALL:
        h.padded = 1, h.pad_len = 2, h.has_priority = 1, h.prio = p;
        return hyper_frame_headers_encode(out, cap, 5,
                                          HYPER_FRAME_FLAG_END_HEADERS | HYPER_FRAME_FLAG_END_STREAM, &h);
    case K_HEADERS_CLEAR:
        return hyper_frame_headers_encode(out, cap, 1,
                                          HYPER_FRAME_FLAG_PRIORITY | HYPER_FRAME_FLAG_PADDED, &h);
    case K_PRIORITY: return hyper_frame_priority_encode(out, cap, 3, &p);
    case K_RST: return hyper_frame_rst_stream_encode(out, cap, 3, HYPER_H2_CANCEL);
    case K_SETTINGS: return hyper_frame_settings_encode(out, cap, 0, sets, 3);
    case K_SETTINGS_EMPTY: return hyper_frame_settings_encode(out, cap, 0, NULL, 0);
    case K_ACK: return hyper_frame_settings_ack_encode(out, cap);
    case K_PUSH: return hyper_frame_push_promise_encode(out, cap, 1, HYPER_FRAME_FLAG_END_HEADERS, &pp);
    case K_PUSH_PAD:
        pp.padded = 1, pp.pad_len = 1, pp.promised_id = 0x7ffffffe;
        return hyper_frame_push_promise_encode(out, cap, 3, 0, &pp);
    case K_PING: return hyper_frame_ping_encode(out, cap, opaque, 0);
    case K_PING_ACK: return hyper_frame_ping_encode(out, cap, opaque, 1);
    case K_GOAWAY:
        return hyper_frame_goaway_encode(out, cap, 7, HYPER_H2_PROTOCOL_ERROR,
                                         (const uint8_t *)"bad", 3);
    case K_GOAWAY_EMPTY: return hyper_frame_goaway_encode(out, cap, 0, 0, NULL, 0);
    case K_WU: return hyper_frame_window_update_encode(out, cap, 0, 0x7fffffff);
    case K_CONT: return hyper_frame_continuation_encode(out, cap, 9, HYPER_FRAME_FLAG_END_HEADERS,
                                                        frag, sizeof frag);
    case K_CONT_EMPTY: return hyper_frame_continuation_encode(out, cap, 9, 0, NULL, 0);
    default: return 0;
    }
}

static const char *const expected[K_COUNT] = {
    [K_DATA] = "000002 00 01 00000001 6869",
    [K_DATA_PAD] = "000006 00 08 7fffffff 03 6869 000000",
    [K_DATA_FLAGS] = "000002 00 40 00000003 6869",
    [K_HEADERS] = "000003 01 04 00000001 828684",
    [K_HEADERS_ALL] = "00000b 01 2d 00000005 02 ffffffff ff 828684 0000",
    [K_HEADERS_CLEAR] = "000003 01 00 00000001 828684",
    [K_PRIORITY] = "000005 02 00 00000003 ffffffff ff",
    [K_RST] = "000004 03 00 00000003 00000008",
    [K_SETTINGS] = "000012 04 00 00000000 000200000000 00047fffffff 009900000007",
    [K_SETTINGS_EMPTY] = "000000 04 00 00000000",
    [K_ACK] = "000000 04 01 00000000",
    [K_PUSH] = "000007 05 04 00000001 00000002 828684",
    [K_PUSH_PAD] = "000009 05 08 00000003 01 7ffffffe 828684 00",
    [K_PING] = "000008 06 00 00000000 70696e6700010203",
    [K_PING_ACK] = "000008 06 01 00000000 70696e6700010203",
    [K_GOAWAY] = "00000b 07 00 00000000 00000007 00000001 626164",
    [K_GOAWAY_EMPTY] = "000008 07 00 00000000 00000000 00000000",
    [K_WU] = "000004 08 00 00000000 7fffffff",
    [K_CONT] = "000003 09 04 00000009 828684",
    [K_CONT_EMPTY] = "000000 09 00 00000009",
};

static void exact_bytes_and_small_buffers(void **state)
{
    (void)state;
    uint8_t want[64], out[64];
    for (int k = 0; k < K_COUNT; k++) {
        long wn = test_hex_decode(expected[k], want, sizeof want);
        assert_true(wn >= 9);
        memset(out, 0xee, sizeof out);
        long n = encode(k, out, sizeof out);
        if (n != wn || memcmp(out, want, (size_t)wn) != 0) {
            char hex[200];
            test_hex_encode(out, n > 0 ? (size_t)n : 0, hex);
            fail_msg("encoder %d: got %ld %s", k, n, hex);
        }
        assert_int_equal(out[n], 0xee); /* nothing written past the frame */
        /* One octet short: refused, nothing written. */
        memset(out, 0xee, sizeof out);
        assert_int_equal(encode(k, out, (size_t)n - 1), HYPER_EBUFFER);
        for (size_t i = 0; i < sizeof out; i++)
            assert_int_equal(out[i], 0xee);
        assert_int_equal(encode(k, NULL, 0), HYPER_EBUFFER);
    }
}

static void values_that_do_not_fit(void **state)
{
    (void)state;
    uint8_t out[64];
    static const uint8_t big[1];
    hyper_frame_data d = {big, 0xffffff, 0, 0}; /* length checked before any read */
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EBUFFER);
    d.len = 0x1000000;
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EINVAL);
    d.len = 0xffffff, d.padded = 1; /* pad octet pushes it over 2^24-1 */
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EINVAL);
    /* Lengths near SIZE_MAX must not wrap round when padding, priority or
     * the promised id are added: refused before any octet is read. */
    d = (hyper_frame_data){big, SIZE_MAX, 1, 5};
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EINVAL);
    d = (hyper_frame_data){big, SIZE_MAX - 1, 1, 0};
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EINVAL);
    hyper_frame_headers hw = {big, SIZE_MAX - 2, 0, 0, 1, {1, 0, 0}};
    assert_int_equal(hyper_frame_headers_encode(out, sizeof out, 3, 0, &hw), HYPER_EINVAL);
    hw = (hyper_frame_headers){big, SIZE_MAX - 5, 1, 0, 1, {1, 0, 0}};
    assert_int_equal(hyper_frame_headers_encode(out, sizeof out, 3, 0, &hw), HYPER_EINVAL);
    hyper_frame_push_promise pw = {2, big, SIZE_MAX - 3, 0, 0};
    assert_int_equal(hyper_frame_push_promise_encode(out, sizeof out, 1, 0, &pw), HYPER_EINVAL);
    pw = (hyper_frame_push_promise){2, big, SIZE_MAX - 4, 1, 0};
    assert_int_equal(hyper_frame_push_promise_encode(out, sizeof out, 1, 0, &pw), HYPER_EINVAL);
    assert_int_equal(hyper_frame_goaway_encode(out, sizeof out, 1, 0, big, SIZE_MAX - 7),
                     HYPER_EINVAL);
    d = (hyper_frame_data){NULL, 3, 0, 0};
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 1, 0, &d), HYPER_EINVAL);
    d = (hyper_frame_data){NULL, 0, 0, 0};
    assert_int_equal(hyper_frame_data_encode(out, sizeof out, 0x80000000u, 0, &d), HYPER_EINVAL);
    assert_int_equal(hyper_frame_rst_stream_encode(out, sizeof out, 0xffffffffu, 0), HYPER_EINVAL);
    assert_int_equal(hyper_frame_window_update_encode(out, sizeof out, 1, 0x80000000u), HYPER_EINVAL);
    hyper_frame_priority p = {0x80000000u, 0, 0};
    assert_int_equal(hyper_frame_priority_encode(out, sizeof out, 1, &p), HYPER_EINVAL);
    hyper_frame_headers h = {NULL, 0, 0, 0, 1, p};
    assert_int_equal(hyper_frame_headers_encode(out, sizeof out, 1, 0, &h), HYPER_EINVAL);
    hyper_frame_push_promise pp = {0x80000000u, NULL, 0, 0, 0};
    assert_int_equal(hyper_frame_push_promise_encode(out, sizeof out, 1, 0, &pp), HYPER_EINVAL);
    assert_int_equal(hyper_frame_goaway_encode(out, sizeof out, 0x80000000u, 0, NULL, 0), HYPER_EINVAL);
    assert_int_equal(hyper_frame_goaway_encode(out, sizeof out, 1, 0, NULL, 1), HYPER_EINVAL);
    assert_int_equal(hyper_frame_settings_encode(out, sizeof out, 0, NULL, 1), HYPER_EINVAL);
    assert_int_equal(hyper_frame_settings_encode(out, sizeof out, 0, sets, 0x2aaaab), HYPER_EINVAL);
    assert_int_equal(hyper_frame_continuation_encode(out, sizeof out, 1, 0, NULL, 2), HYPER_EINVAL);
    /* Protocol rules are not the encoder's: stream 0 and increment 0 encode. */
    assert_int_equal(hyper_frame_window_update_encode(out, sizeof out, 0, 0), 13);
    assert_int_equal(hyper_frame_rst_stream_encode(out, sizeof out, 0, 0), 13);
}

/* Every encoder's output decodes back to what was given. */
static void roundtrip(void **state)
{
    (void)state;
    uint8_t out[64];
    hyper_frame f;
    hyper_frame_hd hd;
    for (int k = 0; k < K_COUNT; k++) {
        long n = encode(k, out, sizeof out);
        assert_true(n >= 9);
        hyper_frame_hd_decode(&hd, out);
        assert_int_equal(hd.length, (size_t)n - 9);
        assert_int_equal(hyper_frame_decode(&f, &hd, out + 9), HYPER_OK);
        switch (k) {
        case K_DATA_PAD:
            assert_int_equal(f.u.data.len, 2);
            assert_int_equal(f.u.data.pad_len, 3);
            assert_memory_equal(f.u.data.data, "hi", 2);
            break;
        case K_HEADERS_ALL:
            assert_true(f.u.headers.has_priority);
            assert_int_equal(f.u.headers.prio.dependency, 0x7fffffff);
            assert_true(f.u.headers.prio.exclusive);
            assert_int_equal(f.u.headers.prio.weight, 255);
            assert_int_equal(f.u.headers.pad_len, 2);
            assert_memory_equal(f.u.headers.fragment, frag, sizeof frag);
            break;
        case K_SETTINGS: {
            hyper_frame_setting s;
            assert_int_equal(f.u.settings.count, 3);
            assert_true(hyper_frame_settings_next(&f.u.settings, &s));
            assert_int_equal(s.id, HYPER_SETTINGS_ENABLE_PUSH);
            assert_true(hyper_frame_settings_next(&f.u.settings, &s));
            assert_int_equal(s.value, 0x7fffffff);
            assert_false(hyper_frame_settings_next(&f.u.settings, &s)); /* 0x99 skipped */
            break;
        }
        case K_PUSH_PAD:
            assert_int_equal(f.u.push_promise.promised_id, 0x7ffffffe);
            assert_int_equal(f.u.push_promise.len, 3);
            break;
        case K_PING_ACK:
            assert_true(f.u.ping.ack);
            assert_memory_equal(f.u.ping.opaque, opaque, 8);
            break;
        case K_GOAWAY:
            assert_int_equal(f.u.goaway.last_stream_id, 7);
            assert_int_equal(f.u.goaway.error_code, HYPER_H2_PROTOCOL_ERROR);
            assert_memory_equal(f.u.goaway.debug, "bad", 3);
            break;
        case K_WU:
            assert_int_equal(f.u.window_update.increment, 0x7fffffff);
            break;
        default:
            break;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_bytes_and_small_buffers),
        cmocka_unit_test(values_that_do_not_fit),
        cmocka_unit_test(roundtrip),
    };
    return cmocka_run_group_tests_name("frame_encode", tests, NULL, NULL);
}
