/*
 * error.c — text for every hyper_error and every RFC 9113 error code.
 * One table, one row per code, grouped by layer like the enum in hyper.h.
 */
#include "common.h"

struct error_text {
    int code;
    const char *name;
    const char *text;
};

#define E(c, t) {c, #c, t}
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
    /* HTTP/1.1: rows here */
    /* content decoding: rows here */
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
    return e ? e->text : "unknown error";
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
