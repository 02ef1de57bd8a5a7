#!/usr/bin/env bash
# stage_unprivileged.sh DEST [FILE...] - copies what a test run as an
# unprivileged user needs into DEST, readable by everyone: hotlint and
# hotlint-analyzer, the runtime library, the rule catalog, and any FILE given.
# The build tree may sit under a directory only root can enter (a clone in
# `mktemp -d`), where such a user could not reach the originals.
# Run the staged copy as: HOTLINT_RULES_DIR=DEST/rules HOTLINT_RT=DEST/libhotlint-rt.so DEST/hotlint
set -euo pipefail
: "${HOTLINT:?}" "${HOTLINT_SOURCE_DIR:?}" "${HOTLINT_BINARY_DIR:?}"
dest=$1
shift
mkdir -p "$dest"
bin=$(dirname "$HOTLINT")
cp "$bin/hotlint" "$bin/hotlint-analyzer" "$dest/"
cp -L "$HOTLINT_BINARY_DIR/runtime/libhotlint-rt.so" "$dest/libhotlint-rt.so"
cp -r "$HOTLINT_SOURCE_DIR/rules" "$dest/rules"
for f in "$@"; do cp "$f" "$dest/"; done
chmod -R a+rX "$dest"
