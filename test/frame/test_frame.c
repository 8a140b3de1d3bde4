/*
 * Tests for src/frame/frame.c: header codec, every payload decoder on valid
 * and malformed frames (table-driven), SETTINGS iteration, and the mapping
 * of errors to RFC 9113 codes and stream/connection scope.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "testutil.h"

static uint8_t wire[4096];

/* Decodes hex into `wire`, checks the header's length matches, and returns
 * the header. */
static hyper_frame_hd load(const char *hex)
{
    long n = test_hex_decode(hex, wire, sizeof wire);
    assert_true(n >= 9);
    hyper_frame_hd hd;
    hyper_frame_hd_decode(&hd, wire);
    assert_int_equal(hd.length, (size_t)n - 9);
    return hd;
}

static void header_roundtrip(void **state)
{
    (void)state;
    hyper_frame_hd hd;
    static const uint8_t in[9] = {0x12, 0x34, 0x56, 0xfa, 0xa5, 0xff, 0xff, 0xff, 0xff};
    hyper_frame_hd_decode(&hd, in);
    assert_int_equal(hd.length, 0x123456);
    assert_int_equal(hd.type, 0xfa);
    assert_int_equal(hd.flags, 0xa5);
    assert_int_equal(hd.stream_id, 0x7fffffff); /* reserved bit ignored (§4.1) */
    uint8_t out[9];
    hyper_frame_hd_encode(out, &hd);
    static const uint8_t expect[9] = {0x12, 0x34, 0x56, 0xfa, 0xa5, 0x7f, 0xff, 0xff, 0xff};
    assert_memory_equal(out, expect, 9);
    /* Encoding masks: the reserved bit is never sent. */
    hd.stream_id = 0x80000001u;
    hd.length = 0x1000000 | 5;
    hyper_frame_hd_encode(out, &hd);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[2], 5);
    assert_int_equal(out[5], 0);
    assert_int_equal(out[8], 1);
}

/* ---- malformed frames ------------------------------------------------ */

struct bad {
    const char *name;
    const char *hex;
    int err;
    uint32_t code;  /* RFC 9113 error code */
    int stream;     /* 1: stream error, 0: connection error */
};

