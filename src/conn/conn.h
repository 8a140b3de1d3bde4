/*
 * conn.h — the connection object's private structures and the functions its
 * files share. Internal to src/conn/.
 *
 * Implementation notes (the whole layer):
 *  - A hyper_conn holds one or more links. A link is one network
 *    connection (a hyper_transport) driven by one engine, HTTP/2 or
 *    HTTP/1.1. New requests go to c->cur; a link that got GOAWAY, or an
 *    HTTP/1.1 link that will not be reused, stays alive (draining) while
 *    responses on it are still being read, and is freed when none is left.
 *  - Every request is a record (struct hyper_response) in c->recs, in
 *    submission order. The same record is the response the user collects:
 *    it holds a copy of the request (for a GOAWAY retry and for HTTP/1.1
 *    queueing), the response head, and the body pieces received but not
 *    read. Records are found by user id or by (link, wire id); the latter
 *    through a small hash (c->wire), as every event needs it.
 *  - Output is batched: a whole-body HTTP/2 request is only queued in the
 *    engine; every pump writes all pending output before it reads, so a
 *    request goes out at the latest when the caller next waits.
 *  - Driving is "pump": write all the link's pending output, read once
 *    (bounded by the read timeout), feed the engine, dispatch its events
 *    into records, repeat until the record waited for is ready.
 *  - Pumping may kick the queue, and submitting may open a new link and
 *    free old ones (conn_link_gc): code that keeps a link pointer across a
 *    pump either re-reads it (c->cur, r->link) or pins the link.
 *  - A connection error raised by the HTTP/2 engine (the peer's fault)
 *    writes the engine's GOAWAY before the link dies (conn_io.c,
 *    last_words); a failed transport is closed without a word.
 *  - HTTP/2 flow control is the body bound: DATA is consumed in the engine
 *    (hyper_h2_consume) only when the application reads it, so each stream
 *    holds at most its window. The connection window is set to 2^31-1 so
 *    an unread stream cannot starve the one being read.
 *  - conn.c: options, open/close/free, links; conn_io.c: pump and events;
 *    conn_request.c: requests, submission, retry, streaming uploads;
 *    conn_response.c: waiting, reading, decoding; conn_push.c: push, ping.
 */
#ifndef HYPER_CONN_INTERNAL_H
#define HYPER_CONN_INTERNAL_H

#include "hyper.h"
#ifdef HYPER_CONFIG_ENGINE_ONLY
#error "src/conn is not part of an engine-only build (HYPER_CONFIG_ENGINE_ONLY, or HYPER_CONFIG_NO_H1)"
#endif

#include "common/common.h"

enum conn_proto { CONN_H1 = 1, CONN_H2 = 2 };

#define CONN_WIRE_BUCKETS 64u

/* Where a record stands. */
enum rec_state {
    REC_QUEUED = 0, /* not given to an engine yet (HTTP/1.1 queue, retry) */
    REC_SENT,       /* submitted on rec->link, no final head yet */
    REC_HEAD,       /* final head arrived; body pieces may follow */
    REC_DONE,       /* the response ended: every body octet is in pieces */
    REC_FAILED      /* rec->err says why; pieces before it stay readable */
};

/* Body bytes as they arrived (one DATA frame or one HTTP/1.1 piece). */
typedef struct conn_piece {
    struct conn_piece *next;
    size_t len;    /* octets in data */
    size_t off;    /* octets already read */
    size_t flow;   /* HTTP/2 flow-controlled octets to give back once read */
    uint8_t data[];
} conn_piece;

typedef struct conn_link {
    struct conn_link *next;
    hyper_transport t;
    int proto;                 /* enum conn_proto */
    hyper_h2_session *h2;
    hyper_h1_session *h1;
    int32_t id_offset;         /* user id = HTTP/2 stream id + id_offset */
    int err;                   /* sticky: the link is dead */
    int closing;               /* takes no new request (GOAWAY, not reusable) */
    int upgrade_pending;       /* HTTP/1.1 request offering h2c, undecided */
    int pinned;                /* a caller pumps it: conn_link_gc keeps it */
    uint8_t ping_opaque[8];
    int ping_acked;
    int goaway_received;       /* the server sent GOAWAY on this link */
    int32_t goaway_last_id;    /* its last-stream-id (the latest GOAWAY's) */
    uint32_t goaway_code;      /* its error code */
} conn_link;

