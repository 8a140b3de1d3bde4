/* Tests for src/hpack/hpack_int.c: the HPACK integer codec (RFC 7541 §5.1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hpack/hpack_int.h"
#include "testutil.h"

/* One known encoding: value, prefix, flag bits of the first octet, wire. */
typedef struct int_vector {
    uint32_t value;
    unsigned prefix;
    uint8_t first;
    const char *hex;
} int_vector;

static const int_vector vectors[] = {
    /* RFC 7541 C.1.1, C.1.2, C.1.3 */
    {10, 5, 0x00, "0a"},
    {1337, 5, 0x00, "1f9a0a"},
    {42, 8, 0x00, "2a"},
    /* flag bits above the prefix survive (indexed field 0x80 | 2, §6.1) */
    {2, 7, 0x80, "82"},
    {62, 6, 0x40, "7e"},
    {63, 6, 0x40, "7f00"},
    {64, 6, 0x40, "7f01"},
    {4096, 5, 0x20, "3fe11f"},
    /* 2^N-1 is prefix-all-ones followed by 0x00 */
    {1, 1, 0x00, "0100"},
    {255, 8, 0x00, "ff00"},
    /* continuation octets in the middle may be zero (0x80) */
    {127 + 128, 7, 0x00, "7f8001"},
    /* the largest value, with the smallest and largest prefix */
    {UINT32_MAX, 1, 0x00, "01feffffff0f"},
    {UINT32_MAX, 8, 0x00, "ff80feffff0f"},
};

static void known_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const int_vector *v = &vectors[i];
        uint8_t wire[16], out[HYPER_HPACK_INT_MAX_LEN];
        long n = test_hex_decode(v->hex, wire, sizeof wire);
        assert_true(n > 0);
        /* encode */
        size_t w = hyper_hpack_int_encode(out, v->value, v->prefix, v->first);
        assert_int_equal(w, (size_t)n);
        assert_memory_equal(out, wire, w);
        assert_int_equal(hyper_hpack_int_len(v->value, v->prefix), w);
        /* decode whole */
        uint32_t got = 0;
        assert_int_equal(hyper_hpack_int_decode(wire, (size_t)n, v->prefix, &got), n);
        assert_int_equal(got, v->value);
        /* every truncation asks for more bytes */
        for (long k = 0; k < n; k++)
            assert_int_equal(hyper_hpack_int_decode(wire, (size_t)k, v->prefix, &got), 0);
        /* trailing bytes are not consumed */
        wire[n] = 0xff;
        assert_int_equal(hyper_hpack_int_decode(wire, (size_t)n + 1, v->prefix, &got), n);
        assert_int_equal(got, v->value);
    }
}

/* Round trip one value at one prefix; checks length, truncation, flag bits. */
static void round_trip(uint32_t value, unsigned prefix)
{
    uint8_t out[HYPER_HPACK_INT_MAX_LEN + 1];
    memset(out, 0xee, sizeof out);
    uint8_t flags = (uint8_t)(0xff << prefix & 0xff);
    size_t w = hyper_hpack_int_encode(out, value, prefix, flags);
    assert_true(w >= 1 && w <= HYPER_HPACK_INT_MAX_LEN);
    assert_int_equal(out[w], 0xee); /* nothing written past the encoding */
    assert_int_equal(w, hyper_hpack_int_len(value, prefix));
    assert_int_equal(out[0] & flags, flags);
    uint32_t got = ~value;
    assert_int_equal(hyper_hpack_int_decode(out, w, prefix, &got), (int)w);
    assert_int_equal(got, value);
    for (size_t k = 0; k < w; k++)
        assert_int_equal(hyper_hpack_int_decode(out, k, prefix, &got), 0);
}

static void every_prefix_at_boundaries(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 8; n++) {
        uint32_t p = (1u << n) - 1; /* 2^N-1 */
        const uint32_t values[] = {0, p - 1, p, p + 1, p + 127, p + 128,
                                   p + 16383, p + 16384, UINT32_MAX - 1, UINT32_MAX};
        for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
            round_trip(values[i], n);
        /* 2^N-2 fits the prefix, 2^N-1 does not */
        assert_int_equal(hyper_hpack_int_len(p - 1, n), 1);
        assert_int_equal(hyper_hpack_int_len(p, n), 2);
        assert_int_equal(hyper_hpack_int_len(UINT32_MAX, n), HYPER_HPACK_INT_MAX_LEN);
    }
}

