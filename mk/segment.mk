# segment: every customer's probability of decline scored by a model that did
# not see them (out-of-fold for the training customers, the final pipeline for
# the test ones), joined with the profit; risk x profit segments, the focus
# segment's profile, levers ranked per segment, personal offers with consent,
# what-if (stages/segment.c). A segment.* edit reruns segment and report, not
# train. Four figures, rendered by mk/figures.mk.
MODELS ?= $(if $(filter data/interim,$(I)),data/models,$(I)/models)
SEGMENT_FIGS := segmentscatter_all segmentsizes_all segmentprofile_focus segmentwhatif_focus
SEGMENT_OUT  := $(patsubst %,$(I)/segment/%.tsv,customers segments profile recommendations whatif sensitivity) \
                $(foreach f,$(SEGMENT_FIGS),$(I)/figures/$(f).tsv $(I)/figures/$(f).gpv) $(I)/segment.kv
SEGMENT_IN   := $(I)/customers.tsv $(I)/train/split.tsv $(MODELS)/best.pipeline $(I)/clean/profit.tsv \
                $(I)/explain/shap.tsv $(I)/explain/drivers.tsv

$(SEGMENT_OUT) &: $(SEGMENT_IN) $(call sec,schema segment seed) $(BIN)/segment
	@mkdir -p $(I)/segment $(I)/figures
	$(BIN)/segment --params $(PARAMS) --in $(I)/customers.tsv --split $(I)/train/split.tsv \
	  --model $(MODELS)/best.pipeline --profit $(I)/clean/profit.tsv --shap $(I)/explain/shap.tsv \
	  --drivers $(I)/explain/drivers.tsv --out $(I)/segment --figures $(I)/figures --kv $(I)/segment.kv

SEGMENT_PNG := $(SEGMENT_FIGS:%=$(OUT)/figures/%.png)
$(SEGMENT_PNG): $(I)/segment.kv
REPORT_DEPS += $(SEGMENT_OUT)
FIGURES += $(SEGMENT_PNG)
