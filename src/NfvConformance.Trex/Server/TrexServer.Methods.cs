// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Protocol;
using static NfvConformance.Trex.Server.RpcParams;

namespace NfvConformance.Trex.Server;

/// <summary>The methods: names, api_h and ownership rules as in trex-core (trex_rpc_cmds_common.cpp, trex_stl_rpc_cmds.cpp).</summary>
public sealed partial class TrexServer
{
    private static readonly string[] s_rateTypes = ["pps", "bps_L1", "bps_L2", "percentage"];
    private static readonly string[] s_mulTypes = ["raw", "bps", "bpsl1", "pps", "percentage"];
    private static readonly string[] s_mulOps = ["abs", "add", "sub"];
    private static readonly string[] s_modes = ["continuous", "single_burst", "multi_burst"];

    private static readonly Dictionary<string, MethodInfo> s_methods = new(StringComparer.Ordinal)
    {
        ["ping"] = new(false, false, (s, p) => new JsonObject { ["ts"] = s.Now }),
        ["get_version"] = new(false, false, (s, p) => new JsonObject
        {
            ["version"] = "v3.08", ["build_date"] = "Dec  7 2026", ["build_time"] = "00:00:00", ["built_by"] = "nfvc-emulator", ["mode"] = "STL",
        }),
        ["api_sync_v2"] = new(false, false, (s, p) => s.ApiSync(p)),
        ["api_sync"] = new(false, false, (s, p) => s.ApiSyncLegacy(p)),
        ["get_supported_cmds"] = new(true, false, (s, p) => new JsonArray([.. s_methods!.Keys.Select(k => (JsonNode)k)])),
        ["get_system_info"] = new(true, false, (s, p) => s.SystemInfo()),
        ["get_port_status"] = new(true, false, (s, p) => s.PortStatus(p)),
        ["get_owner"] = new(true, false, (s, p) => new JsonObject { ["owner"] = s.PortOf(p).Owner ?? string.Empty }),
        ["acquire"] = new(true, false, (s, p) => s.Acquire(p)),
        ["release"] = new(true, true, (s, p) => s.Release(p)),
        ["set_port_attr"] = new(true, false, (s, p) => s.SetPortAttr(p)),
        ["get_global_stats"] = new(true, false, (s, p) => s.GlobalStats()),
        ["get_port_stats"] = new(true, false, (s, p) => s.PortStats(s.PortOf(p))),
        ["get_utilization"] = new(true, false, (s, p) => new JsonObject { ["cpu"] = new JsonArray(), ["mbuf_stats"] = new JsonObject() }),
        ["get_port_xstats_names"] = new(true, false, (s, p) => { s.PortOf(p); return new JsonObject { ["xstats_names"] = new JsonArray() }; }),
        ["get_port_xstats_values"] = new(true, false, (s, p) => { s.PortOf(p); return new JsonObject { ["xstats_values"] = new JsonArray() }; }),
        ["add_stream"] = new(true, true, (s, p) => s.AddStream(p)),
        ["remove_stream"] = new(true, true, (s, p) => s.RemoveStream(p)),
        ["remove_all_streams"] = new(true, true, (s, p) => s.RemoveAllStreams(p)),
        ["get_stream_list"] = new(true, false, (s, p) => new JsonArray([.. s.PortOf(p).Streams.Keys.Select(k => (JsonNode)k)])),
        ["get_stream"] = new(true, false, (s, p) => s.GetStream(p)),
        ["get_all_streams"] = new(true, false, (s, p) => s.GetAllStreams(p)),
        ["get_profile_list"] = new(true, false, (s, p) => s.PortOf(p).Streams.Count > 0 ? new JsonArray("_") : new JsonArray()),
        ["start_traffic"] = new(true, true, (s, p) => s.StartTraffic(p)),
        ["stop_traffic"] = new(true, true, (s, p) => s.StopTraffic(p)),
        ["pause_traffic"] = new(true, true, (s, p) => s.Transition(p, "pause_traffic", "TX", "PAUSE", 2)),
        ["resume_traffic"] = new(true, true, (s, p) => s.Transition(p, "resume_traffic", "PAUSE", "TX", 3)),
        ["update_traffic"] = new(true, true, (s, p) => s.UpdateTraffic(p)),
        ["remove_rx_filters"] = new(true, true, (s, p) => s.RemoveRxFilters(p)),
        ["get_active_pgids"] = new(true, false, (s, p) => s.ActivePgids()),
        ["get_pgid_stats"] = new(true, false, (s, p) => s.PgidStats(p)),
        ["publish_now"] = new(true, false, (s, p) => { UInt32(p, "key"); Bool(p, "baseline"); s._publish = true; return new JsonObject(); }),
        ["get_async_events"] = new(true, false, (s, p) => s.AsyncEvents(p)),
        ["service"] = new(true, true, (s, p) => s.ServiceMode(p)),
        ["set_l2"] = new(true, true, (s, p) => s.SetL2(p)),
        ["set_l3"] = new(true, true, (s, p) => s.SetL3(p)),
        ["set_rx_feature"] = new(true, true, (s, p) => s.SetRxFeature(p)),
        ["capture"] = new(true, false, (s, p) => Choice(p, "command", ["start", "stop", "fetch", "status", "remove"]) == "status"
            ? new JsonArray()
            : throw RpcFault.Execute("packet capture is not emulated: this server counts packets, it does not keep them")),
        ["get_tpg_status"] = new(true, false, (s, p) => s.TpgStatus(p)),
        ["shutdown"] = new(true, false, (s, p) => { Str(p, "user"); Bool(p, "force"); s._stop = true; return new JsonObject(); }),
    };

