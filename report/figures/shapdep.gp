# SHAP dependence: one dot per customer, the feature's value against its SHAP
# value; a category is drawn at its position with its name as the tic.
# Variables: base, out; from base.gpv: title, xlabel, ylabel, ncat and
# cat_1.. cat_<ncat> (0 for a numeric feature). Data: x, phi.
load base.".gpv"
# Above 20 000 rows the data is a seeded sample (lib/out/figure.h): the title says so.
if (exists("sample_note")) { title = title."\n".sample_note }
data = base.".tsv"
set terminal pngcairo size 900,560 font "DejaVu Sans,10" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",13"
set xlabel xlabel
set ylabel ylabel
set border 3
set tics nomirror out
set grid lc rgb "#dddddd"
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
nc = ncat + 0
if (nc > 0) {
    set xtics () rotate by 20 right
    do for [i = 1:nc] { set xtics add (value(sprintf("cat_%d", i)) i - 1) }
    set xrange [-0.6:nc - 0.4]
    set bmargin 6
}
set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb "#888888" dt 2
unset key
# A category's dots spread a little sideways (by their order in the file), so that they do not hide each other.
jit(x) = nc > 0 ? x + 0.3 * (((int($0) * 0.6180339887) - floor(int($0) * 0.6180339887)) - 0.5) : x
plot data using (jit(column("x"))):"phi" with points pt 7 ps 0.5 lc rgb "#1e88e5" notitle
