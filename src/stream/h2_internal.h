/*
 * h2_internal.h — the HTTP/2 client session's private structures and the
 * functions its files share. Internal to src/stream/.
 *
 * Implementation notes (the whole engine):
 *  - session.c receives: E's frame reader cuts the input into frames and
 *    DATA chunks; one handler per frame type. header_block.c assembles
 *    HEADERS/PUSH_PROMISE + CONTINUATION and feeds HPACK; response_check.c
 *    validates fields (RFC 9113 §8.2, §8.3); push.c handles PUSH_PROMISE;
 *    data_in.c handles DATA; flow.c owns both directions' windows;
 *    settings.c our and the peer's SETTINGS; stream_state.c is the §5.1 state
 *    machine (the only writer of a stream's state); stream_table.c keeps
 *    live streams (sorted by id) and the memory of closed ones.
 *  - Output is one bounded linear buffer. Control frames caused by received
 *    frames are written at once (recv pauses when the buffer lacks
 *    H2_OUT_RESERVE octets, so they always fit); HEADERS of queued requests,
 *    DATA and WINDOW_UPDATE are written lazily by send.c when the caller
 *    asks for bytes. Request header blocks are HPACK-encoded at that moment,
 *    so encoder state follows wire order even when queued requests are
 *    dropped.
 *  - Events live in a ring of compact records (h2_ev, expanded into a
 *    hyper_event by next_event) of fixed capacity max_events + H2_EV_SLACK,
 *    allocated once: recv pauses at max_events and one frame adds at most
 *    H2_EV_SLACK records, so the ring never overflows. Events that concern
 *    many streams at once (a connection error, GOAWAY either way) do not
 *    go through the ring: the streams they end move to the "doomed" list
 *    (stream_table.c), and next_event hands out their RESETs, then the
 *    ERROR, once the ring is empty. So nothing is reserved per stream and
 *    no event is ever dropped.
 *  - Memory between calls is only what a connection needs to stay alive
 *    (issue 7): the frame reader's assembly buffer exists only while a
 *    split frame is assembled, sized to that frame; the output buffer only
 *    while bytes wait to be sent or streams are live; the HPACK encoder
 *    from the first request on (output.c, session.c, submit.c).
 *  - Streams are referred to by id across calls, never by pointer, because
 *    a transition to CLOSED frees the stream.
 */
#ifndef HYPER_H2_INTERNAL_H
#define HYPER_H2_INTERNAL_H

#include "common/common.h"
#include "frame/frame.h"

/* Small static helpers called from several places: one copy under -Os
 * (where gcc would inline each call), the compiler's choice otherwise. */
#ifdef __OPTIMIZE_SIZE__
#define H2_OUTLINE HYPER_ATTR_NOINLINE
#else
#define H2_OUTLINE
#endif

/* Free output space recv requires before handling a frame: enough for two
 * RST_STREAMs, a PING ACK and our GOAWAY with its debug text. */
#define H2_OUT_RESERVE 128u
/* Event ring slack above max_events + streams (events one frame can add). */
#define H2_EV_SLACK 8u
/* Debug text in our GOAWAY is at most this long. */
#define H2_GOAWAY_DEBUG_MAX 48u
/* Before the server's SETTINGS arrive we open at most this many streams
 * (RFC 9113 §6.5.2 recommends servers allow at least 100). */
#define H2_DEFAULT_PEER_CONCURRENCY 100u

/* Inputs of the §5.1 state machine, for a client. */
enum h2_input {
    H2_IN_SEND_HEADERS,
    H2_IN_SEND_END_STREAM,
    H2_IN_SEND_RST,
    H2_IN_RECV_PUSH_PROMISE, /* on the promised stream */
    H2_IN_RECV_HEADERS,
    H2_IN_RECV_DATA,
    H2_IN_RECV_END_STREAM,
    H2_IN_RECV_RST,
    H2_IN_COUNT
};

