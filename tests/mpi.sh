#!/bin/sh
# mpi.sh: fit and relax across MPI processes give the files of one process.  A real shared
# alignment fitted with mpirun -np 2 and -np 3 (oversubscribed: more ranks than cores, one and
# two threads per rank) must give the single-process model byte for byte; relax's outputs too;
# a q = 2 fit as well (rank 0 fits it alone); a rank that fails must fail the run with its message and leave no model.
# Skips (77) in a build without MPI or without mpirun; without the shared data too (a failure
# under PLMEM_REQUIRE_DATA=1, as in CI).
. "$(dirname "$0")/common.sh"
"$PLMEM" --version | grep -q '^MPI: yes' || { echo "not built --with-mpi: skipped"; exit 77; }
command -v mpirun >/dev/null 2>&1 || { echo "no mpirun: skipped"; exit 77; }
have_shared || skip_no_data "mpi.sh"
# Open MPI refuses to run as root unless told (its documented variables); here only.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
OMPI_MCA_rmaps_base_oversubscribe=1 # Open MPI 4: more ranks than cores
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe
MSA=$SHARED/msa/kunitz_PF00014.fasta.gz
fail() { echo "FAIL: $*"; exit 1; }

# Each run in its own folder with the same -o, so even the recorded command lines match (the
# threads per rank come from OMP_NUM_THREADS for the same reason).
fit() { # DIR RANKS THREADS
	d=$TMP/$1; n=$2
	mkdir -p "$d"
	if [ "$n" = 0 ]; then
		(cd "$d" && OMP_NUM_THREADS=$3 "$PLMEM" fit --quiet --max-iter 25 -o m.plm "$MSA")
	else
		(cd "$d" && OMP_NUM_THREADS=$3 mpirun -x OMP_NUM_THREADS -np "$n" "$PLMEM" fit --quiet --max-iter 25 \
			-o m.plm "$MSA")
	fi
}
fit one 0 2 || fail "single-process fit"
fit np2 2 2 || fail "mpirun -np 2 fit"
cmp "$TMP/one/m.plm" "$TMP/np2/m.plm" || fail "-np 2 differs from one process"
fit np3 3 1 || fail "mpirun -np 3 fit"
cmp "$TMP/one/m.plm" "$TMP/np3/m.plm" || fail "-np 3 (1 thread each) differs from one process"
"$PLMEM" info "$TMP/np3/m.plm" | grep -q '^L  *53$' || fail "-np 3 model unreadable"

# relax: the starts divided among 3 ranks, outputs in the order of one process
zcat "$MSA" | head -200 > "$TMP/starts.fa"
relax() { # DIR [mpirun args]
	d=$TMP/$1; shift
	mkdir -p "$d"
	(cd "$d" && "$@" "$PLMEM" relax --quiet --noise 0.2 --repeats 3 --seed 7 -o end.fa --tsv runs.tsv \
		"$TMP/one/m.plm" "$TMP/starts.fa")
}
relax r1 || fail "single-process relax"
relax r3 mpirun -np 3 || fail "mpirun -np 3 relax"
cmp "$TMP/r1/end.fa" "$TMP/r3/end.fa" || fail "relax -np 3: end states differ"
cmp "$TMP/r1/runs.tsv" "$TMP/r3/runs.tsv" || fail "relax -np 3: TSV differs"
test "$(grep -c '>' "$TMP/r3/end.fa")" = 300 || fail "relax -np 3: not 300 runs"

# q = 2 (the batched binary fit, done by rank 0 alone): random patterns, one process against two
"$PLMEM" generate -N 40 -P 30 -s 3 -o "$TMP/pat.txt" random || fail "generate"
(cd "$TMP/one" && "$PLMEM" fit --quiet -o b.plm "$TMP/pat.txt") || fail "q = 2 fit"
(cd "$TMP/np2" && mpirun -np 2 "$PLMEM" fit --quiet -o b.plm "$TMP/pat.txt") || fail "q = 2 -np 2 fit"
cmp "$TMP/one/b.plm" "$TMP/np2/b.plm" || fail "q = 2: -np 2 differs from one process"

# failures: rank 1 cannot read its alignment (an MPMD launch): the run fails, no model file
mkdir -p "$TMP/bad"
if (cd "$TMP/bad" && mpirun -np 1 "$PLMEM" fit --quiet -o m.plm "$MSA" : \
	-np 1 "$PLMEM" fit --quiet -o m.plm "$TMP/missing.fa") 2> "$TMP/bad/err"; then
	fail "a rank that cannot read its input did not fail the run"
fi
grep -q 'missing.fa' "$TMP/bad/err" || fail "the failing rank's message is missing: $(cat "$TMP/bad/err")"
test -z "$(ls "$TMP/bad" | grep -v '^err$')" || fail "a failed run left files: $(ls "$TMP/bad")"
# rank 0 cannot write: every rank fails, no file
if mpirun -np 2 "$PLMEM" fit --quiet --max-iter 2 -o "$TMP/nodir/m.plm" "$MSA" 2> "$TMP/err2"; then
	fail "writing into a missing folder did not fail"
fi
grep -q 'nodir' "$TMP/err2" || fail "no message for the unwritable model: $(cat "$TMP/err2")"
# --symmetric is one joint L-BFGS: refused across ranks, with the reason
if mpirun -np 2 "$PLMEM" fit --quiet --symmetric -o "$TMP/s.plm" "$MSA" 2> "$TMP/err3"; then
	fail "--symmetric was accepted across ranks"
fi
grep -q 'one process' "$TMP/err3" || fail "--symmetric refusal: $(cat "$TMP/err3")"
test ! -e "$TMP/s.plm" || fail "--symmetric refusal left a model"
echo "mpi: ok"
