/*
 * dyntable.c — the HPACK dynamic table (RFC 7541 §2.3.2, §4).
 *
 * Implementation notes:
 *  - Two rings. `ring` holds one descriptor per entry (offset and lengths),
 *    a power of two in size so index -> slot is a mask. `bytes` holds the
 *    entries' names and values, each entry's name and value back to back
 *    and never split across the end, so get() hands out contiguous strings
 *    with no copy.
 *  - Byte placement: entries go at bytes_head; when the room left before
 *    the end of the buffer is too short, the entry goes at offset 0 and the
 *    tail of the buffer is skipped (wrap_end records where the live bytes
 *    stop). With bytes_cap >= 2 * max_size this always fits: the live bytes
 *    plus the new entry are at most max_size (each entry also counts 32
 *    octets it does not store), and the skipped tail is shorter than the
 *    entry that caused the wrap. Storage is allocated lazily and grows by
 *    doubling up to 2 * max(limit, max_size); when an entry does not fit
 *    the current buffer, a new one is allocated and the live entries are
 *    compacted into it.
 *  - An add evicts, then allocates any new storage before it moves or
 *    writes anything: eviction only changes the count, the size and the
 *    byte state, which HYPER_ENOMEM puts back, so the table is exactly as
 *    it was.
 *  - An indexed name may refer to an entry the add evicts (§4.4): the
 *    evicted bytes stay in place until the new entry is written, the name
 *    is copied first with memmove, and a replaced buffer is freed last.
 *  - Sequence numbers (see dyntable.h) are not stored: dynamic index i has
 *    sequence inserted - i.
 */
#include <string.h>
#include "common/common.h"
#include "hpack/bytes.h"
#include "hpack/dyntable.h"

#define ENTRY_OVERHEAD 32 /* RFC 7541 §4.1 */
#define RING_MIN 16
#define BYTES_MIN 256

typedef struct hyper_hpack_table_entry entry;
typedef struct hyper_hpack_bstate bstate;

/* memmove for the short strings of header fields without a call: for
 * n <= 16 every load comes before the first store, so overlapping src and
 * dst (an indexed name in an evicted entry, §4.4) is fine. */
