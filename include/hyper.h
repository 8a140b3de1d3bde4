/*
 * hyper.h — the one public header of hyper, an HTTP/2 client library in C
 * with transparent HTTP/1.1 fallback.
 *
 * Conventions that hold for every function below:
 *  - Functions return 0 (HYPER_OK) or a positive count on success and a
 *    negative enum hyper_error on failure. "Need more bytes" is not an error.
 *  - Every allocation goes through the hyper_mem given at creation; NULL
 *    means the default (malloc/realloc/free).
 *  - Names and values are octet strings with explicit lengths (const char *
 *    plus size_t); they are never assumed to be NUL-terminated unless a
 *    parameter says "C string".
 *  - Pointers handed out by an object are valid until the next call that
 *    the function's documentation names, never longer than the object.
 *
 * Sections: 1 basics (errors, memory) · 2 header map · 3 engine events ·
 * 4 HPACK · 5 HTTP/2 protocol constants · 6 HTTP/2 engine · 7 HTTP/1.1 engine ·
 * 8 content decoding.
 */
#ifndef HYPER_H
#define HYPER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HYPER_VERSION "0.1.0"

/* ========================================================================
 * 1. Basics: errors and memory
 * ====================================================================== */

/*
 * Every error hyper reports. Values are grouped by layer; hyper_strerror()
 * gives a one-line English description of each.
 */
enum hyper_error {
    HYPER_OK = 0,

    /* -- general (-1 .. -19) -- */
    HYPER_ENOMEM = -1,           /* the allocator refused a request */
    HYPER_EINVAL = -2,           /* an argument is invalid */
    HYPER_EBUFFER = -3,          /* the caller's output buffer is too small */
    HYPER_ELIMIT = -4,           /* a configured bound would be exceeded */
    HYPER_ESTATE = -5,           /* the call is not allowed in this state */
    HYPER_ENOTFOUND = -6,        /* no such item (header, stream, ...) */

    /* -- HPACK, RFC 7541 (-20 .. -49); all are COMPRESSION_ERROR on HTTP/2 -- */
    HYPER_EHPACK_INDEX_ZERO = -20,       /* index 0 is never valid (§6.1) */
    HYPER_EHPACK_INDEX = -21,            /* index past the static + dynamic table */
    HYPER_EHPACK_INT_OVERFLOW = -22,     /* integer larger than 2^32-1 */
    HYPER_EHPACK_INT_OVERLONG = -23,     /* integer with redundant continuation octets */
    HYPER_EHPACK_TRUNCATED = -24,        /* header block ends inside a representation */
    HYPER_EHPACK_HUFFMAN_EOS = -25,      /* EOS symbol inside a Huffman string (§5.2) */
    HYPER_EHPACK_HUFFMAN_PADDING = -26,  /* Huffman padding longer than 7 bits */
    HYPER_EHPACK_HUFFMAN_PADDING_BITS = -27, /* Huffman padding not all ones */
    HYPER_EHPACK_SIZE_UPDATE_LIMIT = -28,    /* table size update above our limit */
    HYPER_EHPACK_SIZE_UPDATE_POSITION = -29, /* size update after a field (§4.2) */
    HYPER_EHPACK_SIZE_UPDATE_MISSING = -30,  /* our limit went down, block lacks the update */
    HYPER_EHPACK_FIELD_SIZE = -31,       /* one field larger than the field bound */
    HYPER_EHPACK_LIST_SIZE = -32,        /* header list larger than its bound */
    HYPER_EHPACK_FIELD_COUNT = -33,      /* more fields than the field-count bound */
    HYPER_EHPACK_BROKEN = -34,           /* context unusable after an earlier error */
    HYPER_EHPACK_TOO_MANY_SIZE_UPDATES = -35, /* more than two size updates in a row */
    /* (HPACK owners: add new codes above this line, before -50) */

    /* -- HTTP/2 frames and session (-50 .. -99) -- */
    /* (frame/stream owners: add codes here) */

    /* -- HTTP/1.1 (-100 .. -129) -- */
    /* (h1 owner: add codes here) */

    /* -- content decoding (-130 .. -149) -- */
    /* (content owner: add codes here) */

    /* -- transport and TLS (-150 .. -179), connection (-180 .. -199): later -- */
};

/* A one-line description of an error code; never NULL ("unknown error" for
 * values hyper does not define). The string is static. */
const char *hyper_strerror(int err);

