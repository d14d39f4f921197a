# Heatmap of a correlation matrix, the value printed in every cell (two
# decimals). Variables: base, out; from base.gpv: title, n (the order of the
# matrix), signed ("1": diverging palette over [-1, 1], blue negative, red
# positive; "0": sequential palette over [0, 1]) and label_0.. label_{n-1},
# the row and column labels (row 0 at the top). Data: x, y, value per cell.
load base.".gpv"
data = base.".tsv"
set terminal pngcairo size 1400,1200 font "DejaVu Sans,11" noenhanced
set output out
set datafile separator "\t"
set datafile columnheaders
set decimalsign ","
set encoding utf8
set minussign
set title title font ",15"
set size ratio -1
set lmargin at screen 0.20
set rmargin at screen 0.88
set bmargin at screen 0.20
set tmargin at screen 0.94
set border 0
set tics scale 0
set xrange [-0.5:n - 0.5]
set yrange [n - 0.5:-0.5]
set xtics () rotate by 45 right offset 0,0.3
set ytics ()
do for [i = 0:n - 1] {
    set xtics add (value(sprintf("label_%d", i)) i)
    set ytics add (value(sprintf("label_%d", i)) i)
}
if (signed + 0) {
    set palette defined (-1 "#053061", -0.6 "#2166ac", -0.3 "#92c5de", 0 "#f7f7f7", 0.3 "#f4a582", 0.6 "#d6604d", 1 "#67001f")
    set cbrange [-1:1]
    dark(v) = abs(v) > 0.55
} else {
    set palette defined (0 "#fff7ec", 0.25 "#fdd49e", 0.5 "#fc8d59", 0.75 "#d7301f", 1 "#7f0000")
    set cbrange [0:1]
    dark(v) = v > 0.6
}
set cbtics 0.2 format "%.1f"
set colorbox user origin screen 0.90, screen 0.20 size screen 0.02, screen 0.74
ink(v) = v != v ? 0x888888 : (dark(v) ? 0xffffff : 0x000000)
# Two decimals; -0.004 prints as 0,00, not -0,00.
cell(v) = v != v ? "–" : gprintf("%.2f", abs(v) < 0.005 ? 0 : v)
plot data using "x":"y":"value" with image notitle, \
     data using "x":"y":(cell(column("value"))):(ink(column("value"))) with labels tc rgb variable font ",10" notitle