struct hyper_response {
    hyper_mem mem;
    hyper_conn *conn;          /* NULL once the connection was freed */
    struct hyper_response *next; /* c->recs, submission order */
    struct hyper_response *prev;
    struct hyper_response *wnext; /* chain in c->wire (the wire index) */
    int indexed;               /* in c->wire under (link, wire_id) */
    conn_link *link;           /* the link it was submitted on; NULL: queued */
    int32_t id;                /* user id (HTTP/2 id, or 0 on HTTP/1.1) */
    int32_t wire_id;           /* stream id or HTTP/1.1 sequence number */
    uint64_t seq;              /* submission order, for "oldest" */
    int state;                 /* enum rec_state */
    int err;                   /* for REC_FAILED */
    int collected;             /* handed to the user by hyper_get_response */
    int discard;               /* the user freed it: drop the rest */
    int retried;
    int streamed;              /* body given piece by piece: never retried */
    int local_done;            /* our side of the request has ended */
    int upgrade;               /* carries the h2c offer */
    int is_head;
    int64_t deadline_us;       /* total deadline (monotonic µs), 0: none */
    /* push */
    int is_push;
    int push_listed;           /* returned by hyper_conn_next_push */
    int32_t parent_id;         /* user id of the stream it was promised on */
    hyper_headers *promise;    /* the promised request */
    /* response */
    int status;
    char reason[HYPER_EVENT_REASON_MAX];
    hyper_headers *headers;
    hyper_headers *trailers;
    conn_piece *first, *last;
    size_t buffered;           /* octets in pieces not read yet */
    /* reading */
    int read_started;
    int decompress;
    hyper_content_decoder *dec;
    int dec_more;              /* the decoder stopped early: call it again */
    int read_err;              /* sticky read error */
    int eof;                   /* read returned 0 */
    conn_piece *chunk;         /* piece handed out by read_chunk */
    uint8_t *chunk_buf;        /* decoded chunk, CONN_CHUNK octets */
    /* the request, kept for retry and queueing: one allocation */
    void *store;
    size_t store_len;
    const char *method;
    const char *path;
    hyper_hpack_field *fields;
    size_t nfields;
    const uint8_t *body;
    size_t body_len;
};

/* A streamed request being composed (hyper_request_start .. end_headers). */
typedef struct conn_draft {
    int active;
    char *method, *path;
    hyper_hpack_field *fields;
    size_t nfields, cap;
} conn_draft;

struct hyper_conn {
    hyper_mem mem;
    hyper_conn_opts opts;      /* strings point into `strings` */
    void *strings;             /* copies of the option strings */
    size_t strings_len;
    char *host;
    uint16_t port;
    int secure;
    char authority[300];
    int learned;               /* cleartext AUTO: 0 unknown, CONN_H2 after a
                                  101, CONN_H1 after a refused upgrade */
    conn_link *links;
    conn_link *cur;            /* where new requests go; NULL: open one */
    hyper_response *recs;
    hyper_response *recs_tail;
    size_t ndiscard;           /* records in recs with discard set */
    /* Records by (link, wire id): events find theirs without walking recs.
     * Entries of ended records stay until the record leaves recs. */
    hyper_response *wire[CONN_WIRE_BUCKETS];
    uint64_t seq;
    int32_t max_id;            /* highest user id handed out */
    int last_err;
    conn_draft draft;
    uint8_t *rbuf;             /* receive buffer, CONN_RBUF octets */
};

/* One read's worth. 64 KiB: a bulk download takes a quarter of the reads
 * (and pumps) 16 KiB took, and a TLS read can return several records.
 * A build short of memory may define HYPER_CONN_RBUF smaller (>= 1). */
#ifdef HYPER_CONN_RBUF
#define CONN_RBUF ((size_t)HYPER_CONN_RBUF)
#else
#define CONN_RBUF 65536u
#endif
#define CONN_CHUNK 16384u

/* ---- conn.c ---- */
int64_t conn_now_us(void);
int conn_link_open(hyper_conn *c, conn_link **out, char *detail, size_t dlen);
conn_link *conn_current(hyper_conn *c, int *err);
int conn_link_engine(hyper_conn *c, conn_link *l, int proto);
void conn_link_gc(hyper_conn *c);
int conn_fail(hyper_conn *c, int err);

/* ---- conn_io.c ---- */
int conn_flush(hyper_conn *c, conn_link *l);
int conn_pump(hyper_conn *c, conn_link *l, int timeout_ms);
void conn_link_kill(hyper_conn *c, conn_link *l, int err);
hyper_response *conn_find_wire(hyper_conn *c, conn_link *l, int32_t wire_id);
void conn_wire_add(hyper_conn *c, hyper_response *r);
void conn_wire_del(hyper_conn *c, hyper_response *r);
int conn_wait_timeout(hyper_conn *c, const hyper_response *r);

/* ---- conn_request.c ---- */
hyper_response *conn_rec_new(hyper_conn *c, const char *method, const char *path,
                             const hyper_hpack_field *f, size_t n,
                             const uint8_t *body, size_t body_len);
void conn_rec_append(hyper_conn *c, hyper_response *r);
int conn_submit(hyper_conn *c, hyper_response *r);
int conn_kick_queue(hyper_conn *c);
int conn_retryable(const hyper_response *r);
int conn_h2_upgrade(hyper_conn *c, conn_link *l, hyper_response *r);

/* ---- conn_upload.c ---- */
void conn_draft_free(hyper_conn *c);

/* ---- conn_response.c ---- */
void conn_rec_free(hyper_response *r);
void conn_rec_unlink(hyper_conn *c, hyper_response *r);
int conn_piece_add(hyper_response *r, const uint8_t *data, size_t len, size_t flow);
void conn_rec_fail(hyper_response *r, int err);
int conn_wait(hyper_conn *c, hyper_response *r, int (*ready)(const hyper_response *));
void conn_reap(hyper_conn *c);

#endif