/* The name of the error constant ("HYPER_EHPACK_INDEX"); static, never NULL. */
const char *hyper_strerror_name(int err);

/*
 * The allocator every hyper object takes at creation. Sizes are passed back
 * on realloc and free so arenas and counting allocators need no headers.
 *  - alloc(ctx, size) returns NULL on failure; size is never 0.
 *  - realloc(ctx, ptr, old_size, new_size): ptr came from this allocator with
 *    old_size; returns NULL on failure and then leaves ptr untouched.
 *  - free(ctx, ptr, size): ptr may be NULL (then size is 0).
 */
typedef struct hyper_mem {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t old_size, size_t new_size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} hyper_mem;

/* The default allocator (malloc, realloc, free). Static; never NULL. */
const hyper_mem *hyper_mem_default(void);

/* ========================================================================
 * 2. Header map
 *
 * Ordered, case-insensitive on names (ASCII), multi-valued, raw bytes. Used
 * for responses, trailers and push promises on both HTTP/2 and HTTP/1.1.
 * Names are stored as given; lookups compare them case-insensitively.
 * ====================================================================== */

typedef struct hyper_headers hyper_headers;

/* Creates an empty map. Returns NULL when the allocator fails. */
hyper_headers *hyper_headers_new(const hyper_mem *mem);
/* Frees the map and every string it holds. NULL is a no-op. */
void hyper_headers_free(hyper_headers *h);

/* Appends a field (copies both strings). HYPER_ENOMEM on failure. */
int hyper_headers_add(hyper_headers *h, const char *name, size_t name_len,
                      const char *value, size_t value_len);
/* Replaces every field of that name by one field (appended at the end if
 * none existed, else at the place of the first one). */
int hyper_headers_set(hyper_headers *h, const char *name, size_t name_len,
                      const char *value, size_t value_len);
/* Removes every field of that name; returns how many were removed. */
int hyper_headers_remove(hyper_headers *h, const char *name, size_t name_len);

/* Number of fields in the map. */
size_t hyper_headers_count(const hyper_headers *h);
/* Field number i in order (0-based). HYPER_ENOTFOUND past the end. Pointers
 * are valid until the map is changed or freed. */
int hyper_headers_at(const hyper_headers *h, size_t i, const char **name,
                     size_t *name_len, const char **value, size_t *value_len);
/* The index-th value (0-based, in order) of the fields named `name` (a C
 * string, compared case-insensitively). HYPER_ENOTFOUND if there is none.
 * Pointers are valid until the map is changed or freed. */
int hyper_headers_get(const hyper_headers *h, const char *name, size_t index,
                      const char **value, size_t *value_len);
/* How many fields are named `name` (C string, case-insensitive). */
size_t hyper_headers_get_count(const hyper_headers *h, const char *name);

/* (header-map owner: declare the comma-splitting helper and anything else
 * the map needs here) */

/* ========================================================================
 * 3. Engine events
 *
 * Both engines (HTTP/2 in section 6, HTTP/1.1 in section 7) report what
 * happened as a queue of these records, pulled one at a time.
 * ====================================================================== */

typedef enum hyper_event_type {
    HYPER_EVENT_NONE = 0,        /* queue empty */
    HYPER_EVENT_HEADERS,         /* final response head: status, headers */
    HYPER_EVENT_INFORMATIONAL,   /* a 1xx head: status, headers */
    HYPER_EVENT_DATA,            /* response body bytes: data, len, flow_len */
    HYPER_EVENT_TRAILERS,        /* trailer fields: headers */
    HYPER_EVENT_END,             /* the response is complete */
    HYPER_EVENT_RESET,           /* the stream was reset: error, error_code */
    HYPER_EVENT_PUSH_PROMISE,    /* promised_id, headers (the promised request) */
    HYPER_EVENT_SETTINGS,        /* the peer's SETTINGS were applied */
    HYPER_EVENT_SETTINGS_ACK,    /* the peer acknowledged our SETTINGS */
    HYPER_EVENT_PING_ACK,        /* our PING came back: opaque */
    HYPER_EVENT_GOAWAY,          /* last_stream_id, error_code, data/len = debug data */
    HYPER_EVENT_ERROR,           /* connection error: error, error_code; the engine is dead */
    HYPER_EVENT_UPGRADE          /* HTTP/1.1 only: 101 Switching Protocols to h2c */
} hyper_event_type;

