#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Side by side, alternately, ROUNDS times, at 64 B on a veth pair:
#   1. DPDK testpmd, net_af_packet vdev, txonly (60-byte frames = 64 B with FCS), on a veth pair in a namespace;
#      rate = frames the peer veth counted during a SECONDS_PER_RUN window / the window;
#   1x. the same with a net_af_xdp vdev (AF_XDP; skipped, with the reason, when testpmd cannot open it);
#   2. `nfvc bench generator --frame-size 64 --seconds SECONDS_PER_RUN --tx-only --json`: the same conditions as
#      testpmd (its own veth pair in a namespace named with its run id, nothing receiving on the peer, which drops the
#      frames at ingress; received = the peer's rx_packets);
#   2x. the same with `--method af_xdp` (the generator's managed AF_XDP sender, copy mode);
#   3. `nfvc bench generator ... --calibrate --json`: the generator as trials use it, its own TPACKET_V3 receiver
#      counting every frame on the peer (the veth does that receive work on the sender's core), then the latency
#      floor at 10 kpps; 3x. the same with `--rx-method af_xdp` (the AF_XDP receiver: an XDP program on the peer veth
#      redirects the frames into an AF_XDP socket), and both again with the AF_XDP sender (`--method af_xdp`): the
#      back-to-back ceiling and latency floor with each receiver, side by side in the same run.
# Each run also reports CPU ns per frame of the sending thread (testpmd's rte-worker utime+stime; nfvc's tx thread
# CLOCK_THREAD_CPUTIME_ID), which stays meaningful on a loaded host, and the load average.
# Then, with the generator (`nfvc bench generator --ndr`; its back-to-back ceiling and latency floor first):
#   4. the NDR/PDR of a kernel router namespace (ip_forward between two veths), then of the Performance scenarios'
#      one-router chain in the chain lab through the linux target's traffic facet (generator on its own CPU at SCHED_RR,
#      the chain's receive work steered to the other CPUs);
#   5. the NDR/PDR of an Open vSwitch userspace bridge (datapath_type=netdev, its own ovsdb-server and ovs-vswitchd
#      with a private run directory, one OpenFlow rule port to port) between two namespaces (skipped without OVS).
# Usage (repository root, as root, after `dotnet build -c Release src/NfvConformance.Cli`):
#   ROUNDS=3 SECONDS_PER_RUN=5 tests/NfvConformance.Benchmarks/Traffic/compare-generator.sh
set -euo pipefail
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
NFVC=${NFVC:-src/NfvConformance.Cli/bin/Release/net10.0/nfvc}
HZ=$(getconf CLK_TCK)
id=$(printf '9%04x' $((RANDOM % 65536)))
NS="nfvc$id-tpmd"
work=$(mktemp -d /tmp/nfvc-gen.XXXXXX)
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$work" "/var/run/dpdk/nfvc$id"; }
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd missing: apt-get install dpdk-dev" >&2; exit 2; }
[ -x "$NFVC" ] || { echo "$NFVC missing: dotnet build -c Release src/NfvConformance.Cli" >&2; exit 2; }

load() { cut -d' ' -f1 /proc/loadavg; }

thread_ticks() { # pid, thread name prefix -> utime+stime ticks
  local pid=$1 name=$2 t
  for t in /proc/"$pid"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == "$name"* ]]; then
      awk '{print $14 + $15}' "$t/stat"
      return
    fi
  done
  echo 0
}

ip netns add "$NS"
ip link add "nfvc$id-ta" netns "$NS" type veth peer name "nfvc$id-tb" netns "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
for d in "nfvc$id-ta" "nfvc$id-tb" lo; do ip -n "$NS" link set "$d" up; done
rx() { ip netns exec "$NS" cat "/sys/class/net/nfvc$id-tb/statistics/rx_packets"; }

