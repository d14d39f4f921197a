# Fuzzing (tests/fuzz/): libFuzzer targets built with clang under ASan+UBSan
# against a clang build of the whole library (not the gcc archive), each run
# for FUZZ_SECONDS from the committed seeds and past findings
# (tests/fuzz/regressions). New inputs go to build/fuzz/corpus/, crashes to
# build/fuzz/crashes/; the committed seeds never change.
#   make fuzz                      every target, FUZZ_SECONDS each (default 60)
#   make fuzz FUZZ_TARGETS=fuzz_kv FUZZ_SECONDS=600
#   make build/fuzz/fuzz_kv        just build one
#   make fuzz-smoke                what CI runs: every target, FUZZ_SMOKE_SECONDS (5) each
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_MAXLEN  ?= 8192
FUZZ_DIR     := build/fuzz
FUZZ_ALL     := fuzz_csvread fuzz_params fuzz_kv fuzz_tsv fuzz_model
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_CC_STAMP := build/.fuzz-cc-ok
FUZZ_FLAGS   := $(CPPFLAGS) -std=c11 -Wall -Wextra -g -O1 -fno-omit-frame-pointer \
                -ffp-contract=off -fsanitize=address,undefined -fno-sanitize-recover=all

# Every target links one archive of the whole library, compiled with clang
# for fuzzing (the same LIB_SRC as the main build, wherever lib/ keeps its
# files), and the main build's system libraries: the linker takes what each
# target needs, so a new or moved module cannot leave a target unlinkable.
# A target that fails to link fails `make fuzz` and CI (`make fuzz-smoke`).
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIBA := $(FUZZ_DIR)/libstudy-fuzz.a

$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_STAMP) $(FUZZ_CC_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c $< -o $@
-include $(FUZZ_OBJ:.o=.d)

$(FUZZ_LIBA): $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_ALL:%=$(FUZZ_DIR)/%): $(FUZZ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz_util.h $(FUZZ_LIBA)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(FUZZ_LIBA) $(LDLIBS) -o $@

# clang is needed only here: installed on first use when root, like `make deps`.
$(FUZZ_CC_STAMP):
	@mkdir -p $(@D)
	@if ! command -v $(FUZZ_CC) >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14; \
	  else echo "$(FUZZ_CC) is missing: sudo apt-get install -y clang-14"; exit 1; fi; \
	fi
	@touch $@

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/crashes/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 $(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAXLEN) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t/ $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t tests/fuzz/regressions \
	    >$(FUZZ_DIR)/$$t.log 2>&1 || { fail=1; echo "fuzz: $$t FAILED (see $(FUZZ_DIR)/$$t.log)"; \
	    grep -m5 -E 'ERROR|SUMMARY|invariant' $(FUZZ_DIR)/$$t.log; }; \
	  grep -E '^stat::number_of_executed_units' $(FUZZ_DIR)/$$t.log || true; \
	done; exit $$fail

# CI's check (.ci/run): every target builds and runs FUZZ_SMOKE_SECONDS on its
# committed seeds and the regressions, with the same failure rules.
FUZZ_SMOKE_SECONDS ?= 5
.PHONY: fuzz-smoke
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_DIR=build/fuzz-smoke

# Rewrite the model seeds with the library (tests/fuzz/seed_models.c).
fuzz-seeds: $(LIBA)
	@mkdir -p $(FUZZ_DIR)
	$(CC) $(CPPFLAGS) $(CFLAGS) tests/fuzz/seed_models.c $(LIBA) $(LDLIBS) -o $(FUZZ_DIR)/seed_models
	$(FUZZ_DIR)/seed_models tests/fuzz/corpus/fuzz_model
.PHONY: fuzz-seeds
