# The scale series: CPU time (user + system) of each stage against the number of customers,
# log-log. Variables: data (scale_wide.tsv: n, then one column per stage, ?
# where a stage did not run), capdir (scale_capped_{knn,svc}.tsv: n, CPU s
# of the capped families), out (the PNG).
set terminal pngcairo size 1100,750 font "DejaVu Sans,11" noenhanced
set output out
set datafile separator "\t"
set datafile missing "?"
set logscale xy
set format x "%.0e"
set xlabel "customers (n)"
set ylabel "CPU time (user + system), s"
set title "oneclick-study: CPU time per stage against n (log-log; dashed: slope 1 and 2)"
set key outside right top
# Sixteen distinguishable colours: the stages outnumber gnuplot's default eight.
array col[16] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", \
                 "#bcbd22", "#17becf", "#000000", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5"]
set grid
stats data using 1 nooutput
nmin = STATS_min
ncols = system("head -1 '".data."' | awk -F'\t' '{print NF}'") + 0
# Reference slopes through 0.01 s at the smallest n.
lin(x) = 0.01 * x / nmin
quad(x) = 0.01 * (x / nmin)**2
set yrange [0.001:*]
set xrange [nmin / 2:*]
plot for [i=2:ncols] data using 1:i with linespoints lw 2 pt (i % 13 + 1) lc rgb col[(i - 2) % 16 + 1] \
       title columnheader(i), \
     capdir."/scale_capped_knn.tsv" using 1:2 with linespoints lw 2 pt 4 dt 3 title "knn (capped)", \
     capdir."/scale_capped_svc.tsv" using 1:2 with linespoints lw 2 pt 6 dt 3 title "svc (capped)", \
     lin(x) with lines dt 2 lc "gray" title "slope 1", \
     quad(x) with lines dt 2 lc "black" title "slope 2"
