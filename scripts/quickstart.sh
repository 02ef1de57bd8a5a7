#!/usr/bin/env bash
# Fresh Debian 12 machine to results: installs the packages, builds, lints the
# bundled corpus, then profiles every corpus program and verifies its findings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
hotlint=./build/cli/hotlint
out=build/quickstart
mkdir -p "$out"

echo "== hotlint corpus/   (static findings)"
"$hotlint" --no-cache corpus/ || [ $? -eq 1 ]

for dir in corpus/*/; do
    name=$(basename "$dir")
    [ -f "$dir/labels" ] || continue
    args=$(sed -n 's/^args[[:space:]]\+\([^#]*\).*/\1/p' "$dir/labels")
    if grep -q '^profile[[:space:]]\+heap' "$dir/labels"; then
        prof="$out/$name.mem.prof"
        echo; echo "== hotlint run --memprofile $prof -- corpus_$name $args"
        "$hotlint" run --memprofile "$prof" --memprofile-rate 1 -- "./build/corpus/corpus_$name" $args >/dev/null
    else
        prof="$out/$name.cpu.prof"
        echo; echo "== hotlint run --cpuprofile $prof --hz 10000 -- corpus_$name $args"
        "$hotlint" run --cpuprofile "$prof" --hz 10000 -- "./build/corpus/corpus_$name" $args >/dev/null
    fi
    echo "== hotlint --verify $prof $dir"
    "$hotlint" --verify "$prof" --no-cache "$dir" || [ $? -eq 1 ]
done
echo
echo "Profiles are in $out/: try '$hotlint top $out/tokenizer.cpu.prof' or"
echo "'$hotlint flame $out/tokenizer.cpu.prof -o flame.svg --findings corpus/tokenizer'."
