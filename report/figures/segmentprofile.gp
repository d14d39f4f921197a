# The focus segment against the active customers: the standardized mean
# difference of each numeric feature, darker where the Holm-adjusted p < 0.05.
# Variables: base, out; from base.gpv: title, xlabel, reference, rows, empty.
# Data: y, label, smd, significant.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 1100,680 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set label 1 title at screen 0.5, screen 0.97 center font ",12"
# An empty focus segment (no customer past the thresholds) gets its note, not a plot.
if (rows + 0 == 0) {
    unset border; unset tics; unset key
    set label 2 empty at screen 0.5, screen 0.5 center font ",12"
    plot [0:1] [0:1] NaN notitle
    exit
}
set lmargin at screen 0.36
set rmargin at screen 0.97
set tmargin at screen 0.90
set bmargin 6
set xlabel xlabel
set border 1
set tics nomirror out
set grid xtics lc rgb "#dddddd"
set ytics scale 0
set offsets graph 0.08, graph 0.08, 0.6, 0.6
set style fill solid 0.8 border
set key below horizontal
set yzeroaxis lt -1 lc rgb "#444444"
plot data using (column("smd") / 2):"y":(abs(column("smd")) / 2):(0.35):ytic(2) \
         with boxxyerror lc rgb "#bbbbbb" title "p ≥ 0,05", \
     data using (column("significant") > 0 ? column("smd") / 2 : NaN):"y":(abs(column("smd")) / 2):(0.35) \
         with boxxyerror lc rgb "#d62728" title "p < 0,05 (Холм)"
