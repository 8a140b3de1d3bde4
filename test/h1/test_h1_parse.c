/*
 * Response parsing through the public API: one GET (or HEAD) submitted, a
 * response fed, the events rendered (h1_harness.h). Every vector runs whole,
 * one octet at a time and in 7-octet pieces, and must give the same
 * transcript each time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hyper.h"
#include "testutil.h"
#include "h1_harness.h"

enum { OPT_DEFAULT, OPT_STRICT, OPT_SMALL };

struct vec {
    const char *name;
    const char *method;
    const char *resp;
    size_t len;
    int eof;            /* the server closes after resp */
    int opt;
    const char *want;
};

#define V(n, m, r, eof, opt, want) {n, m, r, sizeof(r) - 1, eof, opt, want}
#define OK200 "HTTP/1.1 200 OK\r\n"
#define CL5 "Content-Length: 5\r\n\r\nhello"
#define B10 "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
#define TEC "Transfer-Encoding: chunked\r\n\r\n"

static const struct vec framing[] = {
    V("content-length", "GET", OK200 CL5, 0, 0, "H200{Content-Length=5}D[hello]$E"),
    V("content-length 0", "GET", OK200 "Content-Length: 0\r\n\r\n", 0, 0, "H200{Content-Length=0}$E"),
    V("CL list of equal values", "GET", OK200 "Content-Length: 5, 5\r\n\r\nhello", 0, 0,
      "H200{Content-Length=5, 5}D[hello]$E"),
    V("CL repeated identical", "GET", OK200 "Content-Length: 2\r\nContent-Length: 2\r\n\r\nok", 0, 0,
      "H200{Content-Length=2,Content-Length=2}D[ok]$E"),
    V("chunked, ext ignored, trailers", "GET",
      OK200 TEC "5;ext=1\r\nhello\r\n6 ; a=\"b c\"\r\n world\r\n0\r\nX-Sum: 1\r\nX-B:  two \r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[hello world]T{X-Sum=1,X-B=two}$E"),
    V("chunked no trailers", "GET", OK200 TEC "3\r\nabc\r\n0\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[abc]E"),
    V("chunked hex sizes, leading zeros", "GET", OK200 TEC "A\r\n0123456789\r\n0000b\r\nabcdefghijk\r\n000\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[0123456789abcdefghijk]E"),
    V("chunked last-chunk ext", "GET", OK200 TEC "1\r\nx\r\n0;last\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[x]E"),
    V("close-delimited", "GET", OK200 "\r\nabc", 1, 0, "H200{}D[abc]E"),
    V("close-delimited empty", "GET", OK200 "Server: x\r\n\r\n", 1, 0, "H200{Server=x}E"),
    V("HTTP/1.0 close-delimited", "GET", "HTTP/1.0 200 OK\r\n\r\nold", 1, 0, "H200{}D[old]E"),
    V("HEAD ignores CL", "HEAD", OK200 "Content-Length: 100\r\n\r\n", 0, 0, "H200{Content-Length=100}$E"),
    V("HEAD ignores chunked", "HEAD", OK200 TEC, 0, 0, "H200{Transfer-Encoding=chunked}$E"),
    V("204", "GET", "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n", 0, 0, "H204{X=y}$E"),
    V("304 with CL", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", 0, 0,
      "H304{Content-Length=9}$E"),
    V("103 then 200", "GET", "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" OK200 CL5, 0, 0,
      "I103{Link=</s.css>}H200{Content-Length=5}D[hello]$E"),
    V("100 then 200", "GET", "HTTP/1.1 100 Continue\r\n\r\n" OK200 CL5, 0, 0,
      "I100{}H200{Content-Length=5}D[hello]$E"),
    V("100, 103 with fields, 103 again, then 200", "GET",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n"
      "Link: </b.js>; rel=preload\r\nX-Hint: 1\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </c>\r\n\r\n"
      OK200 CL5, 0, 0,
      "I100{}I103{Link=</a.css>; rel=preload,Link=</b.js>; rel=preload,X-Hint=1}I103{Link=</c>}"
      "H200{Content-Length=5}D[hello]$E"),
    V("1xx has no body: its Content-Length is not framing", "GET",
      "HTTP/1.1 103 Hints\r\nContent-Length: 5\r\n\r\n" OK200 CL5, 0, 0,
      "I103{Content-Length=5}H200{Content-Length=5}D[hello]$E"),
    V("1xx on HEAD, then the HEAD response", "HEAD", "HTTP/1.1 103 Hints\r\nLink: </x>\r\n\r\n"
      OK200 "Content-Length: 5\r\n\r\n", 0, 0, "I103{Link=</x>}H200{Content-Length=5}$E"),
    V("empty reason with SP", "GET", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H200{Content-Length=0}$E"),
    V("empty reason without SP", "GET", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H200{Content-Length=0}$E"),
    V("reason with obs-text and tab", "GET", "HTTP/1.1 200 \xc3\xa9t\te\r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H200{Content-Length=0}$E"),
    V("bare LF accepted", "GET", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 0, 0,
      "H200{Content-Length=2}D[ok]$E"),
    V("bare LF in chunked accepted", "GET", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[ok]E"),
    V("TE overrides CL", "GET", OK200 "Content-Length: 99\r\n" TEC "2\r\nok\r\n0\r\n\r\n", 0, 0,
      "H200{Content-Length=99,Transfer-Encoding=chunked}D[ok]E"),
    V("TE gzip, chunked final", "GET", OK200 "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=gzip, chunked}D[zz]E"),
    V("TE not chunked: read to close", "GET", OK200 "Transfer-Encoding: gzip\r\n\r\nraw", 1, 0,
      "H200{Transfer-Encoding=gzip}D[raw]E"),
    V("TE split over two fields", "GET", OK200 "Transfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=gzip,Transfer-Encoding=Chunked}D[q]E"),
    V("leading blank lines skipped", "GET", "\r\n\n" OK200 CL5, 0, 0, "H200{Content-Length=5}D[hello]$E"),
    V("OWS trimmed, empty value", "GET", OK200 "A:\t x \t\r\nB:\r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H200{A=x,B=,Content-Length=0}$E"),
    V("obs-text in value kept", "GET", OK200 "V: \xff\x80\r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H200{V=\\xff\\x80,Content-Length=0}$E"),
    V("status 599 and 999", "GET", "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", 0, 0,
      "H999{Content-Length=0}$E"),
    V("HTTP/1.1 minor 9 read as 1.1", "GET", "HTTP/1.9 200 OK\r\nContent-Length: 1\r\n\r\nz", 0, 0,
      "H200{Content-Length=1}D[z]$E"),
};

static const struct vec malformed[] = {
    V("status 2 digits", "GET", "HTTP/1.1 20 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("status 4 digits", "GET", "HTTP/1.1 2000 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("status 099", "GET", "HTTP/1.1 099 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("status letters", "GET", "HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("HTTP/2.0", "GET", "HTTP/2.0 200 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("lower-case http", "GET", "http/1.1 200 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("two-digit minor", "GET", "HTTP/1.10 200 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("double SP", "GET", "HTTP/1.1  200 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("no SP after code", "GET", "HTTP/1.1 200OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("garbage", "GET", "ICY 200 OK\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("CTL in reason", "GET", "HTTP/1.1 200 O\x01K\r\n\r\n", 0, 0, "XHYPER_EH1_STATUS_LINE"),
    V("SP before colon", "GET", OK200 "Foo : bar\r\n\r\n", 0, 0, "XHYPER_EH1_HEADER_SYNTAX"),
    V("no colon", "GET", OK200 "Foo bar\r\n\r\n", 0, 0, "XHYPER_EH1_HEADER_SYNTAX"),
    V("empty name", "GET", OK200 ": bar\r\n\r\n", 0, 0, "XHYPER_EH1_HEADER_SYNTAX"),
    V("non-token name", "GET", OK200 "Fo@o: bar\r\n\r\n", 0, 0, "XHYPER_EH1_HEADER_SYNTAX"),
    V("CTL in value", "GET", OK200 "Foo: a\x7f\r\n\r\n", 0, 0, "XHYPER_EH1_HEADER_SYNTAX"),
    V("obs-fold", "GET", OK200 "Foo: a\r\n b\r\n\r\n", 0, 0, "XHYPER_EH1_OBS_FOLD"),
    V("obs-fold tab", "GET", OK200 "Foo: a\r\n\tb\r\n\r\n", 0, 0, "XHYPER_EH1_OBS_FOLD"),
    V("NUL in value", "GET", OK200 "Foo: a\0b\r\n\r\n", 0, 0, "XHYPER_EH1_NUL"),
    V("NUL in name", "GET", OK200 "F\0oo: ab\r\n\r\n", 0, 0, "XHYPER_EH1_NUL"),
    V("NUL in status line", "GET", "HTTP/1.1 200 O\0K\r\n\r\n", 0, 0, "XHYPER_EH1_NUL"),
    V("bare CR in value", "GET", OK200 "Foo: a\rb\r\n\r\n", 0, 0, "XHYPER_EH1_BARE_CR"),
    V("bare CR line end", "GET", "HTTP/1.1 200 OK\rFoo: a\r\n\r\n", 0, 0, "XHYPER_EH1_BARE_CR"),
    V("bare LF strict", "GET", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", 0, OPT_STRICT, "XHYPER_EH1_BARE_LF"),
    V("bare LF strict late", "GET", OK200 "A: b\n\r\n", 0, OPT_STRICT, "XHYPER_EH1_BARE_LF"),
    V("bare LF strict chunk", "GET", OK200 TEC "1\nx\r\n0\r\n\r\n", 0, OPT_STRICT, "H200{Transfer-Encoding=chunked}XHYPER_EH1_BARE_LF"),
    V("bare LF strict after data", "GET", OK200 TEC "1\r\nx\n0\r\n\r\n", 0, OPT_STRICT, "H200{Transfer-Encoding=chunked}D[x]XHYPER_EH1_BARE_LF"),
    V("CL letters", "GET", OK200 "Content-Length: abc\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL negative", "GET", OK200 "Content-Length: -1\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL plus", "GET", OK200 "Content-Length: +5\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL empty", "GET", OK200 "Content-Length:\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL inner space", "GET", OK200 "Content-Length: 1 2\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL empty element", "GET", OK200 "Content-Length: 5,\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL overflow", "GET", OK200 "Content-Length: 99999999999999999999\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL 2^63", "GET", OK200 "Content-Length: 9223372036854775808\r\n\r\n", 0, 0, "XHYPER_EH1_CONTENT_LENGTH"),
    V("CL conflict fields", "GET", OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 0, 0,
      "XHYPER_EH1_CONTENT_LENGTH_CONFLICT"),
    V("CL conflict list", "GET", OK200 "Content-Length: 5, 6\r\n\r\nhello", 0, 0, "XHYPER_EH1_CONTENT_LENGTH_CONFLICT"),
    V("CL conflict on HEAD too", "HEAD", OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 0, 0,
      "XHYPER_EH1_CONTENT_LENGTH_CONFLICT"),
    V("chunked twice", "GET", OK200 "Transfer-Encoding: chunked, chunked\r\n\r\n", 0, 0, "XHYPER_EH1_TRANSFER_ENCODING"),
    V("TE on HTTP/1.0", "GET", "HTTP/1.0 200 OK\r\n" TEC "0\r\n\r\n", 0, 0, "XHYPER_EH1_TRANSFER_ENCODING"),
    V("TE empty", "GET", OK200 "Transfer-Encoding: \r\n\r\n", 0, 0, "XHYPER_EH1_TRANSFER_ENCODING"),
    V("chunk size not hex", "GET", OK200 TEC "zz\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE"),
    V("chunk size empty", "GET", OK200 TEC "\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE"),
    V("chunk size then junk", "GET", OK200 TEC "5 x\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE"),
    V("chunk size negative", "GET", OK200 TEC "-5\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE"),
    V("chunk size 2^64", "GET", OK200 TEC "10000000000000000\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE_OVERFLOW"),
    V("chunk size 2^63", "GET", OK200 TEC "8000000000000000\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE_OVERFLOW"),
    V("chunk size 2^63-1 then close", "GET", OK200 TEC "7fffffffffffffff\r\nab", 1, 0,
      "H200{Transfer-Encoding=chunked}D[ab]XHYPER_EH1_TRUNCATED"),
    V("chunk ext with NUL", "GET", OK200 TEC "1;a\0\r\nx\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_NUL"),
    V("chunk ext with CTL", "GET", OK200 TEC "1;a\x01\r\nx\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_CHUNK_SIZE"),
    V("chunk size bare CR", "GET", OK200 TEC "1\rx\r\n", 0, 0, "H200{Transfer-Encoding=chunked}XHYPER_EH1_BARE_CR"),
    V("chunk data too long", "GET", OK200 TEC "5\r\nhelloX\r\n0\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}D[hello]XHYPER_EH1_CHUNK_SYNTAX"),
    V("missing final chunk", "GET", OK200 TEC "5\r\nhello\r\n", 1, 0,
      "H200{Transfer-Encoding=chunked}D[hello]XHYPER_EH1_TRUNCATED"),
    V("close inside trailers", "GET", OK200 TEC "0\r\nX: 1\r\n", 1, 0,
      "H200{Transfer-Encoding=chunked}XHYPER_EH1_TRUNCATED"),
    V("trailer obs-fold", "GET", OK200 TEC "0\r\nX: 1\r\n 2\r\n\r\n", 0, 0,
      "H200{Transfer-Encoding=chunked}XHYPER_EH1_OBS_FOLD"),
    V("CL body short then close", "GET", OK200 "Content-Length: 10\r\n\r\nhel", 1, 0,
      "H200{Content-Length=10}D[hel]XHYPER_EH1_TRUNCATED"),
    V("CL body longer than said", "GET", OK200 "Content-Length: 2\r\n\r\nokEXTRA", 0, 0,
      "H200{Content-Length=2}D[ok]$EXHYPER_EH1_UNSOLICITED"),
    V("close inside head", "GET", OK200 "Content-Le", 1, 0, "XHYPER_EH1_TRUNCATED"),
    V("close before response", "GET", "", 1, 0, "XHYPER_EH1_CLOSED"),
    V("101 not asked for", "GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", 0, 0,
      "XHYPER_EH1_UPGRADE"),
    V("line too long", "GET", OK200 "X: 0123456789012345678901234567890123456789012345678901234567890123\r\n\r\n", 0,
      OPT_SMALL, "XHYPER_EH1_LINE_TOO_LONG"),
    V("status line too long", "GET", "HTTP/1.1 200 0123456789012345678901234567890123456789012345678901234567890\r\n\r\n", 0,
      OPT_SMALL, "XHYPER_EH1_LINE_TOO_LONG"),
    V("too many headers", "GET", OK200 "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 0, OPT_SMALL,
      "XHYPER_EH1_TOO_MANY_HEADERS"),
    V("too many trailers", "GET", OK200 TEC "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 0, OPT_SMALL,
      "H200{Transfer-Encoding=chunked}XHYPER_EH1_TOO_MANY_HEADERS"),
    V("head too large", "GET", OK200 "Aaaaaaaaaaaaaaa: 0123456789012345678901234567890123456789\r\n"
      "Bbbbbbbbbbbbbbb: 0123456789012345678901234567890123456789\r\n"
      "Ccccccccccccccc: 0123456789012345678901234567890123456789\r\n\r\n", 0, OPT_SMALL,
      "XHYPER_EH1_HEAD_TOO_LARGE"),
    V("blank lines only: too large", "GET", B10 B10 B10 B10 B10 B10 B10 B10 B10,
      0, OPT_SMALL, "XHYPER_EH1_HEAD_TOO_LARGE"),
    V("chunk line too long", "GET", OK200 TEC "1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n", 0,
      OPT_SMALL, "H200{Transfer-Encoding=chunked}XHYPER_EH1_LINE_TOO_LONG"),
};

static void options_for(int which, hyper_h1_options *o)
{
    hyper_h1_options_init(o);
    if (which == OPT_STRICT)
        o->strict_crlf = 1;
    if (which == OPT_SMALL) {
        o->max_line = 64;
        o->max_headers = 4;
        o->max_head = 160;
    }
}

static void run_vec(const struct vec *v, size_t step, struct transcript *t)
{
    test_mem tm;
    hyper_h1_options o;
    hyper_h1_session *s;
    test_mem_init(&tm);
    options_for(v->opt, &o);
    memset(t, 0, sizeof *t);
    assert_int_equal(hyper_h1_session_init(&s, &tm.mem, &o), HYPER_OK);
    assert_int_equal(tr_submit(s, v->method, "/"), 1);
    tr_feed(t, s, (const uint8_t *)v->resp, v->len, step, v->eof);
    hyper_h1_session_free(s);
    assert_int_equal(tm.blocks, 0);
    assert_false(tm.size_mismatch);
}

static void run_table(const struct vec *tab, size_t n)
{
    static const size_t steps[] = {0, 1, 7};
    struct transcript t;
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
            run_vec(&tab[i], steps[k], &t);
            if (strcmp(t.buf, tab[i].want) != 0) {
                print_error("%s (step %zu):\n  got  %s\n  want %s\n", tab[i].name, steps[k],
                            t.buf, tab[i].want);
                bad++;
            }
        }
    assert_int_equal(bad, 0);
}

static void framing_vectors(void **state)
{
    (void)state;
    run_table(framing, sizeof framing / sizeof framing[0]);
}

static void malformed_vectors(void **state)
{
    (void)state;
    run_table(malformed, sizeof malformed / sizeof malformed[0]);
}

/* Body octets are not copied: DATA points into the input given to recv. */
static void data_is_zero_copy(void **state)
{
    (void)state;
    static const char resp[] = OK200 TEC "5\r\nhello\r\n0\r\n\r\n";
    hyper_h1_session *s;
    hyper_event ev;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(tr_submit(s, "GET", "/"), 1);
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)resp, sizeof resp - 1), sizeof resp - 1);
    int seen = 0;
    while (hyper_h1_next_event(s, &ev)) {
        if (ev.type == HYPER_EVENT_DATA) {
            assert_ptr_equal(ev.data, (const uint8_t *)strstr(resp, "hello"));
            assert_int_equal(ev.len, 5);
            assert_int_equal(ev.flow_len, 5);
            assert_int_equal(ev.stream_id, 1);
            seen++;
        }
        hyper_headers_free(ev.headers);
    }
    assert_int_equal(seen, 1);
    hyper_h1_session_free(s);
}

/* The first error sticks: later calls return it, one ERROR event only. */
static void error_is_sticky(void **state)
{
    (void)state;
    static const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\n";
    hyper_h1_session *s;
    hyper_event ev;
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(tr_submit(s, "GET", "/"), 1);
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)bad, sizeof bad - 1), HYPER_EH1_STATUS_LINE);
    assert_int_equal(hyper_h1_recv(s, (const uint8_t *)"x", 1), HYPER_EH1_STATUS_LINE);
    assert_int_equal(hyper_h1_recv_eof(s), HYPER_EH1_STATUS_LINE);
    assert_int_equal(tr_submit(s, "GET", "/"), HYPER_EH1_STATUS_LINE);
    assert_int_equal(hyper_h1_next_event(s, &ev), 1);
    assert_int_equal(ev.type, HYPER_EVENT_ERROR);
    assert_int_equal(ev.error, HYPER_EH1_STATUS_LINE);
    assert_int_equal(ev.stream_id, 1);
    assert_int_equal(hyper_h1_next_event(s, &ev), 0);
    assert_int_equal(hyper_h1_reusable(s), 0);
    hyper_h1_session_free(s);
}

/* Many small chunks in one input: the event ring fills, recv returns early,
 * and the rest is taken on the next call. */
static void event_ring_backpressure(void **state)
{
    (void)state;
    char resp[2048];
    size_t n = (size_t)snprintf(resp, sizeof resp, "%s", OK200 TEC);
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(resp + n, sizeof resp - n, "1\r\n%c\r\n", 'a' + i % 26);
    n += (size_t)snprintf(resp + n, sizeof resp - n, "0\r\n\r\n");
    hyper_h1_session *s;
    struct transcript t;
    memset(&t, 0, sizeof t);
    assert_int_equal(hyper_h1_session_init(&s, NULL, NULL), HYPER_OK);
    assert_int_equal(tr_submit(s, "GET", "/"), 1);
    long first = hyper_h1_recv(s, (const uint8_t *)resp, n);
    assert_true(first > 0 && (size_t)first < n);
    tr_drain(&t, s);
    tr_feed(&t, s, (const uint8_t *)resp + first, n - (size_t)first, 0, 0);
    hyper_h1_session_free(s);
    char want[256] = "H200{Transfer-Encoding=chunked}D[";
    size_t w = strlen(want);
    for (int i = 0; i < 100; i++)
        want[w++] = (char)('a' + i % 26);
    memcpy(want + w, "]E", 3);
    assert_string_equal(t.buf, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(framing_vectors),
        cmocka_unit_test(malformed_vectors),
        cmocka_unit_test(data_is_zero_copy),
        cmocka_unit_test(error_is_sticky),
        cmocka_unit_test(event_ring_backpressure),
    };
    return cmocka_run_group_tests_name("h1_parse", tests, NULL, NULL);
}
