#!/bin/bash
# identity.sh: runs weights, fit (parameters as exported text), and relax on every shared
# alignment (with and without --focus where the file has a reference row), on binary
# patterns from `plmem generate` (plm and hebb rules) and one --symmetric fit, writing
# every output under OUTDIR, so that two builds can be compared byte for byte:
#   bench/identity.sh OLD/plmem /tmp/id-old && bench/identity.sh NEW/plmem /tmp/id-new
#   diff -r /tmp/id-old /tmp/id-new && echo identical
# Provenance lines (version, command line, file paths) are left out of the compared text.
# It must not be slow: large fits stop after a few iterations (the same cap for both builds).
set -euo pipefail
PLMEM=$(realpath "$1")
OUT=${2:?usage: identity.sh PLMEM OUTDIR [DATA]}
DATA=${3:-$(dirname "$0")/../../shared/data/msa}
T=${IDENTITY_THREADS:-2}
[ -d "$DATA" ] || { echo "identity.sh: no shared data in $DATA, nothing compared"; exit 0; }
mkdir -p "$OUT"
DATA=$(realpath "$DATA")
cd "$OUT"

# name, file, max-iter, extra reading options...
run() {
	local name=$1 file=$2 iter=$3
	shift 3
	"$PLMEM" weights -t "$T" "$@" -o "$name.weights" "$file" 2>"$name.weights.err"
	"$PLMEM" fit -t "$T" --quiet --max-iter "$iter" "$@" -o "$name.plm" "$file"
	"$PLMEM" export "$name.plm" | grep -v '^#' >"$name.export"
	# relax the first sequences of the alignment with noise, in the model's alphabet
	"$PLMEM" relax -t "$T" --quiet --noise 0.1 --seed 7 --skip-bad --tsv "$name.relax.tsv" \
		-o "$name.relax.fa" "$name.plm" "$file"
	rm -f "$name.plm"
	sed -i "s#$DATA/##g" "$name.weights.err"
}

for f in "$DATA"/*; do
	b=$(basename "$f")
	case $b in
	potts3.a2m) run "$b" "$f" 500 --alphabet '_^*'
		run "$b.focus" "$f" 500 --alphabet '_^*' --focus 1 ;;
	Pkinase.sto) run "$b" "$f" 15 ;;
	betalactamase_PF13354.fasta | kunitz_PF00014.fasta.gz | kunitz_PF00014_inserts.a2m) run "$b" "$f" 40 ;;
	*) run "$b" "$f" 500 ;;
	esac
	case $b in
	dhfr.a2m) run "$b.focus" "$f" 40 --focus DYR_ECOLI/1-159 ;;
	d1nz0a_.a3m) run "$b.focus" "$f" 500 --focus d1nz0a_ ;;
	kunitz_PF00014_inserts.a2m) run "$b.focus" "$f" 40 --focus E5S5S7_TRISP/1276-1328 ;;
	esac
done

# binary patterns: random and random features, pseudo-likelihood and Hebb
"$PLMEM" generate -N 60 -P 30 -s 5 -o random.txt random
"$PLMEM" generate -N 60 -P 40 -D 20 -s 6 -o features.txt features
run random random.txt 500
run features features.txt 500
"$PLMEM" fit --quiet --rule hebb -o hebb.plm random.txt
"$PLMEM" export hebb.plm | grep -v '^#' >hebb.export
"$PLMEM" relax -t "$T" --quiet --noise 0.2 --repeats 3 --seed 2 -o hebb.relax hebb.plm random.txt
rm -f hebb.plm
# the symmetric fit
"$PLMEM" fit -t "$T" --quiet --symmetric -o sym.plm "$DATA/kunitz_small.fasta.gz"
"$PLMEM" export sym.plm | grep -v '^#' >sym.export
"$PLMEM" relax -t "$T" --quiet --symmetrize -o sym.relax sym.plm "$DATA/kunitz_small.fasta.gz"
rm -f sym.plm
echo "identity.sh: outputs of $PLMEM in $OUT"
