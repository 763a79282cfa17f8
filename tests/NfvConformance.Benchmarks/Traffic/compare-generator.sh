#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Side by side, alternately, ROUNDS times, at 64 B on a veth pair:
#   1. DPDK testpmd, net_af_packet vdev, txonly (60-byte frames = 64 B with FCS), on a veth pair in a namespace;
#      rate = frames the peer veth counted during a SECONDS_PER_RUN window / the window;
#   1x. the same with a net_af_xdp vdev (AF_XDP; skipped, with the reason, when testpmd cannot open it);
#   1-2. both again with 2 forwarding cores and 2 queues on a veth with 2 queues: af_packet one vdev with qpairs=2
#      (--nb-cores=2 --txq=2 --rxq=2); af_xdp two vdevs, on queues 0 and 1 (--nb-cores=2), because DPDK 22.11's
#      af_xdp PMD takes its queue count from the ethtool combined channels, which a veth does not report
#      (queue_count=2 fails "Failed to init internals"); on a 2-CPU host the main lcore shares CPU 0 with the first
#      forwarding core (--lcores 0@0,1@0,2@1; the main lcore only wakes to print its stats);
#   2. `nfvc bench generator --frame-size 64 --seconds SECONDS_PER_RUN --tx-only --json`: the same conditions as
#      testpmd (its own veth pair in a namespace named with its run id, nothing receiving on the peer, which drops the
#      frames at ingress; received = the peer's rx_packets);
#   2x. the same with `--method af_xdp` (the generator's managed AF_XDP sender, copy mode);
#   2-2. both again with `--threads 2` (two sender workers, one per CPU, each with its own socket / AF_XDP queue and
#      stream, on a veth pair with 2 queues);
#   3. (unless NDR=0; with NDR=0 RX=1 as well) `nfvc bench generator ... --calibrate --json`: the generator as trials use it, its own TPACKET_V3 receiver
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
# BASE=path/to/another/nfvc adds that build's one-thread runs (2 and 2x) to each round, labelled base-tx and
# base-xdp, to check a change against the build before it side by side.
# Usage (repository root, as root, after `dotnet build -c Release src/NfvConformance.Cli`; NDR=0 skips 3, 4 and 5):
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

thread_ticks() { # pid, thread name prefix -> utime+stime ticks of every such thread
  local pid=$1 name=$2 t sum=0
  for t in /proc/"$pid"/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == "$name"* ]]; then
      sum=$((sum + $(awk '{print $14 + $15}' "$t/stat")))
    fi
  done
  echo "$sum"
}

ip netns add "$NS"
ip link add "nfvc$id-ta" netns "$NS" numtxqueues 2 numrxqueues 2 type veth peer name "nfvc$id-tb" netns "$NS" numtxqueues 2 numrxqueues 2
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
for d in "nfvc$id-ta" "nfvc$id-tb" lo; do ip -n "$NS" link set "$d" up; done
rx() { ip netns exec "$NS" cat "/sys/class/net/nfvc$id-tb/statistics/rx_packets"; }

