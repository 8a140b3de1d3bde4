/*
 * hpack_story.h — run story cases through hyper's HPACK public API
 * (include/hyper.h section 4): decode a case's wire (whole or in pieces)
 * and check it against the case's headers; encode a case's headers.
 *
 * Header-only (static inline) on purpose: every .c file of tools/support/ is linked into
 * every test binary, including layers that do not link src/hpack, so the
 * .c files there must not reference the library. Only programs that link
 * HPACK include this header.
 */
#ifndef HYPER_TOOLS_HPACK_STORY_H
#define HYPER_TOOLS_HPACK_STORY_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"
#include "support/story.h"

/* Called for each decoded field; a nonzero return stops decoding and is
 * returned by story_block_decode. */
typedef int (*story_field_fn)(void *ctx, const hyper_hpack_field *f);

/*
 * Decodes one header block wire[0..len) with dec, feeding it in pieces of
 * `piece` bytes (0: the whole block at once), as CONTINUATION frames would.
 * Returns 0 when the block ended cleanly, a negative hyper_error from the
 * decoder, or the callback's nonzero value.
 */
static inline int story_block_decode(hyper_hpack_decoder *dec, const uint8_t *wire,
                                     size_t len, size_t piece, story_field_fn fn, void *ctx)
{
    size_t off = 0;
    if (piece == 0)
        piece = len ? len : 1;
    do {
        size_t n = len - off < piece ? len - off : piece;
        int final = off + n == len;
        const uint8_t *p = wire + off;
        size_t left = n;
        for (;;) {
            hyper_hpack_field f;
            size_t used = 0;
            int r = hyper_hpack_decode(dec, p, left, final, &f, &used);
            if (used > left)
                return HYPER_EINVAL; /* the decoder broke its contract */
            p += used;
            left -= used;
            if (r < 0)
                return r;
            if (r == 0)
                break;
            int cr = fn(ctx, &f);
            if (cr)
                return cr;
        }
        if (left) /* "0" means every byte was used */
            return HYPER_EINVAL;
        off += n;
    } while (off < len);
    return 0;
}

/* State of a check of decoded fields against a case's headers. */
typedef struct story_check {
    const story_case *c;
    size_t next;          /* index of the next expected header */
    char *msg;            /* where a mismatch is described */
    size_t msglen;
    FILE *print;          /* when set, each decoded field is printed there */
} story_check;

/* Writes bytes readably: printable ASCII as is, others as \xHH. */
static inline void story_print_bytes(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
}

static inline int story_check_field(void *ctx, const hyper_hpack_field *f)
{
    story_check *k = ctx;
    if (k->print) {
        story_print_bytes(k->print, f->name, f->name_len);
        fputs(": ", k->print);
        story_print_bytes(k->print, f->value, f->value_len);
        fputc('\n', k->print);
    }
    if (k->next >= k->c->header_count) {
        snprintf(k->msg, k->msglen, "header %zu: unexpected extra field \"%.*s\"", k->next,
                 (int)(f->name_len > 200 ? 200 : f->name_len), f->name);
        return 1;
    }
    const story_header *h = &k->c->headers[k->next];
    if (h->name_len != f->name_len || memcmp(h->name, f->name, f->name_len) ||
        h->value_len != f->value_len || memcmp(h->value, f->value, f->value_len)) {
        snprintf(k->msg, k->msglen,
                 "header %zu: expected \"%.*s: %.*s\", decoded \"%.*s: %.*s\"", k->next,
                 (int)(h->name_len > 100 ? 100 : h->name_len), h->name,
                 (int)(h->value_len > 100 ? 100 : h->value_len), h->value,
                 (int)(f->name_len > 100 ? 100 : f->name_len), f->name,
                 (int)(f->value_len > 100 ? 100 : f->value_len), f->value);
        return 1;
    }
    k->next++;
    return 0;
}

/*
 * Applies the case's header_table_size (when set) to dec, decodes the
 * case's wire in pieces of `piece` bytes and compares the fields with the
 * case's headers, printing them to `print` when it is not NULL.
 * Returns 0 when they match, 1 on a mismatch, a negative hyper_error when
 * the decoder failed; msg describes any failure.
 */
static inline int story_case_check(hyper_hpack_decoder *dec, const story_case *c,
                                   size_t piece, FILE *print, char *msg, size_t msglen)
{
    story_check k = {c, 0, msg, msglen, print};
    msg[0] = '\0';
    if (c->header_table_size >= 0) {
        int r = hyper_hpack_decoder_set_max_table_size(dec, (uint32_t)c->header_table_size);
        if (r < 0) {
            snprintf(msg, msglen, "setting the table size to %ld: %s", c->header_table_size,
                     hyper_strerror_name(r));
            return r;
        }
    }
    if (!c->has_wire) {
        snprintf(msg, msglen, "the case has no \"wire\"");
        return HYPER_EINVAL;
    }
    int r = story_block_decode(dec, c->wire, c->wire_len, piece, story_check_field, &k);
    if (r < 0) {
        snprintf(msg, msglen, "decoding failed after %zu fields: %s (%s)", k.next,
                 hyper_strerror_name(r), hyper_strerror(r));
        return r;
    }
    if (r == 0 && k.next != c->header_count) {
        snprintf(msg, msglen, "decoded %zu fields, expected %zu (header %zu missing)",
                 k.next, c->header_count, k.next);
        return 1;
    }
    return r;
}

/*
 * Encodes the case's headers as one block with enc (no flags: the encoder
 * picks never-indexed for sensitive fields itself). On success returns 0
 * and stores a malloc'd block in *out / *out_len (the caller frees it);
 * else a negative hyper_error.
 */
static inline int story_case_encode(hyper_hpack_encoder *enc, const story_case *c,
                                    uint8_t **out, size_t *out_len)
{
    hyper_hpack_field *fields = calloc(c->header_count + 1, sizeof *fields);
    if (!fields)
        return HYPER_ENOMEM;
    for (size_t i = 0; i < c->header_count; i++) {
        fields[i].name = c->headers[i].name;
        fields[i].name_len = c->headers[i].name_len;
        fields[i].value = c->headers[i].value;
        fields[i].value_len = c->headers[i].value_len;
    }
    size_t cap = hyper_hpack_encode_bound(enc, fields, c->header_count);
    uint8_t *buf = malloc(cap + 1);
    long n = buf ? hyper_hpack_encode(enc, fields, c->header_count, buf, cap) : HYPER_ENOMEM;
    free(fields);
    if (n < 0 || (size_t)n > cap) {
        free(buf);
        return n < 0 ? (int)n : HYPER_EBUFFER;
    }
    *out = buf;
    *out_len = (size_t)n;
    return 0;
}

#endif
