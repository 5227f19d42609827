# wallboard: real-time wallboards for contact centres.
#
#   make            build everything into $(BUILD) (default build/)
#   make deps       install the Debian packages that are missing
#   make demo       the demo board
#   make test       unit, replay, config and integration tests
#   make asan       the whole suite again under ASan + UBSan (build-asan/)
#   make bench      benchmarks, figures printed
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
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
PKGS := $(CORE_PKGS) libzmq libevent libsystemd

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wno-unused-parameter -Werror
OPT ?= -O2 -g
SAN ?=
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib
CFLAGS += -std=c11 $(OPT) $(WARN) $(SAN) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
LDFLAGS += $(SAN)
CORE_LIBS := $(shell $(PKG_CONFIG) --libs $(CORE_PKGS)) -lm
DAEMON_LIBS := $(shell $(PKG_CONFIG) --libs libzmq libevent libsystemd)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

# The pure core: decoding, config, KPI engine, snapshot encoding. No libevent,
# ZeroMQ, curses or clock reads: unit tests link it alone.
LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libwallboard.a

DAEMON_SRC := $(wildcard daemon/*.c)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BENCH_SRC := $(wildcard bench/bench-*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

PROGRAMS := $(BUILD)/wallboardd $(BUILD)/wallboardctl

.PHONY: all deps demo test unit asan bench install clean
all: $(PROGRAMS) $(UNIT_BIN)

# V=1 shows the whole command lines.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c $(wildcard lib/*.h daemon/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/wallboardd: $(DAEMON_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(DAEMON_OBJ) $(LIB) $(CORE_LIBS) $(DAEMON_LIBS)

$(BUILD)/wallboardctl: $(BUILD)/tools/wallboardctl.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(BUILD)/tools/wallboardctl.o $(LIB) $(CORE_LIBS) \
		$(shell $(PKG_CONFIG) --libs libzmq)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(CORE_LIBS) $(CMOCKA_LIBS)

# The JSON parser comparison (docs/json-choice.md) also links jansson and
# json-c, which nothing else uses; built by `make bench` only, like the rest.
# Their headers clash, so the json-c part of the file is compiled on its own.
$(BUILD)/bench/bench-json: bench/bench-json.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags json-c) \
		-DBENCH_JSON_C -c -o $@-json-c.o $<
	$(CC) $(CPPFLAGS) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags jansson) \
		-o $@ $< $@-json-c.o $(LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs jansson libcjson json-c)

# The live daemon measured from outside over ZeroMQ: links libzmq; runs
# $(BUILD)/wallboardd, which `make bench` builds first.
$(BUILD)/bench/bench-daemon: bench/bench-daemon.c bench/gen.c bench/gen.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< bench/gen.c $(LIB) $(CORE_LIBS) \
		$(shell $(PKG_CONFIG) --libs libzmq)

$(BUILD)/bench/%: bench/%.c bench/gen.c bench/gen.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< bench/gen.c $(LIB) $(CORE_LIBS)

deps:
	scripts/install-deps.sh

demo: all
	BUILD=$(BUILD) scripts/demo.sh

test: all
	BUILD=$(BUILD) tests/run.sh

unit: $(UNIT_BIN)
	BUILD=$(BUILD) tests/run.sh unit

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

bench: $(PROGRAMS) $(BENCH_BIN)
	BUILD=$(BUILD) bench/run.sh

# The config is never overwritten: an existing one stays and the shipped
# one lands beside it as wallboard.yaml.new. The unit's paths follow BINDIR
# and SYSCONFDIR. Installing to / (no DESTDIR) also creates the wallboard
# user and group and tells a running systemd about the unit.
install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/wallboard \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	@conf=$(DESTDIR)$(SYSCONFDIR)/wallboard/wallboard.yaml; \
	if [ -e "$$conf" ]; then \
		install -m 644 config/wallboard.yaml "$$conf.new"; \
		echo "  kept $$conf; the shipped one is $$conf.new"; \
	else \
		install -m 644 config/wallboard.yaml "$$conf"; \
	fi
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/etc/wallboard/|$(SYSCONFDIR)/wallboard/|g' \
		systemd/wallboardd.service >$(DESTDIR)$(SYSTEMDUNITDIR)/wallboardd.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/wallboardd.service
	install -m 644 systemd/wallboard.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/wallboard.conf
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
		echo "systemd-sysusers $(SYSUSERSDIR)/wallboard.conf"; \
		systemd-sysusers $(SYSUSERSDIR)/wallboard.conf; \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; \
	fi

clean:
	rm -rf build build-asan
