/* Tests for src/hpack/decoder.c: every RFC 7541 Appendix C decode example
 * byte for byte (fields and dynamic table after each block), each fed whole,
 * one byte at a time, in random pieces and with an empty final piece; zero
 * copy; size updates; pieces; allocation failure at every point. The
 * hostile blocks are in test_decoder_errors.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hpack/decoder.h"
#include "hpack/static_table.h"
#include "decoder_helpers.h"

static got g; /* large: static */

/* One block of an Appendix C sequence: its wire, the fields it decodes to,
 * and the dynamic table after it (newest first) with its size. */
typedef struct rfc_block {
    const char *hex;
    const char *fields[7][2];
    const char *table[5][2];
    size_t table_size;
} rfc_block;

#define DATE1 "Mon, 21 Oct 2013 20:13:21 GMT"
#define DATE2 "Mon, 21 Oct 2013 20:13:22 GMT"
#define COOKIE "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"
#define REQ1 {":method", "GET"}, {":scheme", "http"}, {":path", "/"}, \
             {":authority", "www.example.com"}

/* C.3 and C.4: the same requests, without and with Huffman. */
static const rfc_block c3[] = {
    {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", {REQ1},
     {{":authority", "www.example.com"}}, 57},
    {"8286 84be 5808 6e6f 2d63 6163 6865", {REQ1, {"cache-control", "no-cache"}},
     {{"cache-control", "no-cache"}, {":authority", "www.example.com"}}, 110},
    {"8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
     {{":method", "GET"}, {":scheme", "https"}, {":path", "/index.html"},
      {":authority", "www.example.com"}, {"custom-key", "custom-value"}},
     {{"custom-key", "custom-value"}, {"cache-control", "no-cache"},
      {":authority", "www.example.com"}}, 164},
};
static const rfc_block c4[] = {
    {"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", {REQ1},
     {{":authority", "www.example.com"}}, 57},
    {"8286 84be 5886 a8eb 1064 9cbf", {REQ1, {"cache-control", "no-cache"}},
     {{"cache-control", "no-cache"}, {":authority", "www.example.com"}}, 110},
    {"8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
     {{":method", "GET"}, {":scheme", "https"}, {":path", "/index.html"},
      {":authority", "www.example.com"}, {"custom-key", "custom-value"}},
     {{"custom-key", "custom-value"}, {"cache-control", "no-cache"},
      {":authority", "www.example.com"}}, 164},
};

/* C.5 and C.6: responses with a 256-octet table, eviction included. */
#define RESP1 {":status", "302"}, {"cache-control", "private"}, {"date", DATE1}, \
              {"location", "https://www.example.com"}
#define RESP2 {":status", "307"}, {"cache-control", "private"}, {"date", DATE1}, \
              {"location", "https://www.example.com"}
#define RESP3 {":status", "200"}, {"cache-control", "private"}, {"date", DATE2}, \
              {"location", "https://www.example.com"}, {"content-encoding", "gzip"}, \
              {"set-cookie", COOKIE}
#define TABLE1 {{"location", "https://www.example.com"}, {"date", DATE1}, \
                {"cache-control", "private"}, {":status", "302"}}
#define TABLE2 {{":status", "307"}, {"location", "https://www.example.com"}, \
                {"date", DATE1}, {"cache-control", "private"}}
#define TABLE3 {{"set-cookie", COOKIE}, {"content-encoding", "gzip"}, {"date", DATE2}}
static const rfc_block c5[] = {
    {"4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230"
     "3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65"
     "7861 6d70 6c65 2e63 6f6d", {RESP1}, TABLE1, 222},
    {"4803 3330 37c1 c0bf", {RESP2}, TABLE2, 222},
    {"88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220"
     "474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157"
     "454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076"
     "6572 7369 6f6e 3d31", {RESP3}, TABLE3, 215},
};
static const rfc_block c6[] = {
    {"4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0"
     "82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3", {RESP1}, TABLE1, 222},
    {"4883 640e ffc1 c0bf", {RESP2}, TABLE2, 222},
    {"88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b"
     "d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27"
     "0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07", {RESP3}, TABLE3, 215},
};

