# Probability of decline x profit, one colour per segment, the risk and profit
# thresholds as dashed lines. Variables: base, out; from base.gpv: title,
# xlabel, ylabel, nseg, label_0.., nrisk, risk_1.., nprofit, profit_1..,
# threshold. Data: probability, profit, seg (0-based segment, empty if none).
load base.".gpv"
# Above 20 000 rows the data is a seeded sample (lib/out/figure.h): the title says so.
if (exists("sample_note")) { title = title."\n".sample_note }
data = base.".tsv"
set terminal pngcairo size 1100,640 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",13"
set xlabel xlabel
set ylabel ylabel
set border 3
set tics nomirror out
set grid lc rgb "#eeeeee"
set xrange [0:1]
set xtics 0.1 format "%.1f"
set key outside right top vertical Left reverse samplen 1 spacing 1.3
colors = "#d62728 #ff7f0e #1f77b4 #2ca02c #9467bd #8c564b #17becf #7f7f7f"
do for [k = 1:nrisk + 0] {
    set arrow from value("risk_".k) + 0, graph 0 to value("risk_".k) + 0, graph 1 nohead dt 2 lw 1.5 lc rgb "#444444" front
}
do for [k = 1:nprofit + 0] {
    set arrow from graph 0, first value("profit_".k) + 0 to graph 1, first value("profit_".k) + 0 nohead dt 2 lw 1.5 lc rgb "#444444" front
}
plot for [g = 0:nseg - 1] data using (column("seg") == g ? column("probability") : NaN):"profit" \
         with points pt 7 ps 0.55 lc rgb word(colors, g + 1) title value("label_".g), \
     NaN with lines dt 2 lw 1.5 lc rgb "#444444" title threshold
