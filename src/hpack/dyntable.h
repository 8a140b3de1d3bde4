/*
 * dyntable.h — the HPACK dynamic table (RFC 7541 §2.3.2, §4), shared by the
 * decoder and the encoder.
 *
 * A ring of entries, newest first for indexing: dynamic index 1 is the entry
 * added last. Size accounting is the RFC's: name + value + 32 octets per
 * entry; adding evicts the oldest entries until the new one fits, and an
 * entry larger than the maximum empties the table (that is not an error).
 *
 * Every entry also has a sequence number: the count of entries added before
 * it over the table's life. The encoder keys its hash on these, so evicted
 * entries are recognised without touching the hash: an entry with sequence
 * s is still present iff s >= inserted - count, and its dynamic index is
 * inserted - s.
 *
 * The memory the table uses is bounded by its limit: at most twice the
 * larger of limit and maximum for names and values (so every entry can be
 * stored contiguously, see dyntable.c) plus 12 octets per descriptor slot
 * (a power of two >= the entry count); it comes from the table's hyper_mem.
 */
#ifndef HYPER_HPACK_DYNTABLE_H
#define HYPER_HPACK_DYNTABLE_H

#include <stddef.h>
#include <stdint.h>
#include "hyper.h"

typedef struct hyper_hpack_table hyper_hpack_table;

/* The table's sizes, offsets and counts. 32 bits are enough (the limit is
 * at most 2^30, storage 2^31) and a build for size uses them: shorter
 * instructions on 64-bit targets (~0.2 KB in the HPACK code). The -O2
 * build keeps size_t, which measured faster there (fewer conversions). */
#ifdef __OPTIMIZE_SIZE__
typedef uint32_t hyper_hpack_tsize;
#else
typedef size_t hyper_hpack_tsize;
#endif

/* One entry: name and value stored back to back at bytes[off]. */
struct hyper_hpack_table_entry {
    uint32_t off, name_len, value_len;
};

/* Where the live name/value bytes are. */
struct hyper_hpack_bstate {
    hyper_hpack_tsize head;     /* where the next entry's bytes go */
    hyper_hpack_tsize tail;     /* start of the oldest entry's bytes */
    hyper_hpack_tsize wrap_end; /* 0: live bytes are [tail, head);
                                   else [tail, wrap_end) + [0, head) */
};

struct hyper_hpack_table {
    const hyper_mem *mem;
    /* The layout below belongs to dyntable.c (see its implementation
     * notes); other files use the functions and the fields marked public. */
    /* The pointers first, then the sizes: no padding between them when
     * the sizes are 32 bits (a build for size), so the decoder's and the
     * encoder's own fields after the table sit at shorter offsets. */
    struct hyper_hpack_table_entry *ring; /* descriptors, ring_cap slots (0 or
                                            a power of two) */
    uint8_t *bytes;                        /* name/value storage, bytes_cap */
    hyper_hpack_tsize ring_cap, head, count; /* head: slot of the newest
                                            entry; count: entries (public) */
    hyper_hpack_tsize bytes_cap;
    struct hyper_hpack_bstate b;
    hyper_hpack_tsize size;               /* RFC size: sum(name+value+32) (public) */
    hyper_hpack_tsize max_size;           /* current maximum (last update) (public) */
    hyper_hpack_tsize limit;              /* max_size may never exceed this (public) */
    uint64_t inserted;                     /* entries added over the life (public) */
};

/* Largest limit a table accepts (offsets are 32-bit, storage is 2x). */
#define HYPER_HPACK_TABLE_LIMIT_MAX ((size_t)1 << 30)

/* Initialises an empty table whose size can never exceed `limit` octets;
 * its current maximum starts at `limit`. Allocates nothing (storage comes
 * with the first add). HYPER_EINVAL if limit > HYPER_HPACK_TABLE_LIMIT_MAX. */