    private double Now => _uptime.Elapsed.TotalSeconds;

    private JsonObject ApiSync(JsonObject p)
    {
        string name = Str(p, "name");
        long major = Int(p, "major");
        long minor = Int(p, "minor");
        if (name != "STL")
        {
            throw RpcFault.Execute($"RPC configuration mismatch - server RPC configuration: 'STL', client RPC configuration: '{name}'");
        }

        string server = $"5.{_options.ApiMinor}";
        if (major < 5)
        {
            throw RpcFault.Execute($"RPC version mismatch: a newer client version is required\n(API type 'STL':  - server: '{server}', client: '{major}.{minor}')");
        }

        if (major > 5 || minor > _options.ApiMinor)
        {
            throw RpcFault.Execute($"Version mismatch: your client version is too new to be supported by the server\n(API type 'STL':  - server: '{server}', client: '{major}.{minor}')");
        }

        return new JsonObject { ["api_h"] = _apiH };
    }

    private JsonObject ApiSyncLegacy(JsonObject p)
    {
        JsonArray vers = Arr(p, "api_vers");
        JsonArray result = [];
        foreach (JsonObject v in vers.OfType<JsonObject>())
        {
            Str(v, "type");
            ApiSync(new JsonObject { ["name"] = "STL", ["major"] = Int(v, "major"), ["minor"] = Int(v, "minor") });
            result.Add(new JsonObject { ["type"] = v["type"]!.DeepClone(), ["api_h"] = _apiH });
        }

        return new JsonObject { ["api_vers"] = result };
    }

    private double LineRateGbps => _generator.Info.LineRateBitsPerSecond / 1e9;

    private JsonObject SystemInfo()
    {
        JsonArray ports = [];
        foreach (Port port in _ports)
        {
            JsonArray caps = _options.RxStats ? ["flow_stats", "latency", "rx_bytes", "tpg"] : [];
            ports.Add(new JsonObject
            {
                ["index"] = port.Id,
                ["driver"] = "net_nfvc",
                ["pci_addr"] = "N/A",
                ["numa"] = -1,
                ["hw_mac"] = Mac(port.Id),
                ["stack"] = "legacy",
                ["description"] = $"NfvConformance emulated port ({_generator.Name})",
                ["rx"] = new JsonObject { ["caps"] = caps, ["counters"] = _options.RxStats ? 1023 : 0 },
                ["is_fc_supported"] = false,
                ["is_led_supported"] = false,
                ["is_link_supported"] = false,
                ["is_prom_supported"] = true,
                ["is_vxlan_supported"] = false,
                ["is_ieee1588_supported"] = false,
                ["is_virtual"] = true,
                ["supp_speeds"] = new JsonArray(),
                ["cores"] = new JsonArray(0),
            });
        }

        return new JsonObject
        {
            ["hostname"] = Environment.MachineName,
            ["uptime"] = (DateTime.Now - _uptime.Elapsed).ToString("MMM dd yyyy @ HH:mm:ss", CultureInfo.InvariantCulture),
            ["dp_core_count"] = 1,
            ["dp_core_count_per_port"] = 1,
            ["core_type"] = "emulated",
            ["is_multiqueue_mode"] = false,
            ["advanced_per_stream_stats"] = true,
            ["port_count"] = _ports.Length,
            ["ports"] = ports,
        };
    }

