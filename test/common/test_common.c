/* Tests for src/common: error texts and the default allocator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "testutil.h"

static void every_error_has_text(void **state)
{
    (void)state;
    /* Every defined code in the general and HPACK blocks has its own text. */
    static const int codes[] = {HYPER_ENOMEM, HYPER_EINVAL, HYPER_EBUFFER, HYPER_ELIMIT,
                                HYPER_ESTATE, HYPER_ENOTFOUND, HYPER_EHPACK_INDEX_ZERO,
                                HYPER_EHPACK_BROKEN};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        assert_string_not_equal(hyper_strerror(codes[i]), "unknown error");
        assert_true(strncmp(hyper_strerror_name(codes[i]), "HYPER_E", 7) == 0);
    }
    assert_string_equal(hyper_strerror(12345), "unknown error");
    assert_string_equal(hyper_strerror_name(HYPER_EHPACK_INDEX), "HYPER_EHPACK_INDEX");
}

/* HYPER_CONFIG_NO_ERROR_TEXT: the name stands in for the sentence. */
static void error_text_profile(void **state)
{
    (void)state;
#ifdef HYPER_CONFIG_NO_ERROR_TEXT
    assert_string_equal(hyper_strerror(HYPER_ENOMEM), "HYPER_ENOMEM");
    assert_string_equal(hyper_strerror(HYPER_EH2_CALM), "HYPER_EH2_CALM");
#else
    assert_string_equal(hyper_strerror(HYPER_ENOMEM),
                        "out of memory: the allocator refused a request");
    assert_string_not_equal(hyper_strerror(HYPER_EH2_CALM), "HYPER_EH2_CALM");
#endif
    assert_string_equal(hyper_strerror_name(HYPER_EH2_CALM), "HYPER_EH2_CALM");
}

/* The default allocator is the library's, or, with
 * HYPER_CONFIG_NO_DEFAULT_ALLOCATOR, the application's
 * (test/util/default_mem.c): either way a NULL mem works. */
static void default_allocator_present(void **state)
{
    (void)state;
    const hyper_mem *m = hyper_mem_pick(NULL);
    assert_ptr_equal(m, hyper_mem_default());
    void *p = hyper_mem_alloc(m, 64);
    assert_non_null(p);
    p = hyper_mem_realloc(m, p, 64, 128);
    assert_non_null(p);
    hyper_mem_free(m, p, 128);
}

static void h2_error_code_names(void **state)
{
    (void)state;
    assert_string_equal(hyper_h2_error_code_name(HYPER_H2_COMPRESSION_ERROR), "COMPRESSION_ERROR");
    assert_string_equal(hyper_h2_error_code_name(HYPER_H2_HTTP_1_1_REQUIRED), "HTTP_1_1_REQUIRED");
    assert_string_equal(hyper_h2_error_code_name(0xff), "UNKNOWN_ERROR_CODE");
}

static void counting_allocator_counts(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    const hyper_mem *m = &tm.mem;
    void *a = hyper_mem_alloc(m, 100);
    assert_non_null(a);
    a = hyper_mem_realloc(m, a, 100, 300);
    assert_non_null(a);
    assert_int_equal(tm.in_use, 300);
    hyper_mem_free(m, a, 300);
    assert_int_equal(tm.in_use, 0);
    assert_int_equal(tm.peak, 300);
    assert_false(tm.size_mismatch);
    tm.fail_at = tm.calls + 1;
    assert_null(hyper_mem_alloc(m, 8));
}

static void big_endian_helpers(void **state)
{
    (void)state;
    uint8_t b[4];
    hyper_put_u32(b, 0x01020304u);
    assert_int_equal(hyper_get_u32(b), 0x01020304u);
    hyper_put_u24(b, 0xabcdef);
    assert_int_equal(hyper_get_u24(b), 0xabcdef);
    assert_true(hyper_ascii_eq_nocase("Content-Type", "content-TYPE", 12));
    assert_false(hyper_ascii_eq_nocase("Content-Type", "content-typo", 12));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_error_has_text),
        cmocka_unit_test(error_text_profile),
        cmocka_unit_test(default_allocator_present),
        cmocka_unit_test(h2_error_code_names),
        cmocka_unit_test(counting_allocator_counts),
        cmocka_unit_test(big_endian_helpers),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
