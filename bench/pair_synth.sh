#!/bin/bash
# pair_synth.sh: two synthetic "interacting protein" families with species names, for plmem
# pair (bench and the README's data/pair_A.fasta, data/pair_B.fasta).
# Usage: bench/pair_synth.sh N SEED OUTDIR   (needs a C compiler)
# One planted family of 60 columns (bench/family.c: N sequences evolved down a tree under a
# sparse Potts model) is cut into protein A (columns 1-30) and protein B (31-60); row k is
# species k (OX=100000+k, name PROTA_Sxxxx / PROTB_Sxxxx).  The focus is the first row
# without a gap, written first in both files.  What pair must sort out:
#   k % 10 == 3  the species has no B sequence (A's row is unpaired)
#   k % 10 == 7  the species has no A sequence
#   k % 15 == 5  A holds a paralogue too: PARA_Sxxxx, species k's A row with 40% of its
#                residues redrawn (less identical to the focus than the true row, mostly)
#   k % 20 == 11 A's row has no species (no OX=, a name without _SPECIES)
# OUTDIR gets pair_A.fasta, pair_B.fasta, pair_truth.contacts (the planted pairs, numbering
# 1-60 of the paired alignment) and pair_inter.contacts (those between A and B).
# data/ holds the output of: bench/pair_synth.sh 1500 7 data (less pair_truth.contacts)
set -e
N=${1:-3000} SEED=${2:-7} OUT=${3:-.}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -std=c11 -o "$tmp/family" "$here/family.c" -lm
"$tmp/family" "$N" 60 "$SEED" "$tmp/f.fasta" "$tmp/f.contacts" 2>/dev/null
mkdir -p "$OUT"
awk '!/^#/' "$tmp/f.contacts" >"$OUT/pair_truth.contacts"
awk '($1 <= 30) != ($2 <= 30)' "$OUT/pair_truth.contacts" >"$OUT/pair_inter.contacts"
awk -v A="$OUT/pair_A.fasta" -v B="$OUT/pair_B.fasta" -v seed="$SEED" '
/^>/ { next }
{ n++; s[n] = $0; if (!f && index($0, "-") == 0) f = n }
function sp(k) { return sprintf("S%04d", k) }
function head(p, k) { return sprintf(">PROT%s_%s synthetic protein %s OS=Synthetic species %d OX=%d", p, sp(k), p, k, 100000 + k) }
END {
	srand(seed)
	aa = "ACDEFGHIKLMNPQRSTVWY"
	order[1] = f; m = 1
	for (k = 1; k <= n; k++) if (k != f) order[++m] = k
	for (r = 1; r <= n; r++) {
		k = order[r]; a = substr(s[k], 1, 30); b = substr(s[k], 31, 30)
		if (r == 1 || k % 10 != 7) {
			if (r > 1 && k % 20 == 11) printf(">UNKNOWN%d unclassified\n%s\n", k, a) >A
			else printf("%s\n%s\n", head("A", k), a) >A
		}
		if (r == 1 || k % 10 != 3) printf("%s\n%s\n", head("B", k), b) >B
		if (r > 1 && k % 15 == 5) {
			p = ""
			for (i = 1; i <= 30; i++) {
				c = substr(a, i, 1)
				if (c != "-" && rand() < 0.4) c = substr(aa, int(rand() * 20) + 1, 1)
				p = p c
			}
			printf(">PARA_%s paralogue OS=Synthetic species %d OX=%d\n%s\n", sp(k), k, 100000 + k, p) >A
		}
	}
}' "$tmp/f.fasta"
