/*
 * frame.c — frame header codec, payload decoders and the error mapping for
 * HTTP/2 frames (RFC 9113 §4.1, §6).
 *
 * Implementation notes:
 *  - Each decoder checks, in this order: the stream id rule of its type, the
 *    length rules (fixed length, or enough octets for the mandatory fields),
 *    padding, then values. Connection errors are therefore found before the
 *    stream errors a frame may also carry (PRIORITY_SELF, a bad PRIORITY
 *    length), so the session never resets a stream when it must go away.
 *  - Padding (§6.1, §6.2, §6.6): the pad length counts octets after the
 *    fragment; it may use up all that remains (empty data or fragment) but
 *    not more. For DATA this is exactly "pad length >= payload length is an
 *    error" of §6.1, since the pad-length octet itself is part of the payload.
 *  - No allocation: decoded structs point into the payload.
 */
#include <stddef.h>
#include <string.h>
#include "frame/frame.h"
#include "common/common.h"

void hyper_frame_hd_decode(hyper_frame_hd *hd, const uint8_t in[9])
{
    hd->length = hyper_get_u32(in) >> 8; /* one load for the 24 bits */
    hd->type = in[3];
    hd->flags = in[4];
    /* §4.1: the reserved bit MUST be ignored when receiving. */
    hd->stream_id = hyper_get_u32(in + 5) & HYPER_FRAME_STREAM_ID_MAX;
}

void hyper_frame_hd_encode(uint8_t out[9], const hyper_frame_hd *hd)
{
    hyper_put_u24(out, hd->length & HYPER_FRAME_LENGTH_MAX);
    out[3] = hd->type;
    out[4] = hd->flags;
    /* §4.1: the reserved bit MUST remain unset when sending. */
    hyper_put_u32(out + 5, hd->stream_id & HYPER_FRAME_STREAM_ID_MAX);
}

long hyper_frame_goaway_encode(uint8_t *out, size_t cap, uint32_t last_stream_id,
                               uint32_t error_code, const uint8_t *debug, size_t debug_len)
{
    /* debug_len is compared before anything is added to it: no wrap. */
    if (last_stream_id > HYPER_FRAME_STREAM_ID_MAX ||
        debug_len > HYPER_FRAME_LENGTH_MAX - HYPER_FRAME_GOAWAY_MIN_LEN ||
        (debug_len && debug == NULL))
        return HYPER_EINVAL;
    size_t plen = HYPER_FRAME_GOAWAY_MIN_LEN + debug_len;
    if (out == NULL || cap < HYPER_FRAME_HEADER_LEN + plen)
        return HYPER_EBUFFER;
    /* The header by hand: flags 0, stream 0 (§6.8). */
    memset(out, 0, HYPER_FRAME_HEADER_LEN);
    hyper_put_u24(out, (uint32_t)plen);
    out[3] = HYPER_FRAME_GOAWAY;
    hyper_put_u32(out + HYPER_FRAME_HEADER_LEN, last_stream_id);
    hyper_put_u32(out + HYPER_FRAME_HEADER_LEN + 4, error_code);
    if (debug_len)
        memcpy(out + HYPER_FRAME_HEADER_LEN + HYPER_FRAME_GOAWAY_MIN_LEN, debug, debug_len);
    return (long)(HYPER_FRAME_HEADER_LEN + plen);
}

/* The layout shared by the three frame types that belong to a stream and
 * may be padded (DATA §6.1, HEADERS §6.2, PUSH_PROMISE §6.6): optional
 * pad-length octet, `fixed` octets of mandatory fields, the fragment, the
 * padding. Their structs end (DATA, HEADERS: begin) with the same four
 * fields, checked here, so one decoder fills them for all three. */
