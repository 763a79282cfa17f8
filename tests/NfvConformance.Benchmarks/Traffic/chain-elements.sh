#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0.
# Where the linux chain lab's per-packet time goes: the Performance scenarios' one-router chain (client -> steering
# namespace -> router instance -> steering namespace -> server) built by hand, as the chain lab builds it, in VARIANTS
# that each remove or change ONE element; every variant's NDR at 64 B is searched by the managed generator
# (`nfvc bench generator --ndr ports`), alternating, ROUNDS times. The generator runs on CPU 0 at SCHED_RR 10 (as
# ChainLabTraffic pins it) and the chain's receive work is steered to CPU 1 (RPS on the steering side's two links).
# For each search the script also reads CPU 1's softirq time (/proc/stat) and the frames the server end received,
# so "softirq ns/frame" is the CPU the chain spent per frame delivered (noisy on a shared host: other labs' softirq
# work on CPU 1 counts too).
#
# Variants:
#   lab        the chain as the lab built it before threaded NAPI (main 74c2cdd): steering classifier + DSCP + fwmark +
#              a set lookup, pin set and out set updated per packet; instance records every packet in `seen` and
#              counts per path code; the client and server ends record every arrival in `got` and drop; RPS to CPU 1
#   lean       lab, with the `seen` and `got` records only for probes (IP id != 0; the generator's frames carry 0)
#   no-got     lab, but the ends drop without recording (the generator's receive side)
#   no-seen    lab, but the instance does not record in `seen` (counts only)
#   no-inst-nft lab, but the instance has no nftables at all (no proof of path)
#   no-sets    lab, but the steering namespace updates neither the pin nor the out set
#   plain      no classifier, no fwmark, no policy routing, no nftables anywhere: the same three forwarding passes
#              by destination routing (the floor of this topology)
#   ct         lab, plus a conntrack rule in the instance (`ct state established,related accept`, as the firewall)
#   ct-notrack ct, with `notrack` in the instance's raw prerouting (conntrack rules then see every packet untracked)
#   gro        lab, with GRO on every veth (veth NAPI, not threaded)
#   rps-all    lab, with RPS to CPU 1 on every veth end of the chain, not only the steering side's links
#   napi       lab, with threaded NAPI on the chain's veth ends (not the generator's), the threads pinned to CPU 1 and
#              no RPS: what the lab builds now (Chains/ChainLab.Napi.cs)
#   napi-rt    napi, the threads at SCHED_RR 10
#   napi-rps   napi, except the steering side's client link, which stays on the backlog with RPS
#   napi-defer napi, the client link's NAPI kept scheduled after it ran dry (DEFER_NS gro_flush_timeout, default 20000;
#              DEFER_N napi_defer_hard_irqs, default 100)
#   router     one kernel-router namespace between the generator's ports (`--ndr router`): one forwarding pass
# Usage (repository root, as root, after `dotnet build -c Release src/NfvConformance.Cli`):
#   ROUNDS=2 VARIANTS="lab napi no-got" tests/NfvConformance.Benchmarks/Traffic/chain-elements.sh
set -euo pipefail
ROUNDS=${ROUNDS:-2}
VARIANTS=${VARIANTS:-"lab lean no-got no-seen no-inst-nft no-sets plain ct ct-notrack gro rps-all napi napi-rt router"}
NFVC=${NFVC:-src/NfvConformance.Cli/bin/Release/net10.0/nfvc}
TRIAL=${NDR_TRIAL_SECONDS:-1}
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
[ -x "$NFVC" ] || { echo "$NFVC missing: dotnet build -c Release src/NfvConformance.Cli" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (generator on CPU 0, the chain on CPU 1)" >&2; exit 2; }
id=$(printf '9%04x' $((RANDOM % 65536)))
P="nfvc$id"
C="$P-client" SW="$P-sw" I="$P-i" S="$P-server"
out=$(mktemp -d /tmp/nfvc-chainel.XXXXXX)
teardown() { for n in "$C" "$SW" "$I" "$S"; do ip netns del "$n" 2>/dev/null || true; done; }
trap 'teardown; rm -rf "$out"' EXIT

codes() { local s="" c; for c in $(seq 1 63); do s+="${s:+, }$c : \"c$c\""; done; echo "$s"; }
counters() { local c; for c in $(seq 1 63); do echo "  counter c$c { }"; done; }

build() { # variant
  local v=$1
  teardown
  for n in "$C" "$SW" "$I" "$S"; do
    ip netns add "$n"
    ip -n "$n" link set lo up
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_forward=0
  done
  ip netns exec "$SW" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1
  ip netns exec "$I" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$SW" link add "$P-c" address 02:6e:01:00:01:01 type veth peer name "$P-e" address 02:6e:01:00:02:01 netns "$C"
  ip -n "$SW" link add "$P-s" address 02:6e:02:00:01:01 type veth peer name "$P-e" address 02:6e:02:00:02:01 netns "$S"
  ip -n "$SW" link add "$P-1i" address 02:6e:03:01:01:01 type veth peer name "$P-in" address 02:6e:03:01:02:01 netns "$I"
  ip -n "$SW" link add "$P-1o" address 02:6e:04:01:01:01 type veth peer name "$P-out" address 02:6e:04:01:02:01 netns "$I"
  ip -n "$SW" -batch - <<EOF
addr add 100.64.0.1/30 dev $P-c
addr add 100.64.0.5/30 dev $P-s
addr add 100.65.1.1/30 dev $P-1i
addr add 100.66.1.1/30 dev $P-1o
link set $P-c up
link set $P-s up
link set $P-1i up
link set $P-1o up
neigh replace 100.64.0.2 lladdr 02:6e:01:00:02:01 dev $P-c nud permanent
neigh replace 100.64.0.6 lladdr 02:6e:02:00:02:01 dev $P-s nud permanent
neigh replace 100.65.1.2 lladdr 02:6e:03:01:02:01 dev $P-1i nud permanent
neigh replace 100.66.1.2 lladdr 02:6e:04:01:02:01 dev $P-1o nud permanent
EOF
  ip -n "$C" addr add 100.64.0.2/30 dev "$P-e"; ip -n "$C" link set "$P-e" up
  ip -n "$S" addr add 100.64.0.6/30 dev "$P-e"; ip -n "$S" link set "$P-e" up
  ip -n "$I" -batch - <<EOF
addr add 100.65.1.2/30 dev $P-in
addr add 100.66.1.2/30 dev $P-out
link set $P-in up
link set $P-out up
neigh replace 100.65.1.1 lladdr 02:6e:03:01:01:01 dev $P-in nud permanent
neigh replace 100.66.1.1 lladdr 02:6e:04:01:01:01 dev $P-out nud permanent
EOF
  if [ "$v" = plain ]; then
    # Destination routing only: 16/8 comes back to the client, 48/8 goes through the instance to the server.
    ip -n "$SW" route add 16.0.0.0/8 via 100.64.0.2
    ip -n "$SW" route add 48.0.0.0/8 via 100.65.1.2 dev "$P-1i"
    ip -n "$SW" rule add iif "$P-1o" lookup 200 pref 200
    ip -n "$SW" route add 48.0.0.0/8 via 100.64.0.6 table 200
    ip -n "$I" route add default via 100.66.1.1
  else
    ip -n "$SW" -batch - <<EOF
route add default via 100.64.0.6 dev $P-s
route add default via 100.64.0.2 dev $P-c table 200
rule add iif $P-s lookup 200 pref 200
route add default via 100.65.1.2 dev $P-1i table 3001
route add default via 100.66.1.2 dev $P-1o table 4001
rule add fwmark 0x20001 lookup 3001 pref 100
rule add fwmark 0x30001 lookup 4001 pref 100
rule add iif $P-1i lookup 200 pref 200
route add default via 100.65.1.2 dev $P-1i table 1001
rule add fwmark 0x10001 lookup 1001 pref 100
EOF
    ip -n "$I" -batch - <<EOF
route replace default via 100.66.1.1 table 100
route replace default via 100.65.1.1 table 101
rule add iif $P-in lookup 100 pref 100
rule add iif $P-out lookup 101 pref 101
EOF
    local tuple="ip saddr . ip daddr . meta l4proto . th sport . th dport"
    local pin="meta l4proto { tcp, udp } add @pin1 { $tuple }" outs="meta l4proto { tcp, udp } add @out1c1 { $tuple }"
    [ "$v" = no-sets ] && pin="counter" outs="counter"
    ip netns exec "$SW" nft -f - <<EOF
table ip $P {
  set pin1 { typeof $tuple; flags dynamic,timeout; timeout 10m; size 65535; }
  set out1c1 { typeof $tuple; flags dynamic,timeout; timeout 10m; size 65535; }
  chain pre { type filter hook prerouting priority mangle; policy accept;
    iifname "$P-c" ip saddr 16.0.0.0/8 meta l4proto udp ip dscp set 1 meta mark set 0x10001 goto sel1
    iifname "$P-1o" ip dscp 1 $outs
    iifname "$P-1o" ip dscp 1 ip dscp set 0 meta mark set 0 accept
  }
  chain post { type filter hook postrouting priority mangle; policy accept;
    oifname "$P-1i" $pin
  }
  chain sel1 {
    meta l4proto { tcp, udp } $tuple @pin1 meta mark set 0x20001 accept
  }
}
EOF
  fi
  local guard=""
  [ "$v" = lean ] && guard="ip id != 0 "
  if [ "$v" != plain ] && [ "$v" != no-inst-nft ]; then
    local record="meta protocol ip ${guard}add @seen { ip id . ip dscp }"
    [ "$v" = no-seen ] && record=""
    local ctrule="" notrack=""
    case "$v" in
      ct) ctrule='chain filter { type filter hook forward priority filter; policy accept; ct state established,related accept; iifname "'$P'-in" ct state new accept; drop; }' ;;
      ct-notrack) ctrule='chain filter { type filter hook forward priority filter; policy accept; ct state established,related accept; ct state untracked accept; iifname "'$P'-in" ct state new accept; drop; }'
                  notrack='chain raw { type filter hook prerouting priority raw; policy accept; notrack; }' ;;
    esac
    ip netns exec "$I" nft -f - <<EOF
