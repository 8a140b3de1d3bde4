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
 * 8 content decoding · 9 transport · 10 connection object.
 */
#ifndef HYPER_H
#define HYPER_H

#include <stddef.h>
#include <stdint.h>
#include "hyper_config.h" /* the compile-time profile (embedded owner P) */

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
    /* frames, RFC 9113 §4 and §6 (-50 .. -79; frame owner). The RFC error
     * code and stream/connection scope of each: src/frame/frame.h. */
    HYPER_EH2_FRAME_SIZE = -50,          /* frame longer than our SETTINGS_MAX_FRAME_SIZE (§4.2) */
    HYPER_EH2_FRAME_LENGTH = -51,        /* payload length wrong for the frame type (§6) */
    HYPER_EH2_STREAM_ID_ZERO = -52,      /* stream id 0 on a frame that needs a stream */
    HYPER_EH2_STREAM_ID_NONZERO = -53,   /* stream id on a connection-level frame */
    HYPER_EH2_PADDING = -54,             /* padding longer than the payload allows */
    HYPER_EH2_WINDOW_UPDATE_ZERO = -55,  /* WINDOW_UPDATE with increment 0 (§6.9) */
    HYPER_EH2_SETTINGS_LENGTH = -56,     /* SETTINGS length not a multiple of 6 */
    HYPER_EH2_SETTINGS_ACK_LENGTH = -57, /* SETTINGS ACK with a payload */
    HYPER_EH2_SETTINGS_ENABLE_PUSH = -58,  /* SETTINGS_ENABLE_PUSH not 0 or 1 */
    HYPER_EH2_SETTINGS_WINDOW = -59,     /* SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 */
    HYPER_EH2_SETTINGS_FRAME_SIZE = -60, /* SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1 */
    HYPER_EH2_PRIORITY_SELF = -61,       /* a stream made dependent on itself */
    HYPER_EH2_PROMISED_ID_ZERO = -62,    /* PUSH_PROMISE promising stream 0 */
    HYPER_EH2_FRAME_BUFFER = -63,        /* non-DATA frame larger than the reader's buffer */
    /* (frame owner: -64 .. -79 free; stream owner: -80 .. -99) */
    /* session, RFC 9113 §5-§8 (-80 .. -99; stream owner). Connection-level
     * ones end the session (GOAWAY sent, ERROR event); the others are stream
     * errors reported in a RESET event. */
    HYPER_EH2_PROTOCOL = -80,        /* the peer broke a session rule (PROTOCOL_ERROR) */
    HYPER_EH2_FLOW_CONTROL = -81,    /* window overflow or DATA past our window */
    HYPER_EH2_STREAM_CLOSED = -82,   /* frame on a stream already closed (§5.1) */
    HYPER_EH2_IDLE_STREAM = -83,     /* frame on a stream that was never opened (§5.1) */
    HYPER_EH2_CONTINUATION = -84,    /* header block interrupted or CONTINUATION out of place (§6.10) */
    HYPER_EH2_REFUSED = -85,         /* request not processed by the server: safe to retry */
    HYPER_EH2_STREAM_RESET = -86,    /* the peer reset the stream (code in the event) */
    HYPER_EH2_GOAWAY = -87,          /* the peer is going away: no new streams */
    HYPER_EH2_BAD_RESPONSE = -88,    /* malformed response header section (§8.2, §8.3) */
    HYPER_EH2_CONTENT_LENGTH = -89,  /* DATA received differs from content-length (§8.1.1) */
    HYPER_EH2_IDS_EXHAUSTED = -90,   /* no stream id left: open a new connection */
    HYPER_EH2_CALM = -91,            /* the peer exceeded a flood guard (ENHANCE_YOUR_CALM) */
    HYPER_EH2_PUSH_DISABLED = -92,   /* PUSH_PROMISE although we disabled push (§8.4) */
    HYPER_EH2_SESSION_CLOSED = -93,  /* the session ended (connection error or our GOAWAY) */
    HYPER_EH2_PREFACE = -94,         /* the server's first frame was not SETTINGS (§3.4) */
    HYPER_EH2_SETTINGS_PUSH = -95,   /* a server set SETTINGS_ENABLE_PUSH to 1 (§6.5.2) */
    HYPER_EH2_BAD_PUSH = -96,        /* promised request invalid, or promised id not a new even id */
    /* (frame/stream owners: add codes here) */

    /* -- HTTP/1.1 (-100 .. -129) -- */
    /* (h1 owner: add codes here) */
    HYPER_EH1_STATUS_LINE = -100,        /* malformed status line */
    HYPER_EH1_HEADER_SYNTAX = -101,      /* malformed field line (name, colon) */
    HYPER_EH1_OBS_FOLD = -102,           /* obsolete line folding (RFC 9112 §5.2) */
    HYPER_EH1_LINE_TOO_LONG = -103,      /* a head, trailer or chunk line above max_line */
    HYPER_EH1_TOO_MANY_HEADERS = -104,   /* more fields than max_headers */
    HYPER_EH1_HEAD_TOO_LARGE = -105,     /* head or trailer section above max_head */
    HYPER_EH1_NUL = -106,                /* NUL octet in a head, trailer or chunk line */
    HYPER_EH1_BARE_CR = -107,            /* CR not followed by LF (RFC 9112 §2.2) */
    HYPER_EH1_BARE_LF = -108,            /* LF without CR while strict_crlf is set */
    HYPER_EH1_CONTENT_LENGTH = -109,     /* malformed Content-Length */
    HYPER_EH1_CONTENT_LENGTH_CONFLICT = -110, /* Content-Length values differ */
    HYPER_EH1_TRANSFER_ENCODING = -111,  /* chunked twice, or Transfer-Encoding on HTTP/1.0 */
    HYPER_EH1_CHUNK_SIZE = -112,         /* malformed chunk-size line */
    HYPER_EH1_CHUNK_SIZE_OVERFLOW = -113, /* chunk size above 2^63-1 */
    HYPER_EH1_CHUNK_SYNTAX = -114,       /* chunk data not followed by CRLF */
    HYPER_EH1_TRUNCATED = -115,          /* connection closed inside a response */
    HYPER_EH1_CLOSED = -116,             /* closed before a response (or after Connection: close) */
    HYPER_EH1_UNSOLICITED = -117,        /* response bytes while no request is outstanding */
    HYPER_EH1_UPGRADE = -118,            /* 101 not requested, or not to h2c */
    HYPER_EH1_REQUEST_HEADER = -119,     /* request field with a bad name or CR/LF/NUL */
    HYPER_EH1_RESERVED_HEADER = -120,    /* request field the engine writes itself */
    HYPER_EH1_BODY_REFUSED = -121,       /* final status came before 100 Continue: body dropped */

    /* -- content decoding (-130 .. -149) -- */
    HYPER_ECONTENT_UNSUPPORTED = -130,  /* a content coding we do not decode (br, compress, ...) */
    HYPER_ECONTENT_CORRUPT = -131,      /* the coded body is malformed (bad header, data, CRC) */
    HYPER_ECONTENT_TRUNCATED = -132,    /* the body ended before the coded stream did */
    HYPER_ECONTENT_TOO_MANY = -133,     /* more stacked codings than HYPER_CONTENT_MAX_CODINGS */
    /* (content owner: add codes above this line, before -150) */

    /* -- transport and TLS (-150 .. -179) -- */
    /* general transport (-150 .. -159) */
    HYPER_ETIMEOUT = -150,        /* nothing happened within the time allowed */
    HYPER_EDNS = -151,            /* the host name does not resolve */
    HYPER_ECONNECT = -152,        /* no address accepted the connection (refused, unreachable) */
    HYPER_EIO = -153,             /* socket error while reading or writing */
    HYPER_ECLOSED = -154,         /* the peer reset the connection, or closed it while we write */
    /* TLS (-160 .. -179); hyper_transport_open's detail text says more */
    HYPER_ETLS_HANDSHAKE = -160,  /* TLS handshake failed (alert, protocol, no common cipher) */
    HYPER_ETLS_UNTRUSTED = -161,  /* certificate chain not signed by a trusted CA */
    HYPER_ETLS_HOSTNAME = -162,   /* certificate does not match the host name or IP address */
    HYPER_ETLS_EXPIRED = -163,    /* certificate (or one in its chain) has expired */
    HYPER_ETLS_NOT_YET_VALID = -164, /* certificate (or one in its chain) is not valid yet */
    HYPER_ETLS_VERIFY = -165,     /* other certificate problem (key usage, signature, revoked) */
    HYPER_ETLS_ALPN = -166,       /* no application protocol in common (ALPN alert) */
    HYPER_ETLS_CA_FILE = -167,    /* the CA file, folder or data could not be loaded */
    HYPER_ETLS_CLIENT_CERT = -168, /* client certificate or key unreadable, wrong password, or mismatched */
    HYPER_ETLS = -169,            /* TLS error after the handshake (bad record, MAC, alert) */
    HYPER_ETLS_CERT_REQUIRED = -170, /* the server refused us for want of a (valid) client certificate */
    /* (transport owner: add codes above this line, before -180) */

    /* -- connection object (-180 .. -199) -- */
    /* (connection owner: add codes here) */
    HYPER_ECONN_NOT_PROCESSED = -180, /* the server did not process the request (GOAWAY,
                                         REFUSED_STREAM) and it was not retried */
    HYPER_ECONN_CLOSED = -181,   /* the connection ended with this response outstanding */
    HYPER_ECONN_DEADLINE = -182, /* the request's total deadline passed */
    HYPER_ECONN_NO_H2 = -183,    /* HTTP/2 was required but the server did not select it */
    HYPER_ECONN_BUFFER = -184,   /* a body to buffer (read out of order) exceeds max_buffered */
    HYPER_ECONN_CANCELLED = -185, /* the response or push was cancelled by us */
    HYPER_ECONN_UNSUPPORTED = -186, /* not possible on this protocol (PING or push on HTTP/1.1) */
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

/* The default allocator (malloc, realloc, free): what a NULL mem argument
 * means. Static; never NULL. With HYPER_CONFIG_NO_DEFAULT_ALLOCATOR
 * (hyper_config.h) the library does not define it and references no
 * malloc at all: the application MUST define this function itself. */