static void pseudo_random_round_trips(void **state)
{
    (void)state;
    uint32_t x = 2463534242u; /* xorshift32, fixed seed */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        uint32_t v = x >> (x % 32); /* spread over every magnitude */
        round_trip(v, 1 + (unsigned)(i % 8));
    }
}

/* Bad encodings and the error each must return. */
typedef struct bad_vector {
    unsigned prefix;
    const char *hex;
    int err;
} bad_vector;

static const bad_vector bad[] = {
    /* 2^32 and beyond */
    {1, "01ffffffff0f", HYPER_EHPACK_INT_OVERFLOW}, /* 1 + (2^32-1) */
    {8, "ff81feffff0f", HYPER_EHPACK_INT_OVERFLOW}, /* 2^32 */
    {5, "1fffffffff1f", HYPER_EHPACK_INT_OVERFLOW},
    {5, "1fffffffff7f", HYPER_EHPACK_INT_OVERFLOW},
    /* overflow is seen before the end of the continuation run */
    {5, "1fffffffffff", HYPER_EHPACK_INT_OVERFLOW},
    /* redundant final zero octets */
    {5, "1f8000", HYPER_EHPACK_INT_OVERLONG},
    {5, "1f818000", HYPER_EHPACK_INT_OVERLONG},
    {8, "ff8a808000", HYPER_EHPACK_INT_OVERLONG},
    {8, "ff8080808000", HYPER_EHPACK_INT_OVERLONG},
    /* more than HYPER_HPACK_INT_MAX_LEN octets */
    {8, "ff808080808000", HYPER_EHPACK_INT_OVERLONG},
    {8, "ff8080808080", HYPER_EHPACK_INT_OVERLONG},
    {1, "0180808080808080808001", HYPER_EHPACK_INT_OVERLONG},
};

static void bad_encodings(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t wire[16];
        long n = test_hex_decode(bad[i].hex, wire, sizeof wire);
        assert_true(n > 0);
        uint32_t got = 12345;
        int r = hyper_hpack_int_decode(wire, (size_t)n, bad[i].prefix, &got);
        if (r != bad[i].err)
            fail_msg("vector %zu (%s): got %d, want %d", i, bad[i].hex, r, bad[i].err);
        assert_int_equal(got, 12345); /* nothing stored on error */
        /* a prefix of the input never reports success */
        for (long k = 0; k < n; k++)
            assert_true(hyper_hpack_int_decode(wire, (size_t)k, bad[i].prefix, &got) <= 0);
    }
}

static void prefix_out_of_range(void **state)
{
    (void)state;
    uint8_t wire[1] = {1};
    uint32_t got;
    assert_int_equal(hyper_hpack_int_decode(wire, 1, 0, &got), HYPER_EINVAL);
    assert_int_equal(hyper_hpack_int_decode(wire, 1, 9, &got), HYPER_EINVAL);
}

static void high_bits_ignored(void **state)
{
    (void)state;
    /* bits above the prefix never leak into the value */
    for (unsigned n = 1; n <= 8; n++) {
        for (unsigned b = 0; b < 256; b++) {
            uint8_t wire[2] = {(uint8_t)b, 0x05};
            uint32_t got;
            uint32_t low = b & ((1u << n) - 1);
            int r = hyper_hpack_int_decode(wire, 2, n, &got);
            if (low == (1u << n) - 1) {
                assert_int_equal(r, 2);
                assert_int_equal(got, low + 5);
            } else {
                assert_int_equal(r, 1);
                assert_int_equal(got, low);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_vectors),
        cmocka_unit_test(every_prefix_at_boundaries),
        cmocka_unit_test(pseudo_random_round_trips),
        cmocka_unit_test(bad_encodings),
        cmocka_unit_test(prefix_out_of_range),
        cmocka_unit_test(high_bits_ignored),
    };
    return cmocka_run_group_tests_name("hpack_int", tests, NULL, NULL);
}
