#!/usr/bin/env bash
# Extracts a few books of the King James Bible (public domain) from Debian's bible-kjv package into the
# corpus that `rnn4j train` uses when no --text is given. Output: one verse per line without verse numbers,
# a "Book N" line before each chapter, so the model sees ordinary prose plus a little structure.
# Needs: apt-get install bible-kjv   (provides /usr/bin/bible and /usr/lib/bible.data)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=src/main/resources/org/rnn4j/corpus/kjv.txt
# book ranges as the `bible` command understands them (first verse - last verse)
books=("gen1:1-50:26" "ruth1:1-4:22" "esther1:1-10:3" "jonah1:1-4:11")
: > "$out.tmp"
for spec in "${books[@]}"; do
  # -l100000: no line wrapping; then drop blank lines and the leading verse number of each verse.
  bible -l100000 "$spec" | sed -E -e '/^[[:space:]]*$/d' -e 's/^[[:space:]]+[0-9]+ //' >> "$out.tmp"
done
mv "$out.tmp" "$out"
wc -c "$out"