testpmd_round() { # label, vdev
  local label=$1 vdev=$2 out="$work/testpmd.out"
  ip netns exec "$NS" dpdk-testpmd --no-huge -m 512 --no-pci -l 0-1 --file-prefix "nfvc$id" \
    --vdev "$vdev" -- --forward-mode=txonly --txpkts=60 --burst=64 \
    --total-num-mbufs=16384 --auto-start --stats-period 1 > "$out" 2>&1 &
  local pid=$!
  sleep 2
  local worker; worker=$(pgrep -P "$pid" -x dpdk-testpmd || echo "$pid")
  local c0 r0 t0; c0=$(thread_ticks "$worker" rte-worker); r0=$(rx); t0=$(date +%s.%N)
  sleep "$RUN_SECONDS"
  local c1 r1 t1; c1=$(thread_ticks "$worker" rte-worker); r1=$(rx); t1=$(date +%s.%N)
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v hz="$HZ" -v load="$(load)" -v label="$label" 'BEGIN {
    pk = r1 - r0; s = t1 - t0
    if (pk <= 0) { print label ": no frames counted; see its output"; exit 1 }
    printf "%-8s %-9s txonly  %6.3f Mpps  %7.1f CPU ns/frame  (%d frames in %.2f s; load %s)\n", label, (label == "testpmd" ? "af_packet" : "af_xdp"), pk / s / 1e6, (c1 - c0) / hz * 1e9 / pk, pk, s, load
  }' | tee -a "$work/results" || { [ "$label" = testpmd ] && { cat "$out"; exit 1; }; echo "$label: skipped: $(grep -m1 -iE 'error|fail|cannot' "$out" || echo 'no frames')"; }
}

