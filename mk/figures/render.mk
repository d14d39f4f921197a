# The rule that renders a figure: included by mk/figures.mk, and run on its
# own (make -f mk/figures/render.mk FIGS='...') for a stage whose figure list
# depends on the data (mk/eda.mk), so that the main DAG needs no generated
# include. Needs FIG_DIR, FIG_DATA, TEXT (the text file), TEXT_ID (the file
# recording its content, mk/figures.mk) and TEXT_BIN (bin/text); FIGS names
# the figures to render.
#
# The template is the figure name up to its first '_' (second expansion).
# The stage's NAME.gpv and NAME.tsv hold references to the reader's text;
# bin/text resolves them against $(TEXT) into $@.gpv and $@.tsv, which
# gnuplot draws and which are removed after. So editing the text file
# redraws every figure, and reruns nothing upstream.
# gnuplot writes $@.tmp, moved into place only when complete; the trap
# removes it when Ctrl-C (or SIGTERM, SIGHUP) stops the recipe mid-figure,
# which the `|| rm` after it cannot, the shell being stopped by the signal.
FIG_MARK = $(if $(filter 1,$(SYNTHETIC)),load "report/figures/synthetic.gp"; )
.SECONDEXPANSION:
$(FIG_DIR)/%.png: report/figures/$$(firstword $$(subst _, ,$$*)).gp $(FIG_DATA)/%.gpv $(FIG_DATA)/%.tsv \
                  $(TEXT_ID) $(TEXT_BIN)
	@mkdir -p $(@D)
	@echo "gnuplot $< $(FIG_DATA)/$*.{gpv,tsv} -> $@"
	@trap 'rm -f $@.tmp $@.gpv $@.tsv; exit 130' INT TERM HUP; \
	 $(TEXT_BIN) --text $(TEXT) --in $(FIG_DATA)/$* --out $@ && \
	 gnuplot -e '$(FIG_MARK)base="$@"; out="$@.tmp"' $< && mv -f $@.tmp $@ && rm -f $@.gpv $@.tsv \
	 || { rm -f $@.tmp $@.gpv $@.tsv; exit 1; }

.PHONY: render
render: $(FIGS:%=$(FIG_DIR)/%.png)
