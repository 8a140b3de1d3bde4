# hyper — plain Makefile.
#
#   make              build/libhyper.a, build/libhyper.so, build/hpack-tool
#   make test         every cmocka test (unit, story corpus, wire tests)
#   make asan         the same tests under AddressSanitizer + UBSan (clang)
#   make fuzz         libFuzzer targets in build/fuzz/
#   make fuzz-run     each fuzzer for FUZZ_SECONDS (default 60)
#   make fuzz-long    the campaign: each fuzzer FUZZ_SECONDS, FUZZ_JOBS side by side, a table
#   make fuzz-cov     llvm-cov line coverage of src/ by each seed corpus
#   make valgrind     the wire tests under valgrind memcheck (no error, no leak)
#   make bench-hpack  HPACK throughput, ours against nghttp2's, one run
#   make bench-h2     HTTP/2 engine throughput, in memory
#   make footprint    heap per HTTP/2 connection and per stream, ours and nghttp2's
#   make size         code size per module, x86-64 and Cortex-M4, ours and nghttp2's
#   make test-small   the tests in the smallest profile (include/hyper_config.h)
#   make embedded-demo examples/embedded.c (arena, own transport, no heap) vs nghttpd
#
# BUILD=dir puts every output under another folder, so several builds (and
# several developers) can share one tree. HYPER_NO_DEPS=1 skips scripts/deps.