    private static string Mac(int port) => string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:00:{port + 1:x2}");

    private JsonObject PortStatus(JsonObject p)
    {
        Port port = PortOf(p);
        string profile = Str(p, "profile_id", string.Empty);
        JsonObject r = new()
        {
            ["owner"] = port.Owner ?? string.Empty,
            ["state"] = port.State,
        };
        if (profile.Length > 0)
        {
            JsonObject sp = [];
            if (port.Streams.Count > 0)
            {
                sp["_"] = port.State;
            }

            r["state_profile"] = sp;
        }

        r["service"] = port.Service;
        r["service_filtered"] = false;
        r["profile_count"] = 1;
        r["max_stream_id"] = port.Streams.Count > 0 ? port.Streams.Keys.Max() : 0;
        r["attr"] = Attr(port);
        r["rx_info"] = new JsonObject
        {
            ["capture_port"] = new JsonObject { ["is_active"] = false },
            ["capwap_proxy"] = new JsonObject { ["is_active"] = false },
            ["grat_arp"] = new JsonObject { ["is_active"] = false },
            ["latency"] = new JsonObject { ["is_active"] = false },
            ["queue"] = new JsonObject { ["is_active"] = port.RxQueue },
            ["stack"] = new JsonObject { ["is_active"] = true },
        };
        return r;
    }

    private JsonObject Attr(Port port) => new()
        {
            ["promiscuous"] = new JsonObject { ["enabled"] = port.Promiscuous },
            ["multicast"] = new JsonObject { ["enabled"] = port.Multicast },
            ["link"] = new JsonObject { ["up"] = true },
            ["speed"] = LineRateGbps,
            ["rx_filter_mode"] = "hw",
            ["vxlan_fs"] = new JsonArray(),
            ["fc"] = new JsonObject { ["mode"] = -1 },
            ["layer_cfg"] = new JsonObject
            {
                ["ether"] = new JsonObject { ["src"] = Mac(port.Id), ["dst"] = port.DstMac, ["state"] = "configured" },
                ["ipv4"] = port.Ipv4Src is null
                    ? new JsonObject { ["state"] = "none" }
                    : new JsonObject { ["src"] = port.Ipv4Src, ["dst"] = port.Ipv4Dst, ["state"] = "resolved" },
                ["ipv6"] = new JsonObject { ["enabled"] = false },
            },
            ["vlan"] = new JsonObject { ["tags"] = new JsonArray() },
        };

    private JsonNode Acquire(JsonObject p)
    {
        Port port = PortOf(p);
        string user = Str(p, "user");
        bool force = Bool(p, "force");
        uint session = UInt32(p, "session_id");
        if (port.Owner is not null && !force)
        {
            if (port.Owner != user)
            {
                throw RpcFault.Execute($"port is already taken by '{port.Owner}'");
            }

            if (port.Session != session)
            {
                throw RpcFault.Execute($"port is already owned by another session of '{user}'");
            }
        }

        port.Owner = user;
        port.Session = session;
        port.Handler = RandomString(8);
        _sessions.TryAdd(session, new Queue<JsonObject>());
        Emit(5, new JsonObject { ["port_id"] = port.Id, ["who"] = user, ["session_id"] = session, ["force"] = force });
        return JsonValue.Create(port.Handler);
    }

    private JsonObject Release(JsonObject p)
    {
        Port port = PortOf(p);
        string who = port.Owner ?? string.Empty;
        uint session = port.Session;
        port.Owner = null;
        port.Handler = null;
        Emit(6, new JsonObject { ["port_id"] = port.Id, ["who"] = who, ["session_id"] = session });
        return [];
    }

    private JsonObject SetPortAttr(JsonObject p)
    {
        Port port = PortOf(p);
        JsonObject attr = Obj(p, "attr");
        if (attr["promiscuous"] is JsonObject pr)
        {
            port.Promiscuous = Bool(pr, "enabled");
        }

        if (attr["multicast"] is JsonObject mc)
        {
            port.Multicast = Bool(mc, "enabled");
        }

        Emit(8, new JsonObject { ["port_id"] = port.Id, ["attr"] = Attr(port) });
        return [];
    }

    private JsonObject SetRxFeature(JsonObject p)
    {
        Port port = PortOf(p);
        string type = Choice(p, "type", ["capture", "queue", "server"]);
        bool enabled = Bool(p, "enabled");
        if (type == "queue")
        {
            if (enabled)
            {
                UInt32(p, "size");
            }

            port.RxQueue = enabled;
        }

        return [];
    }

