/*
 * frame_reader.c — incremental HTTP/2 frame reader (RFC 9113 §4).
 *
 * Implementation notes:
 *  - States: HEADER (gathering 9 octets into hd_raw), PAYLOAD (a non-DATA
 *    frame of known type; its payload is handed out whole), SKIP (unknown
 *    type, payload discarded), and two DATA states PADLEN -> DATA (body and
 *    padding: what a chunk holds of [body start, length - pad_len) is data,
 *    the rest is padding). SKIP and DATA share the walk to the frame's end.
 *    Invariants: hd_have < 9 in HEADER; in every other state hd is the
 *    current frame's header and done < hd.length, except that a frame whose
 *    payload is complete is finished in the same call, so no state ever
 *    waits on zero remaining octets. Hence each call with len >= 1 consumes
 *    at least one octet, except one that asks for a buffer (NEED_BUFFER).
 *  - One event per call at most: a call returns right after a frame or a
 *    DATA chunk, so events never need queueing and pointers into `in` stay
 *    valid for the caller.
 *  - Zero copy: a non-DATA payload is buffered only when it is split; DATA
 *    is never buffered, each chunk points into the input.
 *  - Buffer on demand (hyper_frame_reader_buffer_on_demand): a split
 *    payload larger than the buffer asks the caller for one of hd.length
 *    octets (one NEED_BUFFER event, `asked`), so a session holds no
 *    assembly buffer between frames and never one larger than the frame
 *    it assembles. The question is asked only once the first payload
 *    octet is here and the payload is known to be split.
 *  - Size checks happen on the header, before any payload octet is taken,
 *    so an oversized frame costs no memory or copying (§4.2).
 *  - A DATA frame's flow-controlled length is its whole payload (§6.9.1):
 *    each chunk reports the payload octets it consumed as flow_len, so the
 *    sum over a frame equals hd.length.
 */
#include <string.h>
#include "frame/frame.h"
#include "common/common.h"

enum { S_HEADER = 0, S_PAYLOAD, S_SKIP, S_DATA_PADLEN, S_DATA };

static int valid_max(uint32_t v)
{
    return v >= HYPER_FRAME_DEFAULT_MAX_FRAME_SIZE && v <= HYPER_FRAME_MAX_FRAME_SIZE_LIMIT;
}

int hyper_frame_reader_init(hyper_frame_reader *r, uint32_t max_frame_size,
                            uint8_t *buf, size_t buf_cap)
{
    if (!valid_max(max_frame_size) || (buf == NULL && buf_cap > 0))
        return HYPER_EINVAL;
    memset(r, 0, sizeof *r);
    r->max_frame_size = max_frame_size;
    r->buf = buf;
    r->buf_cap = buf_cap;
    r->state = S_HEADER;
    return HYPER_OK;
}

int hyper_frame_reader_set_max_frame_size(hyper_frame_reader *r, uint32_t max_frame_size)
{
    if (!valid_max(max_frame_size))
        return HYPER_EINVAL;
    r->max_frame_size = max_frame_size;
    return HYPER_OK;
}

void hyper_frame_reader_buffer_on_demand(hyper_frame_reader *r, int on)
{
    r->on_demand = on != 0;
}

int hyper_frame_reader_set_buffer(hyper_frame_reader *r, uint8_t *buf, size_t buf_cap)
{
    if (buf == NULL && buf_cap > 0)
        return HYPER_EINVAL;
    /* Octets of a payload already copied into the old buffer would be lost. */
    if (r->state == S_PAYLOAD && r->done > 0)
        return HYPER_ESTATE;
    r->buf = buf;
    r->buf_cap = buf_cap;
    return HYPER_OK;
}

int hyper_frame_reader_idle(const hyper_frame_reader *r)
{
    return r->state == S_HEADER && r->hd_have == 0;
}

static long fail(hyper_frame_reader *r, int err)
{
    r->err = err;
    return err;
}

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* The header is complete: check what can be checked before the payload and
 * pick the payload state. Returns HYPER_OK or the (sticky) error. */
static int start_frame(hyper_frame_reader *r)
{
    hyper_frame_hd_decode(&r->hd, r->hd_raw);
    r->hd_have = 0;
    r->done = 0;
    r->pad_len = 0;
    if (r->hd.length > r->max_frame_size) /* §4.2: also for unknown types */
        return HYPER_EH2_FRAME_SIZE;
    if (r->hd.type == HYPER_FRAME_DATA) {
        if (r->hd.stream_id == 0) /* §6.1 */
            return HYPER_EH2_STREAM_ID_ZERO;
        r->first_pending = 1;
        if (r->hd.flags & HYPER_FRAME_FLAG_PADDED) {
            if (r->hd.length == 0) /* no room for the pad-length octet */
                return HYPER_EH2_FRAME_LENGTH;
            r->state = S_DATA_PADLEN;
        } else {
            r->state = S_DATA;
        }
    } else if (r->hd.type < HYPER_FRAME_TYPE_COUNT) {
        if (r->hd.length > r->buf_cap && !r->on_demand)
            return HYPER_EH2_FRAME_BUFFER;
        r->asked = 0;
        r->state = S_PAYLOAD;
    } else {
        r->state = S_SKIP; /* §4.1, §5.5: unknown types are ignored */
    }
    return HYPER_OK;
}

