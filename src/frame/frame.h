/*
 * frame.h — HTTP/2 frames (RFC 9113 §4, §6): constants, the 9-octet frame
 * header, a decoder and an encoder per frame type, the mapping of frame
 * errors to RFC error codes, and an incremental frame reader.
 * Internal: used by src/stream/ and the tests, not part of the public API.
 *
 * Rules of this layer:
 *  - No allocation, no I/O. Decoded structs point into the payload they were
 *    decoded from (valid as long as that memory is).
 *  - Decoders check every rule of RFC 9113 §4 and §6 that one frame shows on
 *    its own (lengths, stream id 0 or not, padding, values) and return a
 *    negative HYPER_EH2_* on violation; hyper_frame_error_code() and
 *    hyper_frame_error_is_stream() say what the RFC makes of it. Rules that
 *    need connection state (stream states, odd/even ids, CONTINUATION
 *    sequencing, windows) are the session's (src/stream/).
 *  - Unknown flags are ignored on decode; unknown frame types are skipped by
 *    the reader; unknown SETTINGS identifiers are skipped by the iterator.
 *  - Encoders write exactly what they are given (they check only that each
 *    value fits its field), so tests and test servers can build malformed
 *    frames; the session is responsible for sending valid ones.
 *  - Stream ids are uint32_t; the reserved bit is cleared on decode and never
 *    set on encode (RFC 9113 §4.1).
 */
#ifndef HYPER_FRAME_H
#define HYPER_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "hyper.h"

/* ---- constants (RFC 9113 §4.1, §6, §6.5.2, §3.4) ------------------------ */

/* Frame types (§6). Types above 0x9 are extensions: skipped (§4.1, §5.5). */
enum hyper_frame_type {
    HYPER_FRAME_DATA = 0x0,
    HYPER_FRAME_HEADERS = 0x1,
    HYPER_FRAME_PRIORITY = 0x2,
    HYPER_FRAME_RST_STREAM = 0x3,
    HYPER_FRAME_SETTINGS = 0x4,
    HYPER_FRAME_PUSH_PROMISE = 0x5,
    HYPER_FRAME_PING = 0x6,
    HYPER_FRAME_GOAWAY = 0x7,
    HYPER_FRAME_WINDOW_UPDATE = 0x8,
    HYPER_FRAME_CONTINUATION = 0x9
};
#define HYPER_FRAME_TYPE_COUNT 10

/* Flags (§6). ACK shares its bit with END_STREAM (different frame types). */
#define HYPER_FRAME_FLAG_END_STREAM  0x01 /* DATA, HEADERS */
#define HYPER_FRAME_FLAG_ACK         0x01 /* SETTINGS, PING */
#define HYPER_FRAME_FLAG_END_HEADERS 0x04 /* HEADERS, PUSH_PROMISE, CONTINUATION */
#define HYPER_FRAME_FLAG_PADDED      0x08 /* DATA, HEADERS, PUSH_PROMISE */
#define HYPER_FRAME_FLAG_PRIORITY    0x20 /* HEADERS */

/* SETTINGS identifiers (§6.5.2). Others are ignored on receipt (§6.5.2). */
#define HYPER_SETTINGS_HEADER_TABLE_SIZE      0x1
#define HYPER_SETTINGS_ENABLE_PUSH            0x2
#define HYPER_SETTINGS_MAX_CONCURRENT_STREAMS 0x3
#define HYPER_SETTINGS_INITIAL_WINDOW_SIZE    0x4
#define HYPER_SETTINGS_MAX_FRAME_SIZE         0x5
#define HYPER_SETTINGS_MAX_HEADER_LIST_SIZE   0x6

