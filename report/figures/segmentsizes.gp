# Segment sizes and profit at risk, side by side, the segments as rows; the
# focus segment in red. Variables: base, out; from base.gpv: title, ylabel_n
# (the customers axis), ylabel_par (the profit at risk axis).
# Data: x (0-based row, first on top), name, n, profit_at_risk, focus.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 1200,420 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
stats data using "x" nooutput
top = STATS_max
set multiplot layout 1, 2 title title font ",13"
set border 1
set tics nomirror out
set grid xtics lc rgb "#dddddd"
set ytics scale 0
set style fill solid 0.8 border
set offsets 0, graph 0.15, 0.6, 0.6
set xrange [0:*]
col(f) = column("focus") > 0 ? 0xd62728 : 0x1f77b4
set lmargin 34
set xlabel ylabel_n
plot data using (column("n") / 2):(top - column("x")):(column("n") / 2):(0.35):(col(0)):ytic(2) \
         with boxxyerror lc rgb variable notitle, \
     data using "n":(top - column("x")):(sprintf("%d", column("n"))) with labels left offset 0.5, 0 notitle
set lmargin 4
set ytics format ""
set xlabel ylabel_par
plot data using (column("profit_at_risk") / 2):(top - column("x")):(column("profit_at_risk") / 2):(0.35):(col(0)) \
         with boxxyerror lc rgb variable notitle, \
     data using "profit_at_risk":(top - column("x")):(sprintf("%.0f", column("profit_at_risk"))) \
         with labels left offset 0.5, 0 notitle
unset multiplot
