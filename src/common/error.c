/*
 * error.c — text for every hyper_error and every RFC 9113 error code.
 * One list, one row per code, grouped by layer like the enum in hyper.h
 * (X-macros: the same rows build both tables below).
 *
 * Layout: no pointer and no code per row. The rows are one string,
 * "NAME\0text\0" after one another; codes run consecutively within a
 * layer's block (checked at compile time), so an empty string marks where
 * a new run starts and one octet per run (starts[]) holds its first code.
 * A lookup counts its way along; it is not on any hot path, and a pointer
 * table would cost 8 octets a row, more than a row's name.
 * HYPER_CONFIG_NO_ERROR_TEXT (hyper_config.h) leaves the texts out of the
 * string, and hyper_strerror then returns the name: a device without a console does not need them.
 * HYPER_CONFIG_NO_H1 drops the HTTP/1.1 rows with the engine, and
 * HYPER_CONFIG_ENGINE_ONLY (implied by it) the rows of the layers outside
 * the engine (content, transport, TLS, connection): nothing in such a
 * build returns those codes.
 */
#include "common.h"

#define ERRORS_CORE(X, G) \
    X(HYPER_OK, "success")                                                                          \
    /* general */                                                                                   \
    X(HYPER_ENOMEM, "out of memory: the allocator refused a request")                               \
    X(HYPER_EINVAL, "invalid argument")                                                             \
    X(HYPER_EBUFFER, "output buffer too small")                                                     \
    X(HYPER_ELIMIT, "a configured bound would be exceeded")                                         \
    X(HYPER_ESTATE, "call not allowed in this state")                                               \
    X(HYPER_ENOTFOUND, "not found")                                                                 \
    /* HPACK */                                                                                     \
    G(HYPER_EHPACK_INDEX_ZERO)                                                                      \
    X(HYPER_EHPACK_INDEX_ZERO, "HPACK: index 0 is not a valid table index")                         \
    X(HYPER_EHPACK_INDEX, "HPACK: index past the end of the header table")                          \
    X(HYPER_EHPACK_INT_OVERFLOW, "HPACK: integer overflows 32 bits")                                \
    X(HYPER_EHPACK_INT_OVERLONG, "HPACK: integer encoded with redundant octets")                    \
    X(HYPER_EHPACK_TRUNCATED, "HPACK: header block ends inside a field")                            \
    X(HYPER_EHPACK_HUFFMAN_EOS, "HPACK: EOS symbol inside a Huffman string")                        \
    X(HYPER_EHPACK_HUFFMAN_PADDING, "HPACK: Huffman padding longer than 7 bits")                    \
    X(HYPER_EHPACK_HUFFMAN_PADDING_BITS, "HPACK: Huffman padding is not all ones")                  \
    X(HYPER_EHPACK_SIZE_UPDATE_LIMIT, "HPACK: table size update above the allowed maximum")         \
    X(HYPER_EHPACK_SIZE_UPDATE_POSITION, "HPACK: table size update after a field")                  \
    X(HYPER_EHPACK_SIZE_UPDATE_MISSING, "HPACK: required table size update missing at block start") \
    X(HYPER_EHPACK_FIELD_SIZE, "HPACK: header field larger than the field size bound")              \
    X(HYPER_EHPACK_LIST_SIZE, "HPACK: header list larger than its bound")                           \
    X(HYPER_EHPACK_FIELD_COUNT, "HPACK: more header fields than allowed")                           \
    X(HYPER_EHPACK_BROKEN, "HPACK: context unusable after an earlier error")                        \
    X(HYPER_EHPACK_TOO_MANY_SIZE_UPDATES, "HPACK: more than two table size updates in a row")       \
    /* HPACK owners: rows above */                                                                  \
    /* HTTP/2 frames and session: rows here */                                                      \
    G(HYPER_EH2_FRAME_SIZE)                                                                         \
    X(HYPER_EH2_FRAME_SIZE, "HTTP/2: frame longer than SETTINGS_MAX_FRAME_SIZE")                    \
    X(HYPER_EH2_FRAME_LENGTH, "HTTP/2: frame payload length invalid for its type")                  \
    X(HYPER_EH2_STREAM_ID_ZERO, "HTTP/2: frame type requires a stream id, got 0")                   \
    X(HYPER_EH2_STREAM_ID_NONZERO, "HTTP/2: connection-level frame with a stream id")               \
    X(HYPER_EH2_PADDING, "HTTP/2: padding exceeds the frame payload")                               \
    X(HYPER_EH2_WINDOW_UPDATE_ZERO, "HTTP/2: WINDOW_UPDATE with an increment of 0")                 \
    X(HYPER_EH2_SETTINGS_LENGTH, "HTTP/2: SETTINGS length not a multiple of 6")                     \
    X(HYPER_EH2_SETTINGS_ACK_LENGTH, "HTTP/2: SETTINGS ACK with a non-empty payload")               \
    X(HYPER_EH2_SETTINGS_ENABLE_PUSH, "HTTP/2: SETTINGS_ENABLE_PUSH is neither 0 nor 1")            \
    X(HYPER_EH2_SETTINGS_WINDOW, "HTTP/2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1")               \
    X(HYPER_EH2_SETTINGS_FRAME_SIZE, "HTTP/2: SETTINGS_MAX_FRAME_SIZE outside 16384..16777215")     \
    X(HYPER_EH2_PRIORITY_SELF, "HTTP/2: stream declared dependent on itself")                       \
    X(HYPER_EH2_PROMISED_ID_ZERO, "HTTP/2: PUSH_PROMISE promises stream 0")                         \
    X(HYPER_EH2_FRAME_BUFFER, "HTTP/2: frame larger than the frame reader's buffer")                \
    /* (stream owner: rows after this line) */                                                      \
    G(HYPER_EH2_PROTOCOL)                                                                           \
    X(HYPER_EH2_PROTOCOL, "HTTP/2: the peer broke a session rule (PROTOCOL_ERROR)")                 \
    X(HYPER_EH2_FLOW_CONTROL, "HTTP/2: flow-control window overflow or DATA past the window")       \
    X(HYPER_EH2_STREAM_CLOSED, "HTTP/2: frame received on a closed stream")                         \
    X(HYPER_EH2_IDLE_STREAM, "HTTP/2: frame received on a stream that was never opened")            \
    X(HYPER_EH2_CONTINUATION, "HTTP/2: header block interrupted or CONTINUATION out of place")      \
    X(HYPER_EH2_REFUSED, "HTTP/2: request not processed by the server, safe to retry")              \
    X(HYPER_EH2_STREAM_RESET, "HTTP/2: the server reset the stream")                                \
    X(HYPER_EH2_GOAWAY, "HTTP/2: the server is going away, no new streams")                         \
    X(HYPER_EH2_BAD_RESPONSE, "HTTP/2: malformed response header section")                          \
    X(HYPER_EH2_CONTENT_LENGTH, "HTTP/2: response body length differs from content-length")         \
    X(HYPER_EH2_IDS_EXHAUSTED, "HTTP/2: stream ids exhausted, open a new connection")               \
    X(HYPER_EH2_CALM, "HTTP/2: the server exceeded a flood guard (ENHANCE_YOUR_CALM)")              \
    X(HYPER_EH2_PUSH_DISABLED, "HTTP/2: PUSH_PROMISE received with push disabled")                  \
    X(HYPER_EH2_SESSION_CLOSED, "HTTP/2: the session has ended")                                    \
    X(HYPER_EH2_PREFACE, "HTTP/2: the server's preface did not start with SETTINGS")                \
    X(HYPER_EH2_SETTINGS_PUSH, "HTTP/2: a server set SETTINGS_ENABLE_PUSH to 1")                    \
    X(HYPER_EH2_BAD_PUSH, "HTTP/2: invalid promised stream id or promised request")