    private JsonObject GlobalStats()
    {
        long tx = _ports.Sum(x => x.OPackets);
        long rx = _ports.Sum(x => x.IPackets);
        double txPps = _ports.Where(x => x.State == "TX").Sum(x => x.LastTxPps);
        double txBps = _ports.Where(x => x.State == "TX").Sum(x => x.LastTxBps);
        return new JsonObject
        {
            ["m_cpu_util"] = 0.0, ["m_cpu_util_raw"] = 0.0, ["m_bw_per_core"] = 0.0, ["m_rx_cpu_util"] = 0.0, ["m_rx_core_pps"] = 0.0,
            ["m_platform_factor"] = 1.0, ["m_tx_bps"] = txBps, ["m_rx_bps"] = txBps, ["m_tx_pps"] = txPps, ["m_rx_pps"] = txPps,
            ["m_tx_cps"] = 0.0, ["m_tx_expected_cps"] = 0.0, ["m_tx_expected_pps"] = 0.0, ["m_tx_expected_bps"] = 0.0,
            ["m_total_alloc_error"] = 0, ["m_total_queue_full"] = 0, ["m_total_queue_drop"] = 0, ["m_rx_drop_bps"] = 0.0,
            ["m_active_flows"] = 0.0, ["m_open_flows"] = 0.0,
            ["m_total_tx_pkts"] = tx, ["m_total_rx_pkts"] = rx,
            ["m_total_tx_bytes"] = _ports.Sum(x => x.OBytes), ["m_total_rx_bytes"] = _ports.Sum(x => x.IBytes),
            ["m_total_clients"] = 0, ["m_total_servers"] = 0, ["m_active_sockets"] = 0, ["m_socket_util"] = 0.0,
            ["m_total_nat_time_out"] = 0, ["m_total_nat_time_out_wait_ack"] = 0, ["m_total_nat_no_fid"] = 0, ["m_total_nat_active"] = 0,
            ["m_total_nat_syn_wait"] = 0, ["m_total_nat_open"] = 0, ["m_total_nat_learn_error"] = 0,
        };
    }

    private JsonObject PortStats(Port port)
    {
        bool tx = port.State == "TX";
        return new JsonObject
        {
            ["opackets"] = port.OPackets, ["obytes"] = port.OBytes, ["ipackets"] = port.IPackets, ["ibytes"] = port.IBytes,
            ["ierrors"] = 0, ["oerrors"] = 0,
            ["m_total_tx_bps"] = tx ? port.LastTxBps : 0.0, ["m_total_tx_pps"] = tx ? port.LastTxPps : 0.0,
            ["m_total_rx_bps"] = 0.0, ["m_total_rx_pps"] = 0.0, ["m_cpu_util"] = 0.0,
        };
    }

    private JsonObject RemoveRxFilters(JsonObject p)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        if (port.State != "STREAMS")
        {
            throw RpcFault.Execute($"command 'remove_rx_filters' cannot be executed on current state: '{port.State} on profile_id(_).");
        }

