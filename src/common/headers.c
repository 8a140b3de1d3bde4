/*
 * headers.c — the header map (hyper.h section 2): ordered, case-insensitive
 * names, multi-valued, raw bytes.
 *
 * Implementation notes
 *  - Two allocations, whatever the number of fields: one byte arena holding
 *    every name and value back to back, and one array of field records
 *    (offset + lengths). Both grow geometrically through the map's hyper_mem.
 *  - Invariant: the arena holds the fields' bytes in field order with no
 *    gaps: field i's name starts at rec[i].off, its value follows the name,
 *    and rec[i+1].off == rec[i].off + rec[i].name_len + rec[i].value_len.
 *    So hyper_headers_bytes() is exactly `used`; removing fields is one
 *    mark-and-sweep pass (drop), resizing a value one memmove of the tail
 *    plus an offset fix-up. Header maps are small (tens of fields), so O(n)
 *    edits cost less than a free list.
 *  - Every change reserves memory first and modifies second, so an
 *    allocation failure leaves the map exactly as it was.
 *  - Names compare case-insensitively on ASCII only (RFC 9110 §5.1: field
 *    names are tokens); values are never interpreted.
 */
#include <string.h>
#include "common.h"

struct field {
    size_t off;       /* name's offset in the arena; value follows it */
    uint32_t name_len;
    uint32_t value_len;
};

/* bytes first: offset 0 gives the shortest x86-64 encodings. */
struct hyper_headers {
    char *bytes;          /* the arena; NULL while cap == 0 */
    size_t used, cap;     /* used <= cap */
    struct field *rec;    /* NULL while rec_cap == 0 */
    size_t n, rec_cap;    /* n <= rec_cap */
    const hyper_mem *mem;
};

#define MIN_BYTES 256
#define MIN_RECS 8

hyper_headers *hyper_headers_new(const hyper_mem *mem)
{
    const hyper_mem *m = hyper_mem_pick(mem);
    hyper_headers *h = hyper_mem_zalloc(m, sizeof *h);
    if (!h)
        return NULL;
    h->mem = m;
    return h;
}

void hyper_headers_free(hyper_headers *h)
{
    if (!h)
        return;
    hyper_mem_free(h->mem, h->bytes, h->cap);
    hyper_mem_free(h->mem, h->rec, h->rec_cap * sizeof *h->rec);
    hyper_mem_free(h->mem, h, sizeof *h);
}

/* Grows a buffer of `*cap` elements of `size` octets to hold `need`.
 * Doubling, starting at `min`; the buffer is untouched on failure. */
static int grow(const hyper_mem *m, void **p, size_t *cap, size_t need,
                size_t size, size_t min)
{
    if (need <= *cap)
        return HYPER_OK;
    size_t nc = *cap ? *cap : min;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return HYPER_ENOMEM;
        nc *= 2;
    }
    if (nc > SIZE_MAX / size)
        return HYPER_ENOMEM;
    void *np = *p ? hyper_mem_realloc(m, *p, *cap * size, nc * size)
                  : hyper_mem_alloc(m, nc * size);
    if (!np)
        return HYPER_ENOMEM;
    *p = np;
    *cap = nc;
    return HYPER_OK;
}

static int reserve(hyper_headers *h, size_t more_bytes, size_t more_recs)
{
    if (more_bytes > SIZE_MAX - h->used)
        return HYPER_ENOMEM;
    void *b = h->bytes, *r = h->rec;
    int rc = grow(h->mem, &b, &h->cap, h->used + more_bytes, 1, MIN_BYTES);
    h->bytes = b;
    if (rc == HYPER_OK)
        rc = grow(h->mem, &r, &h->rec_cap, h->n + more_recs, sizeof *h->rec, MIN_RECS);
    h->rec = r;
    return rc;
}

/* Shared by add and set; a build for size keeps one copy. */
#ifdef __OPTIMIZE_SIZE__
HYPER_ATTR_NOINLINE
#endif
static int check_args(const hyper_headers *h, const char *name, size_t name_len,
                      const char *value, size_t value_len)
{
    if (!h || !name || name_len == 0 || (!value && value_len))
        return HYPER_EINVAL;
    if (name_len > HYPER_HEADERS_MAX_STRING || value_len > HYPER_HEADERS_MAX_STRING)
        return HYPER_EINVAL;
    return HYPER_OK;
}

/* Offset of [p, p+len) in the arena when it lies inside it (the caller
 * passed a string read from this very map), else NONE. Such arguments must
 * be re-derived after a realloc and copied before a memmove. */
