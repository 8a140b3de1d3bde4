/*
 * frame_forge.h — encoders for every HTTP/2 frame type but GOAWAY (which
 * src/frame/frame.h declares, since the engine uses it), for tests,
 * fuzzers, tools and the bench. Not part of the library.
 */
#ifndef HYPER_FRAME_FORGE_H
#define HYPER_FRAME_FORGE_H

#include "frame/frame.h"

/*
 * Each writes one whole frame (9-octet header + payload) into out and
 * returns the octets written, or HYPER_EBUFFER if cap is too small (nothing
 * written), or HYPER_EINVAL if a value does not fit its field (payload over
 * 2^24-1 octets, stream id / dependency / promised id / increment over
 * 2^31-1). The frame length is always
 * HYPER_FRAME_HEADER_LEN + payload length.
 * flags: the frame's flags (END_STREAM, END_HEADERS, ACK, any other bits
 * pass through). PADDED and PRIORITY are derived from the struct (padded,
 * has_priority) and override those bits of flags. Padding octets are zero.
 * Protocol rules are NOT enforced (stream id 0, increment 0, ... are
 * encoded as given): sending valid frames is the caller's job.
 */
long hyper_frame_data_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                             uint8_t flags, const hyper_frame_data *d);
long hyper_frame_headers_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                uint8_t flags, const hyper_frame_headers *h);
long hyper_frame_priority_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                 const hyper_frame_priority *p);
long hyper_frame_rst_stream_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                   uint32_t error_code);
/* n entries (each id/value as given, unknown ids allowed); flags usually 0.
 * For an ACK use hyper_frame_settings_ack_encode. */
long hyper_frame_settings_encode(uint8_t *out, size_t cap, uint8_t flags,
                                 const hyper_frame_setting *s, size_t n);
long hyper_frame_settings_ack_encode(uint8_t *out, size_t cap);
long hyper_frame_push_promise_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const hyper_frame_push_promise *pp);
/* ack: nonzero sets the ACK flag. */
long hyper_frame_ping_encode(uint8_t *out, size_t cap, const uint8_t opaque[8], int ack);
long hyper_frame_window_update_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                      uint32_t increment);
long hyper_frame_continuation_encode(uint8_t *out, size_t cap, uint32_t stream_id,
                                     uint8_t flags, const uint8_t *fragment, size_t len);

#endif /* HYPER_FRAME_FORGE_H */
