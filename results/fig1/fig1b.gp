set terminal pngcairo size 900,600 font ',11'
set output 'results/fig1/fig1b.png'
set title "Fig. 1b: analytic stability distribution at alpha = 0.4 (src/margin.c)"
set xrange [-3:5]; set yrange [0:3]; set xlabel 'Delta'; set ylabel 'P_{lambda}(Delta) (clipped at 3)'
set key top left box opaque
set arrow from 1.242258,0 to 1.242258,0.9 nohead dt 2 lc rgb '#d55e00'
plot 'results/fig1/fig1b.tsv' skip 3 using 1:2 with lines lw 2 title 'lambda = 0.1', 'results/fig1/fig1b.tsv' skip 3 using 1:3 with lines lw 2 title 'lambda = 0.5', 'results/fig1/fig1b.tsv' skip 3 using 1:4 with lines lw 2 title 'lambda = 1', 'results/fig1/fig1b.tsv' skip 3 using 1:5 with lines lw 2 title 'lambda = 2', 'results/fig1/fig1b.tsv' skip 3 using 1:6 with lines lw 2 title 'lambda = 5', 'results/fig1/fig1b.tsv' skip 3 using 1:7 with lines lw 2 title 'lambda = 20', 'results/fig1/fig1b.tsv' skip 3 using 1:8 with lines dt 3 lw 3 lc rgb 'red' title 'Hebbian limit (Gaussian)', 'results/fig1/fig1b.tsv' skip 3 using 1:9 with lines dt 2 lw 3 lc rgb '#d55e00' title 'maximum margin (truncated at kappa = 1.242258)'