#define NONE SIZE_MAX
static size_t arena_off(const hyper_headers *h, const char *p, size_t len)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)h->bytes;
    if (!len || !h->bytes || a < b || a >= b + h->cap)
        return NONE;
    return (size_t)(a - b);
}

int hyper_headers_add(hyper_headers *h, const char *name, size_t name_len,
                      const char *value, size_t value_len)
{
    int rc = check_args(h, name, name_len, value, value_len);
    if (rc != HYPER_OK)
        return rc;
    size_t noff = arena_off(h, name, name_len), voff = arena_off(h, value, value_len);
    rc = reserve(h, name_len + value_len, 1);
    if (rc != HYPER_OK)
        return rc;
    if (noff != NONE)
        name = h->bytes + noff;
    if (voff != NONE)
        value = h->bytes + voff;
    /* Sources lie below `used`, the destination above it: no overlap. */
    struct field *f = &h->rec[h->n++];
    f->off = h->used;
    f->name_len = (uint32_t)name_len;
    f->value_len = (uint32_t)value_len;
    memcpy(h->bytes + h->used, name, name_len);
    if (value_len)
        memcpy(h->bytes + h->used + name_len, value, value_len);
    h->used += name_len + value_len;
    return HYPER_OK;
}

static int name_is(const hyper_headers *h, const struct field *f,
                   const char *name, size_t name_len)
{
    return f->name_len == name_len &&
           hyper_ascii_eq_nocase(h->bytes + f->off, name, name_len);
}

/* Every lookup is this one walk: the position of the index-th field named
 * `name` (h->n when there are fewer), with the matches counted in *count
 * (all of them when there are fewer: index SIZE_MAX counts them all). */
static size_t nth(const hyper_headers *h, const char *name, size_t name_len,
                  size_t index, size_t *count)
{
    size_t i = 0, c = 0;
    for (; i < h->n; i++)
        if (name_is(h, &h->rec[i], name, name_len) && c++ == index)
            break;
    *count = c;
    return i;
}

/* Removes every field from index i on named `name`; returns how many.
 * Two passes so that `name` may point into the arena: mark first (nothing
 * moves while names are compared; a mark is name_len 0, which no live
 * field has, names being never empty), then sweep: the kept fields move
 * down over the gaps in the arena and the records, in order. The sweep
 * starts at field 0, so it also closes a gap left inside an earlier
 * field (set shrinking a value). No allocation. */
static int drop(hyper_headers *h, size_t i, const char *name, size_t name_len)
{
    int marked = 0;
    for (; i < h->n; i++)
        if (name_is(h, &h->rec[i], name, name_len)) {
            h->rec[i].name_len = 0;
            marked++;
        }
    size_t w = 0, used = 0;
    for (size_t k = 0; k < h->n; k++) {
        const struct field *f = &h->rec[k];
        size_t len = (size_t)f->name_len + f->value_len;
        if (!f->name_len)
            continue;
        memmove(h->bytes + used, h->bytes + f->off, len);
        struct field *d = &h->rec[w++]; /* d <= f */
        *d = *f;
        d->off = used;
        used += len;
    }
    h->n = w;
    h->used = used;
    return marked;
}

int hyper_headers_set(hyper_headers *h, const char *name, size_t name_len,
                      const char *value, size_t value_len)
{
    size_t c;
    int rc = check_args(h, name, name_len, value, value_len);
    if (rc != HYPER_OK)
        return rc;
    size_t i = nth(h, name, name_len, 0, &c);
    if (i == h->n)
        return hyper_headers_add(h, name, name_len, value, value_len);
    size_t old = h->rec[i].value_len;
    size_t grow_by = value_len > old ? value_len - old : 0;
    size_t voff = arena_off(h, value, value_len);
    /* A value from our own arena is first copied to scratch space past
     * where the shifted tail will end, so the shift cannot clobber it. */
    rc = reserve(h, grow_by + (voff != NONE ? value_len : 0), 0);
    if (rc != HYPER_OK)
        return rc;
    if (voff != NONE) {
        memcpy(h->bytes + h->used + grow_by, h->bytes + voff, value_len);
        value = h->bytes + h->used + grow_by;
    }
    /* Room first: the tail after field i's value moves up by grow_by (the
     * scratch copy starts exactly where the moved tail ends). Then the new
     * value goes in place, and the sweep closes what is left of the old
     * one's room (when it shrank) together with the later fields of that
     * name, compared against field i, whose name never moves. */
    struct field *f = &h->rec[i];
    size_t vstart = f->off + f->name_len;
    memmove(h->bytes + vstart + old + grow_by, h->bytes + vstart + old,
            h->used - vstart - old);
    h->used += grow_by;
    for (size_t k = i + 1; k < h->n; k++)
        h->rec[k].off += grow_by;
    if (value_len)
        memcpy(h->bytes + vstart, value, value_len);
    f->value_len = (uint32_t)value_len;
    drop(h, i + 1, h->bytes + f->off, f->name_len);
    return HYPER_OK;
}

