/*
 * encoder.c — the HPACK encoder (RFC 7541 §2.3, §4.2, §6).
 *
 * Implementation notes
 *  - Lookups. The dynamic table is searched through a chained hash kept
 *    here, with two chains per entry: one keyed on name+value, one on name.
 *    A chain link is the sequence number of an entry (dyntable.h), not a
 *    pointer: nodes live in a ring, node[seq & mask], and chains run from the
 *    newest entry to older ones. An evicted entry is recognised by its
 *    sequence alone (age = inserted - seq outside 1..count), so eviction
 *    never touches the hash, and since a chain only grows older, the first
 *    evicted link ends the walk. The ring has a slot for every entry that
 *    can be alive (max_size / 32, RFC 7541 §4.1 counts 32 octets per entry),
 *    so a live sequence number always owns its slot. Sequence numbers are
 *    kept as 32 bits to halve the memory; after 2^32 insertions a stale
 *    link may alias a live entry, which is harmless: every hash hit is
 *    confirmed by comparing the bytes, and walks are bounded by the count.
 *    The static table is searched first (hyper_hpack_static_find, its own
 *    perfect hash): an exact static match needs no hashing, and a static
 *    name's hash is derived from its index, so such fields hash only their
 *    value (one hash instead of two). Empty buckets hold a sequence number
 *    2^31 insertions old: a bucket initialised to the then-current count
 *    would turn "live" once entries are added and send every walk from an
 *    empty bucket down the oldest entry's chain (measured: ~3 extra steps
 *    per lookup on the stories). Hits are confirmed with inline word
 *    compares (src/hpack/bytes.h) rather than calls to memcmp.
 *  - A build for size (-Os) has no hash: see ENC_HASH below.
 *  - Memory: the table, plus 32 octets of hash per 32 octets of table size
 *    (16 per node, 2 x 2 bucket heads of 4). The hash is sized from the
 *    table size in use and only grows, when a size update raises it; that
 *    is the only allocation hyper_hpack_encode makes besides the table's,
 *    and it happens before anything is written (HYPER_ENOMEM, state
 *    unchanged). If the table cannot store a new entry, the field goes out
 *    as a literal without indexing: the block stays valid and in step with
 *    the peer's decoder.
 *  - Huffman (§5.2): AUTO codes in one pass straight into the output and
 *    gives up as soon as the code reaches the raw length, instead of
 *    counting the coded length first.
 *  - Strategy (what to index) starts from nghttp2's and was measured on
 *    the 32 hpack-test-case raw-data stories (4096-octet table): fields
 *    whose values rarely repeat (:path, content-length, etag,
 *    last-modified, age) are not indexed, nor an entry larger than 3/4 of
 *    the table, which would flush most of it. Unlike nghttp2, location,
 *    if-modified-since and if-none-match are indexed (location alone saves
 *    ~1.2 KB on the stories; not indexing last-modified saves a little):
 *    357478 octets in all against nghttp2's 358782. Sensitive fields
 *    (authorization, proxy-authorization, set-cookie, cookies shorter than
 *    20 octets, HYPER_HPACK_NEVER_INDEX) are never-indexed literals
 *    (§6.2.3, §7.1.3), as nghttp2 does and RFC 9113 §8.2.3 advises for
 *    low-entropy secrets.
 *  - Table size (§4.2, §6.3): the table used is min(our maximum, the peer's
 *    SETTINGS_HEADER_TABLE_SIZE). A change is announced at the start of the
 *    next block; when the size went below what the peer last heard and came
 *    back up, the smallest value is announced first, then the final one.
 */
#include <string.h>
#include "common/common.h"
#include "hpack/bytes.h"
#include "hpack/dyntable.h"
#include "hpack/hpack_int.h"
#include "hpack/huffman.h"
#include "hpack/static_table.h"

/* The hash of the dynamic table (see the notes above) is for speed: a
 * build for size (-Os) keeps none and walks the table newest first, which
 * finds the same entries (the newest match of each kind), so the output is
 * the same; a lookup costs a pass over the entries (at most 128 with the
 * protocol's 4096-octet table) and the encoder needs no memory besides its
 * table, nor can hyper_hpack_encode fail with HYPER_ENOMEM. */
#ifndef __OPTIMIZE_SIZE__
#define ENC_HASH 1
#endif

