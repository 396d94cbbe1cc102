# plmem sweep: final overlap q(start, end) against alpha = P / L
set terminal pngcairo size 900,700 noenhanced
set output '/work/w33/results/ea/ea.png'
set title 'ea-32x32-T0.99.txt: L = 1024, M_eff = 65536, 10 repetitions'
set logscale x
set xlabel 'alpha = P / L'
set ylabel 'final overlap q(start, end)'
set yrange [0:1.02]
set key outside right top vertical
set offsets graph 0.03, graph 0.03, 0, 0
set datafile separator '\t'
set datafile missing 'NA'
sel(k, c) = (strcol(3) eq k && strcol(4) eq c) ? $2 : 1/0
plot '/work/w33/results/ea/ea.summary.tsv' using (sel('train', 'asymmetric')):6:7 with yerrorlines lc rgb '#1f4e9c' pt 7 title 'train, asymmetric', \
     '/work/w33/results/ea/ea.summary.tsv' using (sel('test', 'asymmetric')):6:7 with yerrorlines lc rgb '#c0392b' pt 7 title 'test, asymmetric', \
     '/work/w33/results/ea/ea.summary.tsv' using (sel('random', 'asymmetric')):6:7 with yerrorlines lc rgb '#2e8b57' pt 7 title 'random, asymmetric', \
     0.940029 with lines dt 3 lw 2 lc rgb '#1f4e9c' title 'train, truth.model (0.940)', \
     0.940402 with lines dt 3 lw 2 lc rgb '#c0392b' title 'test, truth.model (0.940)', \
     0.781568 with lines dt 3 lw 2 lc rgb '#2e8b57' title 'random, truth.model (0.782)', \
     0.500011 with lines dt 2 lc rgb 'black' title 'natural sequences (mean overlap 0.500)'