struct padded_view {
    const uint8_t *frag;
    size_t len;
    int padded;
    uint8_t pad_len;
};
#define SAME_AS_VIEW(type, first)                                                    \
    _Static_assert(offsetof(type, len) - offsetof(type, first) ==                     \
                           offsetof(struct padded_view, len) &&                       \
                       offsetof(type, padded) - offsetof(type, first) ==              \
                           offsetof(struct padded_view, padded) &&                    \
                       offsetof(type, pad_len) - offsetof(type, first) ==             \
                           offsetof(struct padded_view, pad_len),                     \
                   #type " must end like struct padded_view")
SAME_AS_VIEW(hyper_frame_data, data);
SAME_AS_VIEW(hyper_frame_headers, fragment);
SAME_AS_VIEW(hyper_frame_push_promise, fragment);
_Static_assert(offsetof(hyper_frame_headers, has_priority) >= sizeof(struct padded_view) &&
                   sizeof(hyper_frame_data) >= sizeof(struct padded_view) &&
                   sizeof(hyper_frame_push_promise) - offsetof(hyper_frame_push_promise,
                                                               fragment) >=
                       sizeof(struct padded_view),
               "struct padded_view must not overlap other fields");

/* Stores `val` (of the field's type) into the field `f` of the struct
 * padded_view at `view`, the caller's struct: a plain store once compiled. */
#define VIEW_SET(view, f, type, val)                                                 \
    do {                                                                             \
        type v_ = (val);                                                             \
        memcpy((char *)(view) + offsetof(struct padded_view, f), &v_, sizeof v_);    \
    } while (0)

/* After the stream id rule (checked by decode), checks that the frame holds
 * the pad-length octet and `fixed` octets (§4.2), and that the padding fits
 * in what remains, storing each view field as soon as it is known (the
 * caller zeroed *view). The fixed fields are there (at p + padded) exactly
 * when the length check passed: HYPER_OK or HYPER_EH2_PADDING; the callers
 * read them then, as they always were. */
#ifndef __OPTIMIZE_SIZE__
/* -O2: HEADERS decoding is on the receive path. A build for size keeps one
 * copy for the three. */
static inline HYPER_ATTR_ALWAYS_INLINE
#else
static
#endif
int padded_decode(void *view, const hyper_frame_hd *hd, const uint8_t *p, size_t fixed)
{
    size_t off = (hd->flags & HYPER_FRAME_FLAG_PADDED) != 0;
    VIEW_SET(view, padded, int, (int)off);
    if (hd->length < off + fixed)
        return HYPER_EH2_FRAME_LENGTH;
    uint8_t pad = off ? p[0] : 0;
    VIEW_SET(view, pad_len, uint8_t, pad);
    off += fixed;
    if (pad > hd->length - off) /* §6.1: for DATA, pad length >= payload length */
        return HYPER_EH2_PADDING;
    size_t len = hd->length - off - pad;
    VIEW_SET(view, len, size_t, len);
    VIEW_SET(view, frag, const uint8_t *, len ? p + off : NULL);
    return HYPER_OK;
}

static void read_priority(hyper_frame_priority *prio, const uint8_t *p)
{
    uint32_t v = hyper_get_u32(p);
    prio->exclusive = (v >> 31) != 0;
    prio->dependency = v & HYPER_FRAME_STREAM_ID_MAX;
    prio->weight = p[4];
}

/* HEADERS after the stream id rule: `fixed` is 5 with the PRIORITY flag. */
static inline int headers_rest(hyper_frame_headers *o, const hyper_frame_hd *hd,
                               const uint8_t *payload, size_t fixed)
{
    int rc = padded_decode(o, hd, payload, fixed);
    if (fixed && (rc == HYPER_OK || rc == HYPER_EH2_PADDING)) {
        o->has_priority = 1;
        read_priority(&o->prio, payload + o->padded);
        /* RFC 7540 §5.3.1 (priority signals stay parseable, RFC 9113 §5.3.2). */
        if (!rc && o->prio.dependency == hd->stream_id)
            rc = HYPER_EH2_PRIORITY_SELF;
    }
    return rc;
}

int hyper_frame_setting_check(uint16_t id, uint32_t value)
{
    switch (id) {
    case HYPER_SETTINGS_ENABLE_PUSH:
        return value <= 1 ? HYPER_OK : HYPER_EH2_SETTINGS_ENABLE_PUSH;
    case HYPER_SETTINGS_INITIAL_WINDOW_SIZE:
        return value <= HYPER_FRAME_WINDOW_MAX ? HYPER_OK : HYPER_EH2_SETTINGS_WINDOW;
    case HYPER_SETTINGS_MAX_FRAME_SIZE:
        return value >= HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE &&
                       value <= HYPER_FRAME_MAX_FRAME_SIZE_LIMIT
                   ? HYPER_OK
                   : HYPER_EH2_SETTINGS_FRAME_SIZE;
    default:
        return HYPER_OK;
    }
}

static void setting_at(const uint8_t *entries, size_t i, hyper_frame_setting *s)
{
    const uint8_t *p = entries + i * HYPER_FRAME_SETTING_LEN;
    s->id = hyper_get_u16(p);
    s->value = hyper_get_u32(p + 2);
}

/* The rules every frame type states the same way, as data: the size of its
 * struct (zeroed first), the error a frame of it on stream 0 is and the one
 * on any other stream is (0: none), its length rule (the fixed payload
 * length, or with MIN the minimum one). */
enum { MIN = 0x80, Z = HYPER_EH2_STREAM_ID_ZERO, NZ = HYPER_EH2_STREAM_ID_NONZERO };
#define RULE(type, on_zero, on_other, len) {sizeof(type), {on_zero, on_other}, len}
static const struct {
    uint8_t size;
    int8_t sid_err[2]; /* [stream id != 0] */
    uint8_t len;
} rules[HYPER_FRAME_TYPE_COUNT] = {
    RULE(hyper_frame_data, Z, 0, MIN),                                  /* §6.1 */
    RULE(hyper_frame_headers, Z, 0, MIN),                               /* §6.2 */
    RULE(hyper_frame_priority, Z, 0, HYPER_FRAME_PRIORITY_LEN),         /* §6.3 */
    RULE(hyper_frame_rst_stream, Z, 0, HYPER_FRAME_RST_STREAM_LEN),     /* §6.4 */
    RULE(hyper_frame_settings, 0, NZ, MIN),                             /* §6.5 */
    RULE(hyper_frame_push_promise, Z, 0, MIN),                          /* §6.6 */
    RULE(hyper_frame_ping, 0, NZ, HYPER_FRAME_PING_LEN),                /* §6.7 */
    RULE(hyper_frame_goaway, 0, NZ, MIN | HYPER_FRAME_GOAWAY_MIN_LEN),  /* §6.8 */
    RULE(hyper_frame_window_update, 0, 0, HYPER_FRAME_WINDOW_UPDATE_LEN), /* §6.9 */
    RULE(hyper_frame_continuation, Z, 0, MIN),                          /* §6.10 */
};

/* Every decoder: zeroes `out` (the struct of `type`), checks the rules of
 * the table in the documented order (stream id, then length), then what is
 * particular to the type. */
#ifndef __OPTIMIZE_SIZE__
/* -O2: inlined with a constant type into each decoder, the table folds away
 * and each is the code it was; a build for size keeps one copy, which the
 * per-type names call (frame.h). */
static inline HYPER_ATTR_ALWAYS_INLINE int decode(void *out, const hyper_frame_hd *hd,
                                                  const uint8_t *payload, unsigned type)
#else
#define decode hyper_frame_decode_as
int hyper_frame_decode_as(void *out, const hyper_frame_hd *hd, const uint8_t *payload,
                          unsigned type)
#endif
{
    unsigned len = rules[type].len;
    memset(out, 0, rules[type].size);
#ifdef __OPTIMIZE_SIZE__
    int rc = rules[type].sid_err[hd->stream_id != 0];
#else
    /* Two constant loads, not one indexed by the stream id: folded. */
    int rc = hd->stream_id ? rules[type].sid_err[1] : rules[type].sid_err[0];
#endif
    if (rc)
        return rc;
    if (len & MIN ? hd->length < (len & ~MIN) : hd->length != len)
        return HYPER_EH2_FRAME_LENGTH;
    /* An if chain, not a switch: no table of 8-octet jump addresses. */
    if (type == HYPER_FRAME_DATA)
        return padded_decode(out, hd, payload, 0);
    if (type == HYPER_FRAME_HEADERS)
        return headers_rest(out, hd, payload,
                            hd->flags & HYPER_FRAME_FLAG_PRIORITY ? HYPER_FRAME_PRIORITY_LEN : 0);
    if (type == HYPER_FRAME_PRIORITY) {
        hyper_frame_priority *o = out;
        read_priority(o, payload);
        return o->dependency == hd->stream_id ? HYPER_EH2_PRIORITY_SELF : HYPER_OK;
    }
    if (type == HYPER_FRAME_RST_STREAM) {
        ((hyper_frame_rst_stream *)out)->error_code = hyper_get_u32(payload);
        return HYPER_OK;
    }
    if (type == HYPER_FRAME_SETTINGS) {
        hyper_frame_settings *o = out;
        if (hd->flags & HYPER_FRAME_FLAG_ACK) {
            if (hd->length != 0) /* §6.5: ACK with payload is FRAME_SIZE_ERROR */
                return HYPER_EH2_SETTINGS_ACK_LENGTH;
            o->ack = 1;
            return HYPER_OK;
        }
        if (hd->length % HYPER_FRAME_SETTING_LEN != 0)
            return HYPER_EH2_SETTINGS_LENGTH;
        size_t count = hd->length / HYPER_FRAME_SETTING_LEN;
        /* Validate every entry before any is handed out, so a bad frame is
         * rejected whole and the session never applies half of it. */
        for (size_t i = 0; i < count; i++) {
            hyper_frame_setting st;
            setting_at(payload, i, &st);
            int rc = hyper_frame_setting_check(st.id, st.value);
            if (rc)
                return rc;
        }
        o->entries = count ? payload : NULL;
        o->count = count;
        return HYPER_OK;
    }
    if (type == HYPER_FRAME_PUSH_PROMISE) {
        hyper_frame_push_promise *o = out;
        int rc = padded_decode(&o->fragment, hd, payload, 4);
        if (rc == HYPER_OK || rc == HYPER_EH2_PADDING)
            o->promised_id = hyper_get_u32(payload + o->padded) & HYPER_FRAME_STREAM_ID_MAX;
        /* §6.6 + §5.1.1: the promised id must be a valid new stream id; 0
         * never is. Checked after the padding; the fragment is left empty. */
        if (!rc && o->promised_id == 0) {
            o->fragment = NULL;
            o->len = 0;
            rc = HYPER_EH2_PROMISED_ID_ZERO;
        }
        return rc;
    }
    if (type == HYPER_FRAME_PING) {
        hyper_frame_ping *o = out;
        memcpy(o->opaque, payload, 8);
        o->ack = (hd->flags & HYPER_FRAME_FLAG_ACK) != 0;
        return HYPER_OK;
    }
    if (type == HYPER_FRAME_GOAWAY) {
        hyper_frame_goaway *o = out;
        o->last_stream_id = hyper_get_u32(payload) & HYPER_FRAME_STREAM_ID_MAX;
        o->error_code = hyper_get_u32(payload + 4);
        o->debug_len = hd->length - HYPER_FRAME_GOAWAY_MIN_LEN;
        o->debug = o->debug_len ? payload + HYPER_FRAME_GOAWAY_MIN_LEN : NULL;
        return HYPER_OK;
    }
    if (type == HYPER_FRAME_WINDOW_UPDATE) {
        hyper_frame_window_update *o = out;
        o->increment = hyper_get_u32(payload) & HYPER_FRAME_WINDOW_MAX;
        /* §6.9: stream or connection error by stream id */
        return o->increment ? HYPER_OK : HYPER_EH2_WINDOW_UPDATE_ZERO;
    }
    /* HYPER_FRAME_CONTINUATION */
    hyper_frame_continuation *o = out;
    o->len = hd->length;
    o->fragment = o->len ? payload : NULL;
    return HYPER_OK;
}

#ifndef __OPTIMIZE_SIZE__ /* -Os: frame.h names hyper_frame_decode_as */
int hyper_frame_data_decode(hyper_frame_data *out, const hyper_frame_hd *hd,
                            const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_DATA);
}

