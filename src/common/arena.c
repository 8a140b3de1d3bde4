/*
 * arena.c — a hyper_mem over one caller-supplied buffer: every allocation of
 * a connection comes from it, so a device can run hyper with no heap.
 *
 * Implementation notes:
 *  - The control block (struct hyper_arena) sits at the start of the
 *    caller's buffer, aligned; the rest is the heap region. Nothing else is
 *    stored outside the buffer, and no block carries a header: hyper passes
 *    every block's size back on realloc and free (see hyper_mem).
 *  - Sizes are rounded up to GRAIN (two pointers: 16 octets on 64-bit
 *    targets, 8 on 32-bit ones). That is the alignment of every block, and
 *    the size of a free-list node, so any free piece can hold its own node.
 *  - Allocation bumps `top`. Freeing the block that ends at `top` (the most
 *    recent one, the common case for a session's temporary buffers) lowers
 *    `top`, and keeps lowering it while the free piece below also ends there.
 *    Any other free goes on a free list kept in address order, coalesced with
 *    its neighbours. Allocation tries the free list first (first fit,
 *    splitting the piece), then the bump region.
 *  - Realloc works in place when it can: shrinking returns the tail, growing
 *    the top block moves `top`, growing into a free neighbour takes it.
 *    Otherwise it allocates, copies and frees.
 *  - Full means NULL: the hyper call that wanted memory fails with
 *    HYPER_ENOMEM and leaves its object usable or cleanly closable.
 *  - A free or realloc of a pointer that is not a live block of this arena
 *    (outside the used region, misaligned) is ignored and counted in
 *    `misuse`; it cannot corrupt the arena's bookkeeping. Double frees
 *    inside the region are not detected.
 */
#include <string.h>
#include "common.h"

struct free_node {
    struct free_node *next;
    size_t size;
};

#define GRAIN sizeof(struct free_node)

struct hyper_arena {
    /* First: offset 0 gives the shortest x86-64 encodings, and the free
     * list is the field most code touches. */
    struct free_node *free;    /* free pieces below top, ascending addresses */
    hyper_mem mem;             /* what hyper_arena_mem hands out; ctx = this */
    unsigned char *base;       /* heap region start, GRAIN-aligned */
    size_t cap;                /* octets in the heap region */
    size_t top;                /* [0, top) has been handed out or freed */
    size_t in_use;             /* octets in live blocks (rounded) */
    size_t peak_top;           /* highest top since init */
    size_t failures;           /* requests refused */
    size_t misuse;             /* frees/reallocs of foreign pointers, ignored */
    size_t overhead;           /* octets of the caller's buffer before base */
};

/* Round n up to GRAIN; 0 if that overflows. */
static size_t round_up(size_t n)
{
    size_t r = (n + GRAIN - 1) & ~(GRAIN - 1);
    return r < n ? 0 : r;
}

/* The rounded size of a block the caller frees or reallocs, after checking
 * that it is a live block of this arena: 0 (and counted as misuse) for a
 * pointer outside the used region or misaligned, or a size of 0. */
static size_t live_size(hyper_arena *a, const void *p, size_t size)
{
    const unsigned char *q = p;
    size_t r = round_up(size);
    if (r && q >= a->base && q < a->base + a->top) {
        size_t off = (size_t)(q - a->base);
        if (off % GRAIN == 0 && r <= a->top - off)
            return r;
    }
    a->misuse++;
    return 0;
}

static void bump_peak(hyper_arena *a)
{
    if (a->top > a->peak_top)
        a->peak_top = a->top;
}

/* Returns [off, off+size) to the arena (size already rounded): the piece
 * goes into the address-ordered free list, merged with the pieces it
 * touches; if the merged piece ends at `top` (it is then the last one) it
 * joins the bump region instead, so no free piece ever ends at top. */
static void give_back(hyper_arena *a, size_t off, size_t size)
{
    unsigned char *p = a->base + off;
    struct free_node **link = &a->free, **prev_link = NULL;
    while (*link && (unsigned char *)*link < p) {
        prev_link = link;
        link = &(*link)->next;
    }
    struct free_node *n = (struct free_node *)(void *)p, *next = *link;
    n->size = size;
    n->next = next;
    if (next && p + size == (unsigned char *)next) {
        n->size += next->size;
        n->next = next->next;
    }
    struct free_node *prev = prev_link ? *prev_link : NULL;
    if (prev && (unsigned char *)prev + prev->size == p) {
        prev->size += n->size;
        prev->next = n->next;
        n = prev;
        link = prev_link;
    } else {
        *link = n;
    }
    if ((unsigned char *)n + n->size == a->base + a->top) {
        a->top -= n->size;
        *link = NULL;
    }
}

/* Takes `size` octets (at most n->size) from the front of the free piece
 * *pp points to; what is left of it stays on the list in its place. */
