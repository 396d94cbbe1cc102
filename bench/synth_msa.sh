#!/bin/sh
# bench/synth_msa.sh N L: a synthetic protein alignment of N sequences x L columns on standard
# output (FASTA) for the MPI benchmarks: column i has a mode drawn at random; each residue is
# the mode with probability 0.7, else one of the 21 states at random (awk, seed 1).
awk -v n="${1:?N}" -v L="${2:?L}" 'BEGIN {
	srand(1); a = "ACDEFGHIKLMNPQRSTVWY-"
	for (i = 1; i <= L; i++) mode[i] = substr(a, 1 + int(21 * rand()), 1)
	for (s = 1; s <= n; s++) {
		printf ">s%d\n", s; line = ""
		for (i = 1; i <= L; i++) line = line (rand() < 0.7 ? mode[i] : substr(a, 1 + int(21 * rand()), 1))
		print line
	}
}'