nfvc_round() { # label, extra args
  local label=$1; shift
  local json; json=$("$NFVC" bench generator --frame-size 64 --seconds "$RUN_SECONDS" --json "$@")
  python3 - "$json" "$(load)" "$label" <<'PY' | tee -a "$work/results"
import json, sys
r = json.loads(sys.argv[1])
f = r.get("latency_floor_us")
floor = f"; latency floor p50 {f['p50']:.1f} us, min {f['min']:.1f} us, p99 {f['p99']:.1f} us" if f else ""
fb = f"; AF_XDP refused, sent by sendmmsg: {r['fallback']}" if r.get("fallback") else ""
fb += f"; AF_XDP receive refused, received by the ring: {r['rx_fallback']}" if r.get("rx_fallback") else ""
print(f"{sys.argv[3]:<8} generator         {r['pps'] / 1e6:6.3f} Mpps  {r['tx_cpu_ns_per_packet']:7.1f} CPU ns/frame  ({r['sent']} sent, {r['received']} received, {r['lost']} lost in {r['seconds']:.2f} s{floor}{fb}; load {sys.argv[2]})")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  testpmd_round testpmd "net_af_packet0,iface=nfvc$id-ta"
  testpmd_round tpmd-xdp "net_af_xdp0,iface=nfvc$id-ta,start_queue=0,queue_count=1"
  nfvc_round nfvc-tx --tx-only
  nfvc_round nfvc-xdp --tx-only --method af_xdp
  nfvc_round nfvc-rx --calibrate
  nfvc_round nfvc-rxx --calibrate --rx-method af_xdp
  nfvc_round nfvc-xrx --calibrate --method af_xdp
  nfvc_round nfvc-xxx --calibrate --method af_xdp --rx-method af_xdp
done

echo "--- NDR of a kernel router namespace"
"$NFVC" bench generator --ndr router --frame-size 64 --seconds "${NDR_TRIAL_SECONDS:-1}" --json | tee "$work/ndr-router.json"

echo "--- NDR of the Performance scenarios' chain (chain lab, one kernel router, the linux target's traffic facet)"
"$NFVC" bench generator --ndr chain --frame-size 64 --seconds "${NDR_TRIAL_SECONDS:-1}" --json | tee "$work/ndr-chain.json"

if command -v ovs-vswitchd >/dev/null && [ -f /usr/share/openvswitch/vswitch.ovsschema ]; then
  echo "--- NDR of an OVS userspace bridge between two namespaces"
  ovs="$work/ovs"; mkdir -p "$ovs"
  export OVS_RUNDIR="$ovs" OVS_DBDIR="$ovs" OVS_LOGDIR="$ovs"
  db="unix:$ovs/db.sock"; br="nfvc$id-br"
  ovs_cleanup() {
    ovs-vsctl --db="$db" --timeout=5 del-br "$br" 2>/dev/null || true
    for p in ovs-vswitchd ovsdb-server; do [ -f "$ovs/$p.pid" ] && kill "$(cat "$ovs/$p.pid")" 2>/dev/null || true; done
    ip link del "nfvc$id-o0" 2>/dev/null || true; ip link del "nfvc$id-o1" 2>/dev/null || true
    ip netns del "nfvc$id-oa" 2>/dev/null || true; ip netns del "nfvc$id-ob" 2>/dev/null || true
    ip link del "$br" 2>/dev/null || true
  }
  trap 'ovs_cleanup; cleanup' EXIT
  ovsdb-tool create "$ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ovsdb-server "$ovs/conf.db" --remote="punix:$ovs/db.sock" --pidfile="$ovs/ovsdb-server.pid" --detach --log-file="$ovs/ovsdb-server.log"
  ovs-vsctl --db="$db" --no-wait init
  ovs-vswitchd "$db" --pidfile="$ovs/ovs-vswitchd.pid" --detach --log-file="$ovs/ovs-vswitchd.log"
  ovs-vsctl --db="$db" add-br "$br" -- set bridge "$br" datapath_type=netdev
  for side in a b; do
    n=$([ $side = a ] && echo 0 || echo 1)
    ip netns add "nfvc$id-o$side"
    ip netns exec "nfvc$id-o$side" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip link add "nfvc$id-o$n" type veth peer name "nfvc$id-g$side" netns "nfvc$id-o$side"
    ip link set "nfvc$id-o$n" up; ip -n "nfvc$id-o$side" link set "nfvc$id-g$side" up
    ovs-vsctl --db="$db" add-port "$br" "nfvc$id-o$n"
  done
  ovs-ofctl del-flows "$br"
  ovs-ofctl add-flow "$br" "in_port=nfvc$id-o0,actions=output:nfvc$id-o1"
  sleep 1
  "$NFVC" bench generator --ndr ports --port0 "nfvc$id-oa/nfvc$id-ga" --port1 "nfvc$id-ob/nfvc$id-gb" \
    --frame-size 64 --seconds "${NDR_TRIAL_SECONDS:-1}" --json | tee "$work/ndr-ovs.json"
  ovs-ofctl dump-flows "$br" | grep -o 'n_packets=[0-9]*' | head -1 | sed 's/^/ovs flow /'
else
  echo "--- OVS not installed (apt-get install openvswitch-switch): OVS NDR skipped"
fi

python3 - "$work/results" <<'PY'
import re, statistics, sys
rate, cpu, floor = {}, {}, {}
for line in open(sys.argv[1]):
    m = re.search(r"([0-9.]+) Mpps\s+([0-9.]+) CPU", line)
    if m:
        rate.setdefault(line.split()[0], []).append(float(m.group(1)))
        cpu.setdefault(line.split()[0], []).append(float(m.group(2)))
    f = re.search(r"latency floor p50 ([0-9.]+) us", line)
    if f:
        floor.setdefault(line.split()[0], []).append(float(f.group(1)))
if "testpmd" in rate and "nfvc-tx" in rate:
    med = {k: statistics.median(v) for k, v in rate.items()}
    cmed = {k: statistics.median(v) for k, v in cpu.items()}
    t = med["testpmd"]
    print(f"median Mpps: testpmd {t:.3f}, nfvc tx-only {med['nfvc-tx']:.3f} ({med['nfvc-tx'] / t:.2f}x), nfvc with its receiver {med.get('nfvc-rx', 0):.3f} ({med.get('nfvc-rx', 0) / t:.2f}x); goal >= 1.0x and >= 1.2 Mpps")
    print(f"median CPU ns/frame: testpmd {cmed['testpmd']:.1f}, nfvc tx-only {cmed['nfvc-tx']:.1f} ({cmed['testpmd'] / cmed['nfvc-tx']:.2f}x testpmd/nfvc), with receiver {cmed.get('nfvc-rx', 0):.1f}")
    if "nfvc-xdp" in med:
        x = med["nfvc-xdp"]
        tx = med.get("tpmd-xdp")
        print(f"median Mpps, AF_XDP: nfvc af_xdp tx-only {x:.3f} ({x / t:.2f}x testpmd af_packet, {x / med['nfvc-tx']:.2f}x nfvc sendmmsg"
              + (f", {x / tx:.2f}x testpmd af_xdp {tx:.3f})" if tx else "; testpmd af_xdp did not run)"))
        print(f"median CPU ns/frame, AF_XDP: nfvc {cmed['nfvc-xdp']:.1f}" + (f", testpmd af_xdp {cmed['tpmd-xdp']:.1f}" if "tpmd-xdp" in cmed else ""))
if "nfvc-rx" in rate:
    fmed = {k: statistics.median(v) for k, v in floor.items()}
    rows = [("sendmmsg + tpacket_v3 ring", "nfvc-rx"), ("sendmmsg + af_xdp rx", "nfvc-rxx"), ("af_xdp tx + tpacket_v3 ring", "nfvc-xrx"), ("af_xdp tx + af_xdp rx", "nfvc-xxx")]
    print("median back-to-back ceiling with the generator's own receiver (same run), and latency floor p50 at 10 kpps:")
    for name, key in rows:
        if key in rate:
            med = statistics.median(rate[key])
            print(f"  {name:<28} {med:6.3f} Mpps ({med / statistics.median(rate['nfvc-rx']):.2f}x sendmmsg + ring)  floor p50 {fmed.get(key, float('nan')):6.1f} us")
PY
