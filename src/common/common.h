/*
 * common.h — internal helpers every layer may use: allocator calls and small
 * byte utilities. Internal: not part of the public API.
 */
#ifndef HYPER_COMMON_H
#define HYPER_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "hyper.h"

/* Inlining attributes, spelled once and portable (empty where the
 * compiler has none). Each layer states its own speed/size policy with them;
 * a build for size (-Os) defines __OPTIMIZE_SIZE__. */
#if defined(__GNUC__) || defined(__clang__)
#define HYPER_ATTR_ALWAYS_INLINE __attribute__((always_inline))
#define HYPER_ATTR_NOINLINE __attribute__((noinline))
#else
#define HYPER_ATTR_ALWAYS_INLINE
#define HYPER_ATTR_NOINLINE
#endif

/* The allocator to use for a caller's `mem` argument (NULL means default). */
static inline const hyper_mem *hyper_mem_pick(const hyper_mem *mem)
{
    return mem ? mem : hyper_mem_default();
}

#ifdef __OPTIMIZE_SIZE__
/* A build for size keeps one copy (mem.c), as for hyper_mem_free below. */
void *hyper_mem_alloc(const hyper_mem *m, size_t size);
#else
static inline void *hyper_mem_alloc(const hyper_mem *m, size_t size)
{
    return size ? m->alloc(m->ctx, size) : NULL;
}
#endif

/* Allocates and zero-fills `size` bytes (NULL on failure or size 0). */
static inline void *hyper_mem_zalloc(const hyper_mem *m, size_t size)
{
    void *p = hyper_mem_alloc(m, size);
    if (p)
        memset(p, 0, size);
    return p;
}

static inline void *hyper_mem_realloc(const hyper_mem *m, void *p,
                                      size_t old_size, size_t new_size)
{
    return m->realloc(m->ctx, p, old_size, new_size);
}

#ifdef __OPTIMIZE_SIZE__
/* A build for size keeps one copy (mem.c): gcc -Os outlines the inline
 * version in every file that frees. */
void hyper_mem_free(const hyper_mem *m, void *p, size_t size);
#else
static inline void hyper_mem_free(const hyper_mem *m, void *p, size_t size)
{
    if (p)
        m->free(m->ctx, p, size);
}
#endif

/* ASCII lower-casing without locale (header names are ASCII tokens). */
static inline uint8_t hyper_ascii_lower(uint8_t c)
{
    return (uint8_t)((c >= 'A' && c <= 'Z') ? c + 32 : c);
}

/* Case-insensitive comparison of two byte strings of equal length. */
static inline int hyper_ascii_eq_nocase(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hyper_ascii_lower((uint8_t)a[i]) != hyper_ascii_lower((uint8_t)b[i]))
            return 0;
    return 1;
}

/* Big-endian loads and stores (network byte order). Always inlined: a
 * load and a bswap are shorter than a call (gcc -Os would outline it). */
static inline HYPER_ATTR_ALWAYS_INLINE uint32_t hyper_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint32_t hyper_get_u24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}
static inline uint16_t hyper_get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
static inline void hyper_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);  p[3] = (uint8_t)v;
}
static inline void hyper_put_u24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16); p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)v;
}
static inline void hyper_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

#endif /* HYPER_COMMON_H */
