#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Side-by-side: DPDK testpmd io forwarding, then `nfvc bench dataplane`, alternately, ROUNDS times.
#   compare-testpmd.sh        testpmd over net_null against `--chain io` (then the chain and 2-core rounds)
#   compare-testpmd.sh memif  testpmd over a net_memif pair (server and client of one socket in one testpmd,
#                             `start tx_first`) against `--chain memif`; both copy each packet into a shared slot
#                             and out into a pool buffer once per forward
# For each run it prints forwarded Mpps (wall clock, both directions), CPU ns per packet of the forwarding thread
# (utime+stime of testpmd's rte-worker thread; CLOCK_THREAD_CPUTIME_ID of nfvc's worker), which stays meaningful on a
# loaded host, and the load average.
# Usage (repository root, after `dotnet build -c Release src/NfvConformance.Cli`):
#   ROUNDS=3 SECONDS_PER_RUN=5 tests/NfvConformance.Benchmarks/Dataplane/compare-testpmd.sh [null|memif]
set -euo pipefail
PAIR=${1:-null}
case "$PAIR" in null|memif) ;; *) echo "usage: $0 [null|memif]" >&2; exit 2 ;; esac
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
NFVC=${NFVC:-src/NfvConformance.Cli/bin/Release/net10.0/nfvc}
HZ=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/nfvc-testpmd.XXXXXX)
trap 'rm -rf "$work"' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }

thread_ticks() { # pid, thread name prefix -> utime+stime ticks
  local pid=$1 name=$2 t
  for t in /proc/"$pid"/task/*; do
    if [[ "$(cat "$t/comm")" == "$name"* ]]; then
      awk '{print $14 + $15}' "$t/stat"
      return
    fi
  done
  echo 0
}

testpmd_round() {
  local fifo="$work/in" out="$work/testpmd.out" sock="$work/memif.sock"
  rm -f "$fifo" "$sock"; mkfifo "$fifo"
  if [ "$PAIR" = memif ]; then
    dpdk-testpmd --no-huge -m 512 --no-pci -l 0-1 --file-prefix "nfvcmemif$$" \
      --vdev "net_memif0,role=server,id=0,socket=$sock" --vdev "net_memif1,role=client,id=0,socket=$sock" \
      -- -i --forward-mode=io --total-num-mbufs=16384 < "$fifo" > "$out" 2>&1 &
  else
    dpdk-testpmd --no-huge -m 512 --no-pci -l 0-1 --vdev net_null0 --vdev net_null1 --file-prefix "nfvc$$" \
      -- -i --forward-mode=io --total-num-mbufs=16384 --auto-start < "$fifo" > "$out" 2>&1 &
  fi
  local pid=$!
  exec 3> "$fifo"
  if [ "$PAIR" = memif ]; then
    sleep 3
    echo "start tx_first" >&3   # the pair only forwards what one first burst put on it
    sleep 1
  else
    sleep 2
  fi
  echo "show port stats all" >&3
  local c0; c0=$(thread_ticks "$pid" rte-worker)
  local t0; t0=$(date +%s.%N)
  sleep "$RUN_SECONDS"
  echo "show port stats all" >&3
  local c1; c1=$(thread_ticks "$pid" rte-worker)
  local t1; t1=$(date +%s.%N)
  sleep 0.5
  echo "stop" >&3; echo "quit" >&3; exec 3>&-
  wait "$pid" || true
  # Two ports per `show port stats all`: the window is (3rd + 4th TX-packets) - (1st + 2nd).
  awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v hz="$HZ" -v load="$(load)" -v pair="$PAIR" '
    /TX-packets:/ && /TX-errors/ { tx[n++] = $2 }
    END {
      pk = (tx[2] + tx[3]) - (tx[0] + tx[1]); s = t1 - t0
      if (pk <= 0) { print "testpmd " pair ": no packets forwarded; see the testpmd output"; exit 1 }
      printf "testpmd %-9s %7.2f Mpps  %6.1f CPU ns/packet  (%d packets in %.2f s; load %s)\n", pair, pk / s / 1e6, (c1 - c0) / hz * 1e9 / pk, pk, s, load
    }' "$out" || { cat "$out"; exit 1; }
}

nfvc_round() {
  local args=("$@")
  local line; line=$("$NFVC" bench dataplane "${args[@]}" --seconds "$RUN_SECONDS" | head -1)
  local mpps cpu
  mpps=$(sed -E 's/.*: ([0-9.]+) Mpps.*/\1/' <<< "$line")
  cpu=$(sed -E 's/.*, ([0-9.]+) CPU ns\/packet.*/\1/' <<< "$line")
  printf "nfvc %-12s %7.2f Mpps  %6.1f CPU ns/packet  (%s; load %s)\n" "${args[1]}" "$mpps" "$cpu" "${args[*]}" "$(load)"
}

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  testpmd_round
  if [ "$PAIR" = memif ]; then nfvc_round --chain memif; else nfvc_round --chain io; fi
done
if [ "$PAIR" = null ]; then
  for r in $(seq "$ROUNDS"); do
    nfvc_round --chain fw,nat,router --flows 10000
    nfvc_round --chain fw,nat,router --flows 10000 --cores 2
    nfvc_round --chain io --cores 2
  done
fi
echo "# $(date -u +%FT%TZ) load after: $(cut -d' ' -f1-3 /proc/loadavg)"
