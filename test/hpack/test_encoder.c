/* Tests for src/hpack/encoder.c: RFC 7541 Appendix C byte for byte, the
 * Huffman policy, never-indexed fields, table size updates (§4.2, §6.3),
 * buffer bounds and arguments, the hash. Round trips and allocation
 * failure are in test_encoder_roundtrip.c. */
#include "test_encoder.h"
#include "hpack/huffman.h"

/* One block of an example: its fields, the expected wire (hex) and the
 * table size and entry count after it (RFC 7541 Appendix C). */
typedef struct block_case {
    const hyper_hpack_field *fields;
    size_t n;
    const char *hex;
    size_t table_size, table_count;
} block_case;

static void assert_wire(const uint8_t *got, long len, const char *hex)
{
    uint8_t want[512];
    long wl = test_hex_decode(hex, want, sizeof want);
    assert_true(wl >= 0);
    if (len != wl || memcmp(got, want, (size_t)wl) != 0) {
        char buf[1100];
        test_hex_encode(got, (size_t)len, buf);
        print_error("wire %s\nwant %s\n", buf, hex);
    }
    assert_int_equal(len, wl);
    assert_memory_equal(got, want, (size_t)wl);
}

/* Runs the blocks of one example in order on one encoder. `prefix` is the
 * hex of the size update expected before the first block (the peer starts
 * at 4096 octets; the C.5/C.6 examples use 256). */
