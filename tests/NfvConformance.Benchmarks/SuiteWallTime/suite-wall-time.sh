#!/usr/bin/env bash
# Suite wall time of `nfvc run` (basic, then high-performance, the emulator, the repository's features) on this tree
# against a base commit, side by side in one run: each round runs both sides, in alternating order (ABBA), so load
# that comes and goes on the machine falls on both. Prints each round, each side's median and the ratio.
# Usage: tests/NfvConformance.Benchmarks/SuiteWallTime/suite-wall-time.sh [BASE_COMMIT=299fd18] [ROUNDS=5]
set -euo pipefail
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
base="${1:-299fd18}"
rounds="${2:-5}"
work="$(mktemp -d /tmp/nfvc-suite-bench-XXXXXX)"
git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null 2>&1
cleanup() { git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

for tree in "$work/base" "$root"; do
  dotnet build "$tree/src/NfvConformance.Cli/NfvConformance.Cli.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
done

# One side, one round: both profiles back to back; prints the wall seconds.
run_side() {
  local tree="$1" start end
  start=$(date +%s.%N)
  for profile in basic high-performance; do
    (cd "$tree" && dotnet src/NfvConformance.Cli/bin/Release/net10.0/nfvc.dll run --profile "$profile" \
       --features "$tree/features" --out "$work/out-$RANDOM$RANDOM" --history none --quiet >/dev/null) || {
      echo "nfvc run failed in $tree ($profile)" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

base_times=(); head_times=()
for ((i = 1; i <= rounds; i++)); do
  if (( i % 2 )); then b=$(run_side "$work/base"); h=$(run_side "$root"); else h=$(run_side "$root"); b=$(run_side "$work/base"); fi
  base_times+=("$b"); head_times+=("$h")
  printf 'round %d  base %s %.1f s   this tree %.1f s   ratio %.3f   load %s\n' "$i" "$base" "$b" "$h" "$(echo "$h / $b" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mb=$(median "${base_times[@]}"); mh=$(median "${head_times[@]}")
printf 'median  base %s %.1f s   this tree (%s) %.1f s   ratio %.3f (goal <= 1.2)\n' "$base" "$mb" "$(git -C "$root" rev-parse --short HEAD)" "$mh" "$(echo "$mh / $mb" | bc -l)"
