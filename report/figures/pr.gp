# Precision-recall curves of each family's best on the test rows (steps, as
# sklearn's PrecisionRecallDisplay draws them), the chosen pipeline dashed on
# top, and the chance level: the share of the positive class. Variables: base,
# out; from base.gpv: title, xlabel, ylabel, families, label_<family>,
# label_best, chance, rate. Data: model, recall, precision, threshold.
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
plot rate + 0 with lines lc rgb "#888888" lw 1.5 dt 3 title chance, \
     for [i = 1:words(families)] data using (pick(word(families, i), "recall")):"precision" with steps lw 2 \
         lc rgb word(colors, i) title value("label_".word(families, i)), \
     data using (pick("best", "recall")):"precision" with steps lw 3 dt 2 lc rgb "#000000" title label_best