const hyper_mem *hyper_mem_default(void);

/* (embedded owner P: the arena, up to the end of section 1)
 *
 * An arena: a hyper_mem over one buffer the caller owns, so that all the
 * allocations of one connection (session, HPACK tables, streams, buffers)
 * come from it and a device needs no heap. Give each connection its own.
 *
 * Policy: blocks are handed out from the bottom of the buffer upwards,
 * rounded to two pointers (16 octets on 64-bit targets, 8 on 32-bit ones,
 * which is also their alignment); no per-block header. Freeing the most
 * recent block gives its octets straight back; any other free puts the
 * block on a free list (address-ordered, neighbours merged) that later
 * allocations reuse first. hyper_arena_reset reclaims everything at once.
 * When the buffer cannot serve a request the allocator returns NULL, and the
 * hyper call that needed the memory fails with HYPER_ENOMEM (the object
 * stays usable or can be freed cleanly). Not thread-safe: one arena, one
 * connection, one thread at a time.
 */
typedef struct hyper_arena hyper_arena;

/*
 * Makes an arena of buf (size octets; any alignment). Its control block
 * (under 100 octets) lives at the start of buf, so nothing is allocated.
 * buf MUST stay valid, and MUST NOT be touched by the caller, while any
 * object allocated from the arena lives. Returns the arena (a pointer into
 * buf), or NULL if buf is NULL or too small to hold one block.
 */
hyper_arena *hyper_arena_init(void *buf, size_t size);

/* The allocator to pass to hyper (e.g. hyper_h2_session_init); valid as
 * long as the arena. */
const hyper_mem *hyper_arena_mem(hyper_arena *a);

/* Forgets every block at once (the peak figure stays). Only when nothing
 * allocated from the arena is still in use, e.g. after the session's free,
 * or instead of it when the whole connection is dropped. */
void hyper_arena_reset(hyper_arena *a);

/* How the arena is used, for sizing its buffer. */
typedef struct hyper_arena_stats {
    size_t capacity;   /* octets available to blocks (buffer minus control block) */
    size_t in_use;     /* octets in live blocks (rounded sizes) */
    size_t top;        /* octets from the bottom up to the highest live or free block */
    size_t free_list;  /* octets on the free list (below top) */
    size_t peak;       /* the buffer size that would have sufficed so far,
                          control block included */
    size_t failures;   /* requests refused (full, or size 0) */
    size_t misuse;     /* frees/reallocs of pointers not from this arena,
                          ignored (a bug in the caller) */
} hyper_arena_stats;

void hyper_arena_stats_get(const hyper_arena *a, hyper_arena_stats *out);

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

/* (header-map owner H: section 2. Notes on the functions above: names must
 * be non-empty (HYPER_EINVAL otherwise, also for a NULL pointer with a
 * nonzero length, a NULL map, or a name/value over HYPER_HEADERS_MAX_STRING);
 * values may be empty and may hold any octet, NUL included. On any error
 * the map is left exactly as it was. Strings passed in may point into the
 * map itself (e.g. a value just read from it). set keeps the spelling of
 * the first field's name. Memory: one arena for all names and values plus
 * one array of field records, grown by doubling. Lookups are O(number of
 * fields).) */

/* Longest name or value the map stores (2^31 - 1 octets). */
#define HYPER_HEADERS_MAX_STRING 0x7fffffffu

/* Like hyper_headers_get / _get_count, for a name given with its length
 * (not a C string). */
int hyper_headers_get_n(const hyper_headers *h, const char *name, size_t name_len,
                        size_t index, const char **value, size_t *value_len);
size_t hyper_headers_get_count_n(const hyper_headers *h, const char *name,
                                 size_t name_len);

/* Octets of names and values the map holds: the sum of name_len + value_len
 * over every field. Callers enforcing a bound on a header section (HPACK's
 * list size, HTTP/1.1's header size) compare this before adding. */
size_t hyper_headers_bytes(const hyper_headers *h);
/* Octets the map has allocated (string arena + field records + the map
 * itself): what it costs in memory right now. */
size_t hyper_headers_memory(const hyper_headers *h);
/* Removes every field, keeping the allocated memory for reuse. */
void hyper_headers_clear(hyper_headers *h);

/*
 * Comma-list splitting (RFC 9110 §5.6.1), one element per call, over one
 * field value: `#element` lists such as Cache-Control, Connection,
 * Content-Encoding, Accept-Encoding, Vary.
 *  value, len  the field value (raw bytes, as hyper_headers_get returns)
 *  pos         cursor: set *pos = 0 before the first call; updated by each
 *  item, item_len  the next element: optional whitespace (SP, HTAB) trimmed
 *              on both sides, commas inside a quoted-string (with \-escapes)
 *              not splitting; quotes are kept. Points into `value`.
 * Returns 1 when an element was stored, 0 when the list is exhausted. Empty
 * elements ("a, ,b") are skipped, as §5.6.1 asks recipients to do.
 * MUST NOT be used to build outgoing headers (a request's values are sent
 * exactly as the user gave them), and MUST NOT be used on Set-Cookie, whose
 * values contain commas in their dates (RFC 6265 §3: a server sends one
 * Set-Cookie field per cookie; read them with hyper_headers_get).
 */
int hyper_headers_split_next(const char *value, size_t len, size_t *pos,
                             const char **item, size_t *item_len);

/* 1 if any field named `name` (C string) holds `token` (case-insensitive,
 * e.g. "close" in Connection, "chunked" in Transfer-Encoding) as one of its
 * comma-separated elements; 0 otherwise. Same rules as split_next. */
int hyper_headers_has_token(const hyper_headers *h, const char *name,
                            const char *token, size_t token_len);

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
    HYPER_EVENT_END,             /* the response is complete (on HTTP/2, if our request
                                    body is still being sent, a RESET may still follow:
                                    a server may stop the upload once it answered,
                                    RFC 9113 §8.1) */
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
 *  reason      HTTP/1.1 only: the status line's reason phrase.
 */
#define HYPER_EVENT_REASON_MAX 64

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
    /* HTTP/1.1 HEADERS and INFORMATIONAL: the reason phrase, copied (cut at
     * HYPER_EVENT_REASON_MAX - 1 octets, NUL-terminated); empty on HTTP/2,
     * which has none. */
    char reason[HYPER_EVENT_REASON_MAX];
    size_t reason_len;
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

/* Indexing strategy of the encoder: which literals enter the dynamic table. */
#define HYPER_HPACK_INDEXING_AUTO 0 /* default: not the fields whose values rarely
                                       repeat (:path, content-length, etag,
                                       last-modified, age), nor entries over
                                       3/4 of the table; sensitive fields are
                                       never indexed */
#define HYPER_HPACK_INDEXING_ALL  1 /* every field that fits the table, as in
                                       RFC 7541 Appendix C; only fields flagged
                                       NEVER_INDEX / NO_INDEX are kept out (no
                                       built-in sensitive list: for tests) */
#define HYPER_HPACK_INDEXING_NONE 2 /* never add to the table (static and
                                       dynamic references still used) */

/* Encoder options. A zero member means its default. */
typedef struct hyper_hpack_encoder_opts {
    uint32_t max_table_size; /* largest dynamic table we keep (default 4096); the
                                table used is min(this, the peer's setting) */
    int huffman;             /* HYPER_HPACK_HUFFMAN_* */
    int indexing;            /* HYPER_HPACK_INDEXING_* */
} hyper_hpack_encoder_opts;

/* Creates an encoder. opts may be NULL. HYPER_OK, HYPER_ENOMEM or HYPER_EINVAL
 * (unknown huffman or indexing value). The peer's decoder starts with a
 * 4096-octet table (RFC 9113 §6.5.2); when max_table_size is smaller, the
 * first block starts with a size update to it. Memory: the table plus a
 * hash of 32 octets per 32 octets of table size. max_table_size above
 * 2^30 is HYPER_EINVAL. */
int hyper_hpack_encoder_init(hyper_hpack_encoder **enc, const hyper_mem *mem,
                             const hyper_hpack_encoder_opts *opts);
/* Frees the encoder. NULL is a no-op. */
void hyper_hpack_encoder_free(hyper_hpack_encoder *enc);

/* The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with
 * the size update(s) RFC 7541 §4.2 requires (when the size went down and up
 * again since the last block, the smallest value first, then the final
 * one). Call between blocks; HYPER_OK or HYPER_EINVAL (enc NULL). */
int hyper_hpack_encoder_set_peer_table_size(hyper_hpack_encoder *enc, uint32_t size);

/* Current dynamic table size (RFC accounting) and entry count of the
 * encoder, as the peer's decoder sees them after the last block. */
size_t hyper_hpack_encoder_table_size(const hyper_hpack_encoder *enc);
size_t hyper_hpack_encoder_table_count(const hyper_hpack_encoder *enc);

/* The most octets hyper_hpack_encode can write for these fields (size
 * updates included); conservative, computed from the lengths alone. */
size_t hyper_hpack_encode_bound(const hyper_hpack_encoder *enc,
                                const hyper_hpack_field *fields, size_t n);