static void check_table(const hyper_hpack_decoder *dec, const rfc_block *b)
{
    const hyper_hpack_table *t = hyper_hpack_decoder_table(dec);
    size_t n = 0;
    while (n < 5 && b->table[n][0])
        n++;
    assert_int_equal(hyper_hpack_decoder_table_count(dec), n);
    assert_int_equal(hyper_hpack_decoder_table_size(dec), b->table_size);
    for (size_t i = 0; i < n; i++) {
        const char *nm, *v;
        size_t nl, vl;
        assert_int_equal(hyper_hpack_table_get(t, i + 1, &nm, &nl, &v, &vl), HYPER_OK);
        assert_int_equal(nl, strlen(b->table[i][0]));
        assert_memory_equal(nm, b->table[i][0], nl);
        assert_int_equal(vl, strlen(b->table[i][1]));
        assert_memory_equal(v, b->table[i][1], vl);
    }
}

static void run_sequence(const rfc_block *blocks, size_t nblocks, uint32_t table_size)
{
    uint32_t seed = 0xdecade;
    for (int mode = 0; mode < SPLIT_COUNT; mode++) {
        for (int rep = 0; rep < (mode == SPLIT_RANDOM ? 20 : 1); rep++) {
            test_mem tm;
            test_mem_init(&tm);
            hyper_hpack_decoder_opts o = {table_size, 0, 0, 0};
            hyper_hpack_decoder *dec;
            assert_int_equal(hyper_hpack_decoder_init(&dec, &tm.mem, &o), HYPER_OK);
            for (size_t k = 0; k < nblocks; k++) {
                uint8_t wire[512];
                size_t len = hex_block(blocks[k].hex, wire, sizeof wire);
                assert_int_equal(feed_block(dec, wire, len, mode, &seed, &g), 0);
                size_t nf = 0;
                while (nf < 7 && blocks[k].fields[nf][0])
                    nf++;
                assert_int_equal(g.n, nf);
                for (size_t i = 0; i < nf; i++) {
                    got_expect(&g, i, blocks[k].fields[i][0], blocks[k].fields[i][1]);
                    assert_int_equal(g.f[i].flags, 0);
                }
                check_table(dec, &blocks[k]);
            }
            hyper_hpack_decoder_free(dec);
            assert_int_equal(tm.in_use, 0);
            assert_false(tm.size_mismatch);
        }
    }
}

static void rfc_c3_requests(void **state) { (void)state; run_sequence(c3, 3, 0); }
static void rfc_c4_requests_huffman(void **state) { (void)state; run_sequence(c4, 3, 0); }
static void rfc_c5_responses(void **state) { (void)state; run_sequence(c5, 3, 256); }
static void rfc_c6_responses_huffman(void **state) { (void)state; run_sequence(c6, 3, 256); }

/* C.2: one representation per example, each on a fresh decoder. */
static void rfc_c2_literals(void **state)
{
    (void)state;
    static const struct {
        const char *hex, *name, *value;
        unsigned flags;
        size_t table_size;
    } ex[] = {
        {"400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key",
         "custom-header", 0, 55},
        {"040c 2f73 616d 706c 652f 7061 7468", ":path", "/sample/path", 0, 0},
        {"1008 7061 7373 776f 7264 0673 6563 7265 74", "password", "secret",
         HYPER_HPACK_NEVER_INDEX, 0},
        {"82", ":method", "GET", 0, 0},
    };
    uint32_t seed = 7;
    for (size_t k = 0; k < sizeof ex / sizeof ex[0]; k++) {
        for (int mode = 0; mode < SPLIT_COUNT; mode++) {
            hyper_hpack_decoder *dec;
            assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, NULL), HYPER_OK);
            uint8_t wire[64];
            size_t len = hex_block(ex[k].hex, wire, sizeof wire);
            assert_int_equal(feed_block(dec, wire, len, mode, &seed, &g), 0);
            assert_int_equal(g.n, 1);
            got_expect(&g, 0, ex[k].name, ex[k].value);
            assert_int_equal(g.f[0].flags, ex[k].flags);
            assert_int_equal(hyper_hpack_decoder_table_size(dec), ex[k].table_size);
            assert_int_equal(hyper_hpack_decoder_table_count(dec), ex[k].table_size ? 1 : 0);
            hyper_hpack_decoder_free(dec);
        }
    }
}

