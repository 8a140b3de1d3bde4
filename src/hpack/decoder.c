/*
 * decoder.c — the HPACK decoder (RFC 7541 §3, §4.2, §6): one header field per
 * call, from a header block that may arrive in pieces.
 *
 * Implementation notes:
 *  - Two steps per representation. parse() reads it from contiguous bytes
 *    without side effects: it decodes the integers, resolves the name index,
 *    checks every bound that is known so far, and records where the strings
 *    are; it returns "need N bytes" when the bytes end early. apply() then
 *    decodes Huffman strings, updates the table and fills the field. Because
 *    parse() has no side effects it can be run again on the same bytes.
 *  - Zero copy: when a representation lies wholly inside the caller's piece
 *    its raw strings are returned in place; indexed fields point into the
 *    static or dynamic table; Huffman strings are decoded into `scratch`
 *    (at most max_field_size); a literal with incremental indexing is
 *    returned from the table's own copy.
 *  - Pieces: when a piece ends inside a representation the tail is copied to
 *    `buf`, together with `need`, the length at which parsing can progress
 *    (one more integer octet, or the end of a string whose length is known).
 *    Later pieces are appended only up to `need`, so a representation split
 *    into 1-byte pieces is parsed a handful of times, not once per byte, and
 *    `buf` never holds bytes of the next representation.
 *  - Bounds are checked as soon as a length is known, before any byte of
 *    the string is buffered: a declared string length counts against
 *    max_field_size as it stands on the wire (so a buffered representation
 *    is at most max_field_size + 18 octets) and, decoded, once more; the
 *    list bound (name + value + 32 per field, §4.1's accounting as in
 *    RFC 9113 §6.5.2) uses the shortest length a Huffman string can decode
 *    to until it is decoded.
 *  - Size updates (§4.2): only before the first field of a block, at most
 *    two, never above the limit; when set_max_table_size lowered the limit
 *    below the table's maximum, the next block must carry an update no
 *    larger than the smallest limit set since (checked at its first field or
 *    at its end).
 *  - Any error is sticky: the decoder answers HYPER_EHPACK_BROKEN from then
 *    on (the table may be out of sync with the peer's).
 *  - Speed: the two most common representations skip parse/apply. A
 *    one-octet index is served in a small frame (the general path's frame
 *    cost as much as the field), and a literal with one-octet integers,
 *    lying wholly in the piece, with every bound met by a margin and the
 *    scratch large enough, is read in one pass (literal_fast). Whenever one
 *    of those conditions fails the fast path has changed nothing and the
 *    general path parses the same bytes, so errors are found and reported
 *    exactly as before. Huffman strings are decoded straight into scratch
 *    with one octet of slack, so the table decoder needs no bound checks.
 */
#include <string.h>
#include "common/common.h"
#include "hpack/decoder.h"
#include "hpack/dyntable.h"
#include "hpack/hpack_int.h"
#include "hpack/huffman.h"
#include "hpack/static_table.h"

#define DEFAULT_TABLE 4096
#define DEFAULT_LIST 65536
#define DEFAULT_FIELD 16384
#define DEFAULT_FIELDS 256
#define FIELD_OVERHEAD 32 /* RFC 7541 §4.1 */
/* Longest representation prefix: index, name length and value length. */
#define REP_OVERHEAD (3 * HYPER_HPACK_INT_MAX_LEN)
#define NO_REQUIREMENT ((hyper_hpack_tsize)-1)

/* The parse and apply steps are inlined into the decode loop: a field costs
 * a few dozen instructions, and call overhead would be a good part of it. */
/* A build for size (-Os defines __OPTIMIZE_SIZE__) lets the compiler
 * decide instead: forced inlining of the hot steps costs about 4 KB. */
#ifndef __OPTIMIZE_SIZE__
#define HOT static inline HYPER_ATTR_ALWAYS_INLINE
#define COLD static HYPER_ATTR_NOINLINE
#define SHARED HOT
#else
#define HOT static inline
#define COLD static
/* Steps with several call sites: one copy each in a build for size. */
#define SHARED static HYPER_ATTR_NOINLINE
#endif
#define NOINLINE COLD

