#!/bin/bash
# outside_programs.sh - `hotlint run --cpuprofile` sampling from outside (perf
# events read by hotlint, nothing loaded into the program) on what the
# in-process sampler cannot profile, and the in-process fallback:
# busybox-static; programs that leave by _exit, SIGTERM or abort; xz -T2,
# whose workers block signals; perl and python3 holding 200 MB, then exec;
# `git gc` with --cpuprofile-fork; short programs 20 times each (exit status
# and stdout as unprofiled, every profile read by `go tool pprof`) outside and
# with the timer fallback forced; callers kept on -O2 code without frame
# pointers; symbols cached per build id; the fallback where a seccomp filter
# refuses perf_event_open.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for tool in busybox xz perl git go dash; do
    command -v $tool >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
file -L "$(command -v busybox)" | grep -q 'statically linked' ||
    fail "busybox is not the static one (busybox-static, scripts/install-deps.sh)"
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" GO111MODULE=off GOFLAGS=
unset HOTLINT_CPUPROFILE_MODE
cd "$tmp"

# samples PROFILE: the number of samples in it ("" when pprof cannot read it).
samples() { "$HOTLINT" top -n 1 --sample-index samples "$1" 2>/dev/null | sed -n 's/.* of \([0-9]*\) total/\1/p'; }
# cum PROFILE FUNCTION: FUNCTION's cum% of the samples (0 when absent).
cum() {
    "$HOTLINT" top --cum -n 0 --sample-index samples "$1" 2>/dev/null |
        awk -v f="$2" '$6 == f { sub("%", "", $5); print $5; found = 1 } END { if (!found) print 0 }'
}
mode_of() { go tool pprof -comments "$1" 2>/dev/null | sed -n 's/^hotlint cpu profiler: mode \([a-z_]*\).*/\1/p'; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

# busybox-static: no dynamic loader, nothing could be preloaded.
"$HOTLINT" run --hz 1000 --cpuprofile bb.prof -- busybox sh -c \
    'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done' 2>err || fail "busybox: status $?: $(cat err)"
n=$(samples bb.prof)
[ -n "$n" ] && [ "$n" -gt 50 ] || fail "busybox-static: $n samples, expected > 50: $(cat err)"
[ "$(mode_of bb.prof)" = outside ] || fail "busybox-static: profile mode '$(mode_of bb.prof)', expected outside"

# Leaving without exit handlers, or killed: the profile is written by hotlint.
for how in _exit term abort exit; do
    want=$("$LEAVE" $how 2>/dev/null)
    want_rc=$?
    rm -f leave.prof
    got=$("$HOTLINT" run --cpuprofile leave.prof -- "$LEAVE" $how 2>err)
    rc=$?
    [ $rc -eq $want_rc ] || fail "leave $how: status $rc, unprofiled $want_rc"
    [ "$got" = "$want" ] || fail "leave $how: output '$got', unprofiled '$want'"
    [ -s leave.prof ] || fail "leave $how: no profile written: $(cat err)"
    at_least "$(cum leave.prof work)" 90 || fail "leave $how: work() has $(cum leave.prof work)% of the samples, expected >= 90"
done

# Symbols are cached per build id: the first run fills the cache, the second
# reads its frames from there (a name changed in the cache shows up). At
# 1000 Hz each run samples every instruction of work()'s short loop many
# times, so the second run meets the addresses the first one cached.
export XDG_CACHE_HOME="$tmp/xdg"
unset HOTLINT_CACHE_DIR
"$HOTLINT" run --hz 1000 --cpuprofile c1.prof -- "$LEAVE" exit >/dev/null 2>err || fail "cache run 1: $(cat err)"
id=$(file -L "$LEAVE" | sed -n 's/.*BuildID\[sha1\]=\([0-9a-f]*\).*/\1/p')
[ -n "$id" ] && [ -s "$XDG_CACHE_HOME/hotlint/symbols/$id" ] || fail "no symbol cache for $LEAVE ($id): $(ls -R "$XDG_CACHE_HOME")"
grep -q "	work	" "$XDG_CACHE_HOME/hotlint/symbols/$id" || fail "the cache does not name work()"
sed -i 's/\twork\t/\twork_from_cache\t/' "$XDG_CACHE_HOME/hotlint/symbols/$id"
"$HOTLINT" run --hz 1000 --cpuprofile c2.prof -- "$LEAVE" exit >/dev/null 2>err || fail "cache run 2: $(cat err)"
at_least "$(cum c2.prof work_from_cache)" 50 || fail "the second run did not take its symbols from the cache"
HOTLINT_SYMBOL_CACHE=0 "$HOTLINT" run --cpuprofile c3.prof -- "$LEAVE" exit >/dev/null 2>err
at_least "$(cum c3.prof work)" 90 || fail "HOTLINT_SYMBOL_CACHE=0 still read the cache"
unset XDG_CACHE_HOME

# xz -T2: the workers block every signal, yet most samples are theirs.
head -c 3000000 /dev/urandom | base64 >data.txt
"$HOTLINT" run --hz 1000 --cpuprofile xz.prof -- xz -T2 -3 --block-size=1MiB -c data.txt >data.xz 2>err ||
    fail "xz: status $?: $(cat err)"
xz -dc data.xz | cmp -s - data.txt || fail "xz: the profiled run's output does not decompress to its input"
at_least "$(cum xz.prof __clone3)" 80 ||
    fail "xz -T2: $(cum xz.prof __clone3)% of the samples in worker threads (under __clone3), expected >= 80"

# perl and python3 holding 200 MB, then exec (the in-process sampler's hardest case).
for prog in perl python3; do
    case $prog in
    perl) cmd=(/usr/bin/perl -e '$a = "x" x (200 << 20); $s = 0; $s += $_ for 1 .. 2000000; exec "/bin/echo", "done $s"') ;;
    python3) cmd=(/usr/bin/python3 -c 'import os; a = bytearray(200 << 20); s = sum(range(2000000)); os.execv("/bin/echo", ["echo", "done", str(s)])') ;;
    esac
    want=$("${cmd[@]}")
    for mode in outside timer; do
        got=$(HOTLINT_CPUPROFILE_MODE=$mode "$HOTLINT" run --cpuprofile $prog.prof -- "${cmd[@]}" 2>err)
        rc=$?
        [ $rc -eq 0 ] && [ "$got" = "$want" ] || fail "$prog ($mode): status $rc, output '$got', unprofiled '$want': $(cat err)"
        n=$(samples $prog.prof)
        [ -n "$n" ] && [ "$n" -gt 5 ] || fail "$prog ($mode): $n samples, expected > 5"
    done
