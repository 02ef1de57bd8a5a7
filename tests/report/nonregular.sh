#!/usr/bin/env bash
# Files that are not regular files (a FIFO, a device, a socket) named on the command
# line, found in a directory or given as the baseline are refused at once with one line
# naming them: nothing blocks opening them.
set -euo pipefail
: "${HOTLINT:?}"
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../lib/harness.sh"
export HOTLINT_CACHE=0
run() { set +e; timeout 20 "$HOTLINT" --no-config -j1 "$@" >out 2>err; rc=$?; set -e; }

mkfifo fifo.c
ln -s /dev/zero zero.c
/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock.c")'
printf 'int f(void) { return 0; }\n' >ok.c

run fifo.c
[ "$rc" != 124 ] || fail "a FIFO on the command line hung lint"
[ "$rc" = 2 ] || fail "a FIFO: exit $rc, expected 2"
grep -qx "hotlint: error: fifo.c: not a regular file (a FIFO); skipped" err || fail "no message for the FIFO: $(cat err)"
ok "a FIFO named on the command line is refused without blocking"

run fifo.c zero.c sock.c ok.c
[ "$rc" = 2 ] || fail "mixed: exit $rc, expected 2"
grep -q "zero.c: not a regular file (a character device); skipped" err || fail "/dev/zero not refused: $(cat err)"
grep -q "sock.c: not a regular file (a socket); skipped" err || fail "socket not refused: $(cat err)"
grep -q "in 1 file, 3 errors" err || fail "ok.c not linted beside the refused files: $(cat err)"
ok "a device (through a symlink) and a socket are refused; the regular file is linted"

run .
[ "$rc" = 0 ] || fail "directory walk: exit $rc: $(cat err)"
ok "a directory holding a FIFO, a device link and a socket is linted without blocking"

mkfifo base.json
run --baseline base.json ok.c
[ "$rc" = 2 ] || fail "FIFO baseline: exit $rc, expected 2"
grep -q "base.json: cannot read the baseline: not a regular file" err || fail "FIFO baseline: $(cat err)"
ok "a FIFO given as the baseline is refused without blocking"
harness_done
