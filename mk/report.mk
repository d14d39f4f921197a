# report: the hand-over. study.xlsx (the workbook), offers.csv (its CRM list,
# as the CRM team imports it) and report.html (the
# literate report from report/report.md), with the sentences they share
# (conclusions.kv) and the tables the HTML shows (tables/*.tsv).
#
# Each stage feeds the report through a part (stages/report.c): to show a new
# stage, add its name to REPORT_PARTS, the files its part reads to REPORT_IN,
# the figures the template or the workbook embeds to REPORT_FIGS, and the
# tables its sheets write for the HTML to REPORT_TABLES.
REPORT_MD     ?= report/report.md
REPORT_PARTS  := data eda corr train evaluate explain segment
REPORT_IN     := $(I)/load.kv $(I)/clean.kv $(I)/merge.kv $(I)/quality.tsv $(I)/customers.tsv \
                 $(I)/eda.kv $(I)/eda/numeric.tsv \
                 $(I)/corr.kv $(I)/corr/phik.tsv \
                 $(I)/train.kv $(I)/train/leaderboard.tsv $(I)/train/candidates.tsv \
                 $(I)/metrics.kv $(I)/evaluate/metrics.tsv $(I)/evaluate/gains.tsv \
                 $(I)/explain.kv $(I)/explain/importance.tsv \
                 $(I)/segment.kv $(patsubst %,$(I)/segment/%.tsv,segments profile recommendations whatif customers sensitivity)
# (eda's figures, balance_target among them, come through its render stamp.)
REPORT_FIGS   := $(EDA_STAMP) $(patsubst %,$(OUT)/figures/%.png,heatmap_phik roc_test gains_test calibration_test \
                   confusion_test shapbee_test shapbar_test shapwf_top shapdep_1 shapdep_2 \
                   segmentscatter_all segmentsizes_all segmentprofile_focus segmentwhatif_focus)
REPORT_TABLES := brief quality leaderboard metrics importance segments profile profile_categories recommendations whatif \
                 targeting sensitivity

REPORT_OUT := $(patsubst %,$(OUT)/%,study.xlsx report.html conclusions.kv offers.csv) \
              $(REPORT_TABLES:%=$(OUT)/tables/%.tsv)

# Which toolkit wrote the files: the Параметры sheet records its version and
# git commit. A new version or SOURCE_DATE_EPOCH (the workbook's creation
# time) reruns the report. A new commit alone does not: a commit that changes
# what any stage computes rebuilds that stage and so reruns the report, so the
# commit recorded always reproduces the files.
TOOLKIT_VERSION := $(shell cat VERSION)
REPORT_COMMIT := $(shell git describe --always --dirty --abbrev=40 2>/dev/null || echo unknown)
$(eval $(call content_id,version,version=$(TOOLKIT_VERSION) epoch=$(SOURCE_DATE_EPOCH)))
$(P)/version.id:
	@mkdir -p $(@D)
	@printf '%s\n' '$(version_ID)' >$@

$(REPORT_OUT) &: $(REPORT_IN) $(P)/data.id $(P)/version.id $(REPORT_MD) \
                 $(call sec,schema report) $(TEXT_ID) $(BIN)/report $(REPORT_FIGS)
	@mkdir -p $(OUT)/tables
	$(BIN)/report --params $(PARAMS) --text $(TEXT) --interim $(I) --out $(OUT) --template $(REPORT_MD) \
	  --parts '$(REPORT_PARTS)' --data-dir $(DATA_DIR) --synthetic $(SYNTHETIC) \
	  --version $(TOOLKIT_VERSION) --commit $(REPORT_COMMIT)

REPORT_DEPS += $(OUT)/study.xlsx $(OUT)/report.html