#define ERRORS_H1(X, G) \
    /* HTTP/1.1: rows here */                                                                 \
    G(HYPER_EH1_STATUS_LINE)                                                                        \
    X(HYPER_EH1_STATUS_LINE, "HTTP/1.1: malformed status line")                               \
    X(HYPER_EH1_HEADER_SYNTAX, "HTTP/1.1: malformed header field line")                       \
    X(HYPER_EH1_OBS_FOLD, "HTTP/1.1: obsolete line folding in a header field")                \
    X(HYPER_EH1_LINE_TOO_LONG, "HTTP/1.1: line longer than the configured bound")             \
    X(HYPER_EH1_TOO_MANY_HEADERS, "HTTP/1.1: more header fields than allowed")                \
    X(HYPER_EH1_HEAD_TOO_LARGE, "HTTP/1.1: response head larger than the configured bound")   \
    X(HYPER_EH1_NUL, "HTTP/1.1: NUL octet in a response head")                                \
    X(HYPER_EH1_BARE_CR, "HTTP/1.1: CR not followed by LF")                                   \
    X(HYPER_EH1_BARE_LF, "HTTP/1.1: line ended by LF without CR")                             \
    X(HYPER_EH1_CONTENT_LENGTH, "HTTP/1.1: malformed Content-Length")                         \
    X(HYPER_EH1_CONTENT_LENGTH_CONFLICT, "HTTP/1.1: conflicting Content-Length values")       \
    X(HYPER_EH1_TRANSFER_ENCODING, "HTTP/1.1: invalid Transfer-Encoding")                     \
    X(HYPER_EH1_CHUNK_SIZE, "HTTP/1.1: malformed chunk size line")                            \
    X(HYPER_EH1_CHUNK_SIZE_OVERFLOW, "HTTP/1.1: chunk size too large")                        \
    X(HYPER_EH1_CHUNK_SYNTAX, "HTTP/1.1: chunk data not followed by CRLF")                    \
    X(HYPER_EH1_TRUNCATED, "HTTP/1.1: connection closed before the response was complete")    \
    X(HYPER_EH1_CLOSED, "HTTP/1.1: connection closed before the response started")            \
    X(HYPER_EH1_UNSOLICITED, "HTTP/1.1: response data with no request outstanding")           \
    X(HYPER_EH1_UPGRADE, "HTTP/1.1: unexpected 101 Switching Protocols")                      \
    X(HYPER_EH1_REQUEST_HEADER, "HTTP/1.1: request field with an invalid name or value")      \
    X(HYPER_EH1_RESERVED_HEADER, "HTTP/1.1: request field is written by the engine itself")   \
    X(HYPER_EH1_BODY_REFUSED, "HTTP/1.1: server answered before 100 Continue; body not sent")

