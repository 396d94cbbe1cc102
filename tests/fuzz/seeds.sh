#!/bin/bash
# seeds.sh PLMEM OUT [SHARED]: assemble the fuzzers' seed corpus in OUT/<target>/ from the
# shared data (SHARED, default ../shared/data next to the source tree), data/ and the test
# table tests/cli.tsv.  Every seed is small (the heads of the shared alignments, models of a
# few positions made by PLMEM, at most 64 KiB each) and starts with the target's option bytes
# (see the comment at the top of tests/fuzz/<target>.c).  Used by tests/fuzz/run.sh.
set -eu  # (no pipefail: head and awk close their pipes early)
PLMEM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUT=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${3:-${PLMEM_SHARED:-$SRC/../shared/data}}
MAX=65536
mkdir -p "$OUT"/{msa,model,weights,import,options,idx,mutlist}
OUT=$(cd "$OUT" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# seed TARGET NAME OPTION-BYTES (printf escapes) [FILE, or standard input]
seed() {
	local t=$1 name=$2 opt=$3 f=${4:--}
	{ printf "$opt"; cat "$f"; } | head -c $MAX >"$OUT/$t/$name"
}
# the first N records of a FASTA-like file (plain or gzip) / the first N lines
head_records() { zcat -f "$1" | awk -v n="$2" '/^>/ { k++ } k > n { exit } { print }'; }

# ---- msa: option bytes: format (0 auto), alphabet, unknown/filters (see msa.c)
for f in "$SRC"/data/*.fasta "$SHARED"/msa/*.fasta "$SHARED"/msa/*.fasta.gz "$SHARED"/msa/*.a2m \
         "$SHARED"/msa/*.a3m; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	head_records "$f" 12 >h
	seed msa "$b" '\0\0\0' h
	seed msa "$b.gzip" '\010\0\0' h               # gzip-wrapped by the target
	gzip -c h >h.gz && seed msa "$b.gz" '\0\0\0' h.gz   # a gzip file as it is
done
for f in "$SHARED"/msa/*.sto "$SHARED"/msa/*.sto.gz; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	zcat -f "$f" | head -c 6000 >h
	seed msa "$b" '\0\0\0' h
	seed msa "$b.forced" '\004\0\0' h
done
if [ -e "$SHARED"/msa/potts3.a2m ]; then
	head_records "$SHARED"/msa/potts3.a2m 10 | seed msa potts3.custom '\0\005\0'
fi
if [ -e "$SHARED"/msa/dhfr.a2m ]; then
	head_records "$SHARED"/msa/dhfr.a2m 10 | seed msa dhfr.focus '\0\0\100'       # --focus the first
	head_records "$SHARED"/msa/dhfr.a2m 10 | seed msa dhfr.filters '\002\0\131'   # a2m, gaps, filters
fi
head_records "$SRC"/data/ras_PF00071.fasta 8 | tr -d '>' | grep -v '/' | seed msa ras.lines '\005\0\0'
"$PLMEM" generate random -N 24 -P 12 --seed 1 -o p.txt
seed msa binary.lines '\0\0\0' p.txt
seed msa binary.forced '\005\004\0' p.txt
"$PLMEM" generate random -N 16 -P 8 --seed 2 -f numbers -o p.num
seed msa binary.numbers '\0\0\0' p.num
"$PLMEM" generate random -N 16 -P 8 --seed 3 -f fasta -o p.fa
seed msa binary.fasta '\0\004\0' p.fa

# ---- model and import: models of a few positions (J is 4 L^2 q^2 bytes)
printf '>a first\nACDEhik\n>b\nAC-Dik\n>c\nAXDEhk.\n>d\nW-DFh.k\n>e\nACD-.ik\n' >tiny.a2m
"$PLMEM" fit --quiet --max-iter 3 -o prot.plm tiny.a2m
"$PLMEM" fit --quiet --max-iter 3 --focus a -o focus.plm tiny.a2m
"$PLMEM" fit --quiet --max-iter 3 --symmetric -o sym.plm tiny.a2m
"$PLMEM" generate random -N 8 -P 20 --seed 4 -o b.txt
"$PLMEM" fit --quiet --alphabet binary -o bin.plm b.txt
"$PLMEM" fit --quiet --alphabet binary --rule hebb -o hebb.plm b.txt
printf '>x\n_^*_^\n>y\n^^*__\n>z\n**_^_\n' >p3.a2m
"$PLMEM" fit --quiet --alphabet '_^*' --max-iter 2 -o p3.plm p3.a2m
for m in prot focus sym bin hebb p3; do
	seed model "$m.plm" '\0' "$m.plm"
	seed model "$m.repair" '\001' "$m.plm"
	"$PLMEM" export --format plmc -o "$m.params" "$m.plm"
	seed import "$m.params" '\0' "$m.params"
	seed import "$m.params.forced" '\001' "$m.params"
	seed import "$m.params.repair" '\011' "$m.params"
	gzip -c "$m.params" >"$m.params.gz" && seed import "$m.params.gz" '\0' "$m.params.gz"
done
# a model of format version 1 (no statistics section) and plmc's own file of a focus alignment
# (weights, frequencies, skipped sequences): tests/data
seed model v1_focus.plm '\0' "$SRC"/tests/data/v1_focus.plm
seed model v1_focus.repair '\001' "$SRC"/tests/data/v1_focus.plm
seed import focus_plmc.params '\0' "$SRC"/tests/data/focus_plmc.params
seed import focus_plmc.params.repair '\011' "$SRC"/tests/data/focus_plmc.params
# CCMpred raw text: 3 positions cut from the shared one (fields, then the pair blocks)
if [ -e "$SHARED"/ref/kunitz_small_ccmpred.raw.gz ]; then
	zcat "$SHARED"/ref/kunitz_small_ccmpred.raw.gz | awk '
		!/^#/ && !pairs { if (++n <= 3) print; next }
		/^#/ { pairs = 1; split($0, f, " "); keep = (f[2] < 3 && f[3] < 3); if (keep) print; next }
		keep { print }' >c.raw
	seed import ccmpred3.raw '\0' c.raw
	seed import ccmpred3.raw.forced '\002' c.raw
	seed import ccmpred3.raw.gzip '\004' c.raw
fi

# ---- weights: for the target's fixture (s1 ... s5, s3 dropped)
printf 's1\t0.5\ns2\t0.5\ns3\t0\tdropped:unknown-letter\ns4/2-6\t1\ns5\t1\n' | seed weights named ''
printf '# plmc weights\n1\n0.5\n0\n1e-3\n 2 \n' | seed weights numbers ''
[ -e "$SHARED"/ref/dhfr_plmc_weights.txt ] && head -c 400 "$SHARED"/ref/dhfr_plmc_weights.txt | seed weights plmc ''

# ---- mutlist: mutant lists as they are (no option bytes): the head of the shared scan, and
# hand-made lists with the forms the reader takes (comments, a header, multiple mutants, ':')
if [ -f "$SHARED"/dms/GAL4_YEAST_Kitzman2015.csv ]; then
	head -40 "$SHARED"/dms/GAL4_YEAST_Kitzman2015.csv >m && seed mutlist gal4_head '' m
fi
printf '# a comment\nmutant\tscore\nA2V\t0.5\nK5R:L7I\t-1.2\n\nW10*\t0\n' >m && seed mutlist tsv '' m
printf 'mutant,effect\r\nG3A,1\r\nG3A,2\r\nX9Y,NA\r\n' >m && seed mutlist csv_crlf '' m
printf 'A2V\nK5R L7I\n' >m && seed mutlist bare '' m

# ---- idx (MNIST IDX3): 2 or 3 images of 28 x 28 (or 6 x 5) bytes, pixels from data/'s text
printf '\0\0\010\003\0\0\0\002\0\0\0\034\0\0\0\034' >i.idx && head -c 1568 "$SRC"/data/ras_PF00071.fasta >>i.idx
seed idx mnist2 '\0' i.idx
seed idx mnist2.gzip '\001' i.idx
seed idx mnist2.nodeskew '\002' i.idx
printf '\0\0\010\003\0\0\0\003\0\0\0\006\0\0\0\005' >j.idx && head -c 90 /dev/zero | tr '\0' '\377' >>j.idx
seed idx small3.crop5 '\014' j.idx

# ---- options: the command lines of tests/cli.tsv (up to the first shell operator); byte 0 is
# the subcommand's index in plmem -h's list, the arguments are separated by NUL bytes
"$PLMEM" -h | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 } on && !NF { exit }' >subs
awk -F '\t' '!/^#/ { print $4 }' "$SRC"/tests/cli.tsv |
	grep -o '\$PLMEM [a-z][a-z]*[^;&|>]*' | sed 's/^\$PLMEM //' | sort -u | head -400 >lines
k=0
set +u  # the lines name $DATA, $SHARED...: they expand to nothing
while read -r sub rest; do
	idx=$(awk -v s="$sub" '$1 == s { print NR - 1; exit }' subs)
	[ -n "$idx" ] || continue
	k=$((k + 1))
	{ printf "\\$(printf %03o "$idx")"; eval "set -- $rest" 2>/dev/null || set --; for a in "$@"; do printf '%s\0' "$a"; done; } \
		>"$OUT/options/cli$k"
done <lines
set -u
# a libFuzzer dictionary of every option name (from each subcommand's -h)
while read -r sub; do
	"$PLMEM" "$sub" -h | grep -o -- '--[a-z][a-z0-9-]*\|^  -[a-zA-Z],' | tr -d ','
done <subs | sort -u | awk '{ printf "\"%s\"\n", $1 }' >"$OUT/options.dict"
awk '{ printf "\"%s\"\n", $1 }' subs >>"$OUT/options.dict"
for w in auto fasta a2m a3m stockholm lines numbers protein rna dna binary gap drop reject plm hebb plmc ccmpred \
         random features ea mnist sequential parallel matrix casp - 0 1 0.5 1e9 -1 nan inf; do
	printf '"%s"\n' "$w"
done >>"$OUT/options.dict"
printf '"%s"\n' '# STOCKHOLM 1.0' '#=GF ID x' '#=GS' '#=GR' '#=GC SS_cons' '//' '>' '\x0a>' '/1-10' \
	'\x1f\x8b\x08\x00' '+1' '-1' '\x0d\x0a' >"$OUT/msa.dict"
echo "seeds.sh: $(find "$OUT" -mindepth 2 -type f | wc -l) seeds in $OUT ($(du -sk "$OUT" | cut -f1) KiB)"
