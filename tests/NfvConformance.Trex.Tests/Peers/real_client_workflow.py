# A test peer: drives a TRex server with Cisco's own v3.08 Python STL client (../shared/trex-client, run as a
# separate process; nothing of it is copied here). Prints one JSON object with what the client saw.
# Usage: python3 real_client_workflow.py HOST RPC_PORT ASYNC_PORT PPS SECONDS
import json
import sys

from trex.stl.api import STLClient, STLStream, STLPktBuilder, STLTXCont, STLFlowStats, STLFlowLatencyStats
from scapy.layers.l2 import Ether
from scapy.layers.inet import IP, UDP

host, rpc, async_port, pps, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
c = STLClient(server=host, sync_port=rpc, async_port=async_port, verbose_level="error")
out = {}
try:
    c.connect()
    out["server_version"] = c.get_server_version().get("version")
    c.reset(ports=[0, 1])
    base = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="16.0.0.1", dst="48.0.0.1") / UDP(sport=1234, dport=5678)
    pad = b"x" * (60 - len(base))
    bulk = STLStream(packet=STLPktBuilder(pkt=base / pad), mode=STLTXCont(pps=pps), flow_stats=STLFlowStats(pg_id=7))
    lat = STLStream(packet=STLPktBuilder(pkt=base / pad), mode=STLTXCont(pps=1000), flow_stats=STLFlowLatencyStats(pg_id=12))
    c.add_streams([bulk, lat], ports=[0])
    c.clear_stats()
    c.start(ports=[0], mult="1", duration=seconds)
    c.wait_on_traffic(ports=[0], timeout=int(seconds) + 30)
    stats = c.get_stats()
    pg = c.get_pgid_stats([7, 12])
    out["port0_opackets"] = stats[0]["opackets"]
    out["port1_ipackets"] = stats[1]["ipackets"]
    out["pg7_tx"] = pg["flow_stats"][7]["tx_pkts"]["total"]
    out["pg7_rx"] = pg["flow_stats"][7]["rx_pkts"]["total"]
    out["pg12_tx"] = pg["flow_stats"][12]["tx_pkts"]["total"]
    out["pg12_rx"] = pg["flow_stats"][12]["rx_pkts"]["total"]
    l = pg["latency"][12]["latency"]
    out["lat_min_us"] = l["total_min"]
    out["lat_max_us"] = l["total_max"]
    out["lat_avg_us"] = l["average"]
    out["lat_hist_count"] = sum(l["histogram"].values())
    out["lat_dropped"] = pg["latency"][12]["err_cntrs"]["dropped"]
    c.release(ports=[0, 1])
    out["ok"] = True
except Exception as e:  # the test prints this and fails
    out["ok"] = False
    out["error"] = "%s: %s" % (type(e).__name__, e)
finally:
    try:
        c.disconnect()
    except Exception:
        pass
print(json.dumps(out, default=str))
