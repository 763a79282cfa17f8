// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Client;
using NfvConformance.Trex.Protocol;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Tests;

/// <summary>Our client against our server, over ZeroMQ on loopback: handshake, ownership, state machine, streams, stats, events.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ClientServerTests
{
    private static readonly TrafficStream Fwd = new() { Name = "fwd", TxPort = 0, RxPort = 1 };

    [Test]
    public void Connect_NegotiatesTheMinorVersionDown_ToWhatTheServerServes()
    {
        using TestServer server = new(apiMinor: 0);
        using TrexClient client = new(server.Endpoint);

        client.Connect();

        Assert.That(client.ApiVersion, Is.EqualTo(new Version(5, 0)));
        Assert.That(server.Recorded.Count(r => r["method"]!.GetValue<string>() == "api_sync_v2"), Is.EqualTo(2), "asked 5.1, refused, asked 5.0");
        Assert.That(client.PortCount, Is.EqualTo(2));
    }

    [Test]
    public void Connect_MajorAboveTheServers_IsAnApiVersionErrorThatSaysWhatToDo()
    {
        using TestServer server = new();
        using TrexClient client = new(server.Endpoint, new TrexClientOptions { ApiMajor = 6, ApiMinor = 0 });

        TrexException? ex = Assert.Throws<TrexException>(client.Connect);

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.ApiVersion));
        Assert.That(ex.Message, Does.Contain("too new").And.Contain("use a TRex server"));
    }

    [Test]
    public void Acquire_PortOwnedByAnotherUser_IsAnOwnershipErrorNamingTheOwner_AndForceTakesIt()
    {
        using TestServer server = new();
        using TrexClient alice = new(server.Endpoint, new TrexClientOptions { User = "alice" });
        using TrexClient bob = new(server.Endpoint, new TrexClientOptions { User = "bob" });
        alice.Connect();
        bob.Connect();
        alice.Acquire([0]);

        TrexException? ex = Assert.Throws<TrexException>(() => bob.Acquire([0]));
        bob.Acquire([0], force: true);

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.Ownership));
        Assert.That(ex.Message, Does.Contain("already taken by 'alice'").And.Contain("force"));
        Assert.That(bob.PortStatus(0)["owner"]!.GetValue<string>(), Is.EqualTo("bob"));
        TrexException? stale = Assert.Throws<TrexException>(() => alice.RemoveAllStreams(0));
        Assert.That(stale!.Kind, Is.EqualTo(TrexErrorKind.Ownership), "alice's handler no longer owns the port");
    }

    [Test]
    public void OwnedCommand_WithoutApiHandle_IsRefusedLikeTheRealServer()
    {
        using TestServer server = new();
        using TrexRpcClient rpc = new(server.Endpoint.RpcAddress);

        TrexException? ex = Assert.Throws<TrexException>(() => rpc.Call("get_system_info", new JsonObject { ["api_h"] = "wrong" }));
        TrexException? missing = Assert.Throws<TrexException>(() => rpc.Call("get_system_info"));
        TrexException? unknown = Assert.Throws<TrexException>(() => rpc.Call("no_such_method"));

        Assert.That(ex!.Code, Is.EqualTo(TrexErrorCodes.Execute));
        Assert.That(ex.Detail, Does.StartWith("API verification failed"));
        Assert.That(missing!.Code, Is.EqualTo(TrexErrorCodes.InvalidParams));
        Assert.That(missing.Detail, Is.EqualTo("field 'api_h' value is null"));
        Assert.That(unknown!.Code, Is.EqualTo(TrexErrorCodes.MethodNotFound));
    }

    [Test]
    public void PortStateMachine_IdleStreamsTxPauseStreamsIdle_WithWrongStateErrors()
    {
        using TestServer server = new();
        using TrexClient client = new(server.Endpoint);
        client.Connect();
        client.Acquire([0, 1]);
        client.Reset([0, 1]);
        JsonObject mul = StreamCodec.Multiplier("raw", 1);

        TrexException? early = Assert.Throws<TrexException>(() => client.StartTraffic([0], mul, 10));
        client.AddStreams(0, [(1, StreamCodec.Encode(Fwd, 64, 1000, 1, PgRule.Stats))]);
        string afterAdd = client.PortState(0);
        client.StartTraffic([0], mul, 30);
        string running = client.PortState(0);
        TrexException? busy = Assert.Throws<TrexException>(() => client.RemoveAllStreams(0));
        client.PauseTraffic(0);
        string paused = client.PortState(0);
        client.ResumeTraffic(0);
        client.StopTraffic([0]);
        string stopped = client.PortState(0);
        client.RemoveAllStreams(0);

        Assert.That(early!.Kind, Is.EqualTo(TrexErrorKind.State));
        Assert.That(early.Detail, Is.EqualTo("command 'start' cannot be executed on current state: 'IDLE on profile_id(_)."));
        Assert.That((afterAdd, running, paused, stopped, client.PortState(0)), Is.EqualTo(("STREAMS", "TX", "PAUSE", "STREAMS", "IDLE")));
        Assert.That(busy!.Kind, Is.EqualTo(TrexErrorKind.State));
    }

    [Test]
    public void AddStream_WithFlowStatsOnAPortWithoutRxCaps_IsTheRxStatsError()
    {
        using TestServer server = new(rxStats: false);
        using TrexClient client = new(server.Endpoint);
        client.Connect();
        client.Acquire([0]);

        TrexException? ex = Assert.Throws<TrexException>(() => client.AddStreams(0, [(1, StreamCodec.Encode(Fwd, 64, 1000, 7, PgRule.Latency))]));

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.RxStatsUnsupported));
        Assert.That(ex.Message, Does.Contain("RX stats is not supported on this interface").And.Contain("without latency streams"));
    }

    [Test]
    public void AddStream_MissingRequiredField_IsBadParametersNamingTheField()
    {
        using TestServer server = new();
        using TrexClient client = new(server.Endpoint);
        client.Connect();
        client.Acquire([0]);
        JsonObject stream = StreamCodec.Encode(Fwd, 64, 1000, 1, PgRule.Stats);
        stream.Remove("isg");

        TrexException? ex = Assert.Throws<TrexException>(() => client.AddStreams(0, [(1, stream)]));

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.StreamRejected));
        Assert.That(ex.Code, Is.EqualTo(TrexErrorCodes.Execute), "the real server reports faults inside the stream object as execute errors");
        Assert.That(ex.Detail, Is.EqualTo("field 'isg' value is null"));
    }

    [Test]
    public void Workflow_ContinuousAndLatencyStreams_CountWhatTheDeviceImplies()
    {
        // Given a device with 3 Mpps capacity: 1 Mpps of 64 B for 0.2 s passes without loss.
        using TestServer server = new();
        using TrexClient client = new(server.Endpoint);
        client.Connect();
        client.Acquire([0, 1]);
        client.Reset([0, 1]);
        client.AddStreams(0,
        [
            (1, StreamCodec.Encode(Fwd, 64, 1_000_000, 5, PgRule.Stats)),
            (2, StreamCodec.Encode(Fwd, 64, 1000, 5 | StreamCodec.LatencyPgBit, PgRule.Latency, singleFlow: true)),
        ]);

        // When
        client.StartTraffic([0], StreamCodec.Multiplier("raw", 1), 0.2);
        bool sawFinish = false;
        for (int i = 0; i < 50 && !sawFinish; i++)
        {
            client.WaitForEvent(TimeSpan.FromMilliseconds(100));
            sawFinish = client.DrainEvents().Any(e => e.Type == 4 && e.PortId == 0);
        }

        PgidStats stats = client.PgidStats([5, 5 | StreamCodec.LatencyPgBit]);
        (IReadOnlyList<uint> flow, IReadOnlyList<uint> latency) = client.ActivePgids();

        // Then
        Assert.That(sawFinish, Is.True, "event 4 (finished TX) arrived through the async channel");
        Assert.That(stats.Flow[5].TxPackets, Is.EqualTo(200_000));
        Assert.That(stats.Flow[5].RxPerPort[1], Is.EqualTo(200_000));
        Assert.That(stats.Flow[5 | StreamCodec.LatencyPgBit].TxPackets, Is.EqualTo(200));
        LatencyStats lat = stats.Latency[5 | StreamCodec.LatencyPgBit];
        Assert.That(lat.MinUs, Is.GreaterThan(5).And.LessThan(lat.MaxUs), "10 us base latency with lognormal jitter");
        Assert.That(lat.HistogramCount, Is.EqualTo(200));
        Assert.That(flow, Is.EquivalentTo(new uint[] { 5 }));
        Assert.That(latency, Is.EquivalentTo(new uint[] { 5 | StreamCodec.LatencyPgBit }));
        Assert.That(client.PortStats(0)["opackets"]!.GetValue<long>(), Is.EqualTo(200_200));
    }

    [Test]
    public void ServerGoneMidTrial_IsAClearEnvironmentErrorWithinTheTimeout()
    {
        TestServer server = new();
        TimeSpan timeout = TimeSpan.FromSeconds(1);
        using Generator.TrexGenerator generator = Generator.TrexGenerator.Connect(server.Endpoint, new Generator.TrexGeneratorOptions { Client = new TrexClientOptions { Rpc = new TrexRpcOptions { Timeout = timeout } } });
        TrialRequest request = new() { Profile = new TrafficProfile([Fwd]), RatePerPort = TrafficRate.Pps(10_000), Duration = TimeSpan.FromSeconds(30) };

        Task<TrialResult> trial = generator.RunTrialAsync(request).AsTask();
        Thread.Sleep(1000);
        System.Diagnostics.Stopwatch sw = System.Diagnostics.Stopwatch.StartNew();
        server.Dispose();
        TrafficEnvironmentException? ex = Assert.ThrowsAsync<TrafficEnvironmentException>(async () => await trial);

        Assert.That(sw.Elapsed, Is.LessThan(timeout + timeout + TimeSpan.FromSeconds(1)), "a poll in flight, then one request that times out");
        Assert.That(ex!.Message, Does.Contain("did not answer").And.Contain("check that the server is running"));
        Assert.That(trial.IsFaulted, Is.True);
    }

    [Test]
    public void CompressedRequests_AreAnsweredCompressed()
    {
        using TestServer server = new();
        using TrexClient client = new(server.Endpoint, new TrexClientOptions { Rpc = new TrexRpcOptions { Compress = true } });

        client.Connect();

        Assert.That(client.Ping(), Is.GreaterThan(0));
        Assert.That(client.SystemInfo!["port_count"]!.GetValue<int>(), Is.EqualTo(2));
    }
}
