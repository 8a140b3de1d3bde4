/*
 * harness.h — what the parts of fuzz_h2_frames share: the checks, the input
 * reader, the model of what the client was told about each stream, and
 * the calls that feed frames to the session and check its events against
 * the model (model.c). The target itself (../fuzz_h2_frames.c) builds the
 * frames and runs the program an input describes.
 */
#ifndef FUZZ_H2_FRAMES_HARNESS_H
#define FUZZ_H2_FRAMES_HARNESS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf(stderr, "fuzz_h2_frames: %s failed (%s:%d)\n", #c,        \
                    __FILE__, __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* FUZZ_TRACE=1 in the environment prints each step, call and event
 * (for triage of a reproducer; off while fuzzing). */
extern int trace;

#define TRACE(...)                                                             \
    do {                                                                       \
        if (trace)                                                             \
            fprintf(stderr, __VA_ARGS__);                                      \
    } while (0)

/* ---- input reader ----------------------------------------------------------- */

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

static inline unsigned u8(reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

static inline unsigned u16(reader *r)
{
    unsigned a = u8(r);
    return a << 8 | u8(r);
}

static inline uint32_t u32(reader *r)
{
    uint32_t a = u16(r);
    return a << 16 | u16(r);
}

/* Up to want bytes straight from the input; returns how many. */
static inline size_t take(reader *r, size_t want, const uint8_t **p)
{
    if (want > r->left)
        want = r->left;
    *p = r->p;
    r->p += want;
    r->left -= want;
    return want;
}

/* ---- the model: what the client was told about each stream ----------------- */

enum { PH_NONE, PH_INFO, PH_HEAD, PH_TRAILERS, PH_END, PH_RESET };

typedef struct mstream {
    int32_t id;
    uint8_t phase, head, push, gone; /* gone: reset/refused by the application */
    uint8_t sending; /* END came while our request body was still open */
    int status;
    int64_t cl; /* content-length of the response head, -1 if none */
    uint64_t got;
} mstream;

#define MAX_MODEL 512
#define MAX_HELD 64

typedef struct fuzz_state {
    hyper_h2_session *s;
    hyper_h2_options o;
    hyper_hpack_encoder *enc;
    mstream st[MAX_MODEL];
    size_t nst;
    int32_t held_id[MAX_HELD];
    size_t held_flow[MAX_HELD];
    size_t nheld;
    int slow, dead;
    uint32_t seed;
    int32_t next_promised;
    uint8_t frame[1 << 17]; /* frames of one step, before they are fed */
    size_t flen;
} fuzz_state;

/* ---- model.c ---------------------------------------------------------------- */

mstream *model_find(fuzz_state *f, int32_t id);
/* A stream the client opened (head: a HEAD request) or was promised. */
mstream *model_add(fuzz_state *f, int32_t id, int head, int push);
/* Gives back the DATA credit a slow reader holds. */
void give_back(fuzz_state *f);
/* Pulls every event (checked against the model) and takes all output. */
void drain(fuzz_state *f);
/* Feeds the frames of one step in pieces; returns 1 once the session died. */
int feed(fuzz_state *f);

#endif
