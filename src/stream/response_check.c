/*
 * response_check.c — field validation of RFC 9113 §8.2 and §8.3 for
 * response header sections, trailers, promised requests (§8.4) and the
 * fields of our own requests.
 *
 * Rules (a violation makes the message malformed: a stream error
 * PROTOCOL_ERROR, §8.1.1):
 *  - names: not empty, no octet 0x00-0x20, 0x41-0x5a (upper case) or
 *    0x7f-0xff, no ':' except the leading one of a pseudo-header (§8.2.1);
 *  - values: no NUL, CR or LF, no leading or trailing SP/HTAB (§8.2.1);
 *  - pseudo-headers before every regular field, each at most once, only
 *    the ones defined for the message (responses: :status; promised
 *    requests: :method :scheme :authority :path), none in trailers (§8.3);
 *  - no connection-specific field (connection, proxy-connection,
 *    keep-alive, transfer-encoding, upgrade); te only as "trailers" (§8.2.2);
 *  - content-length: digits only, repeated values equal (RFC 9110 §8.6).
 * The validator never stops decoding: HPACK state must follow the block to
 * its end, so a bad field only records the first error.
 */
#include <string.h>
#include "stream/h2_internal.h"

/* 1 << the name's place in pseudo_bit's list */
#define P_STATUS 0x01u
#define P_METHOD 0x02u
#define P_SCHEME 0x04u
#define P_AUTHORITY 0x08u
#define P_PATH 0x10u

_Static_assert(HYPER_EH2_BAD_PUSH >= INT8_MIN && HYPER_EH2_BAD_RESPONSE >= INT8_MIN,
               "h2_block.bad holds them");

/* Where n is in list (names each preceded by their length, the list ends
 * with a 0 length), or -1. */
static int find_name(const char *n, size_t len, const char *list)
{
    for (int i = 0; *list; i++, list += 1 + (uint8_t)*list)
        if ((uint8_t)*list == len && memcmp(list + 1, n, len) == 0)
            return i;
    return -1;
}

static int name_ok(const char *n, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)n[i];
        if (c <= 0x20 || (c >= 0x41 && c <= 0x5a) || c >= 0x7f || c == ':')
            return 0;
    }
    return 1;
}

int h2_check_value(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (v[i] == 0 || v[i] == '\r' || v[i] == '\n')
            return 0;
    if (len && (v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' ' || v[len - 1] == '\t'))
        return 0;
    return 1;
}

/* Fields HTTP/2 forbids (§8.2.2); te is allowed only as "trailers". */
static int connection_specific(const char *n, size_t nlen, const char *v, size_t vlen)
{
#ifndef __OPTIMIZE_SIZE__
    /* Most names have none of the listed lengths: skip the search. */
    if (nlen > 17 || !((1u << nlen) & (1u << 2 | 1u << 7 | 1u << 10 | 1u << 16 | 1u << 17)))
        return 0;
#endif
    int i = find_name(n, nlen, "\2te\12connection\20proxy-connection\12keep-alive"
                               "\21transfer-encoding\7upgrade");
    if (i == 0)
        return find_name(v, vlen, "\10trailers") < 0;
    return i > 0;
}

/* Checks of a regular (non-pseudo) field shared by every message kind. */
int h2_check_request_field(const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (!name_ok(name, nlen) || !h2_check_value(value, vlen) ||
        connection_specific(name, nlen, value, vlen))
        return HYPER_EINVAL;
    return HYPER_OK;
}

/* Decimal digits only (content-length, :status), or -1. */
static H2_OUTLINE int64_t parse_length(const char *v, size_t len)
{
    if (len == 0 || len > 18)
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        n = n * 10 + (v[i] - '0');
    }
    return n;
}

/* The pseudo-header's P_ bit, 0 if it does not belong in the message
 * (responses: :status only; promised requests: the four request ones). */
static unsigned pseudo_bit(const h2_block *b, const char *n, size_t len)
{
#ifndef __OPTIMIZE_SIZE__
    if (!b->is_push) /* the common case, cheaply */
        return len == 7 && memcmp(n, ":status", 7) == 0 ? P_STATUS : 0;
#endif
    int i = find_name(n, len, "\7:status\7:method\7:scheme\12:authority\5:path");
    if (i < 0 || (i == 0) == (b->is_push != 0))
        return 0;
    return 1u << i;
}

static int pseudo_field(h2_block *b, const hyper_hpack_field *f, int err)
{
    unsigned bit = pseudo_bit(b, f->name, f->name_len);
    if (b->trailers || b->seen_regular || !bit || (b->pseudo_seen & bit) ||
        !h2_check_value(f->value, f->value_len) || f->value_len == 0) {
        b->bad = err;
        return 0;
    }
    b->pseudo_seen |= bit;
    if (bit == P_STATUS) {
        /* three digits, 100 or more */
        int64_t n = f->value_len == 3 ? parse_length(f->value, 3) : -1;
        b->status = n >= 100 ? (int)n : -1;
        if (b->status < 0)
            b->bad = err;
        return 0; /* the status travels in the event, not the map */
    }
    /* §8.4: only safe, cacheable methods may be promised. */
    if (bit == P_METHOD && find_name(f->value, f->value_len, "\3GET\4HEAD") < 0)
        b->bad = err;
    return 1; /* a promised request keeps its pseudo-headers */
}

/* Checks one decoded field; returns 1 if it belongs in the header map. */
int h2_check_field(h2_block *b, const hyper_hpack_field *f)
{
    int err = b->is_push ? HYPER_EH2_BAD_PUSH : HYPER_EH2_BAD_RESPONSE;
    if (b->bad)
        return 0;
    if (f->name_len && f->name[0] == ':')
        return pseudo_field(b, f, err);
    b->seen_regular = 1;
    if (h2_check_request_field(f->name, f->name_len, f->value, f->value_len) < 0) {
        b->bad = err;
        return 0;
    }
    if (f->name_len == 14 && memcmp(f->name, "content-length", 14) == 0 && !b->is_push &&
        !b->trailers) {
        int64_t n = parse_length(f->value, f->value_len);
        if (n < 0 || (b->content_length >= 0 && n != b->content_length)) {
            b->bad = err;
            return 0;
        }
        b->content_length = n;
    }
    return 1;
}

/* End of the block: HYPER_OK or the first error. */
int h2_check_finish(h2_block *b)
{
    if (b->bad)
        return b->bad;
    if (b->is_push) {
        /* §8.4: a complete request with :authority, method safe and cacheable. */
        unsigned need = P_METHOD | P_SCHEME | P_AUTHORITY | P_PATH;
        if ((b->pseudo_seen & need) != need)
            return HYPER_EH2_BAD_PUSH;
        return HYPER_OK;
    }
    if (!b->trailers && b->status < 0)
        return HYPER_EH2_BAD_RESPONSE;
    return HYPER_OK;
}
