# oneclick-study: the build and the study DAG.
# `make report` runs the study; `make test` runs the suite; `make help` lists the rest.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# ---------------------------------------------------------------- build ----
CC      ?= cc
SAN     ?= 0
DEPS_PKGS := build-essential pkg-config libgsl-dev liblinear-dev libsvm-dev libyaml-dev \
             libcsv-dev libxlsxwriter-dev libcmark-dev libcmocka-dev gnuplot-nox fonts-dejavu-core valgrind

ifeq ($(SAN),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
OPT     := -O1 -g -fno-omit-frame-pointer $(SANFLAGS)
else
BUILD   := build/release
OPT     := -O2 -g
endif

PKG_CONFIG ?= pkg-config
PKG_MODS := gsl yaml-0.1 libcmark xlsxwriter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Ilib
# -ffp-contract=off: phik's bin edges and other reference numbers must match to the bit.
CFLAGS  += -std=c11 -Wall -Wextra -Werror $(OPT) -ffp-contract=off -MMD -MP
LDFLAGS += $(SANFLAGS)
# Recursive (=): pkg-config must run after `make deps` has installed the packages.
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKG_MODS) 2>/dev/null)
LDLIBS  = $(PKG_LIBS) -llinear -lsvm -lcsv -lpthread -lm

LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA      := $(BUILD)/libstudy.a
STAGE_SRC := $(sort $(wildcard stages/*.c))
STAGES    := $(STAGE_SRC:stages/%.c=%)
STAGE_BIN := $(STAGES:%=$(BUILD)/bin/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_FIX  := $(BUILD)/tests/unit/fixture.o
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := build/.deps-ok

.PHONY: all deps test unit e2e clean help report bench fuzz memcheck
all: $(LIBA) $(STAGE_BIN)

# ----------------------------------------------------------------- study ----
# Every result is a file target; a stage depends on its inputs, its program and
# the params sections it reads (data/interim/params/<section>.yaml, rewritten
# only when that section changes). Paths can be moved for tests and benchmarks.
DATA     ?= data/raw
INTERIM  ?= data/interim
SYNTH_DIR ?= data/synthetic
OUT      ?= report/out
PARAMS   ?= params.yaml
BIN      := $(BUILD)/bin
I        := $(INTERIM)
P        := $(I)/params
sec       = $(patsubst %,$(P)/%.yaml,$(1))

ifeq ($(wildcard $(DATA)/*.csv),)
DATA_DIR  := $(SYNTH_DIR)
SYNTHETIC := 1
else
DATA_DIR  := $(DATA)
SYNTHETIC := 0
endif
SYNTH_CSV := $(patsubst %,$(SYNTH_DIR)/%,market_file.csv market_money.csv market_time.csv money.csv)
INPUT_CSV := $(if $(filter 1,$(SYNTHETIC)),$(SYNTH_CSV),$(wildcard $(DATA_DIR)/*.csv))

# Which data the interim files came from: switching DATA reruns everything.
DATA_ID := $(abspath $(DATA_DIR)) synthetic=$(SYNTHETIC)
$(shell mkdir -p $(P) && { echo '$(DATA_ID)' | cmp -s - $(P)/data.txt || echo '$(DATA_ID)' > $(P)/data.txt; })

$(P)/.stamp: $(PARAMS) $(BIN)/params
	$(BIN)/params --params $(PARAMS) --out $(P)
	@touch $@
# The section files change only when their content does; the empty recipe lets
# Make see that and skip the stages that read an unchanged section.
$(P)/%.yaml: $(P)/.stamp ;

$(SYNTH_CSV) &: $(call sec,synth seed) $(BIN)/synth
	@mkdir -p $(SYNTH_DIR)
	@echo "note: no CSVs in $(DATA): generating synthetic data in $(SYNTH_DIR)" >&2
	$(BIN)/synth --params $(PARAMS) --out $(SYNTH_DIR)

LOAD_TSV  := $(patsubst %,$(I)/load/%.tsv,customers revenue minutes profit)
CLEAN_TSV := $(patsubst %,$(I)/clean/%.tsv,customers revenue minutes profit)

$(LOAD_TSV) $(I)/load.kv &: $(INPUT_CSV) $(P)/data.txt $(call sec,schema load) $(BIN)/load
	@mkdir -p $(I)/load
	$(BIN)/load --params $(PARAMS) --in $(DATA_DIR) --out $(I)/load --kv $(I)/load.kv

$(CLEAN_TSV) $(I)/quality.tsv $(I)/clean.kv &: $(LOAD_TSV) $(call sec,schema clean) $(BIN)/clean
	@mkdir -p $(I)/clean
	$(BIN)/clean --params $(PARAMS) --in $(I)/load --out $(I)/clean --quality $(I)/quality.tsv --kv $(I)/clean.kv

$(I)/customers.tsv $(I)/merge.kv &: $(CLEAN_TSV) $(call sec,schema merge) $(BIN)/merge
	$(BIN)/merge --params $(PARAMS) --in $(I)/clean --out $(I)/customers.tsv --kv $(I)/merge.kv

REPORT_DEPS := $(I)/customers.tsv $(I)/quality.tsv $(I)/merge.kv
FIGURES :=

# Each later stage keeps its rules in mk/<stage>.mk and adds its outputs to
# REPORT_DEPS (and its figures to FIGURES).
include $(sort $(wildcard mk/*.mk))

report: $(REPORT_DEPS) $(FIGURES)
	@if [ "$(SYNTHETIC)" = 1 ]; then echo "note: this study ran on SYNTHETIC data from $(SYNTH_DIR) (no CSVs in $(DATA))" >&2; fi

# A stamp, so that `make report` and `make test` install what is missing once.
$(DEPS_STAMP):
	@mkdir -p $(@D)
	@if ! ./tests/check-deps.sh >/dev/null 2>&1; then $(MAKE) --no-print-directory deps; fi
	@./tests/check-deps.sh
	@touch $@

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS_PKGS); \
	else \
	  echo "run as root, or: sudo apt-get install -y $(DEPS_PKGS)"; exit 1; \
	fi

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/stages/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Every unit test links the shared fixture reader (tests/unit/fixture.c), built once.
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_FIX) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@
-include $(UNIT_FIX:.o=.d)

-include $(LIB_OBJ:.o=.d) $(STAGE_SRC:%.c=$(BUILD)/%.d) $(UNIT_SRC:%.c=$(BUILD)/%.d)

# ----------------------------------------------------------------- test ----
test: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory unit e2e

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  $$t || fail=1; \
	done; exit $$fail

e2e: all
	@fail=0; for t in $(sort $(wildcard tests/e2e/test_*.sh)); do \
	  start=$$(date +%s); \
	  BUILD=$(BUILD) SAN=$(SAN) bash $$t || fail=1; \
	  echo "$$t: $$(($$(date +%s) - start)) s"; \
	done; exit $$fail

# The stages on the real data under valgrind (no errors, no leaks).
memcheck: $(DEPS_STAMP)
	@BUILD=build/release bash tests/valgrind.sh

clean:
	rm -rf build $(INTERIM) $(SYNTH_DIR) data/models $(OUT)

help:
	@echo "make report        run the study (DATA=dir for your CSVs; synthetic data when there are none)"
	@echo "make test          build and run the unit and end-to-end tests (SAN=1: ASan+UBSan)"
	@echo "make memcheck      run the stages on the real data under valgrind"
	@echo "make bench         benchmarks (never part of make test)"
	@echo "make fuzz          libFuzzer targets for the readers (FUZZ_SECONDS=60 each)"
	@echo "make deps          install the Debian packages the toolkit needs"
	@echo "make all           build the library and every stage program"
	@echo "make clean         remove builds and every generated file"
	@echo "make FILE          build just FILE and what it needs, e.g. make $(I)/customers.tsv"
	@echo
	@echo "the DAG (each arrow is a file):"
	@echo "  params.yaml -> params -> $(P)/<section>.yaml"
	@echo "  [synth ->] DATA/*.csv -> load -> clean -> merge -> customers.tsv"
	@echo "stages: $(STAGES)"