/* How a closed stream got closed: decides what late frames mean (§5.1). */
enum h2_closed_how {
    H2_CLOSED_UNKNOWN = 0,   /* forgotten (or implicitly closed) */
    H2_CLOSED_SENT_RST,      /* we reset it: ignore everything */
    H2_CLOSED_RECV_RST,      /* peer reset it: frames are STREAM_CLOSED stream errors */
    H2_CLOSED_END_STREAM     /* both sides ended: DATA/HEADERS are connection errors */
};

/* Where a response stands, to place 1xx, final headers, DATA, trailers. */
enum h2_resp {
    H2_RESP_NONE = 0,  /* nothing yet, or only 1xx heads */
    H2_RESP_FINAL,     /* final head seen: DATA and trailers may follow */
    H2_RESP_DONE       /* END_STREAM received */
};

typedef struct h2_stream {
    uint32_t id;
    uint8_t state;        /* hyper_h2_stream_state; written by h2_stream_apply only */
    uint8_t queued;       /* submitted, HEADERS not yet written (state IDLE) */
    uint8_t is_push;      /* promised by the server (even id) */
    uint8_t head_request; /* HEAD: content-length does not describe a body */
    uint8_t resp;         /* enum h2_resp */
    uint8_t local_end;    /* the request ends once the queued body is sent */
    int status;           /* final status, 0 before */
    int64_t send_window;  /* peer's window for this stream; may go negative */
    int64_t recv_window;  /* what the peer may still send on it */
    uint64_t recv_unacked;      /* consumed, not yet returned by WINDOW_UPDATE */
    uint64_t recv_outstanding;  /* delivered in DATA events, not yet consumed */
    int64_t content_length;     /* -1 when absent */
    uint64_t data_received;     /* DATA octets (padding excluded) */
    /* body given whole (not owned) */
    const uint8_t *body;
    size_t body_len, body_off;
    /* body queued by hyper_h2_send_data (owned, linear, of
     * opts.stream_send_buffer octets, a size fixed for the session) */
    uint8_t *sendq;
    size_t sendq_off, sendq_len;
    union {
        /* request before it opens: fields + packed strings, one allocation
         * of fields_alloc octets */
        struct {
            hyper_hpack_field *fields;
            size_t nfields;
            size_t fields_alloc;
        };
        /* on the doomed list (request and send queue freed by then): the
         * RESET next_event will give, and the link */
        struct {
            struct h2_stream *next_doomed;
            int reset_err;
            uint32_t reset_code;
        };
    };
} h2_stream;

typedef struct h2_closed {
    uint32_t id;
    uint8_t how;
} h2_closed;

/* A header block being received (HEADERS or PUSH_PROMISE + CONTINUATION). */
typedef struct h2_block {
    uint8_t active;
    uint8_t is_push;      /* a PUSH_PROMISE's promised request */
    uint8_t discard;      /* decode for HPACK state, keep nothing */
    uint8_t end_stream;   /* HEADERS carried END_STREAM */
    /* validation state (response_check.c), packed with the flags above
     * (the block sits in the session's first 128 octets: code size) */
    uint8_t seen_regular; /* a regular field came: no pseudo-header after */
    uint8_t pseudo_seen;  /* bit per pseudo-header, for duplicates */
    uint8_t trailers;     /* the block is a trailer section */
    int8_t bad;           /* first validation error (HYPER_EH2_BAD_RESPONSE or
                             _BAD_PUSH, which fit: response_check.c), 0 while
                             fine; one octet keeps the block at 40 octets */
    uint32_t stream_id;   /* stream the frames arrive on */
    uint32_t target_id;   /* stream the fields belong to (promised id for push) */
    uint32_t continuations;
    int status;           /* :status, -1 before */
    hyper_headers *h;     /* fields so far (NULL when discarding) */
    int64_t content_length;
} h2_block;

/* One queued event, compact: 32 octets on 64-bit, where a hyper_event is
 * ~150 (most of it the HTTP/1.1 reason field); members mean what the
 * hyper_event's of the same name mean. */
