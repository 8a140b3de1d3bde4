/*
 * The Huffman encode tables against RFC 7541 Appendix B, symbol by symbol.
 * A build for size (-Os) has no 32-bit code table: the encoder computes
 * each code from the symbol's rank in canonical order and the canonical
 * decode's per-length delta (src/hpack/huffman_table.h). Checked here:
 * that computation from the decode tables (every build), the tables the
 * encoder reads and hyper_huffman_code_of (builds with the encoder, -O2
 * and -Os), and hyper_huffman_encode / _under of each symbol at every bit
 * offset against a bit-by-bit packing of the codes below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hpack/huffman.h"
#include "hpack/huffman_table.h"

/* RFC 7541 Appendix B: {code (right-aligned), length in bits}, symbols
 * 0..255 and EOS (256). Typed in from the RFC, not from our tables. */
static const struct {
    uint32_t code;
    uint8_t bits;
} rfc[257] = {
    {0x1ff8, 13}, {0x7fffd8, 23}, {0xfffffe2, 28}, {0xfffffe3, 28},  /* 0.. */
    {0xfffffe4, 28}, {0xfffffe5, 28}, {0xfffffe6, 28}, {0xfffffe7, 28},  /* 4.. */
    {0xfffffe8, 28}, {0xffffea, 24}, {0x3ffffffc, 30}, {0xfffffe9, 28},  /* 8.. */
    {0xfffffea, 28}, {0x3ffffffd, 30}, {0xfffffeb, 28}, {0xfffffec, 28},  /* 12.. */
    {0xfffffed, 28}, {0xfffffee, 28}, {0xfffffef, 28}, {0xffffff0, 28},  /* 16.. */
    {0xffffff1, 28}, {0xffffff2, 28}, {0x3ffffffe, 30}, {0xffffff3, 28},  /* 20.. */
    {0xffffff4, 28}, {0xffffff5, 28}, {0xffffff6, 28}, {0xffffff7, 28},  /* 24.. */
    {0xffffff8, 28}, {0xffffff9, 28}, {0xffffffa, 28}, {0xffffffb, 28},  /* 28.. */
    {0x14, 6}, {0x3f8, 10}, {0x3f9, 10}, {0xffa, 12},  /* 32.. */
    {0x1ff9, 13}, {0x15, 6}, {0xf8, 8}, {0x7fa, 11},  /* 36.. */
    {0x3fa, 10}, {0x3fb, 10}, {0xf9, 8}, {0x7fb, 11},  /* 40.. */
    {0xfa, 8}, {0x16, 6}, {0x17, 6}, {0x18, 6},  /* 44.. */
    {0x0, 5}, {0x1, 5}, {0x2, 5}, {0x19, 6},  /* 48.. */
    {0x1a, 6}, {0x1b, 6}, {0x1c, 6}, {0x1d, 6},  /* 52.. */
    {0x1e, 6}, {0x1f, 6}, {0x5c, 7}, {0xfb, 8},  /* 56.. */
    {0x7ffc, 15}, {0x20, 6}, {0xffb, 12}, {0x3fc, 10},  /* 60.. */
    {0x1ffa, 13}, {0x21, 6}, {0x5d, 7}, {0x5e, 7},  /* 64.. */
    {0x5f, 7}, {0x60, 7}, {0x61, 7}, {0x62, 7},  /* 68.. */
    {0x63, 7}, {0x64, 7}, {0x65, 7}, {0x66, 7},  /* 72.. */
    {0x67, 7}, {0x68, 7}, {0x69, 7}, {0x6a, 7},  /* 76.. */
    {0x6b, 7}, {0x6c, 7}, {0x6d, 7}, {0x6e, 7},  /* 80.. */
    {0x6f, 7}, {0x70, 7}, {0x71, 7}, {0x72, 7},  /* 84.. */
    {0xfc, 8}, {0x73, 7}, {0xfd, 8}, {0x1ffb, 13},  /* 88.. */
    {0x7fff0, 19}, {0x1ffc, 13}, {0x3ffc, 14}, {0x22, 6},  /* 92.. */
    {0x7ffd, 15}, {0x3, 5}, {0x23, 6}, {0x4, 5},  /* 96.. */
    {0x24, 6}, {0x5, 5}, {0x25, 6}, {0x26, 6},  /* 100.. */
    {0x27, 6}, {0x6, 5}, {0x74, 7}, {0x75, 7},  /* 104.. */
    {0x28, 6}, {0x29, 6}, {0x2a, 6}, {0x7, 5},  /* 108.. */
    {0x2b, 6}, {0x76, 7}, {0x2c, 6}, {0x8, 5},  /* 112.. */
    {0x9, 5}, {0x2d, 6}, {0x77, 7}, {0x78, 7},  /* 116.. */
    {0x79, 7}, {0x7a, 7}, {0x7b, 7}, {0x7ffe, 15},  /* 120.. */
    {0x7fc, 11}, {0x3ffd, 14}, {0x1ffd, 13}, {0xffffffc, 28},  /* 124.. */
    {0xfffe6, 20}, {0x3fffd2, 22}, {0xfffe7, 20}, {0xfffe8, 20},  /* 128.. */
    {0x3fffd3, 22}, {0x3fffd4, 22}, {0x3fffd5, 22}, {0x7fffd9, 23},  /* 132.. */
    {0x3fffd6, 22}, {0x7fffda, 23}, {0x7fffdb, 23}, {0x7fffdc, 23},  /* 136.. */
    {0x7fffdd, 23}, {0x7fffde, 23}, {0xffffeb, 24}, {0x7fffdf, 23},  /* 140.. */
    {0xffffec, 24}, {0xffffed, 24}, {0x3fffd7, 22}, {0x7fffe0, 23},  /* 144.. */
    {0xffffee, 24}, {0x7fffe1, 23}, {0x7fffe2, 23}, {0x7fffe3, 23},  /* 148.. */
    {0x7fffe4, 23}, {0x1fffdc, 21}, {0x3fffd8, 22}, {0x7fffe5, 23},  /* 152.. */
    {0x3fffd9, 22}, {0x7fffe6, 23}, {0x7fffe7, 23}, {0xffffef, 24},  /* 156.. */
    {0x3fffda, 22}, {0x1fffdd, 21}, {0xfffe9, 20}, {0x3fffdb, 22},  /* 160.. */
    {0x3fffdc, 22}, {0x7fffe8, 23}, {0x7fffe9, 23}, {0x1fffde, 21},  /* 164.. */
    {0x7fffea, 23}, {0x3fffdd, 22}, {0x3fffde, 22}, {0xfffff0, 24},  /* 168.. */
    {0x1fffdf, 21}, {0x3fffdf, 22}, {0x7fffeb, 23}, {0x7fffec, 23},  /* 172.. */
    {0x1fffe0, 21}, {0x1fffe1, 21}, {0x3fffe0, 22}, {0x1fffe2, 21},  /* 176.. */
    {0x7fffed, 23}, {0x3fffe1, 22}, {0x7fffee, 23}, {0x7fffef, 23},  /* 180.. */
    {0xfffea, 20}, {0x3fffe2, 22}, {0x3fffe3, 22}, {0x3fffe4, 22},  /* 184.. */
    {0x7ffff0, 23}, {0x3fffe5, 22}, {0x3fffe6, 22}, {0x7ffff1, 23},  /* 188.. */
    {0x3ffffe0, 26}, {0x3ffffe1, 26}, {0xfffeb, 20}, {0x7fff1, 19},  /* 192.. */
    {0x3fffe7, 22}, {0x7ffff2, 23}, {0x3fffe8, 22}, {0x1ffffec, 25},  /* 196.. */
    {0x3ffffe2, 26}, {0x3ffffe3, 26}, {0x3ffffe4, 26}, {0x7ffffde, 27},  /* 200.. */
    {0x7ffffdf, 27}, {0x3ffffe5, 26}, {0xfffff1, 24}, {0x1ffffed, 25},  /* 204.. */
    {0x7fff2, 19}, {0x1fffe3, 21}, {0x3ffffe6, 26}, {0x7ffffe0, 27},  /* 208.. */
    {0x7ffffe1, 27}, {0x3ffffe7, 26}, {0x7ffffe2, 27}, {0xfffff2, 24},  /* 212.. */
    {0x1fffe4, 21}, {0x1fffe5, 21}, {0x3ffffe8, 26}, {0x3ffffe9, 26},  /* 216.. */
    {0xffffffd, 28}, {0x7ffffe3, 27}, {0x7ffffe4, 27}, {0x7ffffe5, 27},  /* 220.. */
    {0xfffec, 20}, {0xfffff3, 24}, {0xfffed, 20}, {0x1fffe6, 21},  /* 224.. */
    {0x3fffe9, 22}, {0x1fffe7, 21}, {0x1fffe8, 21}, {0x7ffff3, 23},  /* 228.. */
    {0x3fffea, 22}, {0x3fffeb, 22}, {0x1ffffee, 25}, {0x1ffffef, 25},  /* 232.. */
    {0xfffff4, 24}, {0xfffff5, 24}, {0x3ffffea, 26}, {0x7ffff4, 23},  /* 236.. */
    {0x3ffffeb, 26}, {0x7ffffe6, 27}, {0x3ffffec, 26}, {0x3ffffed, 26},  /* 240.. */
    {0x7ffffe7, 27}, {0x7ffffe8, 27}, {0x7ffffe9, 27}, {0x7ffffea, 27},  /* 244.. */
    {0x7ffffeb, 27}, {0xffffffe, 28}, {0x7ffffec, 27}, {0x7ffffed, 27},  /* 248.. */
    {0x7ffffee, 27}, {0x7ffffef, 27}, {0x7fffff0, 27}, {0x3ffffee, 26},  /* 252.. */
    {0x3fffffff, 30},  /* 256.. */
};

