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
#include "h1/h1.h"
/* HYPER_CONFIG_NO_H1 (hyper_config.h): the HTTP/1.1 engine is left out. */
#ifndef HYPER_CONFIG_NO_H1

void h1_chunk_reset(struct h1_chunk *c)
{
    c->state = CH_SIZE;
    c->left = 0;
    c->line_len = 0;
    c->digits = 0;
}

static int hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* The size line ended: data follows, or the last chunk was seen. */
static int size_line_end(struct h1_chunk *c)
{
    c->line_len = 0;
    c->state = c->left ? CH_DATA : CH_LAST;
    return HYPER_OK;
}

static int lf_end(struct h1_chunk *c, const hyper_h1_options *o, int after_cr)
{
    if (!after_cr && o->strict_crlf)
        return HYPER_EH1_BARE_LF;
    return size_line_end(c);
}

/* One octet of the size line: chunk-size [ chunk-ext ] CRLF. */
static int size_octet(struct h1_chunk *c, const hyper_h1_options *o, uint8_t ch)
{
    if (++c->line_len > o->max_line)
        return HYPER_EH1_LINE_TOO_LONG;
    switch (c->state) {
    case CH_SIZE: {
        int d = hexval(ch);
        if (d >= 0) {
            if (c->left > (UINT64_C(0x7fffffffffffffff) >> 4))
                return HYPER_EH1_CHUNK_SIZE_OVERFLOW;
            c->left = c->left << 4 | (uint64_t)d;
            c->digits = 1;
            return HYPER_OK;
        }
        if (!c->digits)
            return HYPER_EH1_CHUNK_SIZE;
        c->state = CH_SIZE_WS;
    }
        /* fall through */
    case CH_SIZE_WS:
        if (ch == ' ' || ch == '\t')
            return HYPER_OK;           /* BWS before ';' (§7.1.1) */
        if (ch == ';')
            c->state = CH_EXT;
        else if (ch == '\r')
            c->state = CH_SIZE_LF;
        else if (ch == '\n')
            return lf_end(c, o, 0);
        else
            return HYPER_EH1_CHUNK_SIZE;
        return HYPER_OK;
    case CH_EXT:
        if (ch == '\r')
            c->state = CH_SIZE_LF;
        else if (ch == '\n')
            return lf_end(c, o, 0);
        else if (ch == 0)
            return HYPER_EH1_NUL;
        else if (h1_is_ctl(ch))
            return HYPER_EH1_CHUNK_SIZE;
        return HYPER_OK;
    case CH_SIZE_LF:
        return ch == '\n' ? lf_end(c, o, 1) : HYPER_EH1_BARE_CR;
    default:
        return HYPER_ESTATE;
    }
}

long h1_chunk_feed(struct h1_chunk *c, const hyper_h1_options *o,
                   const uint8_t *in, size_t len, const uint8_t **data, size_t *dlen)
{
    *data = NULL;
    *dlen = 0;
    size_t i = 0;
    while (i < len) {
        uint8_t ch = in[i];
        int rc = HYPER_OK;
        switch (c->state) {
        case CH_DATA: {
            size_t take = len - i;
            if ((uint64_t)take > c->left)
                take = (size_t)c->left;
            c->left -= take;
            if (!c->left)
                c->state = CH_DATA_CR;
            *data = in + i;
            *dlen = take;
            return (long)(i + take);
        }
        case CH_DATA_CR:               /* chunk = chunk-size ... chunk-data CRLF */
            if (ch == '\r')
                c->state = CH_DATA_LF;
            else if (ch == '\n' && !o->strict_crlf)
                h1_chunk_reset(c);
            else
                rc = ch == '\n' ? HYPER_EH1_BARE_LF : HYPER_EH1_CHUNK_SYNTAX;
            break;
        case CH_DATA_LF:
            if (ch == '\n')
                h1_chunk_reset(c);
            else
                rc = HYPER_EH1_BARE_CR;
            break;
        case CH_LAST:
            return (long)i;
        default:
            rc = size_octet(c, o, ch);
            break;
        }
        if (rc != HYPER_OK)
            return rc;
        i++;
        if (c->state == CH_LAST)
            return (long)i;
    }
    return (long)i;
}
#else
typedef int hyper_h1_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_H1 */