#define CONN 0
#define STRM 1
static const struct bad bad_frames[] = {
    /* DATA §6.1 */
    {"data stream 0", "000001 00 00 00000000 61", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"data stream 0 via reserved bit", "000001 00 00 80000000 61", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"data padded, no pad octet", "000000 00 08 00000001", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"data pad == length", "000001 00 08 00000001 01", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"data pad > length", "000003 00 08 00000001 05 6161", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"data pad 255 in 10", "00000a 00 09 00000001 ff 000000000000000000", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    /* HEADERS §6.2 */
    {"headers stream 0", "000001 01 04 00000000 82", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"headers padded empty", "000000 01 0c 00000001", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"headers priority short", "000004 01 24 00000001 00000003", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"headers pad+prio short", "000005 01 2c 00000001 00 00000003", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"headers pad exceeds", "000003 01 0c 00000001 03 8282", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"headers pad+prio exceeds", "000007 01 2c 00000001 02 00000003 10 82", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"headers self dependency", "000006 01 24 00000003 00000003 10 82", HYPER_EH2_PRIORITY_SELF, HYPER_H2_PROTOCOL_ERROR, STRM},
    {"headers self dep, exclusive", "000006 01 24 00000003 80000003 10 82", HYPER_EH2_PRIORITY_SELF, HYPER_H2_PROTOCOL_ERROR, STRM},
    /* PRIORITY §6.3 */
    {"priority stream 0", "000005 02 00 00000000 00000001 10", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"priority length 4", "000004 02 00 00000003 00000001", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, STRM},
    {"priority length 6", "000006 02 00 00000003 00000001 1000", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, STRM},
    {"priority length 0", "000000 02 00 00000003", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, STRM},
    {"priority self", "000005 02 00 00000003 80000003 10", HYPER_EH2_PRIORITY_SELF, HYPER_H2_PROTOCOL_ERROR, STRM},
    /* RST_STREAM §6.4 */
    {"rst stream 0", "000004 03 00 00000000 00000008", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"rst length 3", "000003 03 00 00000001 000008", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"rst length 5", "000005 03 00 00000001 0000000800", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    /* SETTINGS §6.5 */
    {"settings on a stream", "000000 04 00 00000001", HYPER_EH2_STREAM_ID_NONZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings ack on a stream", "000000 04 01 00000003", HYPER_EH2_STREAM_ID_NONZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings ack with payload", "000006 04 01 00000000 000100001000", HYPER_EH2_SETTINGS_ACK_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"settings length 5", "000005 04 00 00000000 0001000010", HYPER_EH2_SETTINGS_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"settings length 7", "000007 04 00 00000000 00010000100000", HYPER_EH2_SETTINGS_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"settings enable_push 2", "000006 04 00 00000000 000200000002", HYPER_EH2_SETTINGS_ENABLE_PUSH, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings enable_push max", "000006 04 00 00000000 0002ffffffff", HYPER_EH2_SETTINGS_ENABLE_PUSH, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings window 2^31", "000006 04 00 00000000 000480000000", HYPER_EH2_SETTINGS_WINDOW, HYPER_H2_FLOW_CONTROL_ERROR, CONN},
    {"settings frame size 16383", "000006 04 00 00000000 000500003fff", HYPER_EH2_SETTINGS_FRAME_SIZE, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings frame size 2^24", "000006 04 00 00000000 000501000000", HYPER_EH2_SETTINGS_FRAME_SIZE, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings frame size 0", "000006 04 00 00000000 000500000000", HYPER_EH2_SETTINGS_FRAME_SIZE, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"settings bad after good", "00000c 04 00 00000000 000300000064 000200000005", HYPER_EH2_SETTINGS_ENABLE_PUSH, HYPER_H2_PROTOCOL_ERROR, CONN},
    /* PUSH_PROMISE §6.6 */
    {"push stream 0", "000004 05 04 00000000 00000002", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"push length 3", "000003 05 04 00000001 000002", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"push padded empty", "000000 05 0c 00000001", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"push padded length 4", "000004 05 0c 00000001 00 000002", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"push pad exceeds", "000006 05 0c 00000001 02 00000002 82", HYPER_EH2_PADDING, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"push promised 0", "000005 05 04 00000001 00000000 82", HYPER_EH2_PROMISED_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"push promised 0 reserved", "000004 05 04 00000001 80000000", HYPER_EH2_PROMISED_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    /* PING §6.7 */
    {"ping on a stream", "000008 06 00 00000001 0102030405060708", HYPER_EH2_STREAM_ID_NONZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"ping length 7", "000007 06 00 00000000 01020304050607", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"ping length 9", "000009 06 01 00000000 010203040506070809", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"ping length 0", "000000 06 00 00000000", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    /* GOAWAY §6.8 */
    {"goaway on a stream", "000008 07 00 00000001 00000000 00000000", HYPER_EH2_STREAM_ID_NONZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"goaway length 7", "000007 07 00 00000000 00000000 000000", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"goaway length 0", "000000 07 00 00000000", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    /* WINDOW_UPDATE §6.9 */
    {"window zero, connection", "000004 08 00 00000000 00000000", HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
    {"window zero, stream", "000004 08 00 00000005 00000000", HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_H2_PROTOCOL_ERROR, STRM},
    {"window zero, reserved bit", "000004 08 00 00000005 80000000", HYPER_EH2_WINDOW_UPDATE_ZERO, HYPER_H2_PROTOCOL_ERROR, STRM},
    {"window length 3, stream", "000003 08 00 00000005 000001", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    {"window length 5", "000005 08 00 00000000 0000000100", HYPER_EH2_FRAME_LENGTH, HYPER_H2_FRAME_SIZE_ERROR, CONN},
    /* CONTINUATION §6.10 */
    {"continuation stream 0", "000001 09 04 00000000 82", HYPER_EH2_STREAM_ID_ZERO, HYPER_H2_PROTOCOL_ERROR, CONN},
};

static void malformed_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_frames / sizeof bad_frames[0]; i++) {
        const struct bad *b = &bad_frames[i];
        hyper_frame_hd hd = load(b->hex);
        hyper_frame f;
        int rc = hyper_frame_decode(&f, &hd, wire + 9);
        if (rc != b->err)
            fail_msg("%s: got %s, want %s", b->name, hyper_strerror_name(rc),
                     hyper_strerror_name(b->err));
        if (hyper_frame_error_code(rc) != b->code)
            fail_msg("%s: RFC code %s", b->name, hyper_h2_error_code_name(hyper_frame_error_code(rc)));
        if (hyper_frame_error_is_stream(rc, &hd) != b->stream)
            fail_msg("%s: scope", b->name);
        assert_string_not_equal(hyper_strerror(rc), "unknown error");
    }
}

/* ---- valid frames, per type ----------------------------------------- */

static void data_frames(void **state)
{
    (void)state;
    hyper_frame_data d;
    hyper_frame_hd hd = load("000005 00 01 00000003 68656c6c6f");
    assert_int_equal(hyper_frame_data_decode(&d, &hd, wire + 9), HYPER_OK);
    assert_false(d.padded);
    assert_int_equal(d.len, 5);
    assert_ptr_equal(d.data, wire + 9); /* points into the payload */
    /* Pad length = length - 1: all padding, no data, valid (§6.1). */
    hd = load("000004 00 08 00000003 03 000000");
    assert_int_equal(hyper_frame_data_decode(&d, &hd, wire + 9), HYPER_OK);
    assert_true(d.padded);
    assert_int_equal(d.pad_len, 3);
    assert_int_equal(d.len, 0);
    /* Padded with data; unknown flag bits 0xf6 ignored. */
    hd = load("000005 00 fe 00000003 02 6869 0000");
    assert_int_equal(hyper_frame_data_decode(&d, &hd, wire + 9), HYPER_OK);
    assert_int_equal(d.len, 2);
    assert_memory_equal(d.data, "hi", 2);
    assert_int_equal(d.pad_len, 2);
    /* Empty DATA, payload pointer may be NULL. */
    hd = load("000000 00 01 00000001");
    assert_int_equal(hyper_frame_data_decode(&d, &hd, NULL), HYPER_OK);
    assert_int_equal(d.len, 0);
}

static void headers_frames(void **state)
{
    (void)state;
    hyper_frame_headers h;
    hyper_frame_hd hd = load("000003 01 05 00000001 828684");
    assert_int_equal(hyper_frame_headers_decode(&h, &hd, wire + 9), HYPER_OK);
    assert_false(h.has_priority);
    assert_int_equal(h.len, 3);
    assert_ptr_equal(h.fragment, wire + 9);
    /* PADDED + PRIORITY: exclusive on 5, weight 0x10; pad uses all remaining. */
    hd = load("000009 01 2c 00000007 03 80000005 10 000000");
    assert_int_equal(hyper_frame_headers_decode(&h, &hd, wire + 9), HYPER_OK);
    assert_true(h.has_priority);
    assert_true(h.prio.exclusive);
    assert_int_equal(h.prio.dependency, 5);
    assert_int_equal(h.prio.weight, 0x10);
    assert_int_equal(h.pad_len, 3);
    assert_int_equal(h.len, 0);
    /* Priority on stream 0 as dependency (root) is fine. */
    hd = load("000006 01 20 00000007 00000000 ff 82");
    assert_int_equal(hyper_frame_headers_decode(&h, &hd, wire + 9), HYPER_OK);
    assert_false(h.prio.exclusive);
    assert_int_equal(h.prio.weight, 255);
    assert_int_equal(h.len, 1);
    assert_ptr_equal(h.fragment, wire + 9 + 5);
}

static void small_frames(void **state)
{
    (void)state;
    hyper_frame f;
    hyper_frame_hd hd = load("000005 02 00 00000009 80000007 2a");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.priority.dependency, 7);
    assert_true(f.u.priority.exclusive);
    assert_int_equal(f.u.priority.weight, 42);
    hd = load("000004 03 00 00000009 0000000b");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.rst_stream.error_code, HYPER_H2_ENHANCE_YOUR_CALM);
    hd = load("000008 06 01 00000000 6162636465666768");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_true(f.u.ping.ack);
    assert_memory_equal(f.u.ping.opaque, "abcdefgh", 8);
    hd = load("00000b 07 00 00000000 80000065 00000002 787878");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.goaway.last_stream_id, 101); /* reserved bit ignored */
    assert_int_equal(f.u.goaway.error_code, 2);
    assert_int_equal(f.u.goaway.debug_len, 3);
    assert_ptr_equal(f.u.goaway.debug, wire + 17);
    hd = load("000004 08 00 00000000 80000001");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.window_update.increment, 1);
    hd = load("000004 08 00 00000003 7fffffff");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.window_update.increment, 0x7fffffff);
    hd = load("000002 09 04 00000003 8284");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.continuation.len, 2);
    assert_ptr_equal(f.u.continuation.fragment, wire + 9);
    hd = load("000006 05 0c 00000003 00 00000004 82");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.u.push_promise.promised_id, 4);
    assert_int_equal(f.u.push_promise.len, 1);
    assert_int_equal(f.u.push_promise.fragment[0], 0x82);
    /* Unknown type: accepted, nothing decoded. */
    hd = load("000002 ee ff 00000003 0102");
    assert_int_equal(hyper_frame_decode(&f, &hd, wire + 9), HYPER_OK);
    assert_int_equal(f.hd.type, 0xee);
}