done

# A CPU and heap profile of perl, sampled from outside and by the in-process
# timers: the heap profiler runs in the program (preloaded) and writes its
# profile at exit; none of its work is in the CPU profile (no hl_* function,
# no libdw or zlib frame: in process the timers are disarmed before the heap
# profile is built), and the heap profile's leaves are perl's own allocating
# functions.
for mode in outside timer; do
    "$HOTLINT" run --cpuprofile-mode $mode --cpuprofile pc.prof --memprofile pm.prof \
        --memprofile-rate 4096 -- /usr/bin/perl -e \
        'my @a; for my $i (1 .. 300000) { push @a, "x" x ($i % 200) } my $s = 0; $s += length for @a; print "$s\n"' \
        >out 2>err || fail "perl cpu+heap ($mode): status $?: $(cat err)"
    [ "$(cat out)" = 29850000 ] || fail "perl cpu+heap ($mode): output $(cat out)"
    go tool pprof -traces pc.prof >traces 2>go.err || fail "perl cpu+heap ($mode): $(cat go.err)"
    own=$(grep -cE '(^| )(hl_|dwfl_|dwarf_|inflate|deflate|crc32)' traces)
    [ "$own" -eq 0 ] || fail "perl cpu+heap ($mode): $own frames of the profiler's own work in the CPU profile: $(grep -E '(^| )(hl_|dwfl_|dwarf_|inflate|deflate|crc32)' traces | sort | uniq -c)"
    grep -q "Perl_" traces || fail "perl cpu+heap ($mode): no perl function in the CPU profile"
    n=$(samples pc.prof)
    [ -n "$n" ] && [ "$n" -gt 10 ] || fail "perl cpu+heap ($mode): $n CPU samples"
    leaf=$("$HOTLINT" top -n 1 --sample-index alloc_space pm.prof | awk '/flat%/ { getline; print $6 }')
    [ "${leaf#Perl_}" != "$leaf" ] || fail "perl heap profile ($mode): top leaf '$leaf', expected a Perl_ allocating function"
done

# git gc with --cpuprofile-fork: one profile per process that ran git's code.
git init -q repo && cd repo || fail "git init"
for i in $(seq 300); do echo "file $i $RANDOM" >"f$i"; done
git add . && git -c user.name=t -c user.email=t@t commit -qm one || fail "git commit"
loose=$(git count-objects | cut -d' ' -f1)
[ "$loose" -gt 100 ] || fail "git: only $loose loose objects to pack"
"$HOTLINT" run --cpuprofile-fork --cpuprofile "$tmp/gc.prof" -- git gc -q 2>"$tmp/err" ||
    fail "git gc: status $?: $(cat "$tmp/err")"
