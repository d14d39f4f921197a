# Box plots by class: the box spans the quartiles, the line is the median,
# whiskers reach the farthest values within 1.5 IQR, dots are the values
# beyond. Variables: base, out; from base.gpv: title, xlabel, ylabel, class0,
# class1, boxwidth, ntics and tic0.. (the label at x = 0, 1, ...).
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
set xtics () scale 0
do for [i = 0:ntics - 1] { set xtics add (value(sprintf("tic%d", i)) i) }
set xrange [-0.6:ntics - 0.4]
set grid ytics lc rgb "#dddddd"
set bmargin 5
set key at screen 0.5, screen 0.01 center bottom horizontal samplen 2 spacing 1 width 1
set boxwidth boxwidth + 0
# Room above and below, so that nothing sits on the border.
set offsets 0, 0, graph 0.05, graph 0.05
set style fill transparent solid 0.35 border
c0 = 0x1f77b4; c1 = 0xd62728
in(c) = column("cls") == c ? column("x") : NaN
# Outliers are the rows with a value in column 8 ("point"). Box rows give a
# fully transparent dot (alpha 0xff), so that a plot without outliers is not empty.
dot(c) = valid(8) ? column(8) : column("median")
dotc(c) = valid(8) ? c : 0xff000000
plot data using (in(0)):"q25":"lo":"hi":"q75" with candlesticks whiskerbars 0.6 lc rgb c0 lw 1.5 title class0, \
     data using (in(1)):"q25":"lo":"hi":"q75" with candlesticks whiskerbars 0.6 lc rgb c1 lw 1.5 title class1, \
     data using "x":"median":"median":"median":"median" with candlesticks lc rgb "black" lw 2.5 notitle, \
     data using (in(0)):(dot(0)):(dotc(c0)) with points pt 7 ps 0.5 lc rgb variable notitle, \
     data using (in(1)):(dot(0)):(dotc(c1)) with points pt 7 ps 0.5 lc rgb variable notitle
