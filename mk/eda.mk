# Stage eda: statistics of every column overall and by class, the SMD ranking,
# the findings (eda.kv), and the data of its figures (rendered by mk/figures.mk).
EDA_OUT := $(patsubst %,$(I)/eda/%,numeric.tsv categorical.tsv smd.tsv figures.mk) $(I)/eda.kv
EDA_IN  := $(patsubst %,$(I)/clean/%.tsv,customers revenue minutes) $(I)/customers.tsv

$(EDA_OUT) &: $(EDA_IN) $(call sec,schema eda labels) $(BIN)/eda
	@mkdir -p $(I)/eda $(I)/figures
	$(BIN)/eda --params $(PARAMS) --clean $(I)/clean --customers $(I)/customers.tsv --out $(I)/eda \
	  --figures $(I)/figures --kv $(I)/eda.kv

REPORT_DEPS += $(EDA_OUT)

# Which figures eda draws depends on the schema and the data (a feature with
# few integer values gets a bar chart), so the stage writes their list as a
# makefile. Make builds it (running the study up to eda) and restarts only when
# figures are wanted, so that `make clean`, `make all` or `make test` never run
# the study just to learn the list.
ifneq ($(filter report figures $(OUT)/%,$(MAKECMDGOALS)),)
include $(I)/eda/figures.mk
endif
EDA_PNG := $(EDA_FIGURES:%=$(OUT)/figures/%.png)
$(EDA_PNG): $(I)/eda.kv
FIGURES += $(EDA_PNG)
