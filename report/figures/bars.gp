# Bar chart of a numeric feature with few integer values: for each value, the
# share of each class that has it, side by side. Variables: base, out; from
# base.gpv: title, xlabel, ylabel, class0, class1.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 900,560 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
stats data using "x" nooutput
set title title font ",13"
set xlabel xlabel
set ylabel ylabel
set border 3
set tics nomirror out
set xtics 1
set grid ytics lc rgb "#dddddd"
set bmargin 5
set key at screen 0.5, screen 0.01 center bottom horizontal samplen 2 spacing 1 width 1
set yrange [0:*]
# Room above the tallest bar, so that it never touches the frame.
set offsets 0, 0, graph 0.06, 0
set xrange [STATS_min - 0.7:STATS_max + 0.7]
set boxwidth 0.4
set style fill solid 0.75 border
c0 = "#1f77b4"; c1 = "#d62728"
plot data using (column("x") - 0.2):"share0" with boxes lc rgb c0 title class0, \
     data using (column("x") + 0.2):"share1" with boxes lc rgb c1 title class1
