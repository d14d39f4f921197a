# What-if on the focus segment: for each lever moved to the active customers'
# median, the change of the mean probability (p.p.) and the profit at risk
# saved. An estimate of the model. Variables: base, out; from base.gpv: title,
# xlabel_delta, xlabel_saved, note. Data: y, label, delta_pp, saved.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 1300,520 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set multiplot layout 1, 2 title title."\n(".note.")" font ",12"
set border 1
set tics nomirror out
set grid xtics lc rgb "#dddddd"
set ytics scale 0
set style fill solid 0.8 border
set offsets graph 0.05, graph 0.15, 0.6, 0.6
set yzeroaxis lt -1 lc rgb "#444444"
set lmargin 48
set xlabel xlabel_delta
plot data using (column("delta_pp") / 2):"y":(abs(column("delta_pp")) / 2):(0.35):ytic(2) \
         with boxxyerror lc rgb "#1f77b4" notitle, \
     data using "delta_pp":"y":(gprintf("%.1f", column("delta_pp"))) with labels left offset 0.5, 0 notitle
set lmargin 4
set ytics format ""
set xlabel xlabel_saved
plot data using (column("saved") / 2):"y":(abs(column("saved")) / 2):(0.35) \
         with boxxyerror lc rgb "#2ca02c" notitle, \
     data using "saved":"y":(gprintf("%.1f", column("saved"))) with labels left offset 0.5, 0 notitle
unset multiplot
