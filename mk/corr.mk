# Stage corr: Pearson, Spearman, phi_K and its significance, VIF, the flags
# (corr.thresholds), and the data of the three heatmaps (rendered by mk/figures.mk).
CORR_FIGS := $(patsubst %,heatmap_%,pearson spearman phik)
CORR_OUT  := $(patsubst %,$(I)/corr/%.tsv,pearson spearman phik phik_z vif flags) \
             $(foreach f,$(CORR_FIGS),$(I)/figures/$(f).tsv $(I)/figures/$(f).gpv) $(I)/corr.kv

$(CORR_OUT) &: $(I)/customers.tsv $(call sec,schema corr) $(BIN)/corr
	@mkdir -p $(I)/corr $(I)/figures
	$(BIN)/corr --params $(PARAMS) --in $(I)/customers.tsv --out $(I)/corr --figures $(I)/figures --kv $(I)/corr.kv

CORR_PNG := $(CORR_FIGS:%=$(OUT)/figures/%.png)
$(CORR_PNG): $(I)/corr.kv
REPORT_DEPS += $(CORR_OUT)
FIGURES += $(CORR_PNG)
