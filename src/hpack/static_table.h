/*
 * static_table.h — the HPACK static table (RFC 7541 Appendix A), and the
 * lookups the encoder needs.
 */
#ifndef HYPER_HPACK_STATIC_TABLE_H
#define HYPER_HPACK_STATIC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define HYPER_HPACK_STATIC_COUNT 61

typedef struct hyper_hpack_static_entry {
    const char *name;
    const char *value;
    uint8_t name_len;
    uint8_t value_len;
} hyper_hpack_static_entry;

/* Entry for index i (1..61) is hyper_hpack_static[i - 1]. */
extern const hyper_hpack_static_entry hyper_hpack_static[HYPER_HPACK_STATIC_COUNT];

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
