#!/bin/bash
# real_programs.sh - programs no one here wrote, from Debian's packages, run
# under `hotlint run` sampling from outside (perf events read by hotlint) and,
# with the in-process sampler forced, under `hotlint run` and LD_PRELOAD in
# both of its modes (perf events and timers): bash (which
# exports its own unsetenv), a bash script that runs many commands, dash
# replacing itself by exec, make driving cc on a small tree, and python3.
# Each run: exit status and stdout identical to the unprofiled run, within a
# time limit (a hang fails), and the profile read by `go tool pprof`. (Each
# exec'ed program under --follow-exec symbolizes its own profile at exit, so
# only the exec case follows exec.)
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for tool in bash dash make cc python3 go; do
    command -v $tool >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" GO111MODULE=off GOFLAGS=
cd "$tmp"

cat >"$tmp/many.sh" <<'S'
n=0
for i in $(seq 10); do
    n=$((n + $(echo "$i" | wc -c)))
    x=$(printf '%s\n' a b c | sort -r | head -1)
done
echo "many $n $x"
S
mkdir -p "$tmp/tree"
for i in 1 2 3; do printf 'int f%d(int x) { return x * %d; }\n' $i $i >"$tmp/tree/f$i.c"; done
printf 'int f1(int);int f2(int);int f3(int);\nint main(void){return f1(1)+f2(1)+f3(1)-6;}\n' >"$tmp/tree/main.c"
printf 'prog: main.o f1.o f2.o f3.o\n\tcc -o $@ $^\n%%.o: %%.c\n\tcc -O1 -c $<\n' >"$tmp/tree/Makefile"

# name | command (run in $tmp)
cases=(
    "bash-c|bash -c 'for i in \$(seq 20000); do :; done; echo bash \$i'"
    "bash-script|bash $tmp/many.sh"
    "dash-exec|dash -c 'i=0; while [ \$i -lt 20000 ]; do i=\$((i+1)); done; exec /bin/echo dash \$i'"
    "make-cc|make -s -C $tmp/tree -B prog && $tmp/tree/prog && echo built"
    "python3|python3 -c 'print(sum(i * i for i in range(300000)))'"
)

for c in "${cases[@]}"; do
    name=${c%%|*}
    cmd=${c#*|}
    want=$(timeout 60 bash -c "$cmd" 2>/dev/null)
    want_rc=$?
    for mode in outside perf timer; do
        for n in 1 2 3; do
            follow=
            [ $name = dash-exec ] && follow=--follow-exec
            rm -f "$tmp/$name.prof"
            got=$(HOTLINT_CPUPROFILE_MODE=$mode timeout 60 "$HOTLINT" run $follow --hz 1000 \
                --cpuprofile "$tmp/$name.prof" -- bash -c "$cmd" 2>"$tmp/err")
            rc=$?
            [ $rc -eq $want_rc ] || fail "$name ($mode, run $n): status $rc, unprofiled $want_rc: $(cat "$tmp/err")"
            [ "$got" = "$want" ] || fail "$name ($mode, run $n): output '$got', unprofiled '$want'"
            [ $mode = outside ] && continue # LD_PRELOAD has the in-process sampler only
            got=$(LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE="$tmp/$name.env.prof" \
                HOTLINT_CPUPROFILE_MODE=$mode timeout 60 bash -c "$cmd" 2>"$tmp/err")
            rc=$?
            [ $rc -eq $want_rc ] || fail "$name LD_PRELOAD ($mode, run $n): status $rc, unprofiled $want_rc: $(cat "$tmp/err")"
            [ "$got" = "$want" ] || fail "$name LD_PRELOAD ($mode, run $n): output '$got', unprofiled '$want'"
        done
        if [ $mode = outside ]; then
            # Sampled from outside, hotlint writes the profile whatever the program does.
            go tool pprof -top "$tmp/$name.prof" >/dev/null 2>"$tmp/go.err" ||
                fail "$name (hotlint run, outside): go tool pprof rejected the profile: $(cat "$tmp/go.err")"
            go tool pprof -comments "$tmp/$name.prof" 2>/dev/null | grep -q "cpu profiler: mode outside" ||
                fail "$name (hotlint run, outside): the profile does not say it was taken from outside"
            continue
        fi
        [ -s "$tmp/$name.env.prof" ] || fail "$name LD_PRELOAD ($mode): no profile written"
        go tool pprof -top "$tmp/$name.env.prof" >/dev/null 2>"$tmp/go.err" ||
            fail "$name ($mode): go tool pprof rejected the profile: $(cat "$tmp/go.err")"
    done
done
echo ok