/* Sizes, defaults and limits. */
#define HYPER_FRAME_HEADER_LEN 9u                 /* §4.1 */
#define HYPER_FRAME_LENGTH_MAX 0xffffffu          /* 24-bit length field */
#define HYPER_FRAME_STREAM_ID_MAX 0x7fffffffu     /* 31 bits (§5.1.1) */
#define HYPER_FRAME_WINDOW_MAX 0x7fffffffu        /* 2^31-1 (§6.9.1) */
#define HYPER_FRAME_DEFAULT_HEADER_TABLE_SIZE 4096u
#define HYPER_FRAME_DEFAULT_ENABLE_PUSH 1u
#define HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE 65535u
#define HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE 16384u /* also the smallest allowed */
#define HYPER_FRAME_MAX_FRAME_SIZE_LIMIT 16777215u /* largest allowed, 2^24-1 */
/* Fixed payload lengths (§6.3, §6.4, §6.7, §6.9) and minimums. */
#define HYPER_FRAME_PRIORITY_LEN 5u
#define HYPER_FRAME_RST_STREAM_LEN 4u
#define HYPER_FRAME_PING_LEN 8u
#define HYPER_FRAME_WINDOW_UPDATE_LEN 4u
#define HYPER_FRAME_GOAWAY_MIN_LEN 8u
#define HYPER_FRAME_SETTING_LEN 6u

/* The client connection preface (§3.4), 24 octets, sent before our SETTINGS. */
#define HYPER_FRAME_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define HYPER_FRAME_PREFACE_LEN 24u

/* ---- frame header (§4.1) ------------------------------------------------- */

typedef struct hyper_frame_hd {
    uint32_t length;    /* payload length, 0 .. 2^24-1 */
    uint8_t type;       /* enum hyper_frame_type or an unknown type */
    uint8_t flags;      /* as on the wire, unknown bits included */
    uint32_t stream_id; /* 31 bits; reserved bit cleared on decode */
} hyper_frame_hd;

/* Decodes 9 octets. Cannot fail: every header is well-formed at this level. */
void hyper_frame_hd_decode(hyper_frame_hd *hd, const uint8_t in[9]);
/* Encodes 9 octets (length masked to 24 bits, stream id to 31 bits). Useful
 * to send a DATA payload from the caller's own memory without copying. */
void hyper_frame_hd_encode(uint8_t out[9], const hyper_frame_hd *hd);

/* ---- payloads ------------------------------------------------------------ */

/* DATA (§6.1). data/len exclude the pad-length octet and the padding. */
typedef struct hyper_frame_data {
    const uint8_t *data;
    size_t len;
    int padded;       /* PADDED flag: a pad-length octet is present */
    uint8_t pad_len;  /* padding octets after the data (0 unless padded) */
} hyper_frame_data;

/* Priority fields of HEADERS (PRIORITY flag) and PRIORITY (§6.3; deprecated
 * by RFC 9113 §5.3.2 but still parsed). weight is the wire value 0..255; the
 * weight it means is weight + 1. */
typedef struct hyper_frame_priority {
    uint32_t dependency; /* 31 bits */
    int exclusive;       /* the E bit */
    uint8_t weight;
} hyper_frame_priority;

/* HEADERS (§6.2). fragment/len: the field block fragment, padding removed. */
typedef struct hyper_frame_headers {
    const uint8_t *fragment;
    size_t len;
    int padded;
    uint8_t pad_len;
    int has_priority;          /* PRIORITY flag: prio is valid */
    hyper_frame_priority prio;
} hyper_frame_headers;

/* RST_STREAM (§6.4). */
typedef struct hyper_frame_rst_stream {
    uint32_t error_code; /* enum hyper_h2_error_code, or any other value */
} hyper_frame_rst_stream;

/* One SETTINGS entry (§6.5.1). */
typedef struct hyper_frame_setting {
    uint16_t id;
    uint32_t value;
} hyper_frame_setting;

/* SETTINGS (§6.5): a validated view of the entries, read with
 * hyper_frame_settings_next(). `next` is the iterator's position. */
typedef struct hyper_frame_settings {
    const uint8_t *entries; /* count * 6 octets */
    size_t count;           /* entries on the wire, unknown ids included */
    size_t next;            /* index of the next entry to examine */
    int ack;                /* ACK flag (then count is 0) */
} hyper_frame_settings;

/* PUSH_PROMISE (§6.6). */
typedef struct hyper_frame_push_promise {
    uint32_t promised_id; /* 31 bits, never 0 after a successful decode */
    const uint8_t *fragment;
    size_t len;
    int padded;
    uint8_t pad_len;
} hyper_frame_push_promise;

