# Licensed under the Apache License, Version 2.0.
"""Compares two NDJSON streams of pickle / parseError envelopes file by file (as JSON, so key order is free)."""
import collections
import json
import sys


def load(path):
    by_uri = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                envelope = json.loads(line)
                kind = next(iter(envelope))
                body = envelope[kind]
                by_uri[body["uri"] if kind == "pickle" else body["source"]["uri"]].append(envelope)
    return by_uri


reference, ours = load(sys.argv[1]), load(sys.argv[2])
uris = sorted(set(reference) | set(ours))
mismatched = [u for u in uris if reference.get(u) != ours.get(u)]
lines = sum(len(v) for v in reference.values())
print(f"{len(uris)} files with output, {lines} reference envelopes, {len(mismatched)} files differ")
for uri in mismatched[:5]:
    print(f"{uri}:\n  reference {json.dumps(reference.get(uri), ensure_ascii=False)[:600]}\n  ours      {json.dumps(ours.get(uri), ensure_ascii=False)[:600]}")
sys.exit(1 if mismatched else 0)