/*
 * Encodes one header block of n fields into out. Names must be lower case
 * for HTTP/2 (not checked here). Sensitive fields (authorization,
 * proxy-authorization, set-cookie, short cookies, or any field flagged
 * HYPER_HPACK_NEVER_INDEX) become never-indexed literals, even when the
 * table holds them; HYPER_HPACK_NO_INDEX fields become literals without
 * indexing. A name or value longer than 2^30-1 octets is HYPER_EINVAL.
 * Returns the octets written, or HYPER_EBUFFER when cap is below
 * hyper_hpack_encode_bound() (nothing written, state unchanged), or
 * HYPER_ENOMEM when a raised table size cannot be applied (nothing written,
 * state unchanged: retry later). A field the table has no memory for goes
 * out as a literal without indexing, so allocation failure never breaks
 * the peer's view of the table.
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

/* (stream owner F: section 6)
 *
 * One client connection's HTTP/2 protocol state (RFC 9113), without I/O and
 * without a clock: bytes from the server go in through hyper_h2_recv, bytes
 * for the server come out of hyper_h2_send_pending/hyper_h2_sent, and what
 * happened comes out one hyper_event at a time from hyper_h2_next_event.
 * A typical loop: recv what arrived (call again with the rest while it
 * returns less than given), pull every event, then send every pending byte.
 *
 * Memory: the session allocates only through the hyper_mem given at init,
 * and every buffer is bounded by hyper_h2_options: whatever the server
 * sends, memory stays within those bounds (a server that pushes past a
 * guard gets GOAWAY ENHANCE_YOUR_CALM). Backpressure instead of growth: when
 * the event queue holds max_events events, or the output buffer cannot take
 * a control frame, hyper_h2_recv stops early and returns what it used.
 * Buffers exist only while needed, so an idle connection costs little
 * (`make footprint`: about 1.6 KB with the device options of
 * examples/embedded.c, 3.8 KB with the defaults, on 64-bit; each open
 * stream ~180 octets plus the header maps handed out):
 *  - a frame split across hyper_h2_recv calls is assembled in a buffer of
 *    exactly its length, allocated when its first payload octet arrives and
 *    freed once it was handled (GOAWAY debug data in it: at the next
 *    hyper_h2_recv); frames that arrive whole are used in place;
 *  - the output buffer (output_buffer_size) is allocated when something is
 *    to be written and freed once everything was sent and no stream is live;
 *  - the HPACK encoder and its table are created by the first submit;
 *  - the event queue (max_events + 8 records of 32 octets) is allocated at
 *    init; nothing is reserved per stream: RESETs for many streams at once
 *    (connection error, GOAWAY) come from the streams themselves.
 * Memory failure at any of these points never loses a request: a submit
 * fails with HYPER_ENOMEM and changes nothing, or, where there is no caller
 * to return it to (recv, send_pending), the connection closes cleanly as a
 * connection error HYPER_ENOMEM (INTERNAL_ERROR): GOAWAY if it still fits,
 * a RESET event for every stream, an ERROR event.
 *
 * Errors: a connection error (the server broke the protocol, or a guard
 * tripped) is sticky: it queues our GOAWAY (RFC error code, debug data = the
 * error's name), a RESET event for every stream still pending, and an ERROR
 * event; hyper_h2_recv returns it now and on every later call. A stream
 * error (a malformed response, a frame on a closed stream, ...) sends
 * RST_STREAM and gives a RESET event; the connection lives on.
 */
typedef struct hyper_h2_session hyper_h2_session;

/*
 * Options. Call hyper_h2_options_init first, then change what you need.
 * The first group is our SETTINGS (RFC 9113 §6.5.2), sent with the preface.
 */
typedef struct hyper_h2_options {
    uint32_t header_table_size;      /* HPACK table the server may use: 4096 */
    int enable_push;                 /* accept server push: 0 (off); MUST stay 0
                                        with HYPER_CONFIG_NO_PUSH (else init
                                        gives HYPER_EINVAL) */
    uint32_t max_concurrent_streams; /* pushed streams the server may open: 100 */
    uint32_t initial_window_size;    /* per-stream receive window: 262144 (1 .. 2^31-1) */
    uint32_t connection_window_size; /* connection receive window: 1048576 (65535 .. 2^31-1) */
    uint32_t max_frame_size;         /* largest frame we accept: 16384 (16384 .. 2^24-1);
                                        a frame split across reads is assembled in
                                        a buffer of its own length, held only
                                        while it is assembled (see Memory) */
    uint32_t max_header_list_size;   /* response header section bound: 65536 */
    /* Window update policy (RFC 9113 §6.9): a WINDOW_UPDATE is sent once the
     * bytes the application consumed (hyper_h2_consume) and not yet returned
     * reach this percentage of the window: 50 (1 .. 100). A reader that does
     * not consume stops the server after one window; one that consumes
     * promptly never lets the window run dry. */
    uint32_t window_update_percent;
    /* Guards against a hostile server; exceeding one is a connection error
     * HYPER_EH2_CALM (ENHANCE_YOUR_CALM) unless said otherwise. */
    uint32_t max_queued_acks;        /* PING/SETTINGS ACKs written but not yet sent: 16 */
    uint32_t max_empty_frames;       /* consecutive DATA/HEADERS/CONTINUATION frames
                                        carrying nothing (no octet, no END_STREAM, no
                                        END_HEADERS): 32 */
    uint32_t max_continuations;      /* CONTINUATION frames in one header block: 64 */
    uint32_t max_rst_received;       /* RST_STREAM frames received since the last
                                        complete response: 256 */
    uint32_t max_pushed_streams;     /* promised streams alive at once; more are
                                        refused with RST_STREAM REFUSED_STREAM: 16 */
    uint32_t max_streams;            /* our streams, open plus queued: 1024 (HYPER_ELIMIT) */
    uint32_t max_closed_streams;     /* closed streams remembered to answer late
                                        frames as RFC 9113 §5.1 says: 64 */
    uint32_t max_events;             /* events queued before hyper_h2_recv pauses: 64
                                        (the queue holds max_events + 8 records
                                        of 32 octets, allocated at init) */
    size_t output_buffer_size;       /* bytes written but not sent: 65536 (>= 4096);
                                        a request's header block must fit in it;
                                        held only while needed (see Memory) */
    size_t stream_send_buffer;       /* bytes hyper_h2_send_data queues per stream: 65536 */
} hyper_h2_options;

/* Fills *o with the defaults above. */
void hyper_h2_options_init(hyper_h2_options *o);

/*
 * Creates a session and writes the connection preface, our SETTINGS and, if
 * connection_window_size > 65535, a connection WINDOW_UPDATE into its
 * output (RFC 9113 §3.4). mem may be NULL (malloc); opts may be NULL
 * (defaults). Returns HYPER_OK and stores *s, HYPER_EINVAL (an option out of
 * range), or HYPER_ENOMEM. The hyper_mem that mem points to MUST outlive the
 * session and every header map its events handed out (those maps allocate
 * from it and may be freed after the session).
 */
int hyper_h2_session_init(hyper_h2_session **s, const hyper_mem *mem,
                          const hyper_h2_options *opts);

/* Frees the session, its streams and the header maps of events not pulled.
 * NULL is a no-op. */
void hyper_h2_session_free(hyper_h2_session *s);

/*
 * Feeds bytes received from the server (any split, one byte at a time
 * included). Returns the octets used, which is less than len (possibly 0)
 * when the session paused: after a DATA or GOAWAY event (their data points
 * into `data`, so pull the events first), when max_events events wait, or
 * when the output buffer needs draining. Call again with the rest after
 * pulling events and sending output. On a connection error returns the
 * negative error (sticky, see above). After our own graceful GOAWAY recv
 * keeps working for the streams still open. The caller MUST NOT change the
 * bytes of `data` that
 * were used until the events produced by this call have been pulled.
 */
long hyper_h2_recv(hyper_h2_session *s, const uint8_t *data, size_t len);

/*
 * The bytes to send next: stores a pointer into the session's output buffer
 * in *ptr and returns how many (0: nothing to send now). Writing is lazy:
 * this is when queued requests are opened (within the server's
 * MAX_CONCURRENT_STREAMS), request bodies cut into DATA frames (within the
 * server's windows and frame size), and WINDOW_UPDATEs written. *ptr is
 * valid until the next call into the session other than hyper_h2_sent.
 */
size_t hyper_h2_send_pending(hyper_h2_session *s, const uint8_t **ptr);

/* n of the bytes from hyper_h2_send_pending were sent. HYPER_OK, or
 * HYPER_EINVAL if n is more than was pending. */
int hyper_h2_sent(hyper_h2_session *s, size_t n);

/* 1 if hyper_h2_send_pending would return bytes now. */
int hyper_h2_want_write(hyper_h2_session *s);

/*
 * Pulls the next event into *ev (zeroed first). Returns 1 with an event, 0
 * when the queue is empty. Header maps in the event are the caller's (free
 * with hyper_headers_free). DATA and GOAWAY data point into the bytes given
 * to hyper_h2_recv (or the session) and are valid until the next
 * hyper_h2_recv. For DATA, give flow_len back with hyper_h2_consume once the
 * bytes are processed, also when the stream has ended or been reset
 * meanwhile: the connection window depends on it.
 * Per stream the order is: INFORMATIONAL*, HEADERS, DATA*, TRAILERS?, END;
 * or RESET at any point, after which the stream gives no more events.
 * END is final for the response; while the request body is still being
 * sent (the stream is half-closed (remote)) a RESET may still follow it,
 * and tells that the upload was cut.
 * RESET's error: HYPER_EH2_REFUSED (not processed: REFUSED_STREAM, above a
 * GOAWAY's last stream id, or still queued when GOAWAY came; safe to
 * retry), HYPER_EH2_STREAM_RESET (the server reset it),
 * HYPER_EH2_BAD_RESPONSE (also: DATA in a response that has no content,
 * to HEAD or with status 204 or 304) / _CONTENT_LENGTH /
 * _STREAM_CLOSED / _FLOW_CONTROL (we reset it), HYPER_EH2_SESSION_CLOSED
 * (queued when we sent GOAWAY), or the connection error.
 */
int hyper_h2_next_event(hyper_h2_session *s, hyper_event *ev);

/*
 * A request. method is required; scheme, authority and path are C strings
 * or NULL (omitted, e.g. for CONNECT). fields: extra request fields, names
 * in lower case, no pseudo-headers, no connection-specific fields, "te"
 * only as "trailers" (RFC 9113 §8.2.2); HYPER_HPACK_NEVER_INDEX in flags
 * keeps a value out of the HPACK tables. Everything is copied except body.
 * body/body_len: the request body given whole, NOT copied: it MUST stay
 * valid and unchanged until the stream's END or RESET event (or session
 * free). end_stream: nonzero when the request ends after body; zero to send
 * more with hyper_h2_send_data.
 */
typedef struct hyper_h2_request {
    const char *method;
    const char *scheme;
    const char *authority;
    const char *path;
    const hyper_hpack_field *fields;
    size_t nfields;
    const uint8_t *body;
    size_t body_len;
    int end_stream;
} hyper_h2_request;

