#!/usr/bin/env bash
# Fetches the real-project sources the "real" tests lint (Debian's lua5.4 and
# redis source packages) once into a cache directory, with a compile database
# for each. Idempotent: a second run finds everything in place and returns at once.
#
#   DIR=${HOTLINT_TEST_SOURCES:-$HOME/.cache/hotlint-test-sources}
#   DIR/lua/      upstream Lua 5.4 (src/*.c, src/*.h), compile_commands.json by bear
#   DIR/redis/    redis as Debian ships it; compile_commands.json for src/ae.c,
#                 src/anet.c and src/zmalloc.c only (ae.c #includes ae_epoll.c,
#                 which is not a translation unit of its own)
#
# Needs deb-src entries for the archive (added to /etc/apt/sources.list.d/ when
# missing, as root or through sudo), dpkg-dev and bear (scripts/install-deps.sh).
set -euo pipefail
dir=${HOTLINT_TEST_SOURCES:-$HOME/.cache/hotlint-test-sources}
stamp="$dir/.complete-v1"
[ -f "$stamp" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
for tool in apt-get dpkg-source bear make cc; do
    command -v "$tool" >/dev/null || {
        echo "fetch-test-sources: $tool is missing (run scripts/install-deps.sh)" >&2
        exit 1
    }
done

# deb-src entries mirroring the binary ones, when the machine has none.
have_src() { apt-get source --print-uris -qq lua5.4 >/dev/null 2>&1; }
if ! have_src; then
    src_list=/etc/apt/sources.list.d/hotlint-deb-src.sources
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        # deb822: the same stanzas with Types: deb-src.
        sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
            $SUDO tee "$src_list" >/dev/null
    elif [ -f /etc/apt/sources.list ]; then
        grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
            $SUDO tee /etc/apt/sources.list.d/hotlint-deb-src.list >/dev/null
    else
        echo "fetch-test-sources: no apt sources found to derive deb-src entries from" >&2
        exit 1
    fi
    $SUDO apt-get update -q
    have_src || {
        echo "fetch-test-sources: apt-get source still finds no lua5.4 source package" >&2
        exit 1
    }
fi

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # apt-get source downloads as _apt where it can
cd "$tmp"
apt-get source --download-only -qq lua5.4 redis

# Lua: the upstream tarball, unpatched, built with bear for its database.
mkdir lua
tar xzf lua5.4_*.orig.tar.gz -C lua --strip-components=1
(cd lua && bear --output compile_commands.json -- make -s -j2 -C src posix >/dev/null)
grep -q '"file": *".*lstring.c"' lua/compile_commands.json || {
    echo "fetch-test-sources: bear recorded no compile commands for Lua" >&2
    exit 1
}
make -s -C lua/src clean >/dev/null

# redis: Debian's tree; a database for a few src/ files with the Makefile's
# own flags (building all of redis would take minutes).
dpkg-source -x -q redis_*.dsc redis >/dev/null
python3 - "$tmp/redis" <<'PY'
import json, sys
root = sys.argv[1]
src = root + "/src"
flags = ["-std=c99", "-pedantic", "-O2", "-Wall", "-W", "-Wno-missing-field-initializers",
         "-DREDIS_STATIC=", "-I../deps/hiredis", "-I../deps/linenoise", "-I../deps/lua/src",
         "-I../deps/hdr_histogram", "-I../deps/fpconv"]
db = [{"directory": src, "file": f, "arguments": ["cc"] + flags + ["-c", f, "-o", f[:-2] + ".o"]}
      for f in ("ae.c", "anet.c", "zmalloc.c")]
json.dump(db, open(root + "/compile_commands.json", "w"), indent=1)
PY

# The databases name the files where they will live.
sed -i "s|$tmp/|$dir/|g" lua/compile_commands.json redis/compile_commands.json
rm -rf "$dir/lua" "$dir/redis"
mv lua redis "$dir/"
touch "$stamp"
echo "fetch-test-sources: Lua and redis sources in $dir"
