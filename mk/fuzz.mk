# Fuzzing (tests/fuzz/): libFuzzer targets built with clang under ASan+UBSan
# from the library sources each target needs (not the gcc archive), each run
# for FUZZ_SECONDS from the committed seeds and past findings
# (tests/fuzz/regressions). New inputs go to build/fuzz/corpus/, crashes to
# build/fuzz/crashes/; the committed seeds never change.
#   make fuzz                      every target, FUZZ_SECONDS each (default 60)
#   make fuzz FUZZ_TARGETS=fuzz_kv FUZZ_SECONDS=600
#   make build/fuzz/fuzz_kv        just build one
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_MAXLEN  ?= 8192
FUZZ_DIR     := build/fuzz
FUZZ_ALL     := fuzz_csvread fuzz_params fuzz_kv fuzz_tsv fuzz_model
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_FLAGS   := -std=c11 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -Ilib -g -O1 -fno-omit-frame-pointer \
                -ffp-contract=off -fsanitize=address,undefined -fno-sanitize-recover=all

# The library sources each target links (and the system libraries they need).
fuzz_csvread_SRC := err csvread
fuzz_csvread_LIB := -lcsv
fuzz_params_SRC  := err params schema
fuzz_params_LIB  := -lyaml
fuzz_kv_SRC      := err kv outfile
fuzz_kv_LIB      :=
fuzz_tsv_SRC     := err table csvread outfile
fuzz_tsv_LIB     := -lcsv
fuzz_model_SRC   := err tree knn prep prep_io outfile
fuzz_model_LIB   :=

$(FUZZ_DIR)/obj/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# One explicit link rule per target (no .SECONDEXPANSION: it would apply to
# every rule included after this file).
define FUZZ_RULE
$(FUZZ_DIR)/$(1): tests/fuzz/$(1).c tests/fuzz/fuzz_util.h $(patsubst %,$(FUZZ_DIR)/obj/%.o,$($(1)_SRC))
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_FLAGS) -fsanitize=fuzzer $$< $$(filter %.o,$$^) $($(1)_LIB) -lm -o $$@
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_RULE,$(t))))

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

# Rewrite the model seeds with the library (tests/fuzz/seed_models.c).
fuzz-seeds: $(LIBA)
	@mkdir -p $(FUZZ_DIR)
	$(CC) $(CPPFLAGS) $(CFLAGS) tests/fuzz/seed_models.c $(LIBA) $(LDLIBS) -o $(FUZZ_DIR)/seed_models
	$(FUZZ_DIR)/seed_models tests/fuzz/corpus/fuzz_model
.PHONY: fuzz-seeds
