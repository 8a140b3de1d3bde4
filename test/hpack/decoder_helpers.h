/*
 * decoder_helpers.h — shared by test_decoder.c and test_decoder_errors.c:
 * feeds a header block to the decoder whole, one byte at a time, in random
 * pieces (fixed seed), or whole followed by an empty final piece, and
 * copies every field out (they are valid only until the next call).
 * Include after cmocka.h.
 */
#ifndef HYPER_TEST_DECODER_HELPERS_H
#define HYPER_TEST_DECODER_HELPERS_H

#include <string.h>
#include "hyper.h"
#include "testutil.h"

enum split { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_RANDOM, SPLIT_EMPTY_FINAL, SPLIT_COUNT };

#define GOT_MAX_FIELDS 600
#define GOT_MAX_BYTES (1u << 20)

typedef struct got {
    size_t n;
    struct {
        size_t name_off, name_len, value_off, value_len;
        unsigned flags;
    } f[GOT_MAX_FIELDS];
    size_t used;
    char bytes[GOT_MAX_BYTES];
} got;

static inline uint32_t split_rng(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static inline void got_add(got *g, const hyper_hpack_field *f)
{
    assert_true(g->n < GOT_MAX_FIELDS);
    assert_true(g->used + f->name_len + f->value_len <= GOT_MAX_BYTES);
    g->f[g->n].name_off = g->used;
    g->f[g->n].name_len = f->name_len;
    if (f->name_len)
        memcpy(g->bytes + g->used, f->name, f->name_len);
    g->used += f->name_len;
    g->f[g->n].value_off = g->used;
    g->f[g->n].value_len = f->value_len;
    if (f->value_len)
        memcpy(g->bytes + g->used, f->value, f->value_len);
    g->used += f->value_len;
    g->f[g->n].flags = f->flags;
    g->n++;
}

/* Decodes every field of one piece. 0 when the piece is used up, or the
 * decoder's error. Checks the consumed/return contract on the way. */
static inline int feed_piece(hyper_hpack_decoder *dec, const uint8_t *in, size_t len,
                             int final, got *g)
{
    size_t off = 0;
    for (;;) {
        hyper_hpack_field f;
        size_t c = 12345;
        int rc = hyper_hpack_decode(dec, in ? in + off : NULL, len - off, final, &f, &c);
        assert_true(c <= len - off);
        off += c;
        if (rc < 0)
            return rc;
        if (rc == 0) {
            assert_int_equal(off, len);
            return 0;
        }
        assert_int_equal(rc, 1);
        got_add(g, &f);
    }
}

/* Feeds one whole header block split as `mode` says. */
static inline int feed_block(hyper_hpack_decoder *dec, const uint8_t *in, size_t len,
                             enum split mode, uint32_t *seed, got *g)
{
    g->n = 0;
    g->used = 0;
    size_t off = 0;
    if (len == 0 || mode == SPLIT_EMPTY_FINAL) {
        int rc = len ? feed_piece(dec, in, len, 0, g) : 0;
        return rc < 0 ? rc : feed_piece(dec, NULL, 0, 1, g);
    }
    while (off < len) {
        size_t piece = len - off;
        if (mode == SPLIT_BYTES)
            piece = 1;
        else if (mode == SPLIT_RANDOM)
            piece = 1 + split_rng(seed) % (split_rng(seed) % 2 ? 4 : 40);
        if (piece > len - off)
            piece = len - off;
        int rc = feed_piece(dec, in + off, piece, off + piece == len, g);
        if (rc < 0)
            return rc;
        off += piece;
    }
    return 0;
}

/* Decodes hex (whitespace ignored) into out. */
static inline size_t hex_block(const char *hex, uint8_t *out, size_t cap)
{
    long n = test_hex_decode(hex, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static inline void got_expect(const got *g, size_t i, const char *name, const char *value)
{
    assert_true(i < g->n);
    assert_int_equal(g->f[i].name_len, strlen(name));
    assert_memory_equal(g->bytes + g->f[i].name_off, name, strlen(name));
    assert_int_equal(g->f[i].value_len, strlen(value));
    if (strlen(value))
        assert_memory_equal(g->bytes + g->f[i].value_off, value, strlen(value));
}

#endif
