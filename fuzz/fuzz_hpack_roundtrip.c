/*
 * fuzz_hpack_roundtrip.c — libFuzzer target: arbitrary header lists encoded
 * by hyper's HPACK encoder and decoded by its decoder must come back
 * exactly; abort() on any difference.
 *
 * Input layout:
 *   byte 0   Huffman policy (% 3), indexing strategy (/ 3 % 3), and in the
 *            high 3 bits the encoder's own max_table_size (from a list)
 *   byte 1   the peer's initial SETTINGS_HEADER_TABLE_SIZE (low 3 bits)
 *   rest     fields, each: an op byte, then what the op asks for
 *     op bits 0-1  name: 0 literal (len byte % 40, then bytes), 1 a common
 *                  name (index byte), 2 the name of an earlier field, 3 an
 *                  earlier field whole (index byte; the table gets hits)
 *     op bit 2/3   flags NEVER_INDEX / NO_INDEX
 *     op bit 4     the block ends after this field
 *     op bit 5     long value: 2 length bytes, else 1 byte % 64
 *     op bits 6-7  at a block end: nonzero = the peer's table size changes
 *                  (to a size picked by the next byte) before the next block
 *
 * Checks per block: the encoded size is within hyper_hpack_encode_bound and
 * a smaller buffer gives HYPER_EBUFFER; the decoded fields equal the input
 * (bytes, order, NEVER_INDEX kept); encoder and decoder agree on the
 * dynamic table's size and entry count afterwards.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

#define MAX_FIELDS 512
#define MAX_BLOCK_FIELDS 128

static const uint32_t table_sizes[8] = {0, 32, 64, 100, 256, 1024, 4096, 8192};
static const char *const common_names[16] = {
    ":method", ":path", ":authority", ":scheme", ":status", "cookie", "set-cookie",
    "authorization", "proxy-authorization", "user-agent", "accept", "content-length",
    "etag", "location", "x-custom", "",
};

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz_hpack_roundtrip: %s failed (line %d)\n",   \
                    #cond, __LINE__);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

static unsigned get_byte(reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

/* Takes up to n bytes of input as a string. */
static const char *get_bytes(reader *r, size_t *n)
{
    if (*n > r->left)
        *n = r->left;
    const char *s = (const char *)r->p;
    r->p += *n;
    r->left -= *n;
    return s;
}

/* Reads one field; returns its op byte. */
static unsigned read_field(reader *r, hyper_hpack_field *all, size_t count, hyper_hpack_field *f)
{
    unsigned op = get_byte(r);
    memset(f, 0, sizeof *f);
    unsigned src = op & 3;
    if (src >= 2 && count == 0)
        src = 0;
    if (src == 3) {
        *f = all[get_byte(r) % count];
    } else {
        if (src == 0) {
            f->name_len = get_byte(r) % 40;
            f->name = get_bytes(r, &f->name_len);
        } else if (src == 1) {
            f->name = common_names[get_byte(r) % 16];
            f->name_len = strlen(f->name);
        } else {
            const hyper_hpack_field *e = &all[get_byte(r) % count];
            f->name = e->name;
            f->name_len = e->name_len;
        }
        if (op & 0x20) {
            size_t hi = get_byte(r);
            f->value_len = hi << 8 | get_byte(r);
        } else {
            f->value_len = get_byte(r) % 64;
        }
        f->value = get_bytes(r, &f->value_len);
    }
    f->flags = (op & 4 ? HYPER_HPACK_NEVER_INDEX : 0) | (op & 8 ? HYPER_HPACK_NO_INDEX : 0);
    return op;
}