int hyper_frame_headers_decode(hyper_frame_headers *out, const hyper_frame_hd *hd,
                               const uint8_t *payload)
{
    /* -O2: on the receive path; this order gives a few instructions less
     * than decode() folded. */
    size_t fixed = hd->flags & HYPER_FRAME_FLAG_PRIORITY ? HYPER_FRAME_PRIORITY_LEN : 0;
    memset(out, 0, sizeof *out);
    if (hd->stream_id == 0) /* §6.2 */
        return HYPER_EH2_STREAM_ID_ZERO;
    return headers_rest(out, hd, payload, fixed);
}

int hyper_frame_priority_decode(hyper_frame_priority *out, const hyper_frame_hd *hd,
                                const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_PRIORITY);
}

int hyper_frame_rst_stream_decode(hyper_frame_rst_stream *out, const hyper_frame_hd *hd,
                                  const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_RST_STREAM);
}

int hyper_frame_settings_decode(hyper_frame_settings *out, const hyper_frame_hd *hd,
                                const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_SETTINGS);
}

#endif

int hyper_frame_settings_next(hyper_frame_settings *s, hyper_frame_setting *out)
{
    while (s->next < s->count) {
        setting_at(s->entries, s->next++, out);
        if (out->id >= HYPER_SETTINGS_HEADER_TABLE_SIZE &&
            out->id <= HYPER_SETTINGS_MAX_HEADER_LIST_SIZE)
            return 1;
        /* §6.5.2: unknown or unsupported identifiers MUST be ignored. */
    }
    return 0;
}

