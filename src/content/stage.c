/*
 * stage.c — one content coding undone by zlib's inflate.
 *
 * Implementation notes
 *  - gzip (RFC 1952): inflate with windowBits 15+16 (gzip wrapper only).
 *    When a member ends, the next two octets decide: 1f 8b starts another
 *    member (inflateReset, same stream to the caller, as RFC 1952 §2.2
 *    allows and `gzip -d` does); anything else is trailing data.
 *  - deflate: RFC 9110 §8.4.1.2 says zlib-wrapped (RFC 1950), but some
 *    servers send raw RFC 1951. The first two octets decide, as browsers do:
 *    a zlib header has CM = 8, CINFO <= 7 and (CMF*256 + FLG) % 31 == 0.
 *    A raw stream could only look like that with a non-final stored block
 *    whose padding bits are not zero, which no encoder writes.
 *  - The octets looked at for a decision are kept in pre[] and fed to
 *    inflate before the caller's input, so detection works on any split.
 *  - zlib's allocations go through the hyper_mem; zfree gets no size, so
 *    each block carries it in a 16-octet header (keeps zlib's alignment).
 *  - inflate never writes more than avail_out, and is called with whatever
 *    room the caller has: a small body inflating to gigabytes is produced
 *    one buffer at a time.
 */
#include <string.h>
#include "stage.h"

#define ZHDR 16

static voidpf zalloc_cb(voidpf opaque, uInt items, uInt size)
{
    hyper_content_zmem *zm = opaque;
    if (size && items > (SIZE_MAX - ZHDR) / size)
        return Z_NULL;
    size_t n = (size_t)items * size + ZHDR;
    unsigned char *p = hyper_mem_alloc(zm->mem, n);
    if (!p)
        return Z_NULL;
    memcpy(p, &n, sizeof n);
    zm->in_use += n;
    return p + ZHDR;
}

static void zfree_cb(voidpf opaque, voidpf address)
{
    hyper_content_zmem *zm = opaque;
    if (!address)
        return;
    unsigned char *p = (unsigned char *)address - ZHDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    zm->in_use -= n;
    hyper_mem_free(zm->mem, p, n);
}

int hyper_content_stage_init(hyper_content_stage *s, int coding, hyper_content_zmem *zm)
{
    memset(s, 0, sizeof *s);
    s->coding = coding;
    s->state = coding == HYPER_CODING_DEFLATE ? STAGE_DETECT : STAGE_BODY;
    s->z.zalloc = zalloc_cb;
    s->z.zfree = zfree_cb;
    s->z.opaque = zm;
    int bits = coding == HYPER_CODING_GZIP ? 15 + 16 : 15;
    int rc = inflateInit2(&s->z, bits);
    if (rc != Z_OK) {
        s->z.zalloc = Z_NULL;   /* marks "nothing to end" for stage_free */
        return rc == Z_MEM_ERROR ? HYPER_ENOMEM : HYPER_EINVAL;
    }
    return HYPER_OK;
}

void hyper_content_stage_free(hyper_content_stage *s)
{
    if (s->z.zalloc)
        inflateEnd(&s->z);
    s->z.zalloc = Z_NULL;
}

static int looks_zlib(const uint8_t *p)
{
    return (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((p[0] << 8) | p[1]) % 31 == 0;
}

/* DETECT and BETWEEN: moves octets from the input into pre[] until the
 * decision can be made, then makes it. */
static int look_ahead(hyper_content_stage *s, const uint8_t *in, size_t len, size_t *used)
{
    while (s->pre_len < 2 && *used < len) {
        if (s->state == STAGE_BETWEEN && s->pre_len == 0 && in[*used] != 0x1f) {
            s->state = STAGE_DONE;          /* not a gzip member: trailing data */
            return HYPER_OK;
        }
        s->pre[s->pre_len++] = in[(*used)++];
    }
    if (s->pre_len < 2)
        return HYPER_OK;                    /* need more input */
    s->pre_off = 0;
    if (s->state == STAGE_DETECT) {
        if (!looks_zlib(s->pre) && inflateReset2(&s->z, -15) != Z_OK)
            return HYPER_ECONTENT_CORRUPT;
    } else if (s->pre[1] == 0x8b) {
        if (inflateReset(&s->z) != Z_OK)    /* next gzip member */
            return HYPER_ECONTENT_CORRUPT;
    } else {
        s->discarded += s->pre_len;
        s->pre_len = 0;
        s->state = STAGE_DONE;
        return HYPER_OK;
    }
    s->state = STAGE_BODY;
    return HYPER_OK;
}

/* One inflate call from pre[] or the input. *progress: octets moved. */
static int inflate_once(hyper_content_stage *s, const uint8_t *in, size_t len,
                        size_t *used, uint8_t *out, size_t cap, size_t *made,
                        int *progress)
{
    static uint8_t no_room;  /* zlib wants a non-NULL next_out */
    int from_pre = s->pre_off < s->pre_len;
    size_t avail = from_pre ? (size_t)(s->pre_len - s->pre_off) : len - *used;
    /* (never form in + 0 from a NULL `in`: that is undefined in C) */
    const uint8_t *src = from_pre ? s->pre + s->pre_off : avail ? in + *used : s->pre;
    uInt ain = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
    size_t room = cap - *made;
    uInt aout = room > UINT_MAX ? UINT_MAX : (uInt)room;
    s->z.next_in = src;
    s->z.avail_in = ain;
    s->z.next_out = room ? out + *made : &no_room;
    s->z.avail_out = aout;
    int rc = inflate(&s->z, Z_NO_FLUSH);
    size_t took = ain - s->z.avail_in, gave = aout - s->z.avail_out;
    if (from_pre)
        s->pre_off = (uint8_t)(s->pre_off + took);
    else
        *used += took;
    *made += gave;
    *progress = took || gave;
    switch (rc) {
    case Z_OK:
        return HYPER_OK;
    case Z_BUF_ERROR:             /* no progress possible: not an error */
        *progress = 0;
        return HYPER_OK;
    case Z_STREAM_END:
        /* Octets of pre[] inflate did not want are trailing data. */
        s->discarded += (size_t)(s->pre_len - s->pre_off);
        s->pre_len = s->pre_off = 0;
        s->state = s->coding == HYPER_CODING_GZIP ? STAGE_BETWEEN : STAGE_DONE;
        *progress = 1;
        return HYPER_OK;
    case Z_MEM_ERROR:
        return HYPER_ENOMEM;
    default:                      /* Z_DATA_ERROR, Z_NEED_DICT (preset dictionary) */
        return HYPER_ECONTENT_CORRUPT;
    }
}

int hyper_content_stage_run(hyper_content_stage *s, const uint8_t *in, size_t len,
                            size_t *used, uint8_t *out, size_t cap, size_t *made)
{
    *used = *made = 0;
    for (;;) {
        int rc = HYPER_OK, progress = 0;
        switch (s->state) {
        case STAGE_DONE:
            s->discarded += len - *used;
            *used = len;
            return HYPER_OK;
        case STAGE_DETECT:
        case STAGE_BETWEEN: {
            int before = s->state;
            size_t u0 = *used;
            rc = look_ahead(s, in, len, used);
            progress = s->state != before || *used != u0;
            break;
        }
        default:
            rc = inflate_once(s, in, len, used, out, cap, made, &progress);
            break;
        }
        if (rc != HYPER_OK)
            return rc;
        if (!progress)
            return HYPER_OK;
    }
}
