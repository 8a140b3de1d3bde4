/*
 * settings.c — our SETTINGS and the server's (RFC 9113 §6.5).
 *
 * When settings take effect (§6.5.3):
 *  - the server's take effect as its SETTINGS frame is processed, and we
 *    acknowledge at once;
 *  - ours bind the server only once it acknowledged them. Until then the
 *    RFC defaults stay in force where ours are stricter: the stream receive
 *    window stays 65535 (the ACK moves every stream by the difference), the
 *    HPACK decoder accepts a 4096-octet table, push counts as enabled (a
 *    promise then is refused, not a connection error). Where ours are more
 *    lenient (a larger frame size or table) they apply at once, which only
 *    accepts more.
 */
#include <string.h>
#include "stream/h2_internal.h"

/* The defaults live here, apart from session.c's read-only tables: the
 * struct is aligned to 32 octets, which next to them costs padding. */
void hyper_h2_options_init(hyper_h2_options *o)
{
    static const hyper_h2_options defaults = {
        .header_table_size = 4096,
        .enable_push = 0,
        .max_concurrent_streams = 100,
        .initial_window_size = 262144,
        .connection_window_size = 1048576,
        .max_frame_size = 16384,
        .max_header_list_size = 65536,
        .window_update_percent = 50,
        .max_queued_acks = 16,
        .max_empty_frames = 32,
        .max_continuations = 64,
        .max_rst_received = 256,
        .max_pushed_streams = 16,
        .max_streams = 1024,
        .max_closed_streams = 64,
        .max_events = 64,
        .output_buffer_size = 65536,
        .stream_send_buffer = 65536,
    };
    *o = defaults;
}

/* The connection preface, our SETTINGS (the six of RFC 9113 §6.5.2, ids 1
 * to 6 in order) and the WINDOW_UPDATE that opens the connection window,
 * written whole or not at all. */
int h2_settings_write_ours(hyper_h2_session *s)
{
    const hyper_h2_options *o = &s->opts;
    const uint32_t v[6] = {o->header_table_size,      o->enable_push ? 1u : 0u,
                           o->max_concurrent_streams, o->initial_window_size,
                           o->max_frame_size,         o->max_header_list_size};
    /* The connection window is not a setting: open it beyond the default
     * with a WINDOW_UPDATE on stream 0 (§6.9.2). */
    uint32_t extra = o->connection_window_size - HYPER_FRAME_DEFAULT_INITIAL_WINDOW_SIZE;
    if (h2_out_free(s) < HYPER_FRAME_PREFACE_LEN + 9 + 6 * 6 + 13 || !s->out)
        return HYPER_EBUFFER;
    memcpy(h2_out_begin(s, HYPER_FRAME_PREFACE_LEN), HYPER_FRAME_PREFACE,
           HYPER_FRAME_PREFACE_LEN);
    h2_out_commit(s, HYPER_FRAME_PREFACE_LEN);
    uint8_t *p = h2_out_frame(s, HYPER_FRAME_SETTINGS, 0, 0, 6 * 6);
    for (unsigned i = 0; i < 6; i++, p += 6) {
        hyper_put_u16(p, (uint16_t)(HYPER_SETTINGS_HEADER_TABLE_SIZE + i));
        hyper_put_u32(p + 2, v[i]);
    }
    if (extra) {
        (void)h2_out_u32(s, HYPER_FRAME_WINDOW_UPDATE, 0, extra);
        s->recv_window += extra;
    }
    return HYPER_OK;
}

/* The server acknowledged our SETTINGS: they bind it from now on. */
static int local_acked(hyper_h2_session *s)
{
    if (s->local_acked)
        return HYPER_OK; /* we send SETTINGS once: a repeated ACK says nothing */
    s->local_acked = 1;
    int rc = hyper_hpack_decoder_set_max_table_size(s->dec, s->opts.header_table_size);
    if (rc < 0)
        return h2_conn_error(s, rc, HYPER_H2_INTERNAL_ERROR);
    h2_flow_local_initial_window(s, s->opts.initial_window_size);
    h2_ev_push(s, HYPER_EVENT_SETTINGS_ACK, 0);
    return HYPER_OK;
}

static H2_OUTLINE int apply(hyper_h2_session *s, const hyper_frame_setting *set)
{
    uint32_t v = set->value;
    switch (set->id) {
    case HYPER_SETTINGS_HEADER_TABLE_SIZE:
        /* The encoder may not exist yet (submit.c creates it): then the
         * smallest value is kept for its first block (RFC 7541 §4.2). */
        if (s->enc) {
            int rc = hyper_hpack_encoder_set_peer_table_size(s->enc, v);
            if (rc < 0)
                return h2_conn_error(s, rc, HYPER_H2_INTERNAL_ERROR);
        } else if (v < s->peer_table_low) {
            s->peer_table_low = v;
        }
        break;
    case HYPER_SETTINGS_ENABLE_PUSH:
        /* §6.5.2: a server MUST NOT set it to 1 (the decoder refused the
         * rest, so 0 is stored). */
        if (v == 1)
            return h2_fail(s, HYPER_EH2_SETTINGS_PUSH);
        break;
    case HYPER_SETTINGS_INITIAL_WINDOW_SIZE:
        return h2_flow_peer_initial_window(s, v);
    default:
        break;
    }
    /* The others are kept as they are: hyper_h2_settings lists the six
     * RFC 9113 settings in id order. */
    if (set->id >= HYPER_SETTINGS_HEADER_TABLE_SIZE &&
        set->id <= HYPER_SETTINGS_MAX_HEADER_LIST_SIZE)
        memcpy((uint8_t *)&s->peer + 4 * (set->id - HYPER_SETTINGS_HEADER_TABLE_SIZE), &v, 4);
    return HYPER_OK;
}

_Static_assert(offsetof(hyper_h2_settings, max_header_list_size) ==
                   4 * (HYPER_SETTINGS_MAX_HEADER_LIST_SIZE - HYPER_SETTINGS_HEADER_TABLE_SIZE),
               "hyper_h2_settings follows the setting ids");

/* SETTINGS, decoded (session.c). */
int h2_settings_recv(hyper_h2_session *s, hyper_frame *f, int rc)
{
    hyper_frame_settings *fs = &f->u.settings;
    /* §3.4: the server's preface is a SETTINGS frame (not an ACK). */
    if (!s->got_settings && fs->ack)
        return h2_fail(s, HYPER_EH2_PREFACE);
    if (fs->ack)
        return local_acked(s);
    hyper_frame_setting set;
    while (hyper_frame_settings_next(fs, &set)) {
        rc = apply(s, &set);
        if (rc < 0)
            return rc;
    }
    s->got_settings = 1;
    rc = h2_out_ack(s, HYPER_FRAME_SETTINGS, NULL, 0);
    if (rc < 0)
        return rc;
    h2_ev_push(s, HYPER_EVENT_SETTINGS, 0);
    return HYPER_OK;
}

void hyper_h2_peer_settings(const hyper_h2_session *s, hyper_h2_settings *out)
{
    *out = s->peer;
}
