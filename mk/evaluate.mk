# evaluate: test-set metrics with DeLong intervals, thresholds at 0.5 and by the
# rule in params, ROC/PR/calibration/gains tables of the chosen pipeline and of
# each family's best, from train's test-row probabilities.
EVAL_TSV := $(patsubst %,$(I)/evaluate/%.tsv,metrics roc pr confusion calibration gains)

$(EVAL_TSV) $(I)/metrics.kv &: $(I)/train/scores_test.tsv $(I)/train.kv $(call sec,evaluate labels) $(BIN)/evaluate
	@mkdir -p $(I)/evaluate
	$(BIN)/evaluate --params $(PARAMS) --scores $(I)/train/scores_test.tsv --train-kv $(I)/train.kv \
	  --out $(I)/evaluate --kv $(I)/metrics.kv

# Until train has its rule, `make report` must not ask for what nobody makes.
ifneq ($(wildcard mk/train.mk),)
REPORT_DEPS += $(EVAL_TSV) $(I)/metrics.kv
endif
