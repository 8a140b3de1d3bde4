#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

/* Each block carries its size in a header so we can check the sizes hyper
 * passes back on realloc and free. */
#define HDR 16

static void *tm_alloc(void *ctx, size_t size)
{
    test_mem *tm = ctx;
    tm->calls++;
    if (tm->fail_at && tm->calls == tm->fail_at)
        return NULL;
    unsigned char *p = malloc(size + HDR);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    tm->in_use += size;
    tm->blocks++;
    if (tm->in_use > tm->peak)
        tm->peak = tm->in_use;
    return p + HDR;
}

static void *tm_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    test_mem *tm = ctx;
    if (!ptr)
        return tm_alloc(ctx, new_size);
    tm->calls++;
    if (tm->fail_at && tm->calls == tm->fail_at)
        return NULL;
    unsigned char *b = (unsigned char *)ptr - HDR;
    size_t real;
    memcpy(&real, b, sizeof real);
    if (real != old_size)
        tm->size_mismatch = 1;
    unsigned char *n = realloc(b, new_size + HDR);
    if (!n)
        return NULL;
    memcpy(n, &new_size, sizeof new_size);
    tm->in_use = tm->in_use - real + new_size;
    if (tm->in_use > tm->peak)
        tm->peak = tm->in_use;
    return n + HDR;
}

static void tm_free(void *ctx, void *ptr, size_t size)
{
    test_mem *tm = ctx;
    if (!ptr)
        return;
    unsigned char *b = (unsigned char *)ptr - HDR;
    size_t real;
    memcpy(&real, b, sizeof real);
    if (real != size)
        tm->size_mismatch = 1;
    tm->in_use -= real;
    tm->blocks--;
    free(b);
}

void test_mem_init(test_mem *tm)
{
    memset(tm, 0, sizeof *tm);
    tm->mem.alloc = tm_alloc;
    tm->mem.realloc = tm_realloc;
    tm->mem.free = tm_free;
    tm->mem.ctx = tm;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long test_hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        if (*hex == ' ' || *hex == '\n' || *hex == '\t' || *hex == '\r')
            continue;
        int v = hexval((unsigned char)*hex);
        if (v < 0)
            return -1;
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= cap)
                return -1;
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return hi < 0 ? (long)n : -1;
}

void test_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * len] = 0;
}

const char *test_shared_dir(void)
{
    const char *s = getenv("HYPER_SHARED");
    return s && *s ? s : "../shared";
}