/* Rank of each symbol in canonical order: the inverse of the decoder's
 * hyper_huffman_sorted, which must be a permutation of 0..255. */
static void ranks(unsigned rank[256])
{
    unsigned seen[256] = {0};
    for (unsigned i = 0; i < 256; i++) {
        unsigned s = hyper_huffman_sorted[i];
        assert_int_equal(seen[s], 0);
        seen[s] = 1;
        rank[s] = i;
    }
}

/* code = rank - delta[bits] (mod 2^32) gives every RFC code, EOS (rank
 * 256, not stored) included. Uses the decode tables only, so it runs in
 * every build, the smallest profile (no encoder) too. */
static void rank_minus_delta_is_the_rfc_code(void **state)
{
    (void)state;
    unsigned rank[256];
    ranks(rank);
    for (unsigned s = 0; s < 256; s++) {
        uint32_t code = (uint32_t)(rank[s] - hyper_huffman_delta[rfc[s].bits]);
        if (code != rfc[s].code)
            fail_msg("symbol %u: computed 0x%x, RFC 0x%x", s, code, rfc[s].code);
    }
    assert_int_equal((uint32_t)(HYPER_HUFFMAN_EOS - hyper_huffman_delta[30]), rfc[256].code);
    assert_int_equal(rfc[256].bits, 30);
}

