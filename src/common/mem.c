/*
 * mem.c — the default allocator. Everything else in hyper allocates through
 * a hyper_mem, so a device can swap this for an arena (or nothing at all).
 * With HYPER_CONFIG_NO_DEFAULT_ALLOCATOR (hyper_config.h) this file is
 * empty: the library then references no malloc/realloc/free at all, and
 * the application defines hyper_mem_default() itself (the allocator a NULL
 * mem argument means), e.g. one that refuses everything or an arena.
 */
#include "common.h"

#ifdef __OPTIMIZE_SIZE__ /* the one copies common.h declares for -Os */
void *hyper_mem_alloc(const hyper_mem *m, size_t size)
{
    return size ? m->alloc(m->ctx, size) : NULL;
}

void hyper_mem_free(const hyper_mem *m, void *p, size_t size)
{
    if (p)
        m->free(m->ctx, p, size);
}
#endif

#ifndef HYPER_CONFIG_NO_DEFAULT_ALLOCATOR
#include <stdlib.h>

static void *default_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *default_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    return realloc(p, new_size);
}

static void default_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

static const hyper_mem default_mem = {default_alloc, default_realloc, default_free, NULL};

const hyper_mem *hyper_mem_default(void)
{
    return &default_mem;
}
#elif !defined(__OPTIMIZE_SIZE__)
typedef int hyper_mem_default_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_DEFAULT_ALLOCATOR */
