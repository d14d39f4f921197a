# Stage explain: SHAP values of the chosen pipeline for every customer, the
# importance table (mean |phi|, direction, permutation drop) on the test
# customers, each customer's drivers towards a decline, and the data of the
# SHAP figures (report/figures/shap*.gp, rendered by mk/figures.mk).
# (train.mk sets MODELS too; this file is read first.)
MODELS ?= $(if $(filter data/interim,$(I)),data/models,$(I)/models)
EXPLAIN_FIGS := shapbee_test shapbar_test $(patsubst %,shapdep_%,1 2 3 4) shapwf_top
EXPLAIN_OUT  := $(patsubst %,$(I)/explain/%.tsv,shap drivers importance) \
                $(foreach f,$(EXPLAIN_FIGS),$(I)/figures/$(f).tsv $(I)/figures/$(f).gpv) $(I)/explain.kv

$(EXPLAIN_OUT) &: $(I)/customers.tsv $(I)/train/split.tsv $(MODELS)/best.pipeline \
                  $(call sec,schema explain seed) $(BIN)/explain
	@mkdir -p $(I)/explain $(I)/figures
	$(BIN)/explain --params $(PARAMS) --in $(I)/customers.tsv --model $(MODELS)/best.pipeline \
	  --split $(I)/train/split.tsv --out $(I)/explain --figures $(I)/figures --kv $(I)/explain.kv

EXPLAIN_PNG := $(EXPLAIN_FIGS:%=$(OUT)/figures/%.png)
$(EXPLAIN_PNG): $(I)/explain.kv
REPORT_DEPS += $(EXPLAIN_OUT)
FIGURES += $(EXPLAIN_PNG)