testpmd_round() { # label, method, vdevs (space-separated), forwarding cores, queues per port
  local label=$1 method=$2 cores=${4:-1} queues=${5:-1} out="$work/testpmd.out" v vdevs=()
  for v in $3; do vdevs+=(--vdev "$v"); done
  local lcores=(-l 0-1) fwd=()
  if [ "$cores" -gt 1 ]; then lcores=(--lcores "0@0,1@0,2@1"); fwd=(--nb-cores="$cores" --txq="$queues" --rxq="$queues"); fi
  ip netns exec "$NS" dpdk-testpmd --no-huge -m 512 --no-pci "${lcores[@]}" --file-prefix "nfvc$id" \
    "${vdevs[@]}" -- --forward-mode=txonly --txpkts=60 --burst=64 "${fwd[@]}" \
    --total-num-mbufs=16384 --auto-start --stats-period 1 > "$out" 2>&1 &
  local pid=$!
  sleep 2
  local worker; worker=$(pgrep -P "$pid" -x dpdk-testpmd || echo "$pid")
  local c0 r0 t0; c0=$(thread_ticks "$worker" rte-worker); r0=$(rx); t0=$(date +%s.%N)
  sleep "$RUN_SECONDS"
  local c1 r1 t1; c1=$(thread_ticks "$worker" rte-worker); r1=$(rx); t1=$(date +%s.%N)
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk -v r0="$r0" -v r1="$r1" -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v hz="$HZ" -v load="$(load)" -v label="$label" -v method="$method" -v cores="$cores" 'BEGIN {
    pk = r1 - r0; s = t1 - t0
    if (pk <= 0) { print label ": no frames counted; see its output"; exit 1 }
    printf "%-9s %-9s txonly %d core%s %6.3f Mpps  %7.1f CPU ns/frame  (%d frames in %.2f s; load %s)\n", label, method, cores, (cores > 1 ? "s" : " "), pk / s / 1e6, (c1 - c0) / hz * 1e9 / pk, pk, s, load
  }' | tee -a "$work/results" || { [ "$label" = testpmd ] && { cat "$out"; exit 1; }; echo "$label: skipped: $(grep -m1 -iE 'error|fail|cannot' "$out" || echo 'no frames')"; }
}