/*
 * Submits a request and returns its stream id (> 0). The stream opens (its
 * HEADERS are written) at the next hyper_h2_send_pending if the server's
 * MAX_CONCURRENT_STREAMS allows, else when an earlier stream closes; stream
 * ids follow submission order. Errors: HYPER_EINVAL (bad request fields),
 * HYPER_ELIMIT (max_streams reached, or the header block cannot fit in the
 * output buffer), HYPER_EH2_IDS_EXHAUSTED (stream ids used up: open a new
 * connection), HYPER_EH2_GOAWAY (the server sent GOAWAY),
 * HYPER_EH2_SESSION_CLOSED (we sent GOAWAY), the sticky connection error,
 * HYPER_ENOMEM.
 */
int32_t hyper_h2_submit(hyper_h2_session *s, const hyper_h2_request *req);

/*
 * Takes over an HTTP/1.1 connection upgraded to h2c (RFC 7540 §3.2): the
 * request that carried `Upgrade: h2c` becomes stream 1, half-closed (local),
 * and its response arrives on it as HTTP/2. Call right after
 * hyper_h2_session_init, before any submit, and pass every byte that
 * followed the 101 response head to hyper_h2_recv. head_request: the
 * upgraded request was a HEAD (its response has no body). Returns 1 (the
 * stream id), HYPER_ESTATE if a request was already submitted, or
 * HYPER_ENOMEM.
 */
#define HYPER_H2_HAVE_UPGRADE 1
int32_t hyper_h2_session_upgrade(hyper_h2_session *s, int head_request);

/*
 * Queues request body bytes on stream id (copied into the stream's bounded
 * queue). Returns the octets accepted (fewer than len when the queue is
 * full: send output and try again); end_stream takes effect only when all
 * len octets were accepted (len may be 0 to just end the request).
 * HYPER_ENOTFOUND (no such live stream), HYPER_ESTATE (our side already
 * ended), HYPER_ENOMEM, or the sticky connection error.
 */
long hyper_h2_send_data(hyper_h2_session *s, int32_t id, const uint8_t *data,
                        size_t len, int end_stream);

/* Resets a stream (RST_STREAM with code, RFC 9113 §6.4); a queued stream is
 * dropped without any frame. No event follows; frames the server sent
 * meanwhile are ignored (their DATA is credited back to the connection).
 * HYPER_OK, HYPER_ENOTFOUND, HYPER_EBUFFER (output full: send, retry), or
 * HYPER_ENOMEM (no output buffer could be had; nothing changed). */
int hyper_h2_reset_stream(hyper_h2_session *s, int32_t id, uint32_t code);

/* Refuses a promised stream (RST_STREAM CANCEL, RFC 9113 §8.4).
 * HYPER_OK, HYPER_ENOTFOUND (not a live pushed stream) or HYPER_EBUFFER. */
int hyper_h2_refuse_push(hyper_h2_session *s, int32_t promised_id);

/* Sends a PING (RFC 9113 §6.7); its ACK gives a PING_ACK event with the
 * same opaque data. HYPER_OK, HYPER_EBUFFER (output full), HYPER_ENOMEM, or
 * the sticky error. */
int hyper_h2_ping(hyper_h2_session *s, const uint8_t opaque[8]);

/*
 * Sends GOAWAY (RFC 9113 §6.8) with code and debug data (may be NULL/0):
 * no new request is accepted, queued ones get RESET events
 * (HYPER_EH2_SESSION_CLOSED), open ones run to completion.
 * HYPER_OK, HYPER_EBUFFER (output full: retry after sending), HYPER_ENOMEM,
 * HYPER_EH2_SESSION_CLOSED (sent before), HYPER_EINVAL (debug data longer
 * than 16,376 octets or than the output buffer holds in one frame:
 * output_buffer_size - 17).
 */
int hyper_h2_goaway(hyper_h2_session *s, uint32_t code, const uint8_t *debug,
                    size_t debug_len);

/*
 * The application processed n flow-controlled octets (DATA events'
 * flow_len) of stream id: credit goes back to the stream (while it still
 * receives) and the connection, and WINDOW_UPDATEs follow per
 * window_update_percent. HYPER_OK, or HYPER_EINVAL (more than received and
 * not yet consumed).
 */
int hyper_h2_consume(hyper_h2_session *s, int32_t id, size_t n);

/* Stream states, with RFC 9113 §5.1's names. */
typedef enum hyper_h2_stream_state {
    HYPER_H2_STATE_IDLE = 0,
    HYPER_H2_STATE_RESERVED_LOCAL,
    HYPER_H2_STATE_RESERVED_REMOTE,
    HYPER_H2_STATE_OPEN,
    HYPER_H2_STATE_HALF_CLOSED_LOCAL,
    HYPER_H2_STATE_HALF_CLOSED_REMOTE,
    HYPER_H2_STATE_CLOSED
} hyper_h2_stream_state;

/* The state of stream id: IDLE also for a submitted stream still queued and
 * for ids never used; CLOSED for ids used and closed. */
hyper_h2_stream_state hyper_h2_stream_state_get(const hyper_h2_session *s, int32_t id);

/* Flow-control windows (RFC 9113 §6.9) of stream id, or of the connection
 * for id 0: what we may still send (may be negative after a SETTINGS change)
 * and what the server may still send. HYPER_ENOTFOUND as value for a stream
 * that is not live. */
int64_t hyper_h2_send_window(const hyper_h2_session *s, int32_t id);
int64_t hyper_h2_recv_window(const hyper_h2_session *s, int32_t id);

/* A set of SETTINGS values. Unlimited values are UINT32_MAX. */
typedef struct hyper_h2_settings {
    uint32_t header_table_size;
    uint32_t enable_push;
    uint32_t max_concurrent_streams;
    uint32_t initial_window_size;
    uint32_t max_frame_size;
    uint32_t max_header_list_size;
} hyper_h2_settings;

/* The server's settings in force (RFC defaults until its SETTINGS came). */
void hyper_h2_peer_settings(const hyper_h2_session *s, hyper_h2_settings *out);

/* 1 if a new request can be submitted now (no connection error, no GOAWAY
 * either way, stream ids left); 0 otherwise. */
int hyper_h2_is_usable(const hyper_h2_session *s);

/* Streams live (open, half-closed, reserved, or queued). */
size_t hyper_h2_stream_count(const hyper_h2_session *s);

/* ========================================================================
 * 7. HTTP/1.1 client engine (sans-I/O)
 * ====================================================================== */

/* (h1 owner: declare the HTTP/1.1 engine here) */

/*
 * The HTTP/1.1 engine has the shape of the HTTP/2 one: submit requests,
 * send what hyper_h1_send_pending hands out, feed what arrived to
 * hyper_h1_recv, pull events with hyper_h1_next_event. It does no I/O.
 *
 * Requests on one connection are answered in order (RFC 9112 §9.3). A
 * request's sequence number (1, 2, ...) is the stream_id of its events:
 *   INFORMATIONAL  a 1xx head other than 101 (100 Continue, 103 Early Hints):
 *                  status, headers
 *   HEADERS        the final head: status, headers; end_stream when the
 *                  response has no body (HEAD, 204, 304, Content-Length: 0)
 *   DATA           body bytes, dechunked: data, len (flow_len == len);
 *                  end_stream on the last piece of a Content-Length body
 *   TRAILERS       trailer fields of a chunked body (only when there are
 *                  some): headers, end_stream = 1
 *   END            the response is complete
 *   UPGRADE        101 Switching Protocols to h2c: status, headers
 *   ERROR          error (a negative HYPER_E*); the session is dead, and
 *                  every request still outstanding (stream_id is the one
 *                  being answered, 0 if none) has failed
 * Header maps in events belong to the caller (hyper_headers_free).
 *
 * DATA events point into the bytes given to the hyper_h1_recv call that
 * produced them (body bytes are never copied): the caller keeps those bytes
 * unchanged until it has pulled every event, i.e. it drains the events after
 * each hyper_h1_recv call, before reusing its buffer. Response heads that
 * arrive in pieces are collected in a buffer bounded by max_head.
 *
 * Framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304;
 * Transfer-Encoding with chunked last means chunked; Transfer-Encoding
 * without chunked last means the body runs to the close (transfer codings
 * other than chunked are not removed); a response with both
 * Transfer-Encoding and Content-Length is read by Transfer-Encoding and the
 * connection is not reused (§6.3 item 3); Transfer-Encoding on an HTTP/1.0
 * response is an error (§6.1); Content-Length values must be digits and agree
 * ("42, 42" and repeated identical fields are accepted); otherwise the body
 * is close-delimited. Obsolete line folding is rejected; a line ended by a
 * bare LF is accepted (RFC 9112 §2.2 allows it) unless strict_crlf is set;
 * a bare CR and a NUL are always rejected. Empty lines before a status line
 * are skipped (§2.2 robustness).
 */
typedef struct hyper_h1_session hyper_h1_session;

/* Bounds and behaviour. hyper_h1_options_init fills the defaults; a zero
 * member given to hyper_h1_session_init also means its default. */
typedef struct hyper_h1_options {
    size_t max_line;        /* longest head, trailer or chunk-size line, CRLF
                               included (default 8192) */
    size_t max_headers;     /* fields per head or trailer section (default 100) */
    size_t max_head;        /* a whole head or trailer section, empty lines
                               included (default 65536): the head buffer bound */
    size_t max_output;      /* output buffer bound: unsent request bytes
                               (default 1 MiB) */
    unsigned max_pipeline;  /* requests awaiting a response at once (default 1:
                               no pipelining; at most 64) */
    int strict_crlf;        /* nonzero: a bare LF line end is HYPER_EH1_BARE_LF */
} hyper_h1_options;

void hyper_h1_options_init(hyper_h1_options *opts);

/*
 * Creates a session for one connection. opts may be NULL (defaults).
 * Returns HYPER_OK and stores *s, HYPER_ENOMEM, or HYPER_EINVAL (s NULL,
 * max_line above max_head, max_pipeline above 64).
 */
