set terminal pngcairo size 1600,840 font ',11'
set output 'results/fig1/fig1a.png'
set multiplot layout 2,4 title "Fig. 1a: stabilities of the training patterns, random patterns N = 1000, P = 400 (alpha = 0.4), generate --seed 1"
set xrange [-2:4]; set yrange [0:*]; set xlabel 'Delta'; set ylabel 'P(Delta)'
set key top left box opaque font ',9'
set title 'fit --max-iter 1 (lambda_{eff} = 0.395)'
plot 'results/fig1/fig1a-hist-e1.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e1.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 0.395'
set title 'fit --max-iter 2 (lambda_{eff} = 0.703)'
plot 'results/fig1/fig1a-hist-e2.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e2.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 0.703'
set title 'fit --max-iter 3 (lambda_{eff} = 1.091)'
plot 'results/fig1/fig1a-hist-e3.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e3.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 1.091'
set title 'fit --max-iter 5 (lambda_{eff} = 1.677)'
plot 'results/fig1/fig1a-hist-e5.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e5.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 1.677'
set title 'fit --max-iter 10 (lambda_{eff} = 3.168)'
plot 'results/fig1/fig1a-hist-e10.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e10.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 3.168'
set title 'fit --max-iter 30 (lambda_{eff} = 9.132)'
plot 'results/fig1/fig1a-hist-e30.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e30.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 9.132'
set title 'fit --max-iter 100 (lambda_{eff} = 11.51)'
plot 'results/fig1/fig1a-hist-e100.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \
     'results/fig1/fig1a-theory-e100.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = 11.51'
unset multiplot
