/*
 * conn_abi.c — what a language binding needs beyond the C calls: the layout
 * of the public structures it fills in (so a binding that mirrors them, as
 * python/hyper/ does with ctypes, can check at load time that it matches
 * this build of the library), and timeouts that change on an open
 * connection (a requests Session gives a timeout per request).
 *
 * Implementation notes: the layout is one static table built with
 * offsetof/sizeof by the compiler that built the library, so it is right by
 * construction for this build and profile. A binding compares every row
 * with its own idea of the member; a row with member NULL gives the size of
 * the whole structure.
 */
#include "conn/conn.h"

#include <stddef.h>

#define ABI_SIZE(T) {#T, NULL, 0, sizeof(T)}
#define ABI_MEMBER(T, M) {#T, #M, offsetof(T, M), sizeof(((T *)0)->M)}

static const hyper_abi_member abi_rows[] = {
    ABI_SIZE(hyper_hpack_field),
    ABI_MEMBER(hyper_hpack_field, name),
    ABI_MEMBER(hyper_hpack_field, name_len),
    ABI_MEMBER(hyper_hpack_field, value),
    ABI_MEMBER(hyper_hpack_field, value_len),
    ABI_MEMBER(hyper_hpack_field, flags),

    ABI_SIZE(hyper_transport_opts),
    ABI_MEMBER(hyper_transport_opts, connect_timeout_ms),
    ABI_MEMBER(hyper_transport_opts, handshake_timeout_ms),
    ABI_MEMBER(hyper_transport_opts, tls),
    ABI_MEMBER(hyper_transport_opts, server_name),
    ABI_MEMBER(hyper_transport_opts, alpn),
    ABI_MEMBER(hyper_transport_opts, alpn_count),
    ABI_MEMBER(hyper_transport_opts, ca_file),
    ABI_MEMBER(hyper_transport_opts, ca_path),
    ABI_MEMBER(hyper_transport_opts, ca_data),
    ABI_MEMBER(hyper_transport_opts, ca_data_len),
    ABI_MEMBER(hyper_transport_opts, client_cert_file),
    ABI_MEMBER(hyper_transport_opts, client_key_file),
    ABI_MEMBER(hyper_transport_opts, client_key_password),
    ABI_MEMBER(hyper_transport_opts, insecure_skip_verify),

    ABI_SIZE(hyper_h2_options),
    ABI_MEMBER(hyper_h2_options, header_table_size),
    ABI_MEMBER(hyper_h2_options, enable_push),
    ABI_MEMBER(hyper_h2_options, max_concurrent_streams),
    ABI_MEMBER(hyper_h2_options, initial_window_size),
    ABI_MEMBER(hyper_h2_options, connection_window_size),
    ABI_MEMBER(hyper_h2_options, max_frame_size),
    ABI_MEMBER(hyper_h2_options, max_header_list_size),
    ABI_MEMBER(hyper_h2_options, window_update_percent),
    ABI_MEMBER(hyper_h2_options, max_queued_acks),
    ABI_MEMBER(hyper_h2_options, max_empty_frames),
    ABI_MEMBER(hyper_h2_options, max_continuations),
    ABI_MEMBER(hyper_h2_options, max_rst_received),
    ABI_MEMBER(hyper_h2_options, max_pushed_streams),
    ABI_MEMBER(hyper_h2_options, max_streams),
    ABI_MEMBER(hyper_h2_options, max_closed_streams),
    ABI_MEMBER(hyper_h2_options, max_events),
    ABI_MEMBER(hyper_h2_options, output_buffer_size),
    ABI_MEMBER(hyper_h2_options, stream_send_buffer),

    ABI_SIZE(hyper_h1_options),
    ABI_MEMBER(hyper_h1_options, max_line),
    ABI_MEMBER(hyper_h1_options, max_headers),
    ABI_MEMBER(hyper_h1_options, max_head),
    ABI_MEMBER(hyper_h1_options, max_output),
    ABI_MEMBER(hyper_h1_options, max_pipeline),
    ABI_MEMBER(hyper_h1_options, strict_crlf),

    ABI_SIZE(hyper_conn_opts),
    ABI_MEMBER(hyper_conn_opts, secure),
    ABI_MEMBER(hyper_conn_opts, protocol),
    ABI_MEMBER(hyper_conn_opts, enable_push),
    ABI_MEMBER(hyper_conn_opts, decompress),
    ABI_MEMBER(hyper_conn_opts, connect_timeout_ms),
    ABI_MEMBER(hyper_conn_opts, read_timeout_ms),
    ABI_MEMBER(hyper_conn_opts, request_timeout_ms),
    ABI_MEMBER(hyper_conn_opts, user_agent),
    ABI_MEMBER(hyper_conn_opts, mem),
    ABI_MEMBER(hyper_conn_opts, max_buffered),
    ABI_MEMBER(hyper_conn_opts, retry_on_goaway),
    ABI_MEMBER(hyper_conn_opts, transport),
    ABI_MEMBER(hyper_conn_opts, h2),
    ABI_MEMBER(hyper_conn_opts, h1),
    ABI_MEMBER(hyper_conn_opts, connect),
    ABI_MEMBER(hyper_conn_opts, connect_ctx),
};

const hyper_abi_member *hyper_abi_members(size_t *count)
{
    if (count)
        *count = sizeof abi_rows / sizeof abi_rows[0];
    return abi_rows;
}

int hyper_conn_set_timeouts(hyper_conn *c, int connect_timeout_ms, int read_timeout_ms,
                            int request_timeout_ms)
{
    if (!c)
        return HYPER_EINVAL;
    /* The connection reads these members at each wait, connect and
     * request (conn.c, conn_io.c, conn_request.c), so a change applies
     * from the next call on. */
    c->opts.connect_timeout_ms = connect_timeout_ms < 0 ? -1 : connect_timeout_ms;
    c->opts.read_timeout_ms = read_timeout_ms < 0 ? -1 : read_timeout_ms;
    c->opts.request_timeout_ms = request_timeout_ms < 0 ? -1 : request_timeout_ms;
    return HYPER_OK;
}