int hyper_h1_session_init(hyper_h1_session **s, const hyper_mem *mem,
                          const hyper_h1_options *opts);
/* Frees the session and the header maps of events not pulled. NULL is a no-op. */
void hyper_h1_session_free(hyper_h1_session *s);

/* How a request's body is given (hyper_h1_request.body_mode). */
#define HYPER_H1_BODY_NONE    0  /* no body and no Content-Length (GET, HEAD) */
#define HYPER_H1_BODY_WHOLE   1  /* body/body_len now (copied); Content-Length */
#define HYPER_H1_BODY_LENGTH  2  /* Content-Length: content_length; the bytes
                                    follow through hyper_h1_send_body */
#define HYPER_H1_BODY_CHUNKED 3  /* total unknown: Transfer-Encoding: chunked;
                                    pieces through hyper_h1_send_body */

/* Request flags. */
#define HYPER_H1_EXPECT_CONTINUE 0x1 /* send Expect: 100-continue and hold the
                                        body until 100 Continue (RFC 9110 §10.1.1) */
#define HYPER_H1_UPGRADE_H2C     0x2 /* ask for h2c (RFC 7540 §3.2) */

/*
 * One request. Strings are octets with lengths, copied during the call.
 *  method, target   request line: a token (CONNECT is refused) and an
 *                   origin-form target ("/path?q"), visible ASCII only
 *  host             the Host field (RFC 9112 §3.2), required
 *  fields, nfields  extra fields (flags ignored); and/or headers (may be
 *                   NULL), both written in order, fields first. Names must
 *                   be tokens and values free of CR, LF and NUL, else
 *                   HYPER_EH1_REQUEST_HEADER; Host, Content-Length,
 *                   Transfer-Encoding, Expect, Upgrade and HTTP2-Settings
 *                   are the engine's (HYPER_EH1_RESERVED_HEADER). A
 *                   "Connection: close" field makes this the last request.
 *  body_mode        HYPER_H1_BODY_*; body/body_len for WHOLE,
 *                   content_length for LENGTH
 *  flags            HYPER_H1_EXPECT_CONTINUE (needs a body),
 *                   HYPER_H1_UPGRADE_H2C: adds "Connection: Upgrade,
 *                   HTTP2-Settings", "Upgrade: h2c" and "HTTP2-Settings:"
 *                   with h2_settings (our SETTINGS frame payload, without
 *                   the 9-octet frame header) in base64url. Needs no other
 *                   request outstanding and no streamed body.
 */
typedef struct hyper_h1_request {
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    const char *host;
    size_t host_len;
    const hyper_hpack_field *fields;
    size_t nfields;
    const hyper_headers *headers;
    int body_mode;
    const uint8_t *body;
    size_t body_len;
    uint64_t content_length;
    unsigned flags;
    const uint8_t *h2_settings;
    size_t h2_settings_len;
} hyper_h1_request;

/*
 * Writes a request into the output buffer, whole or not at all.
 * Returns its sequence number (1, 2, ...) or:
 *  HYPER_EINVAL            bad method, target, host, body_mode or flags
 *  HYPER_EH1_REQUEST_HEADER, HYPER_EH1_RESERVED_HEADER  (see above)
 *  HYPER_ESTATE            the connection cannot take a request now: not
 *                          reusable (hyper_h1_reusable), an upgrade pending,
 *                          or an earlier request's body still open
 *  HYPER_ELIMIT            max_pipeline requests outstanding, or the
 *                          request does not fit in max_output
 *  HYPER_ENOMEM
 *  the session's error once it is dead
 */
int32_t hyper_h1_submit(hyper_h1_session *s, const hyper_h1_request *req);

/*
 * Adds body bytes to the open body of the last request (BODY_LENGTH or
 * BODY_CHUNKED). Bytes are copied into the output buffer as far as it has
 * room; returns how many were taken (0 .. len; call again with the rest
 * after sending). With BODY_CHUNKED each call makes one chunk, and `end`
 * is honoured only together with every data octet: a return of len (len
 * > 0) means the last chunk is written and the body closed; when the last
 * chunk does not fit, fewer than len octets are taken. `end` with len 0
 * returns 0 once the last chunk is written, or HYPER_EBUFFER when the
 * output buffer has no room for it (send, then call again). A
 * BODY_LENGTH body ends by itself after content_length bytes (then `end`
 * is allowed). Errors: HYPER_ESTATE (no open body), HYPER_EINVAL (more
 * than content_length, or `end` before it), HYPER_EH1_BODY_REFUSED (the
 * final response came before 100 Continue: the body is dropped and the
 * connection will not be reused).
 */
long hyper_h1_send_body(hyper_h1_session *s, const uint8_t *data, size_t len, int end);

/* Sends a body held for 100 Continue without waiting any longer (the caller
 * runs the timer, RFC 9110 §10.1.1). HYPER_ESTATE if no body is held. */
int hyper_h1_continue(hyper_h1_session *s);

/*
 * Bytes to send next: stores a pointer to them in *ptr and returns their
 * count (0: nothing to send). The pointer is valid until the next call on
 * the session other than hyper_h1_send_pending itself.
 */
size_t hyper_h1_send_pending(hyper_h1_session *s, const uint8_t **ptr);
/* n of the bytes from hyper_h1_send_pending were written. HYPER_EINVAL if
 * n is more than were pending. */
int hyper_h1_sent(hyper_h1_session *s, size_t n);

/*
 * Feeds received bytes; any split works, one octet at a time included.
 * Returns how many bytes were consumed, or the session's (sticky) error.
 * Fewer than len are consumed when:
 *  - the event queue is full: pull events, then call again with the rest;
 *  - a 101 to h2c ended: the UPGRADE event is queued and the return value
 *    is exactly the offset just past the 101 head, so data[ret .. len) (and
 *    everything received later) are the server's HTTP/2 bytes, untouched,
 *    for the HTTP/2 engine. Later calls return HYPER_ESTATE. Any bytes still
 *    in hyper_h1_send_pending must be sent before the HTTP/2 preface.
 * Bytes after a response that closes the connection are discarded.
 */
long hyper_h1_recv(hyper_h1_session *s, const uint8_t *data, size_t len);

/*
 * The peer closed the connection. Ends a close-delimited body (END). A
 * response cut short (inside a head, a Content-Length or chunked body, or
 * trailers) fails with HYPER_EH1_TRUNCATED, never success; outstanding
 * requests with no response byte yet fail with HYPER_EH1_CLOSED (a request
 * that may be retried; blank lines after the previous body are no response
 * byte). Returns 0 or that error (also queued as ERROR); HYPER_ESTATE,
 * with nothing changed, when the event queue is full (pull events, call
 * again) or after an h2c upgrade.
 */
int hyper_h1_recv_eof(hyper_h1_session *s);

/* Pulls the next event into *ev: 1 if one was stored, 0 if none. */
int hyper_h1_next_event(hyper_h1_session *s, hyper_event *ev);

/*
 * 1 if the connection may carry another request: no error, no upgrade, no
 * EOF, and no response (or request of ours) said Connection: close;
 * HTTP/1.0 responses keep it only with "Connection: keep-alive"; a
 * close-delimited body, Transfer-Encoding with Content-Length, or a body
 * left unsent also end it. 0 otherwise.
 */
int hyper_h1_reusable(const hyper_h1_session *s);

/* Requests submitted whose response has not ended. */
size_t hyper_h1_outstanding(const hyper_h1_session *s);

/*
 * base64url without padding (RFC 4648 §5), as HTTP2-Settings wants (RFC
 * 7540 §3.2.1). Writes into out (no NUL) and returns the length, or
 * HYPER_EBUFFER when cap is below hyper_h1_base64url_len(len).
 */
long hyper_h1_base64url_encode(const uint8_t *in, size_t len, char *out, size_t cap);
size_t hyper_h1_base64url_len(size_t len);

/* ========================================================================
 * 8. Content decoding (gzip, deflate)
 * ====================================================================== */

/* (content owner H: section 8)
 *
 * A streaming decoder for a response body's Content-Encoding (RFC 9110
 * §8.4): "gzip" / "x-gzip" (RFC 1952, several members decoded as one
 * stream), "deflate" (RFC 1950 zlib-wrapped, or raw RFC 1951 as some servers
 * send it: told apart by the first two octets, as browsers do) and
 * "identity", stacked ("gzip, gzip") and decoded in the reverse order of
 * application. Decoding is the connection's default; a request can turn it
 * off and read the coded bytes as they came.
 *
 * Memory: per coding one zlib inflate state (~7 KiB) and its 32 KiB window
 * (allocated on first output), plus one HYPER_CONTENT_STAGE_BUFFER between
 * two stacked codings; all through the decoder's hyper_mem. At most
 * HYPER_CONTENT_MAX_CODINGS codings: under 140 KiB in total, whatever the
 * body (a 1 GiB bomb is read through the caller's buffer, piece by piece).
 *
 * Trailing data: octets after the end of the coded stream (after the last
 * gzip member, or the end of a deflate stream) are consumed and discarded,
 * as browsers and curl do (servers pad with NULs or send junk); their count
 * is hyper_content_decoder_discarded(). A gzip member following another one
 * is decoded, not discarded. When an inner (stacked) coding has ended and
 * the outer one still yields octets, the outer one is no longer decoded:
 * its rest is discarded too, so junk cannot cost unbounded work.
 */
typedef struct hyper_content_decoder hyper_content_decoder;

#define HYPER_CONTENT_MAX_CODINGS 3       /* stacked non-identity codings */
#define HYPER_CONTENT_STAGE_BUFFER 8192   /* octets between two stacked codings */

/*
 * Creates a decoder for a Content-Encoding value as received (a comma list,
 * case-insensitive, optional whitespace; "identity" and empty elements are
 * skipped; empty or NULL means identity: octets pass through).
 * Returns HYPER_OK and stores *dec; HYPER_ECONTENT_UNSUPPORTED for a coding
 * other than gzip, x-gzip, deflate, identity; HYPER_ECONTENT_TOO_MANY;
 * HYPER_ENOMEM; HYPER_EINVAL. On error *dec is NULL.
 */
