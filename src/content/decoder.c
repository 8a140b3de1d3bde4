/*
 * decoder.c — the Content-Encoding decoder (hyper.h section 8): parses the
 * coding list, chains one inflate stage per coding, pumps octets through.
 *
 * Implementation notes
 *  - Content-Encoding lists codings in the order they were applied
 *    (RFC 9110 §8.4), so stage 0 undoes the last one listed and reads the
 *    caller's input; stage k feeds stage k+1 through mid[k], a bounded
 *    buffer of HYPER_CONTENT_STAGE_BUFFER octets; the last stage writes to
 *    the caller's buffer. Memory is thus fixed: stages + buffers.
 *  - decode() loops over the stages until the caller's buffer is full, the
 *    work bound is reached (then it returns 1: call again), or a whole pass
 *    moved nothing: then every input octet was taken and nothing is left
 *    that could be decoded without more input (what finish() relies on).
 *  - Once a stacked (inner) stage has ended and starts discarding trailing
 *    octets, the stages before it are marked done as well: their further
 *    output could only be discarded, and decoding it could cost work
 *    without bound (a bomb after the end).
 *  - The first error sticks.
 */
#include <string.h>
#include "stage.h"

struct mid {
    uint8_t *buf;        /* HYPER_CONTENT_STAGE_BUFFER octets */
    size_t start, end;   /* unread octets: buf[start..end) */
};

struct hyper_content_decoder {
    const hyper_mem *mem;
    hyper_content_zmem zm;            /* zlib's allocations, counted */
    int err;                          /* sticky error, 0 if none */
    int pending;                      /* the last decode returned 1 */
    uint64_t in_total;                /* coded octets consumed */
    size_t n;                         /* stages in use */
    hyper_content_stage st[HYPER_CONTENT_MAX_CODINGS];
    struct mid mid[HYPER_CONTENT_MAX_CODINGS - 1];
    uint8_t *mid_block;               /* one allocation for every mid[] */
    size_t mid_size;
};

const char *hyper_content_accept_encoding(void)
{
    return "gzip, deflate";
}

/* Codings as listed, collected over one or several field values. */
struct coding_list {
    int kind[HYPER_CONTENT_MAX_CODINGS];
    size_t n;
};

static int parse_list(struct coding_list *cl, const char *v, size_t len)
{
    size_t pos = 0, il;
    const char *it;
    while (hyper_headers_split_next(v, len, &pos, &it, &il)) {
        int kind;
        if ((il == 4 && hyper_ascii_eq_nocase(it, "gzip", 4)) ||
            (il == 6 && hyper_ascii_eq_nocase(it, "x-gzip", 6)))
            kind = HYPER_CODING_GZIP;
        else if (il == 7 && hyper_ascii_eq_nocase(it, "deflate", 7))
            kind = HYPER_CODING_DEFLATE;
        else if (il == 8 && hyper_ascii_eq_nocase(it, "identity", 8))
            continue;
        else
            return HYPER_ECONTENT_UNSUPPORTED;
        if (cl->n == HYPER_CONTENT_MAX_CODINGS)
            return HYPER_ECONTENT_TOO_MANY;
        cl->kind[cl->n++] = kind;
    }
    return HYPER_OK;
}

void hyper_content_decoder_free(hyper_content_decoder *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->n; k++)
        hyper_content_stage_free(&d->st[k]);
    hyper_mem_free(d->mem, d->mid_block, d->mid_size);
    hyper_mem_free(d->mem, d, sizeof *d);
}

static int create(hyper_content_decoder **dec, const hyper_mem *mem,
                  const struct coding_list *cl)
{
    const hyper_mem *m = hyper_mem_pick(mem);
    hyper_content_decoder *d = hyper_mem_zalloc(m, sizeof *d);
    if (!d)
        return HYPER_ENOMEM;
    d->mem = m;
    d->zm.mem = m;
    if (cl->n > 1) {
        d->mid_size = (cl->n - 1) * (size_t)HYPER_CONTENT_STAGE_BUFFER;
        d->mid_block = hyper_mem_alloc(m, d->mid_size);
        if (!d->mid_block) {
            hyper_content_decoder_free(d);
            return HYPER_ENOMEM;
        }
        for (size_t k = 0; k + 1 < cl->n; k++)
            d->mid[k].buf = d->mid_block + k * HYPER_CONTENT_STAGE_BUFFER;
    }
    /* Stage 0 undoes the coding applied last. */
    for (size_t k = 0; k < cl->n; k++) {
        int rc = hyper_content_stage_init(&d->st[k], cl->kind[cl->n - 1 - k], &d->zm);
        if (rc != HYPER_OK) {
            hyper_content_decoder_free(d);
            return rc;
        }
        d->n = k + 1;
    }
    *dec = d;
    return HYPER_OK;
}

int hyper_content_decoder_init(hyper_content_decoder **dec, const hyper_mem *mem,
                               const char *encoding, size_t len)
{
    if (!dec)
        return HYPER_EINVAL;
    *dec = NULL;
    if (!encoding && len)
        return HYPER_EINVAL;
    struct coding_list cl = {{0}, 0};
    int rc = parse_list(&cl, encoding, len);
    return rc != HYPER_OK ? rc : create(dec, mem, &cl);
}