enum rep_kind { REP_INDEXED, REP_INCR, REP_NOINDEX, REP_NEVER, REP_UPDATE };

/* A parsed representation; strings are still as on the wire. */
typedef struct rep {
    enum rep_kind kind;
    uint32_t index;        /* table index (0: literal name), or the new size */
    const uint8_t *name;   /* name, name_wire octets (in a table when indexed) */
    const uint8_t *value;  /* value, value_wire octets */
    uint32_t name_wire, value_wire;
    uint8_t name_huff, value_huff;
} rep;

struct hyper_hpack_decoder {
    hyper_hpack_table table;       /* first (hyper_hpack_table_new); its mem is
                                      ours; limit: our SETTINGS_HEADER_TABLE_SIZE */
    hyper_hpack_tsize max_list, max_field, max_fields; /* 32 bits at -Os */
    int err;                       /* first error; nonzero means broken */
    /* The current block. */
    /* 32 bits at -Os: bounded by max_fields, max_list and the table's limit */
    hyper_hpack_tsize fields;      /* fields returned so far */
    hyper_hpack_tsize list_size;   /* sum of name + value + 32 over them */
    unsigned updates;              /* size updates seen (all at the start) */
    uint8_t update_ok;             /* one of them was <= required_max */
    uint8_t in_block;              /* a block started and has not ended */
    uint8_t pending_end;           /* the last field of a final piece was returned */
    /* §4.2: a size update the next block must carry. */
    uint8_t update_required;
    hyper_hpack_tsize required_max; /* smallest limit set since the last block */
    /* A representation split across pieces: buf_len octets, complete or
     * parseable further once buf_len == need (need <= max_field + 18). */
    uint8_t *buf;
    size_t buf_len, buf_cap, need;
    /* Decoded Huffman strings of the current field. */
    uint8_t *scratch;
    size_t scratch_cap;
};

/* ---- life cycle ---------------------------------------------------------- */

/* The options are four 32-bit members (table, list, field, fields), each
 * replaced by its default when zero: one loop instead of four tests. */
_Static_assert(sizeof(hyper_hpack_decoder_opts) == 4 * sizeof(uint32_t), "opts layout");

int hyper_hpack_decoder_init(hyper_hpack_decoder **dec, const hyper_mem *mem,
                             const hyper_hpack_decoder_opts *opts)
{
    static const uint32_t defaults[4] = {DEFAULT_TABLE, DEFAULT_LIST, DEFAULT_FIELD,
                                         DEFAULT_FIELDS};
    uint32_t o[4];
    void *p;
    if (!dec)
        return HYPER_EINVAL;
    for (int i = 0; i < 4; i++) {
        uint32_t v = 0;
        if (opts)
            memcpy(&v, (const char *)opts + 4 * i, 4);
        o[i] = v ? v : defaults[i];
    }
    int rc = hyper_hpack_table_new(&p, mem, sizeof **dec, o[0]);
    *dec = p;
    if (rc < 0)
        return rc;
    hyper_hpack_decoder *d = p;
    d->max_list = o[1];
    d->max_field = o[2];
    d->max_fields = o[3];
    d->required_max = NO_REQUIREMENT;
    return HYPER_OK;
}

void hyper_hpack_decoder_free(hyper_hpack_decoder *dec)
{
    if (!dec)
        return;
    hyper_mem_free(dec->table.mem, dec->buf, dec->buf_cap);
    hyper_mem_free(dec->table.mem, dec->scratch, dec->scratch_cap);
    hyper_hpack_table_delete(&dec->table, sizeof *dec);
}

int hyper_hpack_decoder_set_max_table_size(hyper_hpack_decoder *dec, uint32_t size)
{
    if (dec->err)
        return HYPER_EHPACK_BROKEN;
    if (dec->in_block)
        return HYPER_ESTATE;
    int rc = hyper_hpack_table_set_limit(&dec->table, size);
    if (rc < 0)
        return rc;
    /* §4.2: a smaller limit than the table's maximum needs the peer's
     * acknowledgement in the form of a size update. */
    if (size < dec->table.max_size) {
        dec->update_required = 1;
        if (size < dec->required_max)
            dec->required_max = size;
    }
    return HYPER_OK;
}

