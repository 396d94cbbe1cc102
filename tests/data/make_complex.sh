#!/bin/bash
# make_complex.sh: writes the fixtures complex.pdb and complex.fasta (run once; both committed).
# complex.pdb: two chains, A (20 residues, numbered 1-20) and B (22 residues, numbered 101-122).
# Residue k of A: CA (3.8 k, 0, 0), CB (3.8 k, 1.5, 0).  Residue k of B: CA (3.8 k + 1, 7, 0.5 k),
# CB (3.8 k + 1, 5.5, 0.5 k) (glycines: no CB).  So inter-chain CB distances run from 4.1 A
# upwards, and a few pairs near the diagonal are contacts (< 8 A).
# complex.fasta: the concatenation A+B first (the reference, 42 columns), then 80 copies with
# each residue redrawn with probability 0.3 (awk srand(3)): a model to rank pairs.
set -e
cd "$(dirname "$0")"
A=MKTAYIAKQRQISFVKSHFS B=GSWLEDPKVAGKTWVNLEEAYR
awk -v A=$A -v B=$B 'BEGIN {
	split("ALA ARG ASN ASP CYS GLN GLU GLY HIS ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL", n3, " ")
	one = "ARNDCQEGHILKMFPSTWYV"
	for (k = 1; k <= 20; k++) code[substr(one, k, 1)] = n3[k]
	print "HEADER    PLMEM TEST FIXTURE: TWO CHAINS (tests/data/make_complex.sh)"
	a = 0
	for (c = 1; c <= 2; c++) {
		s = c == 1 ? A : B; ch = c == 1 ? "A" : "B"
		for (k = 1; k <= length(s); k++) {
			r = code[substr(s, k, 1)]; num = c == 1 ? k : 100 + k
			x = 3.8 * k + (c == 2); y = c == 1 ? 0 : 7; z = c == 1 ? 0 : 0.5 * k
			printf("ATOM  %5d  CA  %3s %s%4d    %8.3f%8.3f%8.3f  1.00 20.00           C\n", ++a, r, ch, num, x, y, z)
			if (r != "GLY")
				printf("ATOM  %5d  CB  %3s %s%4d    %8.3f%8.3f%8.3f  1.00 20.00           C\n", ++a, r, ch, num, x, c == 1 ? 1.5 : 5.5, z)
		}
		printf("TER   %5d      %3s %s%4d\n", ++a, r, ch, num)
	}
	print "END"
}' >complex.pdb
awk -v S=$A$B 'BEGIN {
	srand(3); aa = "ACDEFGHIKLMNPQRSTVWY"
	print ">AB_REF"; print S
	for (r = 1; r <= 80; r++) {
		t = ""
		for (k = 1; k <= length(S); k++)
			t = t (rand() < 0.3 ? substr(aa, int(rand() * 20) + 1, 1) : substr(S, k, 1))
		print ">s" r; print t
	}
}' >complex.fasta
