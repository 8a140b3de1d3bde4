/*
 * Cross-check against an independent implementation: hyperframe (Python,
 * Debian's python3-hyperframe) serializes frames of all ten types, with
 * flags, padding and priority, and parses them back; test/frame/
 * hyperframe_vectors.py prints one frame per line with the fields
 * hyperframe parsed. For each line we check that
 *  - our decoder yields the same fields from hyperframe's bytes,
 *  - our reader yields the same frame, whole and one byte at a time,
 *  - our encoder, given those fields, produces hyperframe's bytes exactly.
 * Needs /usr/bin/python3 with hyperframe; fails (not skips) without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "support/frame_forge.h" /* frame/frame.h and the encoders */
#include "testutil.h"

#define SCRIPT "/usr/bin/python3 test/frame/hyperframe_vectors.py"

/* Field by field: the struct has padding bytes. */
static void assert_hd_equal(const hyper_frame_hd *a, const hyper_frame_hd *b)
{
    assert_int_equal(a->length, b->length);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->stream_id, b->stream_id);
}

struct kv {
    char *key, *val;
};
struct vec {
    char *name;
    struct kv kv[24];
    size_t n;
};

static void split_line(char *line, struct vec *v)
{
    v->n = 0;
    v->name = strtok(line, " \n");
    assert_non_null(v->name);
    for (char *tok; (tok = strtok(NULL, " \n")) != NULL;) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        assert_true(v->n < 24);
        *eq = 0;
        v->kv[v->n].key = tok;
        v->kv[v->n].val = eq + 1;
        v->n++;
    }
}

static const char *get(const struct vec *v, const char *key)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->kv[i].key, key) == 0)
            return v->kv[i].val;
    fail_msg("%s: field %s missing", v->name, key);
    return NULL;
}

static uint32_t num(const struct vec *v, const char *key)
{
    return (uint32_t)strtoll(get(v, key), NULL, 10);
}

static int pad_of(const struct vec *v, int *padded, uint8_t *pad)
{
    long p = strtol(get(v, "pad"), NULL, 10);
    *padded = p >= 0;
    *pad = (uint8_t)(p >= 0 ? p : 0);
    return *padded;
}

/* The hex field `key` into buf; returns its length ('-' is empty). */
static size_t bytes(const struct vec *v, const char *key, uint8_t *buf, size_t cap)
{
    const char *h = get(v, key);
    if (strcmp(h, "-") == 0)
        return 0;
    long n = test_hex_decode(h, buf, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static void check_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    assert_int_equal(got_len, want_len);
    if (want_len)
        assert_memory_equal(got, want, want_len);
}

static uint8_t wire[8192], field[8192], out[8192];

/* SETTINGS: every entry in wire order; the iterator gives the known ones. */
static long check_settings(const struct vec *v, const hyper_frame_hd *hd, hyper_frame *f)
{
    hyper_frame_setting s[16], e;
    size_t cnt = 0;
    assert_int_equal(f->u.settings.ack, (int)num(v, "ack"));
    assert_int_equal(f->u.settings.count, num(v, "n"));
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->kv[i].key, "s") != 0)
            continue;
        char *colon;
        assert_true(cnt < 16);
        s[cnt].id = (uint16_t)strtol(v->kv[i].val, &colon, 10);
        s[cnt].value = (uint32_t)strtoll(colon + 1, NULL, 10);
        cnt++;
    }
    assert_int_equal(cnt, f->u.settings.count);
    for (size_t i = 0; i < cnt; i++) {
        if (s[i].id < 1 || s[i].id > 6)
            continue; /* the iterator skips unknown ids */
        assert_true(hyper_frame_settings_next(&f->u.settings, &e));
        assert_int_equal(e.id, s[i].id);
        assert_int_equal(e.value, s[i].value);
    }
    assert_false(hyper_frame_settings_next(&f->u.settings, &e));
    return hyper_frame_settings_encode(out, sizeof out, hd->flags, s, cnt);
}

/* Decodes the frame in `wire` and compares with the vector; then encodes the
 * vector's fields and compares with `wire`. */