/* The size every HTTP/2 peer starts with (RFC 9113 §6.5.2). */
#define PROTOCOL_TABLE_SIZE 4096u
/* Longest name or value accepted: its Huffman length (at most 30 bits per
 * octet) must still fit the 32-bit integers of §5.1. */
#define MAX_STRING (UINT32_MAX / 4)

/* Buckets per node slot, as a shift: 2 keeps chains short at full load. */
#define HEADS_SHIFT 1
/* Age of the sequence number an empty bucket holds (see hash_reserve). */
#define EMPTY_AGE 0x80000000u

/* Representation patterns (RFC 7541 §6). */
#define REP_INDEXED 0x80     /* §6.1, 7-bit prefix */
#define REP_INCREMENTAL 0x40 /* §6.2.1, 6-bit prefix */
#define REP_NO_INDEX 0x00    /* §6.2.2, 4-bit prefix */
#define REP_NEVER 0x10       /* §6.2.3, 4-bit prefix */
#define REP_SIZE_UPDATE 0x20 /* §6.3, 5-bit prefix */

/* Static indices of the names the strategy treats specially (Appendix A). */
#define S_AGE 21
#define S_AUTHORIZATION 23
#define S_CONTENT_LENGTH 28
#define S_COOKIE 32
#define S_ETAG 34
#define S_LAST_MODIFIED 44
#define S_PATH 4
#define S_PROXY_AUTHORIZATION 49
#define S_SET_COOKIE 55

/* The two keys an entry is chained on: name+value, and name. */
enum { KEY_NV, KEY_N };

/* One dynamic entry in the hash, per key: its chain link (the sequence
 * number of the next older entry in the same bucket) and its hash. */
typedef struct enc_node {
    uint32_t next[2];
    uint32_t hash[2];
} enc_node;

struct hyper_hpack_encoder {
    hyper_hpack_table table; /* first (hyper_hpack_table_new); its mem is ours;
                                limit: opts.max_table_size */
    /* One allocation: nodes[cap], then the bucket heads, cap << HEADS_SHIFT
     * per key (key k's from heads + k * (cap << HEADS_SHIFT)). cap is a
     * power of two >= table.max_size / 32 at every moment. */
#ifdef ENC_HASH
    enc_node *nodes;
    uint32_t *heads;
    size_t cap;
#endif
    uint32_t max_opt; /* our maximum (opts.max_table_size) */
    uint32_t cur;     /* the size the peer's decoder last heard (§4.2) */
    uint32_t want;    /* the size to use from the next block on */
    uint32_t low;     /* smallest size wanted since the last block (<= cur) */
    int huffman;      /* HYPER_HPACK_HUFFMAN_* */
    int indexing;     /* HYPER_HPACK_INDEXING_* */
};

/* The lookup result for one field. */
typedef struct match {
    unsigned index;       /* exact name+value match (static or dynamic), or 0 */
    unsigned name_index;  /* name-only match, or 0 */
    unsigned static_name; /* static index of the name, or 0 */
    int sensitive;        /* a never-indexed literal (§6.2.3) */
#ifdef ENC_HASH
    int hashed;           /* h holds the hashes */
    uint32_t h[2];        /* per key (KEY_NV, KEY_N) */
#endif
} match;

/* Forced inline: each call site gets its own copy, specialised for its
 * constant arguments. A build for size (-Os) keeps one shared copy. */
#ifndef __OPTIMIZE_SIZE__
#define SPECIALIZE static inline HYPER_ATTR_ALWAYS_INLINE
#else
#define SPECIALIZE static HYPER_ATTR_NOINLINE
#endif

#ifdef ENC_HASH
/* ---- hashing --------------------------------------------------------------- */

#define load64 hyper_hpack_load64
#define load32 hyper_hpack_load32

/* Multiplies and folds the high half onto the low one, so every input bit
 * reaches the low bits that pick a bucket. */
static uint64_t mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t r = a * b;
    return r ^ (r >> 29) ^ (a >> 32) * b;
#endif
}

/* A word-at-a-time hash: 16 octets per multiply, the tail read with
 * overlapping loads, no per-byte loop. Header strings are short, so speed
 * on 10 to 100 octets matters more than distribution on adversarial input
 * (a chain never holds more than the table's entries anyway). */