/* PING (§6.7). The opaque data is copied (8 octets). */
typedef struct hyper_frame_ping {
    uint8_t opaque[8];
    int ack;
} hyper_frame_ping;

/* GOAWAY (§6.8). */
typedef struct hyper_frame_goaway {
    uint32_t last_stream_id; /* 31 bits */
    uint32_t error_code;
    const uint8_t *debug;    /* additional debug data, may be empty */
    size_t debug_len;
} hyper_frame_goaway;

/* WINDOW_UPDATE (§6.9). */
typedef struct hyper_frame_window_update {
    uint32_t increment; /* 1 .. 2^31-1 after a successful decode */
} hyper_frame_window_update;

/* CONTINUATION (§6.10). */
typedef struct hyper_frame_continuation {
    const uint8_t *fragment;
    size_t len;
} hyper_frame_continuation;

/*
 * Payload decoders. Each takes the decoded header and the hd->length octets
 * of payload (payload may be NULL when hd->length is 0), checks the frame
 * type's rules and fills *out, whose pointers point into payload.
 * Returns HYPER_OK or a negative HYPER_EH2_*:
 *  all:  HYPER_EH2_STREAM_ID_ZERO (DATA, HEADERS, PRIORITY, RST_STREAM,
 *        PUSH_PROMISE, CONTINUATION on stream 0), HYPER_EH2_STREAM_ID_NONZERO
 *        (SETTINGS, PING, GOAWAY on a stream), HYPER_EH2_FRAME_LENGTH (wrong
 *        fixed length, or too short for pad length / priority / promised id /
 *        GOAWAY fields), HYPER_EH2_PADDING (padding longer than what remains).
 *  HEADERS, PRIORITY: HYPER_EH2_PRIORITY_SELF (dependency on own stream).
 *  SETTINGS: HYPER_EH2_SETTINGS_ACK_LENGTH, HYPER_EH2_SETTINGS_LENGTH, and
 *        the first invalid entry's HYPER_EH2_SETTINGS_* (see
 *        hyper_frame_setting_check); no entry is usable then.
 *  PUSH_PROMISE: HYPER_EH2_PROMISED_ID_ZERO.
 *  WINDOW_UPDATE: HYPER_EH2_WINDOW_UPDATE_ZERO.
 * The decoders do not check the frame type in hd; call the matching one.
 * They do not check the length against SETTINGS_MAX_FRAME_SIZE (the reader
 * does).
 */
#ifndef __OPTIMIZE_SIZE__
#define HYPER_FRAME_DECODER_(name, T, type) \
    int hyper_frame_##name##_decode(T *out, const hyper_frame_hd *hd, const uint8_t *payload);
#else
/* A build for size has one decoder for every type (frame.c); each name
 * below calls it with its type, keeping its own argument type. */
int hyper_frame_decode_as(void *out, const hyper_frame_hd *hd, const uint8_t *payload,
                          unsigned type);
#define HYPER_FRAME_DECODER_(name, T, type)                                                 \
    static inline int hyper_frame_##name##_decode(T *out, const hyper_frame_hd *hd,         \
                                                  const uint8_t *payload)                   \
    {                                                                                       \
        return hyper_frame_decode_as(out, hd, payload, type);                               \
    }
#endif
HYPER_FRAME_DECODER_(data, hyper_frame_data, HYPER_FRAME_DATA)
HYPER_FRAME_DECODER_(headers, hyper_frame_headers, HYPER_FRAME_HEADERS)
HYPER_FRAME_DECODER_(priority, hyper_frame_priority, HYPER_FRAME_PRIORITY)
HYPER_FRAME_DECODER_(rst_stream, hyper_frame_rst_stream, HYPER_FRAME_RST_STREAM)
HYPER_FRAME_DECODER_(settings, hyper_frame_settings, HYPER_FRAME_SETTINGS)
HYPER_FRAME_DECODER_(push_promise, hyper_frame_push_promise, HYPER_FRAME_PUSH_PROMISE)
HYPER_FRAME_DECODER_(ping, hyper_frame_ping, HYPER_FRAME_PING)
HYPER_FRAME_DECODER_(goaway, hyper_frame_goaway, HYPER_FRAME_GOAWAY)
HYPER_FRAME_DECODER_(window_update, hyper_frame_window_update, HYPER_FRAME_WINDOW_UPDATE)
HYPER_FRAME_DECODER_(continuation, hyper_frame_continuation, HYPER_FRAME_CONTINUATION)
#undef HYPER_FRAME_DECODER_