/* Raw literals point into the input, indexed fields into the tables, a
 * literal with incremental indexing into the table's copy. */
static void zero_copy(void **state)
{
    (void)state;
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, NULL);
    uint8_t wire[64];
    /* 82 | 040c "/sample/path" | 400a custom-key 0d custom-header | be */
    size_t len = hex_block("82 040c 2f73 616d 706c 652f 7061 7468 400a 6375 7374 6f6d"
                           "2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572 be", wire, sizeof wire);
    hyper_hpack_field f;
    size_t c, off = 0;
    const char *sn, *sv;
    size_t snl, svl;
    assert_int_equal(hyper_hpack_decode(dec, wire, len, 1, &f, &c), 1);
    hyper_hpack_static_get(2, &sn, &snl, &sv, &svl);
    assert_ptr_equal(f.name, sn);
    assert_ptr_equal(f.value, sv);
    off += c;
    assert_int_equal(hyper_hpack_decode(dec, wire + off, len - off, 1, &f, &c), 1);
    hyper_hpack_static_get(4, &sn, &snl, &sv, &svl);
    assert_ptr_equal(f.name, sn);
    assert_ptr_equal(f.value, (const char *)wire + off + 2);
    off += c;
    assert_int_equal(hyper_hpack_decode(dec, wire + off, len - off, 1, &f, &c), 1);
    const char *tn, *tv;
    size_t tnl, tvl;
    hyper_hpack_table_get(hyper_hpack_decoder_table(dec), 1, &tn, &tnl, &tv, &tvl);
    assert_ptr_equal(f.name, tn);
    assert_ptr_equal(f.value, tv);
    off += c;
    assert_int_equal(hyper_hpack_decode(dec, wire + off, len - off, 1, &f, &c), 1);
    assert_ptr_equal(f.name, tn); /* index 62: the same entry */
    assert_int_equal(off + c, len);
    assert_int_equal(hyper_hpack_decode(dec, wire + len, 0, 1, &f, &c), 0);
    assert_int_equal(c, 0);
    hyper_hpack_decoder_free(dec);
}

static void decode_ok(hyper_hpack_decoder *dec, const char *hex, size_t fields)
{
    uint8_t wire[256];
    uint32_t seed = 1;
    size_t len = hex_block(hex, wire, sizeof wire);
    assert_int_equal(feed_block(dec, wire, len, SPLIT_WHOLE, &seed, &g), 0);
    assert_int_equal(g.n, fields);
}

static void size_update_zero_then_back(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
    decode_ok(dec, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", 1);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 1);
    /* Update to 0 empties the table; a literal with indexing then stays out. */
    decode_ok(dec, "20 4001 6101 62", 1);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 0);
    assert_int_equal(hyper_hpack_decoder_table_size(dec), 0);
    /* Back up to 4096 (3f e1 1f): entries are kept again. */
    decode_ok(dec, "3fe11f 4001 6101 62 be", 2);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 1);
    assert_int_equal(hyper_hpack_decoder_table_size(dec), 34);
    got_expect(&g, 1, "a", "b");
    /* Two updates in a row (0, then 100) are allowed at a block start. */
    decode_ok(dec, "20 3f45 82", 1);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 0);
    hyper_hpack_decoder_free(dec);
    assert_int_equal(tm.in_use, 0);
}

/* §4.2: lowering our limit requires the update at the next block start. */
static void required_size_update(void **state)
{
    (void)state;
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, NULL);
    for (int k = 0; k < 4; k++)
        decode_ok(dec, "4001 6101 62", 1); /* 4 entries of 34 */
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 100), HYPER_OK);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 4); /* not before the update */
    decode_ok(dec, "3f45 82", 1);                              /* update to 100 */
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 2);
    decode_ok(dec, "82", 1); /* satisfied: later blocks need none */
    /* Raising the limit needs no update; the peer may keep its maximum. */
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 4096), HYPER_OK);
    decode_ok(dec, "82", 1);
    /* Down to 50 then back to 4096: the update must reach 50 or less first. */
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 50), HYPER_OK);
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 4096), HYPER_OK);
    decode_ok(dec, "3f13 3fe11f 82", 1);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 1); /* 68 > 50: one left */
    hyper_hpack_decoder_free(dec);
}