static uint64_t hash_bytes(const char *s, size_t len, uint64_t seed)
{
    const uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
    const uint8_t *p = (const uint8_t *)s;
    uint64_t h = seed ^ k0, a, b;
    if (len > 16) {
        size_t n = len;
        while (n > 16) {
            h = mix(load64(p) ^ k1, load64(p + 8) ^ h);
            p += 16;
            n -= 16;
        }
        a = load64(p + n - 16);
        b = load64(p + n - 8);
    } else if (len >= 8) {
        a = load64(p);
        b = load64(p + len - 8);
    } else if (len >= 4) {
        a = load32(p);
        b = load32(p + len - 4);
    } else if (len > 0) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    return mix(a ^ k1 ^ len, mix(b ^ h, k0));
}

/* The name's hash: a static name (index sname, 1..61) is known by its
 * index, so only the value needs hashing; other names are hashed. The
 * low bits pick the bucket: distinct for the 61 static indices (an odd
 * multiplier is a bijection modulo every power of two). */
static uint32_t hash_name(const char *name, size_t len, unsigned sname)
{
    if (sname)
        return sname * 0x9e3779b1u;
    return (uint32_t)hash_bytes(name, len, 0x6e616d65u);
}

/* Both hashes of a field: its name's, then name and value together. */
SPECIALIZE void hash_field(const char *name, size_t name_len, unsigned sname,
                              const char *value, size_t value_len, uint32_t h[2])
{
    h[KEY_N] = hash_name(name, name_len, sname);
    h[KEY_NV] = (uint32_t)hash_bytes(value, value_len, (uint64_t)h[KEY_N] << 17 | 1);
}

/* ---- the dynamic-table hash ------------------------------------------------- */

static size_t hash_bytes_for(size_t cap)
{
    return cap * sizeof(enc_node) + 2 * (cap << HEADS_SHIFT) * sizeof(uint32_t);
}

/* A power of two with room for every entry a table of `size` can hold. */
static size_t cap_for(uint32_t size)
{
    size_t need = size / 32, cap = 1;
    while (cap < need)
        cap <<= 1;
    return cap;
}

/* Is sequence number s (32 bits) an entry still in the table? */
static int live(const hyper_hpack_table *t, uint32_t s)
{
    uint32_t age = (uint32_t)t->inserted - s;
    return age >= 1 && age <= hyper_hpack_table_count(t);
}

/* Puts entry seq at the head of its bucket for both keys. */
SPECIALIZE void link_entry(enc_node *nodes, uint32_t *heads, size_t cap, uint32_t seq,
                       const uint32_t hash[2])
{
    size_t nb = cap << HEADS_SHIFT;
    enc_node *e = &nodes[seq & (cap - 1)];
    for (int k = 0; k < 2; k++) {
        uint32_t *head = &heads[k * nb + (hash[k] & (nb - 1))];
        e->hash[k] = hash[k];
        e->next[k] = *head;
        *head = seq;
    }
}

/* Makes the hash big enough for a table of `size` octets; live entries are
 * linked again, oldest first, so chains stay ordered newest to oldest.
 * Their hashes are in the old nodes: every live entry was added under the
 * old capacity, so it still owns its old slot (nothing is hashed again). */
static int hash_reserve(hyper_hpack_encoder *enc, uint32_t size)
{
    size_t cap = cap_for(size);
    if (enc->nodes && cap <= enc->cap)
        return HYPER_OK;
    uint8_t *block = hyper_mem_alloc(enc->table.mem, hash_bytes_for(cap));
    if (!block)
        return HYPER_ENOMEM;
    enc_node *nodes = (enc_node *)block;
    uint32_t *heads = (uint32_t *)(block + cap * sizeof(enc_node));
    const hyper_hpack_table *t = &enc->table;
    uint32_t ins = (uint32_t)t->inserted;
    /* An empty bucket holds a sequence number 2^31 insertions old, so it
     * stays out of the live range (age 1..count) for the next 2^31 - count
     * insertions; `ins` itself (age 0) would turn live, and send every walk
     * from an empty bucket into the oldest entry's chain, as soon as
     * entries are added. */
    for (size_t i = 0; i < 2 * (cap << HEADS_SHIFT); i++)
        heads[i] = ins - EMPTY_AGE;
    for (size_t i = hyper_hpack_table_count(t); i >= 1; i--) {
        uint32_t seq = ins - (uint32_t)i;
        const enc_node *old = &enc->nodes[seq & (enc->cap - 1)];
        link_entry(nodes, heads, cap, seq, old->hash);
    }
    hyper_mem_free(enc->table.mem, enc->nodes, enc->nodes ? hash_bytes_for(enc->cap) : 0);
    enc->nodes = nodes;
    enc->heads = heads;
    enc->cap = cap;
    return HYPER_OK;
}

