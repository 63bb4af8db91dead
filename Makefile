# Makefile — the reproducible report on SGD noise and escape from minima.
#
#   make report            build report/report.pdf (PROFILE=paper by default)
#   make fig-N             build figures/fig-N.pdf and the data behind it
#   make check             run every claim's check, print the table, fail on any failure
#   make test              unit tests and program tests
#   make test-sanitize     the unit tests under AddressSanitizer and UBSan
#   make bench             speed measurements into data/bench.tsv
#   make list-figures      one line per figure: fig-N, claim IDs, title
#
# Each result is one program src/progs/NAME.c with a fragment
# src/progs/NAME.mk that names its figures (see README.md, "Adding a result").
# Data go to data/$(PROFILE)/, so the two profiles never overwrite each other.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
.SECONDEXPANSION:

PROFILE ?= paper
ifeq ($(filter $(PROFILE),paper ci),)
$(error PROFILE must be 'paper' or 'ci', not '$(PROFILE)')
endif

CC := gcc
OPT ?= -O2
BLAS_CFLAGS := -I/usr/include/x86_64-linux-gnu/openblas-pthread
CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra -fopenmp -Iinclude $(BLAS_CFLAGS) -MMD -MP
LDLIBS := -lgsl -llapacke -lopenblas -lz -lm