size_t hyper_hpack_decoder_table_size(const hyper_hpack_decoder *dec)
{
    return hyper_hpack_table_size(&dec->table);
}

size_t hyper_hpack_decoder_table_count(const hyper_hpack_decoder *dec)
{
    return hyper_hpack_table_count(&dec->table);
}

const hyper_hpack_table *hyper_hpack_decoder_table(const hyper_hpack_decoder *dec)
{
    return &dec->table;
}

/* ---- parse: one representation, no side effects ------------------------- */

/* Reads an integer at p[*pos] with a `bits` prefix. 1 done, 0 need more
 * (need set), < 0 error. */
HOT int read_int(const uint8_t *p, size_t n, size_t *pos, unsigned bits, uint32_t *v,
                    size_t *need)
{
#ifndef __OPTIMIZE_SIZE__ /* one octet without the call; -Os calls for all */
    if (*pos >= n) {
        *need = *pos + 1;
        return 0;
    }
    uint8_t mask = (uint8_t)((1u << bits) - 1);
    if ((p[*pos] & mask) != mask) {
        *v = p[*pos] & mask;
        (*pos)++;
        return 1;
    }
#endif
    /* At the end of p (*pos == n) this answers 0 too: need = n + 1. */
    int rc = hyper_hpack_int_decode(p + *pos, n - *pos, bits, v);
    if (rc == 0) {
        *need = n + 1;
        return 0;
    }
    if (rc < 0)
        return rc;
    *pos += (size_t)rc;
    return 1;
}

/* Shortest decoded length of a string (Huffman codes are at most 30 bits). */
HOT size_t min_len(uint32_t wire, int huff)
{
    return huff ? (size_t)wire * 8 / 30 : wire;
}

/* Name and value of table index i (1-based, static then dynamic) into f;
 * the index has been checked against the table. Three callers: a build
 * for size keeps one copy. */
SHARED void lookup(const hyper_hpack_decoder *dec, uint32_t i, hyper_hpack_field *f)
{
    if (i <= HYPER_HPACK_STATIC_COUNT) {
        hyper_hpack_static_get(i, &f->name, &f->name_len, &f->value, &f->value_len);
    } else {
        hyper_hpack_table_get(&dec->table, i - HYPER_HPACK_STATIC_COUNT, &f->name,
                              &f->name_len, &f->value, &f->value_len);
    }
}

/* Checks that hold before any field representation of a block. */
HOT int check_field_start(const hyper_hpack_decoder *dec)
{
    if (dec->update_required && !dec->update_ok)
        return HYPER_EHPACK_SIZE_UPDATE_MISSING;
    if (dec->fields >= dec->max_fields)
        return HYPER_EHPACK_FIELD_COUNT;
    return HYPER_OK;
}

/* Reads a string's header (H bit and length) and checks the bounds:
 * `before_wire` and *min are what the field already holds (wire and
 * shortest decoded); the string's shortest decoding is added to *min. */
HOT int read_string(const hyper_hpack_decoder *dec, const uint8_t *p, size_t n,
                       size_t *pos, uint32_t *len, uint8_t *huff, size_t before_wire,
                       size_t *min, size_t *need)
{
    size_t at = *pos;
    int rc = read_int(p, n, pos, 7, len, need);
    if (rc <= 0)
        return rc;
    *huff = (uint8_t)(p[at] >> 7);
    if (*len > dec->max_field || before_wire + *len > dec->max_field)
        return HYPER_EHPACK_FIELD_SIZE;
    *min += min_len(*len, *huff);
    if (dec->list_size + *min + FIELD_OVERHEAD > dec->max_list)
        return HYPER_EHPACK_LIST_SIZE;
    if (n - *pos < *len) {
        *need = *pos + *len;
        return 0;
    }
    return 1;
}

/* The rest of a literal (§6.2) after its first integer, r->index, which
 * ends at pos: the name unless indexed, then the value. */
