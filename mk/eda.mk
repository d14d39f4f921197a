# Stage eda: statistics of every column overall and by class, the SMD ranking,
# the findings (eda.kv), and the data of its figures.
EDA_OUT := $(patsubst %,$(I)/eda/%,numeric.tsv categorical.tsv smd.tsv figures.txt) $(I)/eda.kv
EDA_IN  := $(patsubst %,$(I)/clean/%.tsv,customers revenue minutes) $(I)/customers.tsv

$(EDA_OUT) &: $(EDA_IN) $(call sec,schema eda) $(BIN)/eda
	@mkdir -p $(I)/eda $(I)/figures
	$(BIN)/eda --params $(PARAMS) --clean $(I)/clean --customers $(I)/customers.tsv --out $(I)/eda \
	  --figures $(I)/figures --kv $(I)/eda.kv

REPORT_DEPS += $(EDA_OUT)

# Which figures eda draws depends on the schema and the data (a feature with
# few integer values gets a bar chart), so the stage lists them in
# eda/figures.txt, one name a line, and a sub-make renders that list with the
# same rule as every other figure (mk/figures/render.mk): in parallel under the
# same -j, each PNG redrawn only when its data or template changed. The stamp
# records that the list was rendered; the report waits for it.
EDA_TEMPLATES := $(patsubst %,report/figures/%.gp,balance hist bars box cat)
EDA_STAMP := $(OUT)/figures/.eda-rendered
$(EDA_STAMP): $(I)/eda.kv $(I)/eda/figures.txt $(EDA_TEMPLATES) $(TEXT_ID) $(TEXT_BIN)
	+@$(MAKE) --no-print-directory -f mk/figures/render.mk FIG_DIR=$(OUT)/figures FIG_DATA=$(I)/figures SYNTHETIC=$(SYNTHETIC) \
	  TEXT=$(TEXT) TEXT_ID=$(TEXT_ID) TEXT_BIN=$(TEXT_BIN) \
	  FIGS="$$(cat $(I)/eda/figures.txt 2>/dev/null)" render
	@touch $@
FIGURES += $(EDA_STAMP)
