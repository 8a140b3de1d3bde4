/*
 * h1.h — internals of the HTTP/1.1 engine, shared by its files:
 *   h1_session.c  session, receive dispatch, events, keep-alive
 *   h1_head.c     section scanner (head and trailers) and field-line parser
 *   h1_chunked.c  chunked transfer coding decoder (RFC 9112 §7.1)
 *   h1_write.c    request writer, body output, base64url
 * Internal: not part of the public API.
 */
#ifndef HYPER_H1_H
#define HYPER_H1_H

#include <string.h>
#include "common/common.h"

#define H1_EVQ 8              /* event ring capacity */
#define H1_EVQ_STEP 3         /* free slots recv needs before each step */
#define H1_MAX_PIPELINE 64

/* A submitted request waiting for (the end of) its response. Request seq
 * lives in reqs[seq % max_pipeline]: sequence numbers are consecutive, so
 * the outstanding ones (next_seq - nreq .. next_seq - 1) never collide. */
struct h1_req {
    uint8_t is_head;          /* HEAD: the response has no body (§6.3 item 1) */
    uint8_t flags;            /* HYPER_H1_EXPECT_CONTINUE (Expect: 100-continue
                                 was sent), HYPER_H1_UPGRADE_H2C (Upgrade: h2c) */
};

/*
 * Line scanner for a head or trailer section. It sees every octet once, so
 * a head fed one octet at a time costs O(n), and it enforces the bounds as
 * the octets arrive, so nothing is buffered past them.
 */
struct h1_scan {
    size_t line_len;          /* octets of the unfinished line (a CR is only
                                 allowed right before LF and not counted) */
    size_t fields;            /* complete non-empty lines after the start line */
    size_t total;             /* octets of the section so far */
    uint8_t cr;               /* the previous octet was CR */
    uint8_t started;          /* a non-empty line was seen (skip leading blanks) */
    uint8_t done;             /* the empty line that ends the section was seen */
};

/* Chunked decoder states (RFC 9112 §7.1). A CR seen at the end of a line
 * is the flag `cr`, whatever the line: the size line and the CRLF after
 * chunk-data end the same way. */
enum h1_chunk_state {
    CH_SIZE,                  /* hex digits of chunk-size */
    CH_SIZE_WS,               /* BWS after the size, before ';' or CRLF */
    CH_EXT,                   /* chunk-ext: skipped up to the line end */
    CH_DATA,                  /* `left` octets of chunk-data */
    CH_DATA_END,              /* the CRLF after chunk-data */
    CH_LAST                   /* last-chunk seen: the trailer section follows */
};

struct h1_chunk {
    uint8_t state;            /* enum h1_chunk_state */
    uint8_t cr;               /* the previous octet was the line's CR */
    uint64_t left;            /* CH_SIZE*: size so far; CH_DATA: octets left */
    size_t line_len;          /* octets of the current line, CR and LF included */
};

/* What the receive side is reading. R_CLOSED and R_UPGRADED come last:
 * hyper_h1_reusable tests rstate < R_CLOSED. */
enum h1_rstate {
    R_HEAD,                   /* a status line and fields */
    R_LENGTH,                 /* Content-Length body: body_left octets */
    R_CHUNKED,                /* chunked body */
    R_TRAILERS,               /* trailer section after the last chunk */
    R_CLOSE_BODY,             /* body delimited by the close */
    R_CLOSED,                 /* a response ended the connection: discard */
    R_UPGRADED                /* 101 to h2c: nothing more is ours */
};

/* The field names the engine reads or writes itself (one list for both
 * sides), and the list members it acts on; indices below. */
extern const char h1_field_names[];
enum { H1_F_CONTENT_LENGTH = 1, H1_F_TRANSFER_ENCODING, H1_F_CONNECTION, H1_F_UPGRADE,
       H1_F_HOST, H1_F_EXPECT, H1_F_HTTP2_SETTINGS };
extern const char h1_list_words[];
enum { H1_W_CHUNKED = 1, H1_W_CLOSE, H1_W_KEEP_ALIVE, H1_W_H2C };

/* A parsed response head (h1_head.c fills it, the session decides). */
struct h1_head {
    int status;
    int minor;                /* HTTP/1.minor */
    hyper_headers *headers;
    uint64_t content_length;
    uint8_t has_cl;
    uint8_t has_te;
    uint8_t te_chunked_last;  /* chunked is the final transfer coding */
    /* words[H1_F_x]: bit H1_W_y set when list member y was seen in field
     * x: Connection: close / keep-alive, Upgrade: h2c, and chunked among
     * the codings (twice: error) */
    uint8_t words[H1_F_UPGRADE + 1];
    const uint8_t *reason;    /* reason phrase, in the parsed section */
    size_t reason_len;
};