static inline void move_bytes(uint8_t *dst, const void *src, size_t n)
{
#ifdef __OPTIMIZE_SIZE__
    if (n) /* a build for size: the call is shorter */
        memmove(dst, src, n);
#else
    const uint8_t *p = src;
    if (n > 16) {
        memmove(dst, src, n);
    } else if (n >= 8) {
        uint64_t a = hyper_hpack_load64(p), b = hyper_hpack_load64(p + n - 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a = hyper_hpack_load32(p), b = hyper_hpack_load32(p + n - 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n > 0) {
        uint8_t a = p[0], b = p[n >> 1], c = p[n - 1];
        dst[0] = a;
        dst[n >> 1] = b;
        dst[n - 1] = c;
    }
#endif
}

static size_t entry_len(const entry *e)
{
    return (size_t)e->name_len + e->value_len;
}

/* The entry k places after the oldest (k = 0 is the oldest). */
static entry *oldest_plus(const hyper_hpack_table *t, size_t k)
{
    size_t slot = (t->head - (t->count - 1) + k) & (t->ring_cap - 1);
    return &t->ring[slot];
}

/* Frees the bytes of the oldest entry `e` in the byte state `s`. */
static void release(bstate *s, const entry *e)
{
    size_t len = entry_len(e);
    if (len == 0)
        return; /* zero-length entries occupy no bytes */
    s->tail = e->off + len;
    if (s->wrap_end && s->tail == s->wrap_end) {
        s->tail = 0;
        s->wrap_end = 0;
    }
}

/* Inline in the add: it runs for every insertion. A build for size keeps
 * one copy for the add and set_max. */
#ifdef __OPTIMIZE_SIZE__
#define ADD_STEP static HYPER_ATTR_NOINLINE
#else
#define ADD_STEP static inline
#endif

/* Evicts the oldest entries until `room` more octets fit under `max`.
 * Their descriptors and bytes stay where they are. */
ADD_STEP void evict(hyper_hpack_table *t, size_t room, size_t max)
{
    while (t->size + room > max) {
        const entry *e = oldest_plus(t, 0);
        t->size -= entry_len(e) + ENTRY_OVERHEAD;
        release(&t->b, e);
        t->count--;
    }
}

/* Finds room for `len` bytes in a buffer of `cap`, `used` of them live.
 * Returns 0 and the offset (updating s), or -1 when the entry does not fit
 * contiguously. */
static int place(bstate *s, size_t cap, size_t used, size_t len, size_t *off)
{
    if (len == 0) {
        *off = 0;
        return 0;
    }
    if (used == 0)
        *s = (bstate){0, 0, 0}; /* nothing live: start over at 0 */
    /* Free bytes run from head to the tail when wrapped, else to the end
     * (and, by wrapping, from 0 to the tail). */
    size_t end = s->wrap_end ? s->tail : cap;
    if (end - s->head >= len) {
        *off = s->head;
        s->head += len;
        return 0;
    }
    if (s->wrap_end || s->tail < len)
        return -1;
    s->wrap_end = s->head;
    *off = 0;
    s->head = len;
    return 0;
}

int hyper_hpack_table_init(hyper_hpack_table *t, const hyper_mem *mem, size_t limit)
{
    memset(t, 0, sizeof *t);
    t->mem = hyper_mem_pick(mem);
    if (limit > HYPER_HPACK_TABLE_LIMIT_MAX)
        return HYPER_EINVAL;
    t->limit = limit;
    t->max_size = limit;
    return HYPER_OK;
}

int hyper_hpack_table_new(void **obj, const hyper_mem *mem, size_t size, size_t limit)
{
    *obj = NULL;
    if (limit > HYPER_HPACK_TABLE_LIMIT_MAX)
        return HYPER_EINVAL;
    mem = hyper_mem_pick(mem);
    hyper_hpack_table *t = hyper_mem_zalloc(mem, size);
    if (!t)
        return HYPER_ENOMEM;
    *obj = t;
    return hyper_hpack_table_init(t, mem, limit);
}

/* Empties the table, keeping its storage (an indexed name being added may
 * still point into it). */
static void clear(hyper_hpack_table *t)
{
    t->count = 0;
    t->size = 0;
    t->b = (bstate){0, 0, 0};
}

static void release_storage(hyper_hpack_table *t)
{
    hyper_mem_free(t->mem, t->ring, t->ring_cap * sizeof(entry));
    hyper_mem_free(t->mem, t->bytes, t->bytes_cap);
    t->ring = NULL;
    t->bytes = NULL;
    t->ring_cap = t->bytes_cap = 0;
    t->head = 0;
    clear(t);
}

void hyper_hpack_table_free(hyper_hpack_table *t)
{
    if (t && t->mem)
        release_storage(t);
}

void hyper_hpack_table_delete(hyper_hpack_table *t, size_t size)
{
    release_storage(t);
    hyper_mem_free(t->mem, t, size);
}

/* Moves the live entries, oldest first, to the start of new storage:
 * their descriptors to nr (nr_cap slots) when nr is not NULL, their bytes
 * to nb (nb_cap octets) when nb is not NULL; the table takes the new
 * storage. The old ring is freed; the old byte buffer is returned for the
 * caller to free (*old_cap octets), after an indexed name in it was
 * copied. One loop for both: growing the ring and the bytes, compacting. */
static uint8_t *relocate(hyper_hpack_table *t, entry *nr, size_t nr_cap, uint8_t *nb,
                         size_t nb_cap, size_t *old_cap)
{
    size_t used = 0;
    for (size_t k = 0; k < t->count; k++) {
        entry *e = oldest_plus(t, k);
        if (nb) {
            size_t len = entry_len(e);
            if (len)
                memcpy(nb + used, t->bytes + e->off, len);
            e->off = (uint32_t)used;
            used += len;
        }
        if (nr)
            nr[k] = *e;
    }
    if (nr) {
        hyper_mem_free(t->mem, t->ring, t->ring_cap * sizeof(entry));
        t->ring = nr;
        t->ring_cap = nr_cap;
        t->head = (t->count + nr_cap - 1) & (nr_cap - 1);
    }
    uint8_t *old = NULL;
    *old_cap = 0;
    if (nb) {
        old = t->bytes;
        *old_cap = t->bytes_cap;
        t->bytes = nb;
        t->bytes_cap = nb_cap;
        t->b = (bstate){used, 0, 0};
    }
    return old;
}

/* Capacity of a new byte buffer for `need` live octets: doubling (or at
 * least twice the need, and BYTES_MIN), at most 2 * max(limit, max_size);
 * at that cap a new buffer just compacts the entries. */
static size_t bytes_cap_for(const hyper_hpack_table *t, size_t need)
{
    size_t max = 2 * (size_t)(t->limit > t->max_size ? t->limit : t->max_size);
    size_t cap = (size_t)t->bytes_cap * 2;
    if (cap < 2 * need)
        cap = 2 * need;
    if (cap < BYTES_MIN)
        cap = BYTES_MIN;
    return cap > max ? max : cap; /* still >= need: need <= max_size */
}

int hyper_hpack_table_add(hyper_hpack_table *t, const char *name, size_t name_len,
                          const char *value, size_t value_len)
{
    /* §4.4: an entry larger than the maximum empties the table. */
    if (name_len > t->max_size || value_len > t->max_size ||
        name_len + value_len + ENTRY_OVERHEAD > t->max_size) {
        clear(t);
        return HYPER_OK;
    }
    /* The evictions, then the entry's place in the current storage; new
     * storage only when that fails (the common case allocates nothing).
     * Until both allocations succeeded only count, size and b changed:
     * HYPER_ENOMEM puts them back, and the table is as it was. */
    size_t len = name_len + value_len, off = 0;
    hyper_hpack_tsize count0 = t->count, size0 = t->size;
    bstate b0 = t->b;
    evict(t, len + ENTRY_OVERHEAD, t->max_size);
    size_t used = t->size - t->count * ENTRY_OVERHEAD;
    entry *nr = NULL;
    uint8_t *nb = NULL, *old = NULL;
    size_t nr_cap = t->ring_cap, nb_cap = 0, old_cap = 0;
    /* A full ring holds count == ring_cap entries: doubling is enough. */
    if (t->count + 1 > nr_cap) {
        nr_cap = nr_cap ? 2 * nr_cap : RING_MIN;
        if (!(nr = hyper_mem_alloc(t->mem, nr_cap * sizeof(entry))))
            goto enomem;
    }
    if (place(&t->b, t->bytes_cap, used, len, &off) != 0) {
        nb_cap = bytes_cap_for(t, used + len);
        if (!(nb = hyper_mem_alloc(t->mem, nb_cap))) {
            hyper_mem_free(t->mem, nr, nr_cap * sizeof(entry));
            goto enomem;
        }
    }
    /* Nothing below can fail. Dropping the oldest entries was just a
     * smaller count: their bytes stay until overwritten. */
    if (nr || nb)
        old = relocate(t, nr, nr_cap, nb, nb_cap, &old_cap);
    if (nb) {
        off = used;
        t->b.head = used + len;
    }
    if (len) {
        uint8_t *dst = t->bytes + off;
        move_bytes(dst, name, name_len); /* may overlap an evicted entry (§4.4) */
        move_bytes(dst + name_len, value, value_len);
    }
    hyper_mem_free(t->mem, old, old_cap); /* after the name was copied */
    t->head = (t->head + 1) & (t->ring_cap - 1);
    t->ring[t->head] = (entry){(uint32_t)off, (uint32_t)name_len, (uint32_t)value_len};
    t->count++;
    t->size += len + ENTRY_OVERHEAD;
    t->inserted++;
    return HYPER_OK;
enomem:
    t->count = count0;
    t->size = size0;
    t->b = b0;
    return HYPER_ENOMEM;
}

int hyper_hpack_table_set_max(hyper_hpack_table *t, size_t max_size)
{
    if (max_size > t->limit)
        return HYPER_EHPACK_SIZE_UPDATE_LIMIT;
    t->max_size = max_size;
    evict(t, 0, max_size);
    if (t->size == t->count * ENTRY_OVERHEAD)
        t->b = (bstate){0, 0, 0}; /* no live bytes left */
    size_t bound = t->limit > max_size ? t->limit : max_size;
    if (max_size == 0) {
        release_storage(t); /* nothing can be stored: give memory back */
    } else if (t->bytes_cap > 2 * bound) {
        /* Best effort: move the entries into a buffer sized for the new
         * bound; failure keeps the larger one. */
        uint8_t *nb = hyper_mem_alloc(t->mem, 2 * bound);
        if (nb) {
            size_t old_cap;
            uint8_t *old = relocate(t, NULL, 0, nb, 2 * bound, &old_cap);
            hyper_mem_free(t->mem, old, old_cap);
        }
    }
    return HYPER_OK;
}

int hyper_hpack_table_get_call(const hyper_hpack_table *t, size_t i, const char **name,
                               size_t *name_len, const char **value, size_t *value_len)
{
    return hyper_hpack_table_get_inline(t, i, name, name_len, value, value_len);
}

int hyper_hpack_table_set_limit(hyper_hpack_table *t, size_t limit)
{
    if (limit > HYPER_HPACK_TABLE_LIMIT_MAX)
        return HYPER_EINVAL;
    t->limit = limit;
    return HYPER_OK;
}
