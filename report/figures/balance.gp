# The target balance: customers in each class, labelled with the count and the
# share of all. Variables: base, out; from base.gpv: title, xlabel, ylabel,
# ntics and tic0.. (the class at x = 0, 1).
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 700,520 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
stats data using "count" nooutput
set title title font ",13"
set xlabel xlabel
set ylabel ylabel
set border 3
set tics nomirror out
set xtics () scale 0
do for [i = 0:ntics - 1] { set xtics add (value(sprintf("tic%d", i)) i) }
set xrange [-0.6:ntics - 0.4]
set yrange [0:STATS_max * 1.15]
set grid ytics lc rgb "#dddddd"
set boxwidth 0.6
set style fill solid 0.75 border
color(y) = y == 0 ? 0x1f77b4 : 0xd62728
plot data using "y":"count":(color(column("y"))) with boxes lc rgb variable notitle, \
     data using "y":"count":(sprintf("%d (%s %%)", column("count"), gprintf("%.1f", column("share")))) \
          with labels offset 0,1 notitle