HOT int parse_literal(const hyper_hpack_decoder *dec, const uint8_t *p, size_t n,
                      size_t pos, rep *r, size_t *need)
{
    size_t name_wire = 0, name_min = 0;
    int rc;
    r->name_huff = r->value_huff = 0;
    r->name_wire = 0;
    r->name = NULL;
    if (r->index) {
        /* The table's name, raw: apply() follows before the table changes. */
        hyper_hpack_field t;
        lookup(dec, r->index, &t);
        r->name = (const uint8_t *)t.name;
        name_wire = t.name_len;
        r->name_wire = (uint32_t)name_wire; /* <= the table's limit, 2^30 */
        name_min = name_wire;
    } else {
        rc = read_string(dec, p, n, &pos, &r->name_wire, &r->name_huff, 0, &name_min, need);
        if (rc <= 0)
            return rc;
        r->name = p + pos;
        pos += r->name_wire;
        name_wire = r->name_wire;
    }
    rc = read_string(dec, p, n, &pos, &r->value_wire, &r->value_huff, name_wire, &name_min,
                     need);
    if (rc <= 0)
        return rc;
    r->value = p + pos;
    pos += r->value_wire;
    if (pos > (size_t)dec->max_field + REP_OVERHEAD)
        return HYPER_EHPACK_FIELD_SIZE; /* cannot happen: the strings are bounded */
    return (int)pos;
}

/*
 * Parses one representation from p[0..n), n >= 1. Returns its length (> 0)
 * and fills r; 0 when n ends inside it (*need = the length worth waiting
 * for); or a negative error. Every representation starts with an integer
 * (an index or a size) under a prefix that tells the kind.
 */
HOT int parse(const hyper_hpack_decoder *dec, const uint8_t *p, size_t n, rep *r,
              size_t *need)
{
    uint8_t b = p[0];
    unsigned bits;
    size_t pos = 0;
    int rc;
    if ((b & 0xe0) == 0x20) { /* 001xxxxx dynamic table size update, §6.3 */
        /* §4.2: updates come first in a block, and at most two (a decrease
         * and the final size). */
        if (dec->fields > 0)
            return HYPER_EHPACK_SIZE_UPDATE_POSITION;
        if (dec->updates >= 2)
            return HYPER_EHPACK_TOO_MANY_SIZE_UPDATES;
        r->kind = REP_UPDATE;
        bits = 5;
    } else {
        if ((rc = check_field_start(dec)) < 0)
            return rc;
        if (b & 0x80) { /* 1xxxxxxx indexed field, §6.1 */
            r->kind = REP_INDEXED;
            bits = 7;
        } else if (b & 0x40) { /* 01xxxxxx literal with incremental indexing, §6.2.1 */
            r->kind = REP_INCR;
            bits = 6;
        } else { /* 0000xxxx without indexing (§6.2.2), 0001xxxx never indexed (§6.2.3) */
            r->kind = (b & 0x10) ? REP_NEVER : REP_NOINDEX;
            bits = 4;
        }
    }
    rc = read_int(p, n, &pos, bits, &r->index, need);
    if (rc <= 0)
        return rc;
    if (r->kind == REP_UPDATE)
        return r->index > dec->table.limit ? HYPER_EHPACK_SIZE_UPDATE_LIMIT : (int)pos;
    /* An index into either table (0: a literal's new name). */
    if (r->index > HYPER_HPACK_STATIC_COUNT + hyper_hpack_table_count(&dec->table))
        return HYPER_EHPACK_INDEX;
    if (r->kind == REP_INDEXED)
        return r->index ? (int)pos : HYPER_EHPACK_INDEX_ZERO;
    return parse_literal(dec, p, n, pos, r, need);
}

/* ---- apply: decode strings, update the table, fill the field ------------- */

static inline int ensure(const hyper_mem *mem, uint8_t **p, size_t *cap, size_t want)
{
    if (want <= *cap)
        return HYPER_OK;
    uint8_t *np = *p ? hyper_mem_realloc(mem, *p, *cap, want) : hyper_mem_alloc(mem, want);
    if (!np)
        return HYPER_ENOMEM;
    *p = np;
    *cap = want;
    return HYPER_OK;
}

