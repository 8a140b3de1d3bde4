/*
 * fuzz_huffman.c — libFuzzer target for the HPACK Huffman codec.
 *
 * 1. Decode the input as a Huffman string. A success must re-encode to the
 *    very same octets (a valid encoding is unique: the code is prefix-free
 *    and the padding is fixed), and decoding with one octet less of room must
 *    fail with HYPER_EBUFFER; every failure must be one of the documented
 *    errors.
 *    The table decoder and the checked decoder give the same result.
 * 2. Encode the input as plain octets, check the length against
 *    hyper_huffman_encoded_len, and decode it back to the same octets.
 * Any mismatch aborts.
 */
#include <stdlib.h>
#include <string.h>
#include "hpack/huffman.h"
#include "hyper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

/* The table decoder (room for the longest output and a slack octet) and
 * the checked one (room for exactly the longest output) must agree. */
static void decode_both_ways(const uint8_t *data, size_t size)
{
    size_t cap = HYPER_HUFFMAN_DECODED_MAX(size);
    uint8_t *a = malloc(cap + 1), *b = malloc(cap + 1);
    check(a != NULL && b != NULL);
    long fast = hyper_huffman_decode_fast(data, size, a);
    long checked = hyper_huffman_decode(data, size, b, cap);
    check(fast == checked);
    check(hyper_huffman_decode(data, size, b, cap + 1) == fast);
    if (fast > 0)
        check(memcmp(a, b, (size_t)fast) == 0);
    free(a);
    free(b);
}

static void decode_then_encode(const uint8_t *data, size_t size)
{
    size_t cap = HYPER_HUFFMAN_DECODED_MAX(size);
    uint8_t *dec = malloc(cap + 1);
    check(dec != NULL);
    long n = hyper_huffman_decode(data, size, dec, cap);
    if (n < 0) {
        check(n == HYPER_EHPACK_HUFFMAN_EOS || n == HYPER_EHPACK_HUFFMAN_PADDING ||
              n == HYPER_EHPACK_HUFFMAN_PADDING_BITS);
        free(dec);
        return;
    }
    check((size_t)n <= cap);
    size_t elen = hyper_huffman_encoded_len(dec, (size_t)n);
    check(elen == size);
    uint8_t *enc = malloc(elen + 1);
    check(enc != NULL);
    check(hyper_huffman_encode(dec, (size_t)n, enc) == elen);
    check(memcmp(enc, data, size) == 0);
    if (n > 0)
        check(hyper_huffman_decode(data, size, dec, (size_t)n - 1) == HYPER_EBUFFER);
    free(enc);
    free(dec);
}

static void encode_then_decode(const uint8_t *data, size_t size)
{
    size_t elen = hyper_huffman_encoded_len(data, size);
    check(elen <= (size * 30 + 7) / 8);
    uint8_t *enc = malloc(elen + 1);
    uint8_t *dec = malloc(size + 1);
    check(enc != NULL && dec != NULL);
    check(hyper_huffman_encode(data, size, enc) == elen);
    check(size <= HYPER_HUFFMAN_DECODED_MAX(elen));
    check(hyper_huffman_decode(enc, elen, dec, size) == (long)size);
    check(memcmp(dec, data, size) == 0);
    free(enc);
    free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_then_encode(data, size);
    decode_both_ways(data, size);
    encode_then_decode(data, size);
    return 0;
}