/* HEADERS: our decode matches hyperframe's fields; returns our encoding's length. */
static long check_headers(const struct vec *v, const hyper_frame_hd *hd, const hyper_frame *f)
{
    hyper_frame_headers h = {field, bytes(v, "frag", field, sizeof field), 0, 0,
                             (int)num(v, "prio"),
                             {num(v, "dep"), (int)num(v, "excl"), (uint8_t)num(v, "weight")}};
    pad_of(v, &h.padded, &h.pad_len);
    check_bytes(f->u.headers.fragment, f->u.headers.len, h.fragment, h.len);
    assert_int_equal(f->u.headers.pad_len, h.pad_len);
    assert_int_equal(f->u.headers.has_priority, h.has_priority);
    assert_int_equal(f->u.headers.prio.dependency, h.prio.dependency);
    assert_int_equal(f->u.headers.prio.exclusive, h.prio.exclusive);
    assert_int_equal(f->u.headers.prio.weight, h.prio.weight);
    return hyper_frame_headers_encode(out, sizeof out, hd->stream_id, hd->flags, &h);
}

static void check_known(const struct vec *v, const hyper_frame_hd *hd, size_t wlen)
{
    hyper_frame f;
    long n = -1;
    size_t fl;
    assert_int_equal(hyper_frame_decode(&f, hd, wire + 9), HYPER_OK);
    switch (hd->type) {
    case HYPER_FRAME_DATA: {
        hyper_frame_data d = {field, bytes(v, "data", field, sizeof field), 0, 0};
        pad_of(v, &d.padded, &d.pad_len);
        check_bytes(f.u.data.data, f.u.data.len, d.data, d.len);
        assert_int_equal(f.u.data.padded, d.padded);
        assert_int_equal(f.u.data.pad_len, d.pad_len);
        n = hyper_frame_data_encode(out, sizeof out, hd->stream_id, hd->flags, &d);
        break;
    }
    case HYPER_FRAME_HEADERS:
        n = check_headers(v, hd, &f);
        break;
    case HYPER_FRAME_PRIORITY: {
        hyper_frame_priority p = {num(v, "dep"), (int)num(v, "excl"), (uint8_t)num(v, "weight")};
        assert_int_equal(f.u.priority.dependency, p.dependency);
        assert_int_equal(f.u.priority.exclusive, p.exclusive);
        assert_int_equal(f.u.priority.weight, p.weight);
        n = hyper_frame_priority_encode(out, sizeof out, hd->stream_id, &p);
        break;
    }
    case HYPER_FRAME_RST_STREAM:
        assert_int_equal(f.u.rst_stream.error_code, num(v, "code"));
        n = hyper_frame_rst_stream_encode(out, sizeof out, hd->stream_id, num(v, "code"));
        break;
    case HYPER_FRAME_SETTINGS:
        n = check_settings(v, hd, &f);
        break;
    case HYPER_FRAME_PUSH_PROMISE: {
        hyper_frame_push_promise pp = {num(v, "promised"), field,
                                       bytes(v, "frag", field, sizeof field), 0, 0};
        pad_of(v, &pp.padded, &pp.pad_len);
        assert_int_equal(f.u.push_promise.promised_id, pp.promised_id);
        check_bytes(f.u.push_promise.fragment, f.u.push_promise.len, pp.fragment, pp.len);
        assert_int_equal(f.u.push_promise.pad_len, pp.pad_len);
        n = hyper_frame_push_promise_encode(out, sizeof out, hd->stream_id, hd->flags, &pp);
        break;
    }
    case HYPER_FRAME_PING:
        fl = bytes(v, "opaque", field, sizeof field);
        check_bytes(f.u.ping.opaque, 8, field, fl);
        assert_int_equal(f.u.ping.ack, (int)num(v, "ack"));
        n = hyper_frame_ping_encode(out, sizeof out, field, f.u.ping.ack);
        /* The encoder sets only ACK; put back the vector's unknown bits. */
        assert_true(n > 4);
        assert_int_equal(out[4], hd->flags & HYPER_FRAME_FLAG_ACK);
        out[4] = hd->flags;
        break;
    case HYPER_FRAME_GOAWAY:
        fl = bytes(v, "debug", field, sizeof field);
        assert_int_equal(f.u.goaway.last_stream_id, num(v, "last"));
        assert_int_equal(f.u.goaway.error_code, num(v, "code"));
        check_bytes(f.u.goaway.debug, f.u.goaway.debug_len, field, fl);
        n = hyper_frame_goaway_encode(out, sizeof out, num(v, "last"), num(v, "code"), field, fl);
        break;
    case HYPER_FRAME_WINDOW_UPDATE:
        assert_int_equal(f.u.window_update.increment, num(v, "inc"));
        n = hyper_frame_window_update_encode(out, sizeof out, hd->stream_id, num(v, "inc"));
        break;
    case HYPER_FRAME_CONTINUATION:
        fl = bytes(v, "frag", field, sizeof field);
        check_bytes(f.u.continuation.fragment, f.u.continuation.len, field, fl);
        n = hyper_frame_continuation_encode(out, sizeof out, hd->stream_id, hd->flags, field, fl);
        break;
    default:
        fail_msg("%s: unexpected type %u", v->name, hd->type);
    }
    if (n != (long)wlen || memcmp(out, wire, wlen) != 0)
        fail_msg("%s: our encoding differs from hyperframe's", v->name);
}