/* Counts a complete field against the block's bounds. */
HOT int account(hyper_hpack_decoder *dec, const hyper_hpack_field *f)
{
    size_t fs = f->name_len + f->value_len;
    if (fs > dec->max_field)
        return HYPER_EHPACK_FIELD_SIZE;
    if (dec->list_size + fs + FIELD_OVERHEAD > dec->max_list)
        return HYPER_EHPACK_LIST_SIZE;
    dec->list_size += fs + FIELD_OVERHEAD;
    dec->fields++;
    return 1;
}

/* Decodes a Huffman string into scratch at *used, refusing more than
 * `room` octets. scratch has room + 1 octets there: the extra one lets
 * the Huffman decoder store two symbols per step without bound checks. */
HOT int huffman(hyper_hpack_decoder *dec, const uint8_t *s, uint32_t len, size_t room,
                   size_t *used, const char **out, size_t *out_len)
{
    if (len == 0) { /* scratch may still be NULL */
        *out = "";
        *out_len = 0;
        return HYPER_OK;
    }
    /* The common case, room for the longest output: cap = room + 1 (the
     * slack octet) takes the table decoder. Otherwise the exact room makes
     * it check every octet. */
    size_t cap = room + (HYPER_HUFFMAN_DECODED_MAX((uint64_t)len) <= room);
    long n;
#ifndef __OPTIMIZE_SIZE__
    if (cap > room) /* the table decoder straight away: one test less */
        n = hyper_huffman_decode_fast(s, len, dec->scratch + *used);
    else
#endif
        n = hyper_huffman_decode(s, len, dec->scratch + *used, cap);
    if (n < 0) /* HYPER_EBUFFER: decodes to more than the field bound */
        return n == HYPER_EBUFFER ? HYPER_EHPACK_FIELD_SIZE : (int)n;
    *out = (const char *)dec->scratch + *used;
    *out_len = (size_t)n;
    *used += (size_t)n;
    return HYPER_OK;
}

HOT size_t huff_max(uint32_t wire, size_t bound)
{
    uint64_t m = HYPER_HUFFMAN_DECODED_MAX((uint64_t)wire);
    return m < bound ? (size_t)m : bound;
}

/* One string of a literal: in place, or Huffman-decoded into scratch
 * (refusing more than `bound` octets). Called twice per literal: a build
 * for size keeps one copy. */
SHARED int string_out(hyper_hpack_decoder *dec, const uint8_t *s, uint32_t wire, uint8_t huff,
                   size_t bound, size_t *used, const char **out, size_t *out_len)
{
    if (huff)
        return huffman(dec, s, wire, huff_max(wire, bound), used, out, out_len);
    *out = (const char *)s;
    *out_len = wire;
    return HYPER_OK;
}

/* The strings of a literal: in place (in the input or, for an indexed name,
 * in a table), or Huffman-decoded. */
HOT int literal_strings(hyper_hpack_decoder *dec, const rep *r, hyper_hpack_field *f)
{
    /* Scratch for both strings' longest decodings, the field bound at most
     * (+ 1: the decoder's slack octet, see huffman()). */
    size_t used = 0;
    uint64_t want = HYPER_HUFFMAN_DECODED_MAX((uint64_t)r->name_wire * r->name_huff) +
                    HYPER_HUFFMAN_DECODED_MAX((uint64_t)r->value_wire * r->value_huff);
    if (want > dec->max_field)
        want = dec->max_field;
    int rc = ensure(dec->table.mem, &dec->scratch, &dec->scratch_cap, (size_t)want + 1);
    if (rc < 0)
        return rc;
    rc = string_out(dec, r->name, r->name_wire, r->name_huff, dec->max_field, &used,
                    &f->name, &f->name_len);
    if (rc < 0)
        return rc;
    if (f->name_len > dec->max_field)
        return HYPER_EHPACK_FIELD_SIZE;
    return string_out(dec, r->value, r->value_wire, r->value_huff,
                      dec->max_field - f->name_len, &used, &f->value, &f->value_len);
}