BUILD   ?= build
CC      ?= cc
OPT     ?= -O2 -g
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
CFLAGS_ALL = -std=c11 -Wall -Wextra -Werror -fPIC $(OPT) -Iinclude -Isrc -Itools -Itest/util \
             -D_POSIX_C_SOURCE=200809L $(EXTRA_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(EXTRA_LDFLAGS) -lmbedtls -lmbedx509 -lmbedcrypto -lz -lm

# ---- layers and what each one may use (arrows point down only) ---------------
LAYERS = common hpack frame stream h1 content tls conn cli hostile python
closure_common  = common
closure_hpack   = hpack common
closure_frame   = frame common
closure_stream  = stream frame hpack common
closure_h1      = h1 common
closure_content = content common
closure_tls     = tls common
closure_conn    = conn tls stream frame hpack h1 content common
closure_hostile = conn tls stream frame hpack h1 content common
# python/ (bindings) has no C: test/python/test_python runs pytest over libhyper.so.
closure_python  = common
# cli/ is the `hyper` command: tested like a layer, never part of the library.
closure_cli     = cli conn tls stream frame hpack h1 content common

layer_srcs = $(wildcard src/$(1)/*.c)
# src/cli/main.c holds main(): only build/hyper links it, never a test.
CLI_MAIN = $(BUILD)/obj/cli/main.o
layer_objs = $(filter-out $(CLI_MAIN),$(patsubst src/%.c,$(BUILD)/obj/%.o,$(call layer_srcs,$(1))))
closure_objs = $(foreach l,$(closure_$(1)),$(call layer_objs,$(l)))

LIB_SRCS = $(foreach l,$(filter-out cli,$(LAYERS)),$(call layer_srcs,$(l)))
LIB_OBJS = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))

# Shared by tests, tools and benches (story reader, JSON, hex, counting allocator).
SUPPORT_SRCS = $(filter-out tools/support/frame_forge.c,$(wildcard tools/support/*.c))
SUPPORT_OBJS = $(patsubst %.c,$(BUILD)/obj/%.o,$(SUPPORT_SRCS))
# Frame encoders for tests, fuzzers and the bench (they need frame/).
FORGE_OBJ = $(BUILD)/obj/tools/support/frame_forge.o
TESTUTIL_SRCS = $(wildcard test/util/*.c)
TESTUTIL_OBJS = $(patsubst %.c,$(BUILD)/obj/%.o,$(TESTUTIL_SRCS))

# test/<layer>/test_*.c -> $(BUILD)/test/<layer>/test_*
TEST_SRCS = $(foreach l,$(LAYERS),$(wildcard test/$(l)/test_*.c))
TEST_BINS = $(patsubst test/%.c,$(BUILD)/test/%,$(TEST_SRCS))

.PHONY: all demo cli deps test test-compact asan fuzz fuzz-run fuzz-long fuzz-cov valgrind bench bench-hpack bench-h2 clean check-tables
.PHONY: footprint size test-small embedded-demo bench-e2e
all: $(BUILD)/libhyper.a $(BUILD)/libhyper.so $(BUILD)/hpack-tool examples $(BUILD)/hyper

deps:
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps; fi

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: src/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libhyper.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The shared library exports the functions include/hyper.h declares and
# nothing else (the layers' internal functions stay local): a GNU ld / lld
# version script made from the header. Set SO_EXPORTS= for a linker without
# version scripts.
SO_EXPORTS ?= -Wl,--version-script=$(BUILD)/hyper.map
$(BUILD)/hyper.map: include/hyper.h
	@mkdir -p $(dir $@)
	{ echo '{ global:'; grep -oE '\bhyper_[a-z0-9_]+ *\(' $< | tr -d '( ' | sort -u | sed 's/$$/;/'; \
	  echo 'local: *; };'; } >$@
$(BUILD)/libhyper.so: $(LIB_OBJS) $(BUILD)/hyper.map
	$(CC) -shared $(SO_EXPORTS) -o $@ $(LIB_OBJS) $(LDLIBS_ALL)

$(BUILD)/hpack-tool: tools/hpack_tool.c $(SUPPORT_OBJS) $(call closure_objs,hpack) | deps
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $(filter %.c %.o,$^) $(LDLIBS_ALL)

# The hyper command (src/cli/) on top of the library.
$(BUILD)/hyper: $(CLI_MAIN) $(call layer_objs,cli) $(BUILD)/libhyper.a | deps
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)
cli: $(BUILD)/hyper
# The end-to-end CLI test runs $(BUILD)/hyper.
$(BUILD)/test/cli/test_cli: | $(BUILD)/hyper

# One rule per layer: a test links only its layer and the layers below it, so a
# half-written file elsewhere does not break it.
define TEST_RULE
$(BUILD)/test/$(1)/%: test/$(1)/%.c $(call closure_objs,$(1)) $(SUPPORT_OBJS) $(TESTUTIL_OBJS) \
  $(if $(filter frame,$(closure_$(1))),$(FORGE_OBJ)) | deps
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) -MMD -MP -o $$@ $$(filter %.c %.o,$$^) -lcmocka $$(LDLIBS_ALL)
endef
$(foreach l,$(LAYERS),$(eval $(call TEST_RULE,$(l))))
# The h1 wire test also decodes the bodies it fetched through content/.
$(BUILD)/test/h1/test_wire_node: $(call closure_objs,content)
$(BUILD)/test/python/test_python: | $(BUILD)/libhyper.so

test: $(TEST_BINS) $(BUILD)/hpack-tool
	@sh scripts/run-tests $(BUILD) $(TEST_BINS)

# Same tests, instrumented. Its own build folder keeps the objects apart.
asan:
	$(MAKE) BUILD=$(BUILD)/asan CC=clang OPT="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# The quickstart against a local server (see scripts/demo).
demo: all
	sh scripts/demo $(BUILD)

# Examples, built on the public API only.
EXAMPLE_BINS = $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
examples: $(EXAMPLE_BINS)
$(BUILD)/examples/%: examples/%.c $(BUILD)/libhyper.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libhyper.a $(LDLIBS_ALL)

# The compact profile: Huffman decode through ~0.5 KB of canonical-code
# tables instead of the 32 KB lookup table. Same tests, same results.
# Only the layers whose code the switch changes are run again.
COMPACT_LAYERS = common hpack frame stream
test-compact:
	$(MAKE) BUILD=$(BUILD)/compact EXTRA_CFLAGS=-DHYPER_HUFFMAN_COMPACT \
	  LAYERS="$(COMPACT_LAYERS)" test

# The smallest profile (include/hyper_config.h): every switch on. Tests that
# do not apply to it skip themselves under the same macros. Only the engine
# layers exist in it (no h1, so no conn, cli, hostile, python).
# (HYPER_HUFFMAN_COMPACT is repeated because huffman_table.c does not see
# hyper_config.h.)
SMALLEST_CFLAGS = -DHYPER_CONFIG_SMALLEST -DHYPER_HUFFMAN_COMPACT
SMALLEST_LAYERS = common hpack frame stream
# Built with -Os, as a device would build it: code under __OPTIMIZE_SIZE__
# (speed-only fast paths left out) is tested here.
test-small:
	$(MAKE) BUILD=$(BUILD)/small EXTRA_CFLAGS="$(SMALLEST_CFLAGS)" OPT="-Os -g" \
	  LAYERS="$(SMALLEST_LAYERS)" test

# ---- fuzzing (clang + libFuzzer) --------------------------------------------
FUZZ_SRCS = $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS = $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: $(FUZZ_BINS)
# Each fuzzer links only its layer and the layers below it (like the tests).
fuzz_layer = $(strip $(if $(filter fuzz_hpack% fuzz_huffman%,$(1)),hpack,\
  $(if $(filter fuzz_frame%,$(1)),frame,$(if $(filter fuzz_h2%,$(1)),stream,\
  $(if $(filter fuzz_h1%,$(1)),h1,$(if $(filter fuzz_content%,$(1)),content,conn))))))
fuzz_srcs = $(foreach l,$(closure_$(call fuzz_layer,$(1))),$(call layer_srcs,$(l))) \
  $(if $(filter fuzz_frame%,$(1)),tools/support/frame_forge.c)
.SECONDEXPANSION:
# A target's helpers, if it has any, live in fuzz/<target>/.
$(BUILD)/fuzz/%: fuzz/%.c $$(wildcard fuzz/%/*) $(wildcard fuzz/*.h) $$(call fuzz_srcs,%) | deps
	@mkdir -p $(dir $@)
	clang -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude -Isrc -Itools -D_POSIX_C_SOURCE=200809L \
	  $(FUZZ_FLAGS) -o $@ $< $(wildcard fuzz/$*/*.c) $(call fuzz_srcs,$*) $(LDLIBS_ALL)
fuzz-run: fuzz
	@sh scripts/run-fuzz $(BUILD) $(FUZZ_SECONDS) $(FUZZ_BINS)
# Coverage builds (no sanitizer) replay a corpus once for llvm-cov.
FUZZ_COV_BINS = $(patsubst fuzz/%.c,$(BUILD)/fuzz-cov/%,$(FUZZ_SRCS))
FUZZ_CORPUS ?= fuzz/corpus
$(BUILD)/fuzz-cov/%: fuzz/%.c $$(wildcard fuzz/%/*) $(wildcard fuzz/*.h) $$(call fuzz_srcs,%) | deps
	@mkdir -p $(dir $@)
	clang -std=c11 -Wall -Wextra -Werror -O1 -g -Iinclude -Isrc -Itools -D_POSIX_C_SOURCE=200809L \
	  -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping -o $@ $< $(wildcard fuzz/$*/*.c) $(call fuzz_srcs,$*) $(LDLIBS_ALL)
fuzz-cov: $(FUZZ_COV_BINS)
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps cov; fi
	@sh scripts/fuzz-cov $(BUILD) $(FUZZ_CORPUS) $(FUZZ_COV_BINS)
fuzz-long: fuzz $(FUZZ_COV_BINS)
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps cov; fi
	@sh scripts/fuzz-long $(BUILD) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_BINS)

