# Loaded before a figure's template when the study ran on synthetic data
# (DATA=synthetic, make demo): every figure says so, as the workbook and the
# HTML do. (Not a figure template: its name has no data files.)
set label 99 "СИНТЕТИЧЕСКИЕ ДАННЫЕ" at screen 0.99, screen 0.985 right textcolor rgb "dark-red" font ",11" front