HOT int field_done(hyper_hpack_decoder *dec, enum rep_kind kind, hyper_hpack_field *f);

/* Carries out a parsed representation. 1: field filled; 0: size update. */
HOT int apply(hyper_hpack_decoder *dec, const rep *r, hyper_hpack_field *f)
{
    if (r->kind == REP_UPDATE) {
        int rc = hyper_hpack_table_set_max(&dec->table, r->index);
        if (rc < 0)
            return rc;
        dec->updates++;
        if (r->index <= dec->required_max)
            dec->update_ok = 1;
        return 0;
    }
    int rc;
    f->flags = 0;
    if (r->kind == REP_INDEXED)
        lookup(dec, r->index, f);
    else if ((rc = literal_strings(dec, r, f)) < 0)
        return rc;
    return field_done(dec, r->kind, f);
}

/* A field whose strings are in f: counts it, then does the indexing its
 * representation asks for (§6.2; none for an indexed one). 1 or an error. */
HOT int field_done(hyper_hpack_decoder *dec, enum rep_kind kind, hyper_hpack_field *f)
{
    int rc = account(dec, f);
    if (rc < 0)
        return rc;
    if (kind == REP_NEVER) {
        f->flags = HYPER_HPACK_NEVER_INDEX;
    } else if (kind == REP_INCR) {
        uint64_t before = dec->table.inserted;
        rc = hyper_hpack_table_add(&dec->table, f->name, f->name_len, f->value, f->value_len);
        if (rc < 0)
            return rc;
        /* Return the table's copy: an indexed name may have moved. An entry
         * too large for the table empties it (§4.4) and the strings stay. */
        if (dec->table.inserted != before)
            lookup(dec, HYPER_HPACK_STATIC_COUNT + 1, f);
    }
    return 1;
}

/* ---- the block: pieces, buffering, end ---------------------------------- */

static int fail(hyper_hpack_decoder *dec, int err)
{
    dec->err = err;
    return err;
}

/* The block ended with its final piece: §4.2's requirement must be met. */
static int finish_block(hyper_hpack_decoder *dec)
{
    if (dec->update_required && !dec->update_ok)
        return HYPER_EHPACK_SIZE_UPDATE_MISSING;
    if (dec->update_ok) {
        dec->update_required = 0;
        dec->required_max = NO_REQUIREMENT;
    }
    dec->fields = 0;
    dec->list_size = 0;
    dec->updates = 0;
    dec->update_ok = 0;
    dec->in_block = 0;
    return HYPER_OK;
}

/* The end of a call that used `pos` octets of the piece and returns a
 * field (1) or none (0). The final piece used up ends the block. */
static int call_out(hyper_hpack_decoder *dec, size_t pos, size_t len, int final,
                    size_t *consumed, int field)
{
    *consumed = pos;
    if (final && pos == len) {
        int rc = finish_block(dec);
        if (rc < 0)
            return fail(dec, rc);
        /* After the block's last field, take the caller's closing call (no
         * bytes, final) as a no-op. */
        dec->pending_end = (uint8_t)field;
    }
    return field;
}

/* Buffers a representation that a piece does not complete: makes room
 * for `need` octets, appends the piece's bytes up to there and parses
 * again each time `need` is reached. A representation met in this piece
 * starts with buf_len 0 and the need its parse gave; one left from an
 * earlier piece resumes with dec->need. 1: complete in r; 0: the piece is
 * used up; < 0 error. */
static int feed(hyper_hpack_decoder *dec, const uint8_t *in, size_t len, size_t *pos,
                rep *r, size_t need)
{
    for (;;) {
        int rc = ensure(dec->table.mem, &dec->buf, &dec->buf_cap, need);
        if (rc < 0)
            return rc;
        dec->need = need;
        size_t take = need - dec->buf_len;
        if (take > len - *pos)
            take = len - *pos;
        if (take) {
            memcpy(dec->buf + dec->buf_len, in + *pos, take);
            dec->buf_len += take;
            *pos += take;
        }
        if (dec->buf_len < need)
            return 0;
        need = 0;
        rc = parse(dec, dec->buf, dec->buf_len, r, &need);
        if (rc != 0)
            return rc < 0 ? rc : 1; /* rc == buf_len: need never overshoots */
    }
}

