# style.gp — one style for every figure.  The report sets 10 pt Latin Modern
# and a 6.0 in text width; figures are drawn at that width with the same
# font.  Cairo draws text at textscale times the font size: 0.5 (cairo's
# default) gives 5-6 pt tick labels, too small in print; a figure whose
# keys have room sets textscale = 0.8 before loading this file (8 pt ticks,
# 7 pt keys).
if (!exists("figheight")) figheight = 2.6
if (!exists("textscale")) textscale = 0.5
set terminal pdfcairo enhanced color font "Latin Modern Roman,10" fontscale textscale size 6.0in, figheight*1in linewidth 1.2
set output outfile
set encoding utf8
set datafile separator "\t"
set datafile commentschars "#"
set border lw 0.8
set tics nomirror out scale 0.6
set key box lw 0.5 samplen 2 spacing 1.1 font ",9"
set grid lw 0.3 lc rgb "#dddddd"
# a colour-blind-safe palette (Okabe–Ito)
set linetype 1 lc rgb "#0072B2" pt 7 ps 0.45
set linetype 2 lc rgb "#D55E00" pt 5 ps 0.45
set linetype 3 lc rgb "#009E73" pt 9 ps 0.5
set linetype 4 lc rgb "#CC79A7" pt 11 ps 0.5
set linetype 5 lc rgb "#E69F00" pt 13 ps 0.5
set linetype 6 lc rgb "#56B4E9" pt 15 ps 0.5
set linetype 7 lc rgb "#000000" pt 3 ps 0.5
set linetype 8 lc rgb "#999999" pt 1 ps 0.5
set linetype cycle 8