#ifndef __OPTIMIZE_SIZE__
int hyper_frame_push_promise_decode(hyper_frame_push_promise *out,
                                    const hyper_frame_hd *hd, const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_PUSH_PROMISE);
}

int hyper_frame_ping_decode(hyper_frame_ping *out, const hyper_frame_hd *hd,
                            const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_PING);
}

int hyper_frame_goaway_decode(hyper_frame_goaway *out, const hyper_frame_hd *hd,
                              const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_GOAWAY);
}

int hyper_frame_window_update_decode(hyper_frame_window_update *out,
                                     const hyper_frame_hd *hd, const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_WINDOW_UPDATE);
}

int hyper_frame_continuation_decode(hyper_frame_continuation *out,
                                    const hyper_frame_hd *hd, const uint8_t *payload)
{
    return decode(out, hd, payload, HYPER_FRAME_CONTINUATION);
}

#endif

int hyper_frame_decode(hyper_frame *f, const hyper_frame_hd *hd, const uint8_t *payload)
{
    memset(&f->u, 0, sizeof f->u);
    f->hd = *hd;
#ifdef __OPTIMIZE_SIZE__
    if (hd->type < HYPER_FRAME_TYPE_COUNT)
        return decode(&f->u, hd, payload, hd->type);
#else
    /* -O2: each decoder is decode() folded for its type; a switch to them
     * keeps the zeroing a constant size. */
    switch (hd->type) {
    case HYPER_FRAME_DATA: return hyper_frame_data_decode(&f->u.data, hd, payload);
    case HYPER_FRAME_HEADERS: return hyper_frame_headers_decode(&f->u.headers, hd, payload);
    case HYPER_FRAME_PRIORITY: return hyper_frame_priority_decode(&f->u.priority, hd, payload);
    case HYPER_FRAME_RST_STREAM:
        return hyper_frame_rst_stream_decode(&f->u.rst_stream, hd, payload);
    case HYPER_FRAME_SETTINGS: return hyper_frame_settings_decode(&f->u.settings, hd, payload);
    case HYPER_FRAME_PUSH_PROMISE:
        return hyper_frame_push_promise_decode(&f->u.push_promise, hd, payload);
    case HYPER_FRAME_PING: return hyper_frame_ping_decode(&f->u.ping, hd, payload);
    case HYPER_FRAME_GOAWAY: return hyper_frame_goaway_decode(&f->u.goaway, hd, payload);
    case HYPER_FRAME_WINDOW_UPDATE:
        return hyper_frame_window_update_decode(&f->u.window_update, hd, payload);
    case HYPER_FRAME_CONTINUATION:
        return hyper_frame_continuation_decode(&f->u.continuation, hd, payload);
    default:
        break;
    }
#endif
    return HYPER_OK; /* §4.1, §5.5: unknown types are ignored */
}

