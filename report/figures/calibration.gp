# Calibration curves on the test rows: in each equal-width bin of predicted
# probability, the mean prediction against the share of the positive class
# (empty bins are absent). Variables: base, out; from base.gpv: title, xlabel,
# ylabel, families, label_<family>, label_best, perfect.
# Data: model, bin, lo, hi, mean_pred, frac_pos, count.
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
set xrange [0:1]
set yrange [0:1]
set offsets 0, 0, 0.01, 0
set xtics 0.2 format "%.1f"
set ytics 0.2 format "%.1f"
set key below left Left reverse vertical maxcols 1 spacing 1.2 samplen 3
colors = "#1f77b4 #2ca02c #ff7f0e #9467bd #8c564b #17becf"
pick(m, c) = strcol("model") eq m ? column(c) : NaN
plot x with lines lc rgb "#888888" lw 1.5 dt 3 title perfect, \
     for [i = 1:words(families)] data using (pick(word(families, i), "mean_pred")):"frac_pos" \
         with linespoints lw 2 pt 7 ps 0.8 lc rgb word(colors, i) title value("label_".word(families, i)), \
     data using (pick("best", "mean_pred")):"frac_pos" with linespoints lw 3 dt 2 pt 6 ps 1.4 lc rgb "#000000" \
         title label_best
