# Thin wrapper over Meson/Ninja. `make demo` and `make check` work on a
# fresh Debian 12 machine: both install what is missing first.
BUILD      ?= build
SANBUILD   ?= build-san
FUZZBUILD  ?= build-fuzz
MESON_OPTS ?=

.PHONY: all deps build san fuzz demo check unit e2e kernel conformance bench clean links install
PREFIX     ?= /usr/local
DESTDIR    ?=

all: build

deps:
	@scripts/deps.sh

# Re-run meson when the set of source files changes (sources are listed by
# scripts/srcs.sh, not by hand).
$(BUILD)/.srcs-stamp $(SANBUILD)/.srcs-stamp $(FUZZBUILD)/.srcs-stamp: FORCE
	@mkdir -p $(@D)
	@{ scripts/srcs.sh src; scripts/srcs.sh tools; scripts/srcs.sh tests/unit 2>/dev/null; } \
	  > $@.new; cmp -s $@.new $@ || { mv $@.new $@; rm -f $(@D)/.configured; }; rm -f $@.new
FORCE:

$(BUILD)/.configured: $(BUILD)/.srcs-stamp
	@if [ -f $(BUILD)/build.ninja ]; then meson setup --reconfigure $(BUILD) $(MESON_OPTS) >/dev/null; \
	 else meson setup $(BUILD) $(MESON_OPTS) >/dev/null; fi
	@touch $@

build: deps $(BUILD)/.configured
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)
	@mkdir -p $(BUILD)/bin
	@for l in iptables iptables-save iptables-restore ip sysctl conntrack; do ln -sf ../netsieve $(BUILD)/bin/$$l; done

$(SANBUILD)/.configured: $(SANBUILD)/.srcs-stamp
	@if [ -f $(SANBUILD)/build.ninja ]; then meson setup --reconfigure $(SANBUILD) >/dev/null; \
	 else CC=clang meson setup $(SANBUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null; fi
	@touch $@

san: deps $(SANBUILD)/.configured
	@ninja -C $(SANBUILD) >/dev/null || ninja -C $(SANBUILD)
	@mkdir -p $(SANBUILD)/bin
	@for l in iptables iptables-save iptables-restore ip sysctl conntrack; do ln -sf ../netsieve $(SANBUILD)/bin/$$l; done

$(FUZZBUILD)/.configured: $(FUZZBUILD)/.srcs-stamp
	@if [ -f $(FUZZBUILD)/build.ninja ]; then meson setup --reconfigure $(FUZZBUILD) >/dev/null; \
	 else CC=clang meson setup $(FUZZBUILD) -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null; fi
	@touch $@

fuzz: deps $(FUZZBUILD)/.configured
	@ninja -C $(FUZZBUILD) >/dev/null || ninja -C $(FUZZBUILD)

demo: build
	@scripts/demo.sh $(BUILD)

# Every suite; the sanitizer build runs the unit, vector and conformance
# suites again. Fuzzers run a few seconds each.
check: build san fuzz
	@tests/run-all.sh $(BUILD) $(SANBUILD) $(FUZZBUILD)

# Install under PREFIX (default /usr/local), staged under DESTDIR when set:
# the binary, netsieve(8), the links folder PREFIX/lib/netsieve/bin, the
# systemd unit and the sample start-up file (dist/meson.build).
install: deps $(BUILD)/.configured
	@meson configure $(BUILD) -Dprefix=$(PREFIX) >/dev/null
	@DESTDIR="$(DESTDIR)" meson install -C $(BUILD) --quiet

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(SANBUILD) $(FUZZBUILD)
