/* Hostile header blocks for src/hpack/decoder.c: each returns its specific
 * error, whole, one byte at a time, in random pieces and with an empty final
 * piece; afterwards the decoder is broken; nothing leaks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hpack/decoder.h"
#include "decoder_helpers.h"

static got g;

#define NO_LIMIT (-1L)
#define BIG 8192

/* A prior block that fills the table with one entry "x" of 4000 octets. */
static size_t build_big_entry(uint8_t *out)
{
    size_t n = 0;
    out[n++] = 0x40;
    out[n++] = 0x01;
    out[n++] = 'x';
    out[n++] = 0x7f; /* 4000 = 127 + 3873 */
    out[n++] = (uint8_t)(0x80 | (3873 & 0x7f));
    out[n++] = (uint8_t)(3873 >> 7);
    memset(out + n, 'v', 4000);
    return n + 4000;
}

/* HPACK bomb: the big entry referenced 100 times (index 62). */
static size_t build_bomb(uint8_t *out)
{
    memset(out, 0xbe, 100);
    return 100;
}

typedef struct hostile {
    const char *what;
    hyper_hpack_decoder_opts opts;
    const char *setup;                 /* a block decoded first, or NULL */
    size_t (*build_setup)(uint8_t *);  /* or built */
    long limits[2];                    /* set_max_table_size calls, or NO_LIMIT */
    const char *hex;                   /* the hostile block, or built: */
    size_t (*build)(uint8_t *);
    int err;
} hostile;

#define NONE {NO_LIMIT, NO_LIMIT}
#define ENTRY_AB "4001 6101 62" /* literal with indexing a: b */