nfvc_round() { # label, extra args (NFVC: the build to run)
  local label=$1; shift
  local json; json=$("${NFVC_RUN:-$NFVC}" bench generator --frame-size 64 --seconds "$RUN_SECONDS" --json "$@")
  python3 - "$json" "$(load)" "$label" <<'PY' | tee -a "$work/results"
import json, sys
r = json.loads(sys.argv[1])
f = r.get("latency_floor_us")
floor = f"; latency floor p50 {f['p50']:.1f} us, min {f['min']:.1f} us, p99 {f['p99']:.1f} us" if f else ""
fb = f"; AF_XDP refused, sent by sendmmsg: {r['fallback']}" if r.get("fallback") else ""
fb += f"; AF_XDP receive refused, received by the ring: {r['rx_fallback']}" if r.get("rx_fallback") else ""
t = r.get("threads", 1)
print(f"{sys.argv[3]:<9} generator {t} thread{'s' if t > 1 else ' '}  {r['pps'] / 1e6:6.3f} Mpps  {r['tx_cpu_ns_per_packet']:7.1f} CPU ns/frame  ({r['sent']} sent, {r['received']} received, {r['lost']} lost in {r['seconds']:.2f} s{floor}{fb}; load {sys.argv[2]})")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  testpmd_round testpmd af_packet "net_af_packet0,iface=nfvc$id-ta"
  testpmd_round tpmd-xdp af_xdp "net_af_xdp0,iface=nfvc$id-ta,start_queue=0,queue_count=1"
  testpmd_round testpmd2 af_packet "net_af_packet0,iface=nfvc$id-ta,qpairs=2" 2 2
  testpmd_round tpmd-xdp2 af_xdp "net_af_xdp0,iface=nfvc$id-ta,start_queue=0,queue_count=1 net_af_xdp1,iface=nfvc$id-ta,start_queue=1,queue_count=1" 2 1
  nfvc_round nfvc-tx --tx-only
  nfvc_round nfvc-xdp --tx-only --method af_xdp
  nfvc_round nfvc-tx2 --tx-only --threads 2
  nfvc_round nfvc-xdp2 --tx-only --method af_xdp --threads 2
  if [ -n "${BASE:-}" ]; then
    NFVC_RUN=$BASE nfvc_round base-tx --tx-only
    NFVC_RUN=$BASE nfvc_round base-xdp --tx-only --method af_xdp
  fi
  if [ "${NDR:-1}" != 0 ] || [ "${RX:-0}" = 1 ]; then
    nfvc_round nfvc-rx --calibrate
    nfvc_round nfvc-rxx --calibrate --rx-method af_xdp
    nfvc_round nfvc-xrx --calibrate --method af_xdp
    nfvc_round nfvc-xxx --calibrate --method af_xdp --rx-method af_xdp
  fi
done

summary() {
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
    print(f"median Mpps: testpmd {t:.3f}, nfvc tx-only {med['nfvc-tx']:.3f} ({med['nfvc-tx'] / t:.2f}x)"
          + (f", nfvc with its receiver {med['nfvc-rx']:.3f} ({med['nfvc-rx'] / t:.2f}x)" if "nfvc-rx" in med else "") + "; goal >= 1.0x and >= 1.2 Mpps")
    print(f"median CPU ns/frame: testpmd {cmed['testpmd']:.1f}, nfvc tx-only {cmed['nfvc-tx']:.1f} ({cmed['testpmd'] / cmed['nfvc-tx']:.2f}x testpmd/nfvc)"
          + (f", with receiver {cmed['nfvc-rx']:.1f}" if "nfvc-rx" in cmed else ""))
    if "nfvc-xdp" in med:
        x = med["nfvc-xdp"]
        tx = med.get("tpmd-xdp")
        print(f"median Mpps, AF_XDP: nfvc af_xdp tx-only {x:.3f} ({x / t:.2f}x testpmd af_packet, {x / med['nfvc-tx']:.2f}x nfvc sendmmsg"
              + (f", {x / tx:.2f}x testpmd af_xdp {tx:.3f})" if tx else "; testpmd af_xdp did not run)"))
        print(f"median CPU ns/frame, AF_XDP: nfvc {cmed['nfvc-xdp']:.1f}" + (f", testpmd af_xdp {cmed['tpmd-xdp']:.1f}" if "tpmd-xdp" in cmed else ""))
    for nfvc, tpmd, what in (("nfvc-tx2", "testpmd2", "af_packet"), ("nfvc-xdp2", "tpmd-xdp2", "af_xdp")):
        if nfvc not in med:
            continue
        n, one = med[nfvc], med.get(nfvc[:-1])
        line = f"median Mpps, 2 threads / 2 cores, {what}: nfvc {n:.3f}" + (f" ({n / one:.2f}x nfvc 1 thread)" if one else "")
        if tpmd in med:
            line += f", testpmd {med[tpmd]:.3f} ({n / med[tpmd]:.2f}x testpmd 2 cores"
            line += f"; testpmd 2 cores / 1 core {med[tpmd] / med[tpmd[:-1]]:.2f}x)" if tpmd[:-1] in med else ")"
        line += f"; CPU ns/frame nfvc {cmed[nfvc]:.1f}" + (f", testpmd {cmed[tpmd]:.1f}" if tpmd in cmed else "")
        print(line + f"; >= 1.2 Mpps: {'yes' if n >= 1.2 else 'no'}")
    for new, base in (("nfvc-tx", "base-tx"), ("nfvc-xdp", "base-xdp")):
        if new in med and base in med:
            print(f"median Mpps, one thread, this build / BASE: {new} {med[new]:.3f} / {med[base]:.3f} = {med[new] / med[base]:.2f}x; CPU ns/frame {cmed[new]:.1f} / {cmed[base]:.1f}")
if "nfvc-rx" in rate:
    fmed = {k: statistics.median(v) for k, v in floor.items()}
    rows = [("sendmmsg + tpacket_v3 ring", "nfvc-rx"), ("sendmmsg + af_xdp rx", "nfvc-rxx"), ("af_xdp tx + tpacket_v3 ring", "nfvc-xrx"), ("af_xdp tx + af_xdp rx", "nfvc-xxx")]
    print("median back-to-back ceiling with the generator's own receiver (same run), and latency floor p50 at 10 kpps:")
    for name, key in rows:
        if key in rate:
            m = statistics.median(rate[key])
            print(f"  {name:<28} {m:6.3f} Mpps ({m / statistics.median(rate['nfvc-rx']):.2f}x sendmmsg + ring)  floor p50 {fmed.get(key, float('nan')):6.1f} us")
PY
}

if [ "${NDR:-1}" = 0 ]; then
  summary
  exit 0
fi

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

summary