#define bytes_eq hyper_hpack_bytes_eq

/* Dynamic index (1 = newest) of the newest entry with this name and, for
 * KEY_NV, this value; or 0. Walks the chain of `key` from `hash`'s bucket. */
SPECIALIZE size_t find(const hyper_hpack_encoder *enc, const hyper_hpack_field *f,
                          int key, uint32_t hash)
{
    const hyper_hpack_table *t = &enc->table;
    const int by_value = key == KEY_NV;
    size_t mask = enc->cap - 1, nb = enc->cap << HEADS_SHIFT,
           steps = hyper_hpack_table_count(t);
    uint32_t ins = (uint32_t)t->inserted;
    uint32_t s = enc->heads[key * nb + (hash & (nb - 1))];
    for (; steps > 0 && live(t, s); steps--) {
        const enc_node *e = &enc->nodes[s & mask];
        if (e->hash[key] == hash) {
            const char *n, *v;
            size_t nl, vl, idx = ins - s;
            hyper_hpack_table_get(t, idx, &n, &nl, &v, &vl);
            if ((!by_value || (vl == f->value_len && bytes_eq(v, f->value, vl))) &&
                nl == f->name_len && bytes_eq(n, f->name, nl))
                return idx;
        }
        s = e->next[key];
    }
    return 0;
}

#else /* !ENC_HASH */

/* ---- the dynamic table, entry by entry (a build for size) ---------------- */

/* Dynamic index (1 = newest) of the newest entry with f's name and value,
 * or 0 (also when `literal`: no exact match wanted); *name_d gets the
 * newest entry with f's name, or 0. The hash's answers, found by a walk. */
static size_t find_linear(const hyper_hpack_encoder *enc, const hyper_hpack_field *f,
                          int literal, size_t *name_d)
{
    *name_d = 0;
    for (size_t i = 1; i <= hyper_hpack_table_count(&enc->table); i++) {
        const char *n, *v;
        size_t nl, vl;
        hyper_hpack_table_get(&enc->table, i, &n, &nl, &v, &vl);
        if (nl != f->name_len || !hyper_hpack_bytes_eq(n, f->name, nl))
            continue;
        if (!*name_d)
            *name_d = i;
        if (!literal && vl == f->value_len && hyper_hpack_bytes_eq(v, f->value, vl))
            return i;
    }
    return 0;
}
#endif /* ENC_HASH */

/* ---- strategy -------------------------------------------------------------- */

/* Static names the strategy treats specially, as bit sets over the static
 * index (1..61): one bit test instead of a switch. */
#define BIT(i) ((uint64_t)1 << (i))
/* Credentials: never indexed (§7.1.3). */
#define SENSITIVE_NAMES (BIT(S_AUTHORIZATION) | BIT(S_PROXY_AUTHORIZATION) | BIT(S_SET_COOKIE))
/* Values that rarely repeat: not worth a table entry. */
#define UNINDEXED_NAMES \
    (BIT(S_PATH) | BIT(S_CONTENT_LENGTH) | BIT(S_ETAG) | BIT(S_LAST_MODIFIED) | BIT(S_AGE))

/* Never-indexed (§7.1.3): credentials, and cookies short enough to guess. */
static int is_sensitive(const hyper_hpack_encoder *enc, const hyper_hpack_field *f,
                        unsigned static_name)
{
    if (f->flags & HYPER_HPACK_NEVER_INDEX)
        return 1;
    if (enc->indexing == HYPER_HPACK_INDEXING_ALL)
        return 0;
    if (static_name == S_COOKIE)
        return f->value_len < 20;
    return (SENSITIVE_NAMES >> static_name) & 1;
}

/* Whether a literal should enter the table: not for values that rarely
 * repeat, nor for entries that would flush most of the table. */
static int should_index(const hyper_hpack_encoder *enc, const hyper_hpack_field *f,
                        unsigned static_name)
{
    if ((f->flags & HYPER_HPACK_NO_INDEX) || enc->indexing == HYPER_HPACK_INDEXING_NONE)
        return 0;
    size_t room = f->name_len + f->value_len + 32;
    if (enc->indexing == HYPER_HPACK_INDEXING_ALL)
        return room <= enc->table.max_size;
    return room <= enc->table.max_size * 3 / 4 && !((UNINDEXED_NAMES >> static_name) & 1);
}

