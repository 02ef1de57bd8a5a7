#!/usr/bin/env bash
# The result cache against a hostile checkout: a planted .hotlint-cache with symlinks
# is never used unasked and refused when configured, files outside the cache are never
# truncated or removed, and the default cache is a private, marked directory.
set -euo pipefail
: "${HOTLINT:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
unset HOTLINT_CACHE HOTLINT_CACHE_DIR
export XDG_CACHE_HOME="$work/xdg"
export HOME="$work/home"
mkdir -p home

# The victims: a file a symlinked last-clean would truncate, and a directory of
# old files (some named like cache entries) a symlinked 00/ would expose to the clean-up.
echo "precious contents" >victim
mkdir victimdir
for n in 000000000000000000000000000000 111111111111111111111111111111 notes.txt; do
    echo "keep me" >"victimdir/$n"
done
touch -d '30 days ago' victimdir/* victim
victim_sum=$(sha256sum victim victimdir/* | sha256sum)
intact() {
    [ "$(sha256sum victim victimdir/* | sha256sum)" = "$victim_sum" ] || fail "$1: a victim file changed"
    [ "$(ls victimdir | wc -l)" = 3 ] || fail "$1: a file of victimdir was removed"
}

mkdir -p repo/src repo/.hotlint-cache
cat >repo/src/a.c <<'C'
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
ln -s "$work/victim" repo/.hotlint-cache/last-clean
ln -s "$work/victimdir" repo/.hotlint-cache/00
for i in $(seq 1 255); do ln -s "$work/victimdir" "repo/.hotlint-cache/$(printf %02x "$i")"; done

lint() { set +e; (cd repo && "$HOTLINT" --no-config -j1 "$@" >"$work/out" 2>"$work/err"); rc=$?; set -e; }

# Not configured: the checkout's directory is not the cache.
lint src
[ "$rc" = 1 ] || { cat out err; fail "unconfigured run: exit $rc, expected 1 (findings)"; }
grep -q HL001 out || fail "unconfigured run: no finding"
intact "unconfigured run"
[ -L repo/.hotlint-cache/last-clean ] || fail "the planted last-clean was replaced"
grep -q "warning" err && fail "unconfigured run warned: $(cat err)"
ok "a planted .hotlint-cache is ignored when the cache is not configured there"

# The default place: $XDG_CACHE_HOME/hotlint, 0700, marked, holding the entry.
[ -d xdg/hotlint ] || fail "no cache under XDG_CACHE_HOME"
[ "$(stat -c %a xdg/hotlint)" = 700 ] || fail "default cache mode $(stat -c %a xdg/hotlint), expected 700"
head -1 xdg/hotlint/CACHEDIR.TAG | grep -qx "Signature: 8a477f597d28d172789f06886806bc55" ||
    fail "no CACHEDIR.TAG marker in the default cache"
[ "$(stat -c %a xdg/hotlint/CACHEDIR.TAG)" = 600 ] || fail "marker mode $(stat -c %a xdg/hotlint/CACHEDIR.TAG)"
n=$(find xdg/hotlint -mindepth 2 -type f | wc -l)
[ "$n" = 1 ] || fail "expected 1 entry in the default cache, found $n"
entry=$(find xdg/hotlint -mindepth 2 -type f)
[ "$(stat -c %a "$entry")" = 600 ] || fail "entry mode $(stat -c %a "$entry"), expected 600"
[ "$(stat -c %a "$(dirname "$entry")")" = 700 ] || fail "entry directory not 0700"
lint src
grep -q HL001 out || fail "warm default-cache run lost the finding"
unset XDG_CACHE_HOME
lint src
[ -f home/.cache/hotlint/CACHEDIR.TAG ] || fail "without XDG_CACHE_HOME the cache is not ~/.cache/hotlint"
[ "$(stat -c %a home/.cache)" = 700 ] || fail "a created ~/.cache is mode $(stat -c %a home/.cache), expected 700"
export XDG_CACHE_HOME="$work/xdg"
ok "the default cache is \$XDG_CACHE_HOME/hotlint (else ~/.cache/hotlint), 0700 and marked"

# Configured at the planted directory (option and variable): refused with one line,
# lint still runs and reports, the victims are untouched.
for how in option env; do
    if [ $how = option ]; then lint --cache-dir .hotlint-cache src
    else HOTLINT_CACHE_DIR=.hotlint-cache lint src; fi
    [ "$rc" = 1 ] || { cat out err; fail "$how: exit $rc, expected 1"; }
    grep -q HL001 out || fail "$how: no finding"
    grep -q "^hotlint: warning: cache directory .hotlint-cache was not made by hotlint" err ||
        fail "$how: no refusal naming the directory: $(cat err)"
    [ "$(grep -c warning err)" = 1 ] || fail "$how: expected one warning line: $(cat err)"
    intact "$how"
    [ ! -e repo/.hotlint-cache/CACHEDIR.TAG ] || fail "$how: the planted directory was marked"
done
ok "a configured directory holding symlinks is refused with a warning; victims intact"

# The cache directory itself a symlink (even to a real hotlint cache): refused.
ln -s "$work/xdg/hotlint" repo/linked-cache
lint --cache-dir linked-cache/ src
[ "$rc" = 1 ] || fail "symlinked cache: exit $rc"
grep -q "cache directory linked-cache is a symbolic link" err || fail "symlinked cache not refused: $(cat err)"
ok "a cache directory that is a symlink is refused"

# Not made by hotlint: refused, its files untouched.
mkdir repo/other && echo notes >repo/other/README
touch -d '30 days ago' repo/other/README
lint --cache-dir other src
grep -q "cache directory other was not made by hotlint (no CACHEDIR.TAG marker)" err ||
    fail "unmarked directory not refused: $(cat err)"
[ "$(ls -A repo/other)" = README ] || fail "hotlint wrote into an unmarked directory: $(ls -A repo/other)"
ok "a directory without the marker is refused"

# An empty directory is adopted (made 0700 by hand, or an empty CI cache).
mkdir -m 700 repo/empty
lint --cache-dir empty src
[ -f repo/empty/CACHEDIR.TAG ] && ! grep -q warning err || fail "an empty directory was not adopted: $(cat err)"
ok "an empty directory is adopted and marked"

# Runs that make the same new directory together all use it: none warns.
for i in 1 2 3 4 5 6; do
    (cd repo && "$HOTLINT" --no-config -j1 --cache-dir par src >/dev/null 2>"$work/par$i.err") &
done
wait
cat par*.err | grep -q warning && fail "parallel runs on a new cache warned: $(cat par*.err)"
[ "$(stat -c %a repo/par)" = 700 ] && [ -f repo/par/CACHEDIR.TAG ] || fail "parallel runs: no marked 0700 cache"
[ -z "$(find repo/par -name '.*')" ] || fail "parallel runs left temporary files: $(find repo/par -name '.*')"
ok "runs making the same new cache together all use it"

# Group- or world-writable: refused.
cp -r xdg/hotlint repo/shared && chmod 0775 repo/shared
lint --cache-dir shared src
grep -q "cache directory shared is writable by group or others (mode 0775)" err ||
    fail "group-writable cache not refused: $(cat err)"
ok "a group-writable cache directory is refused"

# Someone else's: refused (needs root to make such a directory).
if [ "$(id -u)" = 0 ]; then
    cp -r xdg/hotlint repo/theirs && chown -R 65534 repo/theirs
    lint --cache-dir theirs src
    grep -q "cache directory theirs belongs to another user" err || fail "another user's cache not refused: $(cat err)"
    ok "another user's cache directory is refused"
else
    echo "note: another user's cache not checked (needs root to chown)"
fi

# Inside a genuine cache, planted symlinks are never followed by the clean-up, and
# only regular files named as entries are removed.
c=xdg/hotlint
touch -d '30 days ago' "$c/last-clean"
rm -rf "$c/01"; ln -s "$work/victimdir" "$c/01"
mkdir -p "$c/ab"
echo stale >"$c/ab/222222222222222222222222222222"
echo mine >"$c/ab/my-notes"
ln -s "$work/victim" "$c/ab/333333333333333333333333333333"
touch -d '30 days ago' "$c/ab/222222222222222222222222222222" "$c/ab/my-notes"
touch -h -d '30 days ago' "$c/ab/333333333333333333333333333333"
lint src
[ "$rc" = 1 ] || fail "clean-up run: exit $rc"
intact "clean-up"
[ ! -e "$c/ab/222222222222222222222222222222" ] || fail "a stale entry survived the clean-up"
[ -f "$c/ab/my-notes" ] || fail "the clean-up removed a file not named as an entry"
[ -L "$c/ab/333333333333333333333333333333" ] || fail "the clean-up removed a symlink"
ok "the clean-up removes stale entries only, through no symlink"

# A planted symlinked last-clean inside the cache is not written through.
rm -f "$c/last-clean"; ln -s "$work/victim" "$c/last-clean"
lint src
intact "symlinked last-clean"
ok "a symlinked last-clean is not written through"
harness_done