static void run_example(const block_case *bc, size_t nb, uint32_t max, int huffman,
                        int indexing, const char *prefix)
{
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_encoder *enc = new_encoder(&tm, max, huffman, indexing);
    for (size_t i = 0; i < nb; i++) {
        uint8_t out[2048];
        long len = encode(enc, bc[i].fields, bc[i].n, out, sizeof out);
        const uint8_t *p = out;
        if (i == 0 && prefix) {
            uint8_t pre[8];
            long pl = test_hex_decode(prefix, pre, sizeof pre);
            assert_true(len >= pl);
            assert_memory_equal(out, pre, (size_t)pl);
            p += pl;
            len -= pl;
        }
        assert_wire(p, len, bc[i].hex);
        assert_int_equal(hyper_hpack_encoder_table_size(enc), bc[i].table_size);
        assert_int_equal(hyper_hpack_encoder_table_count(enc), bc[i].table_count);
    }
    hyper_hpack_encoder_free(enc);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

/* ---- RFC 7541 Appendix C.3 / C.4: requests -------------------------------- */

/* C.3's three requests with raw literals (also what every policy writes
 * when the Huffman encoder is compiled out). */
static const block_case c3_blocks[] = {
    {req1, 4, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", 57, 1},
    {req2, 5, "8286 84be 5808 6e6f 2d63 6163 6865", 110, 2},
    {req3, 5, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
     164, 3},
};

static void rfc_c3_requests_raw(void **state)
{
    (void)state;
    run_example(c3_blocks, 3, 4096, HYPER_HPACK_HUFFMAN_NEVER, HYPER_HPACK_INDEXING_AUTO, NULL);
}

#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
static void rfc_c4_requests_huffman(void **state)
{
    (void)state;
    static const block_case bc[] = {
        {req1, 4, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", 57, 1},
        {req2, 5, "8286 84be 5886 a8eb 1064 9cbf", 110, 2},
        {req3, 5, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", 164, 3},
    };
    run_example(bc, 3, 4096, HYPER_HPACK_HUFFMAN_ALWAYS, HYPER_HPACK_INDEXING_AUTO, NULL);
    /* AUTO picks Huffman for each of these strings: same bytes. */
    run_example(bc, 3, 4096, HYPER_HPACK_HUFFMAN_AUTO, HYPER_HPACK_INDEXING_AUTO, NULL);
}

#endif /* HYPER_CONFIG_NO_HUFFMAN_ENCODER */

/* ---- RFC 7541 Appendix C.5 / C.6: responses, 256-octet table -------------- */

/* The examples index set-cookie, which the default strategy never does
 * (sensitive): they run with INDEXING_ALL. 3fe101 is the size update to
 * 256 (the peer starts at 4096). */
static void rfc_c5_responses_raw(void **state)
{
    (void)state;
    static const block_case bc[] = {
        {resp1, 4,
         "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
         "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
         "6c65 2e63 6f6d",
         222, 4},
        {resp2, 4, "4803 3330 37c1 c0bf", 222, 4},
        {resp3, 6,
         "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
         "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
         "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
         "3d31",
         215, 3},
    };
    run_example(bc, 3, 256, HYPER_HPACK_HUFFMAN_NEVER, HYPER_HPACK_INDEXING_ALL, "3fe101");
}

#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
static void rfc_c6_responses_huffman(void **state)
{
    (void)state;
    static const block_case bc[] = {
        {resp1, 4,
         "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
         "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
         222, 4},
        {resp2, 4, "4883 640e ffc1 c0bf", 222, 4},
        {resp3, 6,
         "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
         "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
         "9587 3160 65c0 03ed 4ee5 b106 3d50 07",
         215, 3},
    };
    run_example(bc, 3, 256, HYPER_HPACK_HUFFMAN_ALWAYS, HYPER_HPACK_INDEXING_ALL, "3fe101");
}

/* ---- Huffman policy ---------------------------------------------------- */

static void huffman_auto_picks_shorter(void **state)
{
    (void)state;
    /* Literal without indexing, new name (0x00), so both strings show. */
    static const struct {
        hyper_hpack_field f;
        int policy;
        const char *hex;
    } cases[] = {
        /* 'a' is 5 bits: 8 of them make 5 octets instead of 8. The name "a"
         * is 1 octet either way: a tie stays raw. */
        {FF("a", "aaaaaaaa", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_AUTO,
         "00 0161 85 18c6318c63"},
        /* '&' is 8 bits: Huffman is as long as raw, so raw. */
        {FF("a", "&&&&", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_AUTO, "00 0161 04 26262626"},
        /* Control octets take 13+ bits: raw. */
        {FF("a", "\x01\x02", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_AUTO, "00 0161 02 0102"},
        /* ALWAYS codes the tie and the longer string too. */
        {FF("a", "&&&&", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_ALWAYS, "00 811f 84 f8f8f8f8"},
        {FF("a", "aaaaaaaa", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_NEVER,
         "00 0161 08 6161616161616161"},
        /* The empty string: raw, length 0 (Huffman of "" is empty too). */
        {FF("a", "", HYPER_HPACK_NO_INDEX), HYPER_HPACK_HUFFMAN_AUTO, "00 0161 00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hyper_hpack_encoder *enc = new_encoder(NULL, 4096, cases[i].policy, 0);
        uint8_t out[64];
        long len = encode(enc, &cases[i].f, 1, out, sizeof out);
        assert_wire(out, len, cases[i].hex);
        hyper_hpack_encoder_free(enc);
    }
}

/* AUTO against the reference choice (hyper_huffman_encoded_len, strictly
 * shorter) on many strings: lengths around the 127-octet prefix boundary
 * (where the Huffman length needs a shorter prefix than the raw one), and
 * mixes of short and long codes around the point where both are equal. */
static void huffman_auto_matches_reference(void **state)
{
    (void)state;
    rng_state = 0x1234567887654321ull;
    hyper_hpack_encoder *enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_AUTO, 0);
    static const char alphabet[] = "aeiost012&*,;XZ\x01\xff\x80~";
    for (int k = 0; k < 3000; k++) {
        char v[300];
        size_t len = k < 400 ? (size_t)k % 200 : 100 + rnd(200);
        uint32_t spread = 1 + rnd(sizeof alphabet - 1);
        for (size_t i = 0; i < len; i++)
            v[i] = alphabet[rnd(spread)];
        hyper_hpack_field f = {"n", 1, v, len, HYPER_HPACK_NO_INDEX};
        uint8_t out[700], want[700];
        long got = encode(enc, &f, 1, out, sizeof out);
        /* Expected: 00 01 'n' (the name: 'n' is 6 bits, a tie, raw), then
         * the value as the reference decides. */
        size_t w = 0;
        want[w++] = 0x00;
        want[w++] = 0x01;
        want[w++] = 'n';
        size_t hl = hyper_huffman_encoded_len((const uint8_t *)v, len);
        int huff = hl < len;
        size_t sl = huff ? hl : len;
        uint8_t h = huff ? 0x80 : 0x00;
        if (sl < 127) {
            want[w++] = (uint8_t)(h | sl);
        } else {
            want[w++] = (uint8_t)(h | 0x7f);
            size_t r = sl - 127;
            while (r >= 128) {
                want[w++] = (uint8_t)(0x80 | (r & 0x7f));
                r >>= 7;
            }
            want[w++] = (uint8_t)r;
        }
        if (huff)
            w += hyper_huffman_encode((const uint8_t *)v, len, want + w);
        else if (len)
            memcpy(want + w, v, len), w += len;
        assert_int_equal(got, w);
        assert_memory_equal(out, want, w);
    }
    hyper_hpack_encoder_free(enc);
}

#endif /* HYPER_CONFIG_NO_HUFFMAN_ENCODER */

#ifdef HYPER_CONFIG_NO_HUFFMAN_ENCODER
/* Without the Huffman encoder every policy writes raw literals: the C.4
 * requests asked for with HUFFMAN_ALWAYS come out as C.3's bytes. */
static void without_encoder_every_literal_raw(void **state)
{
    (void)state;
    run_example(c3_blocks, 3, 4096, HYPER_HPACK_HUFFMAN_ALWAYS, HYPER_HPACK_INDEXING_AUTO, NULL);
    run_example(c3_blocks, 3, 4096, HYPER_HPACK_HUFFMAN_AUTO, HYPER_HPACK_INDEXING_AUTO, NULL);
}
#endif

/* ---- never-indexed and not-indexed fields --------------------------------- */

static void sensitive_never_indexed(void **state)
{
    (void)state;
    static const struct {
        hyper_hpack_field f;
        const char *hex; /* the same each time it is sent */
    } cases[] = {
        /* 0001xxxx with 4-bit name index (§6.2.3): 23 -> 1f 08. */
        {F("authorization", "Basic dXNlcjpwYXNz"),
         "1f08 12 42617369632064584e6c636a707759584e7a"},
        {F("proxy-authorization", "x"), "1f22 01 78"},
        {F("set-cookie", "id=1"), "1f28 04 69643d31"},
        {F("cookie", "short=1"), "1f11 07 73686f72743d31"},
        /* A field the static table holds exactly is still a literal. */
        {FF(":method", "GET", HYPER_HPACK_NEVER_INDEX), "12 03 474554"},
        {FF("x-secret", "s", HYPER_HPACK_NEVER_INDEX), "10 08 782d736563726574 01 73"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hyper_hpack_encoder *enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_NEVER, 0);
        for (int round = 0; round < 3; round++) {
            uint8_t out[128];
            long len = encode(enc, &cases[i].f, 1, out, sizeof out);
            assert_int_equal(out[0] & 0xf0, 0x10);
            assert_wire(out, len, cases[i].hex);
            assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
        }
        hyper_hpack_encoder_free(enc);
    }
}

static void sensitive_name_from_dynamic_table(void **state)
{
    (void)state;
    hyper_hpack_encoder *enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_NEVER, 0);
    const hyper_hpack_field plain = F("x-token", "public");
    const hyper_hpack_field secret = FF("x-token", "public", HYPER_HPACK_NEVER_INDEX);
    const hyper_hpack_field long_cookie = F("cookie", "abcdefghijklmnopqrstuvwxyz");
    uint8_t out[128];
    long len = encode(enc, &plain, 1, out, sizeof out);
    assert_int_equal(out[0], 0x40);
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 1);
    /* The same name+value flagged: never-indexed with the name at dynamic
     * index 62 (15 + 0x2f), not the indexed form 0xbe. */
    len = encode(enc, &secret, 1, out, sizeof out);
    assert_wire(out, len, "1f2f 06 7075626c6963");
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 1);
    /* A cookie of 20 octets or more is indexed (0x40 | 32). */
    len = encode(enc, &long_cookie, 1, out, sizeof out);
    assert_int_equal(out[0], 0x60);
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 2);
    len = encode(enc, &long_cookie, 1, out, sizeof out);
    assert_wire(out, len, "be");
    hyper_hpack_encoder_free(enc);
}

static void no_index_flag_and_strategy(void **state)
{
    (void)state;
    hyper_hpack_encoder *enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_NEVER, 0);
    const hyper_hpack_field f[] = {
        FF("x-a", "1", HYPER_HPACK_NO_INDEX), F(":path", "/a/b"), F("content-length", "10"),
        F("etag", "\"x\""), F("last-modified", "Mon"), F("age", "1"),
    };
    static const char *hex[] = {
        "00 03782d61 01 31", "04 04 2f612f62", "0f0d 02 3130", "0f13 03 227822",
        "0f1d 03 4d6f6e", "0f06 01 31",
    };
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 6; i++) {
            uint8_t out[64];
            long len = encode(enc, &f[i], 1, out, sizeof out);
            assert_wire(out, len, hex[i]);
        }
    }
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
    /* An entry over 3/4 of the table is not indexed either. */
    char big[3200];
    memset(big, 'v', sizeof big);
    hyper_hpack_field bf = {"x-big", 5, big, sizeof big, 0};
    uint8_t out[4096];
    encode(enc, &bf, 1, out, sizeof out);
    assert_int_equal(out[0], 0x00);
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
    hyper_hpack_encoder_free(enc);

    /* INDEXING_NONE: static and nothing else. */
    enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_NEVER, HYPER_HPACK_INDEXING_NONE);
    const hyper_hpack_field g[] = {F(":method", "GET"), F("x-b", "2")};
    long len = encode(enc, g, 2, out, sizeof out);
    assert_wire(out, len, "82 00 03782d62 01 32");
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
    hyper_hpack_encoder_free(enc);
}

/* ---- size updates (§4.2, §6.3) -------------------------------------------- */

typedef struct size_step {
    uint32_t peer[3]; /* set_peer_table_size calls before the block (0 ends,
                         so 0 itself is written as ZERO) */
    const char *prefix; /* expected size updates at the block start */
} size_step;
#define ZERO 0xffffffffu

static void size_updates(void **state)
{
    (void)state;
    static const struct {
        uint32_t max;
        size_step steps[4];
    } cases[] = {
        /* lowered */
        {4096, {{{1024}, "3fe107"}, {{0}, ""}}},
        /* lowered then raised back: the minimum first (§4.2) */
        {4096, {{{100, 4096}, "3f45 3fe11f"}, {{0}, ""}}},
        /* lowered twice then raised: only the minimum and the final */
        {4096, {{{2000, 100, 3000}, "3f45 3f9917"}, {{0}, ""}}},
        /* to 0 and back */
        {4096, {{{ZERO}, "20"}, {{4096}, "3fe11f"}, {{ZERO, 4096}, "20 3fe11f"}}},
        /* above our maximum: no change, nothing sent */
        {4096, {{{8192}, ""}, {{65536}, ""}}},
        /* our maximum is below the protocol default: announced first */
        {256, {{{0}, "3fe101"}, {{0}, ""}, {{4096}, ""}, {{100}, "3f45"}}},
        /* a larger table once the peer allows it */
        {65536, {{{65536}, "3fe1ff03"}, {{0}, ""}}},
        /* no change at all */
        {65536, {{{0}, ""}, {{4096}, ""}}},
    };
    const hyper_hpack_field f = F("x-n", "v"); /* indexed: 0x40 ... */
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_hpack_encoder *enc = new_encoder(&tm, cases[c].max, HYPER_HPACK_HUFFMAN_NEVER, 0);
        for (size_t s = 0; s < 4 && cases[c].steps[s].prefix; s++) {
            const size_step *st = &cases[c].steps[s];
            for (size_t k = 0; k < 3 && st->peer[k]; k++)
                assert_int_equal(hyper_hpack_encoder_set_peer_table_size(
                                     enc, st->peer[k] == ZERO ? 0 : st->peer[k]),
                                 HYPER_OK);
            uint8_t out[64], pre[16];
            long len = encode(enc, &f, 1, out, sizeof out);
            long pl = test_hex_decode(st->prefix, pre, sizeof pre);
            assert_true(len > pl);
            assert_memory_equal(out, pre, (size_t)pl);
            /* After the updates, the field: indexed if the table has room,
             * by name+value index if it is already there. */
            uint8_t rep = out[pl];
            assert_true(rep == 0x40 || rep == 0x00 || rep == 0xbe);
            if (rep == 0x00)
                assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
        }
        hyper_hpack_encoder_free(enc);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
}

static void size_update_evicts(void **state)
{
    (void)state;
    hyper_hpack_encoder *enc = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_NEVER, 0);
    const hyper_hpack_field f[] = {F("x-one", "1111111111"), F("x-two", "2222222222")};
    uint8_t out[128];
    encode(enc, f, 2, out, sizeof out);
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 2);
    /* Both are there: 0xbf (x-one at 63 after x-two was added), 0xbe. */
    long len = encode(enc, f, 2, out, sizeof out);
    assert_wire(out, len, "bf be");
    /* Room for one entry (47 octets each; 47 <= 3/4 of 64). */
    hyper_hpack_encoder_set_peer_table_size(enc, 64);
    len = encode(enc, f, 2, out, sizeof out);
    /* 3f21: size 64. x-one was evicted: literal again; its insertion
     * evicts x-two, which then comes as a literal too. */
    assert_wire(out, len, "3f21 4005782d6f6e650a31313131313131313131 4005782d74776f0a32323232323232323232");
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 1);
    assert_int_equal(hyper_hpack_encoder_table_size(enc), 47);
    /* Table 0: nothing can be indexed, every field is a plain literal. */
    hyper_hpack_encoder_set_peer_table_size(enc, 0);
    len = encode(enc, f, 1, out, sizeof out);
    assert_wire(out, len, "20 0005782d6f6e650a31313131313131313131");
    assert_int_equal(hyper_hpack_encoder_table_count(enc), 0);
    hyper_hpack_encoder_free(enc);
}