/* ---- output ---------------------------------------------------------------- */

/* Writes an integer (§5.1); values that fit the prefix without a call. */
static size_t put_int(uint8_t *out, uint32_t v, unsigned prefix, uint8_t first)
{
#ifndef __OPTIMIZE_SIZE__ /* -Os: the call for every value */
    if (v < (1u << prefix) - 1) {
        out[0] = (uint8_t)(first | v);
        return 1;
    }
#endif
    return hyper_hpack_int_encode(out, v, prefix, first);
}

/* Writes a string literal (§5.2) under the Huffman policy. */
static size_t put_string(uint8_t *out, const char *s, size_t len, int policy)
{
#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
    const uint8_t *p = (const uint8_t *)s;
    if (policy == HYPER_HPACK_HUFFMAN_ALWAYS) {
        size_t n = put_int(out, (uint32_t)hyper_huffman_encoded_len(p, len), 7, 0x80);
        return n + hyper_huffman_encode(p, len, out + n);
    }
    size_t n = put_int(out, (uint32_t)len, 7, 0);
    if (policy == HYPER_HPACK_HUFFMAN_AUTO) {
        /* Coded after the raw length's prefix; a shorter length may need a
         * shorter prefix, then the code moves down (only past 126 octets). */
#ifdef __OPTIMIZE_SIZE__
        size_t hl = hyper_huffman_encode_under(p, len, out + n, len); /* one copy */
#else
        size_t hl = hyper_huffman_encode_under_inline(p, len, out + n, len);
#endif
        if (hl) {
            size_t hn = put_int(out, (uint32_t)hl, 7, 0x80); /* hn <= n */
            if (hn < n)
                memmove(out + hn, out + n, hl);
            return hn + hl;
        }
    }
#else
    (void)policy;  /* without the Huffman encoder every literal is raw */
    size_t n = put_int(out, (uint32_t)len, 7, 0);
#endif
    if (len)
        memcpy(out + n, s, len);
    return n + len;
}

/* Size updates owed since the last block (§4.2, §6.3). Room for them is in
 * the bound. Cannot fail: hash_reserve already ran for enc->want. */
static size_t put_size_updates(hyper_hpack_encoder *enc, uint8_t *out)
{
    size_t n = 0;
    if (enc->low < enc->want && enc->low < enc->cur)
        n += hyper_hpack_int_encode(out + n, enc->low, 5, REP_SIZE_UPDATE);
    if (n || enc->want != enc->cur)
        n += hyper_hpack_int_encode(out + n, enc->want, 5, REP_SIZE_UPDATE);
    hyper_hpack_table_set_max(&enc->table, enc->low);
    hyper_hpack_table_set_max(&enc->table, enc->want);
    enc->cur = enc->low = enc->want;
    return n;
}

/* Looks a field up in both tables and classifies it. The static table
 * comes first (a perfect hash): an exact static match needs no hashing at
 * all, and a static name's hash is its index, so only the value is
 * hashed. A field found in the dynamic table is never sensitive (those are
 * never added) nor an exact static match (those are sent as indices and
 * never added), so the order of the two lookups does not change the
 * output. */
static void lookup(const hyper_hpack_encoder *enc, const hyper_hpack_field *f, match *m)
{
    /* A sensitive field is never sent as an index, not even a static one:
     * the peer must see the never-indexed pattern (§6.2.3). A NO_INDEX
     * field is a literal without indexing by contract. */
    int literal = (f->flags & (HYPER_HPACK_NEVER_INDEX | HYPER_HPACK_NO_INDEX)) != 0;
    unsigned sname = 0;
    unsigned sidx = hyper_hpack_static_find(f->name, f->name_len, f->value, f->value_len,
                                            &sname);
    m->index = 0;
    m->static_name = sname;
    m->name_index = sname;
    m->sensitive = is_sensitive(enc, f, sname);
#ifdef ENC_HASH
    m->hashed = 0;
    m->h[0] = m->h[1] = 0; /* set with hashed; zeroed for gcc -Os's flow analysis */
#endif
    if (sidx && !literal && !m->sensitive) {
        m->index = sidx;
        return;
    }
#ifdef ENC_HASH
    if (hyper_hpack_table_count(&enc->table) == 0)
        return;
    hash_field(f->name, f->name_len, sname, f->value, f->value_len, m->h);
    m->hashed = 1;
    if (!literal) {
        size_t d = find(enc, f, KEY_NV, m->h[KEY_NV]);
        if (d) {
            m->index = (unsigned)(HYPER_HPACK_STATIC_COUNT + d);
            return;
        }
    }
    if (sname)
        return;
    size_t d = find(enc, f, KEY_N, m->h[KEY_N]);
    if (d)
        m->name_index = (unsigned)(HYPER_HPACK_STATIC_COUNT + d);
#else
    size_t name_d, d = find_linear(enc, f, literal, &name_d);
    if (d)
        m->index = (unsigned)(HYPER_HPACK_STATIC_COUNT + d);
    else if (!sname && name_d)
        m->name_index = (unsigned)(HYPER_HPACK_STATIC_COUNT + name_d);
#endif
}

