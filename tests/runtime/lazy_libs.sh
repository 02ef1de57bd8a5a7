#!/bin/bash
# lazy_libs.sh - libhotlint-rt.so needs neither libdw (nor libelf) nor
# libmicrohttpd (nor the TLS libraries it pulls in): they are loaded when
# their feature is first used, so a preloaded program runs with the libraries
# it asked for, and still gets symbolized CPU and heap profiles at exit.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
lazy='lib(dw|elf|microhttpd|gnutls)[.-]'

needed=$(readelf -d "$HOTLINT_RT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$needed" | grep -q '^libc\.so' || fail "readelf found no DT_NEEDED libc in $HOTLINT_RT: $needed"
bad=$(echo "$needed" | grep -E "^$lazy")
[ -z "$bad" ] || fail "libhotlint-rt.so needs $(echo $bad)"

# While it runs, the program's maps hold none of them; at exit both profiles
# are symbolized (perl's functions by name).
LD_PRELOAD="$HOTLINT_RT" HOTLINT_CPUPROFILE=c.prof HOTLINT_MEMPROFILE=m.prof \
    HOTLINT_MEMPROFILE_RATE=4096 /usr/bin/perl -e \
    'my @a; push @a, "x" x ($_ % 200) for 1 .. 300000; my $s = 0; $s += $_ for 1 .. 3000000;
     open my $f, "<", "/proc/self/maps" or die; print <$f>' >maps 2>err ||
    fail "preloaded perl: status $?: $(cat err)"
grep -q libhotlint-rt maps || fail "the runtime was not loaded: $(cat maps)"
loaded=$(grep -E "$lazy" maps)
[ -z "$loaded" ] || fail "loaded before their use: $loaded"
"$HOTLINT" top -n 0 c.prof >c.top 2>&1 || fail "c.prof: $(cat c.top)"
grep -qE ' Perl_[a-z_]+$' c.top || fail "CPU profile not symbolized: $(head -20 c.top)"
leaf=$("$HOTLINT" top -n 1 --sample-index alloc_space m.prof | awk '/flat%/ { getline; print $6 }')
[ "${leaf#Perl_}" != "$leaf" ] || fail "heap profile: top leaf '$leaf', expected a Perl_ function"

# Starting the endpoint loads libmicrohttpd (and says where it serves).
LD_PRELOAD="$HOTLINT_RT" HOTLINT_HTTP=127.0.0.1:0 /usr/bin/perl -e \
    'open my $f, "<", "/proc/self/maps" or die; print <$f>' >maps 2>err || fail "endpoint perl: $(cat err)"
grep -q 'libmicrohttpd\.so' maps || fail "the endpoint did not load libmicrohttpd: $(cat err)"
grep -q 'serving /debug/pprof/ on http://127.0.0.1:' err || fail "endpoint not started: $(cat err)"
echo "lazy_libs: ok"
