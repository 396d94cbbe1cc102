# the Kunitz plateau (P = 4,364 = M_eff, 3 training sets, 500 starts of each kind): final overlap
# against the couplings' penalty (a) and the sequence weights (b); error bars: sd over the 3 sets
set terminal pngcairo size 1200,520 noenhanced
set output 'plateau.png'
set datafile separator '\t'
set multiplot layout 1,2 title 'kunitz_PF00014.fasta.gz, P = 4,364 (alpha = 82): plateau of the final overlap q(start, end)'
set ylabel 'final overlap q(start, end)'
set yrange [0.44:0.76]
set grid
set key inside right top vertical
set title '(a) penalty lambda_J (theta 0.2)'
set logscale x
set xlabel 'lambda_J'
set xrange [5e-5:0.1]
A = "< awk -F'\t' '$1 ~ /^(lj|default)/' plateau.tsv"
plot A using 2:8:9 with yerrorlines lc rgb '#c0392b' pt 7 title 'test, asymmetric', \
     A using 2:6:7 with yerrorlines lc rgb '#1f4e9c' pt 7 title 'train, asymmetric', \
     A using 2:12:13 with yerrorlines lc rgb '#e6a700' pt 9 title 'test, symmetrized', \
     A using 2:10:11 with yerrorlines lc rgb '#8e44ad' pt 9 title 'train, symmetrized', \
     0.55 with lines dt 2 lc rgb 'gray40' title 'the paper: 0.55 to 0.6', 0.6 with lines dt 2 lc rgb 'gray40' notitle
unset logscale x
set title '(b) sequence weights (lambda_J auto = 8 / M_eff of the training set)'
set xlabel 'weights: 1 / neighbours at identity >= 1 - theta'
set key inside left top vertical
set xrange [0.5:4.5]
set xtics ('theta 0.4' 1, '0.2 (default)' 2, '0.1' 3, 'no weights' 4)
B = "< awk -F'\t' 'BEGIN { OFS = FS; x[\"theta0.4\"] = 1; x[\"default\"] = 2; x[\"theta0.1\"] = 3; x[\"noweights\"] = 4 } $1 in x { $1 = x[$1]; print }' plateau.tsv"
plot B using 1:8:9 with yerrorlines lc rgb '#c0392b' pt 7 title 'test, asymmetric', \
     B using 1:6:7 with yerrorlines lc rgb '#1f4e9c' pt 7 title 'train, asymmetric', \
     B using 1:12:13 with yerrorlines lc rgb '#e6a700' pt 9 title 'test, symmetrized', \
     B using 1:10:11 with yerrorlines lc rgb '#8e44ad' pt 9 title 'train, symmetrized', \
     0.55 with lines dt 2 lc rgb 'gray40' notitle, 0.6 with lines dt 2 lc rgb 'gray40' notitle
unset multiplot
