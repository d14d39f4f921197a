# Mean |SHAP value| per feature, horizontal bars, the most important at the
# top, the value printed at the end of each bar. Variables: base, out; from
# base.gpv: title, xlabel. Data: y, value, label.
load base.".gpv"
data = base.".tsv"
stats data using "y" nooutput
n = STATS_max
set terminal pngcairo size 1100, 260 + 38 * n font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",13"
set xlabel xlabel
set border 1
set tics nomirror out
set lmargin at screen 0.40
set rmargin at screen 0.95
set yrange [0.4:n + 0.6]
set xrange [0:*]
set offsets 0, graph 0.12, 0, 0
set grid xtics lc rgb "#dddddd"
set style fill solid 0.85 noborder
unset key
plot data using (column("value") * 0.5):"y":(column("value") * 0.5):(0.35):ytic(strcol("label")) \
         with boxxyerror lc rgb "#ff0052" notitle, \
     data using "value":"y":(" ".gprintf("%.3f", column("value"))) with labels left notitle
