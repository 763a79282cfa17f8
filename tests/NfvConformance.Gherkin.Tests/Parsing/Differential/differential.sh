#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Differential test of our Gherkin parser against cucumber's reference (@cucumber/gherkin on npm):
# random documents built from the corpus's lines, classic and Markdown, compared envelope by envelope (ids too).
# Usage: differential.sh [documents]   (needs node, npm, python3, and nfvc built: dotnet build src/NfvConformance.Cli)
set -euo pipefail
count="${1:-3000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
corpus="$root/../shared/gherkin-testdata"
nfvc="$root/src/NfvConformance.Cli/bin/Debug/net10.0/nfvc"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm install --silent --no-audit --no-fund @cucumber/gherkin@42.0.1 @cucumber/messages >/dev/null)
cp "$here/reference.mjs" "$work/"
python3 "$here/generate.py" "$corpus" "$work/docs" "$count"
cd "$work/docs"
node "$work/reference.mjs" *.feature *.feature.md > "$work/reference.ndjson"
"$nfvc" gherkin pickles *.feature *.feature.md > "$work/ours.ndjson" || true
python3 "$here/compare.py" "$work/reference.ndjson" "$work/ours.ndjson"