uint32_t hyper_frame_error_code(int err)
{
    /* HYPER_EH2_FRAME_SIZE (-50) .. HYPER_EH2_PROMISED_ID_ZERO (-62), in
     * order: FRAME_SIZE_ERROR for the size errors, FLOW_CONTROL_ERROR for
     * SETTINGS_WINDOW (§6.5.2), PROTOCOL_ERROR for the rest. */
    static const uint8_t code[] = {
        HYPER_H2_FRAME_SIZE_ERROR, HYPER_H2_FRAME_SIZE_ERROR,    /* SIZE, LENGTH */
        HYPER_H2_PROTOCOL_ERROR, HYPER_H2_PROTOCOL_ERROR,        /* STREAM_ID_* */
        HYPER_H2_PROTOCOL_ERROR, HYPER_H2_PROTOCOL_ERROR,        /* PADDING, WU_ZERO */
        HYPER_H2_FRAME_SIZE_ERROR, HYPER_H2_FRAME_SIZE_ERROR,    /* SETTINGS_*LENGTH */
        HYPER_H2_PROTOCOL_ERROR, HYPER_H2_FLOW_CONTROL_ERROR,    /* ENABLE_PUSH, WINDOW */
        HYPER_H2_PROTOCOL_ERROR, HYPER_H2_PROTOCOL_ERROR,        /* FRAME_SIZE, SELF */
        HYPER_H2_PROTOCOL_ERROR};                                /* PROMISED_ID_ZERO */
    if (err <= HYPER_EH2_FRAME_SIZE && err >= HYPER_EH2_PROMISED_ID_ZERO)
        return code[HYPER_EH2_FRAME_SIZE - err];
    /* §4.3: any failure to decode a field block is a COMPRESSION_ERROR. */
    if (err <= -20 && err > -50)
        return HYPER_H2_COMPRESSION_ERROR;
    return HYPER_H2_INTERNAL_ERROR; /* HYPER_EH2_FRAME_BUFFER, ENOMEM, ... */
}

int hyper_frame_error_is_stream(int err, const hyper_frame_hd *hd)
{
    if (hd->stream_id == 0)
        return 0;
    switch (err) {
    case HYPER_EH2_WINDOW_UPDATE_ZERO: /* §6.9 */
    case HYPER_EH2_PRIORITY_SELF:      /* RFC 7540 §5.3.1 */
        return 1;
    case HYPER_EH2_FRAME_LENGTH: /* §6.3: only PRIORITY's size error */
        return hd->type == HYPER_FRAME_PRIORITY;
    default:
        return 0;
    }
}
