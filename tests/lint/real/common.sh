# common.sh - shared by the real-project tests: where the fetched sources are,
# a fresh work directory in the build tree, and fail().
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
sources=${HOTLINT_TEST_SOURCES:-$HOME/.cache/hotlint-test-sources}
fail() { echo "FAIL: $*"; exit 1; }
need_sources() { # need_sources NAME: the fetched tree of NAME, or fail naming the script
    [ -f "$sources/.complete-v1" ] && [ -f "$sources/$1/compile_commands.json" ] ||
        fail "the $1 sources are missing in $sources: run scripts/fetch-test-sources.sh (scripts/install-deps.sh runs it)"
}
fresh_work() { # fresh_work NAME: an empty directory under the build tree
    work="$HOTLINT_BINARY_DIR/tests/real/$1"
    rm -rf "$work"
    mkdir -p "$work"
}
# copy_tree NAME DEST: the fetched tree, with its compile database naming DEST.
copy_tree() {
    cp -a "$sources/$1" "$2"
    sed -i "s|$sources/$1|$2|g" "$2/compile_commands.json"
}