static const hostile cases[] = {
    {"index 0", {0}, NULL, NULL, NONE, "80", NULL, HYPER_EHPACK_INDEX_ZERO},
    {"index 0 after fields", {0}, NULL, NULL, NONE, "82 84 80", NULL, HYPER_EHPACK_INDEX_ZERO},
    {"index past the static table", {0}, NULL, NULL, NONE, "be", NULL, HYPER_EHPACK_INDEX},
    {"index past the dynamic table", {0}, ENTRY_AB, NULL, NONE, "be bf", NULL,
     HYPER_EHPACK_INDEX},
    {"multi-octet index past the table", {0}, NULL, NULL, NONE, "ff 80 01", NULL,
     HYPER_EHPACK_INDEX},
    {"literal name index past the table", {0}, NULL, NULL, NONE, "7e 01 61", NULL,
     HYPER_EHPACK_INDEX},
    {"never-indexed name index past the table", {0}, NULL, NULL, NONE, "1f 2f 01 61", NULL,
     HYPER_EHPACK_INDEX},
    {"truncated integer", {0}, NULL, NULL, NONE, "ff", NULL, HYPER_EHPACK_TRUNCATED},
    {"truncated integer continuation", {0}, NULL, NULL, NONE, "82 ff 80", NULL,
     HYPER_EHPACK_TRUNCATED},
    {"integer overflow", {0}, NULL, NULL, NONE, "ff ff ff ff ff 0f", NULL,
     HYPER_EHPACK_INT_OVERFLOW},
    {"integer overflow in a size update", {0}, NULL, NULL, NONE, "3f ff ff ff ff 0f", NULL,
     HYPER_EHPACK_INT_OVERFLOW},
    {"overlong integer", {0}, NULL, NULL, NONE, "ff 80 00", NULL, HYPER_EHPACK_INT_OVERLONG},
    {"overlong string length", {0}, NULL, NULL, NONE, "00 7f 80 80 80 80 80 00", NULL,
     HYPER_EHPACK_INT_OVERLONG},
    {"string length past the end of the block", {0}, NULL, NULL, NONE, "00 05 61 62", NULL,
     HYPER_EHPACK_TRUNCATED},
    {"value length past the end of the block", {0}, NULL, NULL, NONE, "00 01 61 03 62",
     NULL, HYPER_EHPACK_TRUNCATED},
    {"block ends before the value length", {0}, NULL, NULL, NONE, "10 01 61", NULL,
     HYPER_EHPACK_TRUNCATED},
    {"Huffman EOS in a name", {0}, NULL, NULL, NONE, "00 84 ff ff ff ff 01 61", NULL,
     HYPER_EHPACK_HUFFMAN_EOS},
    {"Huffman EOS in a value", {0}, NULL, NULL, NONE, "04 84 ff ff ff ff", NULL,
     HYPER_EHPACK_HUFFMAN_EOS},
    {"Huffman padding longer than 7 bits", {0}, NULL, NULL, NONE, "00 82 1f ff 01 61",
     NULL, HYPER_EHPACK_HUFFMAN_PADDING},
    {"Huffman padding not all ones", {0}, NULL, NULL, NONE, "00 81 18 01 61", NULL,
     HYPER_EHPACK_HUFFMAN_PADDING_BITS},
    {"size update above the limit", {0}, NULL, NULL, NONE, "3f e2 1f", NULL,
     HYPER_EHPACK_SIZE_UPDATE_LIMIT},
    {"size update after a field", {0}, NULL, NULL, NONE, "82 20", NULL,
     HYPER_EHPACK_SIZE_UPDATE_POSITION},
    {"three size updates", {0}, NULL, NULL, NONE, "20 20 20 82", NULL,
     HYPER_EHPACK_TOO_MANY_SIZE_UPDATES},
    {"missing required size update", {0}, ENTRY_AB, NULL, {30, NO_LIMIT}, "82", NULL,
     HYPER_EHPACK_SIZE_UPDATE_MISSING},
    {"missing required update in an empty block", {0}, ENTRY_AB, NULL, {30, NO_LIMIT}, "",
     NULL, HYPER_EHPACK_SIZE_UPDATE_MISSING},
    {"required update above the new limit", {0}, ENTRY_AB, NULL, {100, NO_LIMIT}, "3f46 82",
     NULL, HYPER_EHPACK_SIZE_UPDATE_LIMIT},
    {"update not down to the smallest limit", {0}, ENTRY_AB, NULL, {50, 4096},
     "3f e1 1f 82", NULL, HYPER_EHPACK_SIZE_UPDATE_MISSING},
    {"oversized field (declared)", {0, 0, 100, 0}, NULL, NULL, NONE, "00 01 61 64", NULL,
     HYPER_EHPACK_FIELD_SIZE},
    {"oversized name (declared)", {0, 0, 100, 0}, NULL, NULL, NONE, "00 65", NULL,
     HYPER_EHPACK_FIELD_SIZE},
    {"oversized value with an indexed name", {0, 0, 20, 0}, NULL, NULL, NONE, "04 10", NULL,
     HYPER_EHPACK_FIELD_SIZE},
    {"4 GB string length fails at once", {0}, NULL, NULL, NONE, "00 7f 80 ff ff ff 0f", NULL,
     HYPER_EHPACK_FIELD_SIZE},
    {"Huffman value decodes past the field bound", {0, 0, 20, 0}, NULL, NULL, NONE,
     "00 01 61 8f 18c6318c6318c6318c6318c6318c63", NULL, HYPER_EHPACK_FIELD_SIZE},
    {"index of an entry an update evicted", {0}, ENTRY_AB, NULL, NONE, "20 be", NULL,
     HYPER_EHPACK_INDEX},
    {"header list past the bound", {0, 100, 0, 0}, NULL, NULL, NONE, "82 82 82", NULL,
     HYPER_EHPACK_LIST_SIZE},
    {"declared literal passes the list bound", {0, 100, 0, 0}, NULL, NULL, NONE,
     "00 01 61 7f 3f", NULL, HYPER_EHPACK_LIST_SIZE},
    {"too many fields", {0, 0, 0, 3}, NULL, NULL, NONE, "82 82 82 82", NULL,
     HYPER_EHPACK_FIELD_COUNT},
    {"too many fields (literal)", {0, 0, 0, 1}, NULL, NULL, NONE, "82 00 01 61 01 62", NULL,
     HYPER_EHPACK_FIELD_COUNT},
    {"HPACK bomb stops at the list bound", {0}, NULL, build_big_entry, NONE, NULL,
     build_bomb, HYPER_EHPACK_LIST_SIZE},
};