/* ---- buffer bound and argument checks --------------------------------------- */

static void buffer_too_small_changes_nothing(void **state)
{
    (void)state;
    hyper_hpack_encoder *a = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_AUTO, 0);
    hyper_hpack_encoder *b = new_encoder(NULL, 4096, HYPER_HPACK_HUFFMAN_AUTO, 0);
    hyper_hpack_encoder_set_peer_table_size(a, 1000);
    hyper_hpack_encoder_set_peer_table_size(b, 1000);
    uint8_t out[512], ref[512];
    for (int round = 0; round < 2; round++) {
        size_t bound = hyper_hpack_encode_bound(a, req3, 5);
        memset(out, 0xee, sizeof out);
        assert_int_equal(hyper_hpack_encode(a, req3, 5, out, bound - 1), HYPER_EBUFFER);
        assert_int_equal(out[0], 0xee);
        assert_int_equal(hyper_hpack_encode(a, req3, 5, NULL, 0), HYPER_EBUFFER);
        assert_int_equal(hyper_hpack_encoder_table_count(a), round ? 2 : 0);
        /* a behaves exactly like b, which never saw the failed calls. */
        long la = hyper_hpack_encode(a, req3, 5, out, bound);
        long lb = hyper_hpack_encode(b, req3, 5, ref, sizeof ref);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(out, ref, (size_t)la);
    }
    /* An empty block is just the pending size updates. */
    hyper_hpack_encoder_set_peer_table_size(a, 0);
    assert_int_equal(hyper_hpack_encode(a, NULL, 0, out, sizeof out), 1);
    assert_int_equal(out[0], 0x20);
    assert_int_equal(hyper_hpack_encode(a, NULL, 0, out, sizeof out), 0);
    hyper_hpack_encoder_free(a);
    hyper_hpack_encoder_free(b);
}