table ip $P {
  set seen { typeof ip id . ip dscp; flags dynamic,timeout; timeout 10m; size 65535; }
$(counters)
  counter loss { }
  counter acl { }
  chain faults { }
  chain fw { type filter hook forward priority -10; policy accept;
    $record
    meta protocol ip counter name ip dscp map { $(codes) }
    jump faults
  }
  $ctrule
  $notrack
}
EOF
  fi
  if [ "$v" != plain ]; then
    local got="meta l4proto { tcp, udp } ${guard}add @got { ip id . ip saddr . th sport . ip dscp } counter drop"
    [ "$v" = no-got ] && got=""
    for n in "$C" "$S"; do
      ip netns exec "$n" nft -f - <<EOF
table ip $P {
  set got { typeof ip id . ip saddr . th sport . ip dscp; flags dynamic,timeout; timeout 10m; size 65535; }
  chain pre { type filter hook prerouting priority raw; policy accept;
    $got
    counter drop
  }
}
EOF
    done
  fi
  # The generator's CPU split, as ChainLabTraffic does it: the chain's receive work on CPU 1.
  ip netns exec "$SW" sh -c "echo 2 > /sys/class/net/$P-c/queues/rx-0/rps_cpus; echo 2 > /sys/class/net/$P-s/queues/rx-0/rps_cpus"
  if [ "$v" = rps-all ]; then
    ip netns exec "$SW" sh -c "echo 2 > /sys/class/net/$P-1i/queues/rx-0/rps_cpus; echo 2 > /sys/class/net/$P-1o/queues/rx-0/rps_cpus"
    ip netns exec "$I" sh -c "echo 2 > /sys/class/net/$P-in/queues/rx-0/rps_cpus; echo 2 > /sys/class/net/$P-out/queues/rx-0/rps_cpus"
    ip netns exec "$S" sh -c "echo 2 > /sys/class/net/$P-e/queues/rx-0/rps_cpus"
  fi
  if [ "$v" = gro ]; then
    for d in "$SW:$P-c" "$SW:$P-s" "$SW:$P-1i" "$SW:$P-1o" "$I:$P-in" "$I:$P-out" "$S:$P-e" "$C:$P-e"; do
      ip netns exec "${d%%:*}" ethtool -K "${d#*:}" gro on >/dev/null
    done
  fi
  if [ "${v#napi}" != "$v" ]; then
    # Threaded NAPI on the chain's veth ends (not the generator's own): GRO on, then `threaded`; napi-rps keeps the
    # steering side's client link on the backlog with RPS (the generator's CPU then never wakes a NAPI thread);
    # napi-defer keeps the client link's NAPI scheduled for a while after it ran dry (napi_defer_hard_irqs, gro_flush_timeout): the
    # sender then queues into the veth's ring without waking the thread, and a timer on the chain's CPU polls it.
    local d ends=("$SW:$P-s" "$SW:$P-1i" "$SW:$P-1o" "$I:$P-in" "$I:$P-out")
    [ "$v" = napi-rps ] || ends+=("$SW:$P-c")
    for d in "${ends[@]}"; do
      ip netns exec "${d%%:*}" sh -c "ethtool -K ${d#*:} gro on >/dev/null && echo 1 > /sys/class/net/${d#*:}/threaded"
      if [ "$v" = napi-defer ] && [ "${d#*:}" = "$P-c" ]; then
        ip netns exec "${d%%:*}" sh -c "echo ${DEFER_NS:-20000} > /sys/class/net/${d#*:}/gro_flush_timeout; echo ${DEFER_N:-100} > /sys/class/net/${d#*:}/napi_defer_hard_irqs"
      fi
    done
    [ "$v" = napi-rps ] || ip netns exec "$SW" sh -c "echo 0 > /sys/class/net/$P-c/queues/rx-0/rps_cpus"
    ip netns exec "$SW" sh -c "echo 0 > /sys/class/net/$P-s/queues/rx-0/rps_cpus"
    # The NAPI threads (named napi/<interface>-<id>) on CPU 1 (napi-rt: at SCHED_RR 10), the chain's own CPU.
    local t n
    for n in $(seq 1 50); do [ "$(pgrep -c "^napi/$P-")" -ge "${#ends[@]}" ] && break; sleep 0.1; done
    for t in $(pgrep "^napi/$P-"); do taskset -p 2 "$t" >/dev/null; [ "$v" != napi-rt ] || chrt -r -p 10 "$t"; done
  fi
}