/* The fields most code touches come first, within 128 octets of the start
 * (short displacements: smaller code on x86-64 and Thumb); flags and
 * small counters are narrow for the same reason. */
struct hyper_h1_session {
    int error;                /* first error, sticky; 0 while alive */
    uint8_t error_reported;   /* the ERROR event was pulled */
    uint8_t eof;              /* hyper_h1_recv_eof was called */
    uint8_t keep_alive;       /* nothing has ended the connection yet */
    uint8_t last_submitted;   /* a request of ours said Connection: close */
    uint8_t rstate;           /* enum h1_rstate: what the receive side reads */
    uint8_t body_mode;        /* HYPER_H1_BODY_* of the open body, NONE if closed */
    uint8_t holding;          /* octets from hold_at on wait for 100 Continue */
    uint8_t body_refused;     /* the held body was dropped (final status first) */
    uint8_t upgrade_pending;  /* an h2c upgrade request awaits its answer */
    int32_t next_seq;

    /* requests awaiting responses: nreq of them at reqs (see struct h1_req);
     * the one being answered is next_seq - nreq */
    uint32_t nreq;
    /* events: ring of H1_EVQ at evq */
    uint32_t ev_head, nev;

    const hyper_mem *mem;

    /* send side: pending octets are obuf[ooff .. olen) */
    uint8_t *obuf;
    size_t ooff, olen, ocap;  /* ocap <= opt.max_output */
    hyper_h1_options opt;
    size_t hold_at;
    uint64_t body_unsent;     /* BODY_LENGTH: octets still to take */

    /* receive side */
    uint64_t body_left;
    uint8_t *hbuf;            /* a section that arrived in pieces: its
                                 scan.total octets so far (<= hcap <= max_head) */
    size_t hcap;
    struct h1_scan scan;
    struct h1_chunk chunk;
    hyper_event evq[H1_EVQ];
    struct h1_req reqs[];     /* opt.max_pipeline of them, in the same block */
};

/* H1_NOINLINE: code run once per head or request, called from several
 * places or big: one copy out of line (inlining buys no speed worth
 * having). H1_SIZE_NOINLINE: a hot step that the -O2 build inlines for
 * speed and a build for size (-Os defines __OPTIMIZE_SIZE__) keeps out of
 * line. */
#define H1_NOINLINE HYPER_ATTR_NOINLINE
#ifdef __OPTIMIZE_SIZE__
#define H1_SIZE_NOINLINE H1_NOINLINE
#define H1_SPEED_NOINLINE
#else
#define H1_SIZE_NOINLINE inline
#define H1_SPEED_NOINLINE H1_NOINLINE  /* out of line for speed only */
#endif

/* A control octet a field value or reason phrase must not hold: CTL but
 * HTAB, or DEL (RFC 9110 §5.5, RFC 9112 §4). */
static inline int h1_is_ctl(uint8_t c)
{
    return c < 0x20 ? c != '\t' : c == 0x7f;
}

/* h1_session.c */
hyper_event *h1_event_push(hyper_h1_session *s, hyper_event_type type);
int h1_buf_grow(const hyper_mem *m, uint8_t **buf, size_t *cap, size_t need,
                size_t bound, size_t min);

/* h1_head.c */
/* Length of the prefix of p[0..n) made of tchar (RFC 9110 §5.6.2: field
 * names, methods, transfer codings). */
size_t h1_token_len(const char *p, size_t n);
/* 1 + the index of p[0..n) in `list`, compared case-insensitively; 0 when
 * absent. The list is lower-case words, each preceded by its length as one
 * octet (an octal escape: "\005close\012keep-alive"), ended by the NUL. */
int h1_word_index(const char *list, const char *p, size_t n);
static inline void h1_scan_reset(struct h1_scan *sc)
{
    memset(sc, 0, sizeof *sc);
}
/* Octets of in taken (up to and including the section's end, which sets
 * sc->done), or an error. */
long h1_scan_feed(struct h1_scan *sc, const hyper_h1_options *o, int is_head,
                  const uint8_t *in, size_t len);
/* A complete head (status line and fields, with the framing fields
 * interpreted) or trailer section (fields only; h->headers stays NULL when
 * the section is empty). On error nothing is left allocated. */
int h1_section_parse(const hyper_mem *mem, const uint8_t *p, size_t len,
                     int is_head, struct h1_head *h);

/* h1_chunked.c */
static inline void h1_chunk_reset(struct h1_chunk *c)
{
    memset(c, 0, sizeof *c);            /* CH_SIZE, nothing seen */
}
/* Octets of in taken, or an error; *dlen: how many of them, at the end of
 * those taken, are chunk-data (a call stops after the first piece). */
long h1_chunk_feed(struct h1_chunk *c, const hyper_h1_options *o,
                   const uint8_t *in, size_t len, size_t *dlen);

/* h1_write.c */
void h1_write_drop_held(hyper_h1_session *s);

#endif
