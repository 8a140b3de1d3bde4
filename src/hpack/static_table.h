/*
 * static_table.h — the HPACK static table (RFC 7541 Appendix A), and the
 * lookups the encoder needs.
 */
#ifndef HYPER_HPACK_STATIC_TABLE_H
#define HYPER_HPACK_STATIC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define HYPER_HPACK_STATIC_COUNT 61

/* An entry without pointers: its name is name_len octets at
 * hyper_hpack_static_text + off, its value the value_len octets right
 * after the name. Neither is NUL-terminated. */
#ifdef __OPTIMIZE_SIZE__
/* A build for size packs an entry in 16 bits, off << 4 | value_len (the
 * text is 685 octets, values at most 13), with one more entry after the
 * last holding the text's length: name_len is what is left between two
 * offsets (124 octets instead of 244, a few instructions more per use). */
typedef uint16_t hyper_hpack_static_entry;
#define HYPER_HPACK_STATIC_ENTRIES (HYPER_HPACK_STATIC_COUNT + 1)
#else
typedef struct hyper_hpack_static_entry {
    uint16_t off;
    uint8_t name_len;
    uint8_t value_len;
} hyper_hpack_static_entry;
#define HYPER_HPACK_STATIC_ENTRIES HYPER_HPACK_STATIC_COUNT
#endif

/* Entry for index i (1..61) is hyper_hpack_static[i - 1]. */
extern const hyper_hpack_static_entry hyper_hpack_static[HYPER_HPACK_STATIC_ENTRIES];
extern const char hyper_hpack_static_text[];

/* Name and value of static index i (1..61, not checked): pointers into
 * hyper_hpack_static_text, the same on every call. Inline (the decoder's
 * indexed fields), or one copy in static_table.c in a build for size. */
#ifdef __OPTIMIZE_SIZE__
void hyper_hpack_static_get(unsigned i, const char **name, size_t *name_len,
                            const char **value, size_t *value_len);
#else
static inline void hyper_hpack_static_get(unsigned i, const char **name, size_t *name_len,
                                          const char **value, size_t *value_len)
{
    const hyper_hpack_static_entry *e = &hyper_hpack_static[i - 1];
    unsigned off = e->off, nl = e->name_len, vl = e->value_len;
    const char *n = hyper_hpack_static_text + off;
    *name = n;
    *name_len = nl;
    *value = n + nl;
    *value_len = vl;
}
#endif

/*
 * Looks a field up in the static table (names compared exactly: HPACK names
 * are lower case). Returns the index (1..61) of an exact name+value match,
 * or 0; *name_index gets the lowest index whose name matches, or 0.
 * Must not scan the table linearly (the encoder calls it for every field).
 */
unsigned hyper_hpack_static_find(const char *name, size_t name_len,
                                 const char *value, size_t value_len,
                                 unsigned *name_index);

#endif