B := src/build
BIN := $(B)/bin
D := data/$(PROFILE)
LIB := $(B)/libsgdn.a
LIB_OBJS := $(patsubst src/%.c,$(B)/obj/%.o,$(wildcard src/*.c))
PROGS := $(notdir $(basename $(wildcard src/progs/*.c)))
TOOLS := $(notdir $(basename $(wildcard src/tools/*.c)))
BENCHES := $(notdir $(basename $(wildcard src/bench/*.c)))
UNIT_TESTS := $(notdir $(basename $(wildcard tests/test_*.c)))

export SGDN_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Figures are registered by the fragments: FIGS += N, FIGDATA_N (programs
# whose data it plots), FIGCLAIMS_N, FIGTITLE_N.
FIGS :=
include $(sort $(wildcard src/progs/*.mk))
FIGS := $(shell printf '%s\n' $(FIGS) | sort -n)
FIG_PDFS := $(patsubst %,figures/fig-%.pdf,$(FIGS))
CLAIMS := $(patsubst %,$(D)/%.claims.tsv,$(PROGS))

.PHONY: all report check test test-unit test-progs test-sanitize bench list-figures \
        clean distclean deps deps-report $(patsubst %,fig-%,$(FIGS))
.DEFAULT_GOAL := report
all: report

# --- dependencies ---------------------------------------------------------
# Checked once (a stamp); installs with apt-get when run as root, otherwise
# stops with the exact command to run.
$(B)/.deps-build: src/scripts/deps.sh
	@mkdir -p $(@D)
	@src/scripts/deps.sh build
	@touch $@
$(B)/.deps-report: src/scripts/deps.sh
	@mkdir -p $(@D)
	@src/scripts/deps.sh report
	@touch $@
deps: $(B)/.deps-build
deps-report: $(B)/.deps-report

# --- the library, the programs --------------------------------------------
$(B)/obj/%.o: src/%.c | $(B)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(BIN)/%: $(B)/obj/progs/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
$(BIN)/%: $(B)/obj/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
$(BIN)/%: $(B)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
.SECONDARY: $(LIB_OBJS) $(patsubst %,$(B)/obj/progs/%.o,$(PROGS)) \
            $(patsubst %,$(B)/obj/tools/%.o,$(TOOLS)) $(patsubst %,$(B)/obj/bench/%.o,$(BENCHES))

# --- data: one run of a program writes all its files; its claims file is
# written last, so it stands for the whole run ------------------------------
$(D):
	@mkdir -p $@
$(D)/%.claims.tsv: $(BIN)/% | $(D)
	$(BIN)/$* --profile $(PROFILE) $(ARGS_$*) --outdir $(D)

# --- figures ----------------------------------------------------------------
# figures/.profile holds the profile of the last figures built: switching
# profile rebuilds them from the other data set.
$(shell mkdir -p figures; [ "$$(cat figures/.profile 2>/dev/null)" = "$(PROFILE)" ] || echo $(PROFILE) > figures/.profile)
figures/fig-%.pdf: figures/fig-%.gp figures/style.gp figures/.profile \
                   $$(addprefix $(D)/,$$(addsuffix .claims.tsv,$$(FIGDATA_$$*))) | $(B)/.deps-report
	gnuplot -e "datadir='$(D)'; outfile='$@.tmp'" $< && mv $@.tmp $@
$(patsubst %,fig-%,$(FIGS)): fig-%: figures/fig-%.pdf

# shell-quote a make string
quote = '$(subst ','\'',$(1))'
list-figures:
	@$(foreach n,$(FIGS),printf 'fig-%s\t%s\t%s\n' '$(n)' $(call quote,$(FIGCLAIMS_$(n))) $(call quote,$(FIGTITLE_$(n)));)

# --- claims -----------------------------------------------------------------
check: $(BIN)/claims_gate $(CLAIMS)
	$(BIN)/claims_gate --catalogue report/catalogue.tsv --out data/claims.tsv $(CLAIMS)

# --- report -----------------------------------------------------------------
G := report/gen
$(G)/claims.tex: $(BIN)/claims_gate report/catalogue.tsv $(CLAIMS) figures/.profile
	@mkdir -p $(G)
	$(BIN)/claims_gate --quiet --no-fail --catalogue report/catalogue.tsv --tex $@ $(CLAIMS)
$(G)/vals.tex: src/scripts/tsv2tex.sh figures/.profile $(CLAIMS)
	@mkdir -p $(G)
	src/scripts/tsv2tex.sh $(D) $(PROFILE) $(FIGS:%=fig-%) > $@.tmp && mv $@.tmp $@
comma := ,
space := $(subst ,, )
$(G)/figs.tex: $(MAKEFILE_LIST) figures/.profile
	@mkdir -p $(G)
	@{ printf '\\defval{version/commit}{%s}\n' '$(SGDN_COMMIT)'; \
	   $(foreach n,$(FIGS),printf '\\defval{fig/%s/claims}{%s}\n\\defval{fig/%s/progs}{%s}\n' \
	   '$(n)' '$(FIGCLAIMS_$(n))' '$(n)' '$(subst $(space),$(comma),$(strip $(FIGDATA_$(n))))';) } > $@.tmp && mv $@.tmp $@
# each paper's section inputs its result files report/PAPER-*.tex in name order
PAPERS := zhu meng wei mori engine cross
# (always recomputed, replaced only when it changes: a deleted file must drop out)
$(G)/sec-%.tex: FORCE
	@mkdir -p $(G)
	@{ echo '% generated: the result files of this section'; \
	   for f in $(sort $(wildcard report/$*-*.tex)); do b=$${f#report/}; echo "\\input{$${b%.tex}}"; done; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:
.PHONY: FORCE
$(G)/versions.tex: $(BIN)/sysinfo | $(B)/.deps-report
	@mkdir -p $(G)
	$(BIN)/sysinfo > $@.tmp && mv $@.tmp $@
$(G)/snippets.stamp: src/scripts/snippets.sh $(wildcard src/*.c src/progs/*.c)
	@mkdir -p $(G)/snip
	src/scripts/snippets.sh $(G)/snip src/*.c src/progs/*.c && touch $@

REPORT_DEPS := $(wildcard report/*.tex) $(FIG_PDFS) $(G)/claims.tex $(G)/vals.tex \
               $(G)/figs.tex $(G)/versions.tex $(G)/snippets.stamp $(PAPERS:%=$(G)/sec-%.tex)
report: report/report.pdf
report/report.pdf: $(REPORT_DEPS) | $(B)/.deps-report
	@mkdir -p report/build
	cd report && latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=build \
	    report.tex > build/latexmk.log 2>&1 || { tail -n 40 build/latexmk.log; \
	    grep -A5 '^!' build/report.log | head -n 30; exit 1; }
	cp report/build/report.pdf $@.tmp && mv $@.tmp $@
	@echo "report/report.pdf ($(PROFILE) profile)"

# --- tests ------------------------------------------------------------------
TB := $(B)/tests
$(TB)/%: tests/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -lcmocka -o $@
test-unit: $(patsubst %,$(TB)/%,$(UNIT_TESTS))
	@tests/run_unit.sh $^
test-progs: $(patsubst %,$(BIN)/%,$(PROGS) $(TOOLS))
	@tests/test_programs.sh $(BIN) "$(PROGS)" $(foreach p,$(PROGS),'$(p)=$(TESTARGS_$(p))' '$(p)^=$(TESTDEPS_$(p))')
test: test-unit test-progs
	@echo "all tests passed"

SB := $(B)/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(SB)/obj/%.o: src/%.c | $(B)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) -c $< -o $@
$(SB)/libsgdn.a: $(patsubst src/%.c,$(SB)/obj/%.o,$(wildcard src/*.c))
	@rm -f $@
	ar rcs $@ $^
$(SB)/tests/%: tests/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -lcmocka -o $@
$(SB)/bin/%: src/progs/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -o $@
# the unit tests, then every program once on its test arguments
test-sanitize: $(patsubst %,$(SB)/tests/%,$(UNIT_TESTS)) $(patsubst %,$(SB)/bin/%,$(PROGS))
	@ASAN_OPTIONS=detect_leaks=0 tests/run_unit.sh $(patsubst %,$(SB)/tests/%,$(UNIT_TESTS))
	@d=$$(mktemp -d); fail=0; \
	 $(foreach p,$(PROGS),$(foreach q,$(TESTDEPS_$(p)) $(p),ASAN_OPTIONS=detect_leaks=0 $(SB)/bin/$(q) --profile ci --outdir $$d $(TESTARGS_$(q)) \
	     2>$$d/err || { fail=1; echo "FAILED under sanitizers: $(q)"; tail -n 20 $$d/err; };)) \
	 rm -rf $$d; [ $$fail = 0 ] && echo "sanitized programs: $(words $(PROGS)) ran clean"

# --- benchmarks -------------------------------------------------------------
# bench_nn also hands its net, data, theta and results to the PyTorch side
# (src/bench/torch_nn.py) when Debian's python3-torch and python3-scipy are
# installed; they are never required.
# When the environment pins OpenBLAS's kernels (OPENBLAS_CORETYPE), the
# engine is also timed under the library's own choice for this CPU (rows
# blas_auto_*).
TORCH_PY := /usr/bin/python3
bench: $(patsubst %,$(BIN)/%,$(BENCHES)) src/bench/torch_nn.py src/bench/bench2tex.sh
	@mkdir -p data
	@x=$$(mktemp -d); trap 'rm -rf "$$x"' EXIT; \
	 { printf 'name\tvalue\tunit\treference\tratio\n'; \
	   for b in $(patsubst %,$(BIN)/%,$(BENCHES)); do \
	     if [ $${b##*/} = bench_nn ]; then $$b $$x || exit 1; else $$b || exit 1; fi; done; \
	   if [ -n "$${OPENBLAS_CORETYPE-}" ]; then \
	     env -u OPENBLAS_CORETYPE $(BIN)/bench_nn --core-rows blas_auto $$x || exit 1; fi; \
	   if $(TORCH_PY) -c 'import torch, scipy, functorch' 2>/dev/null; then \
	     $(TORCH_PY) src/bench/torch_nn.py $$x || exit 1; \
	   else echo 'bench: python3-torch or python3-scipy not installed: no PyTorch comparison' >&2; fi; \
	 } > data/bench.tsv.tmp && mv data/bench.tsv.tmp data/bench.tsv
	src/bench/bench2tex.sh data/bench.tsv > data/bench.tex.tmp && mv data/bench.tex.tmp data/bench.tex
	@column -t -s $$'\t' data/bench.tsv

clean:
	rm -rf $(B) report/build report/gen figures/*.pdf figures/.profile
distclean: clean
	rm -rf data/paper data/ci data/claims.tsv data/bench.tsv data/bench.tex report/report.pdf

-include $(shell find $(B) -name '*.d' 2>/dev/null)
