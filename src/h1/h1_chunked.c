/*
 * h1_chunked.c — the chunked transfer coding decoder (RFC 9112 §7.1).
 *
 * Implementation notes
 *  - A struct with an explicit state and a switch in a loop, as
 *    picohttpparser's decoder; one octet at a time or any split works.
 *  - Chunk data is never copied: a call stops at the first piece of data
 *    and returns it as a pointer into the input.
 *  - chunk-size is limited to 2^63-1 (no 64-bit arithmetic overflows, and
 *    no size wraps round to look small); leading zeros are harmless.
 *  - Chunk extensions (§7.1.1) are skipped, but the size line, extensions
 *    included, is bounded by max_line, and NUL and bare CR are rejected in
 *    it as in a head.
 *  - The last-chunk line moves to CH_LAST; the trailer section that follows
 *    is the session's (it uses the head scanner).
 */
#include <string.h>
#include "h1/h1.h"
/* HYPER_CONFIG_NO_H1 (hyper_config.h): the HTTP/1.1 engine is left out. */
#ifndef HYPER_CONFIG_NO_H1

/* The value of a hex digit, or 16 and above for any other octet. */
static unsigned hexval(uint8_t ch)
{
    unsigned d = (unsigned)ch - '0';
    if (d > 9) {
        d = (unsigned)(ch | 0x20) - 'a'; /* ASCII lower case */
        d = d < 6 ? d + 10 : 16;
    }
    return d;
}

/* A line ended: the size line (data follows, or the last chunk was seen)
 * or the CRLF after chunk-data (the next size line follows; left is 0). */
static H1_SIZE_NOINLINE int line_end(struct h1_chunk *c)
{
    c->line_len = 0;
    c->cr = 0;
    c->state = c->state == CH_DATA_END ? CH_SIZE : c->left ? CH_DATA : CH_LAST;
    return HYPER_OK;
}

/*
 * One octet of a line: chunk-size [ chunk-ext ] CRLF, or the CRLF after
 * chunk-data. Every line is bounded by max_line (the CRLF after data never
 * comes near it: max_line >= 4), checked first. A CR is only seen in
 * CH_SIZE_WS, CH_EXT or CH_DATA_END (one in CH_SIZE ends the digits).
 */
static H1_SIZE_NOINLINE int line_octet(struct h1_chunk *c, const hyper_h1_options *o, uint8_t ch)
{
    if (++c->line_len > o->max_line)
        return HYPER_EH1_LINE_TOO_LONG;
    if (c->cr)
        return ch == '\n' ? line_end(c) : HYPER_EH1_BARE_CR;
    if (c->state == CH_SIZE) {
        unsigned d = hexval(ch);
        if (d < 16) {
            if (c->left > (UINT64_C(0x7fffffffffffffff) >> 4))
                return HYPER_EH1_CHUNK_SIZE_OVERFLOW;
            c->left = c->left << 4 | (uint64_t)d;
            return HYPER_OK;
        }
        if (c->line_len == 1)
            return HYPER_EH1_CHUNK_SIZE;    /* no digit before it */
        c->state = CH_SIZE_WS;
    }
    if (ch == '\r') {
        c->cr = 1;
        return HYPER_OK;
    }
    if (ch == '\n')
        return o->strict_crlf ? HYPER_EH1_BARE_LF : line_end(c);
    if (c->state == CH_EXT)                 /* skipped, but clean */
        return ch == 0 ? HYPER_EH1_NUL : h1_is_ctl(ch) ? HYPER_EH1_CHUNK_SIZE : HYPER_OK;
    if (c->state == CH_SIZE_WS) {
        if (ch == ';')
            c->state = CH_EXT;
        if (ch == ';' || ch == ' ' || ch == '\t')
            return HYPER_OK;                /* BWS before ';' (§7.1.1) */
    }
    return c->state == CH_DATA_END ? HYPER_EH1_CHUNK_SYNTAX : HYPER_EH1_CHUNK_SIZE;
}

long h1_chunk_feed(struct h1_chunk *c, const hyper_h1_options *o,
                   const uint8_t *in, size_t len, size_t *dlen)
{
    *dlen = 0;
    size_t i = 0;
    while (i < len && c->state != CH_LAST) {
        if (c->state == CH_DATA) {
            size_t take = len - i;
            if ((uint64_t)take > c->left)
                take = (size_t)c->left;
            c->left -= take;
            if (!c->left)
                c->state = CH_DATA_END; /* chunk = ... chunk-data CRLF */
            *dlen = take;
            return (long)(i + take);
        }
        int rc = line_octet(c, o, in[i++]);
        if (rc != HYPER_OK)
            return rc;
    }
    return (long)i;
}
#else
typedef int hyper_h1_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_H1 */