#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
/* The tables the encoder reads, and the code it computes from them. */
static void encoder_tables_match_rfc(void **state)
{
    (void)state;
    unsigned rank[256];
    ranks(rank);
    for (unsigned s = 0; s < 257; s++)
        assert_int_equal(hyper_huffman_bits[s], rfc[s].bits);
    for (unsigned s = 0; s < 256; s++) {
        uint32_t code = hyper_huffman_code_of((uint8_t)s, hyper_huffman_bits[s]);
        if (code != rfc[s].code)
            fail_msg("symbol %u: hyper_huffman_code_of 0x%x, RFC 0x%x", s, code, rfc[s].code);
#ifdef __OPTIMIZE_SIZE__
        assert_int_equal(hyper_huffman_rank[s], rank[s]);
#endif
    }
    /* the 32-bit table (-O2), or the copy built from the ranks for code
     * outside the core that indexes it (-Os) */
    for (unsigned s = 0; s < 257; s++)
        assert_int_equal(hyper_huffman_code[s], rfc[s].code);
}

/* Appends the RFC code of sym to buf at bit *pos, MSB first. */
static void put_code(uint8_t *buf, size_t *pos, unsigned sym)
{
    for (unsigned k = rfc[sym].bits; k-- > 0; (*pos)++) {
        if (*pos % 8 == 0)
            buf[*pos / 8] = 0;
        if (rfc[sym].code >> k & 1)
            buf[*pos / 8] |= (uint8_t)(0x80 >> (*pos % 8));
    }
}

/* Pads to an octet with ones (EOS's first bits); returns the octets. */
static size_t pad(uint8_t *buf, size_t pos)
{
    for (; pos % 8; pos++)
        buf[pos / 8] |= (uint8_t)(0x80 >> (pos % 8));
    return pos / 8;
}

/* Each symbol alone, and after 1..7 bits of other codes ('0' and 'a' are
 * 5 bits: k of them put the symbol at bit offset 5k % 8, all eight
 * offsets for k = 0..7), then followed by a short code: the encoder's
 * output must be the RFC codes packed bit by bit, its length as
 * hyper_huffman_encoded_len says, and encode_under must give up exactly
 * when the limit is reached. */
static void every_symbol_encodes_to_its_rfc_code(void **state)
{
    (void)state;
    for (unsigned s = 0; s < 256; s++) {
        for (unsigned k = 0; k < 8; k++) {
            uint8_t in[16], want[32], got[32 + 8];
            size_t n = 0, pos = 0;
            for (unsigned j = 0; j < k; j++) {
                in[n++] = j & 1 ? 'a' : '0';
                put_code(want, &pos, in[n - 1]);
            }
            in[n++] = (uint8_t)s;
            put_code(want, &pos, s);
            in[n++] = 'e';
            put_code(want, &pos, 'e');
            size_t wlen = pad(want, pos);
            assert_int_equal(hyper_huffman_encoded_len(in, n), wlen);
            memset(got, 0xa5, sizeof got);
            assert_int_equal(hyper_huffman_encode(in, n, got), wlen);
            if (memcmp(got, want, wlen) != 0)
                fail_msg("symbol %u after %u codes: encoded differently from the RFC", s, k);
            assert_int_equal(got[wlen], 0xa5);
            memset(got, 0xa5, sizeof got);
            assert_int_equal(hyper_huffman_encode_under(in, n, got, wlen + 1), wlen);
            assert_memory_equal(got, want, wlen);
            assert_int_equal(got[wlen], 0xa5);
            memset(got, 0xa5, sizeof got);
            assert_int_equal(hyper_huffman_encode_under(in, n, got, wlen), 0);
            assert_int_equal(got[wlen - 1], 0xa5); /* room for wlen - 1 only */
        }
    }
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rank_minus_delta_is_the_rfc_code),
#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
        cmocka_unit_test(encoder_tables_match_rfc),
        cmocka_unit_test(every_symbol_encodes_to_its_rfc_code),
#endif
    };
    return cmocka_run_group_tests_name("huffman_encode_table", tests, NULL, NULL);
}
