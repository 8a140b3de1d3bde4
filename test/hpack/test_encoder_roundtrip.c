/* Encoder tests through our decoder (engineer B's hyper_hpack_decode):
 * random header lists with a fixed seed at table sizes 0, 256, 4096 and
 * 65536 under every Huffman policy, the RFC examples repeated until the
 * table wraps, and allocation failure at every allocation point. */
#include "test_encoder.h"

/* ---- round trip through our decoder ------------------------------------------ */

/* Decodes one block and checks it gives exactly `want` (names, values, and
 * the never-indexed flag for fields that must carry it). */
static void decode_expect(hyper_hpack_decoder *dec, const uint8_t *wire, size_t len,
                          const hyper_hpack_field *want, size_t n, const int *sensitive)
{
    size_t pos = 0, i = 0;
    for (;;) {
        hyper_hpack_field f;
        size_t used = 0;
        int rc = hyper_hpack_decode(dec, wire + pos, len - pos, 1, &f, &used);
        if (rc < 0)
            print_error("decode error %s at field %zu\n", hyper_strerror_name(rc), i);
        assert_true(rc >= 0);
        pos += used;
        if (rc == 0)
            break;
        assert_true(i < n);
        assert_int_equal(f.name_len, want[i].name_len);
        assert_memory_equal(f.name, want[i].name, f.name_len);
        assert_int_equal(f.value_len, want[i].value_len);
        if (f.value_len)
            assert_memory_equal(f.value, want[i].value, f.value_len);
        if (sensitive && sensitive[i])
            assert_true(f.flags & HYPER_HPACK_NEVER_INDEX);
        i++;
    }
    assert_int_equal(i, n);
    assert_int_equal(pos, len);
}

/* Random header lists: names from a pool (static names, sensitive names,
 * custom ones), values often repeated (so the table gets hits), sometimes
 * fresh, sometimes arbitrary octets; random flags. */
#define MAXF 24
typedef struct rand_block {
    hyper_hpack_field f[MAXF];
    int sensitive[MAXF];
    char buf[MAXF][2][300];
    size_t n;
} rand_block;

static void rand_fields(rand_block *b)
{
    static const char *names[] = {
        ":method", ":path", ":authority", "accept", "user-agent", "cookie", "authorization",
        "set-cookie", "proxy-authorization", "content-length", "etag", "location",
        "x-custom-a", "x-custom-b", "x-long-custom-header-name-for-hashing", "date", ""};
    static const char *values[] = {"GET", "/", "/index.html", "example.com", "text/html",
                                   "gzip, deflate", "a=b", "0123456789abcdefghijklmnop", ""};
    b->n = rnd(MAXF + 1);
    for (size_t i = 0; i < b->n; i++) {
        const char *nm = names[rnd(sizeof names / sizeof names[0])];
        size_t nl = strlen(nm);
        memcpy(b->buf[i][0], nm, nl);
        size_t vl;
        uint32_t kind = rnd(10);
        if (kind < 5) {
            const char *v = values[rnd(sizeof values / sizeof values[0])];
            vl = strlen(v);
            memcpy(b->buf[i][1], v, vl);
        } else if (kind < 8) { /* printable, a handful of variants */
            vl = 1 + rnd(60);
            for (size_t k = 0; k < vl; k++)
                b->buf[i][1][k] = (char)('a' + (k * 7 + rnd(3)) % 26);
        } else { /* any octet, up to 300 (Huffman longer than raw) */
            vl = rnd(301);
            for (size_t k = 0; k < vl; k++)
                b->buf[i][1][k] = (char)rnd(256);
        }
        unsigned flags = rnd(12) == 0 ? HYPER_HPACK_NEVER_INDEX : rnd(12) == 0 ? HYPER_HPACK_NO_INDEX : 0;
        b->f[i] = (hyper_hpack_field){b->buf[i][0], nl, b->buf[i][1], vl, flags};
        b->sensitive[i] = (flags & HYPER_HPACK_NEVER_INDEX) || !strcmp(nm, "authorization") ||
                          !strcmp(nm, "proxy-authorization") || !strcmp(nm, "set-cookie") ||
                          (!strcmp(nm, "cookie") && vl < 20);
    }
}

/* Encoder and decoder stay in step over many blocks, with the peer's table
 * size changing now and then (a SETTINGS change reaches both sides). */