typedef struct h2_ev {
    uint8_t type;          /* hyper_event_type */
    uint8_t end_stream;
    uint16_t status;
    int32_t stream_id;
    int32_t arg;           /* RESET, ERROR: error; PUSH_PROMISE: promised_id;
                              GOAWAY: last_stream_id */
    uint32_t error_code;
    uint32_t len;          /* DATA, GOAWAY: octets at data (< 2^24: one frame) */
    uint32_t flow_len;     /* DATA */
    union {
        hyper_headers *headers;  /* HEADERS, INFORMATIONAL, TRAILERS, PUSH_PROMISE */
        const uint8_t *data;     /* DATA, GOAWAY */
        uint8_t opaque[8];       /* PING_ACK */
    } u;
} h2_ev;

struct hyper_h2_session {
    /* The most used members come first: x86-64 reaches the first 128
     * octets of the struct with one-octet displacements (code size), the
     * very first with none. */
    size_t nstreams;
    h2_block hb;
    int err;                     /* sticky connection error, 0 while alive */
    uint8_t pause;               /* an event borrowing input was queued */
    uint8_t got_settings;        /* the server's first SETTINGS arrived */
    uint8_t goaway_sent;
    uint8_t goaway_received;
    uint32_t next_id;            /* id for the next request (odd) */
    uint32_t local_window;       /* stream receive window in force */
    h2_stream **streams;         /* live streams, sorted by id */
    /* output: bytes [out_head, out_tail) wait to be sent; out (of
     * output_buffer_size octets) is NULL while nothing waits and no stream
     * is live, allocated before a writer runs (output.c) */
    uint8_t *out;
    size_t out_head, out_tail;
    hyper_hpack_encoder *enc;
    /* connection flow control */
    int64_t send_window;
    int64_t recv_window;
    uint32_t acks_len;           /* unsent ACKs (ring at acks, below) */
    uint32_t closed_len;         /* closed streams remembered (ring at closed) */
    /* events */
    h2_ev *ev;                   /* ring of ev_cap = max_events + H2_EV_SLACK */
    size_t ev_cap, ev_head, ev_len;
    /* current DATA frame */
    uint32_t data_id;            /* stream of the DATA frame in progress */
    int data_deliver;            /* its chunks become DATA events */

    hyper_h2_options opts;
    hyper_h2_settings peer;      /* the server's, in force */
    uint64_t recv_unacked;
    uint64_t recv_outstanding;

    const hyper_mem *user_mem;   /* the caller's allocator: header maps handed out
                                    in events use it, so they outlive the session */
    hyper_frame_reader reader;
    uint8_t *rbuf;               /* reader's assembly buffer: only while a split
                                    frame is assembled (or its GOAWAY debug data
                                    is handed out), rbuf_cap = that frame's length */
    size_t rbuf_cap;
    hyper_hpack_decoder *dec;

    uint64_t out_total;          /* octets ever written */
    uint64_t out_sent;           /* octets ever sent */
    uint64_t *acks;              /* out_total at the end of each unsent ACK */
    /* Counts and ring indexes below are bounded by 32-bit options: 32-bit
     * members make shorter code on 64-bit targets. */
    uint32_t acks_head;

    h2_stream *doomed_head;      /* streams ended wholesale, RESET not yet pulled */
    h2_stream *doomed_tail;
    int err_reported;            /* the ERROR event was pulled */
    uint32_t err_code;           /* RFC error code of the connection error */

    /* streams */
    uint32_t streams_cap;
    uint32_t n_local;            /* our streams live (queued included) */
    uint32_t n_active;           /* our streams open or half-closed (§5.1.2) */
    uint32_t n_push;             /* promised streams live */
    uint32_t rr;                 /* round-robin cursor for DATA */
    h2_closed *closed;           /* ring of recently closed streams */
    uint32_t closed_head;
    uint32_t highest_opened;     /* highest odd id whose HEADERS we wrote */
    uint32_t highest_promised;   /* highest even id the server promised */

