/*
 * hyper_config.h — the compile-time profile: what a build of hyper leaves
 * out to fit a small device. Included by hyper.h, so the library and its
 * users always see the same profile.
 *
 * How to choose a profile (like Mbed TLS's mbedtls_config.h):
 *  - define the switches below on the compiler's command line
 *    (-DHYPER_CONFIG_NO_PUSH ...), the same for the library and its users; or
 *  - write your own header of #defines and build everything with
 *    -DHYPER_CONFIG_FILE='"my_hyper_config.h"': it is included first; or
 *  - define HYPER_CONFIG_SMALLEST for (almost) every switch at once (the
 *    profile CI builds and tests as `make test-small`).
 * A switch is on when defined (empty or 1); defining it to 0 is an error,
 * since #ifdef would read it as on. Nothing is left out by default.
 *
 * What each switch costs and saves (Cortex-M4, -Os; `make size` prints the
 * current figures):
 *
 * HYPER_CONFIG_NO_PUSH
 *   No server push (RFC 9113 §8.4). The session always announces
 *   SETTINGS_ENABLE_PUSH = 0, hyper_h2_options.enable_push must stay 0
 *   (hyper_h2_session_init returns HYPER_EINVAL otherwise), and a
 *   PUSH_PROMISE is handled exactly as the default build does with
 *   enable_push = 0: refused with RST_STREAM before the server acknowledged
 *   our SETTINGS, a connection error PROTOCOL_ERROR after.
 *   hyper_h2_refuse_push returns HYPER_ENOTFOUND. Saves the promise
 *   acceptance and its event in src/stream/push.c (~0.2 KB).
 *
 * HYPER_CONFIG_NO_H1
 *   No HTTP/1.1 engine (section 7 of hyper.h; src/h1/ compiles to nothing).
 *   For devices that only talk to servers known to speak HTTP/2 (prior
 *   knowledge over their own transport, examples/embedded.c). Whatever
 *   links the HTTP/1.1 engine (src/conn, the hyper command, the Python
 *   bindings) is not part of such a build: the smallest profile is the
 *   engine layers common, hpack, frame, stream. Saves all of src/h1/
 *   and its error rows (~6.9 KB on Cortex-M4).
 *
 * HYPER_CONFIG_ENGINE_ONLY
 *   The build holds the engine layers only (common, hpack, frame, stream,
 *   h1): no connection object, transport, TLS or content decoding (src/conn,
 *   src/tls, src/content refuse to compile). A device that drives the engine
 *   over its own transport (examples/embedded.c) needs nothing more.
 *   hyper_strerror and hyper_strerror_name then know only the engine's codes:
 *   the rows of the other layers' errors (HYPER_ECONTENT_*, transport,
 *   HYPER_ETLS_*, HYPER_ECONN_*: ~1.7 KB) go, since nothing in such a build can
 *   return them. Implied by HYPER_CONFIG_NO_H1, which the connection object
 *   cannot do without. `make size` measures the core this way.
 *
 * HYPER_CONFIG_NO_ERROR_TEXT
 *   hyper_strerror returns the error's name ("HYPER_ENOMEM") instead of a
 *   sentence: the texts of src/common/error.c go (~3.4 KB on Cortex-M4 in
 *   an engine-only build, more with the other layers' rows).
 *   hyper_strerror_name and hyper_h2_error_code_name are unchanged.
 *
 * HYPER_CONFIG_NO_DEFAULT_ALLOCATOR
 *   The library defines no hyper_mem_default() and references no malloc,
 *   realloc or free at all (src/common/mem.c compiles to nothing), so a
 *   device's C library need not link an allocator. The application MUST
 *   define `const hyper_mem *hyper_mem_default(void)`, the allocator a NULL
 *   mem argument means (one that refuses everything, or an arena's);
 *   test/util/default_mem.c is the one the tests use.
 *
 * HYPER_CONFIG_NO_HUFFMAN_ENCODER
 *   Header strings we send are never Huffman-coded (RFC 7541 §5.2 allows
 *   either; H = 0 always): the encoder's huffman option is ignored and the
 *   encode tables (hyper_huffman_code, hyper_huffman_bits: 1.3 KB; built
 *   with -Os, hyper_huffman_rank and the bits: 0.5 KB) and code go. Requests grow by about a quarter of their header octets, and only
 *   on the first use of a field, which the dynamic table then indexes.
 *   Decoding is unaffected: a decoder must accept Huffman strings.
 *
 * HYPER_HUFFMAN_COMPACT
 *   Huffman decoding through the canonical-code tables (~0.5 KB) instead
 *   of the 32 KB fast lookup table: same results, fewer MB/s (see the
 *   README's trade table). Existed before this header; src/hpack/huffman.c.
 *   (src/hpack/huffman_table.c does not see this header yet: give it with
 *   -D, as make test-small and make size do.)
 *
 * HYPER_CONFIG_SMALLEST
 *   Every switch above but HYPER_CONFIG_NO_DEFAULT_ALLOCATOR (a linking
 *   choice that saves ~100 octets of code: add it yourself). `make
 *   test-small` builds it and runs the tests of the layers it has (common,
 *   hpack, frame, stream); tests of what a switch leaves out skip
 *   themselves under the same macro.
 *
 * Invalid settings stop the build here (#error), never at run time.
 */
