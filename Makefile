# wallboard: real-time wallboards for contact centres.
#
#   make            build everything into $(BUILD) (default build/)
#   make deps       install the Debian packages that are missing
#   make demo       the demo board
#   make test       unit, replay, config and integration tests
#   make asan       the whole suite again under ASan + UBSan (build-asan/)
#   make tsan       the live tests against ThreadSanitizer builds (build-tsan/)
#   make bench      benchmarks, figures printed
#   make fuzz       libFuzzer on every parser (clang: `make deps fuzz`)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# How `make deps demo` works in one go on a fresh machine: nothing below
# asks pkg-config while this file is read. Each pkg-config answer is a
# variable that runs it the first time a recipe expands it, then keeps the
# answer ($(call once,...)), and every compile waits for `deps` when it is
# among the goals. So deps installs first, and the build that follows
# sees what it installed. Without deps, each target first checks that what
# it needs is there (scripts/install-deps.sh --check) and, if not, stops
# with one line naming the missing Debian packages.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
DOCDIR ?= $(PREFIX)/share/doc/wallboard
# Where systemd looks for units and sysusers.d files (Debian 12:
# /lib/systemd/system and /usr/lib/sysusers.d), whatever PREFIX is.
SYSTEMDUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir \
	systemd 2>/dev/null),/lib/systemd/system)
SYSUSERSDIR ?= $(or $(shell $(PKG_CONFIG) --variable=sysusersdir \
	systemd 2>/dev/null),/usr/lib/sysusers.d)
DESTDIR ?=
BUILD ?= build

CC ?= cc
PKG_CONFIG ?= pkg-config

CORE_PKGS := yaml-0.1 libcjson
PKGS := $(CORE_PKGS) libzmq libevent_core libsystemd libnats

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wno-unused-parameter -Werror
OPT ?= -O2 -g
SAN ?=
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# $(call once,VAR,PKG-CONFIG ARGS): pkg-config's answer, asked when first
# used (in a recipe, after `deps` has run) and kept for the rest of the run.
# VAR must be the variable that calls it, and nothing else: the first use
# replaces VAR by the answer.
once = $(eval $1 := $$(shell $$(PKG_CONFIG) $2))$($1)
PKG_CFLAGS = $(call once,PKG_CFLAGS,--cflags $(PKGS))
CFLAGS += -std=c11 $(OPT) $(WARN) $(SAN) $(PKG_CFLAGS)
LDFLAGS += $(SAN)
CORE_PKG_LIBS = $(call once,CORE_PKG_LIBS,--libs $(CORE_PKGS))
CORE_LIBS = $(CORE_PKG_LIBS) -lm
SYSTEMD_LIBS = $(call once,SYSTEMD_LIBS,--libs libsystemd)
DAEMON_LIBS = $(ZMQ_LIBS) $(EVENT_LIBS) $(SYSTEMD_LIBS) -lpthread
CMOCKA_LIBS = $(call once,CMOCKA_LIBS,--libs cmocka)
ZMQ_LIBS = $(call once,ZMQ_LIBS,--libs libzmq)
# NATS JetStream (stream/): the daemon's and the feed's, opt-in by config.
NATS_LIBS = $(call once,NATS_LIBS,--libs libnats)
EVENT_LIBS = $(call once,EVENT_LIBS,--libs libevent_core)
# The framebuffer board's type: Cairo and Pango (draw/render-pixel.c).
PANGO_CFLAGS = $(call once,PANGO_CFLAGS,--cflags pangocairo fontconfig)
PANGO_LIBS = $(call once,PANGO_LIBS,--libs pangocairo fontconfig)
# A DRM/KMS screen where there is no /dev/fb0 (display/fb-drm.c).
DRM_CFLAGS = $(call once,DRM_CFLAGS,--cflags libdrm)
DRM_LIBS = $(call once,DRM_LIBS,--libs libdrm)

