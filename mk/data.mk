# The data stages: load reads the four CSVs of DATA (or the synthetic ones),
# checks them against the schema and writes them typed; clean fixes typos and
# drops what the study cannot use (quality.tsv says what and why); merge makes
# one row per customer. load follows the data's content through $(P)/data.id
# (Makefile), not the CSVs' dates.
LOAD_TSV  := $(patsubst %,$(I)/load/%.tsv,customers revenue minutes profit)
CLEAN_TSV := $(patsubst %,$(I)/clean/%.tsv,customers revenue minutes profit)

$(LOAD_TSV) $(I)/load.kv &: $(P)/data.id $(call sec,schema load) $(BIN)/load
	@mkdir -p $(I)/load
	$(BIN)/load --params $(PARAMS) --in $(DATA_DIR) --out $(I)/load --kv $(I)/load.kv

$(CLEAN_TSV) $(I)/quality.tsv $(I)/clean.kv &: $(LOAD_TSV) $(call sec,schema clean) $(BIN)/clean
	@mkdir -p $(I)/clean
	$(BIN)/clean --params $(PARAMS) --in $(I)/load --out $(I)/clean --quality $(I)/quality.tsv --kv $(I)/clean.kv

$(I)/customers.tsv $(I)/merge.kv &: $(CLEAN_TSV) $(call sec,schema merge) $(BIN)/merge
	$(BIN)/merge --params $(PARAMS) --in $(I)/clean --out $(I)/customers.tsv --kv $(I)/merge.kv

REPORT_DEPS += $(I)/customers.tsv $(I)/quality.tsv $(I)/merge.kv
