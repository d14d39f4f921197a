# Figures: one pattern rule renders every PNG of the study.
#
# How to add a figure (any stage):
#   1. Pick or write a template report/figures/T.gp; T is [a-z0-9]+ (no '_').
#      It receives two gnuplot variables: `base` (the figure's files without
#      extension) and `out` (the PNG to write); it does `load base.".gpv"` and
#      plots base.".tsv" (see report/figures/hist.gp for the house style:
#      pngcairo, DejaVu Sans, noenhanced, decimal comma, columns by name).
#   2. The stage writes $(I)/figures/T_WHAT.tsv (the numbers, with a header)
#      and $(I)/figures/T_WHAT.gpv (title, axis labels, class names... as
#      gnuplot string assignments; lib/out/eda_fig.h: eda_fig_name, eda_fig_vars_write).
#   3. In mk/<stage>.mk, add the PNG to FIGURES and make it depend on one of the
#      stage's grouped outputs, so that it waits for (and follows) the stage:
#          $(OUT)/figures/heat_phik.png: $(I)/corr.kv
#          FIGURES += $(OUT)/figures/heat_phik.png
#      A stage whose figure list depends on the data writes that list among
#      its outputs and renders it through a sub-make (see mk/eda.mk).
# Editing T.gp rerenders exactly the figures named T_*; rerunning a stage
# rerenders its figures.

# The reader's text follows its content too: $(P)/text.id holds its SHA-256,
# so switching TEXT to another file, even an older one, redraws the figures
# and rewrites the report, and switching back does again.
$(eval $(call content_id,text,$(shell sha256sum <$(TEXT) 2>/dev/null | cut -c1-64)))
$(P)/text.id:
	@mkdir -p $(@D)
	@test -f $(TEXT) || { echo "TEXT=$(TEXT): no such file" >&2; exit 1; }
	@printf '%s\n' '$(text_ID)' >$@

FIG_DIR := $(OUT)/figures
FIG_DATA := $(I)/figures
include mk/figures/render.mk

.PHONY: figures
figures: $$(FIGURES)