#ifndef __OPTIMIZE_SIZE__ /* a speed path only: see hyper_hpack_decode */
/* The common case inline: a one-octet index (§6.1) into either table. */
HOT int indexed_small(hyper_hpack_decoder *dec, uint32_t i, hyper_hpack_field *f)
{
    int rc = check_field_start(dec);
    if (rc < 0)
        return rc;
    if (i <= HYPER_HPACK_STATIC_COUNT) {
        hyper_hpack_static_get(i, &f->name, &f->name_len, &f->value, &f->value_len);
    } else if (hyper_hpack_table_get(&dec->table, i - HYPER_HPACK_STATIC_COUNT, &f->name,
                                     &f->name_len, &f->value, &f->value_len) < 0) {
        return HYPER_EHPACK_INDEX;
    }
    f->flags = 0;
    return account(dec, f);
}
#endif

/* hyper_hpack_decode, all cases. */
COLD int decode_general(hyper_hpack_decoder *dec, const uint8_t *in, size_t len, int final,
                        hyper_hpack_field *field, size_t *consumed)
{
    size_t pos = 0;
    rep r;
    int rc = 0;
    *consumed = 0;
    if (dec->err)
        return HYPER_EHPACK_BROKEN;
    if (dec->pending_end) {
        dec->pending_end = 0;
        if (len == 0 && final)
            return 0;
    }
    dec->in_block = 1;
    do {
        /* A representation left from the last piece first, then this one's;
         * one this piece does not complete is buffered (feed). */
        size_t need = dec->need;
        int fresh = dec->buf_len == 0;
        if (fresh) {
            if (pos == len)
                break; /* the piece is used up: no field */
            rc = parse(dec, in + pos, len - pos, &r, &need);
            if (rc > 0)
                pos += (size_t)rc;
            else if (rc == 0)
                *consumed = len;
        }
        if (!fresh || (rc == 0 && !final)) {
            rc = feed(dec, in, len, &pos, &r, need);
            if (rc != 0)
                dec->buf_len = 0; /* its bytes stay valid for the field until the next call */
        }
        if (rc == 0) { /* the piece ends inside a representation */
            *consumed = len;
            return final ? fail(dec, HYPER_EHPACK_TRUNCATED) : 0;
        }
        if (rc > 0)
            rc = apply(dec, &r, field);
        if (rc < 0)
            return fail(dec, rc);
    } while (rc != 1); /* 0: a size update, go on */
    return call_out(dec, pos, len, final, consumed, rc == 1);
}

/* ---- the common literal in one pass ---------------------------------------- */
#ifndef __OPTIMIZE_SIZE__ /* a speed path only: see hyper_hpack_decode */

/* A string with a one-octet length (< 127) lying wholly in in[*pos..len);
 * 0 otherwise. */
HOT int short_string(const uint8_t *in, size_t len, size_t *pos, const uint8_t **s,
                     uint32_t *wire, int *huff)
{
    if (*pos >= len)
        return 0;
    uint8_t b = in[*pos];
    uint32_t l = b & 0x7fu;
    if (l == 0x7f || len - *pos - 1 < l)
        return 0;
    *huff = b >> 7;
    *wire = l;
    *s = in + *pos + 1;
    *pos += 1 + l;
    return 1;
}

/* A string of the field: in place, or Huffman-decoded into scratch at
 * *used, whose room the caller checked. */
HOT int fast_string(hyper_hpack_decoder *dec, const uint8_t *s, uint32_t wire, int huff,
                    size_t *used, const char **out, size_t *out_len)
{
    if (!huff) {
        *out = (const char *)s;
        *out_len = wire;
        return HYPER_OK;
    }
    long n = hyper_huffman_decode_fast(s, wire, dec->scratch + *used);
    if (n < 0)
        return (int)n;
    *out = (const char *)dec->scratch + *used;
    *out_len = (size_t)n;
    *used += (size_t)n;
    return HYPER_OK;
}

