#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Side-by-side: DPDK testpmd io forwarding over a net_memif pair (server and client of one socket in one testpmd,
# `start tx_first`), then `nfvc bench dataplane --chain memif`, alternately, ROUNDS times. Both forward on one core:
# each packet crosses the shared memory once per forward (copy into a shared slot, copy out into a pool buffer).
# For each run it prints forwarded Mpps (both directions, wall clock), CPU ns per packet of the forwarding thread
# and the load average. Usage (repository root, after `dotnet build -c Release src/NfvConformance.Cli`):
#   ROUNDS=3 SECONDS_PER_RUN=5 tests/NfvConformance.Benchmarks/Dataplane/compare-testpmd-memif.sh
set -euo pipefail
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
NFVC=${NFVC:-src/NfvConformance.Cli/bin/Release/net10.0/nfvc}
HZ=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/nfvc-memif.XXXXXX)
trap 'rm -rf "$work"' EXIT

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

load() { cut -d' ' -f1 /proc/loadavg; }

testpmd_round() {
  local fifo="$work/in" out="$work/testpmd.out" sock="$work/memif.sock"
  rm -f "$fifo" "$sock"; mkfifo "$fifo"
  dpdk-testpmd --no-huge -m 512 --no-pci -l 0-1 --file-prefix "nfvcmemif$$" \
    --vdev "net_memif0,role=server,id=0,socket=$sock" --vdev "net_memif1,role=client,id=0,socket=$sock" \
    -- -i --forward-mode=io --total-num-mbufs=16384 < "$fifo" > "$out" 2>&1 &
  local pid=$!
  exec 3> "$fifo"
  sleep 3
  echo "start tx_first" >&3
  sleep 1
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
  awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v hz="$HZ" -v load="$(load)" '
    /TX-packets:/ && /TX-errors/ { tx[n++] = $2 }
    END {
      pk = (tx[2] + tx[3]) - (tx[0] + tx[1]); s = t1 - t0
      if (pk <= 0) { print "testpmd memif: no packets forwarded; see the testpmd output"; exit 1 }
      printf "testpmd memif     %7.2f Mpps  %6.1f CPU ns/packet  (%d packets in %.2f s; load %s)\n", pk / s / 1e6, (c1 - c0) / hz * 1e9 / pk, pk, s, load
    }' "$out" || { cat "$out"; exit 1; }
}

nfvc_round() {
  local line; line=$("$NFVC" bench dataplane --chain memif --seconds "$RUN_SECONDS" | head -1)
  local mpps cpu
  mpps=$(sed -E 's/.*: ([0-9.]+) Mpps.*/\1/' <<< "$line")
  cpu=$(sed -E 's/.*, ([0-9.]+) CPU ns\/packet.*/\1/' <<< "$line")
  printf "nfvc memif        %7.2f Mpps  %6.1f CPU ns/packet  (load %s)\n" "$mpps" "$cpu" "$(load)"
}

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  testpmd_round
  nfvc_round
done
echo "# $(date -u +%FT%TZ) load after: $(cut -d' ' -f1-3 /proc/loadavg)"