/* §4.4: a literal with indexing larger than the table is legal and empties
 * it; the field is still returned, intact. */
static void literal_larger_than_table(void **state)
{
    (void)state;
    hyper_hpack_decoder_opts o = {64, 0, 0, 0};
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, &o);
    decode_ok(dec, "4001 6101 62", 1);
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 1);
    /* name = index 62 ("a"), value of 40 octets: 1 + 40 + 32 > 64 */
    decode_ok(dec, "7e28 7878787878787878787878787878787878787878"
                   "7878787878787878787878787878787878787878", 1);
    got_expect(&g, 0, "a", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert_int_equal(hyper_hpack_decoder_table_count(dec), 0);
    assert_int_equal(hyper_hpack_decoder_table_size(dec), 0);
    hyper_hpack_decoder_free(dec);
}

/* The block ends with the field that used the final piece up; a caller that
 * skips the closing call still starts the next block correctly. */
static void block_end_without_closing_call(void **state)
{
    (void)state;
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, NULL);
    uint8_t b1[] = {0x82}, b2[] = {0x20, 0x84};
    hyper_hpack_field f;
    size_t c;
    assert_int_equal(hyper_hpack_decode(dec, b1, 1, 1, &f, &c), 1);
    assert_int_equal(c, 1);
    /* No closing call: the size update opens the next block. */
    assert_int_equal(hyper_hpack_decode(dec, b2, 2, 1, &f, &c), 1);
    assert_int_equal(c, 2);
    assert_int_equal(f.name_len, 5);
    assert_int_equal(hyper_hpack_decode(dec, NULL, 0, 1, &f, &c), 0);
    /* An empty block is a block too. */
    assert_int_equal(hyper_hpack_decode(dec, NULL, 0, 1, &f, &c), 0);
    hyper_hpack_decoder_free(dec);
}

static void set_max_between_blocks_only(void **state)
{
    (void)state;
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, NULL);
    uint8_t part[] = {0x44}; /* literal, name :path, value still to come */
    hyper_hpack_field f;
    size_t c;
    assert_int_equal(hyper_hpack_decode(dec, part, 1, 0, &f, &c), 0);
    assert_int_equal(c, 1);
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 10), HYPER_ESTATE);
    uint8_t rest[] = {0x01, 0x2f};
    assert_int_equal(hyper_hpack_decode(dec, rest, 2, 1, &f, &c), 1);
    assert_int_equal(f.value_len, 1);
    assert_int_equal(hyper_hpack_decode(dec, NULL, 0, 1, &f, &c), 0);
    assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, 10), HYPER_OK);
    hyper_hpack_decoder_free(dec);
    hyper_hpack_decoder_opts big = {(uint32_t)HYPER_HPACK_TABLE_LIMIT_MAX + 1, 0, 0, 0};
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, &big), HYPER_EINVAL);
    assert_null(dec);
}

/* A long literal in 1-byte pieces: buffered once, memory near its size. */
static void long_literal_in_byte_pieces(void **state)
{
    (void)state;
    static uint8_t wire[10100];
    size_t len = 0;
    wire[len++] = 0x00; /* without indexing, new name */
    wire[len++] = 0x01;
    wire[len++] = 'n';
    wire[len++] = 0x7f; /* 10000 = 127 + 9873 */
    wire[len++] = (uint8_t)(0x80 | (9873 & 0x7f));
    wire[len++] = (uint8_t)(9873 >> 7);
    for (int k = 0; k < 10000; k++)
        wire[len++] = (uint8_t)('a' + k % 26);
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
    size_t base = tm.in_use;
    uint32_t seed = 3;
    assert_int_equal(feed_block(dec, wire, len, SPLIT_BYTES, &seed, &g), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.f[0].value_len, 10000);
    assert_memory_equal(g.bytes + g.f[0].value_off, wire + 6, 10000);
    assert_true(tm.peak - base <= len + 64);
    hyper_hpack_decoder_free(dec);
    assert_int_equal(tm.in_use, 0);
}

