# plmem sweep: final overlap q(start, end) against alpha = P / L
set terminal pngcairo size 1150,650 noenhanced
set output '/work/w33/results/betalactamase/betalactamase-2000.png'
set title 'betalactamase_PF13354.fasta: L = 202, M_eff = 5000, 20 repetitions'
set logscale x
set xlabel 'alpha = P / L'
set ylabel 'final overlap q(start, end)'
set yrange [0:1.02]
set key outside right top vertical
set offsets graph 0.03, graph 0.03, 0, 0
set datafile separator '\t'
set datafile missing 'NA'
sel(k, c) = (strcol(3) eq k && strcol(4) eq c) ? $2 : 1/0
plot '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('train', 'asymmetric')):6:7 with yerrorlines lc rgb '#1f4e9c' pt 7 title 'train, asymmetric', \
     '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('train', 'symmetrized')):6:7 with yerrorlines lc rgb '#8e44ad' pt 9 title 'train, symmetrized', \
     '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('test', 'asymmetric')):6:7 with yerrorlines lc rgb '#c0392b' pt 7 title 'test, asymmetric', \
     '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('test', 'symmetrized')):6:7 with yerrorlines lc rgb '#e6a700' pt 9 title 'test, symmetrized', \
     '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('random', 'asymmetric')):6:7 with yerrorlines lc rgb '#2e8b57' pt 7 title 'random, asymmetric', \
     '/work/w33/results/betalactamase/betalactamase-2000.summary.tsv' using (sel('random', 'symmetrized')):6:7 with yerrorlines lc rgb '#7f8c8d' pt 9 title 'random, symmetrized', \
     0.232459 with lines dt 2 lc rgb 'black' title 'natural sequences (0.232)'