/*
 * One event. Fields not listed for a type are zero.
 *  stream_id   HTTP/2 stream id; on HTTP/1.1 the request's sequence number
 *              (1 for the first request on the connection, then 2, ...).
 *  headers     for HEADERS, INFORMATIONAL, TRAILERS, PUSH_PROMISE: ownership
 *              passes to the caller, who frees it with hyper_headers_free.
 *  data, len   for DATA: body bytes (after removing padding), valid until the
 *              next call into the engine; for GOAWAY: debug data.
 *  flow_len    for DATA: bytes that count against flow control (padding
 *              included); give them back with the engine's consume call.
 *  end_stream  for HEADERS, DATA, TRAILERS: the stream ends with this event
 *              (an END event follows as well).
 *  error       a negative hyper_error for RESET and ERROR.
 *  error_code  the RFC 9113 error code sent or received, for RESET, GOAWAY, ERROR.
 */
typedef struct hyper_event {
    hyper_event_type type;
    int32_t stream_id;
    int status;
    hyper_headers *headers;
    const uint8_t *data;
    size_t len;
    size_t flow_len;
    int end_stream;
    int error;
    uint32_t error_code;
    int32_t promised_id;
    int32_t last_stream_id;
    uint8_t opaque[8];
} hyper_event;

/* ========================================================================
 * 4. HPACK (RFC 7541)
 *
 * A decoder and an encoder, each one compression context. Usable on their
 * own by programs that only want HPACK. All memory comes from the hyper_mem
 * given at init, and is bounded by the options.
 * ====================================================================== */

typedef struct hyper_hpack_decoder hyper_hpack_decoder;
typedef struct hyper_hpack_encoder hyper_hpack_encoder;

/* Field flags. */
#define HYPER_HPACK_NEVER_INDEX 0x1  /* sensitive: never-indexed literal (§6.2.3) */
#define HYPER_HPACK_NO_INDEX    0x2  /* encoder: do not add to the dynamic table */

/* One header field. name/value are octet strings (no NUL terminator). */
typedef struct hyper_hpack_field {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    unsigned flags;
} hyper_hpack_field;

/* Decoder bounds. A zero member means its default. */
typedef struct hyper_hpack_decoder_opts {
    uint32_t max_table_size;       /* our SETTINGS_HEADER_TABLE_SIZE (default 4096) */
    uint32_t max_header_list_size; /* sum of name+value+32 per field (default 65536) */
    uint32_t max_field_size;       /* name+value of one field (default 16384) */
    uint32_t max_fields;           /* fields per block (default 256) */
} hyper_hpack_decoder_opts;

/*
 * Creates a decoder. opts may be NULL (all defaults). Returns HYPER_OK and
 * stores *dec, or HYPER_ENOMEM / HYPER_EINVAL.
 */
int hyper_hpack_decoder_init(hyper_hpack_decoder **dec, const hyper_mem *mem,
                             const hyper_hpack_decoder_opts *opts);
/* Frees the decoder and its table. NULL is a no-op. */
void hyper_hpack_decoder_free(hyper_hpack_decoder *dec);

/*
 * Sets the largest dynamic table the peer may use (our
 * SETTINGS_HEADER_TABLE_SIZE, once the peer acknowledged it). When it goes
 * below the table's current maximum, the next block must start with a size
 * update no larger than it (RFC 7541 §4.2), or decoding fails with
 * HYPER_EHPACK_SIZE_UPDATE_MISSING. Call between blocks only.
 */
int hyper_hpack_decoder_set_max_table_size(hyper_hpack_decoder *dec, uint32_t size);

/*
 * Decodes the next field of a header block, which may arrive in pieces (as
 * HEADERS + CONTINUATION frames deliver it).
 *  in, len    the bytes of the block not given before (a piece of it)
 *  final      nonzero if this piece ends the block
 *  field      filled when a field is returned; its strings point into `in`
 *             or into the decoder and are valid until the next call on dec
 *             (flags has HYPER_HPACK_NEVER_INDEX for never-indexed literals)
 *  consumed   always set: how many bytes of `in` were used
 * Returns 1 when a field was decoded (call again with in + consumed);
 * 0 when every byte was used and no further field is complete: pass the
 * next piece, or, when `final` was set, the block is done and the decoder
 * is ready for the next one; a negative HYPER_EHPACK_* (or HYPER_ENOMEM) on
 * error, after which the decoder is broken: every later call returns
 * HYPER_EHPACK_BROKEN (on HTTP/2 this is a COMPRESSION_ERROR).
 * Bytes of a partial field are buffered inside, bounded by max_field_size.
 */