int hyper_content_decoder_init_headers(hyper_content_decoder **dec,
                                       const hyper_mem *mem, const hyper_headers *h)
{
    if (!dec)
        return HYPER_EINVAL;
    *dec = NULL;
    struct coding_list cl = {{0}, 0};
    const char *v;
    size_t vlen;
    for (size_t i = 0; hyper_headers_get(h, "content-encoding", i, &v, &vlen) == HYPER_OK; i++) {
        int rc = parse_list(&cl, v, vlen);
        if (rc != HYPER_OK)
            return rc;
    }
    return create(dec, mem, &cl);
}

/* Runs stage k once on what is waiting for it. Adds the octets it consumed
 * and produced to *work. */
static int run_stage(hyper_content_decoder *d, size_t k, const uint8_t *in,
                     size_t in_len, size_t *consumed, uint8_t *out, size_t cap,
                     size_t *produced, size_t *work)
{
    const uint8_t *src = NULL;
    size_t slen = 0, used, made;
    if (k == 0) {
        slen = in_len - *consumed;
        src = slen ? in + *consumed : NULL;
    } else {
        struct mid *b = &d->mid[k - 1];
        slen = b->end - b->start;
        src = b->buf + b->start;
    }
    uint8_t *dst = NULL;
    size_t room;
    if (k + 1 == d->n) {
        room = cap - *produced;
        dst = room ? out + *produced : NULL;
    } else {
        struct mid *b = &d->mid[k];
        if (b->start == b->end) {
            b->start = b->end = 0;
        } else if (b->end == HYPER_CONTENT_STAGE_BUFFER && b->start) {
            memmove(b->buf, b->buf + b->start, b->end - b->start);
            b->end -= b->start;
            b->start = 0;
        }
        room = HYPER_CONTENT_STAGE_BUFFER - b->end;
        dst = b->buf + b->end;
    }
    uint64_t dropped = d->st[k].discarded;
    int rc = hyper_content_stage_run(&d->st[k], src, slen, &used, dst, room, &made);
    if (k == 0)
        *consumed += used;
    else
        d->mid[k - 1].start += used;
    if (k + 1 == d->n)
        *produced += made;
    else
        d->mid[k].end += made;
    *work += used + made;
    /* An inner stage throwing away trailing octets: stop decoding outer ones. */
    if (k > 0 && d->st[k].discarded != dropped)
        for (size_t j = 0; j < k; j++)
            d->st[j].state = STAGE_DONE;
    return rc;
}

/* Octets one decode call may move through the stages beyond the caller's
 * buffer: stacked codings can expand 1032x per layer into data that yields
 * nothing (empty deflate blocks), so without this one call could spin for
 * minutes. */
#define WORK_BUDGET ((size_t)1 << 20)

static int pump(hyper_content_decoder *d, const uint8_t *in, size_t in_len,
                size_t *consumed, uint8_t *out, size_t out_cap, size_t *produced)
{
    size_t work = 0, budget = WORK_BUDGET + 2 * out_cap;
    for (;;) {
        size_t before = work;
        for (size_t k = 0; k < d->n; k++) {
            int rc = run_stage(d, k, in, in_len, consumed, out, out_cap, produced, &work);
            if (rc != HYPER_OK)
                return rc;
        }
        if (work == before)
            return *consumed < in_len;    /* (0: stage 0 takes all it is given) */
        if (*produced == out_cap || work >= budget)
            return 1;
    }
}

int hyper_content_decode(hyper_content_decoder *d, const uint8_t *in, size_t in_len,
                         size_t *consumed, uint8_t *out, size_t out_cap,
                         size_t *produced)
{
    if (consumed)
        *consumed = 0;
    if (produced)
        *produced = 0;
    if (!d || !consumed || !produced || (!in && in_len) || !out || !out_cap)
        return HYPER_EINVAL;
    if (d->err)
        return d->err;
    int rc;
    if (d->n == 0) {                      /* identity */
        size_t n = in_len < out_cap ? in_len : out_cap;
        if (n)
            memcpy(out, in, n);
        *consumed = *produced = n;
        rc = n < in_len;
    } else {
        rc = pump(d, in, in_len, consumed, out, out_cap, produced);
    }
    d->in_total += *consumed;
    if (rc < 0)
        d->err = rc;
    else
        d->pending = rc;
    return rc;
}

int hyper_content_decoder_finish(hyper_content_decoder *d)
{
    if (!d)
        return HYPER_EINVAL;
    if (d->err)
        return d->err;
    if (d->n == 0)                        /* identity: done once all is taken */
        return d->pending ? HYPER_ESTATE : HYPER_OK;
    if (d->in_total == 0)
        return HYPER_OK;                  /* an empty body decodes to nothing */
    int ended = 1;
    for (size_t k = 0; k < d->n; k++)
        ended &= hyper_content_stage_ended(&d->st[k]);
    if (ended)
        return HYPER_OK;
    return d->pending ? HYPER_ESTATE : HYPER_ECONTENT_TRUNCATED;
}

size_t hyper_content_decoder_codings(const hyper_content_decoder *d)
{
    return d ? d->n : 0;
}

uint64_t hyper_content_decoder_discarded(const hyper_content_decoder *d)
{
    uint64_t n = 0;
    for (size_t k = 0; d && k < d->n; k++) {
        const hyper_content_stage *s = &d->st[k];
        /* An octet held to see whether a gzip member follows counts too. */
        n += s->discarded + (s->state == STAGE_BETWEEN ? s->pre_len : 0);
    }
    return n;
}

size_t hyper_content_decoder_memory(const hyper_content_decoder *d)
{
    return d ? sizeof *d + d->mid_size + d->zm.in_use : 0;
}