int hyper_content_decoder_init(hyper_content_decoder **dec, const hyper_mem *mem,
                               const char *encoding, size_t len);
/* The same from a header map: every Content-Encoding field, in order, is
 * one list (RFC 9110 §5.3). No such field means identity. */
int hyper_content_decoder_init_headers(hyper_content_decoder **dec,
                                       const hyper_mem *mem, const hyper_headers *h);
/* Frees the decoder and zlib's memory. NULL is a no-op. */
void hyper_content_decoder_free(hyper_content_decoder *dec);

/*
 * Decodes the next piece of the coded body.
 *  in, in_len     coded octets (any split: one byte at a time works)
 *  consumed       always set: octets of `in` used
 *  out, out_cap   the caller's buffer (out_cap > 0): at most out_cap octets
 *                 are written, so output per call is bounded whatever the
 *                 compression ratio; work per call is bounded too (about
 *                 1 MiB + 2 * out_cap octets moved through the stages)
 *  produced       always set: decoded octets written to out
 * Returns 0 when every octet of `in` was consumed and decoded as far as it
 * goes: give the next piece (or call finish at the end of the body).
 * Returns 1 when the call stopped early (out is full, or the work bound was
 * reached): call again with in + consumed (possibly an empty piece) before
 * anything else. Errors (sticky: every later call returns the same one):
 * HYPER_ECONTENT_CORRUPT, HYPER_ENOMEM (zlib's window is allocated on first
 * output), HYPER_EINVAL.
 *
 *     do {
 *         rc = hyper_content_decode(d, in, len, &used, buf, sizeof buf, &n);
 *         deliver(buf, n); in += used; len -= used;
 *     } while (rc == 1);
 */
int hyper_content_decode(hyper_content_decoder *dec, const uint8_t *in, size_t in_len,
                         size_t *consumed, uint8_t *out, size_t out_cap,
                         size_t *produced);

/*
 * The body has ended (no more input). Returns HYPER_OK when every coded
 * stream was complete (or the body was empty), HYPER_ECONTENT_TRUNCATED
 * when it stopped inside a stream (a cut connection must not look like
 * success), HYPER_ESTATE when the last hyper_content_decode returned 1 (its
 * output may still be pending), or the sticky error. May be called again.
 */
int hyper_content_decoder_finish(hyper_content_decoder *dec);

/* Number of non-identity codings being undone (0: identity). */
size_t hyper_content_decoder_codings(const hyper_content_decoder *dec);
/* Trailing octets discarded so far (see "Trailing data" above). */
uint64_t hyper_content_decoder_discarded(const hyper_content_decoder *dec);
/* Octets the decoder holds right now (itself, buffers, zlib's state). */
size_t hyper_content_decoder_memory(const hyper_content_decoder *dec);

/* The Accept-Encoding value matching what we decode: "gzip, deflate". */
const char *hyper_content_accept_encoding(void);

/* ========================================================================
 * 9. Transport (TCP, TLS) — the only I/O below the connection object
 *
 * One small interface so a device can plug in its own network stack: the
 * connection object only ever calls these four functions.
 * ====================================================================== */

typedef struct hyper_transport {
    /* Reads up to len bytes, waiting at most timeout_ms (< 0: no limit).
     * Returns bytes read (> 0), 0 at a clean end of stream, or a negative
     * hyper_error (HYPER_ETIMEOUT when nothing arrived in time). */
    long (*read)(void *ctx, uint8_t *buf, size_t len, int timeout_ms);
    /* Writes up to len bytes, waiting at most timeout_ms; returns bytes
     * written (> 0) or a negative hyper_error. */
    long (*write)(void *ctx, const uint8_t *buf, size_t len, int timeout_ms);
    /* The protocol ALPN chose ("h2", "http/1.1"), or NULL when none was
     * negotiated (plaintext, or a server without ALPN). */
    const char *(*protocol)(void *ctx);
    /* Closes the connection and frees ctx; the transport is unusable after. */
    void (*close)(void *ctx);
    void *ctx;
} hyper_transport;

/* (transport owner I: section 9 below this line)
 *
 * Our transports (src/tls/): TCP through the OS sockets, and TLS through
 * mbedTLS 2.28 over any hyper_transport (so a device can put our TLS on top
 * of its own network stack). Semantics of the four members for them:
 *  - read: 0 means end of stream, both after a TLS close_notify and after a
 *    bare TCP close (RFC 9112 §9.8: HTTP framing decides whether a response
 *    was complete). A read timeout leaves the connection usable.
 *  - write: may write fewer than len bytes; never raises SIGPIPE (a peer
 *    that went away gives HYPER_ECLOSED). After HYPER_ETIMEOUT from a TLS
 *    write, part of a record may be queued: call write again with the SAME
 *    bytes (as mbedtls_ssl_write requires), or close.
 *  - close: sends close_notify (TLS, bounded by HYPER_TRANSPORT_CLOSE_MS),
 *    closes the socket, frees everything. Never blocks longer than that.
 *  - read or write with len 0 returns HYPER_EINVAL (never a fake "end").
 *    A connection reset gives HYPER_ECLOSED; a damaged TLS record or a
 *    TLS alert after the handshake gives HYPER_ETLS. Errors other than
 *    HYPER_ETIMEOUT are sticky on a TLS transport.
 * One transport is used by one thread at a time.
 *
 * Memory: our own state comes from the hyper_mem given to the open call.
 * mbedTLS allocates its own (records, certificates, handshake) with the C
 * library's calloc/free: mbedtls_platform_set_calloc_free is process-wide,
 * so hyper leaves it alone; an application may set it itself.
 * Per TLS connection: ~6 KiB of hyper state (through mem) plus mbedTLS's
 * own record buffers (~2 x 16.7 KiB) and certificates; the trust store is
 * parsed per connection (the Debian system bundle: 144 CAs, ~460 KiB of
 * mbedTLS heap, ~6 ms), so name a small CA file on small devices.
 * Entropy: each TLS transport has its own CTR_DRBG, seeded at open from
 * one process-wide mbedtls_entropy context (set up once, thread-safe via
 * mbedTLS's own mutex, never freed; ~38 KiB of static storage).
 */

/* Longest detail text an open call writes (NUL included). */
#define HYPER_TRANSPORT_DETAIL_MAX 512
/* How long close() waits to send a TLS close_notify. */
#define HYPER_TRANSPORT_CLOSE_MS 1000
/* At most this many ALPN protocols, each 1..255 octets (RFC 7301 §3.1). */
#define HYPER_TRANSPORT_MAX_ALPN 8

typedef struct hyper_transport_opts {
    int connect_timeout_ms;    /* TCP connect, all addresses together (default
                                  10000; < 0: no limit) */
    int handshake_timeout_ms;  /* whole TLS handshake (default 10000; < 0: no
                                  limit). Reads and writes afterwards take
                                  their own timeout_ms argument. */
    int tls;                   /* nonzero (default): TLS over the TCP socket;
                                  0: plaintext (hyper_transport_open only) */
    const char *server_name;   /* C string or NULL (default: the host given
                                  to open). The name sent in SNI and checked
                                  against the certificate: set it to reach a
                                  server by address but verify it by name. */
    const char *const *alpn;   /* protocols to offer, most preferred first;
                                  NULL (default): "h2", "http/1.1". A non-NULL
                                  list with alpn_count 0 offers no ALPN. */
    size_t alpn_count;
    const char *ca_file;       /* PEM/DER file of trusted CAs; NULL with
                                  ca_path and ca_data NULL (default): the
                                  system bundle HYPER_TRANSPORT_SYSTEM_CA */
    const char *ca_path;       /* folder of PEM/DER CA files (all are read) */
    const uint8_t *ca_data;    /* CA certificates in memory (PEM with its
                                  terminating NUL counted in ca_data_len, or
                                  DER); any of the three may be combined */
    size_t ca_data_len;
    const char *client_cert_file; /* client certificate chain (PEM/DER), sent
                                     when the server asks; needs the key */
    const char *client_key_file;  /* its private key (PEM/DER) */
    const char *client_key_password; /* C string for an encrypted key, or NULL */
    /* DANGEROUS: nonzero accepts ANY certificate for ANY name (no chain, no
     * date, no host name check): anyone on the path can read and change the
     * traffic. For tests against throw-away servers only. Default 0. */
    int insecure_skip_verify;
} hyper_transport_opts;

#define HYPER_TRANSPORT_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

/* Fills *o with the defaults above (TLS on, verification on, system CAs). */
void hyper_transport_opts_init(hyper_transport_opts *o);

/*
 * Opens a TCP connection to host:port and stores the transport in *t.
 *  host   C string: a DNS name, an IPv4 literal, or an IPv6 literal (with or
 *         without [brackets]). Every address getaddrinfo gives (IPv4 and
 *         IPv6) is tried in turn within connect_timeout_ms. TCP_NODELAY is set.
 *  opts   NULL: defaults. Only connect_timeout_ms is used here.
 *  mem    allocator of the transport's state (NULL: default)
 *  detail optional buffer (NULL, or detail_len > 0; HYPER_TRANSPORT_DETAIL_MAX
 *         is enough) that receives a one-line explanation on failure
 *         ("connect to 127.0.0.1 port 9: Connection refused"), "" on success.
 * Returns HYPER_OK, HYPER_EINVAL (t or host NULL, empty host), HYPER_EDNS,
 * HYPER_ECONNECT (every address refused or unreachable), HYPER_ETIMEOUT,
 * HYPER_EIO, HYPER_ENOMEM. On failure *t is zeroed and nothing is left open.
 * protocol() of a TCP transport is always NULL.
 */
int hyper_transport_tcp_open(hyper_transport *t, const char *host, uint16_t port,
                             const hyper_transport_opts *opts, const hyper_mem *mem,
                             char *detail, size_t detail_len);