static void settings_iteration(void **state)
{
    (void)state;
    hyper_frame_settings s;
    hyper_frame_setting e;
    /* Known ids interleaved with unknown ones (0, 7, 0x99, 0xffff) and
     * boundary values that are valid. */
    hyper_frame_hd hd = load("00005a 04 00 00000000"
                             "000000000001 000100001000 000700000001 000200000000"
                             "000201234567 000400000000 00997fffffff 00047fffffff"
                             "000500004000 000500ffffff ffff00000000 000300000000"
                             "000600000001 000200000001"
                             "0099ffffffff");
    assert_int_equal(hyper_frame_settings_decode(&s, &hd, wire + 9), HYPER_EH2_SETTINGS_ENABLE_PUSH);
    /* Same frame without the bad enable_push entry (0x01234567 -> 0x00000001). */
    hd = load("00005a 04 00 00000000"
              "000000000001 000100001000 000700000001 000200000000"
              "000200000001 000400000000 00997fffffff 00047fffffff"
              "000500004000 000500ffffff ffff00000000 000300000000"
              "000600000001 000200000001 0099ffffffff");
    assert_int_equal(hyper_frame_settings_decode(&s, &hd, wire + 9), HYPER_OK);
    assert_int_equal(s.count, 15);
    assert_false(s.ack);
    static const hyper_frame_setting want[] = {
        {1, 4096}, {2, 0}, {2, 1}, {4, 0}, {4, 0x7fffffff}, {5, 16384},
        {5, 16777215}, {3, 0}, {6, 1}, {2, 1}};
    size_t n = 0;
    while (hyper_frame_settings_next(&s, &e)) {
        assert_true(n < sizeof want / sizeof want[0]);
        assert_int_equal(e.id, want[n].id);
        assert_int_equal(e.value, want[n].value);
        n++;
    }
    assert_int_equal(n, sizeof want / sizeof want[0]);
    assert_int_equal(hyper_frame_settings_next(&s, &e), 0);
    /* ACK: no entries. */
    hd = load("000000 04 01 00000000");
    assert_int_equal(hyper_frame_settings_decode(&s, &hd, NULL), HYPER_OK);
    assert_true(s.ack);
    assert_int_equal(hyper_frame_settings_next(&s, &e), 0);
    /* The single-value check used on our own configuration. */
    assert_int_equal(hyper_frame_setting_check(HYPER_SETTINGS_ENABLE_PUSH, 1), HYPER_OK);
    assert_int_equal(hyper_frame_setting_check(HYPER_SETTINGS_MAX_FRAME_SIZE, 16383),
                     HYPER_EH2_SETTINGS_FRAME_SIZE);
    assert_int_equal(hyper_frame_setting_check(HYPER_SETTINGS_INITIAL_WINDOW_SIZE, 0x80000000u),
                     HYPER_EH2_SETTINGS_WINDOW);
    assert_int_equal(hyper_frame_setting_check(HYPER_SETTINGS_HEADER_TABLE_SIZE, 0xffffffffu),
                     HYPER_OK);
    assert_int_equal(hyper_frame_setting_check(0x42, 0xffffffffu), HYPER_OK);
}