softirq1() { awk '$1 == "cpu1" { print $4 + $7 + $8 }' /proc/stat; }
rxs() { ip netns exec "$S" cat "/sys/class/net/$P-e/statistics/rx_packets" 2>/dev/null || echo 0; }

measure() { # variant
  local v=$1 json
  local hz; hz=$(getconf CLK_TCK)
  local q0 r0 q1 r1
  if [ "$v" = router ]; then
    teardown
    q0=$(softirq1)
    json=$(chrt -r 10 taskset -c 0 "$NFVC" bench generator --ndr router --frame-size 64 --seconds "$TRIAL" --json)
    q1=$(softirq1); r0=0; r1=0
  else
    build "$v"
    q0=$(softirq1); r0=$(rxs)
    json=$(chrt -r 10 taskset -c 0 "$NFVC" bench generator --ndr ports --port0 "$C/$P-e" --port1 "$S/$P-e" \
      --dst-mac 02:6e:01:00:01:01 --frame-size 64 --seconds "$TRIAL" --json)
    q1=$(softirq1); r1=$(rxs)
  fi
  python3 - "$json" "$v" "$((q1 - q0))" "$((r1 - r0))" "$hz" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' | tee -a "$out/results"
import json, sys
r = json.loads(sys.argv[1]); v = sys.argv[2]; q = int(sys.argv[3]); frames = int(sys.argv[4]); hz = int(sys.argv[5])
per = f"{q / hz * 1e9 / frames:7.0f}" if frames > 0 else "      -"
print(f"{v:<12} NDR {r['ndr_pps'] / 1e3:7.1f} kpps  ceiling {r['ceiling_pps'] / 1e3:6.1f} kpps  conclusive {str(r['conclusive']).lower():<5} "
      f"generator-bound {str(r['generator_bound']).lower():<5} trials {r['trials']:2d}  CPU1 sys+irq ns/frame {per}  (frames {frames}; load {sys.argv[6]})")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  for v in $VARIANTS; do measure "$v"; done
done
echo "--- medians"
python3 - "$out/results" <<'PY'
import re, statistics, sys
ndr, cpu = {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+)\s+NDR\s+([0-9.]+) kpps.*ns/frame\s+(\S+)", line)
    if m:
        ndr.setdefault(m.group(1), []).append(float(m.group(2)))
        if m.group(3) != "-":
            cpu.setdefault(m.group(1), []).append(float(m.group(3)))
base = statistics.median(ndr["lab"]) if "lab" in ndr else None
for k, vs in ndr.items():
    med = statistics.median(vs)
    c = f"{statistics.median(cpu[k]):6.0f}" if k in cpu else "     -"
    rel = f"{med / base:5.2f}x lab" if base else ""
    print(f"{k:<12} NDR median {med:7.1f} kpps {rel}   sys+irq ns/frame median {c}   ({len(vs)} rounds)")
PY