    /* settings */
    uint32_t peer_table_low;     /* smallest SETTINGS_HEADER_TABLE_SIZE of the
                                    server's before the encoder existed */
    int local_acked;             /* the server acknowledged our SETTINGS */

    /* guards */
    uint32_t empty_frames;
    uint32_t rst_in_row;

    /* GOAWAY */
    uint32_t goaway_last_id;
    /* the allocator: used through h2_alloc/h2_free only, so it can sit far */
    hyper_mem mem;
};

/* ---- the session's allocator: out of line under -Os (stream_table.c; one
 * call is shorter than the indirect call and its NULL check), inline
 * otherwise (it sits on the per-request and per-event paths) ---- */
#ifdef __OPTIMIZE_SIZE__
void *h2_alloc(hyper_h2_session *s, size_t n);
void h2_free(hyper_h2_session *s, void *p, size_t n);
#else
static inline void *h2_alloc(hyper_h2_session *s, size_t n)
{
    return hyper_mem_alloc(&s->mem, n);
}
static inline void h2_free(hyper_h2_session *s, void *p, size_t n)
{
    hyper_mem_free(&s->mem, p, n);
}
#endif

/* ---- events.c ---- */
int h2_ev_init(hyper_h2_session *s);
h2_ev *h2_ev_push(hyper_h2_session *s, hyper_event_type type, uint32_t id);
void h2_ev_reset(hyper_h2_session *s, uint32_t id, int err, uint32_t code);
void h2_ev_free_all(hyper_h2_session *s);

/* ---- output.c ---- */
int h2_out_ready(hyper_h2_session *s);
void h2_out_release(hyper_h2_session *s);
size_t h2_out_free(const hyper_h2_session *s);
uint8_t *h2_out_begin(hyper_h2_session *s, size_t n);
void h2_out_commit(hyper_h2_session *s, size_t n);
uint8_t *h2_out_frame(hyper_h2_session *s, uint8_t type, uint8_t flags, uint32_t id,
                      size_t len);
int h2_out_u32(hyper_h2_session *s, uint8_t type, uint32_t id, uint32_t value);
int h2_out_copy(hyper_h2_session *s, uint8_t type, uint8_t flags, const uint8_t *payload,
                size_t len);
int h2_out_ack(hyper_h2_session *s, uint8_t type, const uint8_t *payload, size_t len);
static inline int h2_out_rst(hyper_h2_session *s, uint32_t id, uint32_t code)
{
    return h2_out_u32(s, HYPER_FRAME_RST_STREAM, id, code);
}
int h2_out_goaway(hyper_h2_session *s, uint32_t code, const uint8_t *dbg, size_t len);

/* ---- send.c ---- */
void h2_send_fill(hyper_h2_session *s);

/* ---- stream_state.c ---- */
int h2_stream_apply(hyper_h2_session *s, h2_stream *st, enum h2_input in);
int h2_stream_check(const h2_stream *st, enum h2_input in);
int h2_state_is_active(uint8_t state);

/* ---- stream_table.c ---- */
h2_stream *h2_stream_find(const hyper_h2_session *s, uint32_t id);
int h2_stream_new(hyper_h2_session *s, uint32_t id, h2_stream **out);
void h2_stream_destroy(hyper_h2_session *s, h2_stream *st, enum h2_closed_how how);
void h2_stream_doom(hyper_h2_session *s, h2_stream *st, enum h2_closed_how how, int err,
                    uint32_t code);
void h2_doom_unsent(hyper_h2_session *s, uint32_t last_id, enum h2_closed_how how, int err,
                    uint32_t code);
h2_stream *h2_doomed_pop(hyper_h2_session *s);
void h2_doomed_free_all(hyper_h2_session *s);
int h2_closed_lookup(const hyper_h2_session *s, uint32_t id);
void h2_closed_remember(hyper_h2_session *s, uint32_t id, enum h2_closed_how how);
int h2_id_was_used(const hyper_h2_session *s, uint32_t id);
void h2_streams_free_all(hyper_h2_session *s);

