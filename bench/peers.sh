#!/bin/bash
# peers.sh: plmem beside plmc (and CCMpred, where a binary is given) on the shared large
# alignments and the synthetic 15,000 x 220 family of bench/family.c: CPU and wall seconds
# and peak memory of each program on the same input with the same number of threads, one
# program after the other, so that they see the same machine.
#
# Usage: bench/peers.sh PLMEM PLMC_SRC [SHARED_DATA [WORKDIR]]   (run from the source tree)
#   PLMEM      the plmem binary (its default fit: asymmetric pseudo-likelihood, lambda_J =
#              8 / M_eff, which is plmc's prior -le 16 split between the two directions)
#   PLMC_SRC   a plmc checkout (github.com/debbiemarkslab/plmc), a folder with its makefile,
#              or a bare git directory of it; it is copied to WORKDIR and built there with
#              'make all-openmp' (nothing of it enters this repository)
# Environment:
#   THREADS=2       threads for every program (plmem -t, plmc -n, CCMpred -t)
#   PLMC_OPTS       plmc's settings (default its README's: -le 16 -lh 0.01 -m 100)
#   CCMPRED=BIN     also run CCMpred (its defaults) on each alignment, converted to its
#                   one-sequence-per-line format (the columns plmem fits)
#   FAMILY=0        leave out the synthetic family (plmc takes a quarter of an hour on it)
#   ONLY=REGEX      only the rows whose name matches
#   NICE=19         run every program under nice -n NICE (for a busy machine; the lead's
#                   quiet re-run sets NICE=0)
# Output: one TSV line per run on stdout as it finishes (also WORKDIR/peers.tsv), then a
# markdown table (WORKDIR/peers.md) with the ratios plmc / plmem and CCMpred / plmem.
# Needs bash, awk, gzip, make, a C compiler and GNU time (/usr/bin/time).
set -e
PLMEM=$(readlink -f "${1:?usage: bench/peers.sh PLMEM PLMC_SRC [SHARED_DATA [WORKDIR]]}")
PLMC_SRC=${2:?usage: bench/peers.sh PLMEM PLMC_SRC [SHARED_DATA [WORKDIR]]}
SHARED=${3:-$(dirname "$0")/../../shared/data}
WORK=${4:-$(mktemp -d)}
THREADS=${THREADS:-2}
PLMC_OPTS=${PLMC_OPTS:--le 16 -lh 0.01 -m 100}
FAMILY=${FAMILY:-1}
ONLY=${ONLY:-.}
NICE=${NICE:-0}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
[ -x "$PLMEM" ] || { echo "peers.sh: $PLMEM is not executable" >&2; exit 2; }
[ -d "$SHARED/msa" ] || { echo "peers.sh: $SHARED/msa is absent" >&2; exit 77; }

# plmc: copied out of PLMC_SRC (a work tree or a bare git directory), built in WORK
build_plmc() {
	local dst=$WORK/plmc
	rm -rf "$dst"
	mkdir -p "$dst"
	if [ -f "$PLMC_SRC/makefile" ]; then
		cp -r "$PLMC_SRC"/. "$dst"
	elif git --git-dir="$PLMC_SRC" rev-parse HEAD >/dev/null 2>&1; then
		git --git-dir="$PLMC_SRC" archive HEAD | tar -x -C "$dst"
	else
		echo "peers.sh: $PLMC_SRC is neither a plmc checkout nor its git directory" >&2
		exit 2
	fi
	mkdir -p "$dst/bin"
	make -C "$dst" all-openmp >"$WORK/plmc.build.log" 2>&1 ||
		{ echo "peers.sh: plmc did not build (see $WORK/plmc.build.log)" >&2; exit 1; }
	PLMC=$dst/bin/plmc
}

# timed OUT CMD...: runs CMD under GNU time; OUT.time gets "wall user sys maxrss_kb"
timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$out.time" nice -n "$NICE" "$@" >"$out.log" 2>&1 ||
		{ echo "peers.sh: failed: $* (see $out.log)" >&2; return 1; }
}

# psicov FASTA FOCUS OUT: CCMpred's input, one sequence per line: the match columns (upper
# case and '-', insert states dropped) and, with a focus, only the columns where the focus
# (the record whose name starts with FOCUS) has a residue
psicov() {
	awk -v focus="$2" '
		function flush() { if (name != "") { n++; s[n] = seq; if (focus != "" && index(name, focus) == 1 && !f) f = n } }
		/^>/ { flush(); name = substr($1, 2); seq = ""; next }
		{ gsub(/[a-z.]/, ""); seq = seq $0 }
		END { flush()
		      for (k = 1; k <= n; k++) { out = ""
		          for (c = 1; c <= length(s[k]); c++) if (!f || substr(s[f], c, 1) != "-") out = out substr(s[k], c, 1)
		          print out } }' "$1" >"$3"
}

