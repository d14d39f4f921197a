# Confusion matrices of the chosen pipeline on the test rows, side by side: at
# the usual cut-off 0.5 and at the threshold the rule in params picked. Rows
# are the actual class, columns the predicted one; a cell shows its count and
# the share of its actual class, and its colour is that share.
# Variables: base, out; from base.gpv: title, xlabel, ylabel, class0, class1,
# title0, title1. Data: model, chosen (0/1), threshold, actual, predicted,
# count, share.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 1100,560 font "DejaVu Sans,11" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set palette defined (0 "#f7fbff", 0.25 "#c6dbef", 0.5 "#6baed6", 0.75 "#2171b5", 1 "#08306b")
set cbrange [0:1]
unset colorbox
set size ratio -1
set border 0
set tics scale 0
set xrange [-0.5:1.5]
set yrange [1.5:-0.5]
set xtics (class0 0, class1 1)
set ytics (class0 0, class1 1) rotate by 90 center offset -0.5,0
set xlabel xlabel offset 0,-0.3
set ylabel ylabel
ink(v) = v > 0.55 ? 0xffffff : 0x000000
text(n, s) = sprintf("%d", n)."\n(".gprintf("%.1f", 100 * s)."%)"
at(k, c) = column("chosen") == k ? column(c) : NaN
set multiplot layout 1,2 title title font ",14"
# Fixed margins: both panels the same size whatever their titles.
set bmargin at screen 0.16
set tmargin at screen 0.84
do for [k = 0:1] {
    set lmargin at screen 0.09 + 0.5 * k
    set rmargin at screen 0.45 + 0.5 * k
    set title value("title".k) font ",12"
    plot data using (at(k, "predicted")):"actual":(0.5):(0.5):"share" with boxxyerror fs solid 1.0 noborder \
             fc palette notitle, \
         data using (at(k, "predicted")):"actual":(text(column("count"), column("share"))):(ink(column("share"))) \
             with labels tc rgb variable font ",13" notitle
}
unset multiplot