# ---- valgrind memcheck over the wire tests (scripts/run-valgrind) -------------
VALGRIND_TESTS = $(filter $(addprefix $(BUILD)/test/,stream/test_wire_nghttpd \
  h1/test_wire_node conn/test_conn_% tls/test_% cli/test_cli hostile/test_%),$(TEST_BINS))
valgrind: $(VALGRIND_TESTS) $(BUILD)/hyper
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps valgrind; fi
	@sh scripts/run-valgrind $(BUILD) $(VALGRIND_TESTS)

# ---- benches -----------------------------------------------------------------
bench: bench-hpack bench-h2
$(BUILD)/bench/bench_hpack: bench/bench_hpack.c $(SUPPORT_OBJS) $(call closure_objs,hpack) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O3 -DNDEBUG -o $@ $^ -lnghttp2 $(LDLIBS_ALL)
bench-hpack: $(BUILD)/bench/bench_hpack
	$(BUILD)/bench/bench_hpack ../shared/hpack-test-case
$(BUILD)/bench/bench_h2: bench/bench_h2.c $(SUPPORT_OBJS) $(FORGE_OBJ) $(call closure_objs,stream) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -O3 -DNDEBUG -o $@ $^ $(LDLIBS_ALL)
bench-h2: $(BUILD)/bench/bench_h2
	$(BUILD)/bench/bench_h2
# End-to-end: our client (public API only) against h2load, curl and nghttp on
# loopback servers; about 5 minutes (bench/e2e/run.py --help for knobs).
$(BUILD)/hyper-bench: bench/hyper_bench.c $(BUILD)/libhyper.a | deps
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libhyper.a $(LDLIBS_ALL)
bench-e2e: $(BUILD)/hyper-bench
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps bench; fi
	python3 bench/e2e/run.py --build $(BUILD)

# ---- embedded profile (issue 7) ------------------------------------------------
$(BUILD)/bench/footprint: bench/footprint.c $(call closure_objs,stream) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ -lnghttp2 $(LDLIBS_ALL)
footprint: $(BUILD)/bench/footprint
	$(BUILD)/bench/footprint
size:
	@if [ -z "$(HYPER_NO_DEPS)" ]; then sh scripts/deps size; fi
	@sh scripts/size $(BUILD) default
	@sh scripts/size $(BUILD) smallest $(SMALLEST_CFLAGS)
# examples/embedded.c linked so that malloc/calloc/realloc/free abort, run
# against a local nghttpd: the engine over a user-supplied pipe, arena only.
NO_HEAP_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
$(BUILD)/examples/embedded-noheap: examples/embedded.c $(call closure_objs,stream) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(NO_HEAP_LDFLAGS)
embedded-demo: $(BUILD)/examples/embedded-noheap
	@sh scripts/embedded-demo $< $(BUILD)/embedded-demo

# The generated Huffman table must be what the committed script produces.
check-tables:
	python3 tools/gen_huffman.py | cmp - src/hpack/huffman_table.c

.SECONDARY:

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) \( -path '$(BUILD)/asan' -o -path '$(BUILD)/compact' -o -path '$(BUILD)/small' \) -prune -o -name '*.d' -print 2>/dev/null)