static void error_mapping(void **state)
{
    (void)state;
    hyper_frame_hd on_stream = {4, HYPER_FRAME_WINDOW_UPDATE, 0, 3};
    hyper_frame_hd on_conn = {4, HYPER_FRAME_WINDOW_UPDATE, 0, 0};
    for (int e = -50; e >= -63; e--) {
        assert_string_not_equal(hyper_strerror(e), "unknown error");
        assert_true(strncmp(hyper_strerror_name(e), "HYPER_EH2_", 10) == 0);
        assert_int_not_equal(hyper_frame_error_code(e), HYPER_H2_NO_ERROR);
        assert_false(hyper_frame_error_is_stream(e, &on_conn)); /* stream 0: always connection */
    }
    assert_true(hyper_frame_error_is_stream(HYPER_EH2_WINDOW_UPDATE_ZERO, &on_stream));
    assert_false(hyper_frame_error_is_stream(HYPER_EH2_FRAME_LENGTH, &on_stream));
    assert_false(hyper_frame_error_is_stream(HYPER_EH2_FRAME_SIZE, &on_stream));
    assert_int_equal(hyper_frame_error_code(HYPER_EH2_FRAME_BUFFER), HYPER_H2_INTERNAL_ERROR);
    assert_int_equal(hyper_frame_error_code(HYPER_EH2_FRAME_SIZE), HYPER_H2_FRAME_SIZE_ERROR);
    assert_int_equal(hyper_frame_error_code(HYPER_EHPACK_INDEX), HYPER_H2_COMPRESSION_ERROR);
    assert_int_equal(hyper_frame_error_code(HYPER_EHPACK_TOO_MANY_SIZE_UPDATES),
                     HYPER_H2_COMPRESSION_ERROR);
    assert_int_equal(hyper_frame_error_code(HYPER_ENOMEM), HYPER_H2_INTERNAL_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_roundtrip),
        cmocka_unit_test(malformed_frames),
        cmocka_unit_test(data_frames),
        cmocka_unit_test(headers_frames),
        cmocka_unit_test(small_frames),
        cmocka_unit_test(settings_iteration),
        cmocka_unit_test(error_mapping),
    };
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