#define ERRORS_REST(X, G) \
    /* content decoding: rows here */                                                       \
    G(HYPER_ECONTENT_UNSUPPORTED)                                                                   \
    X(HYPER_ECONTENT_UNSUPPORTED, "content decoding: unsupported content coding")           \
    X(HYPER_ECONTENT_CORRUPT, "content decoding: corrupt compressed body")                  \
    X(HYPER_ECONTENT_TRUNCATED, "content decoding: body ends inside the compressed stream") \
    X(HYPER_ECONTENT_TOO_MANY, "content decoding: too many stacked content codings")        \
    /* transport and TLS: rows here */                                                      \
    G(HYPER_ETIMEOUT)                                                                               \
    X(HYPER_ETIMEOUT, "transport: timed out")                                               \
    X(HYPER_EDNS, "transport: host name does not resolve")                                  \
    X(HYPER_ECONNECT, "transport: connection refused or host unreachable")                  \
    X(HYPER_EIO, "transport: socket error")                                                 \
    X(HYPER_ECLOSED, "transport: the peer closed or reset the connection")                  \
    G(HYPER_ETLS_HANDSHAKE)                                                                         \
    X(HYPER_ETLS_HANDSHAKE, "TLS: handshake failed")                                        \
    X(HYPER_ETLS_UNTRUSTED, "TLS: certificate not signed by a trusted CA")                  \
    X(HYPER_ETLS_HOSTNAME, "TLS: certificate does not match the host name or address")      \
    X(HYPER_ETLS_EXPIRED, "TLS: certificate has expired")                                   \
    X(HYPER_ETLS_NOT_YET_VALID, "TLS: certificate is not valid yet")                        \
    X(HYPER_ETLS_VERIFY, "TLS: certificate verification failed")                            \
    X(HYPER_ETLS_ALPN, "TLS: no application protocol (ALPN) in common with the server")     \
    X(HYPER_ETLS_CA_FILE, "TLS: CA certificates could not be loaded")                       \
    X(HYPER_ETLS_CLIENT_CERT, "TLS: client certificate or key could not be loaded")         \
    X(HYPER_ETLS, "TLS: error on an established connection")                                \
    X(HYPER_ETLS_CERT_REQUIRED, "TLS: the server requires a valid client certificate")      \
    /* connection object: rows here */                                                      \
    G(HYPER_ECONN_NOT_PROCESSED)                                                                    \
    X(HYPER_ECONN_NOT_PROCESSED, "connection: the server did not process the request")      \
    X(HYPER_ECONN_CLOSED, "connection: closed with the response outstanding")               \
    X(HYPER_ECONN_DEADLINE, "connection: the request's total deadline passed")              \
    X(HYPER_ECONN_NO_H2, "connection: HTTP/2 required but not selected by the server")      \
    X(HYPER_ECONN_BUFFER, "connection: response body too large to buffer")                  \
    X(HYPER_ECONN_CANCELLED, "connection: cancelled")                                       \
    X(HYPER_ECONN_UNSUPPORTED, "connection: not available on this protocol")

