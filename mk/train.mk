# train: split, randomized search under CV over the model families, refit,
# the saved pipelines (stages/train.c). The pipelines go to data/models when
# INTERIM is the default, else next to the interim files (tests move them).
MODELS ?= $(if $(filter data/interim,$(I)),data/models,$(I)/models)
TRAIN_OUT := $(patsubst %,$(I)/train/%.tsv,candidates fit_times leaderboard scores_test split) $(I)/train.kv \
             $(MODELS)/best.pipeline

$(TRAIN_OUT) &: $(I)/customers.tsv $(call sec,schema train seed) $(BIN)/train
	@mkdir -p $(I)/train $(MODELS)
	$(BIN)/train --params $(PARAMS) --in $(I)/customers.tsv --out $(I)/train --kv $(I)/train.kv --models $(MODELS)

REPORT_DEPS += $(TRAIN_OUT)