static void run_case(const hostile *h, int mode, uint32_t *seed)
{
    static uint8_t wire[BIG];
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_decoder *dec;
    assert_int_equal(hyper_hpack_decoder_init(&dec, &tm.mem, &h->opts), HYPER_OK);
    size_t len = 0;
    if (h->setup || h->build_setup) {
        len = h->setup ? hex_block(h->setup, wire, sizeof wire) : h->build_setup(wire);
        assert_int_equal(feed_block(dec, wire, len, SPLIT_WHOLE, seed, &g), 0);
    }
    for (int k = 0; k < 2; k++)
        if (h->limits[k] != NO_LIMIT)
            assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, (uint32_t)h->limits[k]),
                             HYPER_OK);
    len = h->hex ? hex_block(h->hex, wire, sizeof wire) : h->build(wire);
    int rc = feed_block(dec, wire, len, mode, seed, &g);
    if (rc != h->err)
        print_error("case '%s' split %d: got %s\n", h->what, mode, hyper_strerror_name(rc));
    assert_int_equal(rc, h->err);
    /* Broken from now on, whatever comes. */
    hyper_hpack_field f;
    size_t c = 99;
    assert_int_equal(hyper_hpack_decode(dec, wire, 1, 1, &f, &c), HYPER_EHPACK_BROKEN);
    assert_int_equal(c, 0);
    assert_int_equal(hyper_hpack_decode(dec, NULL, 0, 1, &f, &c), HYPER_EHPACK_BROKEN);
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 0), HYPER_EHPACK_BROKEN);
    hyper_hpack_decoder_free(dec);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

static void every_hostile_block(void **state)
{
    (void)state;
    uint32_t seed = 0xbad;
    assert_true(sizeof cases / sizeof cases[0] >= 25);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int mode = 0; mode < SPLIT_COUNT; mode++)
            run_case(&cases[k], mode, &seed);
}

/* Distinct blocks: no two cases share a wire (a copy-paste guard). */
static void hostile_blocks_are_distinct(void **state)
{
    (void)state;
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            if (!cases[a].hex || !cases[b].hex)
                continue;
            int same = strcmp(cases[a].hex, cases[b].hex) == 0 &&
                       memcmp(&cases[a].opts, &cases[b].opts, sizeof cases[a].opts) == 0 &&
                       cases[a].limits[0] == cases[b].limits[0] &&
                       cases[a].limits[1] == cases[b].limits[1] &&
                       cases[a].setup == cases[b].setup;
            assert_false(same);
        }
}

/* The bomb returns the fields that fit before failing: 16 of 4033 octets
 * fit in 65536, the 17th does not. */
static void bomb_fields_before_the_bound(void **state)
{
    (void)state;
    static uint8_t wire[BIG];
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, NULL);
    uint32_t seed = 5;
    size_t len = build_big_entry(wire);
    assert_int_equal(feed_block(dec, wire, len, SPLIT_WHOLE, &seed, &g), 0);
    len = build_bomb(wire);
    assert_int_equal(feed_block(dec, wire, len, SPLIT_WHOLE, &seed, &g), HYPER_EHPACK_LIST_SIZE);
    assert_int_equal(g.n, 16);
    hyper_hpack_decoder_free(dec);
}

/* A declared 4 GB string fails before any of it is buffered. */
static void huge_length_not_buffered(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
    size_t base = tm.in_use;
    uint8_t wire[] = {0x00, 0x7f, 0x80, 0xff, 0xff, 0xff, 0x0f, 'a', 'b'};
    hyper_hpack_field f;
    size_t c, off = 0;
    int rc = 0;
    for (; off < sizeof wire && rc == 0; off++)
        rc = hyper_hpack_decode(dec, wire + off, 1, 0, &f, &c);
    assert_int_equal(rc, HYPER_EHPACK_FIELD_SIZE);
    assert_int_equal(off, 7); /* at the octet that completes the length */
    assert_true(tm.peak - base <= 64);
    hyper_hpack_decoder_free(dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_hostile_block),
        cmocka_unit_test(hostile_blocks_are_distinct),
        cmocka_unit_test(bomb_fields_before_the_bound),
        cmocka_unit_test(huge_length_not_buffered),
    };
    return cmocka_run_group_tests_name("hpack_decoder_errors", tests, NULL, NULL);
}
