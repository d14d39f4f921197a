# bench: the speed of the study (tests/bench/README.md); never part of `make test`.
#   make bench                              everything: real data, then the scale series
#   make bench BENCH_PARTS=real             cold/warm report, train, explain on the real data
#   make bench BENCH_REPEAT=1 BENCH_ALONE=1  one run each; rerun train and explain alone too
#   make bench BENCH_PARTS=scale BENCH_SIZES='1000 10000'
# Every recipe line of the study runs under tests/bench/benchsh.c (given to
# make as its SHELL), which records each stage's wall and CPU time and peak
# memory. Tables are printed and written to $(BENCH_DIR) as TSV, with a
# log-log figure of time against customers.
BENCH_DIR   ?= build/bench
BENCH_PARTS ?= real scale
BENCH_SIZES ?=
BENCH_REPEAT ?=
BENCH_ALONE ?= 0
BENCH_TOOLS := $(BUILD)/bench/benchsh $(BUILD)/bench/bench_capped $(BUILD)/bench/bench_search

$(BUILD)/bench/benchsh: tests/bench/benchsh.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< -o $@

$(BUILD)/bench/bench_capped: tests/bench/bench_capped.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIBA) $(LDLIBS) -o $@

bench: all $(BENCH_TOOLS)
	@BUILD=$(BUILD) BENCH_ALONE=$(BENCH_ALONE) BENCH_DIR=$(BENCH_DIR) BENCH_PARTS='$(BENCH_PARTS)' BENCH_SIZES='$(BENCH_SIZES)' \
	  BENCH_REPEAT='$(BENCH_REPEAT)' nice -n 10 bash tests/bench/bench.sh

# The search and the exact explainers on the real data, timed on their own:
# candidates per second (1 and 2 threads) and SHAP of the test set.
BENCH_REAL  ?= data/raw
BENCH_MODEL := $(BENCH_DIR)/models
BENCH_PROGS := $(BUILD)/bench/bench_search $(BUILD)/bench/bench_explain $(BUILD)/bench/bench_kernel

$(BENCH_PROGS): $(BUILD)/bench/%: tests/bench/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIBA) $(LDLIBS) -o $@

.PHONY: bench-models
bench-models: all $(BENCH_PROGS)
	@$(MAKE) --no-print-directory -s DATA=$(BENCH_REAL) INTERIM=$(BENCH_MODEL)/interim OUT=$(BENCH_MODEL)/out \
	  SYNTH_DIR=$(BENCH_MODEL)/synth $(BENCH_MODEL)/interim/train.kv
	@echo "Search on the real data (params.yaml's train section):"
	@nice -n 10 $(BUILD)/bench/bench_search $(PARAMS) $(BENCH_MODEL)/interim/customers.tsv
	@echo "Exact explainers on the real test set:"
	@nice -n 10 $(BUILD)/bench/bench_explain $(BENCH_MODEL)/interim $(BENCH_MODEL)/interim/models
	@echo "KernelSHAP against every coalition (5 test customers; about 2 minutes):"
	@nice -n 10 $(BUILD)/bench/bench_kernel $(PARAMS) $(BENCH_MODEL)/interim 5 5,10,20,40 128,256,512,1024,2048

bench: bench-models