int hyper_headers_remove(hyper_headers *h, const char *name, size_t name_len)
{
    if (!h || (!name && name_len))
        return HYPER_EINVAL;
    return drop(h, 0, name, name_len);
}

void hyper_headers_clear(hyper_headers *h)
{
    if (h)
        h->n = h->used = 0;
}

size_t hyper_headers_count(const hyper_headers *h)
{
    return h ? h->n : 0;
}

size_t hyper_headers_bytes(const hyper_headers *h)
{
    return h ? h->used : 0;
}

size_t hyper_headers_memory(const hyper_headers *h)
{
    return h ? sizeof *h + h->cap + h->rec_cap * sizeof *h->rec : 0;
}

int hyper_headers_at(const hyper_headers *h, size_t i, const char **name,
                     size_t *name_len, const char **value, size_t *value_len)
{
    if (!h || i >= h->n)
        return HYPER_ENOTFOUND;
    const struct field *f = &h->rec[i];
    if (name)
        *name = h->bytes + f->off;
    if (name_len)
        *name_len = f->name_len;
    if (value)
        *value = h->bytes + f->off + f->name_len;
    if (value_len)
        *value_len = f->value_len;
    return HYPER_OK;
}

/* Out of line: the C-string variants below call these rather than copy them. */
HYPER_ATTR_NOINLINE int hyper_headers_get_n(const hyper_headers *h, const char *name, size_t name_len,
                        size_t index, const char **value, size_t *value_len)
{
    size_t c;
    if (!h || !name)
        return HYPER_ENOTFOUND;
    return hyper_headers_at(h, nth(h, name, name_len, index, &c), NULL, NULL, value,
                            value_len);
}

int hyper_headers_get(const hyper_headers *h, const char *name, size_t index,
                      const char **value, size_t *value_len)
{
    return hyper_headers_get_n(h, name, name ? strlen(name) : 0, index, value, value_len);
}

HYPER_ATTR_NOINLINE size_t hyper_headers_get_count_n(const hyper_headers *h, const char *name,
                                 size_t name_len)
{
    size_t c = 0;
    if (h && name)
        nth(h, name, name_len, SIZE_MAX, &c);
    return c;
}

size_t hyper_headers_get_count(const hyper_headers *h, const char *name)
{
    return hyper_headers_get_count_n(h, name, name ? strlen(name) : 0);
}

/* ---- comma lists (RFC 9110 §5.6.1) ---------------------------------------- */

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

int hyper_headers_split_next(const char *value, size_t len, size_t *pos,
                             const char **item, size_t *item_len)
{
    if (!pos || (!value && len))
        return 0;
    size_t p = *pos;
    while (p < len) {
        /* The element is [start, end): from its first octet that is not
         * OWS to just past its last one, noted while scanning (end ==
         * start while none was seen). */
        size_t start = p, end = p;
        int quoted = 0;
        for (; p < len; p++) {
            char c = value[p];
            if (c == ',' && !quoted)
                break;
            if (quoted && c == '\\' && p + 1 < len) {
                end = p + 1;         /* the opening quote was noted already */
                c = value[++p];      /* quoted-pair: the escaped octet is data */
            } else if (c == '"') {
                quoted = !quoted;    /* an unterminated quote runs to the end */
            }
            if (!is_ows(c)) {
                if (end == start)
                    start = p;
                end = p + 1;
            }
        }
        if (p < len)
            p++;                     /* past the comma */
        if (end > start) {
            *pos = p;
            if (item)
                *item = value + start;
            if (item_len)
                *item_len = end - start;
            return 1;
        }
    }
    *pos = p;
    return 0;
}

int hyper_headers_has_token(const hyper_headers *h, const char *name,
                            const char *token, size_t token_len)
{
    const char *v, *it;
    size_t vlen, itlen;
    if (!token)
        return 0;
    for (size_t i = 0; hyper_headers_get(h, name, i, &v, &vlen) == HYPER_OK; i++) {
        size_t pos = 0;
        while (hyper_headers_split_next(v, vlen, &pos, &it, &itlen))
            if (itlen == token_len && hyper_ascii_eq_nocase(it, token, token_len))
                return 1;
    }
    return 0;
}