#ifndef HYPER_CONFIG_H
#define HYPER_CONFIG_H

#ifdef HYPER_CONFIG_FILE
#include HYPER_CONFIG_FILE
#endif

#ifdef HYPER_CONFIG_SMALLEST
#ifndef HYPER_CONFIG_NO_PUSH
#define HYPER_CONFIG_NO_PUSH 1
#endif
#ifndef HYPER_CONFIG_NO_H1
#define HYPER_CONFIG_NO_H1 1
#endif
#ifndef HYPER_CONFIG_NO_HUFFMAN_ENCODER
#define HYPER_CONFIG_NO_HUFFMAN_ENCODER 1
#endif
#ifndef HYPER_HUFFMAN_COMPACT
#define HYPER_HUFFMAN_COMPACT 1
#endif
#ifndef HYPER_CONFIG_NO_ERROR_TEXT
#define HYPER_CONFIG_NO_ERROR_TEXT 1
#endif
#endif

/* Without the HTTP/1.1 engine there is no connection object either. */
#if defined(HYPER_CONFIG_NO_H1) && !defined(HYPER_CONFIG_ENGINE_ONLY)
#define HYPER_CONFIG_ENGINE_ONLY 1
#endif

/* ---- checks (Mbed TLS's check_config.h, in place) ---------------------- */

/* A switch defined to 0 would read as on under #ifdef: refuse it. For an
 * empty definition ~x + 1 is ~(+1) = -2, for 1 it is -1, only 0 gives 0. */
#define HYPER_CONFIG_IS_ZERO_(x) (~x + 1 == 0)
#if defined(HYPER_CONFIG_SMALLEST) && HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_SMALLEST)
#error "HYPER_CONFIG_SMALLEST is defined to 0: leave it undefined instead"
#endif
#if defined(HYPER_CONFIG_NO_PUSH) && HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_NO_PUSH)
#error "HYPER_CONFIG_NO_PUSH is defined to 0: leave it undefined to keep server push"
#endif
#if defined(HYPER_CONFIG_NO_H1) && HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_NO_H1)
#error "HYPER_CONFIG_NO_H1 is defined to 0: leave it undefined to keep HTTP/1.1"
#endif
#if defined(HYPER_CONFIG_ENGINE_ONLY) && HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_ENGINE_ONLY)
#error "HYPER_CONFIG_ENGINE_ONLY is defined to 0: leave it undefined for the whole library"
#endif
#if defined(HYPER_CONFIG_NO_HUFFMAN_ENCODER) && \
    HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_NO_HUFFMAN_ENCODER)
#error "HYPER_CONFIG_NO_HUFFMAN_ENCODER is defined to 0: leave it undefined instead"
#endif
#if defined(HYPER_CONFIG_NO_ERROR_TEXT) && HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_NO_ERROR_TEXT)
#error "HYPER_CONFIG_NO_ERROR_TEXT is defined to 0: leave it undefined to keep the texts"
#endif
#if defined(HYPER_CONFIG_NO_DEFAULT_ALLOCATOR) && \
    HYPER_CONFIG_IS_ZERO_(HYPER_CONFIG_NO_DEFAULT_ALLOCATOR)
#error "HYPER_CONFIG_NO_DEFAULT_ALLOCATOR is defined to 0: leave it undefined instead"
#endif
#if defined(HYPER_HUFFMAN_COMPACT) && HYPER_CONFIG_IS_ZERO_(HYPER_HUFFMAN_COMPACT)
#error "HYPER_HUFFMAN_COMPACT is defined to 0: leave it undefined for the fast table"
#endif
#undef HYPER_CONFIG_IS_ZERO_

#endif /* HYPER_CONFIG_H */
