// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Client;
using NfvConformance.Trex.Generator;
using NfvConformance.Trex.Protocol;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Tests;

/// <summary>Our client against Cisco's TRex v3.08 server (started here as root on a veth pair in a namespace of our own).</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
[NonParallelizable]
public sealed class RealServerTests
{
    private static readonly TrafficStream Fwd = new() { Name = "fwd", TxPort = 0, RxPort = 1, Headers = new HeaderStack { SourceMac = [2, 0, 0, 0, 0, 0x0a], DestinationMac = [2, 0, 0, 0, 0, 0x0b] } };

    [Test]
    public void OurClient_WholeWorkflow_AgainstTheRealServer()
    {
        using RealServer real = RealServer.Start();
        using TrexClient client = new(real.Endpoint);

        client.Connect();
        client.Acquire([0, 1]);
        client.Reset([0, 1]);
        client.AddStreams(0,
        [
            (1, StreamCodec.Encode(Fwd, 64, 100_000, 5, PgRule.Stats)),
            (2, StreamCodec.Encode(Fwd, 64, 1000, 5 | StreamCodec.LatencyPgBit, PgRule.Latency, singleFlow: true)),
        ]);
        client.StartTraffic([0], StreamCodec.Multiplier("raw", 1), 1.0);
        bool finished = false;
        Stopwatch sw = Stopwatch.StartNew();
        while (!finished && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            client.WaitForEvent(TimeSpan.FromMilliseconds(200));
            finished = client.DrainEvents().Any(e => e.Type == 4 && e.PortId == 0) || client.PortState(0) == "STREAMS";
        }

        client.StopTraffic([0]);
        Thread.Sleep(200);
        client.RemoveRxFilters(0);
        PgidStats stats = client.PgidStats([5, 5 | StreamCodec.LatencyPgBit]);
        JsonObject port0 = client.PortStats(0);
        client.RemoveAllStreams(0);
        client.Release([0, 1]);

        Assert.That(client.ApiVersion, Is.EqualTo(new Version(5, 1)));
        Assert.That(client.ServerVersion!["version"]!.GetValue<string>(), Is.EqualTo("v3.08"));
        Assert.That(finished, Is.True, "the run finished (event 4 or state STREAMS)");
        Assert.That(stats.Flow[5].TxPackets, Is.InRange(100_000, 100_001), "100 kpps for 1 s; the real server may send one more at the edge (100001 seen under CI-like load)");
        Assert.That(stats.Flow[5].RxPackets, Is.GreaterThanOrEqualTo(99_000), "the veth pair carries what port 0 sends to port 1 (README: 0 lost at 100 kpps)");
        Assert.That(stats.Flow[5 | StreamCodec.LatencyPgBit].TxPackets, Is.InRange(999, 1002), "1 kpps for 1 s; the real server may send one more at the edge");
        Assert.That(stats.Latency[5 | StreamCodec.LatencyPgBit].HistogramCount, Is.GreaterThan(900));
        Assert.That(port0["opackets"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(101_000));
    }

    [Test]
    public void ErrorPaths_OnTheRealServer_GiveOurClearErrors()
    {
        using RealServer real = RealServer.Start();
        using TrexClient alice = new(real.Endpoint, new TrexClientOptions { User = "alice" });
        using TrexClient bob = new(real.Endpoint, new TrexClientOptions { User = "bob", ApiMinor = 2 });
        using TrexRpcClient raw = new(real.Endpoint.RpcAddress);
        alice.Connect();
        bob.Connect();
        alice.Acquire([0]);

        TrexException? owned = Assert.Throws<TrexException>(() => bob.Acquire([0]));
        TrexException? tooNew = Assert.Throws<TrexException>(() => raw.Call("api_sync_v2", new JsonObject { ["name"] = "STL", ["major"] = 5, ["minor"] = 2 }));
        TrexException? state = Assert.Throws<TrexException>(() => alice.StartTraffic([0], StreamCodec.Multiplier("raw", 1), 1));

        Assert.That(bob.ApiVersion, Is.EqualTo(new Version(5, 1)), "asked 5.2, negotiated down to the server's 5.1");
        Assert.That(owned!.Kind, Is.EqualTo(TrexErrorKind.Ownership));
        Assert.That(owned.Message, Does.Contain("already taken by 'alice'").And.Contain("acquire with force"));
        Assert.That(tooNew!.Kind, Is.EqualTo(TrexErrorKind.ApiVersion));
        Assert.That(tooNew.Message, Does.Contain("too new"));
        Assert.That(state!.Kind, Is.EqualTo(TrexErrorKind.State));
        alice.Release([0]);
    }

    [Test]
    public void OurServerAndTheRealOne_AnswerTheSameRequests_WithTheSameShapes()
    {
        using RealServer real = RealServer.Start();
        using TestServer ours = new();

        List<(string Label, JsonObject Reply)> a = Replay(real.Endpoint);
        List<(string Label, JsonObject Reply)> b = Replay(ours.Endpoint);

        List<string> differences = [];
        for (int i = 0; i < a.Count; i++)
        {
            Dictionary<string, string> sa = RealClientInteropTests.Shape(Strip(a[i].Reply), "reply");
            Dictionary<string, string> sb = RealClientInteropTests.Shape(Strip(b[i].Reply), "reply");
            foreach (string path in sa.Keys.Union(sb.Keys).Order(StringComparer.Ordinal))
            {
                string ta = sa.GetValueOrDefault(path, "absent");
                string tb = sb.GetValueOrDefault(path, "absent");
                if (ta != tb)
                {
                    differences.Add($"{a[i].Label} {path}: real {ta}, ours {tb}");
                }
            }

            if (a[i].Reply["error"]?["code"]?.GetValue<int>() != b[i].Reply["error"]?["code"]?.GetValue<int>())
            {
                differences.Add($"{a[i].Label}: error code real {a[i].Reply["error"]?["code"]}, ours {b[i].Reply["error"]?["code"]}");
            }
        }

        Assert.That(differences, Is.Empty);
    }

    [Test]
    public void RealServerKilledMidTrial_IsAClearErrorWithinTheTimeout()
    {
        using RealServer real = RealServer.Start();
        TimeSpan timeout = TimeSpan.FromSeconds(2);
        using TrexGenerator generator = TrexGenerator.Connect(real.Endpoint, new TrexGeneratorOptions { Client = new TrexClientOptions { Rpc = new TrexRpcOptions { Timeout = timeout } } });
        TrialRequest request = new() { Profile = new TrafficProfile([Fwd]), RatePerPort = TrafficRate.Pps(10_000), Duration = TimeSpan.FromSeconds(20) };

        Task<TrialResult> trial = generator.RunTrialAsync(request).AsTask();
        Thread.Sleep(1500);
        Stopwatch sw = Stopwatch.StartNew();
        real.Kill();
        TrafficEnvironmentException? ex = Assert.ThrowsAsync<TrafficEnvironmentException>(async () => await trial);

        Assert.That(sw.Elapsed, Is.LessThan(timeout + timeout + TimeSpan.FromSeconds(1)), "one poll may be in flight, then one request times out");
        Assert.That(ex!.Message, Does.Contain("did not answer").And.Contain("check that the server is running"));
    }

    private static JsonObject Strip(JsonObject reply)
    {
        JsonObject c = (JsonObject)reply.DeepClone();
        c.Remove("id");
        return c;
    }

    private static List<(string, JsonObject)> Replay(TrexEndpoint endpoint)
    {
        using NetMQ.Sockets.RequestSocket s = new();
        s.Connect(endpoint.RpcAddress);
        List<(string, JsonObject)> replies = [];
        int id = 0;
        JsonObject Send(string label, string method, JsonObject p)
        {
            JsonObject req = new() { ["jsonrpc"] = "2.0", ["id"] = ++id, ["method"] = method, ["params"] = p };
            Assert.That(NetMQ.OutgoingSocketExtensions.TrySendFrame(s, TimeSpan.FromSeconds(3), req.ToJsonString()), Is.True);
            Assert.That(NetMQ.ReceivingSocketExtensions.TryReceiveFrameString(s, TimeSpan.FromSeconds(3), out string? text), Is.True, label);
            JsonObject reply = (JsonObject)JsonNode.Parse(text!)!;
            replies.Add((label, reply));
            return reply;
        }

        string h = Send("api_sync_v2 5.1", "api_sync_v2", new JsonObject { ["name"] = "STL", ["major"] = 5, ["minor"] = 1 })["result"]!["api_h"]!.GetValue<string>();
        JsonObject Api(JsonObject? p = null)
        {
            p ??= [];
            p["api_h"] = h;
            return p;
        }

        Send("api_sync_v2 5.2", "api_sync_v2", new JsonObject { ["name"] = "STL", ["major"] = 5, ["minor"] = 2 });
        Send("get_version", "get_version", Api());
        Send("get_system_info", "get_system_info", Api());
        Send("get_port_status", "get_port_status", Api(new JsonObject { ["port_id"] = 0 }));
        Send("get_port_stats", "get_port_stats", Api(new JsonObject { ["port_id"] = 0 }));
        Send("get_global_stats", "get_global_stats", Api());
        Send("get_active_pgids", "get_active_pgids", Api());
        Send("get_pgid_stats empty", "get_pgid_stats", Api(new JsonObject { ["pgids"] = new JsonArray() }));
        Send("bad api_h", "get_system_info", new JsonObject { ["api_h"] = "x" });
        Send("no api_h", "get_system_info", []);
        Send("unknown method", "nope", []);
        string handler = Send("acquire", "acquire", Api(new JsonObject { ["port_id"] = 0, ["user"] = "alice", ["session_id"] = 5, ["force"] = false }))["result"]!.GetValue<string>();
        Send("acquire taken", "acquire", Api(new JsonObject { ["port_id"] = 0, ["user"] = "bob", ["session_id"] = 6, ["force"] = false }));
        JsonObject mul = StreamCodec.Multiplier("raw", 1);
        Send("start idle", "start_traffic", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler, ["mul"] = mul.DeepClone(), ["duration"] = 1.0, ["force"] = true }));
        Send("start wrong handler", "start_traffic", Api(new JsonObject { ["port_id"] = 0, ["handler"] = "zz", ["mul"] = mul.DeepClone(), ["duration"] = 1.0, ["force"] = true }));
        JsonObject stream = StreamCodec.Encode(Fwd, 64, 1000, 7, PgRule.Stats);
        Send("add_stream", "add_stream", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler, ["stream_id"] = 1, ["stream"] = stream.DeepClone() }));
        Send("add_stream again", "add_stream", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler, ["stream_id"] = 1, ["stream"] = stream.DeepClone() }));
        JsonObject bad = (JsonObject)stream.DeepClone();
        bad.Remove("isg");
        Send("add_stream missing isg", "add_stream", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler, ["stream_id"] = 2, ["stream"] = bad }));
        Send("get_stream_list", "get_stream_list", Api(new JsonObject { ["port_id"] = 0 }));
        Send("get_port_status streams", "get_port_status", Api(new JsonObject { ["port_id"] = 0 }));
        Send("get_pgid_stats 7", "get_pgid_stats", Api(new JsonObject { ["pgids"] = new JsonArray(7) }));
        Send("get_active_pgids 7", "get_active_pgids", Api());
        Send("remove_all_streams", "remove_all_streams", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler }));
        Send("release", "release", Api(new JsonObject { ["port_id"] = 0, ["handler"] = handler }));
        return replies;
    }
}