static void bound_is_conservative(void **state)
{
    (void)state;
    /* Worst cases: new names, octets whose Huffman codes are 30 bits. */
    char s[300];
    for (size_t i = 0; i < sizeof s; i++)
        s[i] = (char)(i % 2 ? 0x0a : 0x0d);
    hyper_hpack_field f[3] = {{s, 150, s, 300, 0}, {s, 1, s, 0, 0}, {s, 300, s, 7, 0}};
    for (int policy = 0; policy <= 2; policy++) {
        hyper_hpack_encoder *enc = new_encoder(NULL, 256, policy, 0);
        hyper_hpack_encoder_set_peer_table_size(enc, 100);
        uint8_t out[4096];
        size_t bound = hyper_hpack_encode_bound(enc, f, 3);
        long len = hyper_hpack_encode(enc, f, 3, out, bound);
        assert_true(len > 0 && (size_t)len <= bound);
        hyper_hpack_encoder_free(enc);
    }
}

static void bad_arguments(void **state)
{
    (void)state;
    hyper_hpack_encoder *enc = NULL;
    hyper_hpack_encoder_opts o = {0, 3, 0};
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, &o), HYPER_EINVAL);
    o.huffman = -1;
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, &o), HYPER_EINVAL);
    o.huffman = 0;
    o.indexing = 3;
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, &o), HYPER_EINVAL);
    assert_null(enc);
    assert_int_equal(hyper_hpack_encoder_init(NULL, NULL, NULL), HYPER_EINVAL);
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, NULL), HYPER_OK);
    uint8_t out[64];
    hyper_hpack_field huge = {"a", 1, "b", (size_t)1 << 30, 0};
    assert_int_equal(hyper_hpack_encode(enc, &huge, 1, out, sizeof out), HYPER_EINVAL);
    hyper_hpack_field null_value = {"a", 1, NULL, 1, 0};
    assert_int_equal(hyper_hpack_encode(enc, &null_value, 1, out, sizeof out), HYPER_EINVAL);
    /* Empty strings may be NULL: a literal first, then found in the table. */
    hyper_hpack_field empty = {NULL, 0, NULL, 0, 0};
    assert_int_equal(hyper_hpack_encode(enc, &empty, 1, out, sizeof out), 3);
    assert_int_equal(out[0], 0x40);
    assert_int_equal(hyper_hpack_encode(enc, &empty, 1, out, sizeof out), 1);
    assert_int_equal(out[0], 0xbe);
    assert_int_equal(hyper_hpack_encode(NULL, req1, 4, out, sizeof out), HYPER_EINVAL);
    assert_int_equal(hyper_hpack_encoder_set_peer_table_size(NULL, 1), HYPER_EINVAL);
    hyper_hpack_encoder_free(enc);
    hyper_hpack_encoder_free(NULL);
}