/*
 * The common literal (§6.2) in one pass, without the rep of parse/apply:
 * one-octet integers, the whole representation in this piece, every bound
 * met with room to spare and the scratch already large enough. Returns
 * the representation's length; 0 when any of that does not hold (nothing
 * was changed, and the general path parses the bytes again and reports the
 * exact error, so both paths answer alike); or an error of the strings or
 * the table, which the general path would meet at the same point.
 */
NOINLINE int literal_fast(hyper_hpack_decoder *dec, const uint8_t *in, size_t len,
                          hyper_hpack_field *f)
{
    uint8_t b = in[0];
    enum rep_kind kind = (b & 0x40) ? REP_INCR : (b & 0x10) ? REP_NEVER : REP_NOINDEX;
    uint32_t mask = (b & 0x40) ? 0x3f : 0x0f, idx = b & mask, vw, nw = 0;
    const uint8_t *ns = NULL, *vs;
    int nh = 0, vh, rc;
    size_t pos = 1, used = 0, name_out;
    if (idx == mask || check_field_start(dec) < 0)
        return 0;
    if (idx) {
        if (idx > HYPER_HPACK_STATIC_COUNT + hyper_hpack_table_count(&dec->table))
            return 0;
        lookup(dec, idx, f); /* the value is replaced below */
        name_out = f->name_len; /* also its "wire" length for the bounds */
    } else {
        if (!short_string(in, len, &pos, &ns, &nw, &nh))
            return 0;
        name_out = nh ? HYPER_HUFFMAN_DECODED_MAX((size_t)nw) : nw;
    }
    if (!short_string(in, len, &pos, &vs, &vw, &vh))
        return 0;
    size_t name_wire = idx ? name_out : nw;
    size_t value_out = vh ? HYPER_HUFFMAN_DECODED_MAX((size_t)vw) : vw;
    size_t want = (nh ? name_out : 0) + (vh ? value_out : 0);
    /* Stronger than the general path's checks before decoding (wire
     * lengths, shortest decodings), and every decoded string fits. */
    if (name_wire + vw > dec->max_field || name_out + value_out > dec->max_field ||
        dec->list_size + name_wire + vw + FIELD_OVERHEAD > dec->max_list ||
        want + 1 > dec->scratch_cap)
        return 0;
    if (!idx && (rc = fast_string(dec, ns, nw, nh, &used, &f->name, &f->name_len)) < 0)
        return rc;
    if ((rc = fast_string(dec, vs, vw, vh, &used, &f->value, &f->value_len)) < 0)
        return rc;
    f->flags = 0;
    rc = field_done(dec, kind, f);
    return rc < 0 ? rc : (int)pos;
}
#endif

int hyper_hpack_decode(hyper_hpack_decoder *dec, const uint8_t *in, size_t len,
                       int final, hyper_hpack_field *field, size_t *consumed)
{
    /* The most common representation, a one-octet index, in a small frame:
     * the general path's frame costs as much as the field itself. A build
     * for size leaves both fast paths out: the general path gives the same
     * answers. */
#ifndef __OPTIMIZE_SIZE__
    if (len > 0 && !(dec->err | dec->pending_end | dec->buf_len)) {
        uint8_t b = in[0];
        if (b > 0x80 && b < 0xff) {
            dec->in_block = 1;
            int rc = indexed_small(dec, b & 0x7fu, field);
            if (rc < 0) {
                *consumed = 0;
                return fail(dec, rc);
            }
            return call_out(dec, 1, len, final, consumed, 1);
        }
        if (b < 0x80 && (b & 0xe0) != 0x20) { /* a literal, §6.2 */
            dec->in_block = 1;
            int rc = literal_fast(dec, in, len, field);
            if (rc > 0)
                return call_out(dec, (size_t)rc, len, final, consumed, 1);
            if (rc < 0) {
                *consumed = 0;
                return fail(dec, rc);
            }
        }
    }
#endif
    return decode_general(dec, in, len, final, field, consumed);
}