int hyper_hpack_table_init(hyper_hpack_table *t, const hyper_mem *mem, size_t limit);
void hyper_hpack_table_free(hyper_hpack_table *t);

/* The decoder's and the encoder's shared life cycle: each is one object of
 * `size` octets that starts with its table (the table's mem is theirs).
 * hyper_hpack_table_new allocates it zero-filled with the table
 * initialised as hyper_hpack_table_init does, and stores it in *obj (NULL
 * on failure): HYPER_EINVAL when limit > HYPER_HPACK_TABLE_LIMIT_MAX (then
 * nothing is allocated), HYPER_ENOMEM. hyper_hpack_table_delete frees the
 * table's storage, then the object. */
int hyper_hpack_table_new(void **obj, const hyper_mem *mem, size_t size, size_t limit);
void hyper_hpack_table_delete(hyper_hpack_table *t, size_t size);

/* Adds an entry (copied), evicting as needed. HYPER_ENOMEM on failure (the
 * table is unchanged then). `name` may point into the table itself (an
 * indexed name, even one this add evicts, RFC 7541 §4.4); `value` must not.
 * An entry larger than the maximum empties the table and returns HYPER_OK
 * without adding (nor moving or freeing storage). */
int hyper_hpack_table_add(hyper_hpack_table *t, const char *name, size_t name_len,
                          const char *value, size_t value_len);

/* Sets the current maximum (a size update), evicting as needed.
 * HYPER_EHPACK_SIZE_UPDATE_LIMIT if max_size > limit. */
int hyper_hpack_table_set_max(hyper_hpack_table *t, size_t max_size);

/* Changes the limit (our SETTINGS_HEADER_TABLE_SIZE). Never evicts: a lower
 * limit only bounds later set_max calls (the decoder then requires a size
 * update). HYPER_EINVAL if limit > HYPER_HPACK_TABLE_LIMIT_MAX. */
int hyper_hpack_table_set_limit(hyper_hpack_table *t, size_t limit);

/* Entry at dynamic index i (1 = newest). Returns HYPER_EHPACK_INDEX when i is
 * 0 or past the count (the outputs are then empty strings). Pointers stay
 * valid until the next add, set_max, set_limit or free. */
static inline int hyper_hpack_table_get_inline(const hyper_hpack_table *t, size_t i,
                                               const char **name, size_t *name_len,
                                               const char **value, size_t *value_len)
{
    if (i == 0 || i > t->count) {
        *name = *value = "";
        *name_len = *value_len = 0;
        return HYPER_EHPACK_INDEX;
    }
    const struct hyper_hpack_table_entry *e = &t->ring[(t->head - (i - 1)) & (t->ring_cap - 1)];
    if (e->name_len + e->value_len == 0) {
        *name = *value = ""; /* zero-length entries own no bytes */
    } else {
        *name = (const char *)t->bytes + e->off;
        *value = *name + e->name_len;
    }
    *name_len = e->name_len;
    *value_len = e->value_len;
    return HYPER_OK;
}

/* The same, out of line (dyntable.c). */
int hyper_hpack_table_get_call(const hyper_hpack_table *t, size_t i, const char **name,
                               size_t *name_len, const char **value, size_t *value_len);

static inline int hyper_hpack_table_get(const hyper_hpack_table *t, size_t i,
                                        const char **name, size_t *name_len,
                                        const char **value, size_t *value_len)
{
    /* Inline: the decoder calls it for every dynamic-table reference. A
     * build for size (-Os) keeps one copy instead. */
#ifdef __OPTIMIZE_SIZE__
    return hyper_hpack_table_get_call(t, i, name, name_len, value, value_len);
#else
    return hyper_hpack_table_get_inline(t, i, name, name_len, value, value_len);
#endif
}

static inline size_t hyper_hpack_table_count(const hyper_hpack_table *t) { return t->count; }
static inline size_t hyper_hpack_table_size(const hyper_hpack_table *t) { return t->size; }

#endif