/* Runs `wire` through the reader whole and byte by byte: one frame comes out
 * with hyperframe's payload (DATA: its data, joined). */
static void check_reader(const struct vec *v, const hyper_frame_hd *hd, size_t wlen)
{
    static uint8_t rbuf[16384], joined[8192];
    for (int bytewise = 0; bytewise <= 1; bytewise++) {
        hyper_frame_reader rd;
        hyper_frame_read_event ev;
        size_t nj = 0, events = 0, off = 0;
        hyper_frame_reader_init(&rd, 16384, rbuf, sizeof rbuf);
        while (off < wlen) {
            size_t give = bytewise ? 1 : wlen - off;
            long n = hyper_frame_reader_recv(&rd, wire + off, give, &ev);
            assert_true(n >= 1);
            off += (size_t)n;
            if (ev.type == HYPER_FRAME_READ_NONE)
                continue;
            assert_hd_equal(&ev.hd, hd);
            if (ev.type == HYPER_FRAME_READ_DATA) {
                if (ev.len)
                    memcpy(joined + nj, ev.data, ev.len);
                nj += ev.len;
                events += ev.last;
            } else {
                if (ev.type == HYPER_FRAME_READ_FRAME)
                    check_bytes(ev.payload, hd->length, wire + 9, hd->length);
                else
                    assert_string_equal(v->name, "UNKNOWN");
                events++;
            }
        }
        assert_int_equal(events, 1);
        assert_true(hyper_frame_reader_idle(&rd));
        if (hd->type == HYPER_FRAME_DATA) {
            size_t fl = bytes(v, "data", field, sizeof field);
            check_bytes(joined, nj, field, fl);
        }
    }
}

static void hyperframe_cross_check(void **state)
{
    (void)state;
    FILE *p = popen(SCRIPT " 2>&1", "r");
    if (p == NULL)
        fail_msg("cannot run %s", SCRIPT);
    char *line = NULL;
    size_t cap = 0, lines = 0, per_type[HYPER_FRAME_TYPE_COUNT + 1] = {0};
    struct vec v;
    while (getline(&line, &cap, p) > 0) {
        if (strncmp(line, "Traceback", 9) == 0 || strstr(line, "missing") != NULL ||
            strchr(line, '=') == NULL) {
            fail_msg("hyperframe_vectors.py failed (needs /usr/bin/python3 and "
                     "python3-hyperframe): %s", line);
        }
        split_line(line, &v);
        long wlen = test_hex_decode(get(&v, "hex"), wire, sizeof wire);
        assert_true(wlen >= 9);
        hyper_frame_hd hd;
        hyper_frame_hd_decode(&hd, wire);
        assert_int_equal(hd.length, (size_t)wlen - 9);
        assert_int_equal(hd.type, num(&v, "type"));
        assert_int_equal(hd.flags, num(&v, "flags"));
        assert_int_equal(hd.stream_id, num(&v, "stream"));
        if (hd.type < HYPER_FRAME_TYPE_COUNT)
            check_known(&v, &hd, (size_t)wlen);
        check_reader(&v, &hd, (size_t)wlen);
        per_type[hd.type < HYPER_FRAME_TYPE_COUNT ? hd.type : HYPER_FRAME_TYPE_COUNT]++;
        lines++;
    }
    free(line);
    int status = pclose(p);
    if (status != 0 || lines == 0)
        fail_msg("%s exited with status %d after %zu vectors: is python3-hyperframe "
                 "installed?", SCRIPT, status, lines);
    for (size_t t = 0; t <= HYPER_FRAME_TYPE_COUNT; t++)
        if (per_type[t] == 0)
            fail_msg("no vector of frame type %zu", t);
    print_message("%zu hyperframe vectors checked\n", lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hyperframe_cross_check),
    };
    return cmocka_run_group_tests_name("frame_hyperframe", tests, NULL, NULL);
}
