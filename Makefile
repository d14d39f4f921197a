# oneclick-study: the build and the study DAG.
# `make report` runs the study; `make test` runs the suite; `make help` lists the rest.

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

# ---------------------------------------------------------------- build ----
CC      ?= cc
SAN     ?= 0
DEPS_PKGS := build-essential pkg-config libgsl-dev liblinear-dev libsvm-dev libyaml-dev \
             libcsv-dev libxlsxwriter-dev libcmark-dev libcmocka-dev gnuplot-nox fonts-dejavu-core

ifeq ($(SAN),1)
BUILD   := build/san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else
BUILD   := build/release
OPT     := -O2 -g
endif

PKG_CONFIG ?= pkg-config
PKG_MODS := gsl yaml-0.1 libcmark xlsxwriter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Ilib
# -ffp-contract=off: phik's bin edges and other reference numbers must match to the bit.
CFLAGS  += -std=c11 -Wall -Wextra -Werror $(OPT) -ffp-contract=off -MMD -MP
LDFLAGS += $(if $(filter 1,$(SAN)),-fsanitize=address,undefined)
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKG_MODS) 2>/dev/null) -llinear -lsvm -lcsv -lpthread -lm

LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA      := $(BUILD)/libstudy.a
STAGE_SRC := $(sort $(wildcard stages/*.c))
STAGES    := $(STAGE_SRC:stages/%.c=%)
STAGE_BIN := $(STAGES:%=$(BUILD)/bin/%)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_STAMP := build/.deps-ok

.PHONY: all deps test unit e2e clean help report bench fuzz
all: $(LIBA) $(STAGE_BIN)

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

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcmocka -o $@

-include $(LIB_OBJ:.o=.d) $(STAGE_SRC:%.c=$(BUILD)/%.d) $(UNIT_SRC:%.c=$(BUILD)/%.d)

# ----------------------------------------------------------------- test ----
test: unit e2e

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  $$t || fail=1; \
	done; exit $$fail

e2e: all
	@fail=0; for t in $(sort $(wildcard tests/e2e/test_*.sh)); do \
	  BUILD=$(BUILD) bash $$t || fail=1; \
	done; exit $$fail

clean:
	rm -rf build data/interim data/synthetic data/models report/out

help:
	@echo "targets: all deps report test unit e2e bench fuzz clean help"
	@echo "         SAN=1 builds with AddressSanitizer and UBSan; DATA=dir picks the input CSVs"