/*
 * Runs a TLS client handshake over `lower` (any transport: ours from
 * hyper_transport_tcp_open, or a device's own) and stores the TLS transport
 * in *t. `lower` is taken over in every case: on success the TLS transport
 * closes it; on failure it is closed before returning.
 *  host   C string: the name the connection was opened to; used for SNI and
 *         verification unless opts->server_name is set. TLS 1.2 at least.
 * Verification (unless insecure_skip_verify): the chain must lead to a
 * trusted CA and be within its dates, and the leaf must match the name: a
 * DNS name against the certificate's DNS names (mbedTLS), an IP literal
 * against its iPAddress subjectAltNames (checked by hyper, byte for byte;
 * no SNI is sent for an IP, RFC 6066 §3).
 * Returns HYPER_OK or: HYPER_EINVAL (bad arguments, ALPN list too long or
 * with an empty/overlong name), HYPER_ENOMEM, HYPER_ETLS_CA_FILE,
 * HYPER_ETLS_CLIENT_CERT, HYPER_ETLS_UNTRUSTED, HYPER_ETLS_HOSTNAME,
 * HYPER_ETLS_EXPIRED, HYPER_ETLS_NOT_YET_VALID, HYPER_ETLS_VERIFY,
 * HYPER_ETLS_ALPN, HYPER_ETLS_CERT_REQUIRED, HYPER_ETLS_HANDSHAKE,
 * HYPER_ETIMEOUT, HYPER_ECLOSED / HYPER_EIO (from the lower transport).
 * When several certificate problems apply, the first in this order wins:
 * untrusted, expired, not yet valid, host name, other. `detail` (as for
 * tcp_open) gets the mbedTLS text, e.g. "certificate verification failed:
 * The certificate Common Name (CN) does not match with the expected CN
 * (expected 'localhost')".
 */
int hyper_transport_tls_wrap(hyper_transport *t, hyper_transport lower,
                             const char *host, const hyper_transport_opts *opts,
                             const hyper_mem *mem, char *detail, size_t detail_len);

/*
 * hyper_transport_tcp_open, then (opts->tls, the default) tls_wrap: what
 * the connection object calls. Same arguments, returns and detail text.
 */
int hyper_transport_open(hyper_transport *t, const char *host, uint16_t port,
                         const hyper_transport_opts *opts, const hyper_mem *mem,
                         char *detail, size_t detail_len);

/* ========================================================================
 * 10. Connection object (blocking API, the quickstart in C)
 * ====================================================================== */

/* (connection owner J: section 10)
 *
 * A hyper_conn is one connection to one origin (scheme, host, port), used
 * the way Python hyper's HTTPConnection is: open it, start requests, collect
 * each response by the id hyper_request returned, in any order, and read
 * bodies that are decompressed for you, without caring whether the server
 * speaks HTTP/2 or HTTP/1.1:
 *  - over TLS the protocol follows ALPN: "h2" gives HTTP/2, "http/1.1" or
 *    nothing gives HTTP/1.1;
 *  - over cleartext the first request without a body carries "Upgrade:
 *    h2c" (RFC 7540 §3.2); a 101 continues in HTTP/2 (that request's
 *    response arrives on stream 1), anything else in HTTP/1.1. What was
 *    learned holds for the connection object's later connections (prior
 *    knowledge after a 101, no more offers after a refusal). A request with
 *    a body never carries the offer (the next bodyless one does): RFC 7540
 *    allows it once the body has gone whole, but servers handle it badly
 *    (some ignore the offer, answer 413 or hang) and a large body would hold
 *    the connection before HTTP/2 starts;
 *  - options force HTTP/2 with prior knowledge (RFC 9113 §3.3) or HTTP/1.1.
 *
 * Thread-safety: a connection, and every response and push it gave out, is
 * used by ONE thread at a time (there are no locks inside). Different
 * connections are independent and may run on different threads at once.
 *
 * Blocking: calls wait on the network through the transport, bounded by the
 * timeouts of hyper_conn_opts; a dead or silent peer gives an error
 * (HYPER_ETIMEOUT, HYPER_ECONN_CLOSED, ...), never a hang, unless the
 * timeouts were set to "no limit".
 *
 * Memory (all through opts.mem): the engines' bounded buffers, one receive
 * buffer, per request a copy of its method, path, fields and whole body
 * (kept for a GOAWAY retry until the response head arrives), and the body
 * bytes received but not read yet. Those are bounded by HTTP/2 flow control
 * (at most h2.initial_window_size per stream: the connection consumes
 * window only as the application reads) and, on HTTP/1.1, by max_buffered
 * for a response buffered because a later one was read first.
 *
 * Request ids: on HTTP/2, the stream id (1, 3, 5, ...; pushes even). After
 * a reconnection (GOAWAY, close) ids keep growing and never repeat: they are
 * the new connection's stream id plus an even offset; a retried request
 * keeps its id. On HTTP/1.1 hyper_request returns 0 and responses come back
 * in request order; an id of 0 (or negative) asks for the oldest response
 * not yet collected. The request carrying the h2c offer goes out on
 * HTTP/1.1, before the server's answer is known: hyper_request returns 0
 * for it. After a 101 its response is stream 1: hyper_response_id gives 1
 * and, once the answer has been read (e.g. by starting the next request,
 * which waits for it and gets 3), hyper_get_response(c, 1) finds it too;
 * hyper_get_response(c, 0) always does while it is the oldest. Without a
 * 101 it is an HTTP/1.1 response with id 0.
 *
 * Timeouts: read_timeout_ms also bounds each write (a server that stops
 * reading a request body gives HYPER_ETIMEOUT from hyper_request_send or
 * hyper_request). After the server broke the HTTP/2 protocol, the GOAWAY
 * naming the error (RFC 9113 §5.4.1) is written before the connection
 * closes, within read_timeout_ms and at most HYPER_TRANSPORT_CLOSE_MS.
 */
typedef struct hyper_conn hyper_conn;
typedef struct hyper_response hyper_response;

/* hyper_conn_opts.protocol */
#define HYPER_CONN_PROTO_AUTO  0 /* ALPN over TLS, Upgrade: h2c over cleartext */
#define HYPER_CONN_PROTO_H2    1 /* HTTP/2 only: ALPN offers only "h2" (TLS), or
                                    prior knowledge (cleartext) */
#define HYPER_CONN_PROTO_HTTP1 2 /* HTTP/1.1 only: ALPN "http/1.1", no upgrade */

/*
 * Makes the transport instead of hyper_transport_open (a device's own
 * network stack, a test's fault injector). secure: TLS wanted; topts: the
 * transport options the connection computed (ALPN list, timeouts, CA, ...).
 * Returns HYPER_OK and fills *out, or a negative hyper_error (and may write
 * a line into detail).
 */
typedef int (*hyper_conn_connect_fn)(void *ctx, const char *host, uint16_t port,
                                     int secure, const hyper_transport_opts *topts,
                                     hyper_transport *out, char *detail,
                                     size_t detail_len);

/* Options: hyper_conn_opts_init fills the defaults, then change members.
 * Strings and the memory they point to are copied at hyper_conn_open. */
typedef struct hyper_conn_opts {
    int secure;             /* -1 (default): TLS when port is 443; 1: TLS; 0: cleartext */
    int protocol;           /* HYPER_CONN_PROTO_* (default AUTO) */
    int enable_push;        /* accept server push (default 0; HTTP/2 only) */
    int decompress;         /* decode gzip/deflate bodies and send
                               "accept-encoding: gzip, deflate" (default 1) */
    int connect_timeout_ms; /* TCP connect and TLS handshake, each (default
                               10000; < 0: no limit) */
    int read_timeout_ms;    /* idle: longest wait for the next byte while a
                               call waits for the server, and for each write
                               to make progress (default 30000; < 0: no
                               limit) */
    int request_timeout_ms; /* total per request, from hyper_request to the
                               end of its body (default -1: no limit);
                               HYPER_ECONN_DEADLINE when it passes */
    const char *user_agent; /* C string; NULL (default): "hyper/" HYPER_VERSION;
                               "": no user-agent field */
    const hyper_mem *mem;   /* NULL (default): malloc */
    size_t max_buffered;    /* HTTP/1.1: body octets held for a response whose
                               reader is not reading it (default 16 MiB) */
    int retry_on_goaway;    /* retry unprocessed idempotent requests once on a
                               fresh connection (default 1) */
    hyper_transport_opts transport; /* CA, client certificate, server name, ...
                               (its tls, alpn and timeouts are set by the
                               connection from the members above) */
    hyper_h2_options h2;    /* HTTP/2 engine bounds (enable_push is taken from
                               above; connection_window_size defaults here to
                               2^31-1, as bodies are bounded per stream) */
    hyper_h1_options h1;    /* HTTP/1.1 engine bounds */
    hyper_conn_connect_fn connect; /* NULL (default): hyper_transport_open */
    void *connect_ctx;
} hyper_conn_opts;

void hyper_conn_opts_init(hyper_conn_opts *opts);

/*
 * Opens a connection to host:port now (TCP, then TLS with ALPN when secure),
 * so DNS, connect and certificate failures are reported here.
 *  host  C string: DNS name or IP literal (IPv6 with or without brackets)
 *  opts  NULL: defaults
 *  err   where to store the error on failure (may be NULL)
 * Returns the connection, or NULL with *err: HYPER_EINVAL, HYPER_ENOMEM, a
 * transport error (HYPER_EDNS, HYPER_ECONNECT, HYPER_ETIMEOUT, HYPER_ETLS_*),
 * or HYPER_ECONN_NO_H2 (PROTO_H2 over TLS and ALPN did not pick h2).
 * hyper_conn_open_detail also writes a one-line explanation into detail
 * (HYPER_TRANSPORT_DETAIL_MAX is enough; "" on success).
 */
hyper_conn *hyper_conn_open(const char *host, uint16_t port,
                            const hyper_conn_opts *opts, int *err);
hyper_conn *hyper_conn_open_detail(const char *host, uint16_t port,
                                   const hyper_conn_opts *opts, int *err,
                                   char *detail, size_t detail_len);

/* The protocol in use: "h2" or "http/1.1" (before a cleartext upgrade has
 * been answered: "http/1.1"); NULL while closed. Static string. */
const char *hyper_conn_protocol(const hyper_conn *c);

/* The error of the last call on c that failed (0 if none yet); for the calls
 * that return a pointer. */
