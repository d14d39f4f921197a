# oneclick-study: the build and the study DAG.
# `make report` runs the study; `make test` runs the suite; `make help` lists the rest.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# ---------------------------------------------------------------- build ----
CC      ?= cc
SAN     ?= 0
DEPS_PKGS := build-essential pkg-config libgsl-dev liblinear-dev libsvm-dev libyaml-dev \
             libcsv-dev libxlsxwriter-dev libcmark-dev libcmocka-dev libxgboost-dev gnuplot-nox fonts-dejavu-core valgrind \
             python3-openpyxl python3-yaml libreoffice-calc-nogui

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
LDLIBS  = $(PKG_LIBS) -llinear -lsvm -lxgboost -lcsv -lpthread -lm

LIB_SRC   := $(sort $(wildcard lib/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA      := $(BUILD)/libstudy.a
STAGE_SRC := $(sort $(wildcard stages/*.c))
STAGES    := $(STAGE_SRC:stages/%.c=%)
STAGE_BIN := $(STAGES:%=$(BUILD)/bin/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_FIX  := $(BUILD)/tests/unit/fixture.o
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := build/.deps-ok

.PHONY: all deps test unit e2e clean help report demo bench fuzz memcheck
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
TEXT     ?= report/text.ru.yaml
BIN      := $(BUILD)/bin
TEXT_BIN := $(BIN)/text
I        := $(INTERIM)
P        := $(I)/params
TEXT_ID  := $(P)/text.id
sec       = $(patsubst %,$(P)/%.yaml,$(1))

# `make report` (and demo, figures) uses every core unless -j or JOBS= says
# otherwise; make -j1 or JOBS=1 for one at a time. Only the top-level make:
# the ones that tests start keep their own -j.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(MAKELEVEL),0)
ifneq ($(filter report demo figures,$(MAKECMDGOALS)),)
MAKEFLAGS += -j$(JOBS)
endif
endif

# Which data: DATA=synthetic (or `make demo`) asks for the generated demo
# data; any other DATA is a directory with the four CSVs of schema.files.
# Never a silent fallback: a DATA that does not exist stops here, and one that
# lacks a file stops at `load --check` below, before any output is touched.
NO_STUDY_GOALS := clean help deps
ifeq ($(DATA),synthetic)
DATA_DIR  := $(SYNTH_DIR)
SYNTHETIC := 1
$(info note: DATA=synthetic: the study runs on generated demo data ($(SYNTH_DIR)), and every output says so)
else
DATA_DIR  := $(DATA)
SYNTHETIC := 0
ifeq ($(filter-out $(NO_STUDY_GOALS),$(or $(MAKECMDGOALS),all)),)
else ifeq ($(wildcard $(DATA)/.),)
$(error DATA=$(DATA): no such directory (expected the four CSVs of an export, or DATA=synthetic))
endif
endif
ifeq ($(wildcard $(PARAMS)),)
$(error PARAMS=$(PARAMS): no such file)
endif
SYNTH_CSV := $(patsubst %,$(SYNTH_DIR)/%,market_file.csv market_money.csv market_time.csv money.csv)

# Results follow the *content* of their inputs, not the file names or dates:
# switching DATA or PARAMS to another file, even an older one, reruns exactly
# what differs. Each identity is computed here (reading only) and recorded in
# $(P)/*.id by a rule that runs only when the recorded one differs, so an
# unchanged study runs nothing and `make -n` writes nothing.
FORCE:
.PHONY: FORCE
define content_id # name, identity: $(P)/name.id is rewritten when the identity changes
$(1)_ID := $(2)
ifneq ($$($(1)_ID),$$(file <$(P)/$(1).id))
$(P)/$(1).id: FORCE
endif
endef
$(eval $(call content_id,data,$(if $(filter 1,$(SYNTHETIC)),synthetic $(abspath $(SYNTH_DIR)),\
  $(shell cd $(DATA_DIR) 2>/dev/null && sha256sum -- *.csv 2>/dev/null | sha256sum | cut -c1-64))))

# The data's identity is recorded only once `load --check` has found the four
# files and read them: a wrong DATA fails here and changes nothing.
$(P)/data.id: $(call sec,schema) $(if $(filter 1,$(SYNTHETIC)),$(SYNTH_CSV)) | $(BIN)/load
	@mkdir -p $(@D)
	@$(BIN)/load --params $(PARAMS) --in $(DATA_DIR) --check yes
	@printf '%s\n' '$(data_ID)' >$@

# params.yaml, one top-level section at a time: each section's text has an
# identity (name=hash), and only the sections whose identity differs from the
# one recorded at the last split (or whose file is missing) depend on the
# split. The split (stages/params.c) checks params.yaml and rewrites a
# section's file only when its content changed, so a comment edit reruns no
# stage, and a stage reruns only for the sections it reads.
SECTION_IDS := $(shell awk '/^[A-Za-z_][A-Za-z0-9_]*:/ { s = substr($$0, 1, index($$0, ":") - 1) } \
  s != "" { c = "sha256sum | cut -c1-16 | sed s/^/" s "=/"; print | c; cs[c] = 1 } \
  END { for (c in cs) close(c) }' $(PARAMS) | sort)
SECTIONS_DONE := $(file <$(P)/sections.id)
sec_name = $(firstword $(subst =, ,$(1)))
SECTIONS_REDO := $(sort $(foreach x,$(SECTION_IDS),$(if $(and $(filter $(x),$(SECTIONS_DONE)),\
                   $(wildcard $(P)/$(call sec_name,$(x)).yaml)),,$(call sec_name,$(x)))) \
                   $(filter-out $(foreach x,$(SECTION_IDS),$(call sec_name,$(x))),\
                                $(foreach x,$(SECTIONS_DONE),$(call sec_name,$(x)))))
ifneq ($(SECTIONS_REDO),)
$(P)/.split: FORCE
$(SECTIONS_REDO:%=$(P)/%.yaml): $(P)/.split
endif
$(P)/.split: $(BIN)/params
	@mkdir -p $(@D)
	$(BIN)/params --params $(PARAMS) --out $(P)
	@printf '%s\n' '$(SECTION_IDS)' >$(P)/sections.id
	@touch $@
# A section's file is written by the split; the empty recipe lets Make see
# whether it changed, and skip the stages that read an unchanged one.
$(P)/%.yaml: | $(P)/.split ;

$(SYNTH_CSV) &: $(call sec,synth seed) $(BIN)/synth
	@mkdir -p $(SYNTH_DIR)
	@echo "note: generating synthetic demo data in $(SYNTH_DIR)" >&2
	$(BIN)/synth --params $(PARAMS) --out $(SYNTH_DIR)

REPORT_DEPS :=
FIGURES :=

# Each stage keeps its rules in mk/<stage>.mk (data.mk: load, clean, merge)
# and adds its outputs to REPORT_DEPS (and its figures to FIGURES).
include $(sort $(wildcard mk/*.mk))

# A stage's outputs are never deleted by Make, on an error or an interrupt:
# the stage itself puts them in place all together, or leaves the last good
# run's as they were (lib/core/outfile.h: hold, release). Make could only do harm
# here: GNU make 4.3 deletes every target of a grouped rule but the first when
# its recipe fails, changed or not.
.PRECIOUS: $(LOAD_TSV) $(I)/load.kv $(CLEAN_TSV) $(I)/quality.tsv $(I)/clean.kv $(SYNTH_CSV) \
           $(REPORT_DEPS) $(REPORT_OUT)

# No recipe: a second `make report` with nothing to do says so.
report: $(REPORT_DEPS) $(FIGURES)

# The demo: the whole study on synthetic data, in its own folders, so that it
# never replaces the real study's results.
DEMO_DIR ?= data/demo
demo:
	+@$(MAKE) --no-print-directory report DATA=synthetic SYNTH_DIR=$(DEMO_DIR)/csv INTERIM=$(DEMO_DIR)/interim \
	  OUT=report/demo
	@echo "demo: the study on synthetic data is in report/demo/ (study.xlsx, report.html)"

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

# The objects are kept (not deleted as intermediates), so that a second
# `make report` finds every program up to date and relinks nothing.
.SECONDARY: $(STAGE_SRC:%.c=$(BUILD)/%.o) $(UNIT_SRC:%.c=$(BUILD)/%.o) $(UNIT_FIX)

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

# The tests run on the committed params.yaml, not on the user's edits
# (tests/study-params.sh; ONECLICK_PARAMS=FILE for another).
TEST_PARAMS := $(BUILD)/tests/study-params.yaml
$(TEST_PARAMS): FORCE
	@mkdir -p $(@D)
	@bash tests/study-params.sh $@

unit: $(UNIT_BIN) $(TEST_PARAMS)
	@fail=0; for t in $(UNIT_BIN); do \
	  ONECLICK_PARAMS=$(TEST_PARAMS) $$t || fail=1; \
	done; exit $$fail

e2e: all $(TEST_PARAMS)
	@fail=0; for t in $(sort $(wildcard tests/e2e/test_*.sh)); do \
	  start=$$(date +%s); \
	  ONECLICK_PARAMS=$(TEST_PARAMS) BUILD=$(BUILD) SAN=$(SAN) bash $$t || fail=1; \
	  echo "$$t: $$(($$(date +%s) - start)) s"; \
	done; exit $$fail

# The stages on the real data under valgrind (no errors, no leaks).
memcheck: $(DEPS_STAMP)
	@BUILD=build/release bash tests/valgrind.sh

clean:
	rm -rf build $(INTERIM) $(SYNTH_DIR) data/models $(OUT) $(DEMO_DIR) report/demo

help:
	@echo "The study of «В один клик»: which regular customers will buy less, why, and what to offer them."
	@echo
	@echo "  make report           run the whole study on data/raw (the study's own data), on every core"
	@echo "  make report DATA=dir  the same on another export: dir holds the four CSVs of schema.files"
	@echo "  make report PARAMS=f  with another params file (only the stages whose sections differ rerun)"
	@echo "  make demo             the study on synthetic data, in data/demo/ and report/demo/ (or DATA=synthetic)"
	@echo "  make test             build and run the unit and end-to-end tests (SAN=1: under ASan+UBSan)"
	@echo "  make memcheck         the stages on the real data under valgrind"
	@echo "  make bench            benchmarks (never part of make test)"
	@echo "  make fuzz             libFuzzer targets for the readers (FUZZ_SECONDS=60 each)"
	@echo "  make deps             install the Debian packages the toolkit needs"
	@echo "  make all              build the library and every stage program"
	@echo "  make clean            remove builds and every generated file"
	@echo "  make FILE             build just FILE and what it needs, e.g. make $(I)/customers.tsv"
	@echo "  make -n report        show what would run, run nothing;  JOBS=1 (or -j1): one job at a time"
	@echo
	@echo "What management reads:"
	@echo "  $(OUT)/study.xlsx     the workbook (Сводка first)"
	@echo "  $(OUT)/report.html    the literate report, one self-contained file"
	@echo "  $(OUT)/figures/       every figure as PNG"
	@echo
	@echo "The DAG (each arrow is a file; a stage reruns when its inputs, its program or its params sections change):"
	@echo
	@echo "  params.yaml ─ params ─ $(P)/<section>.yaml   (each stage reads its own sections)"
	@echo "  DATA/*.csv ─ load ─ clean ─ merge ─ customers.tsv ─┬─ eda ─────────────────────────┐"
	@echo "  (DATA=synthetic: synth writes the CSVs)            ├─ corr ────────────────────────┤"
	@echo "                                                     └─ train ─┬─ evaluate ──────────┤"
	@echo "                                                               ├─ explain ─┐         │"
	@echo "                                                               └───────────┴ segment ┤  (+ clean/profit.tsv)"
	@echo "                                     figures (gnuplot) ─ report ─ study.xlsx, report.html"
	@echo
	@echo "stages (build/release/bin/NAME --help): $(STAGES)"