# The layers (docs/architecture.md), each a static library, each compiled
# seeing only the headers of the layers below it (LAYER_INC): an include
# against the layers fails to compile, a call against them fails to link.
#   core/  the pure figures: events, config, engine, alerts, journal format,
#          snapshots; no sockets, clock, curses. Unit tests link it alone.
#   pbx/   the PBX dialects (Asterisk, FreeSWITCH) mapped to events: core.
#   draw/  the boards' layout, fonts and pixel/text renderers: core.
#   loop/  libevent and ZeroMQ glue every program's loop shares: core.
#   stream/ NATS JetStream (libnats) the feed and the daemon share: core.
LIB := $(BUILD)/libcore.a
PBX_LIB := $(BUILD)/libpbx.a
DRAW_LIB := $(BUILD)/libdraw.a
LOOP_LIB := $(BUILD)/libloop.a
STREAM_LIB := $(BUILD)/libstream.a
LAYER_LIBS := $(LIB) $(PBX_LIB) $(DRAW_LIB) $(LOOP_LIB) $(STREAM_LIB)
lib_obj = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $1/*.c))
LIB_OBJ := $(call lib_obj,core)
PBX_OBJ := $(call lib_obj,pbx)
DRAW_OBJ := $(call lib_obj,draw)
LOOP_OBJ := $(call lib_obj,loop)
STREAM_OBJ := $(call lib_obj,stream)
HEADERS := $(wildcard core/*.h pbx/*.h draw/*.h loop/*.h stream/*.h)

# draw/render-pixel.c draws with Cairo and Pango; a program that does not
# use it (the terminal board, the tests of the layout) links none of them.
$(DRAW_OBJ): CFLAGS += $(PANGO_CFLAGS)

# Which headers each folder sees, beyond its own.
$(BUILD)/core/%.o: LAYER_INC := -Icore
$(BUILD)/pbx/%.o: LAYER_INC := -Icore
$(BUILD)/draw/%.o: LAYER_INC := -Icore
$(BUILD)/loop/%.o: LAYER_INC := -Icore
$(BUILD)/stream/%.o: LAYER_INC := -Icore
$(BUILD)/daemon/%.o: LAYER_INC := -Icore -Iloop -Istream
$(BUILD)/display/%.o: LAYER_INC := -Icore -Idraw -Iloop
$(BUILD)/feed/%.o: LAYER_INC := -Icore -Ipbx -Istream
$(BUILD)/tools/%.o: LAYER_INC := -Icore
$(BUILD)/relay/%.o: LAYER_INC := -Icore
# Tests, fuzzing and benchmarks stand above every layer.
TOP_INC := -Icore -Ipbx -Idraw -Iloop -Istream

DAEMON_SRC := $(wildcard daemon/*.c)
# The browser board's page (web/), compiled into the daemon (daemon/web.c).
WEB_FILES := web/board.html web/board.css web/board.js
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o) $(BUILD)/daemon/web-assets.o

# wallboard-feed: the event sources (simulator, replay, PBX bridges), one
# subcommand each.
FEED_SRC := $(wildcard feed/*.c)
FEED_OBJ := $(FEED_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BENCH_SRC := $(wildcard bench/bench-*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

PROGRAMS := $(BUILD)/wallboardd $(BUILD)/wallboardctl $(BUILD)/wallboard-feed

# The terminal board: display/ on the shared loop (loop/) and drawing
# (draw/), with ncursesw.
# The framebuffer board (docs/framebuffer.md): its own main and display/fb*
# on the same loop objects, without curses; kept out of DISPLAY_SRC.
FB_SRC := display/wallboard-fb.c $(wildcard display/fb*.c)
FB_OBJ := $(FB_SRC:%.c=$(BUILD)/%.o)
# Both boards choose between several endpoints' snapshots alike.
FB_OBJ += $(BUILD)/display/standby.o $(BUILD)/display/board-layout.o
DISPLAY_SRC := $(filter-out $(FB_SRC),$(wildcard display/*.c))
DISPLAY_OBJ := $(DISPLAY_SRC:%.c=$(BUILD)/%.o)
CURSES_CFLAGS = $(call once,CURSES_CFLAGS,--cflags ncursesw)
CURSES_LIBS = $(call once,CURSES_LIBS,--libs ncursesw)
DISPLAY_LIBS = $(ZMQ_LIBS) $(EVENT_LIBS) $(CURSES_LIBS)
PROGRAMS += $(BUILD)/wallboard
PROGRAMS += $(BUILD)/wallboard-fb
# The relay (relay/): XSUB/XPUB fan-out with a last-value cache, for many
# boards; core/ for its log and allocation, libzmq and libsystemd.
PROGRAMS += $(BUILD)/wallboard-relay

.PHONY: all deps demo test unit asan tsan bench install clean
all: $(PROGRAMS) $(UNIT_BIN)

# What each target needs is checked before anything is built, after `deps`
# when it is a goal too (so `make -j2 deps test` cannot race it).
DEPS_FIRST := $(filter deps,$(MAKECMDGOALS))
NEEDS := all demo test bench fuzz
.PHONY: $(NEEDS:%=need-%)
$(NEEDS:%=need-%): $(DEPS_FIRST)
	@scripts/install-deps.sh --check $(@:need-%=%)

# V=1 shows the whole command lines.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c $(HEADERS) $(wildcard daemon/*.h) | need-all
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(LAYER_INC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
$(PBX_LIB): $(PBX_OBJ)
$(DRAW_LIB): $(DRAW_OBJ)
$(LOOP_LIB): $(LOOP_OBJ)
$(STREAM_LIB): $(STREAM_OBJ)
$(LAYER_LIBS):
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/daemon/web-assets.c: $(WEB_FILES) scripts/embed.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $@")
	$(Q)scripts/embed.sh $@ $(WEB_FILES)

$(BUILD)/daemon/web-assets.o: $(BUILD)/daemon/web-assets.c daemon/web.h | need-all
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Idaemon $(CFLAGS) -c -o $@ $<

$(BUILD)/wallboardd: $(DAEMON_OBJ) $(LOOP_LIB) $(STREAM_LIB) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(DAEMON_OBJ) $(LOOP_LIB) $(STREAM_LIB) $(LIB) $(CORE_LIBS) \
		$(DAEMON_LIBS) $(NATS_LIBS)

$(BUILD)/wallboardctl: $(BUILD)/tools/wallboardctl.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(BUILD)/tools/wallboardctl.o $(LIB) $(CORE_LIBS) $(ZMQ_LIBS)

$(FEED_OBJ): $(wildcard feed/*.h)

$(BUILD)/wallboard-relay: $(BUILD)/relay/wallboard-relay.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(BUILD)/relay/wallboard-relay.o $(LIB) $(CORE_LIBS) \
		$(ZMQ_LIBS) $(SYSTEMD_LIBS)

$(BUILD)/wallboard-feed: $(FEED_OBJ) $(PBX_LIB) $(STREAM_LIB) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(FEED_OBJ) $(PBX_LIB) $(STREAM_LIB) $(LIB) $(CORE_LIBS) \
		$(ZMQ_LIBS) $(NATS_LIBS) -lpthread

$(DISPLAY_OBJ): CFLAGS += $(CURSES_CFLAGS)
$(DISPLAY_OBJ): $(wildcard display/*.h)

$(BUILD)/wallboard: $(DISPLAY_OBJ) $(DRAW_LIB) $(LOOP_LIB) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(DISPLAY_OBJ) $(DRAW_LIB) $(LOOP_LIB) $(LIB) \
		$(CORE_LIBS) $(DISPLAY_LIBS)

$(FB_OBJ): $(wildcard display/*.h)
$(FB_OBJ): CFLAGS += $(DRM_CFLAGS)

$(BUILD)/wallboard-fb: $(FB_OBJ) $(DRAW_LIB) $(LOOP_LIB) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(FB_OBJ) $(DRAW_LIB) $(LOOP_LIB) $(LIB) \
		$(CORE_LIBS) $(ZMQ_LIBS) $(EVENT_LIBS) $(PANGO_LIBS) $(DRM_LIBS)

# A unit test links core alone, or core and the one layer it tests.
TEST_LIBS = $(LIB)
$(BUILD)/tests/test-bridge-%: TEST_LIBS = $(PBX_LIB) $(LIB)
$(BUILD)/tests/test-layout: TEST_LIBS = $(DRAW_LIB) $(LIB)
$(BUILD)/tests/test-pixel: TEST_LIBS = $(DRAW_LIB) $(LIB) $(PANGO_LIBS)
# The boards' choice between endpoints (display/standby.c) and the loop
# library its connect half stands on.
$(BUILD)/tests/test-standby: TOP_INC += -Idisplay
$(BUILD)/tests/test-standby: TEST_LIBS = $(BUILD)/display/standby.o $(LOOP_LIB) \
	$(LIB) $(ZMQ_LIBS) $(EVENT_LIBS)
$(BUILD)/tests/test-standby: $(BUILD)/display/standby.o $(LOOP_LIB)
# The DRM/KMS back-end (display/fb-drm.c), as far as a machine without a GPU
# allows.
$(BUILD)/tests/test-drm: TOP_INC += -Idisplay
$(BUILD)/tests/test-drm: TEST_LIBS = $(BUILD)/display/fb-drm.o $(LIB) $(DRM_LIBS)
$(BUILD)/tests/test-drm: $(BUILD)/display/fb-drm.o
$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(PBX_LIB) $(DRAW_LIB) $(wildcard tests/unit/*.h) | need-all
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) -o $@ $< $(TEST_LIBS) $(CORE_LIBS) $(CMOCKA_LIBS)

# The JSON parser comparison (docs/json-choice.md) also links jansson and
# json-c, which nothing else uses; built by `make bench` only, like the rest.
# Their headers clash, so the json-c part of the file is compiled on its own.
$(BUILD)/bench/bench-json: bench/bench-json.c | need-bench
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags json-c) \
		-DBENCH_JSON_C -c -o $@-json-c.o $<
	$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags jansson) \
		-o $@ $< $@-json-c.o $(LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs jansson libcjson json-c)

# The live daemon measured from outside over ZeroMQ: links libzmq; runs
# $(BUILD)/wallboardd, which `make bench` builds first.
$(BUILD)/bench/bench-daemon: bench/bench-daemon.c bench/gen.c bench/gen.h bench/util.c bench/util.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) -o $@ $< bench/gen.c bench/util.c $(LIB) $(CORE_LIBS) $(ZMQ_LIBS) -lpthread

# The terminal board's costs: links the curses back-end and ncursesw.
$(BUILD)/bench/bench-board: bench/bench-board.c bench/util.c bench/util.h $(BUILD)/display/render-curses.o $(DRAW_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOP_INC) -Idisplay $(CFLAGS) $(CURSES_CFLAGS) -o $@ $< bench/util.c \
		$(BUILD)/display/render-curses.o $(DRAW_LIB) $(LIB) $(CORE_LIBS) $(CURSES_LIBS) \
		-lpthread -lutil

# The framebuffer board's drawing links Cairo and Pango.
$(BUILD)/bench/bench-fb: BENCH_LIBS = $(PANGO_LIBS)

# Event -> pixels: the real daemon and both real boards, the terminal board
# read through libvterm; links libzmq, libvterm and forkpty's libutil.
$(BUILD)/bench/bench-pixels: bench/bench-pixels.c $(LIB) | need-bench
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags vterm) \
		-o $@ $< $(LIB) $(CORE_LIBS) $(ZMQ_LIBS) \
		$(shell $(PKG_CONFIG) --libs vterm) -lpthread -lutil

$(BUILD)/bench/%: bench/%.c bench/gen.c bench/gen.h bench/util.c bench/util.h $(LIB) $(DRAW_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) -o $@ $< bench/gen.c bench/util.c $(DRAW_LIB) $(LIB) $(CORE_LIBS) \
		$(BENCH_LIBS)

# Fuzzing (STYLE.md item 8). Each fuzz/fuzz-NAME.c is a libFuzzer harness;
# `make fuzz` builds them with clang, libFuzzer, ASan and UBSan in
# build-fuzz/ (the library too) and runs each, niced, for FUZZ_SECONDS over
# its seed corpus fuzz/corpus/NAME/; new inputs go to build-fuzz/corpus/NAME/,
# crashes to build-fuzz/artifacts/. FUZZ=NAME... picks harnesses; FUZZ_FLAGS
# adds libFuzzer options. The same harnesses linked with fuzz/driver.c, with
# this build's compiler and flags, replay the seed corpora in `make test`
# (tests/fuzz/t-fuzz-corpus.sh).
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
FUZZ_NAMES := $(FUZZ_SRC:fuzz/%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ ?= $(FUZZ_NAMES)
FUZZ_FLAGS ?=
FUZZ_COMMON := fuzz/common.c fuzz/fuzz.h

.PHONY: fuzz fuzz-run
all: $(FUZZ_REPLAY)

$(BUILD)/fuzz/%: fuzz/%.c fuzz/driver.c $(FUZZ_COMMON) $(LIB) $(PBX_LIB) $(DRAW_LIB) | need-all
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) -o $@ $< fuzz/driver.c fuzz/common.c \
		$(PBX_LIB) $(DRAW_LIB) $(LIB) $(CORE_LIBS)

# fuzz-control drives the control socket's requests (daemon/control.c and
# notes.c, without the socket): it links those two objects, and the loop
# library and libzmq that control.c's socket half needs.
FUZZ_CONTROL_OBJ := $(BUILD)/daemon/control.o $(BUILD)/daemon/notes.o
FUZZ_CONTROL_LIBS = $(FUZZ_CONTROL_OBJ) $(LOOP_LIB) $(LIB) $(CORE_LIBS) \
	$(ZMQ_LIBS) $(EVENT_LIBS) -lpthread

$(BUILD)/fuzz/fuzz-control: fuzz/fuzz-control.c fuzz/driver.c $(FUZZ_COMMON) \
	$(FUZZ_CONTROL_OBJ) $(LOOP_LIB) $(LIB) $(wildcard daemon/*.h) | need-all
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(CPPFLAGS) $(TOP_INC) -Idaemon $(CFLAGS) -o $@ $< fuzz/driver.c \
		fuzz/common.c $(FUZZ_CONTROL_LIBS)

# clang's -Wformat=2 also warns of core/log.c's vsnprintf (no format
# attribute on log_vmsg), which gcc does not.
fuzz: | $(DEPS_FIRST)
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		WARN="$(WARN) -Wno-format-nonliteral" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		fuzz-run

$(BUILD)/fuzzer/%: fuzz/%.c $(FUZZ_COMMON) $(LIB) $(PBX_LIB) $(DRAW_LIB) | need-fuzz
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZER  $@")
	$(Q)$(CC) $(CPPFLAGS) $(TOP_INC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< fuzz/common.c \
		$(PBX_LIB) $(DRAW_LIB) $(LIB) $(CORE_LIBS)

$(BUILD)/fuzzer/fuzz-control: fuzz/fuzz-control.c $(FUZZ_COMMON) $(FUZZ_CONTROL_OBJ) \
	$(LOOP_LIB) $(LIB) $(wildcard daemon/*.h) | need-fuzz
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZER  $@")
	$(Q)$(CC) $(CPPFLAGS) $(TOP_INC) -Idaemon $(CFLAGS) -fsanitize=fuzzer -o $@ $< \
		fuzz/common.c $(FUZZ_CONTROL_LIBS)

# A harness that fails does not stop the others; make fails at the end.
fuzz-run: $(FUZZ:%=$(BUILD)/fuzzer/%)
	@mkdir -p $(BUILD)/artifacts
	@failed=; for f in $(FUZZ); do \
		mkdir -p $(BUILD)/corpus/$$f; \
		dict=; [ -f fuzz/$$f.dict ] && dict=-dict=fuzz/$$f.dict; \
		echo "  RUN     $$f for $(FUZZ_SECONDS)s"; \
		UBSAN_OPTIONS=print_stacktrace=1 nice $(BUILD)/fuzzer/$$f \
			-max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-print_final_stats=1 $$dict \
			-artifact_prefix=$(BUILD)/artifacts/$$f- $(FUZZ_FLAGS) \
			$(BUILD)/corpus/$$f fuzz/corpus/$$f || failed="$$failed $$f"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: failed:$$failed (inputs in $(BUILD)/artifacts/)"; \
		exit 1; \
	fi

# The packages the other goals need (`make deps test`), or, alone, what
# the README's targets need.
deps:
	scripts/install-deps.sh $(filter-out deps,$(MAKECMDGOALS))

demo: all | need-demo
	BUILD=$(BUILD) scripts/demo.sh

test: all | need-test
	BUILD=$(BUILD) tests/run.sh

unit: $(UNIT_BIN) | need-test
	BUILD=$(BUILD) tests/run.sh unit

asan: | $(DEPS_FIRST)
	WB_TEST_QUICK=1 $(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

# The daemon has threads of its own (the loop, ingest.c, and replay-ahead.c
# while the journal is replayed): the live tests against ThreadSanitizer
# builds, failing on any race report (tests/tsan.sh says what it judges,
# tests/tsan.supp what it suppresses).
tsan: | $(DEPS_FIRST) need-test
	$(MAKE) BUILD=build-tsan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=thread" all
	tests/tsan.sh

bench: $(PROGRAMS) $(BENCH_BIN) | need-bench
	BUILD=$(BUILD) bench/run.sh

# The config is never overwritten: an existing one stays and the shipped
# one lands beside it as wallboard.yaml.new. The units' paths follow BINDIR,
# SYSCONFDIR and DOCDIR (their Documentation= lines point at the docs
# installed here). Installing to / (no DESTDIR) also creates the wallboard
# user and group and tells a running systemd about the units.
UNITS := wallboardd.service wallboard-feed@.service wallboard-fb@.service \
	wallboard-relay@.service
DOCS := README.md $(wildcard docs/*.md docs/*.png)
install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/wallboard \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	@conf=$(DESTDIR)$(SYSCONFDIR)/wallboard/wallboard.yaml; \
	if [ -e "$$conf" ]; then \
		install -m 644 config/wallboard.yaml "$$conf.new"; \
		echo "  kept $$conf; the shipped one is $$conf.new"; \
	else \
		install -m 644 config/wallboard.yaml "$$conf"; \
	fi
	for unit in $(UNITS); do \
		sed -e 's|/usr/local/bin/|$(BINDIR)/|g' \
		    -e 's|/etc/wallboard/|$(SYSCONFDIR)/wallboard/|g' \
		    -e 's|/usr/local/share/doc/wallboard/|$(DOCDIR)/|g' \
		    systemd/$$unit >$(DESTDIR)$(SYSTEMDUNITDIR)/$$unit && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$unit || exit 1; \
	done
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 644 systemd/wallboard.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/wallboard.conf
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
		echo "systemd-sysusers $(SYSUSERSDIR)/wallboard.conf"; \
		systemd-sysusers $(SYSUSERSDIR)/wallboard.conf; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; \
	fi

clean:
	rm -rf build build-asan build-tsan build-fuzz
