# Licensed under the Apache License, Version 2.0.
"""Writes random feature files (classic and Markdown) made of lines taken from cucumber's corpus plus edge cases."""
import glob
import os
import random
import sys

corpus, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
os.makedirs(out, exist_ok=True)


def corpus_lines(pattern):
    lines = set()
    for path in glob.glob(os.path.join(corpus, "*", pattern)):
        with open(path, encoding="utf-8") as f:
            lines.update(line.rstrip("\r") for line in f.read().split("\n"))
    return sorted(lines)


classic = corpus_lines("*.feature") + [
    '"""', "```", "```json", "| a \\", "@", "@ @", "# language: fr", "# language: zz", "Rule:", "\t", "\\", "|", "||",
    "Examples:", "Scenario Outline: <a>", "  | <a> |", "Background:", "  Given <a>", "  And x", "* y", "@t1 @t2 # c",
    "Feature: F", "Scenario: S", '    \\"\\"\\"', "  Scenario Template: t", "      | a | b |", "      | 1 | 2 |"]
markdown = corpus_lines("*.feature.md") + [
    "# Feature: F", "## Scenario: s", "## Scenario Outline: <a>", "### Examples:", "  | a |", "  | - |", "  | 1 |",
    "* Given <a>", "- When x", "+ Then y", "```", "```json", "````", "`@t` `@u`", "## Background:", "## Rule: r",
    "plain text", "    | deep |", " | shallow |", "# heading"]

for i in range(count):
    body = [random.choice(classic) for _ in range(random.randint(1, 30))]
    if random.random() < 0.7:
        body.insert(0, "Feature: fuzz %d" % i)
    sep = "\r\n" if random.random() < 0.2 else "\n"
    with open(os.path.join(out, "doc%05d.feature" % i), "w", encoding="utf-8", newline="") as f:
        f.write(sep.join(body) + (sep if random.random() < 0.5 else ""))
for i in range(count // 2):
    body = [random.choice(markdown) for _ in range(random.randint(1, 30))]
    with open(os.path.join(out, "md%05d.feature.md" % i), "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(body) + "\n")
