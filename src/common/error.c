/*
 * error.c — text for every hyper_error and every RFC 9113 error code.
 * One table, one row per code, grouped by layer like the enum in hyper.h.
 * HYPER_CONFIG_NO_ERROR_TEXT (hyper_config.h) keeps the names only
 * (hyper_strerror then returns the name): the texts are most of this
 * file's size, which a device without a console does not need.
 */
#include "common.h"

struct error_text {
    int code;
    const char *name;
#ifndef HYPER_CONFIG_NO_ERROR_TEXT
    const char *text;
#endif
};

#ifdef HYPER_CONFIG_NO_ERROR_TEXT
#define E(c, t) {c, #c}
#else
#define E(c, t) {c, #c, t}
#endif
static const struct error_text errors[] = {
    E(HYPER_OK, "success"),
    /* general */
    E(HYPER_ENOMEM, "out of memory: the allocator refused a request"),
    E(HYPER_EINVAL, "invalid argument"),
    E(HYPER_EBUFFER, "output buffer too small"),
    E(HYPER_ELIMIT, "a configured bound would be exceeded"),
    E(HYPER_ESTATE, "call not allowed in this state"),
    E(HYPER_ENOTFOUND, "not found"),
    /* HPACK */
    E(HYPER_EHPACK_INDEX_ZERO, "HPACK: index 0 is not a valid table index"),
    E(HYPER_EHPACK_INDEX, "HPACK: index past the end of the header table"),
    E(HYPER_EHPACK_INT_OVERFLOW, "HPACK: integer overflows 32 bits"),
    E(HYPER_EHPACK_INT_OVERLONG, "HPACK: integer encoded with redundant octets"),
    E(HYPER_EHPACK_TRUNCATED, "HPACK: header block ends inside a field"),
    E(HYPER_EHPACK_HUFFMAN_EOS, "HPACK: EOS symbol inside a Huffman string"),
    E(HYPER_EHPACK_HUFFMAN_PADDING, "HPACK: Huffman padding longer than 7 bits"),
    E(HYPER_EHPACK_HUFFMAN_PADDING_BITS, "HPACK: Huffman padding is not all ones"),
    E(HYPER_EHPACK_SIZE_UPDATE_LIMIT, "HPACK: table size update above the allowed maximum"),
    E(HYPER_EHPACK_SIZE_UPDATE_POSITION, "HPACK: table size update after a field"),
    E(HYPER_EHPACK_SIZE_UPDATE_MISSING, "HPACK: required table size update missing at block start"),
    E(HYPER_EHPACK_FIELD_SIZE, "HPACK: header field larger than the field size bound"),
    E(HYPER_EHPACK_LIST_SIZE, "HPACK: header list larger than its bound"),
    E(HYPER_EHPACK_FIELD_COUNT, "HPACK: more header fields than allowed"),
    E(HYPER_EHPACK_BROKEN, "HPACK: context unusable after an earlier error"),
    E(HYPER_EHPACK_TOO_MANY_SIZE_UPDATES, "HPACK: more than two table size updates in a row"),
    /* HPACK owners: rows above */
    /* HTTP/2 frames and session: rows here */
    E(HYPER_EH2_FRAME_SIZE, "HTTP/2: frame longer than SETTINGS_MAX_FRAME_SIZE"),
    E(HYPER_EH2_FRAME_LENGTH, "HTTP/2: frame payload length invalid for its type"),
    E(HYPER_EH2_STREAM_ID_ZERO, "HTTP/2: frame type requires a stream id, got 0"),
    E(HYPER_EH2_STREAM_ID_NONZERO, "HTTP/2: connection-level frame with a stream id"),
    E(HYPER_EH2_PADDING, "HTTP/2: padding exceeds the frame payload"),
    E(HYPER_EH2_WINDOW_UPDATE_ZERO, "HTTP/2: WINDOW_UPDATE with an increment of 0"),
    E(HYPER_EH2_SETTINGS_LENGTH, "HTTP/2: SETTINGS length not a multiple of 6"),
    E(HYPER_EH2_SETTINGS_ACK_LENGTH, "HTTP/2: SETTINGS ACK with a non-empty payload"),
    E(HYPER_EH2_SETTINGS_ENABLE_PUSH, "HTTP/2: SETTINGS_ENABLE_PUSH is neither 0 nor 1"),
    E(HYPER_EH2_SETTINGS_WINDOW, "HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1"),
    E(HYPER_EH2_SETTINGS_FRAME_SIZE, "HTTP/2: SETTINGS_MAX_FRAME_SIZE outside 16384..16777215"),
    E(HYPER_EH2_PRIORITY_SELF, "HTTP/2: stream declared dependent on itself"),
    E(HYPER_EH2_PROMISED_ID_ZERO, "HTTP/2: PUSH_PROMISE promises stream 0"),
    E(HYPER_EH2_FRAME_BUFFER, "HTTP/2: frame larger than the frame reader's buffer"),
    /* (stream owner: rows after this line) */
    E(HYPER_EH2_PROTOCOL, "HTTP/2: the peer broke a session rule (PROTOCOL_ERROR)"),
    E(HYPER_EH2_FLOW_CONTROL, "HTTP/2: flow-control window overflow or DATA past the window"),
    E(HYPER_EH2_STREAM_CLOSED, "HTTP/2: frame received on a closed stream"),
    E(HYPER_EH2_IDLE_STREAM, "HTTP/2: frame received on a stream that was never opened"),
    E(HYPER_EH2_CONTINUATION, "HTTP/2: header block interrupted or CONTINUATION out of place"),
    E(HYPER_EH2_REFUSED, "HTTP/2: request not processed by the server, safe to retry"),
    E(HYPER_EH2_STREAM_RESET, "HTTP/2: the server reset the stream"),
    E(HYPER_EH2_GOAWAY, "HTTP/2: the server is going away, no new streams"),
    E(HYPER_EH2_BAD_RESPONSE, "HTTP/2: malformed response header section"),
    E(HYPER_EH2_CONTENT_LENGTH, "HTTP/2: response body length differs from content-length"),
    E(HYPER_EH2_IDS_EXHAUSTED, "HTTP/2: stream ids exhausted, open a new connection"),
    E(HYPER_EH2_CALM, "HTTP/2: the server exceeded a flood guard (ENHANCE_YOUR_CALM)"),
    E(HYPER_EH2_PUSH_DISABLED, "HTTP/2: PUSH_PROMISE received with push disabled"),
    E(HYPER_EH2_SESSION_CLOSED, "HTTP/2: the session has ended"),
    E(HYPER_EH2_PREFACE, "HTTP/2: the server's preface did not start with SETTINGS"),
    E(HYPER_EH2_SETTINGS_PUSH, "HTTP/2: a server set SETTINGS_ENABLE_PUSH to 1"),
    E(HYPER_EH2_BAD_PUSH, "HTTP/2: invalid promised stream id or promised request"),
    /* HTTP/1.1: rows here */
    E(HYPER_EH1_STATUS_LINE, "HTTP/1.1: malformed status line"),
    E(HYPER_EH1_HEADER_SYNTAX, "HTTP/1.1: malformed header field line"),
    E(HYPER_EH1_OBS_FOLD, "HTTP/1.1: obsolete line folding in a header field"),
    E(HYPER_EH1_LINE_TOO_LONG, "HTTP/1.1: line longer than the configured bound"),
    E(HYPER_EH1_TOO_MANY_HEADERS, "HTTP/1.1: more header fields than allowed"),
    E(HYPER_EH1_HEAD_TOO_LARGE, "HTTP/1.1: response head larger than the configured bound"),
    E(HYPER_EH1_NUL, "HTTP/1.1: NUL octet in a response head"),
    E(HYPER_EH1_BARE_CR, "HTTP/1.1: CR not followed by LF"),
    E(HYPER_EH1_BARE_LF, "HTTP/1.1: line ended by LF without CR"),
    E(HYPER_EH1_CONTENT_LENGTH, "HTTP/1.1: malformed Content-Length"),
    E(HYPER_EH1_CONTENT_LENGTH_CONFLICT, "HTTP/1.1: conflicting Content-Length values"),
    E(HYPER_EH1_TRANSFER_ENCODING, "HTTP/1.1: invalid Transfer-Encoding"),
    E(HYPER_EH1_CHUNK_SIZE, "HTTP/1.1: malformed chunk size line"),
    E(HYPER_EH1_CHUNK_SIZE_OVERFLOW, "HTTP/1.1: chunk size too large"),
    E(HYPER_EH1_CHUNK_SYNTAX, "HTTP/1.1: chunk data not followed by CRLF"),
    E(HYPER_EH1_TRUNCATED, "HTTP/1.1: connection closed before the response was complete"),
    E(HYPER_EH1_CLOSED, "HTTP/1.1: connection closed before the response started"),
    E(HYPER_EH1_UNSOLICITED, "HTTP/1.1: response data with no request outstanding"),
    E(HYPER_EH1_UPGRADE, "HTTP/1.1: unexpected 101 Switching Protocols"),
    E(HYPER_EH1_REQUEST_HEADER, "HTTP/1.1: request field with an invalid name or value"),
    E(HYPER_EH1_RESERVED_HEADER, "HTTP/1.1: request field is written by the engine itself"),
    E(HYPER_EH1_BODY_REFUSED, "HTTP/1.1: server answered before 100 Continue; body not sent"),
    /* content decoding: rows here */
    E(HYPER_ECONTENT_UNSUPPORTED, "content decoding: unsupported content coding"),
    E(HYPER_ECONTENT_CORRUPT, "content decoding: corrupt compressed body"),
    E(HYPER_ECONTENT_TRUNCATED, "content decoding: body ends inside the compressed stream"),
    E(HYPER_ECONTENT_TOO_MANY, "content decoding: too many stacked content codings"),
    /* transport and TLS: rows here */
    E(HYPER_ETIMEOUT, "transport: timed out"),
    E(HYPER_EDNS, "transport: host name does not resolve"),
    E(HYPER_ECONNECT, "transport: connection refused or host unreachable"),
    E(HYPER_EIO, "transport: socket error"),
    E(HYPER_ECLOSED, "transport: the peer closed or reset the connection"),
    E(HYPER_ETLS_HANDSHAKE, "TLS: handshake failed"),
    E(HYPER_ETLS_UNTRUSTED, "TLS: certificate not signed by a trusted CA"),
    E(HYPER_ETLS_HOSTNAME, "TLS: certificate does not match the host name or address"),
    E(HYPER_ETLS_EXPIRED, "TLS: certificate has expired"),
    E(HYPER_ETLS_NOT_YET_VALID, "TLS: certificate is not valid yet"),
    E(HYPER_ETLS_VERIFY, "TLS: certificate verification failed"),
    E(HYPER_ETLS_ALPN, "TLS: no application protocol (ALPN) in common with the server"),
    E(HYPER_ETLS_CA_FILE, "TLS: CA certificates could not be loaded"),
    E(HYPER_ETLS_CLIENT_CERT, "TLS: client certificate or key could not be loaded"),
    E(HYPER_ETLS, "TLS: error on an established connection"),
    E(HYPER_ETLS_CERT_REQUIRED, "TLS: the server requires a valid client certificate"),
    /* connection object: rows here */
    E(HYPER_ECONN_NOT_PROCESSED, "connection: the server did not process the request"),
    E(HYPER_ECONN_CLOSED, "connection: closed with the response outstanding"),
    E(HYPER_ECONN_DEADLINE, "connection: the request's total deadline passed"),
    E(HYPER_ECONN_NO_H2, "connection: HTTP/2 required but not selected by the server"),
    E(HYPER_ECONN_BUFFER, "connection: response body too large to buffer"),
    E(HYPER_ECONN_CANCELLED, "connection: cancelled"),
    E(HYPER_ECONN_UNSUPPORTED, "connection: not available on this protocol"),
};
#undef E

static const struct error_text *find(int code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return &errors[i];
    return NULL;
}

const char *hyper_strerror(int err)
{
    const struct error_text *e = find(err);
#ifdef HYPER_CONFIG_NO_ERROR_TEXT
    return e ? e->name : "unknown error";
#else
    return e ? e->text : "unknown error";
#endif
}

const char *hyper_strerror_name(int err)
{
    const struct error_text *e = find(err);
    return e ? e->name : "HYPER_E_UNKNOWN";
}

const char *hyper_h2_error_code_name(uint32_t code)
{
    static const char *const names[] = {
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM",
        "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    return code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN_ERROR_CODE";
}
