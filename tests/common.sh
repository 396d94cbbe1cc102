# common.sh: sourced by the shell tests.  Sets PLMEM, SHARED, DATA and a scratch TMP folder.
# Plain POSIX tools only (no Perl, no Python).
: "${PLMEM:?PLMEM must name the plmem binary (make check sets it)}"
SRCDIR=${PLMEM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
SHARED=${PLMEM_SHARED:-$SRCDIR/../shared/data}
DATA=$SRCDIR/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/plmem-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export PLMEM SRCDIR SHARED DATA TMP
have_shared() { test -d "$SHARED/msa"; }
# Call when the shared data a test needs is absent: exit 77 (the automake driver's SKIP), or 1
# when PLMEM_REQUIRE_DATA=1 (CI: missing data must not pass unnoticed).
skip_no_data() {
	if [ "${PLMEM_REQUIRE_DATA:-}" = 1 ]; then
		echo "FAIL: $1: $SHARED is absent and PLMEM_REQUIRE_DATA=1 (set PLMEM_SHARED)"; exit 1
	fi
	echo "SKIP: $1: $SHARED is absent"; exit 77
}
