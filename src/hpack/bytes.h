/*
 * bytes.h — short-string equality for the HPACK lookups (internal).
 *
 * Header names and values are mostly shorter than 17 octets; comparing
 * them with two overlapping word loads costs a few instructions where a
 * call to memcmp costs a call and its length dispatch.
 */
#ifndef HYPER_HPACK_BYTES_H
#define HYPER_HPACK_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t hyper_hpack_load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t hyper_hpack_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

#ifdef __OPTIMIZE_SIZE__
/* A build for size (-Os) calls memcmp: the word compares below are speed
 * only, and take ~150 octets of code wherever they are used. */
static inline int hyper_hpack_bytes_eq(const char *a, const char *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}
#define hyper_hpack_bytes_eq32 hyper_hpack_bytes_eq
#else
/* a[0..n) == b[0..n) for n <= 32, without a call. */
static inline int hyper_hpack_bytes_eq32(const char *a, const char *b, size_t n)
{
    if (n > 16)
        return hyper_hpack_load64(a) == hyper_hpack_load64(b) &&
               hyper_hpack_load64(a + 8) == hyper_hpack_load64(b + 8) &&
               hyper_hpack_load64(a + n - 16) == hyper_hpack_load64(b + n - 16) &&
               hyper_hpack_load64(a + n - 8) == hyper_hpack_load64(b + n - 8);
    if (n >= 8)
        return hyper_hpack_load64(a) == hyper_hpack_load64(b) &&
               hyper_hpack_load64(a + n - 8) == hyper_hpack_load64(b + n - 8);
    if (n >= 4)
        return hyper_hpack_load32(a) == hyper_hpack_load32(b) &&
               hyper_hpack_load32(a + n - 4) == hyper_hpack_load32(b + n - 4);
    if (n == 0)
        return 1;
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1];
}

/* a[0..n) == b[0..n); either may be NULL when n is 0. */
static inline int hyper_hpack_bytes_eq(const char *a, const char *b, size_t n)
{
    if (n > 32)
        return memcmp(a, b, n) == 0;
    return hyper_hpack_bytes_eq32(a, b, n);
}
#endif

#endif