/* Non-DATA payload: whole from the input if possible, else via buf (asked
 * for first when on demand and too small). Returns octets consumed or a
 * negative error. */
static long read_payload(hyper_frame_reader *r, const uint8_t *in, size_t avail,
                         hyper_frame_read_event *ev)
{
    size_t need = r->hd.length - r->done;
    if (r->done != 0 || avail < need) {
        if (avail == 0)
            return 0; /* the next input may hold the whole payload */
        if (r->hd.length > r->buf_cap) {
            if (!r->on_demand || r->asked)
                return HYPER_EH2_FRAME_BUFFER;
            r->asked = 1;
            ev->type = HYPER_FRAME_READ_NEED_BUFFER;
            return 0;
        }
        need = min_sz(avail, need);
        memcpy(r->buf + r->done, in, need);
        in = r->buf;
    } /* else zero copy: the payload is whole in the input */
    r->done += (uint32_t)need;
    if (r->done == r->hd.length) {
        ev->type = HYPER_FRAME_READ_FRAME;
        ev->payload = r->hd.length ? in : NULL;
    }
    return (long)need;
}

/* DATA and unknown types: takes what the input holds of the payload, up to
 * the frame's end. DATA gives a chunk (its data octets, the pad-length
 * octet and padding left out, and every octet taken as flow_len) whenever
 * it took octets or the frame ends; an unknown type gives one event, at
 * its end. Returns octets consumed or a negative error. */
static long read_rest(hyper_frame_reader *r, const uint8_t *in, size_t avail,
                      hyper_frame_read_event *ev)
{
    size_t pos = 0;
    if (r->state == S_DATA_PADLEN) {
        if (avail == 0)
            return 0;
        r->pad_len = in[pos++];
        r->done = 1;
        /* §6.1: padding as long as the payload or longer is an error. */
        if (r->pad_len >= r->hd.length)
            return HYPER_EH2_PADDING;
        r->state = S_DATA;
    }
    size_t take = min_sz(avail - pos, r->hd.length - r->done);
    size_t body_end = r->hd.length - r->pad_len; /* 0 < pad_len only for DATA */
    if (r->state == S_DATA && r->done < body_end && take) {
        ev->data = in + pos;
        ev->len = min_sz(take, body_end - r->done);
    }
    pos += take;
    r->done += (uint32_t)take;
    int last = r->done == r->hd.length;
    if (r->state == S_SKIP) {
        if (last)
            ev->type = HYPER_FRAME_READ_UNKNOWN;
    } else if (pos > 0 || last) {
        ev->type = HYPER_FRAME_READ_DATA;
        ev->flow_len = pos;
        ev->first = r->first_pending;
        ev->pad_len = r->pad_len;
        r->first_pending = 0;
        ev->last = last;
        ev->end_stream = last && (r->hd.flags & HYPER_FRAME_FLAG_END_STREAM);
    }
    return (long)pos;
}

long hyper_frame_reader_recv(hyper_frame_reader *r, const uint8_t *in, size_t len,
                             hyper_frame_read_event *ev)
{
    size_t pos = 0;
    memset(ev, 0, sizeof *ev);
    if (r->err)
        return r->err;
    if (len == 0)
        return 0;
    if (in == NULL)
        return HYPER_EINVAL;
    if (r->state == S_HEADER) {
        size_t take = min_sz(len, HYPER_FRAME_HEADER_LEN - r->hd_have);
        memcpy(r->hd_raw + r->hd_have, in, take);
        r->hd_have = (uint8_t)(r->hd_have + take);
        pos = take;
        if (r->hd_have < HYPER_FRAME_HEADER_LEN)
            return (long)pos;
        int rc = start_frame(r);
        if (rc)
            return fail(r, rc);
    }
    /* Zero-length frames finish here even when no input is left. An error
     * comes before any event field is written: ev stays all zero. */
    long n = r->state == S_PAYLOAD ? read_payload(r, in + pos, len - pos, ev)
                                   : read_rest(r, in + pos, len - pos, ev);
    if (n < 0)
        return fail(r, (int)n);
    /* Every event carries the frame's header; a frame whose payload is all
     * taken is finished (states never wait on zero remaining octets). */
    if (ev->type)
        ev->hd = r->hd;
    if (r->done == r->hd.length)
        r->state = S_HEADER;
    return (long)pos + n;
}