/* ---- flow.c ---- */
int h2_flow_window_update(hyper_h2_session *s, hyper_frame *f, int rc);
int h2_flow_peer_initial_window(hyper_h2_session *s, uint32_t value);
void h2_flow_local_initial_window(hyper_h2_session *s, uint32_t value);
/* n received octets the application will never see: credited back to the
 * connection at once. */
static inline void h2_flow_autocredit(hyper_h2_session *s, size_t n)
{
    s->recv_unacked += n;
}
int h2_flow_write_updates(hyper_h2_session *s);

/* ---- settings.c ---- */
int h2_settings_write_ours(hyper_h2_session *s);
int h2_settings_recv(hyper_h2_session *s, hyper_frame *f, int rc);

/* ---- submit.c ---- */
int h2_encoder_ensure(hyper_h2_session *s);

/* ---- session.c ---- */
/* Handlers of decoded frames (f->hd is the frame's header), one per type
 * (session.c's table). rc < 0 is the decoder's stream error, which only
 * WINDOW_UPDATE and PRIORITY can have (hyper_frame_error_is_stream). */
int h2_conn_error(hyper_h2_session *s, int err, uint32_t code);
/* h2_fail and h2_stream_error send the RFC 9113 code err stands for. */
int h2_fail(hyper_h2_session *s, int err);
int h2_stream_error(hyper_h2_session *s, uint32_t id, int err);
int h2_late_frame(hyper_h2_session *s, uint32_t id, int kind);
int h2_stream_refused(hyper_h2_session *s, uint32_t id, enum h2_input in, int err);
/* The live stream a received HEADERS, DATA or RST_STREAM (input `in`)
 * concerns, or NULL with *rc set once the frame was answered: as a late
 * frame (§5.1), with a stream error STREAM_CLOSED (half-closed (remote)),
 * or with a connection error. Inline (DATA and HEADERS take this path),
 * but one copy in session.c under -Os. */
#ifdef __OPTIMIZE_SIZE__
h2_stream *h2_stream_for(hyper_h2_session *s, uint32_t id, enum h2_input in, int *rc);
#define H2_STREAM_FOR
#else
#define H2_STREAM_FOR static inline
#endif
#if !defined(__OPTIMIZE_SIZE__) || defined(H2_DEFINE_STREAM_FOR)
H2_STREAM_FOR h2_stream *h2_stream_for(hyper_h2_session *s, uint32_t id, enum h2_input in,
                                       int *rc)
{
    h2_stream *st = h2_stream_find(s, id);
    int err = st ? h2_stream_check(st, in) : 0;
    *rc = HYPER_OK;
    if (st && !err)
        return st;
    *rc = h2_stream_refused(s, id, in, err);
    return NULL;
}
#endif

/* ---- header_block.c ---- */
int h2_block_headers(hyper_h2_session *s, const hyper_frame_hd *hd,
                     const uint8_t *payload);
int h2_block_continuation(hyper_h2_session *s, hyper_frame *f, int rc);
int h2_block_start(hyper_h2_session *s, uint32_t stream_id, uint32_t target_id,
                   int is_push, int discard);
int h2_block_feed(hyper_h2_session *s, const uint8_t *frag, size_t len, int final);
void h2_block_clear(hyper_h2_session *s);
int h2_guard_empty(hyper_h2_session *s, int empty);

/* ---- push.c ---- */
int h2_push_promise(hyper_h2_session *s, hyper_frame *f, int rc);
int h2_push_finish(hyper_h2_session *s);

/* ---- response_check.c ---- */
int h2_check_field(h2_block *b, const hyper_hpack_field *f);
int h2_check_finish(h2_block *b);
int h2_check_value(const char *v, size_t len);
int h2_check_request_field(const char *name, size_t nlen, const char *value,
                           size_t vlen);

/* ---- data_in.c ---- */
int h2_data_chunk(hyper_h2_session *s, const hyper_frame_read_event *fev);
int h2_stream_end_recv(hyper_h2_session *s, h2_stream *st);

#endif /* HYPER_H2_INTERNAL_H */