/* ---- the hash: many entries, eviction recognised by sequence ----------------- */

static void many_entries_found_and_evicted(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_encoder *enc = new_encoder(&tm, 4096, HYPER_HPACK_HUFFMAN_NEVER, 0);
    /* Each entry "x-kNN: vNN" is 3+4+32... sized so ~100 fit in 4096. */
    char names[300][8], values[300][8];
    hyper_hpack_field f[300];
    for (int i = 0; i < 300; i++) {
        int nl = snprintf(names[i], sizeof names[i], "k%03d", i % 50);
        int vl = snprintf(values[i], sizeof values[i], "v%03d", i);
        f[i] = (hyper_hpack_field){names[i], (size_t)nl, values[i], (size_t)vl, 0};
    }
    uint8_t out[64];
    for (int i = 0; i < 300; i++) {
        long len = encode(enc, &f[i], 1, out, sizeof out);
        /* New value: incremental indexing; name seen before once i >= 50
         * and its newest entry still lives (4096 / 40 = 102 entries). */
        assert_int_equal(out[0] & 0xc0, 0x40);
        if (i >= 50) {
            /* name at dynamic index 50 + 61 = 111: 7f 30, then the value */
            assert_int_equal(out[0], 0x7f);
            assert_int_equal(out[1], 111 - 63);
            assert_int_equal(len, 7);
        }
        /* Right away, the same field is the newest entry: index 62. */
        len = encode(enc, &f[i], 1, out, sizeof out);
        assert_wire(out, len, "be");
    }
    size_t count = hyper_hpack_encoder_table_count(enc);
    assert_int_equal(count, 4096 / 40);
    /* The newest `count` fields are found at their index; older ones were
     * evicted and come back as literals. */
    for (int i = 299; i >= 0; i--) {
        size_t age = (size_t)(300 - i);
        long len = hyper_hpack_encode(enc, &f[i], 1, out, sizeof out);
        if (age <= count) {
            assert_int_equal(len, age + 61 < 127 ? 1 : 2);
            assert_int_equal(out[0], age + 61 < 127 ? 0x80 | (age + 61) : 0xff);
            if (age + 61 >= 127)
                assert_int_equal(out[1], age + 61 - 127);
        } else {
            assert_int_equal(out[0] & 0xc0, 0x40);
            break; /* that insertion shifted every index */
        }
    }
    hyper_hpack_encoder_free(enc);
    assert_int_equal(tm.in_use, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_c3_requests_raw),
#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
        cmocka_unit_test(rfc_c4_requests_huffman),
        cmocka_unit_test(rfc_c6_responses_huffman),
        cmocka_unit_test(huffman_auto_picks_shorter),
        cmocka_unit_test(huffman_auto_matches_reference),
#else
        cmocka_unit_test(without_encoder_every_literal_raw),
#endif
        cmocka_unit_test(rfc_c5_responses_raw),
        cmocka_unit_test(sensitive_never_indexed),
        cmocka_unit_test(sensitive_name_from_dynamic_table),
        cmocka_unit_test(no_index_flag_and_strategy),
        cmocka_unit_test(size_updates),
        cmocka_unit_test(size_update_evicts),
        cmocka_unit_test(buffer_too_small_changes_nothing),
        cmocka_unit_test(bound_is_conservative),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(many_entries_found_and_evicted),
    };
    return cmocka_run_group_tests_name("hpack_encoder", tests, NULL, NULL);
}