/*
 * The next SETTINGS entry with a known identifier (1..6), in wire order;
 * unknown identifiers are skipped (§6.5.2). Returns 1 and fills *out, or 0
 * when no entries remain. Entries were validated by the decoder. Apply them
 * in order: a later value of the same id wins (§6.5.3).
 */
int hyper_frame_settings_next(hyper_frame_settings *s, hyper_frame_setting *out);

/*
 * Checks one setting's value (§6.5.2): HYPER_OK, or
 * HYPER_EH2_SETTINGS_ENABLE_PUSH (not 0 or 1),
 * HYPER_EH2_SETTINGS_WINDOW (INITIAL_WINDOW_SIZE > 2^31-1),
 * HYPER_EH2_SETTINGS_FRAME_SIZE (MAX_FRAME_SIZE outside 16384..16777215).
 * Unknown ids and other values are HYPER_OK. Also usable on our own config.
 */
int hyper_frame_setting_check(uint16_t id, uint32_t value);

/* Every payload, as one tagged value, for callers that switch on the type. */
typedef struct hyper_frame {
    hyper_frame_hd hd;
    union {
        hyper_frame_data data;
        hyper_frame_headers headers;
        hyper_frame_priority priority;
        hyper_frame_rst_stream rst_stream;
        hyper_frame_settings settings;
        hyper_frame_push_promise push_promise;
        hyper_frame_ping ping;
        hyper_frame_goaway goaway;
        hyper_frame_window_update window_update;
        hyper_frame_continuation continuation;
    } u;
} hyper_frame;

/* Copies *hd into f->hd and runs the decoder of hd->type. An unknown type
 * returns HYPER_OK with f->u zeroed (the caller ignores the frame). */
int hyper_frame_decode(hyper_frame *f, const hyper_frame_hd *hd, const uint8_t *payload);

/* ---- errors -------------------------------------------------------------- */

/*
 * The RFC 9113 error code (enum hyper_h2_error_code) for a hyper_error found
 * in a frame: FRAME_SIZE_ERROR for HYPER_EH2_FRAME_SIZE, _FRAME_LENGTH,
 * _SETTINGS_LENGTH, _SETTINGS_ACK_LENGTH; FLOW_CONTROL_ERROR for
 * _SETTINGS_WINDOW; INTERNAL_ERROR for _FRAME_BUFFER (our bound, not the
 * peer's fault) and for codes this layer does not know; COMPRESSION_ERROR
 * for every HYPER_EHPACK_* (§4.3); PROTOCOL_ERROR for the other HYPER_EH2_*
 * codes of this layer (-50 .. -79).
 */
uint32_t hyper_frame_error_code(int err);

/*
 * 1 if the RFC makes `err`, found in the frame with header *hd, a stream
 * error (§5.4.2: RST_STREAM on hd->stream_id, connection lives on); 0 if it
 * is a connection error (§5.4.1: GOAWAY). Stream errors are:
 *  - HYPER_EH2_WINDOW_UPDATE_ZERO on a stream (§6.9);
 *  - HYPER_EH2_FRAME_LENGTH on PRIORITY (§6.3);
 *  - HYPER_EH2_PRIORITY_SELF (RFC 7540 §5.3.1, kept by RFC 9113 §5.3.2).
 * Everything else, including every other size error (§4.2: frames that can
 * change connection state, or on stream 0) and every error on stream 0, is a
 * connection error.
 */
int hyper_frame_error_is_stream(int err, const hyper_frame_hd *hd);

/* ---- encoders ------------------------------------------------------------ */