static void split_front(struct free_node **pp, size_t size)
{
    struct free_node *n = *pp;
    if (n->size == size) {
        *pp = n->next;
    } else {
        struct free_node *rest = (struct free_node *)(void *)((unsigned char *)n + size);
        rest->size = n->size - size;
        rest->next = n->next;
        *pp = rest;
    }
}

/* First fit from the free list; pieces are split from their front. */
static void *take_free(hyper_arena *a, size_t size)
{
    for (struct free_node **pp = &a->free; *pp; pp = &(*pp)->next) {
        struct free_node *n = *pp;
        if (n->size >= size) {
            split_front(pp, size);
            return n;
        }
    }
    return NULL;
}

static void *arena_alloc(void *ctx, size_t size)
{
    hyper_arena *a = ctx;
    size_t r = round_up(size);
    void *p = r ? take_free(a, r) : NULL;
    if (!p && r && r <= a->cap - a->top) {
        p = a->base + a->top;
        a->top += r;
        bump_peak(a);
    }
    if (!p) {
        a->failures++;
        return NULL;
    }
    a->in_use += r;
    return p;
}

static void arena_free(void *ctx, void *ptr, size_t size)
{
    hyper_arena *a = ctx;
    size_t r = ptr ? live_size(a, ptr, size) : 0;
    if (!r)
        return;
    a->in_use -= r;
    give_back(a, (size_t)((unsigned char *)ptr - a->base), r);
}

/* Grows the block at off from r_old to r_new in place if the octets after it
 * are the bump region or a free piece large enough. */
static int grow_in_place(hyper_arena *a, size_t off, size_t r_old, size_t r_new)
{
    size_t need = r_new - r_old;
    if (off + r_old == a->top) {
        if (need > a->cap - a->top)
            return 0;
        a->top += need;
        bump_peak(a);
        return 1;
    }
    unsigned char *end = a->base + off + r_old;
    for (struct free_node **pp = &a->free; *pp; pp = &(*pp)->next) {
        struct free_node *n = *pp;
        if ((unsigned char *)n != end)
            continue;
        if (n->size < need)
            return 0;
        split_front(pp, need);
        return 1;
    }
    return 0;
}

static void *arena_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    hyper_arena *a = ctx;
    if (!ptr)
        return arena_alloc(ctx, new_size);
    size_t r_old = live_size(a, ptr, old_size), r_new = round_up(new_size);
    if (!r_old)
        return NULL;
    if (!r_new) {
        /* Size 0 (or overflow) is refused; the block stays as it was. */
        a->failures++;
        return NULL;
    }
    size_t off = (size_t)((unsigned char *)ptr - a->base);
    if (r_new < r_old) {
        give_back(a, off + r_new, r_old - r_new);
    } else if (r_new > r_old && !grow_in_place(a, off, r_old, r_new)) {
        /* Moving: r_new > r_old, so new_size > old_size. */
        void *n = arena_alloc(ctx, new_size);
        if (n) {
            memcpy(n, ptr, old_size);
            a->in_use -= r_old;
            give_back(a, off, r_old);
        }
        return n;
    }
    a->in_use += r_new - r_old; /* modulo 2^N: also right when shrinking */
    return ptr;
}

hyper_arena *hyper_arena_init(void *buf, size_t size)
{
    if (!buf)
        return NULL;
    uintptr_t start = (uintptr_t)buf;
    uintptr_t ctl = (start + GRAIN - 1) & ~(uintptr_t)(GRAIN - 1);
    size_t head = (size_t)(ctl - start) + round_up(sizeof(hyper_arena));
    if (size < head + GRAIN)
        return NULL;
    hyper_arena *a = (hyper_arena *)(void *)((unsigned char *)buf + (ctl - start));
    memset(a, 0, sizeof *a);
    a->mem.alloc = arena_alloc;
    a->mem.realloc = arena_realloc;
    a->mem.free = arena_free;
    a->mem.ctx = a;
    a->base = (unsigned char *)buf + head;
    a->cap = (size - head) & ~(GRAIN - 1);
    a->overhead = head;
    return a;
}

const hyper_mem *hyper_arena_mem(hyper_arena *a)
{
    return &a->mem;
}

void hyper_arena_reset(hyper_arena *a)
{
    a->top = 0;
    a->in_use = 0;
    a->free = NULL;
}

void hyper_arena_stats_get(const hyper_arena *a, hyper_arena_stats *out)
{
    size_t free_bytes = 0;
    for (const struct free_node *n = a->free; n; n = n->next)
        free_bytes += n->size;
    out->capacity = a->cap;
    out->in_use = a->in_use;
    out->top = a->top;
    out->free_list = free_bytes;
    out->peak = a->overhead + a->peak_top;
    out->failures = a->failures;
    out->misuse = a->misuse;
}
