# evaluate: test-set metrics with DeLong intervals, thresholds at 0.5 and by the
# rule in params, ROC/PR/calibration/gains tables of the chosen pipeline and of
# each family's best, from train's test-row probabilities; and the data of five
# figures (report/figures/{roc,pr,calibration,gains,confusion}.gp, rendered by
# mk/figures.mk).
EVAL_FIGS := $(patsubst %,%_test,roc pr calibration gains confusion)
EVAL_OUT  := $(patsubst %,$(I)/evaluate/%.tsv,metrics roc pr confusion calibration gains) \
             $(foreach f,$(EVAL_FIGS),$(I)/figures/$(f).tsv $(I)/figures/$(f).gpv) $(I)/metrics.kv

$(EVAL_OUT) &: $(I)/train/scores_test.tsv $(I)/train.kv $(call sec,evaluate) $(BIN)/evaluate
	@mkdir -p $(I)/evaluate $(I)/figures
	$(BIN)/evaluate --params $(PARAMS) --scores $(I)/train/scores_test.tsv --train-kv $(I)/train.kv \
	  --out $(I)/evaluate --figures $(I)/figures --kv $(I)/metrics.kv

EVAL_PNG := $(EVAL_FIGS:%=$(OUT)/figures/%.png)
$(EVAL_PNG): $(I)/metrics.kv
REPORT_DEPS += $(EVAL_OUT)
FIGURES += $(EVAL_PNG)