/* Encodes and decodes one block, checking everything listed above. */
static void round_trip(hyper_hpack_encoder *enc, hyper_hpack_decoder *dec,
                       const hyper_hpack_field *fields, size_t n)
{
    size_t bound = hyper_hpack_encode_bound(enc, fields, n);
    uint8_t *buf = malloc(bound + 1);
    CHECK(buf != NULL);
    if (bound > 0)
        CHECK(hyper_hpack_encode(enc, fields, n, buf, bound - 1) == HYPER_EBUFFER);
    long len = hyper_hpack_encode(enc, fields, n, buf, bound);
    CHECK(len >= 0 && (size_t)len <= bound);
    size_t off = 0, i = 0;
    for (;;) {
        hyper_hpack_field f;
        size_t used = 0;
        int r = hyper_hpack_decode(dec, buf + off, (size_t)len - off, 1, &f, &used);
        if (r < 0)
            fprintf(stderr, "decode error %s at field %zu\n", hyper_strerror_name(r), i);
        CHECK(r >= 0);
        off += used;
        if (r == 0)
            break;
        CHECK(i < n);
        const hyper_hpack_field *w = &fields[i++];
        CHECK(f.name_len == w->name_len &&
              (w->name_len == 0 || memcmp(f.name, w->name, w->name_len) == 0));
        CHECK(f.value_len == w->value_len &&
              (w->value_len == 0 || memcmp(f.value, w->value, w->value_len) == 0));
        if (w->flags & HYPER_HPACK_NEVER_INDEX)
            CHECK(f.flags & HYPER_HPACK_NEVER_INDEX);
    }
    CHECK(i == n && off == (size_t)len);
    CHECK(hyper_hpack_encoder_table_size(enc) == hyper_hpack_decoder_table_size(dec));
    CHECK(hyper_hpack_encoder_table_count(enc) == hyper_hpack_decoder_table_count(dec));
    free(buf);
}

/* The peer's SETTINGS_HEADER_TABLE_SIZE changes (and is ACKed). */
static void set_peer_size(hyper_hpack_encoder *enc, hyper_hpack_decoder *dec, uint32_t size)
{
    CHECK(hyper_hpack_encoder_set_peer_table_size(enc, size) == HYPER_OK);
    CHECK(hyper_hpack_decoder_set_max_table_size(dec, size) == HYPER_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    hyper_hpack_encoder_opts eo = {
        .huffman = data[0] % 3,
        .indexing = data[0] / 3 % 3,
        .max_table_size = table_sizes[data[0] >> 5],
    };
    uint32_t peer = table_sizes[data[1] & 7];
    hyper_hpack_decoder_opts dopts = {
        .max_header_list_size = 1u << 24,
        .max_field_size = 1u << 20,
        .max_fields = 4096,
    };
    hyper_hpack_encoder *enc;
    hyper_hpack_decoder *dec;
    CHECK(hyper_hpack_encoder_init(&enc, NULL, &eo) == HYPER_OK);
    CHECK(hyper_hpack_decoder_init(&dec, NULL, &dopts) == HYPER_OK);
    /* Both sides start at HPACK's 4096 (RFC 9113 §6.5.2); a different
     * setting is announced, ACKed, and learnt by the encoder. */
    if (peer != 4096)
        set_peer_size(enc, dec, peer);

    static hyper_hpack_field all[MAX_FIELDS];
    size_t count = 0, block_start = 0;
    reader r = {data + 2, size - 2};
    while (r.left && count < MAX_FIELDS) {
        unsigned op = read_field(&r, all, count, &all[count]);
        count++;
        int end = (op & 0x10) || count - block_start == MAX_BLOCK_FIELDS || !r.left;
        if (!end)
            continue;
        round_trip(enc, dec, all + block_start, count - block_start);
        block_start = count;
        if (op & 0xc0)
            set_peer_size(enc, dec, table_sizes[get_byte(&r) & 7]);
    }
    if (block_start < count)
        round_trip(enc, dec, all + block_start, count - block_start);
    round_trip(enc, dec, NULL, 0); /* an empty block is a block too */
    hyper_hpack_encoder_free(enc);
    hyper_hpack_decoder_free(dec);
    return 0;
}