int hyper_hpack_decode(hyper_hpack_decoder *dec, const uint8_t *in, size_t len,
                       int final, hyper_hpack_field *field, size_t *consumed);

/* Current dynamic table size (RFC accounting) and entry count. */
size_t hyper_hpack_decoder_table_size(const hyper_hpack_decoder *dec);
size_t hyper_hpack_decoder_table_count(const hyper_hpack_decoder *dec);

/* Huffman policy of the encoder. */
#define HYPER_HPACK_HUFFMAN_AUTO   0  /* Huffman when strictly shorter (default) */
#define HYPER_HPACK_HUFFMAN_NEVER  1
#define HYPER_HPACK_HUFFMAN_ALWAYS 2

/* Encoder options. A zero member means its default. */
typedef struct hyper_hpack_encoder_opts {
    uint32_t max_table_size; /* largest dynamic table we keep (default 4096); the
                                table used is min(this, the peer's setting) */
    int huffman;             /* HYPER_HPACK_HUFFMAN_* */
} hyper_hpack_encoder_opts;

/* Creates an encoder. opts may be NULL. HYPER_OK, HYPER_ENOMEM or HYPER_EINVAL. */
int hyper_hpack_encoder_init(hyper_hpack_encoder **enc, const hyper_mem *mem,
                             const hyper_hpack_encoder_opts *opts);
/* Frees the encoder. NULL is a no-op. */
void hyper_hpack_encoder_free(hyper_hpack_encoder *enc);

/* The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with
 * the size update(s) RFC 7541 §4.2 requires. */
int hyper_hpack_encoder_set_peer_table_size(hyper_hpack_encoder *enc, uint32_t size);

/* The most octets hyper_hpack_encode can write for these fields. */
size_t hyper_hpack_encode_bound(const hyper_hpack_encoder *enc,
                                const hyper_hpack_field *fields, size_t n);

/*
 * Encodes one header block of n fields into out. Names must be lower case
 * for HTTP/2 (not checked here). Sensitive fields (authorization,
 * proxy-authorization, set-cookie, short cookies, or any field flagged
 * HYPER_HPACK_NEVER_INDEX) become never-indexed literals.
 * Returns the octets written, or HYPER_EBUFFER when cap is below
 * hyper_hpack_encode_bound() (nothing written, state unchanged), or
 * HYPER_ENOMEM.
 */
long hyper_hpack_encode(hyper_hpack_encoder *enc, const hyper_hpack_field *fields,
                        size_t n, uint8_t *out, size_t cap);

/* ========================================================================
 * 5. HTTP/2 protocol constants (RFC 9113)
 * ====================================================================== */

/* Error codes carried by RST_STREAM and GOAWAY (RFC 9113 §7). */
enum hyper_h2_error_code {
    HYPER_H2_NO_ERROR = 0x0,
    HYPER_H2_PROTOCOL_ERROR = 0x1,
    HYPER_H2_INTERNAL_ERROR = 0x2,
    HYPER_H2_FLOW_CONTROL_ERROR = 0x3,
    HYPER_H2_SETTINGS_TIMEOUT = 0x4,
    HYPER_H2_STREAM_CLOSED = 0x5,
    HYPER_H2_FRAME_SIZE_ERROR = 0x6,
    HYPER_H2_REFUSED_STREAM = 0x7,
    HYPER_H2_CANCEL = 0x8,
    HYPER_H2_COMPRESSION_ERROR = 0x9,
    HYPER_H2_CONNECT_ERROR = 0xa,
    HYPER_H2_ENHANCE_YOUR_CALM = 0xb,
    HYPER_H2_INADEQUATE_SECURITY = 0xc,
    HYPER_H2_HTTP_1_1_REQUIRED = 0xd
};

/* The RFC's name of an HTTP/2 error code ("PROTOCOL_ERROR"); static. */
const char *hyper_h2_error_code_name(uint32_t code);

/* ========================================================================
 * 6. HTTP/2 client engine (sans-I/O)
 * ====================================================================== */

/* (stream owner: declare the HTTP/2 engine here) */

/* ========================================================================
 * 7. HTTP/1.1 client engine (sans-I/O)
 * ====================================================================== */

/* (h1 owner: declare the HTTP/1.1 engine here) */

/* ========================================================================
 * 8. Content decoding (gzip, deflate)
 * ====================================================================== */

/* (content owner: declare the decoders here) */

#ifdef __cplusplus
}
#endif

#endif /* HYPER_H */