int hyper_conn_last_error(const hyper_conn *c);

/*
 * Starts a request and returns without waiting for the response (on
 * cleartext AUTO, a request started while the h2c offer is unanswered
 * first waits for that answer: the first response's head).
 *  method, path  C strings ("GET", "/get?x=1")
 *  headers, n    extra fields (names in any case: lower-cased for HTTP/2);
 *                copied. Overrides: "host" (or ":authority") replaces the
 *                authority, "user-agent" and "accept-encoding" replace ours;
 *                "content-length" must equal len if given. Connection-
 *                specific fields (connection, keep-alive, proxy-connection,
 *                transfer-encoding, upgrade, http2-settings; te other than
 *                "trailers") are dropped on HTTP/2; on HTTP/1.1
 *                transfer-encoding, upgrade and http2-settings are dropped
 *                (the engine frames the body) and "expect: 100-continue"
 *                makes the body wait for 100 Continue.
 *  body, len     request body, copied (NULL/0: none; content-length is
 *                sent for a body, and for POST/PUT/PATCH without one)
 * Returns the id (> 0) on HTTP/2, 0 on HTTP/1.1, or a negative error:
 * HYPER_EINVAL, HYPER_ENOMEM, HYPER_ESTATE (a streamed request is open),
 * HYPER_ELIMIT, a transport or engine error. A closed connection is opened
 * again first.
 */
int32_t hyper_request(hyper_conn *c, const char *method, const char *path,
                      const hyper_hpack_field *headers, size_t n,
                      const void *body, size_t len);

/*
 * The low-level form, for bodies streamed in pieces (Python hyper's
 * putrequest/putheader/endheaders/send). One streamed request is composed at
 * a time: start, any number of header calls, end_headers, then send until
 * end. With a "content-length" field the body is that long; without, it is
 * chunked on HTTP/1.1 (DATA frames on HTTP/2). A streamed request is never
 * retried, and never carries the h2c upgrade offer.
 *  hyper_request_start     HYPER_OK, HYPER_EINVAL, HYPER_ESTATE (one open)
 *  hyper_request_header    HYPER_OK, HYPER_EINVAL, HYPER_ENOMEM
 *  hyper_request_end_headers  sends the head; final nonzero: no body.
 *                          Returns the id as hyper_request does.
 *  hyper_request_send      sends all len octets (blocking, with the flow
 *                          control window), end nonzero for the last piece;
 *                          id as returned by end_headers. Returns HYPER_OK or
 *                          an error (HYPER_EINVAL: more than content-length,
 *                          or end before it).
 */
int hyper_request_start(hyper_conn *c, const char *method, const char *path);
int hyper_request_header(hyper_conn *c, const char *name, size_t name_len,
                         const char *value, size_t value_len);
int32_t hyper_request_end_headers(hyper_conn *c, int final);
int hyper_request_send(hyper_conn *c, int32_t id, const void *data, size_t len,
                       int end);

/*
 * Waits for the response to request id (0 or negative: the oldest one not
 * yet collected) and returns it once its final head has arrived; the body is
 * read with hyper_response_read. Any order works: bodies of other responses
 * arriving meanwhile are kept. A request the server did not process is
 * retried once on a fresh connection when its method is idempotent (GET,
 * HEAD, PUT, DELETE, OPTIONS, TRACE) and its body was given whole.
 * Returns NULL on failure (hyper_conn_last_error): HYPER_ENOTFOUND (no such
 * request, or already collected), HYPER_ECONN_NOT_PROCESSED,
 * HYPER_ECONN_CLOSED, HYPER_ECONN_DEADLINE, HYPER_ETIMEOUT, an engine error
 * (HYPER_EH2_STREAM_RESET, HYPER_EH1_*, ...), HYPER_ENOMEM. The response is
 * the caller's: hyper_response_free it (before or after closing c).
 */
hyper_response *hyper_get_response(hyper_conn *c, int32_t id);

/* Status code (200, 404, ...). */
int hyper_response_status(const hyper_response *r);
/* HTTP/1.1 reason phrase as a C string ("OK"); "" on HTTP/2. */
const char *hyper_response_reason(const hyper_response *r);
/* The request id this response answers. */
int32_t hyper_response_id(const hyper_response *r);
/* The response header fields (never NULL); valid until hyper_response_free. */
const hyper_headers *hyper_response_headers(const hyper_response *r);
/* Trailer fields, once the body has been read to its end; NULL before, or
 * when the response had none. Valid until hyper_response_free. */
const hyper_headers *hyper_response_trailers(const hyper_response *r);

/* Turns decoding of this response's Content-Encoding off (0) or on (1)
 * before its first read. HYPER_OK, or HYPER_ESTATE after a read. */
int hyper_response_set_decompress(hyper_response *r, int on);

/*
 * Reads up to n body octets into buf, decoded (gzip/deflate) unless turned
 * off, waiting for the network as needed. Returns the count (> 0), 0 at the
 * end of the body (trailers are then available), or a negative error:
 * HYPER_ECONTENT_* (bad coding, or cut short), HYPER_EH2_STREAM_RESET,
 * HYPER_EH1_TRUNCATED, HYPER_ECONN_CLOSED, HYPER_ETIMEOUT,
 * HYPER_ECONN_DEADLINE. The error is sticky.
 */
long hyper_response_read(hyper_response *r, void *buf, size_t n);

/*
 * Reads the body one piece at a time as it arrived: one DATA frame (HTTP/2)
 * or one received piece (HTTP/1.1). When decoding, the decoded octets of
 * the next piece, at most 16 KiB per call. Stores a pointer in *data, valid
 * until the next call on r. Returns as hyper_response_read does. Do not mix
 * with hyper_response_read on one response.
 */
long hyper_response_read_chunk(hyper_response *r, const uint8_t **data);

/* Frees the response. A body not read to its end is cancelled (RST_STREAM
 * CANCEL on HTTP/2; drained, or the connection closed, on HTTP/1.1). */
void hyper_response_free(hyper_response *r);

/*
 * Server push (HTTP/2 with enable_push). Pushes promised on stream `id`
 * arrive with its response: after hyper_get_response(c, id) the promises
 * sent before its head are known, after its body has been read all are.
 * hyper_conn_next_push returns the id (even, > 0) of the next promise made
 * on stream id that was not returned before, or 0 when none is known now,
 * or a negative error (HYPER_ECONN_UNSUPPORTED on HTTP/1.1). A pushed
 * response is collected with hyper_get_response(c, promised_id) and read
 * like any other; hyper_conn_push_cancel refuses or resets it (RST_STREAM
 * CANCEL) and forgets it. Unclaimed pushes are freed with the connection.
 */
int32_t hyper_conn_next_push(hyper_conn *c, int32_t id);
/* The promised request: fields :method, :scheme, :authority, :path first,
 * then the other request fields. NULL if unknown. Valid until the push is
 * collected, cancelled or the connection closed. */
const hyper_headers *hyper_conn_push_request(const hyper_conn *c, int32_t promised_id);
int hyper_conn_push_cancel(hyper_conn *c, int32_t promised_id);

/* Sends a PING and waits for its acknowledgement; stores the round-trip
 * time in microseconds. HYPER_OK, HYPER_ECONN_UNSUPPORTED (HTTP/1.1),
 * HYPER_ETIMEOUT, or a connection error. */
int hyper_conn_ping(hyper_conn *c, uint64_t *rtt_us);

/*
 * Whether the server sent GOAWAY (RFC 9113 §6.8) on the current HTTP/2
 * connection: the one hyper_conn_protocol describes, until a later request
 * moves to a new connection or hyper_conn_close. Returns 1 and stores (each
 * pointer may be NULL) the last stream id and error code of the latest
 * GOAWAY, or 0 (none received, HTTP/1.1, closed, c NULL). last_stream_id
 * is in request ids (the value hyper_request returned; equal to the stream
 * id on the first connection), 2^31-1 staying 2^31-1: requests above it
 * were not processed (retried, or HYPER_ECONN_NOT_PROCESSED), those at or
 * below it complete. Reading responses drives the connection; this call
 * only reports what has been read.
 */
int hyper_conn_goaway_received(const hyper_conn *c, int32_t *last_stream_id,
                               uint32_t *error_code);

/*
 * Closes the network connection (GOAWAY on HTTP/2) and releases the engines
 * and every buffer; responses already collected keep what they buffered
 * and then report HYPER_ECONN_CLOSED, requests not yet collected are
 * dropped. The object stays valid: the next hyper_request opens a new
 * connection to the same origin. Closing a closed connection is a no-op.
 */
void hyper_conn_close(hyper_conn *c);

/* Closes c and frees it. NULL is a no-op. */
void hyper_conn_free(hyper_conn *c);

/* (bindings owner R: src/conn/conn_abi.c, for language bindings such as
 * python/hyper/ over ctypes)
 *
 * The layout of the public structures a binding fills in, as this build of
 * the library sees it: one row per member (type "hyper_conn_opts", member
 * "read_timeout_ms", its offsetof and sizeof) plus one row per structure
 * with member NULL and size = sizeof the structure. A binding that mirrors
 * the structures checks every row before use, so a changed header or a
 * different profile is caught at load time instead of corrupting memory.
 * Covers hyper_hpack_field, hyper_transport_opts, hyper_h2_options,
 * hyper_h1_options and hyper_conn_opts. Static; *count gets the rows. */
typedef struct hyper_abi_member {
    const char *type;
    const char *member; /* NULL: the row gives sizeof(type) */
    size_t offset;
    size_t size;
} hyper_abi_member;
const hyper_abi_member *hyper_abi_members(size_t *count);

/* Changes the timeouts of an open connection (same meaning as the members
 * of hyper_conn_opts; < 0: no limit), from the next call on: the connect
 * timeout applies to the next (re)connection, the read timeout to every
 * later wait, the request timeout to requests started afterwards.
 * HYPER_OK or HYPER_EINVAL (c NULL). */
int hyper_conn_set_timeouts(hyper_conn *c, int connect_timeout_ms, int read_timeout_ms,
                            int request_timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* HYPER_H */