/* Empty names and values, raw and Huffman (a zero-length Huffman string
 * decodes to nothing and needs no scratch), with and without indexing. */
static void empty_strings(void **state)
{
    (void)state;
    uint32_t seed = 9;
    for (int mode = 0; mode < SPLIT_COUNT; mode++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_hpack_decoder *dec;
        hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
        uint8_t wire[16];
        size_t len = hex_block("0080 80 0480 4000 00 be 1000 80", wire, sizeof wire);
        assert_int_equal(feed_block(dec, wire, len, mode, &seed, &g), 0);
        assert_int_equal(g.n, 5);
        got_expect(&g, 0, "", "");
        got_expect(&g, 1, ":path", "");
        got_expect(&g, 2, "", "");          /* added to the table (32 octets) */
        got_expect(&g, 3, "", "");          /* index 62: that entry */
        got_expect(&g, 4, "", "");
        assert_int_equal(g.f[3].flags, 0);
        assert_int_equal(g.f[4].flags, HYPER_HPACK_NEVER_INDEX);
        assert_int_equal(hyper_hpack_decoder_table_size(dec), 32);
        assert_int_equal(hyper_hpack_decoder_table_count(dec), 1);
        hyper_hpack_decoder_free(dec);
        assert_int_equal(tm.in_use, 0);
    }
}

/* Each allocation in turn fails: HYPER_ENOMEM, the decoder is broken, and
 * freeing it leaks nothing. Random pieces force the partial buffer. */
static void alloc_failure_everywhere(void **state)
{
    (void)state;
    size_t failures = 0;
    for (size_t fail_at = 1; fail_at < 100; fail_at++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail_at;
        hyper_hpack_decoder *dec = NULL;
        int rc = hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
        uint32_t seed = 11;
        for (size_t k = 0; rc == 0 && k < 6; k++) {
            const rfc_block *b = k < 3 ? &c4[k] : &c3[k - 3];
            uint8_t wire[512];
            size_t len = hex_block(b->hex, wire, sizeof wire);
            rc = feed_block(dec, wire, len, SPLIT_RANDOM, &seed, &g);
        }
        if (rc == 0) {
            hyper_hpack_decoder_free(dec);
            assert_int_equal(tm.in_use, 0);
            break; /* every allocation point was passed */
        }
        assert_int_equal(rc, HYPER_ENOMEM);
        failures++;
        if (dec) {
            hyper_hpack_field f;
            size_t c;
            assert_int_equal(hyper_hpack_decode(dec, (const uint8_t *)"\x82", 1, 1, &f, &c),
                             HYPER_EHPACK_BROKEN);
        }
        hyper_hpack_decoder_free(dec);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
    assert_true(failures >= 4); /* decoder, table ring, table bytes, scratch, buffer */
}

/* Many blocks through one decoder: per-block bounds reset at each end. */
static void bounds_reset_per_block(void **state)
{
    (void)state;
    hyper_hpack_decoder_opts o = {0, 200, 0, 3};
    hyper_hpack_decoder *dec;
    hyper_hpack_decoder_init(&dec, NULL, &o);
    for (int k = 0; k < 50; k++)
        decode_ok(dec, "82 84 86", 3); /* 3 fields, 42 + 38 + 43 = 123 <= 200 */
    hyper_hpack_decoder_free(dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_c2_literals),
        cmocka_unit_test(rfc_c3_requests),
        cmocka_unit_test(rfc_c4_requests_huffman),
        cmocka_unit_test(rfc_c5_responses),
        cmocka_unit_test(rfc_c6_responses_huffman),
        cmocka_unit_test(zero_copy),
        cmocka_unit_test(size_update_zero_then_back),
        cmocka_unit_test(required_size_update),
        cmocka_unit_test(literal_larger_than_table),
        cmocka_unit_test(block_end_without_closing_call),
        cmocka_unit_test(set_max_between_blocks_only),
        cmocka_unit_test(long_literal_in_byte_pieces),
        cmocka_unit_test(empty_strings),
        cmocka_unit_test(alloc_failure_everywhere),
        cmocka_unit_test(bounds_reset_per_block),
    };
    return cmocka_run_group_tests_name("hpack_decoder", tests, NULL, NULL);
}