TSV=$WORK/peers.tsv
printf 'family\tsequences\tL\tprogram\tsettings\tcpu_s\twall_s\tpeak_MiB\n' >"$TSV"
# row NAME PROGRAM SETTINGS OUT: one TSV line from OUT.time and the fit's sizes
row() {
	read -r wall user sys rss <"$4.time"
	local cpu
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$NSEQ" "$NCOL" "$2" "$3" "$cpu" "$wall" "$((rss / 1024))" |
		tee -a "$TSV"
}

# family NAME FILE [FOCUS]: plmem, plmc and (optionally) CCMpred on FILE
family() {
	local name=$1 file=$2 focus=${3:-} base=$WORK/$1
	echo "$name" | grep -Eq -- "$ONLY" || return 0
	local in=$base.in
	case "$file" in
	*.gz) gzip -dc "$file" >"$in" ;;
	*) cp "$file" "$in" ;;
	esac
	local fopt=() popt=()
	[ -n "$focus" ] && fopt=(--focus "$focus") && popt=(-f "$focus")
	timed "$base.plmem" "$PLMEM" fit -t "$THREADS" --quiet "${fopt[@]}" -o "$base.plm" "$in"
	NSEQ=$("$PLMEM" info "$base.plm" | awk '$1 == "M" { print $2; exit }')
	NCOL=$("$PLMEM" info "$base.plm" | awk '$1 == "L" { print $2; exit }')
	row "$name" plmem "fit -t $THREADS ${fopt[*]}" "$base.plmem"
	# shellcheck disable=SC2086
	timed "$base.plmc" "$PLMC" $PLMC_OPTS -n "$THREADS" "${popt[@]}" -o "$base.params" -c "$base.ec" "$in"
	row "$name" plmc "$PLMC_OPTS -n $THREADS ${popt[*]}" "$base.plmc"
	if [ -n "${CCMPRED:-}" ]; then
		psicov "$in" "$focus" "$base.aln"
		timed "$base.ccmpred" "$CCMPRED" -t "$THREADS" "$base.aln" "$base.mat"
		row "$name" CCMpred "-t $THREADS (defaults)" "$base.ccmpred"
	fi
}

build_plmc
M=$SHARED/msa
family betalactamase_PF13354 "$M/betalactamase_PF13354.fasta"
family kunitz_PF00014 "$M/kunitz_PF00014.fasta.gz"
family GAL4_YEAST_1_b0.6 "$SHARED/dms/GAL4_YEAST_1_b0.6.a2m.gz" GAL4_YEAST/1-75
family dhfr "$M/dhfr.a2m" DYR_ECOLI
if [ "$FAMILY" = 1 ]; then
	${CC:-cc} -O2 -std=c11 -o "$WORK/family" "$here/family.c" -lm
	"$WORK/family" 15000 220 1 "$WORK/synthetic.fasta" "$WORK/synthetic.pairs"
	family "synthetic 15000x220" "$WORK/synthetic.fasta"
fi

# the markdown table: one line per family, every program's CPU and wall seconds, the ratios
awk -F'\t' -v th="$THREADS" '
	NR == 1 { next }
	{ if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
	  cpu[$1, $4] = $6; wall[$1, $4] = $7; size[$1] = $2 " x " $3; if ($4 == "CCMpred") ccm = 1 }
	function r(a, b) { return (a != "" && b > 0) ? sprintf("%.1fx", a / b) : "-" }
	function cw(f, p) { return ((f, p) in cpu) ? cpu[f, p] " / " wall[f, p] : "-" }
	END {
		printf "| family | sequences x L | plmem CPU / wall s | plmc CPU / wall s |%s plmc / plmem (CPU, wall) |%s\n",
		       ccm ? " CCMpred CPU / wall s |" : "", ccm ? " CCMpred / plmem (CPU, wall) |" : ""
		printf "|---|---|---|---|%s---|%s\n", ccm ? "---|" : "", ccm ? "---|" : ""
		for (k = 1; k <= n; k++) { f = order[k]
			printf "| %s | %s | %s | %s |", f, size[f], cw(f, "plmem"), cw(f, "plmc")
			if (ccm) printf " %s |", cw(f, "CCMpred")
			printf " %s, %s |", r(cpu[f, "plmc"], cpu[f, "plmem"]), r(wall[f, "plmc"], wall[f, "plmem"])
			if (ccm) printf " %s, %s |", r(cpu[f, "CCMpred"], cpu[f, "plmem"]), r(wall[f, "CCMpred"], wall[f, "plmem"])
			printf "\n" }
		printf "\n%s threads each; CPU = user + sys.\n", th }' "$TSV" | tee "$WORK/peers.md"
