# Makefile — the reproducible report on SGD noise and escape from minima.
#
#   make report            build report/report.pdf (PROFILE=paper by default)
#   make fig-N             build figures/fig-N.pdf and the data behind it
#   make check             derive every claim's verdict from its checks, print the table;
#                          fail on a failing exact/control check or an unexpected verdict
#   make test              unit tests and program tests
#   make test-sanitize     the unit tests under AddressSanitizer and UBSan
#   make bench             speed measurements into data/bench.tsv
#   make list-figures      one line per figure: fig-N, programs, gnuplot script, report section, claims
#   make test-cluster      sharded runs through a real single-node Slurm, same bytes
#   SHARDS=n RUN='srun -n1 -c2'   split shardable programs into n jobs + a merge
#
# Each result is one program src/progs/NAME.c with a fragment
# src/progs/NAME.mk that names its figures (see README.md, "Adding a result").
# Data go to data/$(PROFILE)/, so the two profiles never overwrite each other.

SHELL := /bin/bash
# Every file is made under a per-process temporary name and renamed into
# place, so two makes in one tree (or -j with overlapping targets) never
# see or delete each other's half-written files, and relinking a program
# that is running never fails with "Text file busy".
TMP = $@.tmp$$$$
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
# DATA: root of the data directories (the cluster test runs into a scratch one)
DATA ?= data
D := $(DATA)/$(PROFILE)
# SHARDS=n splits every shardable program (SHARDABLE in its fragment) into n
# partial runs and a merge; RUN prefixes every program run with a launcher
# (RUN='srun -n1 -c2' on a Slurm cluster).  The data are the same bytes for
# any SHARDS.
SHARDS ?= 1
RUN ?=
ifeq ($(shell [ "$(SHARDS)" -ge 1 ] 2>/dev/null && [ "$(SHARDS)" -le 4096 ] 2>/dev/null && echo ok),)
$(error SHARDS must be an integer in [1, 4096], not '$(SHARDS)')
endif
LIB := $(B)/libsgdn.a
LIB_OBJS := $(patsubst src/%.c,$(B)/obj/%.o,$(wildcard src/*.c))
PROGS := $(notdir $(basename $(wildcard src/progs/*.c)))
TOOLS := $(notdir $(basename $(wildcard src/tools/*.c)))
BENCHES := $(notdir $(basename $(wildcard src/bench/*.c)))
UNIT_TESTS := $(notdir $(basename $(wildcard tests/test_*.c)))

export SGDN_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Figures are registered by the fragments, the one source of a figure's
# number: FIGS += N, FIGDATA_N (programs whose data it plots), FIGCLAIMS_N,
# FIGTITLE_N, FIGSECTION_N (the report file with its \reportfigure{N}).
# check-figures fails when figures/fig-N.gp, the report or the catalogue's
# figs column disagree with them.
FIGS :=
SHARDABLE :=
include $(sort $(wildcard src/progs/*.mk))
FIGS := $(shell printf '%s\n' $(FIGS) | sort -n)
FIG_PDFS := $(patsubst %,figures/fig-%.pdf,$(FIGS))
ALL_CLAIMS := $(patsubst %,$(D)/%.claims.tsv,$(PROGS))
# make check CLAIMS="data/ci/a.claims.tsv ..." checks a subset: the verdicts
# of claims with no rows in it are then not compared with the catalogue
CLAIMS := $(ALL_CLAIMS)
GATE_PARTIAL := $(if $(filter-out $(CLAIMS),$(ALL_CLAIMS)),--partial)

.PHONY: all report check check-figures test test-unit test-progs test-sanitize test-bad test-cluster fuzz \
        bench list-figures $(patsubst %,run-%,$(PROGS)) clean distclean deps deps-report $(patsubst %,fig-%,$(FIGS)) \
        $(patsubst %,figdata-%,$(FIGS))
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
	$(CC) $(CFLAGS) -MF $(@:.o=.d) -MT $@ -c $< -o $(TMP) && mv $(TMP) $@
$(LIB): $(LIB_OBJS)
	ar rcs $(TMP) $^ && mv $(TMP) $@
$(BIN)/%: $(B)/obj/progs/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $(TMP) && mv $(TMP) $@
$(BIN)/%: $(B)/obj/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $(TMP) && mv $(TMP) $@
$(BIN)/%: $(B)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $(TMP) && mv $(TMP) $@
.SECONDARY: $(LIB_OBJS) $(patsubst %,$(B)/obj/progs/%.o,$(PROGS)) \
            $(patsubst %,$(B)/obj/tools/%.o,$(TOOLS)) $(patsubst %,$(B)/obj/bench/%.o,$(BENCHES))

# --- data: one run of a program writes all its files; its claims file is
# written last, so it stands for the whole run ------------------------------
$(D):
	@mkdir -p $@
$(D)/%.claims.tsv: $(BIN)/% | $(D)
	$(RUN) $(BIN)/$* --profile $(PROFILE) $(ARGS_$*) --outdir $(D)
# NEEDS_NAME: programs whose data NAME reads (e.g. zhu_fm_gd's theta*_GD);
# they run first, also before NAME's shards and in the program tests.
NEEDED = $(NEEDS_$(1):%=$(D)/%.claims.tsv)
$(foreach p,$(PROGS),$(if $(NEEDS_$(p)),$(eval $(D)/$(p).claims.tsv: $(call NEEDED,$(p)))))

# Sharded: shard i of n writes $(D)/shards/NAME.shard-i-of-n (a partial
# result), and the merge (the program itself, --merge-shards n) reads them
# all and writes the data, byte-identical to an unsharded run.
ifneq ($(SHARDS),1)
SHARD_IDS := $(shell seq 1 $(SHARDS))
define shard_rules
$(D)/shards/$(1).shard-%-of-$(SHARDS): $(BIN)/$(1) $(call NEEDED,$(1)) | $(D)/shards
	$$(RUN) $(BIN)/$(1) --profile $(PROFILE) $$(ARGS_$(1)) --outdir $(D) --shard-dir $(D)/shards --shard $$*/$(SHARDS)
$(D)/$(1).claims.tsv: $(BIN)/$(1) $(foreach i,$(SHARD_IDS),$(D)/shards/$(1).shard-$(i)-of-$(SHARDS)) | $(D)
	$$(RUN) $(BIN)/$(1) --profile $(PROFILE) $$(ARGS_$(1)) --outdir $(D) --shard-dir $(D)/shards --merge-shards $(SHARDS)
endef
$(D)/shards:
	@mkdir -p $@
$(foreach p,$(SHARDABLE),$(eval $(call shard_rules,$(p))))
endif

# --- figures ----------------------------------------------------------------
# figures/.profile holds the profile of the last figures built: switching
# profile rebuilds them from the other data set.
$(shell mkdir -p figures; [ "$$(cat figures/.profile 2>/dev/null)" = "$(PROFILE)" ] || echo $(PROFILE) > figures/.profile)
figures/fig-%.pdf: figures/fig-%.gp figures/style.gp figures/.profile \
                   $$(addprefix $(D)/,$$(addsuffix .claims.tsv,$$(FIGDATA_$$*))) | $(B)/.deps-report
	gnuplot -e "datadir='$(D)'; outfile='$(TMP)'" $< && mv $(TMP) $@ || { rm -f $(TMP); exit 1; }
$(patsubst %,fig-%,$(FIGS)): fig-%: figures/fig-%.pdf
# one program's run (its data and checks), for results without a figure too:
# make run-zhu_ab PROFILE=ci
$(patsubst %,run-%,$(PROGS)): run-%: $(D)/%.claims.tsv
# the data behind a figure, without drawing it
$(patsubst %,figdata-%,$(FIGS)): figdata-%: $$(addprefix $(D)/,$$(addsuffix .claims.tsv,$$(FIGDATA_$$*)))

# shell-quote a make string
quote = '$(subst ','\'',$(1))'
# one registry per figure: the fragment's FIGS/FIGDATA/FIGCLAIMS/FIGSECTION,
# checked against figures/fig-N.gp, \reportfigure{N} and the catalogue
FIG_REGISTRY = $(foreach n,$(FIGS),$(call quote,$(n)|$(strip $(FIGDATA_$(n)))|$(strip $(FIGCLAIMS_$(n)))|$(strip $(FIGSECTION_$(n)))))
check-figures:
	@src/scripts/check_figures.sh report/catalogue.tsv $(FIG_REGISTRY)
list-figures: check-figures
	@printf 'figure\tprograms\tgnuplot\tsection\tclaims\n'
	@$(foreach n,$(FIGS),printf 'fig-%s\t%s\t%s\t%s\t%s\n' '$(n)' $(call quote,$(strip $(FIGDATA_$(n)))) \
	    'figures/fig-$(n).gp' $(call quote,$(FIGSECTION_$(n))) $(call quote,$(strip $(FIGCLAIMS_$(n))));)

# --- claims -----------------------------------------------------------------
# the gate derives every verdict from the rows and fails on a failing exact
# or control row, or a verdict that differs from the catalogue's expected one
check: check-figures $(BIN)/claims_gate $(CLAIMS)
	$(BIN)/claims_gate --catalogue report/catalogue.tsv --profile $(PROFILE) --out data/claims.tsv \
	    --verdicts $(D)/verdicts.tsv $(GATE_PARTIAL) $(CLAIMS)

# --- report -----------------------------------------------------------------
G := report/gen
$(G)/claims.tex: $(BIN)/claims_gate report/catalogue.tsv $(CLAIMS) figures/.profile
	@mkdir -p $(G)
	$(BIN)/claims_gate --quiet --no-fail --catalogue report/catalogue.tsv --profile $(PROFILE) --tex $@ $(CLAIMS)
$(G)/vals.tex: src/scripts/tsv2tex.sh figures/.profile $(CLAIMS)
	@mkdir -p $(G)
	src/scripts/tsv2tex.sh $(D) $(PROFILE) $(FIGS:%=fig-%) > $(TMP) && mv $(TMP) $@
$(G)/findings.tex: src/scripts/findings2tex.sh report/catalogue.tsv report/findings.tsv
	@mkdir -p $(G)
	src/scripts/findings2tex.sh report/catalogue.tsv report/findings.tsv > $(TMP) && mv $(TMP) $@
# the table of make targets: one row per program, with the claims it checks
# (from its data, when built) and the figures it feeds
$(G)/targets.tex: $(MAKEFILE_LIST) $(wildcard $(D)/*.claims.tsv)
	@mkdir -p $(G)
	@{ printf '\\def\\targetrows{%%\n'; \
	   $(foreach p,$(PROGS),printf '\\targetrow{%s}{%s}{%s}\n' '$(p)' \
	     "$$(tail -n +2 $(D)/$(p).claims.tsv 2>/dev/null | cut -f1 | uniq | paste -sd, | sed 's/,/, /g')" \
	     '$(subst $(space),$(comma) ,$(strip $(foreach n,$(FIGS),$(if $(filter $(p),$(FIGDATA_$(n))),$(n)))))';) \
	   printf '}\n'; } > $(TMP) && mv $(TMP) $@
comma := ,
space := $(subst ,, )
$(G)/figs.tex: $(MAKEFILE_LIST) figures/.profile report/catalogue.tsv $(wildcard report/*.tex figures/fig-*.gp)
	@mkdir -p $(G)
	@src/scripts/check_figures.sh report/catalogue.tsv $(FIG_REGISTRY)
	@{ printf '\\defval{version/commit}{%s}\n' '$(SGDN_COMMIT)'; \
	   $(foreach n,$(FIGS),printf '\\defval{fig/%s/claims}{%s}\n\\defval{fig/%s/progs}{%s}\n' \
	   '$(n)' '$(FIGCLAIMS_$(n))' '$(n)' '$(subst $(space),$(comma),$(strip $(FIGDATA_$(n))))';) } > $(TMP) && mv $(TMP) $@
# each paper's section inputs its result files report/PAPER-*.tex in name order
PAPERS := zhu meng wei mori engine cross
# (always recomputed, replaced only when it changes: a deleted file must drop out)
$(G)/sec-%.tex: FORCE
	@mkdir -p $(G)
	@{ echo '% generated: the result files of this section'; \
	   for f in $(sort $(wildcard report/$*-*.tex)); do b=$${f#report/}; echo "\\input{$${b%.tex}}"; done; } > $(TMP); \
	 cmp -s $(TMP) $@ && rm -f $(TMP) || mv $(TMP) $@
FORCE:
.PHONY: FORCE
$(G)/versions.tex: $(BIN)/sysinfo | $(B)/.deps-report
	@mkdir -p $(G)
	$(BIN)/sysinfo > $(TMP) && mv $(TMP) $@
$(G)/snippets.stamp: src/scripts/snippets.sh $(wildcard src/*.c src/progs/*.c)
	@mkdir -p $(G)/snip
	src/scripts/snippets.sh $(G)/snip src/*.c src/progs/*.c && touch $@

REPORT_DEPS := $(wildcard report/*.tex) report/refs.bib $(FIG_PDFS) $(G)/claims.tex $(G)/vals.tex \
               $(G)/findings.tex $(G)/targets.tex \
               $(G)/figs.tex $(G)/versions.tex $(G)/snippets.stamp $(PAPERS:%=$(G)/sec-%.tex)
report: report/report.pdf
report/report.pdf: $(REPORT_DEPS) | $(B)/.deps-report
	@mkdir -p report/build
	@# one LaTeX run at a time in report/build: a second make waits for the lock
	cd report && flock build/.lock latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=build \
	    report.tex > build/latexmk.log.$$$$ 2>&1 || { tail -n 40 build/latexmk.log.$$$$; \
	    grep -A5 '^!' build/report.log | head -n 30; rm -f build/latexmk.log.$$$$; exit 1; }; \
	    mv build/latexmk.log.$$$$ build/latexmk.log
	cp report/build/report.pdf $(TMP) && mv $(TMP) $@
	@echo "report/report.pdf ($(PROFILE) profile)"

# --- tests ------------------------------------------------------------------
TB := $(B)/tests
$(TB)/%: tests/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB) $(LDLIBS) -lcmocka -o $(TMP) && mv $(TMP) $@
test-unit: $(patsubst %,$(TB)/%,$(UNIT_TESTS))
	@tests/run_unit.sh $^
# make test-progs ONLY="a b" tests programs a and b (and what they need)
ONLY ?= $(PROGS)
test-progs: $(patsubst %,$(BIN)/%,$(PROGS) $(TOOLS))
	@SHARDABLE='$(SHARDABLE)' tests/test_programs.sh $(BIN) "$(ONLY)" $(foreach p,$(PROGS),'$(p)=$(TESTARGS_$(p))' '$(p)^=$(NEEDS_$(p))')
# the bad-input table (tests/bad_inputs.tsv): exit code, one error line, no file left
test-bad: $(patsubst %,$(BIN)/%,$(PROGS) $(TOOLS) $(BENCHES))
	@tests/test_bad_inputs.sh $(BIN)
test: test-unit test-progs test-bad
	@echo "all tests passed"

# A single-node Slurm (slurm-wlm, munge) started in a scratch directory: a few
# figures' data through srun with SHARDS=4, compared byte for byte with a
# local unsharded run.
test-cluster: $(patsubst %,$(BIN)/%,$(PROGS))
	@tests/test_cluster.sh

# --- fuzzing: AFL++ harnesses (fuzz/fuzz_*.c) built with afl-clang-fast and
# the sanitizers, each with the library sources it exercises ---------------
FB := $(B)/fuzz
FUZZ_TIME ?= 30
FUZZ_HARNESSES := $(notdir $(basename $(wildcard fuzz/fuzz_*.c)))
FUZZSRC_fuzz_idx := src/fmnist.c src/rng.c src/err.c
FUZZSRC_fuzz_claims := src/claims.c src/run.c src/opts.c src/err.c
$(FB)/%: fuzz/%.c $$(FUZZSRC_$$*) | $(B)/.deps-fuzz
	@mkdir -p $(@D)
	AFL_QUIET=1 afl-clang-fast -O1 -g -fsanitize=address,undefined -Iinclude $(BLAS_CFLAGS) $^ $(LDLIBS) -o $(TMP) && mv $(TMP) $@
$(B)/.deps-fuzz: src/scripts/deps.sh
	@mkdir -p $(@D)
	@src/scripts/deps.sh fuzz
	@touch $@
# FUZZ_TIME seconds per harness (30 by default; the record run used more)
fuzz: $(patsubst %,$(FB)/%,$(FUZZ_HARNESSES))
	@fuzz/run.sh $(FUZZ_TIME) $^

SB := $(B)/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(SB)/obj/%.o: src/%.c | $(B)/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) -MF $(@:.o=.d) -MT $@ -c $< -o $(TMP) && mv $(TMP) $@
$(SB)/libsgdn.a: $(patsubst src/%.c,$(SB)/obj/%.o,$(wildcard src/*.c))
	ar rcs $(TMP) $^ && mv $(TMP) $@
$(SB)/tests/%: tests/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -lcmocka -o $(TMP) && mv $(TMP) $@
$(SB)/bin/%: src/progs/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -o $(TMP) && mv $(TMP) $@
$(SB)/bin/%: src/tools/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -o $(TMP) && mv $(TMP) $@
$(SB)/bin/%: src/bench/%.c $(SB)/libsgdn.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< $(SB)/libsgdn.a $(LDLIBS) -o $(TMP) && mv $(TMP) $@
# the unit tests, every program once on its test arguments, then the
# bad-input table under the sanitizers
test-sanitize: $(patsubst %,$(SB)/tests/%,$(UNIT_TESTS)) $(patsubst %,$(SB)/bin/%,$(PROGS) $(TOOLS) $(BENCHES))
	@ASAN_OPTIONS=detect_leaks=0 tests/run_unit.sh $(patsubst %,$(SB)/tests/%,$(UNIT_TESTS))
	@d=$$(mktemp -d); fail=0; \
	 $(foreach p,$(PROGS),$(foreach q,$(NEEDS_$(p)) $(p),ASAN_OPTIONS=detect_leaks=0 $(SB)/bin/$(q) --profile ci --outdir $$d $(TESTARGS_$(q)) \
	     2>$$d/err || { fail=1; echo "FAILED under sanitizers: $(q)"; tail -n 20 $$d/err; };)) \
	 rm -rf $$d; [ $$fail = 0 ] && echo "sanitized programs: $(words $(PROGS)) ran clean"
	@ASAN_OPTIONS=detect_leaks=0 tests/test_bad_inputs.sh $(SB)/bin

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