/* Adds a field to the table and the hash; nonzero on success. */
static int index_field(hyper_hpack_encoder *enc, const hyper_hpack_field *f, match *m)
{
    if (hyper_hpack_table_add(&enc->table, f->name, f->name_len, f->value,
                              f->value_len) != HYPER_OK)
        return 0;
#ifdef ENC_HASH
    if (!m->hashed) {
        hash_field(f->name, f->name_len, m->static_name, f->value, f->value_len, m->h);
    }
    link_entry(enc->nodes, enc->heads, enc->cap, (uint32_t)(enc->table.inserted - 1), m->h);
#else
    (void)m;
#endif
    return 1;
}

/* Encodes one field; out has room for its share of the bound. */
static size_t put_field(hyper_hpack_encoder *enc, const hyper_hpack_field *f, uint8_t *out)
{
    match m;
    lookup(enc, f, &m);
    if (m.index)
        return put_int(out, m.index, 7, REP_INDEXED);
    /* The name index was taken before any add: the decoder resolves it
     * before inserting (§3.2). */
    size_t n;
    if (m.sensitive)
        n = put_int(out, m.name_index, 4, REP_NEVER);
    else if (should_index(enc, f, m.static_name) && index_field(enc, f, &m))
        n = put_int(out, m.name_index, 6, REP_INCREMENTAL);
    else
        n = put_int(out, m.name_index, 4, REP_NO_INDEX);
    if (!m.name_index)
        n += put_string(out + n, f->name, f->name_len, enc->huffman);
    return n + put_string(out + n, f->value, f->value_len, enc->huffman);
}

/* ---- public API -------------------------------------------------------------- */

int hyper_hpack_encoder_init(hyper_hpack_encoder **enc, const hyper_mem *mem,
                             const hyper_hpack_encoder_opts *opts)
{
    /* Without opts: all zero, which is the default of every member. */
    static const hyper_hpack_encoder_opts defaults = {0, HYPER_HPACK_HUFFMAN_AUTO,
                                                      HYPER_HPACK_INDEXING_AUTO};
    hyper_hpack_encoder_opts o = *(opts ? opts : &defaults);
    void *p;
    if (!enc)
        return HYPER_EINVAL;
    *enc = NULL;
    uint32_t max = o.max_table_size ? o.max_table_size : PROTOCOL_TABLE_SIZE;
    /* AUTO is 0 for both: one unsigned test per range. */
    if ((unsigned)o.huffman > HYPER_HPACK_HUFFMAN_ALWAYS ||
        (unsigned)o.indexing > HYPER_HPACK_INDEXING_NONE)
        return HYPER_EINVAL;
    int rc = hyper_hpack_table_new(&p, mem, sizeof **enc, max);
    if (rc < 0)
        return rc;
    hyper_hpack_encoder *e = p;
    e->max_opt = max;
#ifdef HYPER_CONFIG_NO_HUFFMAN_ENCODER
    o.huffman = HYPER_HPACK_HUFFMAN_NEVER;  /* the policy is accepted, raw is all there is */
#endif
    e->huffman = o.huffman;
    e->indexing = o.indexing;
    /* The peer's decoder starts at the protocol default; we use at most our
     * own maximum, announced in the first block when it differs. The table
     * is empty and want <= its limit: set_max cannot fail. */
    e->cur = PROTOCOL_TABLE_SIZE;
    e->want = e->low = max < PROTOCOL_TABLE_SIZE ? max : PROTOCOL_TABLE_SIZE;
    hyper_hpack_table_set_max(&e->table, e->want);
#ifdef ENC_HASH
    if (hash_reserve(e, e->want) != HYPER_OK) {
        hyper_hpack_table_delete(&e->table, sizeof *e);
        return HYPER_ENOMEM;
    }
#endif
    *enc = e;
    return HYPER_OK;
}

