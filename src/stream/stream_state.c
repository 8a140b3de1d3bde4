/*
 * stream_state.c — the stream state machine of RFC 9113 §5.1, seen from a
 * client, as a table (state, input) -> next state or error, with the RFC's
 * state names. h2_stream_apply is the only function that writes a stream's
 * state.
 *
 * What the error entries mean (§5.1):
 *  - X_CONN: the frame is not allowed in this state at all, e.g. anything
 *    but HEADERS/PRIORITY on an idle stream, DATA on a reserved (remote)
 *    one: connection error PROTOCOL_ERROR.
 *  - X_CLOSED: the peer already ended its side (half-closed (remote)):
 *    stream error STREAM_CLOSED.
 *  - X_LOCAL: we asked for something our own state forbids (a bug or API
 *    misuse, never the peer's fault).
 * The closed state itself is not in play here: a closed stream is freed at
 * once and late frames are judged by how it closed (stream_table.c).
 */
#include "stream/h2_internal.h"

#define X_CONN 0xf0
#define X_CLOSED 0xf1
#define X_LOCAL 0xf2

#define IDLE HYPER_H2_STATE_IDLE
#define RLOC HYPER_H2_STATE_RESERVED_LOCAL
#define RREM HYPER_H2_STATE_RESERVED_REMOTE
#define OPEN HYPER_H2_STATE_OPEN
#define HCL HYPER_H2_STATE_HALF_CLOSED_LOCAL
#define HCR HYPER_H2_STATE_HALF_CLOSED_REMOTE
#define CLSD HYPER_H2_STATE_CLOSED

static const uint8_t table[7][H2_IN_COUNT] = {
    /*          SEND_HDRS SEND_ES   SEND_RST  RECV_PP   RECV_HDRS RECV_DATA RECV_ES   RECV_RST */
    [IDLE] = {OPEN,     X_LOCAL,  X_LOCAL,  RREM,     X_CONN,   X_CONN,   X_CONN,   X_CONN},
    /* A client never promises, so reserved (local) is unreachable. */
    [RLOC] = {X_LOCAL,  X_LOCAL,  X_LOCAL,  X_CONN,   X_CONN,   X_CONN,   X_CONN,   X_CONN},
    [RREM] = {X_LOCAL,  X_LOCAL,  CLSD,     X_CONN,   HCL,      X_CONN,   X_CONN,   CLSD},
    [OPEN] = {X_LOCAL,  HCL,      CLSD,     X_CONN,   OPEN,     OPEN,     HCR,      CLSD},
    [HCL] = {X_LOCAL,  X_LOCAL,  CLSD,     X_CONN,   HCL,      HCL,      CLSD,     CLSD},
    [HCR] = {X_LOCAL,  CLSD,     CLSD,     X_CONN,   X_CLOSED, X_CLOSED, X_CLOSED, CLSD},
    [CLSD] = {X_LOCAL, X_LOCAL,  X_LOCAL,  X_CONN,   X_CLOSED, X_CLOSED, X_CLOSED, CLSD},
};

/* The error an entry stands for, or HYPER_OK for a state. */
static int entry_error(uint8_t state, uint8_t e)
{
    switch (e) {
    case X_CONN:
        return state == IDLE ? HYPER_EH2_IDLE_STREAM : HYPER_EH2_PROTOCOL;
    case X_CLOSED:
        return HYPER_EH2_STREAM_CLOSED;
    case X_LOCAL:
        return HYPER_ESTATE;
    default:
        return HYPER_OK;
    }
}

int h2_stream_check(const h2_stream *st, enum h2_input in)
{
    return entry_error(st->state, table[st->state][in]);
}

int h2_state_is_active(uint8_t state)
{
    return state == OPEN || state == HCL || state == HCR;
}

/*
 * Applies input `in` to st. Returns HYPER_OK (state written), 1 when the
 * stream reached closed and was freed (st is gone), or the negative error
 * of the table entry (state unchanged).
 */
int h2_stream_apply(hyper_h2_session *s, h2_stream *st, enum h2_input in)
{
    int err = h2_stream_check(st, in);
    if (err)
        return err;
    uint8_t next = table[st->state][in];
    if (next == CLSD) {
        enum h2_closed_how how = H2_CLOSED_END_STREAM;
        if (in == H2_IN_SEND_RST)
            how = H2_CLOSED_SENT_RST;
        else if (in == H2_IN_RECV_RST)
            how = H2_CLOSED_RECV_RST;
        h2_stream_destroy(s, st, how); /* also drops it from n_active */
        return 1;
    }
    /* Our streams in open/half-closed count against the server's
     * SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2); leaving those states
     * only happens by closing. */
    if (!st->is_push && !h2_state_is_active(st->state) && h2_state_is_active(next))
        s->n_active++;
    st->state = next;
    return HYPER_OK;
}