        return [];
    }

    // The real server parses the stream object inside a try block that turns every fault into an execute error (-32000).
    private JsonObject AddStream(JsonObject p)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        uint id = UInt32(p, "stream_id");
        JsonObject s = Obj(p, "stream");
        try
        {
            return AddStream(port, id, s);
        }
        catch (RpcFault f) when (f.Code == Rpc.TrexErrorCodes.InvalidParams)
        {
            throw RpcFault.Execute(f.Message);
        }
    }

    private JsonObject AddStream(Port port, uint id, JsonObject s)
    {
        JsonObject mode = Obj(s, "mode");
        string type = Str(mode, "type");
        if (!s_modes.Contains(type))
        {
            throw RpcFault.Params($"bad stream type provided: '{type}'");
        }

        Bool(s, "enabled");
        Bool(s, "self_start");
        Bool(s, "start_paused", false);
        Int(s, "flags");
        UInt32(s, "action_count");
        UDouble(s, "isg");
        Int(s, "next_stream_id");
        if (type == "single_burst" && UInt32(mode, "total_pkts") == 0)
        {
            throw RpcFault.Params("single_burst: 'total_pkts' cannot be zero.");
        }

        if (type == "multi_burst")
        {
            UDouble(mode, "ibg");
            UInt32(mode, "count");
            if (UInt32(mode, "pkts_per_burst") == 0)
            {
                throw RpcFault.Params("multi_burst: 'pkts_per_burst' cannot be zero.");
            }
        }

        JsonObject rate = Obj(mode, "rate");
        UDouble(rate, "value");
        Choice(rate, "type", s_rateTypes);
        JsonObject pkt = Obj(s, "packet");
        byte[] binary;
        try
        {
            binary = Convert.FromBase64String(Str(pkt, "binary"));
        }
        catch (FormatException)
        {
            throw RpcFault.Params("field 'binary' is not valid base64");
        }

        if (binary.Length < 14 || binary.Length > 9238)
        {
            throw RpcFault.Execute($"bad packet size provided: should be between 14B and 9238B, got {binary.Length}B");
        }

        Str(pkt, "meta");
        JsonObject vm = Obj(s, "vm");
        JsonArray ins = Arr(vm, "instructions");
        foreach (JsonObject i in ins.OfType<JsonObject>())
        {
            Choice(i, "type", ["fix_checksum_hw", "fix_checksum_ipv4", "fix_checksum_icmpv6", "flow_var", "flow_var_rand_limit", "write_flow_var", "write_mask_flow_var", "tuple_flow_var", "trim_pkt_size"]);
        }

        JsonObject fs = Obj(s, "flow_stats");
        uint pg = 0;
        bool latency = false;
        if (Bool(fs, "enabled"))
        {
            if (!_options.RxStats)
            {
                throw RpcFault.Params("RX stats is not supported on this interface");
            }

            pg = UInt32(fs, "stream_id");
            latency = Str(fs, "rule_type") == "latency";
            if (_pgs.TryGetValue(pg, out PgCounters? existing) && existing.Refs > 0 && existing.Latency != latency)
            {
                throw RpcFault.Execute($"Stream with pg_id {pg} of another rule type already exists");
            }
        }

        if (port.State is not ("IDLE" or "STREAMS"))
        {
            throw RpcFault.Execute($"command 'add_stream' cannot be executed on current state: '{port.State}'");
        }

        if (port.Streams.ContainsKey(id))
        {
            throw RpcFault.Execute($"stream with id {id} already exists");
        }

        if (pg != 0 || Bool(fs, "enabled"))
        {
            if (!_pgs.TryGetValue(pg, out PgCounters? c) || c.Refs == 0)
            {
                _pgs[pg] = c = new PgCounters { Latency = latency, Version = (c?.Version ?? 0) + 1 };
            }

            c.Refs++;
        }

        port.Streams[id] = (JsonObject)s.DeepClone();
        port.State = "STREAMS";
        return [];
    }

    private void Unref(JsonObject stream)
    {
        if (stream["flow_stats"]?["enabled"]?.GetValue<bool>() == true && _pgs.TryGetValue(stream["flow_stats"]!["stream_id"]!.GetValue<uint>(), out PgCounters? c))
        {
            c.Refs--;
        }
    }

    private JsonObject RemoveStream(JsonObject p)
    {
        Port port = PortOf(p);
        uint id = UInt32(p, "stream_id");
        if (port.State is "TX" or "PAUSE")
        {
            throw RpcFault.Execute($"command 'remove_stream' cannot be executed on current state: '{port.State}'");
        }

        if (!port.Streams.Remove(id, out JsonObject? s))
        {
            throw RpcFault.Execute($"stream {id} does not exists");
        }

        Unref(s);
        port.State = port.Streams.Count == 0 ? "IDLE" : "STREAMS";
        return [];
    }

    private JsonObject RemoveAllStreams(JsonObject p)
    {
        Port port = PortOf(p);
        if (port.State is "TX" or "PAUSE")
        {
            throw RpcFault.Execute($"command 'remove_all_streams' cannot be executed on current state: '{port.State}'");
        }

        foreach (JsonObject s in port.Streams.Values)
        {
            Unref(s);
        }

        port.Streams.Clear();
        port.State = "IDLE";
        return [];
    }

    private JsonObject GetStream(JsonObject p)
    {
        Port port = PortOf(p);
        bool withPacket = Bool(p, "get_pkt");
        uint id = UInt32(p, "stream_id");
        if (!port.Streams.TryGetValue(id, out JsonObject? s))
        {
            throw RpcFault.Execute($"stream id {id} on port {port.Id} does not exists");
        }

        JsonObject copy = (JsonObject)s.DeepClone();
        if (!withPacket)
        {
            copy.Remove("packet");
        }

        return new JsonObject { ["stream"] = copy };
    }

    private JsonObject GetAllStreams(JsonObject p)
    {
        Port port = PortOf(p);
        JsonObject streams = [];
        foreach ((uint id, JsonObject s) in port.Streams)
        {
            streams[id.ToString(CultureInfo.InvariantCulture)] = s.DeepClone();
        }

        return new JsonObject { ["streams"] = streams };
    }

    private (double Pps, double L1Bps, double L2Bps) PortRate(Port port)
    {
        double pps = 0, l1 = 0, l2 = 0;
        foreach (JsonObject s in port.Streams.Values.Where(s => s["enabled"]?.GetValue<bool>() == true))
        {
            DecodedStream d = StreamCodec.Decode(s, _generator.Info.LineRateBitsPerSecond);
            pps += d.Pps;
            l1 += d.Pps * (d.FrameSize + 20) * 8;
            l2 += d.Pps * d.FrameSize * 8;
        }

        return (pps, l1, l2);
    }

    private double Factor(Port port, string type, double value)
    {
        (double pps, double l1, double l2) = PortRate(port);
        return type switch
        {
            "raw" => value,
            "pps" => pps > 0 ? value / pps : 0,
            "bps" => l2 > 0 ? value / l2 : 0,
            "bpsl1" => l1 > 0 ? value / l1 : 0,
            _ => l1 > 0 ? value / 100.0 * _generator.Info.LineRateBitsPerSecond / l1 : 0,
        };
    }

    private JsonObject StartTraffic(JsonObject p)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        double duration = Double(p, "duration");
        bool force = Bool(p, "force");
        ulong mask = UInt64(p, "core_mask", ulong.MaxValue);
        Double(p, "start_at_ts", 0);
        if (mask == 0)
        {
            throw RpcFault.Params("core_mask: must select at least one core");
        }

        JsonObject mul = Obj(p, "mul");
        string type = Choice(mul, "type", s_mulTypes);
        string op = Str(mul, "op");
        double value = UDouble(mul, "value");
        if (value == 0)
        {
            throw RpcFault.Params("multiplier can't be zero");
        }

        if (op != "abs")
        {
            throw RpcFault.Params("start message can only specify absolute speed rate");
        }

        if (port.State != "STREAMS")
        {
            throw RpcFault.Execute($"command 'start' cannot be executed on current state: '{port.State} on profile_id(_).");
        }

        double factor = Factor(port, type, value);
        (double pps, double l1, double l2) = PortRate(port);
        double line = _generator.Info.LineRateBitsPerSecond;
        if (!force && l1 * factor > line * 1.0001)
        {
            throw RpcFault.Execute(string.Create(CultureInfo.InvariantCulture, $"Expected L1 B/W: '{l1 * factor / 1e9:0.##} Gbps' exceeds port line rate: '{line / 1e9:0.##} Gbps'"));
        }

        port.Factor = factor;
        port.Duration = duration;
        port.StartedAt = Now;
        port.Stopped = false;
        port.Elapsed = 0;
        port.LastTxPps = pps * factor;
        port.LastTxBps = l2 * factor;
        port.State = "TX";
        _open ??= new TrialGroup();
        _open.Ports.Add(port);
        _open.LastStart = Now;
        port.Group = _open;
        Emit(0, new JsonObject { ["port_id"] = port.Id });
        Emit(10, new JsonObject { ["port_id"] = port.Id, ["profile_id"] = "_" });
        return new JsonObject { ["multiplier"] = factor, ["ts"] = Now };
    }

    private JsonObject StopTraffic(JsonObject p)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        if (port.State is "TX" or "PAUSE")
        {
            port.Stopped = true;
            port.Elapsed = port.Duration > 0 ? Math.Min(port.Duration, Now - port.StartedAt) : Now - port.StartedAt;
            port.State = "STREAMS";
            Emit(1, new JsonObject { ["port_id"] = port.Id });
            Emit(11, new JsonObject { ["port_id"] = port.Id, ["profile_id"] = "_" });
            TryFinish(port.Group);
        }

        return [];
    }

    private JsonObject Transition(JsonObject p, string command, string from, string to, int evt)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        if (port.State != from)
        {
            throw RpcFault.Execute($"command '{command}' cannot be executed on current state: '{port.State}'");
        }

        port.State = to;
        Emit(evt, new JsonObject { ["port_id"] = port.Id });
        return [];
    }

    private JsonObject UpdateTraffic(JsonObject p)
    {
        Port port = PortOf(p);
        Str(p, "profile_id", "_");
        bool force = Bool(p, "force");
        JsonObject mul = Obj(p, "mul");
        string type = Choice(mul, "type", s_mulTypes);
        string op = Choice(mul, "op", s_mulOps);
        double value = Double(mul, "value");
        if (port.State is not ("TX" or "PAUSE"))
        {
            throw RpcFault.Execute($"command 'update_traffic' cannot be executed on current state: '{port.State}'");
        }

        double f = Factor(port, type, value);
        double next = op switch { "add" => port.Factor + f, "sub" => port.Factor - f, _ => f };
        (double pps, double l1, double l2) = PortRate(port);
        if (next <= 0 || (!force && l1 * next > _generator.Info.LineRateBitsPerSecond * 1.0001))
        {
            throw RpcFault.Execute(string.Create(CultureInfo.InvariantCulture, $"multiplier {next:0.###} is out of range (must be > 0 and within line rate)"));
        }

        port.Factor = next;
        port.LastTxPps = pps * next;
        port.LastTxBps = l2 * next;
        return new JsonObject { ["multiplier"] = next };
    }

    private JsonObject ActivePgids()
    {
        JsonArray fs = [];
        JsonArray lat = [];
        foreach ((uint id, PgCounters c) in _pgs.Where(kv => kv.Value.Refs > 0).OrderBy(kv => kv.Key))
        {
            (c.Latency ? lat : fs).Add(id);
        }

        return new JsonObject { ["ids"] = new JsonObject { ["flow_stats"] = fs, ["latency"] = lat } };
    }

    private JsonObject PgidStats(JsonObject p)
    {
        JsonArray ids = Arr(p, "pgids");
        if (ids.Count > 1024 + 128)
        {
            throw RpcFault.Execute($"Too many pg IDs requested ({ids.Count}); ask for at most 1152 at a time");
        }

        JsonObject flow = [];
        JsonObject latency = [];
        JsonObject ver = [];
        List<uint> wanted = [];
        for (int i = 0; i < ids.Count; i++)
        {
            wanted.Add(ids[i] is JsonValue v && v.TryGetValue(out uint u) ? u : throw RpcFault.Params($"array element: {i + 1} is not 'uint32'"));
        }

        // An empty list asks for every packet group, as in trex_stl_fs.cpp.
        if (wanted.Count == 0)
        {
            wanted.AddRange(_pgs.Where(kv => kv.Value.Refs > 0).Select(kv => kv.Key).Order());
        }

        latency["g"] = null;
        foreach (uint id in wanted)
        {
            if (!_pgs.TryGetValue(id, out PgCounters? c) || c.Refs == 0)
            {
                continue;
            }

            string key = id.ToString(CultureInfo.InvariantCulture);
            flow[key] = new JsonObject
            {
                ["rp"] = PerPort(c.Rp), ["rb"] = PerPort(c.Rb), ["tp"] = PerPort(c.Tp), ["tb"] = PerPort(c.Tb),
                ["rbs"] = Zeros(), ["rps"] = Zeros(), ["tbs"] = Zeros(), ["tps"] = Zeros(),
            };
            ver[key] = c.Version;
            if (c.Latency)
            {
                LatencyHistogram h = c.Histogram;
                JsonObject er = [];
                AddIf(er, "drp", c.Dropped);
                AddIf(er, "ooo", c.OutOfOrder);
                AddIf(er, "dup", c.Duplicates);
                JsonObject entry = new()
                {
                    ["lat"] = new JsonObject
                    {
                        ["total_max"] = h.Count == 0 ? 0 : h.Max / 1000.0,
                        ["total_min"] = h.Count == 0 ? 0 : h.Min / 1000.0,
                        ["last_max"] = h.Count == 0 ? 0 : h.Max / 1000.0,
                        ["average"] = h.Mean / 1000.0,
                        ["jit"] = c.Jitter,
                        ["histogram"] = TrexHistogram.FromLatency(h),
                    },
                };
                if (er.Count > 0)
                {
                    entry["er"] = er;
                }

                latency[key] = entry;
            }
        }

        // As jsoncpp writes them: an object nobody wrote to is null.
        return new JsonObject
        {
            ["flow_stats"] = flow.Count == 0 ? null : flow,
            ["latency"] = latency,
            ["ver_id"] = ver.Count == 0 ? null : ver,
        };
    }

    private static void AddIf(JsonObject o, string key, long value)
    {
        if (value != 0)
        {
            o[key] = value;
        }
    }

    private JsonObject PerPort(Dictionary<int, long> d)
    {
        JsonObject o = [];
        foreach (Port port in _ports)
        {
            o[port.Id.ToString(CultureInfo.InvariantCulture)] = d.GetValueOrDefault(port.Id);
        }

        return o;
    }

    private JsonObject Zeros()
    {
        JsonObject o = [];
        foreach (Port port in _ports)
        {
            o[port.Id.ToString(CultureInfo.InvariantCulture)] = 0.0;
        }

        return o;
    }

    private JsonObject AsyncEvents(JsonObject p)
    {
        uint session = UInt32(p, "session_id");
        JsonArray data = [];
        if (_sessions.TryGetValue(session, out Queue<JsonObject>? q))
        {
            while (q.TryDequeue(out JsonObject? e))
            {
                data.Add(e);
            }
        }
        else
        {
            _sessions[session] = new Queue<JsonObject>();
        }

        return new JsonObject { ["data"] = data };
    }

    private JsonObject ServiceMode(JsonObject p)
    {
        Port port = PortOf(p);
        bool enabled = Bool(p, "enabled");
        Bool(p, "filtered", false);
        Byte0(p);
        if (port.State is "TX" or "PAUSE")
        {
            throw RpcFault.Execute($"command 'service' cannot be executed on current state: '{port.State}'");
        }

        port.Service = enabled;
        Emit(8, new JsonObject { ["port_id"] = port.Id, ["attr"] = Attr(port) });
        return [];
    }

    private static void Byte0(JsonObject p)
    {
        if (p["mask"] is not null)
        {
            RpcParams.Byte(p, "mask");
        }
    }

    private JsonObject SetL2(JsonObject p)
    {
        Port port = PortOf(p);
        string mac = Str(p, "dst_mac");
        if (mac.Split(':') is not { Length: 6 } parts || parts.Any(x => x.Length != 2 || !byte.TryParse(x, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _)))
        {
            throw RpcFault.Params($"'invalid MAC address: '{mac}'");
        }

        port.DstMac = mac.ToLowerInvariant();
        port.Ipv4Src = null;
        port.Ipv4Dst = null;
        return [];
    }

    private JsonObject SetL3(JsonObject p)
    {
        Port port = PortOf(p);
        string src = Str(p, "src_addr");
        string dst = Str(p, "dst_addr");
        if (!IPAddress.TryParse(src, out IPAddress? s) || s.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw RpcFault.Params($"invalid source IPv4 address: '{src}'");
        }

        if (!IPAddress.TryParse(dst, out IPAddress? d) || d.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw RpcFault.Params($"invalid destination IPv4 address: '{dst}'");
        }

        port.Ipv4Src = src;
        port.Ipv4Dst = dst;
        port.DstMac = Mac(port.Id ^ 1);
        return [];
    }

    // Tagged packet groups are not emulated: every port reports them disabled, as a server whose user never enabled them.
    private JsonObject TpgStatus(JsonObject p)
    {
        string user = Str(p, "username", string.Empty);
        bool hasPort = p["port_id"] is not null;
        if (hasPort)
        {
            PortOf(p);
        }

        if (user.Length > 0 && hasPort)
        {
            throw RpcFault.Execute("Should provide only one between port_id and username to get TPG status");
        }

        if (user.Length == 0 && !hasPort)
        {
            throw RpcFault.Execute("Should provide at least one between port_id and username to get TPG status");
        }

        return new JsonObject
        {
            ["enabled"] = false,
            ["data"] = new JsonObject { ["acquired_ports"] = new JsonArray(), ["rx_ports"] = new JsonArray(), ["username"] = "-", ["num_tpgids"] = 0, ["num_tags"] = 0 },
        };
    }

    private static readonly HashSet<string> s_stlMethods =
    [
        "acquire", "release", "add_stream", "remove_stream", "remove_all_streams", "get_stream_list", "get_stream", "get_all_streams", "get_profile_list",
        "start_traffic", "stop_traffic", "pause_traffic", "resume_traffic", "update_traffic", "remove_rx_filters", "get_active_pgids", "get_pgid_stats",
        "service", "get_tpg_status",
    ];

    private sealed record MethodInfo(bool NeedsApi, bool Owned, Func<TrexServer, JsonObject, JsonNode> Run)
    {
        public bool Stl => s_stlMethods.Contains(Run.Method.Name) || s_methods.Any(kv => ReferenceEquals(kv.Value, this) && s_stlMethods.Contains(kv.Key));
    }
}