static void round_trip_one(uint32_t table, int policy, int blocks)
{
    hyper_hpack_encoder_opts eo = {table ? table : 4096, policy, 0};
    hyper_hpack_decoder_opts dopts = {table ? table : 4096, 0, 0, 0};
    hyper_hpack_encoder *enc = NULL;
    hyper_hpack_decoder *dec = NULL;
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, &eo), HYPER_OK);
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, &dopts), HYPER_OK);
    if (table != 4096) {
        assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, table), HYPER_OK);
        hyper_hpack_encoder_set_peer_table_size(enc, table);
    }
    static rand_block b;
    static uint8_t out[MAXF * 1200 + 64];
    for (int k = 0; k < blocks; k++) {
        if (rnd(16) == 0) {
            static const uint32_t sizes[] = {0, 64, 256, 1000, 4096};
            uint32_t sz = sizes[rnd(5)];
            if (sz > table)
                sz = table;
            if (rnd(2)) { /* down and back up before the next block */
                hyper_hpack_encoder_set_peer_table_size(enc, sz / 2);
                assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, sz / 2), HYPER_OK);
            }
            hyper_hpack_encoder_set_peer_table_size(enc, sz);
            assert_int_equal(hyper_hpack_decoder_set_max_table_size(dec, sz), HYPER_OK);
        }
        rand_fields(&b);
        long len = encode(enc, b.f, b.n, out, sizeof out);
        decode_expect(dec, out, (size_t)len, b.f, b.n, b.sensitive);
        /* Both tables hold the same entries. */
        assert_int_equal(hyper_hpack_decoder_table_size(dec), hyper_hpack_encoder_table_size(enc));
        assert_int_equal(hyper_hpack_decoder_table_count(dec),
                         hyper_hpack_encoder_table_count(enc));
    }
    hyper_hpack_encoder_free(enc);
    hyper_hpack_decoder_free(dec);
}

static void round_trip_random(void **state)
{
    (void)state;
    static const uint32_t tables[] = {0, 256, 4096, 65536};
    rng_state = 0x9e3779b97f4a7c15ull; /* fixed seed: reproducible */
    for (size_t t = 0; t < 4; t++)
        for (int policy = 0; policy <= 2; policy++)
            round_trip_one(tables[t], policy, 150);
}

/* Every RFC example block, and the same blocks repeated many times so the
 * table fills, evicts and wraps, decode back to their fields. */
static void round_trip_examples(void **state)
{
    (void)state;
    const hyper_hpack_field *blocks[] = {req1, req2, req3, resp1, resp2, resp3};
    const size_t counts[] = {4, 5, 5, 4, 4, 6};
    for (uint32_t table = 64; table <= 4096; table *= 4) {
        hyper_hpack_encoder *enc = new_encoder(NULL, table, 0, 0);
        hyper_hpack_decoder_opts dopts = {table, 0, 0, 0};
        hyper_hpack_decoder *dec = NULL;
        assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, &dopts), HYPER_OK);
        uint8_t out[2048];
        for (int k = 0; k < 300; k++) {
            size_t b = (size_t)(k * 7) % 6;
            long len = encode(enc, blocks[b], counts[b], out, sizeof out);
            decode_expect(dec, out, (size_t)len, blocks[b], counts[b], NULL);
            assert_int_equal(hyper_hpack_decoder_table_size(dec),
                             hyper_hpack_encoder_table_size(enc));
        }
        hyper_hpack_encoder_free(enc);
        hyper_hpack_decoder_free(dec);
    }
}

/* ---- allocation failure at every point ----------------------------------------- */

static void allocation_failure_everywhere(void **state)
{
    (void)state;
    int completed = 0;
    for (size_t fail = 1; fail < 200 && !completed; fail++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        hyper_hpack_encoder *enc = NULL;
        hyper_hpack_encoder_opts o = {65536, HYPER_HPACK_HUFFMAN_AUTO, 0};
        int rc = hyper_hpack_encoder_init(&enc, &tm.mem, &o);
        if (rc != HYPER_OK) {
            assert_int_equal(rc, HYPER_ENOMEM);
            assert_null(enc);
            assert_int_equal(tm.in_use, 0);
            continue;
        }
        uint8_t out[1024];
        const hyper_hpack_field *blocks[] = {req1, req2, req3, resp3};
        const size_t counts[] = {4, 5, 5, 6};
        int enomem = 0;
        /* The output must stay decodable whatever failed: a field the
         * table had no memory for is a literal without indexing. */
        hyper_hpack_decoder_opts dopts = {65536, 0, 0, 0};
        hyper_hpack_decoder *dec = NULL;
        assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, &dopts), HYPER_OK);
        for (int round = 0; round < 3; round++) {
            if (round == 1)
                hyper_hpack_encoder_set_peer_table_size(enc, 65536); /* hash grows */
            for (size_t b = 0; b < 4; b++) {
                long len = hyper_hpack_encode(enc, blocks[b], counts[b], out, sizeof out);
                if (len == HYPER_ENOMEM) {
                    /* Only the raise can fail, and then nothing changed:
                     * the retry succeeds once memory is back. */
                    enomem++;
                    size_t before = hyper_hpack_encoder_table_count(enc);
                    tm.fail_at = 0;
                    len = hyper_hpack_encode(enc, blocks[b], counts[b], out, sizeof out);
                    assert_true(hyper_hpack_encoder_table_count(enc) >= before);
                }
                assert_true(len > 0);
                decode_expect(dec, out, (size_t)len, blocks[b], counts[b], NULL);
                assert_int_equal(hyper_hpack_decoder_table_size(dec),
                                 hyper_hpack_encoder_table_size(enc));
            }
        }
        hyper_hpack_decoder_free(dec);
        completed = tm.calls < fail;
        hyper_hpack_encoder_free(enc);
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        (void)enomem;
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_random),
        cmocka_unit_test(round_trip_examples),
        cmocka_unit_test(allocation_failure_everywhere),
    };
    return cmocka_run_group_tests_name("hpack_encoder_roundtrip", tests, NULL, NULL);
}
