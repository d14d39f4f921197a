# Categorical feature: for each level (top to bottom), the share of each class
# that has it, as horizontal bars labelled with the percent. Variables: base,
# out; from base.gpv: title, xlabel, ylabel, class0, class1, ntics and tic0..
# (the level at row 0, 1, ...).
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 900,560 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
stats data using "share0" nooutput
m0 = STATS_max
stats data using "share1" nooutput
m1 = STATS_max
# A label, not a title: the title centres over the plot, which the long level
# names push right, and would run off the canvas.
set tmargin 3
set label 1 title at screen 0.5, screen 0.96 center font ",13"
set xlabel xlabel
set ylabel ylabel
set border 3
set tics nomirror out
set ytics () scale 0
do for [i = 0:ntics - 1] { set ytics add (value(sprintf("tic%d", i)) i) }
set yrange [ntics - 0.4:-0.6]
set xrange [0:(m0 > m1 ? m0 : m1) * 1.18]
set grid xtics lc rgb "#dddddd"
set bmargin 5
set key at screen 0.5, screen 0.01 center bottom horizontal samplen 2 spacing 1 width 1
set style fill solid 0.75 border
c0 = "#1f77b4"; c1 = "#d62728"
y(d) = column("y") + d
plot data using (0):(y(-0.2)):(0):"share0":(y(-0.4)):(y(0)) with boxxyerror lc rgb c0 title class0, \
     data using (0):(y(0.2)):(0):"share1":(y(0)):(y(0.4)) with boxxyerror lc rgb c1 title class1, \
     data using "share0":(y(-0.2)):(gprintf("%.1f %%", column("share0"))) with labels left offset 0.5,0 notitle, \
     data using "share1":(y(0.2)):(gprintf("%.1f %%", column("share1"))) with labels left offset 0.5,0 notitle
