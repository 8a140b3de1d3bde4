/*
 * fuzz_hpack_decode.c — libFuzzer target: hyper's HPACK decoder on arbitrary
 * header blocks, arbitrary bounds and table sizes, fed in arbitrary pieces.
 *
 * Input layout:
 *   byte 0   low 3 bits: initial SETTINGS_HEADER_TABLE_SIZE (from a list)
 *   byte 1   max_field_size (low 3 bits) and max_fields (bits 4-6) choices
 *   byte 2   max_header_list_size choice (low 3 bits)
 *   byte 3   seed of the generator that picks the split points
 *   rest     blocks, each a 2-octet big-endian header then its bytes:
 *              bit 15      a new table size is ACKed before this block,
 *              bits 12-14  ... this one (from the list)
 *              bits 0-11   the block's length (cut short at the end)
 *            every block is fed in pieces split at pseudo-random points, as
 *            HEADERS + CONTINUATION frames would deliver it
 *
 * Beyond "no crash, no leak, no UB" (the sanitizers), it checks what the
 * API promises: consumed never exceeds the piece; every field respects the
 * configured bounds; the dynamic table never exceeds the largest size we
 * allowed, nor, after a complete block, the size in force; once a call
 * fails, every later call returns HYPER_EHPACK_BROKEN. Each returned string
 * is read in full, so a dangling pointer shows up under ASan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "hyper.h"

static const uint32_t table_sizes[8] = {0, 32, 64, 100, 256, 1024, 4096, 65536};
static const uint32_t field_sizes[8] = {0, 1, 16, 64, 256, 4096, 16384, 65536};
static const uint32_t field_counts[8] = {0, 1, 2, 4, 16, 64, 256, 1024};
static const uint32_t list_sizes[8] = {0, 32, 64, 256, 1024, 4096, 65536, 1u << 20};

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "fuzz_hpack_decode: %s failed (line %d)\n",    \
                    #cond, __LINE__);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

static uint32_t next_rand(uint32_t *s)
{
    /* xorshift32: deterministic per input, so crashes reproduce. */
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

typedef struct bounds {
    uint32_t field, fields, list, table; /* effective values (defaults applied) */
} bounds;

/* Feeds one block in pseudo-random pieces; returns 0 or the first error. */
static int decode_block(hyper_hpack_decoder *dec, const uint8_t *p, size_t len,
                        const bounds *b, uint32_t *rng)
{
    size_t off = 0, count = 0, list = 0;
    volatile uint8_t touch = 0;
    do {
        size_t piece = len - off;
        if (piece > 1 && (next_rand(rng) & 3) != 0)
            piece = 1 + next_rand(rng) % piece;
        int final = off + piece == len;
        size_t left = piece;
        const uint8_t *q = p + off;
        for (;;) {
            hyper_hpack_field f;
            size_t used = (size_t)-1;
            int r = hyper_hpack_decode(dec, q, left, final, &f, &used);
            CHECK(used <= left);
            q += used;
            left -= used;
            if (r < 0)
                return r;
            if (r == 0) {
                CHECK(left == 0);
                break;
            }
            CHECK(r == 1);
            CHECK(f.name_len + f.value_len <= b->field);
            CHECK(++count <= b->fields);
            list += f.name_len + f.value_len + 32;
            CHECK(list <= b->list);
            for (size_t i = 0; i < f.name_len; i++)
                touch ^= (uint8_t)f.name[i];
            for (size_t i = 0; i < f.value_len; i++)
                touch ^= (uint8_t)f.value[i];
        }
        off += piece;
    } while (off < len);
    (void)touch;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    hyper_hpack_decoder_opts o = {
        .max_table_size = table_sizes[data[0] & 7],
        .max_field_size = field_sizes[data[1] & 7],
        .max_fields = field_counts[(data[1] >> 4) & 7],
        .max_header_list_size = list_sizes[data[2] & 7],
    };
    bounds b = {o.max_field_size ? o.max_field_size : 16384, o.max_fields ? o.max_fields : 256,
                o.max_header_list_size ? o.max_header_list_size : 65536,
                o.max_table_size ? o.max_table_size : 4096};
    uint32_t rng = data[3] * 0x01000193u + (uint32_t)size;
    data += 4;
    size -= 4;

    hyper_hpack_decoder *dec;
    if (hyper_hpack_decoder_init(&dec, NULL, &o) != HYPER_OK)
        return 0;
    int failed = 0;
    size_t off = 0;
    uint32_t cur = b.table; /* the setting in force (RFC 7541 §4.2) */
    while (off + 2 <= size) {
        unsigned head = (unsigned)data[off] << 8 | data[off + 1];
        size_t len = head & 0xfff;
        off += 2;
        if (len > size - off)
            len = size - off;
        if (head & 0x8000) {
            uint32_t ts = table_sizes[(head >> 12) & 7];
            int r = hyper_hpack_decoder_set_max_table_size(dec, ts);
            if (r == HYPER_OK) {
                cur = ts;
                if (ts > b.table)
                    b.table = ts;
            }
        }
        int r = decode_block(dec, data + off, len, &b, &rng);
        if (failed)
            CHECK(r == HYPER_EHPACK_BROKEN);
        if (r < 0)
            failed = 1;
        CHECK(hyper_hpack_decoder_table_size(dec) <= b.table);
        /* A block that decoded fully obeys the setting in force: a lower
         * setting needs a size update at the start of the next block. */
        if (r == 0)
            CHECK(hyper_hpack_decoder_table_size(dec) <= cur);
        off += len;
    }
    hyper_hpack_decoder_free(dec);
    return 0;
}