void hyper_hpack_encoder_free(hyper_hpack_encoder *enc)
{
    if (!enc)
        return;
#ifdef ENC_HASH
    hyper_mem_free(enc->table.mem, enc->nodes, enc->nodes ? hash_bytes_for(enc->cap) : 0);
#endif
    hyper_hpack_table_delete(&enc->table, sizeof *enc);
}

int hyper_hpack_encoder_set_peer_table_size(hyper_hpack_encoder *enc, uint32_t size)
{
    if (!enc)
        return HYPER_EINVAL;
    enc->want = size < enc->max_opt ? size : enc->max_opt;
    if (enc->want < enc->low)
        enc->low = enc->want;
    return HYPER_OK;
}

size_t hyper_hpack_encoder_table_size(const hyper_hpack_encoder *enc)
{
    return enc ? hyper_hpack_table_size(&enc->table) : 0;
}

size_t hyper_hpack_encoder_table_count(const hyper_hpack_encoder *enc)
{
    return enc ? hyper_hpack_table_count(&enc->table) : 0;
}

/* a + b, saturating. */
static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Largest encoded length of a string of len octets under the policy, its
 * length prefix aside. */
static size_t string_bound(size_t len, int policy)
{
    if (policy == HYPER_HPACK_HUFFMAN_ALWAYS)
        return len > SIZE_MAX / 30 ? SIZE_MAX : (len * 30 + 7) / 8;
    return len;
}

/* Largest encoding of one field: the index or pattern octets, the two
 * string lengths and both strings (one saturating sum: the same total as
 * summing each string with its prefix first). */
static size_t field_bound(const hyper_hpack_field *f, int policy)
{
    return add_sat(add_sat(3 * HYPER_HPACK_INT_MAX_LEN, string_bound(f->name_len, policy)),
                   string_bound(f->value_len, policy));
}

size_t hyper_hpack_encode_bound(const hyper_hpack_encoder *enc,
                                const hyper_hpack_field *fields, size_t n)
{
    int policy = enc ? enc->huffman : HYPER_HPACK_HUFFMAN_ALWAYS;
    size_t b = 2 * HYPER_HPACK_INT_MAX_LEN; /* two size updates */
    for (size_t i = 0; i < n; i++)
        b = add_sat(b, field_bound(&fields[i], policy));
    return b;
}

long hyper_hpack_encode(hyper_hpack_encoder *enc, const hyper_hpack_field *fields,
                        size_t n, uint8_t *out, size_t cap)
{
    if (!enc || (n && !fields) || (!out && cap))
        return HYPER_EINVAL;
    /* Arguments and the bound in one pass (the bound's sum cannot wrap:
     * each string is at most MAX_STRING); a build for size sums the bound
     * in a second pass, through hyper_hpack_encode_bound. */
    size_t bound = 2 * HYPER_HPACK_INT_MAX_LEN;
    for (size_t i = 0; i < n; i++) {
        const hyper_hpack_field *f = &fields[i];
        if (f->name_len > MAX_STRING || f->value_len > MAX_STRING ||
            (!f->name && f->name_len) || (!f->value && f->value_len))
            return HYPER_EINVAL;
#ifndef __OPTIMIZE_SIZE__
        bound = add_sat(bound, field_bound(f, enc->huffman));
#endif
    }
#ifdef __OPTIMIZE_SIZE__
    bound = hyper_hpack_encode_bound(enc, fields, n);
#endif
    if (cap < bound)
        return HYPER_EBUFFER;
    size_t len = 0;
    if (enc->want != enc->cur || enc->low != enc->cur) {
#ifdef ENC_HASH
        /* The only allocation that can fail the call, made before any
         * change. */
        if (hash_reserve(enc, enc->want) != HYPER_OK)
            return HYPER_ENOMEM;
#endif
        len = put_size_updates(enc, out);
    }
    for (size_t i = 0; i < n; i++)
        len += put_field(enc, &fields[i], out + len);
    return (long)len;
}
