// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Client;
using NfvConformance.Trex.Protocol;

namespace NfvConformance.Trex.Tests;

/// <summary>Cisco's TRex v3.08 Python client (a separate process) against our server; our requests compared with its requests.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class RealClientInteropTests
{
    private static readonly string[] s_compared = ["api_sync_v2", "acquire", "get_port_status", "add_stream", "start_traffic", "remove_rx_filters", "get_pgid_stats", "get_async_events", "release"];

    [Test]
    public void RealClient_Workflow_AgainstOurServer_GetsTheFiguresTheDeviceImplies()
    {
        // Given our server over a 3 Mpps device; 100 kpps of 64 B plus a 1 kpps latency stream for 1 s.
        using TestServer server = new();

        // When the real client connects, resets, adds a continuous and a latency stream, runs, reads stats and pgid stats.
        JsonObject seen = RunRealClient(server, 100_000, 1);

        // Then
        Assert.That(seen["ok"]!.GetValue<bool>(), Is.True, seen.ToJsonString());
        Assert.That(seen["server_version"]!.GetValue<string>(), Is.EqualTo("v3.08"));
        Assert.That(seen["pg7_tx"]!.GetValue<long>(), Is.EqualTo(100_000));
        Assert.That(seen["pg7_rx"]!.GetValue<long>(), Is.EqualTo(100_000), "below capacity: no loss");
        Assert.That(seen["pg12_tx"]!.GetValue<long>(), Is.EqualTo(1000));
        Assert.That(seen["pg12_rx"]!.GetValue<long>(), Is.EqualTo(1000));
        Assert.That(seen["port0_opackets"]!.GetValue<long>(), Is.EqualTo(101_000));
        Assert.That(seen["lat_hist_count"]!.GetValue<long>(), Is.EqualTo(1000));
        Assert.That(seen["lat_avg_us"]!.GetValue<double>(), Is.InRange(8.0, 14.0), "10 us base latency, 2 us load factor, lognormal jitter");
        Assert.That(seen["lat_dropped"]!.GetValue<long>(), Is.Zero);
    }

    [Test]
    public void RealClient_AboveTheDevicesCapacity_SeesTheLossTheDeviceImplies()
    {
        // 4 Mpps offered to a 3 Mpps device for 0.5 s: a quarter is lost.
        using TestServer server = new();

        JsonObject seen = RunRealClient(server, 4_000_000, 0.5);

        Assert.That(seen["ok"]!.GetValue<bool>(), Is.True, seen.ToJsonString());
        double loss = 1 - (seen["pg7_rx"]!.GetValue<double>() / seen["pg7_tx"]!.GetValue<double>());
        Assert.That(seen["pg7_tx"]!.GetValue<long>(), Is.EqualTo(2_000_000));
        Assert.That(loss, Is.EqualTo(1 - (3_000_000.0 / 4_001_000)).Within(0.002));
    }

    [Test]
    public void OurRequests_MatchTheRealClientsRequests_FieldByField()
    {
        // Given the real client's requests for the workflow, recorded by our server
        using TestServer realSide = new();
        JsonObject seen = RunRealClient(realSide, 100_000, 0.2);
        Assert.That(seen["ok"]!.GetValue<bool>(), Is.True, seen.ToJsonString());

        // When our client runs the same steps against another instance
        using TestServer ourSide = new();
        using (TrexClient client = new(ourSide.Endpoint))
        {
            client.Connect();
            client.Acquire([0, 1], force: true);
            client.Reset([0, 1]);
            TrafficStream s = new() { Name = "fwd" };
            client.AddStreams(0, [(1, StreamCodec.Encode(s, 64, 100_000, 7, PgRule.Stats)), (2, StreamCodec.Encode(s, 64, 1000, 12, PgRule.Latency, singleFlow: true))]);
            client.StartTraffic([0], StreamCodec.Multiplier("raw", 1), 0.2);
            while (client.PortState(0) == "TX")
            {
                Thread.Sleep(50);
            }

            client.RemoveRxFilters(0);
            client.PgidStats([7, 12]);
            client.PollEvents();
            client.Release([0, 1]);
        }

        // Then every compared method carries the same fields with the same JSON types
        List<string> differences = [];
        foreach (string method in s_compared)
        {
            JsonObject? theirs = realSide.Recorded.LastOrDefault(r => r["method"]!.GetValue<string>() == method);
            JsonObject? ours = ourSide.Recorded.LastOrDefault(r => r["method"]!.GetValue<string>() == method);
            Assert.That(theirs, Is.Not.Null, $"the real client sent no {method}");
            Assert.That(ours, Is.Not.Null, $"our client sent no {method}");
            Dictionary<string, string> a = Shape(theirs!["params"]!, "params");
            Dictionary<string, string> b = Shape(ours!["params"]!, "params");
            foreach (string path in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
            {
                string ta = a.GetValueOrDefault(path, "absent");
                string tb = b.GetValueOrDefault(path, "absent");
                if (ta != tb)
                {
                    differences.Add($"{method} {path}: real client {ta}, ours {tb}");
                }
            }
        }

        Assert.That(differences, Is.Empty);
    }

    /// <summary>Every field path with its JSON kind (numbers as "number": JSON does not tell int from float).</summary>
    internal static Dictionary<string, string> Shape(JsonNode node, string path)
    {
        Dictionary<string, string> d = [];
        Walk(node, path, d);
        return d;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> d)
    {
        JsonValueKind kind = node?.GetValueKind() ?? JsonValueKind.Null;
        d[path] = kind switch
        {
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => kind.ToString().ToLowerInvariant(),
        };
        if (node is JsonObject o)
        {
            foreach ((string k, JsonNode? v) in o)
            {
                Walk(v, path + "." + k, d);
            }
        }
        else if (node is JsonArray arr)
        {
            foreach (JsonNode? v in arr)
            {
                Walk(v, path + "[]", d);
            }
        }
    }

    private static JsonObject RunRealClient(TestServer server, double pps, double seconds)
    {
        (int exit, string stdout, string stderr) = Peers.RunClient("real_client_workflow.py", TimeSpan.FromSeconds(90),
            "127.0.0.1", server.Endpoint.RpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Endpoint.AsyncPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            pps.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        Assert.That(exit, Is.Zero, $"the real client exited {exit}: {stderr}");
        return JsonNode.Parse(last) as JsonObject ?? throw new AssertionException($"no JSON from the real client: {stdout} {stderr}");
    }
}
