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
