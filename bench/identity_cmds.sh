#!/bin/bash
# identity_cmds.sh: the outputs of sweep, score, sample, generate and relax's variants (repeats,
# parallel updates, lines, symmetrized couplings) on small cases of the shared data, written
# under OUTDIR so that two builds can be compared byte for byte (bench/identity.sh runs it):
#   bench/identity_cmds.sh OLD/plmem /tmp/idc-old && bench/identity_cmds.sh NEW/plmem /tmp/idc-new
#   diff -r /tmp/idc-old /tmp/idc-new && echo identical
# Times (sweep's fit_s and relax_s columns, the summaries' seconds) and command lines are left
# out of the compared text; standard error is kept apart from the compared files.
set -euo pipefail
PLMEM=$(realpath "$1")
OUT=${2:?usage: identity_cmds.sh PLMEM OUTDIR [DATA]}
DATA=${3:-$(dirname "$0")/../../shared/data/msa}
T=${IDENTITY_THREADS:-2}
[ -d "$DATA" ] || { echo "identity_cmds.sh: no shared data in $DATA, nothing compared"; exit 0; }
mkdir -p "$OUT"
DATA=$(realpath "$DATA")
cd "$OUT"
K=$DATA/kunitz_small.fasta.gz
"$PLMEM" fit -t "$T" --quiet --max-iter 50 -o k.plm "$K"

# sweep: rows and summary without the times, the script; sizes, alphas, points, a resumed run
untime() { grep -v '^# command' "$1" | awk -F '\t' 'BEGIN { OFS = "\t" } /^#/ || /^P\t/ { print; next }
	{ if ($0 ~ /\t/) { NF -= (NF == 19 ? 2 : 1) } print }' >"$1.cmp"; rm "$1"; }
"$PLMEM" sweep -t "$T" --quiet --sizes 5,20 --reps 2 --starts 30 --no-plot -o sw "$K"
"$PLMEM" sweep -t "$T" --quiet --alphas 0.1,0.3 --reps 1-2 --starts 20 --kinds train,random \
	--couplings symmetrized --update parallel --max-sweeps 5 --no-plot -o sa "$K"
"$PLMEM" sweep -t "$T" --quiet --points 3 --reps 1 --starts 10 --no-plot -o sp "$K"
"$PLMEM" sweep -t "$T" --quiet --points 3 --reps 2 --starts 10 --lambda-j 0.05 --no-plot -o sq "$K"
"$PLMEM" sweep -t "$T" --quiet --points 3 --reps 2 --starts 10 --lambda-j 0.05 --no-plot -o sq "$K"
PATH=/nonexistent "$PLMEM" sweep -t "$T" --quiet --sizes 4 --reps 1 --starts 5 -o sg "$K"
sed -i "s#$DATA/##g" sg.gp
for f in sw sa sp sq sg; do untime $f.tsv; untime $f.summary.tsv; done

# score: sequences with margins, every substitution, a list with refusals
"$PLMEM" score --quiet --stabilities k.stab -o k.score k.plm "$K"
"$PLMEM" score --quiet --mutations all -o k.all k.plm
"$PLMEM" score --quiet --mutations all --symmetrize --ref "$(zcat "$K" | sed -n 3p | cut -c2- | cut -d' ' -f1)" \
	-o k.allref k.plm "$K"
{ sed -n '2,30p' k.all | cut -f 1; echo Z999Q; echo 'A1C;L10M'; } >k.list
"$PLMEM" score --quiet --mutations k.list -o k.mut k.plm

# sample: statistics, lines at beta = inf with parallel updates, starts with random order
"$PLMEM" sample -t "$T" --quiet --chains 4 --sweeps 50 --burn-in 10 --every 10 --seed 3 --stats "$K" \
	--stats-tsv k.stats -o k.sample k.plm
"$PLMEM" sample -t "$T" --quiet --beta inf --update parallel --out-format lines --sweeps 20 --burn-in 0 \
	--every 5 -o k.sample.lines k.plm
"$PLMEM" sample -t "$T" --quiet --start "$K" --symmetrize --order random --beta 0.5 --sweeps 30 --every 3 \
	--burn-in 9 --stats "$K" --theta 0 --stats-tsv k.stats2 -o k.sample2 k.plm

# relax: repeats across batches, parallel updates, lines, symmetrized couplings, random order
"$PLMEM" relax -t "$T" --quiet --noise 0.1 --repeats 5000 --update parallel --max-sweeps 4 \
	--out-format lines --tsv k.relax.tsv -o k.relax.txt k.plm <(zcat "$K" | head -n 4)
"$PLMEM" relax -t "$T" --quiet --symmetrize --order random --seed 9 -o k.relax.fa k.plm "$K"

# generate: features with tests and the features, numbers; ea with every output
"$PLMEM" generate -N 40 -P 20 -D 10 --lf 3 -s 3 --test 5 --test-out f.test --features f.feat \
	--coefficients f.coef -f fasta -o f.train features
"$PLMEM" generate -N 30 -P 10 -s 4 -f numbers -o r.num random
"$PLMEM" generate -t "$T" --side 4 -P 40 --test 10 --test-out ea.test --temps 3 --chains 2 --equil 50 \
	--thin 5 --couplings ea.plm --matrix ea.mat --log ea.log -o ea.train ea 2>/dev/null
"$PLMEM" export ea.plm | grep -v '^#' >ea.export
rm -f ea.plm k.plm
echo "identity_cmds.sh: outputs of $PLMEM in $OUT"