#ifdef HYPER_CONFIG_NO_H1
#undef ERRORS_H1
#define ERRORS_H1(X, G)
#endif
#ifdef HYPER_CONFIG_ENGINE_ONLY
#undef ERRORS_REST
#define ERRORS_REST(X, G)
#endif
#define ERRORS(X, G) ERRORS_CORE(X, G) ERRORS_H1(X, G) ERRORS_REST(X, G)

/* Codes run consecutively from each G(first) marker (from HYPER_OK at the
 * top): checked here, since the lookup counts rows instead of storing a
 * code per row. An enumerator per row, P_<code>, counts like the lookup
 * does, a marker setting the count; every row's must be its code. */
#define NO_ROW(c, t)
#define NO_RUN(c)
#define POS(c, t) P_##c,
#define POS_START(c) P_START_##c = -(c) - 1,
enum { ERRORS(POS, POS_START) };
#define CHECK(c, t) _Static_assert(-(c) == P_##c, #c " follows its run");
ERRORS(CHECK, NO_RUN)
/* Each run's first code fits starts[] (negated, one octet). */
#define FITS(c) _Static_assert((c) <= 0 && (c) > -256, #c " fits an octet");
ERRORS(NO_ROW, FITS)
#undef POS
#undef POS_START
#undef CHECK
#undef FITS

/* The rows: "NAME\0text\0" each, an empty string before each run but the
 * first; starts[] holds each such run's first code, negated. */
#define START(c) (uint8_t)-(c),
#define SEP(c) "\0"
#ifndef HYPER_CONFIG_NO_ERROR_TEXT
#define ROW(c, t) #c "\0" t "\0"
#define ROW_STRINGS 2
#else
#define ROW(c, t) #c "\0"
#define ROW_STRINGS 1
#endif
static const uint8_t starts[] = {ERRORS(NO_ROW, START)};
static const char rows[] = ERRORS(ROW, SEP);
#undef START
#undef SEP
#undef ROW
#undef NO_ROW
#undef NO_RUN

/* Skips one NUL-terminated string of a packed list. */
static const char *skip(const char *p)
{
    return p + strlen(p) + 1;
}

/* The row of err: its name, followed by its text; NULL if none. */
static const char *row_of(int err)
{
    unsigned want = 0u - (unsigned)err, code = 0;
    const uint8_t *next = starts;
    /* (the literal's own NUL ends the rows) */
    for (const char *p = rows; p < rows + sizeof rows - 1;) {
        if (!*p) {                      /* a run starts */
            code = *next++;
            p++;
            continue;
        }
        if (code++ == want)
            return p;
        for (unsigned k = ROW_STRINGS; k; p++)    /* past the row's strings */
            k -= !*p;
    }
    return NULL;
}

const char *hyper_strerror_name(int err)
{
    const char *r = row_of(err);
    return r ? r : "HYPER_E_UNKNOWN";
}

const char *hyper_strerror(int err)
{
    const char *r = row_of(err);
    if (!r)
        return "unknown error";
#ifndef HYPER_CONFIG_NO_ERROR_TEXT
    r = skip(r);
#endif
    return r;
}

const char *hyper_h2_error_code_name(uint32_t code)
{
    /* Packed like the rows above: code i is the i-th string. */
    static const char names[] =
        "NO_ERROR\0PROTOCOL_ERROR\0INTERNAL_ERROR\0FLOW_CONTROL_ERROR\0"
        "SETTINGS_TIMEOUT\0STREAM_CLOSED\0FRAME_SIZE_ERROR\0REFUSED_STREAM\0"
        "CANCEL\0COMPRESSION_ERROR\0CONNECT_ERROR\0ENHANCE_YOUR_CALM\0"
        "INADEQUATE_SECURITY\0HTTP_1_1_REQUIRED\0";
    if (code > HYPER_H2_HTTP_1_1_REQUIRED)
        return "UNKNOWN_ERROR_CODE";
    const char *p = names;
    while (code--)
        p = skip(p);
    return p;
}