[ "$(git count-objects | cut -d' ' -f1)" -eq 0 ] || fail "git gc left loose objects"
cd "$tmp"
ls gc.prof.* >/dev/null 2>&1 || fail "git gc --cpuprofile-fork: no profile of a forked process: $(ls)"
for f in gc.prof gc.prof.*; do
    go tool pprof -top "$f" >/dev/null 2>go.err || fail "git gc: go tool pprof rejected $f: $(cat go.err)"
done

# Short programs, 20 times each, outside and in process (timer forced).
shorts=(
    "/bin/true"
    "/bin/echo short"
    "dash -c 'echo dash; exit 3'"
    "busybox echo static"
    "/usr/bin/python3 -c 'print(6 * 7)'"
)
for c in "${shorts[@]}"; do
    want=$(bash -c "$c" 2>/dev/null)
    want_rc=$?
    for mode in outside timer; do
        for n in $(seq 20); do
            [ $mode = timer ] && [ "${c%% *}" = busybox ] && continue # static: nothing to preload
            rm -f s.prof
            got=$(eval "HOTLINT_CPUPROFILE_MODE=$mode \"\$HOTLINT\" run --hz 1000 --cpuprofile s.prof -- $c" 2>err)
            rc=$?
            [ $rc -eq $want_rc ] || fail "'$c' ($mode, run $n): status $rc, unprofiled $want_rc: $(cat err)"
            [ "$got" = "$want" ] || fail "'$c' ($mode, run $n): output '$got', unprofiled '$want'"
            if [ $mode = timer ] && [ "${c%% *}" = dash ]; then
                # dash leaves by _exit: in process there is no profile, and hotlint says so.
                [ ! -e s.prof ] && grep -q 'no CPU profile was written' err ||
                    fail "'$c' ($mode, run $n): no profile and no word of it: $(cat err)"
                continue
            fi
            go tool pprof -raw s.prof >/dev/null 2>go.err || fail "'$c' ($mode, run $n): go tool pprof: $(cat go.err)"
            [ "$(mode_of s.prof)" = "$([ $mode = outside ] && echo outside || echo timer_create)" ] ||
                fail "'$c' ($mode): the profile says mode '$(mode_of s.prof)'"
        done
    done
done

# -O2 without frame pointers: unit()'s samples keep their callers (CFI).
"$HOTLINT" run --hz 1000 --cpuprofile mix.prof -- "$CPU_MIX_NOFP" 3000 >/dev/null 2>err || fail "cpu_mix: $(cat err)"
total=0
for f in heavy_sixty medium_thirty light_ten; do total=$(awk -v a=$total -v b="$(cum mix.prof $f)" 'BEGIN { print a + b }'); done
# Measured against unit()'s own samples: the program's clock reads between
# calls (thread_cpu_ns, in worker) are not unit()'s and grow on a busy machine.
unit_cum=$(cum mix.prof unit)
at_least "$unit_cum" 80 || fail "cpu_mix: unit() holds $unit_cum% of the samples, expected most of them"
at_least $total "$(awk -v u="$unit_cum" 'BEGIN { print u * 0.95 }')" ||
    fail "-fomit-frame-pointer: the three callers of unit() hold $total% of the samples, unit() $unit_cum%: expected >= 95% of unit()'s"
at_least "$(cum mix.prof heavy_sixty)" 52 || fail "heavy_sixty cum $(cum mix.prof heavy_sixty)%, expected about 60"

# perf_event_open refused (a seccomp filter): the in-process sampler takes over
# and says so; demanding outside then is an error.
got=$("$NO_PERF" "$HOTLINT" run --cpuprofile fb.prof -- "$LEAVE" exit 2>err)
[ $? -eq 0 ] && [ "$got" = left ] || fail "fallback: status or output '$got': $(cat err)"
grep -q 'in-process sampler' err || fail "fallback: stderr does not say which sampler ran: $(cat err)"
m=$(mode_of fb.prof)
[ "$m" = perf_event ] || [ "$m" = timer_create ] || fail "fallback: profile mode '$m'"
"$NO_PERF" "$HOTLINT" run --cpuprofile-mode outside --cpuprofile x.prof -- /bin/true 2>err
[ $? -eq 2 ] || fail "--cpuprofile-mode outside where refused: status not 2"
grep -q 'perf events are refused' err || fail "--cpuprofile-mode outside where refused: $(cat err)"
echo ok
