/*
 * stage.h — one content coding being undone by zlib's inflate: the unit the
 * decoder (decoder.c) chains for stacked codings. Internal.
 */
#ifndef HYPER_CONTENT_STAGE_H
#define HYPER_CONTENT_STAGE_H

#include "hyper.h"
#ifdef HYPER_CONFIG_ENGINE_ONLY
#error "src/content is not part of an engine-only build (HYPER_CONFIG_ENGINE_ONLY, or HYPER_CONFIG_NO_H1)"
#endif

#define ZLIB_CONST   /* next_in is const: we never cast input constness away */
#include <zlib.h>
#include "common/common.h"

/* zlib's allocations, through a hyper_mem and counted. */
typedef struct hyper_content_zmem {
    const hyper_mem *mem;
    size_t in_use;   /* octets zlib holds now (headers included) */
} hyper_content_zmem;

enum hyper_content_coding { HYPER_CODING_GZIP = 1, HYPER_CODING_DEFLATE = 2 };

enum hyper_content_stage_state {
    STAGE_DETECT,   /* deflate: first two octets not seen yet (zlib or raw?) */
    STAGE_BODY,     /* inside a stream: inflate runs */
    STAGE_BETWEEN,  /* gzip: a member ended; another may follow */
    STAGE_DONE      /* ended: everything further is trailing data */
};

typedef struct hyper_content_stage {
    z_stream z;         /* initialised by stage_init, ended by stage_free */
    int coding;         /* enum hyper_content_coding */
    int state;          /* enum hyper_content_stage_state */
    uint8_t pre[2];     /* octets looked at before inflate (detection) and
                           still to be fed to it: pre[pre_off..pre_len) */
    uint8_t pre_len, pre_off;
    uint64_t discarded; /* trailing octets thrown away */
} hyper_content_stage;

/* Initialises s for a coding. HYPER_OK or HYPER_ENOMEM (nothing to free). */
int hyper_content_stage_init(hyper_content_stage *s, int coding, hyper_content_zmem *zm);
void hyper_content_stage_free(hyper_content_stage *s);

/*
 * Feeds in[0..len) and writes at most cap octets to out. Sets *used and
 * *made. Returns HYPER_OK when no further progress is possible without
 * more input or more room, or HYPER_ECONTENT_CORRUPT / HYPER_ENOMEM.
 */
int hyper_content_stage_run(hyper_content_stage *s, const uint8_t *in, size_t len,
                            size_t *used, uint8_t *out, size_t cap, size_t *made);

/* 1 once the stage's stream has ended (a gzip member or a deflate stream). */
static inline int hyper_content_stage_ended(const hyper_content_stage *s)
{
    return s->state == STAGE_BETWEEN || s->state == STAGE_DONE;
}

#endif
