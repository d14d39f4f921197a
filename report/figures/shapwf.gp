# SHAP waterfall of one customer: from the mean prediction (bottom) each
# feature's SHAP value moves the running total, up to the customer's
# prediction (top); red pushes towards a decline, blue away from it.
# Variables: base, out; from base.gpv: title, xlabel, base_value, output_value,
# base_label, output_label. Data: y, start, end, phi, label.
load base.".gpv"
data = base.".tsv"
stats data using "y" nooutput
n = STATS_max
set terminal pngcairo size 1200, 300 + 44 * n font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",13" offset 0, 1.5
set xlabel xlabel
set border 1
set tics nomirror out
set lmargin at screen 0.42
set rmargin at screen 0.84
set tmargin 6
set yrange [0.3:n + 0.9]
set offsets graph 0.08, graph 0.08, 0, 0
set grid xtics lc rgb "#dddddd"
set style fill solid 0.85 noborder
set arrow 1 from first base_value + 0, graph 0 to first base_value + 0, graph 1 nohead lc rgb "#888888" dt 2
set arrow 2 from first output_value + 0, graph 0 to first output_value + 0, graph 1 nohead lc rgb "#333333" dt 2
# The two totals over the plot, each on the side away from the other.
bl = base_label.": ".gprintf("%.3f", base_value + 0)
ol = output_label.": ".gprintf("%.3f", output_value + 0)
up = output_value + 0 >= base_value + 0
set label 1 bl at first base_value + 0, graph 1.03 textcolor rgb "#555555"
set label 2 ol at first output_value + 0, graph 1.03 textcolor rgb "#000000"
if (up) { set label 1 right; set label 2 left } else { set label 1 left; set label 2 right }
unset key
mid(a, b) = (a + b) / 2
hw(a, b) = abs(b - a) / 2
red(p) = p > 0 ? 0xff0052 : 0x1e88e5
plot data using (mid(column("start"), column("end"))):"y":(hw(column("start"), column("end"))):(0.35):(red(column("phi"))):ytic(strcol("label")) \
         with boxxyerror lc rgb variable notitle, \
     data using (column("phi") > 0 ? column("end") : column("start")):"y":(" ".gprintf("%+.3f", column("phi"))) with labels left notitle