/*
 * GOAWAY (§6.8) into out: last_stream_id, error_code, then debug_len octets
 * of debug data. Returns the frame's length (17 + debug_len), HYPER_EBUFFER
 * if cap is too small or out NULL (nothing written), HYPER_EINVAL if
 * last_stream_id is over 2^31-1, the payload over 2^24-1 octets, or debug
 * NULL with debug_len > 0. The one frame the engine builds through this
 * layer; the encoders for the other types (tools/support/frame_forge.h)
 * serve tests, fuzzers and the bench.
 */
long hyper_frame_goaway_encode(uint8_t *out, size_t cap, uint32_t last_stream_id,
                               uint32_t error_code, const uint8_t *debug, size_t debug_len);

/* ---- incremental reader -------------------------------------------------- */

/*
 * Turns a byte stream (after the preface; a client receives none) into
 * frames. The struct is the caller's; nothing is allocated. Bytes may
 * arrive in any split, one at a time included.
 *  - Non-DATA frames of known type come out whole (HYPER_FRAME_READ_FRAME)
 *    with a contiguous payload: pointing into the input when the input holds
 *    the whole payload and none of it was buffered before (zero copy), else
 *    assembled in the caller's buffer. Their payload is NOT decoded: call
 *    hyper_frame_decode() (stream errors must not kill the reader).
 *  - DATA comes out as chunks (HYPER_FRAME_READ_DATA) pointing into the
 *    input, never copied; the pad-length octet and the padding are removed
 *    and counted in flow_len; a DATA frame's chunks' flow_len add up to
 *    hd.length, the amount flow control charges (§6.9.1). A zero-length DATA
 *    frame gives one event. The reader itself checks DATA's rules (stream id
 *    0, pad length vs length), as connection errors.
 *  - Unknown types are skipped without buffering; one
 *    HYPER_FRAME_READ_UNKNOWN event is given when the whole frame is skipped
 *    so the session can enforce §5.5 (no extension frame inside a field block).
 *  - Any frame (unknown types included) longer than max_frame_size:
 *    HYPER_EH2_FRAME_SIZE. A non-DATA frame of known type longer than
 *    buf_cap: HYPER_EH2_FRAME_BUFFER (whether split or not; give a buffer of
 *    max_frame_size octets to never see it).
 *  - The first error sticks: every later call returns it.
 */
typedef enum hyper_frame_read_type {
    HYPER_FRAME_READ_NONE = 0, /* no event: all bytes were used, need more */
    HYPER_FRAME_READ_FRAME,    /* a whole non-DATA frame: hd, payload */
    HYPER_FRAME_READ_DATA,     /* a chunk of a DATA frame: hd, data, len, flow_len,
                                  first, last, end_stream */
    HYPER_FRAME_READ_UNKNOWN,  /* a frame of unknown type was skipped: hd */
    HYPER_FRAME_READ_NEED_BUFFER /* on demand only: hd is a split non-DATA
                                    frame longer than the buffer; give one of
                                    hd.length octets or more with
                                    hyper_frame_reader_set_buffer */
} hyper_frame_read_type;

typedef struct hyper_frame_read_event {
    hyper_frame_read_type type;
    hyper_frame_hd hd;        /* the frame's header (every event type) */
    const uint8_t *payload;   /* FRAME: hd.length octets (NULL if 0) */
    const uint8_t *data;      /* DATA: data octets of this chunk (into the input) */
    size_t len;               /* DATA: octets at data (may be 0) */
    size_t flow_len;          /* DATA: payload octets this chunk consumed,
                                 padding and pad-length octet included */
    int first;                /* DATA: first chunk of this frame */
    int last;                 /* DATA: last chunk, the frame is complete */
    int end_stream;           /* DATA: last && END_STREAM flag */
    uint8_t pad_len;          /* DATA: the frame's pad length (valid once known) */
} hyper_frame_read_event;

/* Reader state. Fields are private to frame_reader.c; the invariants are
 * documented there. */
