#!/bin/bash
# scale.sh: plmem at the scale limits of issue 15, on alignments generated here (no data files):
# a synthetic alignment of L = 3,000 positions x 40 sequences through `weights` (checked
# against an independent count in awk, 1 and 2 threads identical), and `fit` at L = 3,000
# and L = 10,000 refused by its memory estimate, with the figure, before anything is
# allocated (--max-memory sets the limit, so the result does not depend on this machine).
# CI runs it in the ASan + UBSan build too.
. "$(dirname "$0")/common.sh"
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# N sequences x L columns: 4 ancestors, each residue mutated with probability 0.1 (awk, seed 3)
synth() {
	awk -v n="$1" -v L="$2" 'BEGIN {
		srand(3); a = "ACDEFGHIKLMNPQRSTVWY-"
		for (k = 0; k < 4; k++) { s = ""; for (i = 0; i < L; i++) s = s substr(a, 1 + int(21 * rand()), 1); anc[k] = s }
		for (s = 0; s < n; s++) {
			t = anc[s % 4]; line = ""
			for (i = 1; i <= L; i++) line = line (rand() < 0.1 ? substr(a, 1 + int(21 * rand()), 1) : substr(t, i, 1))
			printf ">s%d\n%s\n", s, line
		}
	}'
}
synth 40 3000 >"$TMP/l3000.fasta"
synth 40 10000 >"$TMP/l10000.fasta"

# weights at L = 3,000: 40 rows, the M_eff line, identical for 1 and 2 threads, and equal to
# 1/n_s counted by awk (identity >= 0.8 over all 3,000 columns: >= 2,400)
"$PLMEM" weights -t 1 -o "$TMP/w1" "$TMP/l3000.fasta" 2>"$TMP/err1" || bad "weights -t 1 failed: $(cat "$TMP/err1")"
"$PLMEM" weights -t 2 -o "$TMP/w2" "$TMP/l3000.fasta" 2>"$TMP/err2" || bad "weights -t 2 failed: $(cat "$TMP/err2")"
cmp -s "$TMP/w1" "$TMP/w2" || bad "weights differ between 1 and 2 threads"
grep -q 'columns: 3000 kept of 3000' "$TMP/err1" || bad "weights: not 3000 columns: $(cat "$TMP/err1")"
awk 'NR % 2 == 0 { seq[n++] = $0 } END {
	for (s = 0; s < n; s++) {
		c = 0
		for (t = 0; t < n; t++) {
			id = 0
			for (i = 1; i <= 3000; i++) id += substr(seq[s], i, 1) == substr(seq[t], i, 1)
			c += id >= 2400
		}
		printf "s%d\t%.6g\n", s, 1 / c
	}
}' "$TMP/l3000.fasta" >"$TMP/wref"
awk -F'\t' '{ printf "%s\t%.6g\n", $1, $2 }' "$TMP/w1" >"$TMP/wgot"
cmp -s "$TMP/wref" "$TMP/wgot" || bad "weights at L = 3000 differ from the count in awk: $(diff "$TMP/wref" "$TMP/wgot" | head -3)"

# fit's memory estimate refuses L = 3,000 (J = 14.79 GiB) and L = 10,000 (164.29 GiB) with the
# figures, before allocating (an allocation of J would take minutes of fitting or abort under
# ASan), and writes no model
# (outside the sanitizer build, whose shadow memory needs a large address space, the fit also
# runs under a 4 GiB address-space limit, so that a broken estimate fails fast instead of
# fitting L = 3,000; one BLAS thread, so that a many-core machine's thread stacks stay small)
limit=4194304
export OPENBLAS_NUM_THREADS=1
ldd "$PLMEM" 2>/dev/null | grep -q libasan && limit=unlimited
for case in "3000 14.79" "10000 164.29"; do
	set -- $case
	rm -f "$TMP/m.plm"
	(ulimit -v $limit; exec "$PLMEM" fit -t 2 --max-iter 0 --max-memory 2G -o "$TMP/m.plm" "$TMP/l$1.fasta") \
		>"$TMP/out" 2>"$TMP/err"
	st=$?
	[ $st = 1 ] || bad "fit at L = $1: exit status $st, expected 1"
	grep -q "fitting $1 positions (q = 21) needs about [0-9.]* GiB, $2 GiB of them for the couplings J (L x L x q x q floats), more than the 2.00 GiB of --max-memory" "$TMP/err" ||
		bad "fit at L = $1: unexpected message: $(cat "$TMP/err")"
	[ ! -e "$TMP/m.plm" ] || bad "fit at L = $1 wrote a model"
	! ls "$TMP" | grep -q '^m\.plm\.' || bad "fit at L = $1 left a temporary file"
done
# without --max-memory the limit is the physical memory: L = 10,000 (176.4 GB) is refused
# wherever it does not fit
mem=$(( $(getconf _PHYS_PAGES) * $(getconf PAGE_SIZE) ))
if [ "$mem" -lt 176400000000 ]; then
	(ulimit -v $limit; exec "$PLMEM" fit -t 2 --max-iter 0 -o "$TMP/m.plm" "$TMP/l10000.fasta") 2>"$TMP/err"
	st=$?
	[ $st = 1 ] && grep -q "164.29 GiB of them for the couplings J (L x L x q x q floats), more than this machine's" "$TMP/err" ||
		bad "fit at L = 10000 without --max-memory: status $st, $(cat "$TMP/err")"
fi
# a limit the problem fits in lets it run (L = 3,000 is not fitted here: a tiny alignment)
synth 20 30 >"$TMP/small.fasta"
"$PLMEM" fit -t 2 --quiet --max-memory 64M --max-iter 3 -o "$TMP/s.plm" "$TMP/small.fasta" && [ -s "$TMP/s.plm" ] ||
	bad "fit within --max-memory 64M failed"
# a gzip-compressed plmc file (size unknown until read) whose header announces L = 500,000,000
# (q = 2) and ends 10 bytes into the focus sequence: import must say where it ends, not allocate what
# the header announces (2.5 GB of buffers before reading them; here under a 1 GiB limit)
printf '\x00\x65\xcd\x1d\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$TMP/big.params"
head -c 20 /dev/zero >>"$TMP/big.params"
printf 'AB\x00\x00\x80\x3fABABABABAB' >>"$TMP/big.params"
gzip -f "$TMP/big.params"
rm -f "$TMP/i.plm"
[ "$limit" = unlimited ] || ilimit=1048576
(ulimit -v ${ilimit:-unlimited}; exec "$PLMEM" import --format plmc -o "$TMP/i.plm" "$TMP/big.params.gz") 2>"$TMP/err"
st=$?
[ $st = 1 ] && grep -q "truncated: the file ends at byte 56, inside the focus sequence" "$TMP/err" && [ ! -e "$TMP/i.plm" ] ||
	bad "import of a gzip plmc file announcing L = 500,000,000: status $st, $(cat "$TMP/err")"
[ $fail = 0 ] && echo "scale: weights at L = 3000 and fit's refusals at L = 3000 and 10000 as expected"
exit $fail
