# train: split, randomized search under CV over the model families, refit,
# the saved pipelines (stages/train.c). The pipelines go to data/models when
# INTERIM is the default, else next to the interim files (tests move them).
MODELS ?= $(if $(filter data/interim,$(I)),data/models,$(I)/models)
# fit_times.tsv is measured (it differs between runs): it goes with the
# models, so that two runs give byte-identical data/interim files.
TRAIN_OUT := $(patsubst %,$(I)/train/%.tsv,candidates leaderboard scores_test split folds) $(I)/train.kv \
             $(MODELS)/best.pipeline $(MODELS)/fit_times.tsv

$(TRAIN_OUT) &: $(I)/customers.tsv $(call sec,schema train seed) $(BIN)/train
	@mkdir -p $(I)/train $(MODELS)
	$(BIN)/train --params $(PARAMS) --in $(I)/customers.tsv --out $(I)/train --kv $(I)/train.kv --models $(MODELS) \
	  --times $(MODELS)/fit_times.tsv

REPORT_DEPS += $(TRAIN_OUT)
