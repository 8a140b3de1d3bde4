/* Tests for src/common/error.c's packed tables: every row is found, names
 * and texts line up with their codes, and codes outside the table are
 * unknown, in every profile (default, NO_ERROR_TEXT, NO_H1, ENGINE_ONLY). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "testutil.h"

/* First and last rows, and rows of every block: name and text agree. */
static void rows_line_up(void **state)
{
    (void)state;
    static const struct {
        int code;
        const char *name, *text;
    } rows[] = {
        {HYPER_OK, "HYPER_OK", "success"},
        {HYPER_ENOTFOUND, "HYPER_ENOTFOUND", "not found"},
        {HYPER_EHPACK_TOO_MANY_SIZE_UPDATES, "HYPER_EHPACK_TOO_MANY_SIZE_UPDATES",
         "HPACK: more than two table size updates in a row"},
        {HYPER_EH2_FRAME_SIZE, "HYPER_EH2_FRAME_SIZE",
         "HTTP/2: frame longer than SETTINGS_MAX_FRAME_SIZE"},
        {HYPER_EH2_BAD_PUSH, "HYPER_EH2_BAD_PUSH",
         "HTTP/2: invalid promised stream id or promised request"},
#ifndef HYPER_CONFIG_NO_H1
        {HYPER_EH1_STATUS_LINE, "HYPER_EH1_STATUS_LINE", "HTTP/1.1: malformed status line"},
        {HYPER_EH1_BODY_REFUSED, "HYPER_EH1_BODY_REFUSED",
         "HTTP/1.1: server answered before 100 Continue; body not sent"},
#endif
#ifndef HYPER_CONFIG_ENGINE_ONLY
        {HYPER_ECONTENT_UNSUPPORTED, "HYPER_ECONTENT_UNSUPPORTED",
         "content decoding: unsupported content coding"},
        {HYPER_ETLS_CERT_REQUIRED, "HYPER_ETLS_CERT_REQUIRED",
         "TLS: the server requires a valid client certificate"},
        {HYPER_ECONN_UNSUPPORTED, "HYPER_ECONN_UNSUPPORTED",
         "connection: not available on this protocol"},
#endif
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_string_equal(hyper_strerror_name(rows[i].code), rows[i].name);
#ifdef HYPER_CONFIG_NO_ERROR_TEXT
        assert_string_equal(hyper_strerror(rows[i].code), rows[i].name);
#else
        assert_string_equal(hyper_strerror(rows[i].code), rows[i].text);
#endif
    }
}

/* Every code from 0 down: a known one has a unique HYPER_ name; an unknown
 * one (gaps between blocks, positive values, far below) is unknown. */
static void names_unique_and_unknowns(void **state)
{
    (void)state;
    static const char *seen[300];
    size_t known = 0;
    for (int e = 0; e > -300; e--) {
        const char *n = hyper_strerror_name(e);
        if (strcmp(n, "HYPER_E_UNKNOWN") == 0) {
            assert_string_equal(hyper_strerror(e), "unknown error");
            continue;
        }
        assert_true(strncmp(n, "HYPER_", 6) == 0);
        assert_true(strlen(hyper_strerror(e)) > 0);
        for (size_t k = 0; k < known; k++)
            assert_string_not_equal(seen[k], n);
        seen[known++] = n;
    }
    /* Rows per block of error.c: the engine's 54, HTTP/1.1's 22, and the
     * 27 of the layers outside the engine (content, transport, TLS, conn). */
    size_t expect = 54;
#ifndef HYPER_CONFIG_NO_H1
    expect += 22;
#endif
#ifndef HYPER_CONFIG_ENGINE_ONLY
    expect += 27;
#endif
    assert_int_equal(known, expect);
    static const int unknown[] = {1, 7, 19, -7, -19, -36, -64, -97, -99, -187, -255, -256,
                                  -257, 255, 256, -1000, 2147483647, -2147483647 - 1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(hyper_strerror_name(unknown[i]), "HYPER_E_UNKNOWN");
        assert_string_equal(hyper_strerror(unknown[i]), "unknown error");
    }
#ifdef HYPER_CONFIG_NO_H1
    assert_string_equal(hyper_strerror_name(HYPER_EH1_STATUS_LINE), "HYPER_E_UNKNOWN");
#endif
#ifdef HYPER_CONFIG_ENGINE_ONLY
    assert_string_equal(hyper_strerror_name(HYPER_ETLS_HANDSHAKE), "HYPER_E_UNKNOWN");
    assert_string_equal(hyper_strerror(HYPER_ECONN_CLOSED), "unknown error");
#else
    assert_string_equal(hyper_strerror_name(HYPER_ETLS_HANDSHAKE), "HYPER_ETLS_HANDSHAKE");
#endif
}

static void every_h2_code_name(void **state)
{
    (void)state;
    static const char *const names[] = {
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM",
        "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    for (uint32_t c = 0; c < sizeof names / sizeof names[0]; c++)
        assert_string_equal(hyper_h2_error_code_name(c), names[c]);
    assert_string_equal(hyper_h2_error_code_name(14), "UNKNOWN_ERROR_CODE");
    assert_string_equal(hyper_h2_error_code_name(0xffffffffu), "UNKNOWN_ERROR_CODE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_line_up),
        cmocka_unit_test(names_unique_and_unknowns),
        cmocka_unit_test(every_h2_code_name),
    };
    return cmocka_run_group_tests_name("error_table", tests, NULL, NULL);
}