typedef struct hyper_frame_reader {
    uint32_t done;         /* payload octets of the current frame consumed
                              (first: offset 0, the shortest x86-64 encodings) */
    uint32_t max_frame_size;
    uint8_t *buf;
    size_t buf_cap;
    int state;
    int err;               /* first error, sticky; 0 while healthy */
    uint8_t hd_raw[9];     /* header octets gathered so far */
    uint8_t hd_have;
    hyper_frame_hd hd;     /* current frame, valid after the header */
    uint8_t pad_len;       /* DATA: pad length of the current frame */
    int first_pending;     /* DATA: no chunk of this frame given yet */
    uint8_t on_demand;     /* ask for a buffer instead of FRAME_BUFFER */
    uint8_t asked;         /* NEED_BUFFER given for the current frame */
} hyper_frame_reader;

/*
 * Prepares *r. max_frame_size: our SETTINGS_MAX_FRAME_SIZE (16384 ..
 * 16777215). buf/buf_cap: where split non-DATA payloads are assembled
 * (caller-owned, outlives the reader; may be NULL with 0). Returns HYPER_OK
 * or HYPER_EINVAL (max_frame_size out of range, or buf NULL with cap > 0).
 */
int hyper_frame_reader_init(hyper_frame_reader *r, uint32_t max_frame_size,
                            uint8_t *buf, size_t buf_cap);

/* Changes the limit for frames whose header has not been read yet (call it
 * when the peer acknowledged our new SETTINGS_MAX_FRAME_SIZE, §6.5.3).
 * HYPER_OK or HYPER_EINVAL (out of range; nothing changed). */
int hyper_frame_reader_set_max_frame_size(hyper_frame_reader *r, uint32_t max_frame_size);

/*
 * Feeds bytes. Consumes a prefix of in[0..len) and reports at most one
 * event in *ev (always written; type NONE when there is none).
 * Returns the octets consumed (>= 1 whenever len >= 1, so a loop
 * `while (len) { n = recv(); in += n; len -= n; handle(ev); }` always
 * progresses; the one exception is a NEED_BUFFER event, after which the
 * caller's new buffer makes the next call progress), or the sticky negative error (HYPER_EH2_FRAME_SIZE,
 * HYPER_EH2_FRAME_BUFFER, and DATA's HYPER_EH2_STREAM_ID_ZERO,
 * HYPER_EH2_FRAME_LENGTH, HYPER_EH2_PADDING — all connection errors).
 * Lifetimes: ev->data and a zero-copy ev->payload point into `in`; a
 * buffered ev->payload points into buf and is valid until the next call.
 */
long hyper_frame_reader_recv(hyper_frame_reader *r, const uint8_t *in, size_t len,
                             hyper_frame_read_event *ev);

/*
 * Buffer on demand (on != 0): a non-DATA frame of known type longer than
 * buf_cap is no longer HYPER_EH2_FRAME_BUFFER at once. If its payload is
 * whole in one input it is handed out zero-copy as usual; if it arrives
 * split, the call that holds its first payload octet gives a
 * HYPER_FRAME_READ_NEED_BUFFER event (consuming only header octets, maybe
 * none) and the caller gives a buffer of at least hd.length octets with
 * hyper_frame_reader_set_buffer before calling again. A caller that does
 * not gets HYPER_EH2_FRAME_BUFFER (sticky) on that next call. Lets a
 * session keep no assembly buffer between frames.
 */
void hyper_frame_reader_buffer_on_demand(hyper_frame_reader *r, int on);

/*
 * Replaces the assembly buffer (caller-owned; NULL with 0 for none).
 * Allowed whenever no payload octet sits in the old buffer: between frames
 * (hyper_frame_reader_idle), after a NEED_BUFFER event, or after a
 * zero-copy FRAME event. HYPER_OK, HYPER_EINVAL (NULL with cap > 0), or
 * HYPER_ESTATE (a payload is half assembled in the old buffer; nothing
 * changed).
 */
int hyper_frame_reader_set_buffer(hyper_frame_reader *r, uint8_t *buf, size_t buf_cap);

/* 1 if the reader is between frames (no partial frame pending). */
int hyper_frame_reader_idle(const hyper_frame_reader *r);

#endif /* HYPER_FRAME_H */
