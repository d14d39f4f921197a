# Cumulative gains on the test rows: customers taken by decreasing predicted
# probability (x, % of all), the share of the positive class found (y, %).
# Chance is the diagonal; the ideal model takes every positive first.
# Variables: base, out; from base.gpv: title, xlabel, ylabel, families,
# label_<family>, label_best, chance, ideal, rate (share of the positive class).
# Data: model, group (0 = the origin), n, n_pos, ..., cum_frac, cum_gain, cum_lift.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 820,960 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",13"
set xlabel xlabel
set ylabel ylabel
set size ratio -1
set border 3
set tics nomirror out
set grid lc rgb "#dddddd"
set xrange [0:100]
set yrange [0:100]
set offsets 0, 0, 1, 0
set xtics 10
set ytics 10
set key below left Left reverse vertical maxcols 1 spacing 1.2 samplen 3
set samples 2001
colors = "#1f77b4 #2ca02c #ff7f0e #9467bd #8c564b #17becf"
pick(m, c) = strcol("model") eq m ? 100 * column(c) : NaN
best_case(x) = x < 100 * rate ? x / rate : 100
plot x with lines lc rgb "#888888" lw 1.5 dt 3 title chance, \
     best_case(x) with lines lc rgb "#bbbbbb" lw 1.5 dt 2 title ideal, \
     for [i = 1:words(families)] data using (pick(word(families, i), "cum_frac")):(100 * column("cum_gain")) \
         with linespoints lw 2 pt 7 ps 0.8 lc rgb word(colors, i) title value("label_".word(families, i)), \
     data using (pick("best", "cum_frac")):(100 * column("cum_gain")) with linespoints lw 3 dt 2 pt 6 ps 1.4 \
         lc rgb "#000000" title label_best
