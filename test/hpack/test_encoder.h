/* Helpers and RFC 7541 Appendix C fields shared by the encoder tests. */
#ifndef HYPER_TEST_ENCODER_H
#define HYPER_TEST_ENCODER_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hyper.h"
#include "testutil.h"

#define F(n, v) {n, sizeof(n) - 1, v, sizeof(v) - 1, 0}
#define FF(n, v, fl) {n, sizeof(n) - 1, v, sizeof(v) - 1, fl}

/* xorshift64, fixed seeds: every run sees the same inputs. */
static uint64_t rng_state;
static inline uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static inline hyper_hpack_encoder *new_encoder(test_mem *tm, uint32_t max, int huffman,
                                               int indexing)
{
    hyper_hpack_encoder_opts o = {max, huffman, indexing};
    hyper_hpack_encoder *enc = NULL;
    assert_int_equal(hyper_hpack_encoder_init(&enc, tm ? &tm->mem : NULL, &o), HYPER_OK);
    assert_non_null(enc);
    return enc;
}

/* Encodes and returns the length, checking the bound holds. */
static inline long encode(hyper_hpack_encoder *enc, const hyper_hpack_field *f, size_t n,
                          uint8_t *out, size_t cap)
{
    size_t bound = hyper_hpack_encode_bound(enc, f, n);
    assert_true(bound <= cap);
    long len = hyper_hpack_encode(enc, f, n, out, cap);
    assert_true(len >= 0);
    assert_true((size_t)len <= bound);
    return len;
}

/* RFC 7541 C.3 / C.4 requests. */
static const hyper_hpack_field req1[] = {
    F(":method", "GET"), F(":scheme", "http"), F(":path", "/"),
    F(":authority", "www.example.com")};
static const hyper_hpack_field req2[] = {
    F(":method", "GET"), F(":scheme", "http"), F(":path", "/"),
    F(":authority", "www.example.com"), F("cache-control", "no-cache")};
static const hyper_hpack_field req3[] = {
    F(":method", "GET"), F(":scheme", "https"), F(":path", "/index.html"),
    F(":authority", "www.example.com"), F("custom-key", "custom-value")};

/* RFC 7541 C.5 / C.6 responses. */
#define DATE1 "Mon, 21 Oct 2013 20:13:21 GMT"
#define DATE2 "Mon, 21 Oct 2013 20:13:22 GMT"
#define LOC "https://www.example.com"
#define COOKIE "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"
static const hyper_hpack_field resp1[] = {
    F(":status", "302"), F("cache-control", "private"), F("date", DATE1), F("location", LOC)};
static const hyper_hpack_field resp2[] = {
    F(":status", "307"), F("cache-control", "private"), F("date", DATE1), F("location", LOC)};
static const hyper_hpack_field resp3[] = {
    F(":status", "200"), F("cache-control", "private"), F("date", DATE2), F("location", LOC),
    F("content-encoding", "gzip"), F("set-cookie", COOKIE)};

#endif
