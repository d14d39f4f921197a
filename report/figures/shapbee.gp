# SHAP summary (beeswarm): one band per feature, the most important at the
# top; each dot is one customer's SHAP value, coloured by the feature's value
# from low (blue) to high (red); grey for a category without an order.
# Variables: base, out; from base.gpv: title, xlabel, value, low, high, nshow,
# label_1.. label_<nshow> (rank 1 = the top band). Data: feature, y, phi, colour.
load base.".gpv"
# Above 20 000 rows the data is a seeded sample (lib/out/figure.h): the title says so.
if (exists("sample_note")) { title = title."\n".sample_note }
data = base.".tsv"
n = nshow + 0
set terminal pngcairo size 1200, 300 + 42 * n font "DejaVu Sans,10" noenhanced
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
set lmargin at screen 0.36
set rmargin at screen 0.88
set yrange [0.4:n + 0.6]
set ytics () scale 0
do for [i = 1:n] { set ytics add (value(sprintf("label_%d", i)) n + 1 - i) }
set grid xtics lc rgb "#dddddd"
set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb "#888888" dt 2
set palette defined (0 "#1e88e5", 0.5 "#a06bb0", 1 "#ff0052")
set cbrange [0:1]
set cbtics ("" 0, "" 1) scale 0
set cblabel value offset -1, 0
set label 1 high at screen 0.915, screen 0.86 left
set label 2 low at screen 0.915, screen 0.14 left
set colorbox user origin screen 0.895, screen 0.15 size screen 0.015, screen 0.7
unset key
plot data using "phi":"y" with points pt 7 ps 0.45 lc rgb "#aaaaaa" notitle, \
     data using "phi":(column("colour") == column("colour") ? column("y") : NaN):"colour" with points pt 7 ps 0.45 lc palette notitle
