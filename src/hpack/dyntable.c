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
 *  - An add is planned before anything changes: the evictions it needs are
 *    simulated, new storage is allocated, and only then is the table
 *    modified, so HYPER_ENOMEM leaves the table exactly as it was.
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

/* memmove for the short strings of header fields without a call: for
 * n <= 16 every load comes before the first store, so overlapping src and
 * dst (an indexed name in an evicted entry, §4.4) is fine. */
static inline void move_bytes(uint8_t *dst, const void *src, size_t n)
{
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
}

/* Where the live bytes are; see wrap_end in dyntable.h. */
typedef struct bstate {
    size_t head, tail, wrap_end;
} bstate;

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

/* Finds room for `len` bytes in a buffer of `cap`. Returns 0 and the offset
 * (updating s), or -1 when the entry does not fit contiguously. `used` is
 * the live byte count. */
static inline int place(bstate *s, size_t cap, size_t used, size_t len, size_t *off)
{
    if (len == 0) {
        *off = 0;
        return 0;
    }
    if (used == 0) {
        if (len > cap)
            return -1;
        *off = 0;
        s->head = len;
        s->tail = 0;
        s->wrap_end = 0;
        return 0;
    }
    if (s->wrap_end == 0) {
        if (cap - s->head >= len) {
            *off = s->head;
            s->head += len;
            return 0;
        }
        if (s->tail >= len) {
            s->wrap_end = s->head;
            *off = 0;
            s->head = len;
            return 0;
        }
        return -1;
    }
    if (s->tail - s->head >= len) {
        *off = s->head;
        s->head += len;
        return 0;
    }
    return -1;
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

static void release_storage(hyper_hpack_table *t)
{
    hyper_mem_free(t->mem, t->ring, t->ring_cap * sizeof(entry));
    hyper_mem_free(t->mem, t->bytes, t->bytes_cap);
    t->ring = NULL;
    t->bytes = NULL;
    t->ring_cap = t->bytes_cap = 0;
    t->head = t->count = t->size = 0;
    t->bytes_head = t->bytes_tail = t->wrap_end = 0;
}

void hyper_hpack_table_free(hyper_hpack_table *t)
{
    if (t && t->mem)
        release_storage(t);
}

/* Empties the table, keeping its storage (an indexed name being added may
 * still point into it). */
static void clear(hyper_hpack_table *t)
{
    t->count = 0;
    t->size = 0;
    t->bytes_head = t->bytes_tail = t->wrap_end = 0;
}

static void evict_oldest(hyper_hpack_table *t)
{
    entry *e = oldest_plus(t, 0);
    bstate s = {t->bytes_head, t->bytes_tail, t->wrap_end};
    release(&s, e);
    t->size -= entry_len(e) + ENTRY_OVERHEAD;
    t->count--;
    if (t->size == t->count * ENTRY_OVERHEAD)
        s.head = s.tail = s.wrap_end = 0; /* no live bytes left */
    t->bytes_head = s.head;
    t->bytes_tail = s.tail;
    t->wrap_end = s.wrap_end;
}

/* Copies the live entries, oldest first, to the start of nb and points the
 * descriptors there. Returns the bytes copied. */
static size_t compact_into(hyper_hpack_table *t, uint8_t *nb)
{
    size_t used = 0;
    for (size_t k = 0; k < t->count; k++) {
        entry *e = oldest_plus(t, k);
        size_t len = entry_len(e);
        if (len)
            memcpy(nb + used, t->bytes + e->off, len);
        e->off = (uint32_t)used;
        used += len;
    }
    return used;
}

/* Moves the live descriptors, oldest first, to the start of nr. */
static void ring_move(hyper_hpack_table *t, entry *nr, size_t ncap)
{
    for (size_t k = 0; k < t->count; k++)
        nr[k] = *oldest_plus(t, k);
    hyper_mem_free(t->mem, t->ring, t->ring_cap * sizeof(entry));
    t->ring = nr;
    t->ring_cap = ncap;
    t->head = (t->count + ncap - 1) & (ncap - 1);
}

/* Storage an add needs beyond what the table has; all NULL/0 if none. */
typedef struct plan {
    size_t n_evict, size_after, off;
    bstate s;
    entry *ring;
    size_t ring_cap;
    uint8_t *bytes;
    size_t bytes_cap;
} plan;

static int plan_add(hyper_hpack_table *t, size_t len, plan *p)
{
    size_t esz = len + ENTRY_OVERHEAD;
    memset(p, 0, sizeof *p);
    p->size_after = t->size;
    while (p->size_after + esz > t->max_size) {
        p->size_after -= entry_len(oldest_plus(t, p->n_evict)) + ENTRY_OVERHEAD;
        p->n_evict++;
    }
    size_t left = t->count - p->n_evict;
    size_t used = p->size_after - left * ENTRY_OVERHEAD;
    p->s = (bstate){t->bytes_head, t->bytes_tail, t->wrap_end};
    for (size_t k = 0; k < p->n_evict; k++)
        release(&p->s, oldest_plus(t, k));
    if (left + 1 > t->ring_cap) {
        size_t cap = t->ring_cap ? t->ring_cap * 2 : RING_MIN;
        while (cap < left + 1)
            cap *= 2;
        p->ring = hyper_mem_alloc(t->mem, cap * sizeof(entry));
        if (!p->ring)
            return HYPER_ENOMEM;
        p->ring_cap = cap;
    }
    if (place(&p->s, t->bytes_cap, used, len, &p->off) == 0)
        return HYPER_OK;
    /* Grow (or, at the cap, just compact) into a new buffer. */
    size_t max = 2 * (t->limit > t->max_size ? t->limit : t->max_size);
    size_t cap = t->bytes_cap * 2;
    if (cap < 2 * (used + len))
        cap = 2 * (used + len);
    if (cap < BYTES_MIN)
        cap = BYTES_MIN;
    if (cap > max)
        cap = max; /* still >= used + len: both are <= max_size */
    p->bytes = hyper_mem_alloc(t->mem, cap);
    if (!p->bytes) {
        hyper_mem_free(t->mem, p->ring, p->ring_cap * sizeof(entry));
        return HYPER_ENOMEM;
    }
    p->bytes_cap = cap;
    p->off = used;
    p->s = (bstate){used + len, 0, 0};
    return HYPER_OK;
}

/* Stores the new entry's descriptor (its bytes are in place at off). */
static void push(hyper_hpack_table *t, size_t off, size_t name_len, size_t value_len)
{
    t->head = (t->head + 1) & (t->ring_cap - 1);
    t->ring[t->head] = (entry){(uint32_t)off, (uint32_t)name_len, (uint32_t)value_len};
    t->count++;
    t->size += name_len + value_len + ENTRY_OVERHEAD;
    t->inserted++;
}

/* The common case, with no allocation: evicts and stores the entry when
 * the ring has a free slot and the bytes fit. Returns 0 (nothing changed)
 * when storage must grow. */
static int add_in_place(hyper_hpack_table *t, const char *name, size_t name_len,
                        const char *value, size_t value_len)
{
    size_t len = name_len + value_len, esz = len + ENTRY_OVERHEAD;
    size_t n_evict = 0, size_after = t->size;
    bstate s = {t->bytes_head, t->bytes_tail, t->wrap_end};
    while (size_after + esz > t->max_size) {
        const entry *e = oldest_plus(t, n_evict);
        size_after -= entry_len(e) + ENTRY_OVERHEAD;
        release(&s, e);
        n_evict++;
    }
    size_t left = t->count - n_evict, off;
    if (left + 1 > t->ring_cap ||
        place(&s, t->bytes_cap, size_after - left * ENTRY_OVERHEAD, len, &off) != 0)
        return 0;
    t->count = left;
    t->size = size_after;
    if (len) {
        uint8_t *dst = t->bytes + off;
        move_bytes(dst, name, name_len); /* may overlap an evicted entry (§4.4) */
        move_bytes(dst + name_len, value, value_len);
    }
    t->bytes_head = s.head;
    t->bytes_tail = s.tail;
    t->wrap_end = s.wrap_end;
    push(t, off, name_len, value_len);
    return 1;
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
    size_t len = name_len + value_len;
    if (add_in_place(t, name, name_len, value, value_len))
        return HYPER_OK;
    plan p;
    int rc = plan_add(t, len, &p);
    if (rc < 0)
        return rc;
    /* Commit: nothing below can fail. Dropping the oldest n_evict entries is
     * just a smaller count: their bytes stay until overwritten. */
    t->count -= p.n_evict;
    t->size = p.size_after;
    if (p.ring)
        ring_move(t, p.ring, p.ring_cap);
    uint8_t *old = NULL;
    size_t old_cap = 0;
    if (p.bytes) {
        compact_into(t, p.bytes);
        old = t->bytes;
        old_cap = t->bytes_cap;
        t->bytes = p.bytes;
        t->bytes_cap = p.bytes_cap;
    }
    if (len) {
        uint8_t *dst = t->bytes + p.off;
        memmove(dst, name, name_len); /* may overlap an evicted entry */
        if (value_len)
            memcpy(dst + name_len, value, value_len);
    }
    hyper_mem_free(t->mem, old, old_cap); /* after the name was copied */
    t->bytes_head = p.s.head;
    t->bytes_tail = p.s.tail;
    t->wrap_end = p.s.wrap_end;
    push(t, p.off, name_len, value_len);
    return HYPER_OK;
}

/* Best effort: after the maximum went down, move the entries into a buffer
 * sized for the new bound. Failure keeps the larger buffer. */
static void shrink(hyper_hpack_table *t)
{
    size_t bound = t->limit > t->max_size ? t->limit : t->max_size;
    if (t->bytes_cap <= 2 * bound || bound == 0)
        return;
    uint8_t *nb = hyper_mem_alloc(t->mem, 2 * bound);
    if (!nb)
        return;
    size_t used = compact_into(t, nb);
    hyper_mem_free(t->mem, t->bytes, t->bytes_cap);
    t->bytes = nb;
    t->bytes_cap = 2 * bound;
    t->bytes_head = used;
    t->bytes_tail = 0;
    t->wrap_end = 0;
}

int hyper_hpack_table_set_max(hyper_hpack_table *t, size_t max_size)
{
    if (max_size > t->limit)
        return HYPER_EHPACK_SIZE_UPDATE_LIMIT;
    t->max_size = max_size;
    while (t->size > max_size)
        evict_oldest(t);
    if (max_size == 0)
        release_storage(t); /* nothing can be stored: give memory back */
    else
        shrink(t);
    return HYPER_OK;
}

int hyper_hpack_table_set_limit(hyper_hpack_table *t, size_t limit)
{
    if (limit > HYPER_HPACK_TABLE_LIMIT_MAX)
        return HYPER_EINVAL;
    t->limit = limit;
    return HYPER_OK;
}
