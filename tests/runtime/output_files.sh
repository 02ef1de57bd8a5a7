#!/usr/bin/env bash
# Every output file (CPU and heap profiles from `hotlint run` and from the preloaded
# runtime, flame -o, --write-baseline) is written to a temporary file beside it and
# renamed: its mode is 0666 less the umask, a symlink planted at its name is replaced
# and what it points to untouched, and no temporary file is left, even on failure.
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_RT:?}" "${CPU_MIX:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
chmod 755 "$work"
export HOTLINT_CACHE=0
mkdir src
cat >src/a.c <<'C'
#include <stdio.h>
void keys(char *out, int n)
{
    char key[64];
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "user:%d", i);
        out[i] = key[5];
    }
}
C
outputs="run.prof env.prof heap.prof flame.svg flame.folded base.json"

# Writes every kind of output into directory $2 under umask $1.
produce() {
    (
        umask "$1"
        "$HOTLINT" run --hz 500 --cpuprofile "$2/run.prof" -- "$CPU_MIX" 100 >/dev/null
        LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE="$2/env.prof" "$CPU_MIX" 100 >/dev/null
        "$HOTLINT" run --memprofile "$2/heap.prof" -- "$CPU_MIX" 50 >/dev/null
        "$HOTLINT" flame "$work/ref.prof" -o "$2/flame.svg"
        "$HOTLINT" flame --folded "$work/ref.prof" -o "$2/flame.folded"
        "$HOTLINT" --no-config -q --write-baseline "$2/base.json" src
    ) || fail "writing the outputs into $2 (umask $1) failed"
}
"$HOTLINT" run --hz 500 --cpuprofile ref.prof -- "$CPU_MIX" 100 >/dev/null

for m in 077:600 022:644 027:640; do
    u=${m%:*} want=${m#*:}
    mkdir "u$u"
    produce "$u" "u$u"
    for f in $outputs; do
        got=$(stat -c %a "u$u/$f")
        [ "$got" = "$want" ] || fail "umask $u: $f has mode $got, expected $want"
    done
    [ "$(ls -A "u$u" | sort | tr '\n' ' ')" = "$(echo $outputs | tr ' ' '\n' | sort | tr '\n' ' ')" ] ||
        fail "umask $u: stray files: $(ls -A "u$u")"
done
"$HOTLINT" top u077/env.prof >/dev/null || fail "the preloaded runtime's profile does not read back"
grep -q "<svg" u077/flame.svg || fail "flame.svg is not an SVG"
ok "umask 077, 022, 027: every output is 0600, 0644, 0640, with no temporary file left"

# A symlink planted at each output's name is replaced; its target is untouched.
echo "precious contents" >victim
mkdir links
for f in $outputs; do ln -s "$work/victim" "links/$f"; done
produce 022 links
[ "$(cat victim)" = "precious contents" ] || fail "an output was written through a planted symlink"
for f in $outputs; do
    [ -f "links/$f" ] && [ ! -L "links/$f" ] || fail "links/$f: the planted symlink was not replaced"
done
ok "planted symlinks are replaced by the outputs and their target is untouched"

# Failures: a directory where the output should go (the temporary file is made, the
# rename fails), and a directory the user cannot write. Exit 2, the path named, nothing left.
mkdir -p isdir/flame.svg isdir/base.json
set +e
"$HOTLINT" flame ref.prof -o isdir/flame.svg 2>err; rc=$?
set -e
[ "$rc" = 2 ] || fail "flame -o onto a directory: exit $rc, expected 2"
grep -q "isdir/flame.svg" err || fail "flame -o onto a directory: message does not name it: $(cat err)"
set +e
"$HOTLINT" --no-config -q --write-baseline isdir/base.json src 2>err; rc=$?
set -e
[ "$rc" = 2 ] || fail "--write-baseline onto a directory: exit $rc, expected 2"
grep -q "isdir/base.json: cannot write the baseline" err || fail "baseline message: $(cat err)"
[ "$(ls -A isdir | tr '\n' ' ')" = "base.json flame.svg " ] || fail "temporary files left: $(ls -A isdir)"
[ -z "$(find isdir/flame.svg isdir/base.json -mindepth 1)" ] || fail "wrote into the directories"
ok "an output name that is a directory fails with exit 2 and leaves no temporary file"

mkdir ro
cp ref.prof ro.prof
chmod 644 ro.prof
if [ "$(id -u)" = 0 ]; then
    # root writes anywhere: an unprivileged user, with copies it can reach
    stage=$PWD/stage
    bash "$HOTLINT_SOURCE_DIR/tests/stage_unprivileged.sh" "$stage" "$CPU_MIX"
    chmod a+rx "$PWD"
    as_user() {
        HOTLINT_RULES_DIR=$stage/rules HOTLINT_RT=$stage/libhotlint-rt.so \
            setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
    }
    HL_AS_USER=$stage/hotlint
    MIX_AS_USER=$stage/$(basename "$CPU_MIX")
else
    as_user() { "$@"; }
    HL_AS_USER=$HOTLINT
    MIX_AS_USER=$CPU_MIX
fi
chmod 555 ro
set +e
as_user "$HL_AS_USER" flame ro.prof -o ro/flame.svg 2>err; rc=$?
set -e
[ "$rc" = 2 ] || fail "flame -o into a read-only directory: exit $rc, expected 2"
grep -q "hotlint flame: ro/flame.svg: cannot write: Permission denied" err || fail "flame message: $(cat err)"
cp -r src ro-src && chmod -R a+rX ro-src
set +e
as_user "$HL_AS_USER" --no-config -q --write-baseline ro/base.json ro-src 2>err; rc=$?
set -e
[ "$rc" = 2 ] || fail "--write-baseline into a read-only directory: exit $rc, expected 2"
grep -q "ro/base.json: cannot write the baseline: Permission denied" err || fail "baseline message: $(cat err)"
as_user "$HL_AS_USER" run --cpuprofile ro/run.prof -- "$MIX_AS_USER" 50 >/dev/null 2>err || true
grep -q "ro/run.prof: cannot write the CPU profile: Permission denied" err || fail "profile message: $(cat err)"
[ -z "$(ls -A ro)" ] || fail "files left in the read-only directory: $(ls -A ro)"
ok "a directory that cannot be written: exit 2 (the runtime: a message), the path named, nothing left"
harness_done
