// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Packets;
using NfvConformance.Emulator.Internal;

namespace NfvConformance.Emulator.Tests;

/// <summary>The dataplane facets of the emulator target: service chaining and traffic.</summary>
public sealed class DataplaneFacetTests
{
    private static ChainSpec ThreeHops() => new ChainSpecBuilder()
        .WithPortPair(new PortPair("fw-1", "fw-1-in", "fw-1-out", "firewall"))
        .WithPortPair(new PortPair("nat-1", "nat-1-in", "nat-1-out", "nat44"))
        .WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
        .WithPortPairGroup(new PortPairGroup("fw", ["fw-1"]))
        .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]))
        .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
        .WithFlowClassifier(new FlowClassifier("inside") { SourceIpPrefix = "10.0.0.0/8", Protocol = ClassifierProtocol.Udp })
        .WithPortChain(new PortChain("web", ["fw", "nat", "rt"], ["inside"]) { ChainId = 7, Correlation = SfcCorrelation.Nsh })
        .Build();

    [Test]
    public async Task GetFeature_StartedTarget_ReturnsChainingAndVirtualTimeTraffic()
    {
        // Given
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions());

        // When
        await target.StartAsync();

        // Then
        ITrafficGeneration? traffic = target.GetFeature<ITrafficGeneration>();
        Assert.Multiple(() =>
        {
            Assert.That(target.GetFeature<IServiceChaining>(), Is.Not.Null);
            Assert.That(traffic, Is.Not.Null);
            Assert.That(traffic!.Info.VirtualTime, Is.True);
            Assert.That(traffic.Clock, Is.Not.SameAs(TimeProvider.System));
        });
    }

    [Test]
    public async Task GetFeature_RealTimeTrafficSetting_ReturnsInProcessGenerator()
    {
        // Given
        LabTargetOptions options = new() { Settings = new Dictionary<string, string> { [EmulatorTargetFactory.TrafficSetting] = "real-time" } };
        await using ILabTarget target = new EmulatorTargetFactory().Create(options);

        // When
        await target.StartAsync();

        // Then
        ITrafficGeneration traffic = target.GetFeature<ITrafficGeneration>()!;
        Assert.Multiple(() =>
        {
            Assert.That(traffic.Info.VirtualTime, Is.False);
            Assert.That(traffic.Clock, Is.SameAs(TimeProvider.System));
        });
    }

    [Test]
    public void Validate_UnknownTrafficSetting_NamesTheSettingAndTheChoices()
    {
        // Given
        LabTargetOptions options = new() { Settings = new Dictionary<string, string> { [EmulatorTargetFactory.TrafficSetting] = "warp" } };

        // When
        IReadOnlyList<ValidationError> errors = new EmulatorTargetFactory().Validate(options);

        // Then
        ValidationError error = errors.Single(e => e.IsCritical);
        Assert.Multiple(() =>
        {
            Assert.That(error.Subject, Is.EqualTo("settings.traffic"));
            Assert.That(error.Message, Does.Contain("'warp'").And.Contain("real-time"));
        });
    }

    [Test]
    public void Validate_RunnerSettings_AreNotEmulatorErrors()
    {
        // Given
        LabTargetOptions options = new() { Settings = new Dictionary<string, string> { ["nfvc.targets"] = "figures.yaml" } };

        // When
        IReadOnlyList<ValidationError> errors = new EmulatorTargetFactory().Validate(options);

        // Then
        Assert.That(errors.Where(e => e.IsCritical), Is.Empty);
    }

    [Test]
    public async Task ProbeAsync_ThreeHopChainAppliedThroughFacet_ShowsExactPathWithSpiAndSi()
    {
        // Given
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions());
        await target.StartAsync();
        IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
        ChainApplyResult applied = await chaining.ApplyAsync(ThreeHops());

        // When
        ChainPathTrace path = await chaining.ProbeAsync(new ChainProbe("10.1.1.1", "198.51.100.7", ClassifierProtocol.Udp, 4000, 53));

        // Then
        IReadOnlyList<ChainHopCounters> counters = await chaining.ReadCountersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
            Assert.That(path.Delivered, Is.True, path.DropReason);
            Assert.That(path.Chain, Is.EqualTo("web"));
            Assert.That(path.Hops.Select(h => (h.ServicePathId, h.ServiceIndex, h.PortPairGroup, h.PortPair)), Is.EqualTo(new[]
            {
                (7, 255, "fw", "fw-1"),
                (7, 254, "nat", "nat-1"),
                (7, 253, "rt", "rt-1"),
            }));
            Assert.That(counters.Select(c => c.Packets), Is.All.EqualTo(1));
        });
    }

    [Test]
    public async Task Worker_PacketsOnIngress_LeaveOnEgressAfterEveryHop()
    {
        // Given
        EmulatorTarget target = (EmulatorTarget)new EmulatorTargetFactory().Create(new LabTargetOptions());
        await using ILabTarget owned = target;
        await target.StartAsync();
        IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
        await chaining.ApplyAsync(ThreeHops());
        EmulatorDataplane dataplane = target.Instance!.Dataplane;
        const int Count = 100;

        // When
        for (int i = 0; i < Count; i++)
        {
            PacketHandle packet = Frame(dataplane.Pool, 0x0A00_0001u + (uint)i, 0xC633_6407u);
            Assert.That(dataplane.IngressUser.TransmitBurst(new ReadOnlySpan<PacketHandle>(in packet)), Is.EqualTo(1));
        }

        PacketHandle[] burst = new PacketHandle[32];
        int received = 0;
        List<uint> sources = [];
        bool done = SpinWait.SpinUntil(
            () =>
            {
                int n = dataplane.EgressUser.ReceiveBurst(burst);
                for (int i = 0; i < n; i++)
                {
                    // IPv4 source address at Ethernet 14 + 12.
                    sources.Add(BinaryPrimitives.ReadUInt32BigEndian(dataplane.Pool.GetData(burst[i])[26..]));
                    dataplane.Pool.Free(burst[i]);
                }

                received += n;
                return received >= Count;
            },
            TimeSpan.FromSeconds(30));

        // Then: every packet came out, source-translated by the NAT hop, and each instance counted it.
        IReadOnlyList<ChainHopCounters> counters = await chaining.ReadCountersAsync();
        Assert.Multiple(() =>
        {
            Assert.That(done, Is.True, $"received {received} of {Count}");
            Assert.That(sources, Is.All.EqualTo(0xC000_0201u));
            Assert.That(counters.Select(c => c.Packets), Is.All.EqualTo(Count));
        });
    }

    [Test]
    public async Task RunTrialAsync_VirtualTimeGeneratorOverAppliedChain_ReturnsTxRxAndLoss()
    {
        // Given
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions());
        await target.StartAsync();
        await target.GetFeature<IServiceChaining>()!.ApplyAsync(ThreeHops());
        ITrafficGeneration traffic = target.GetFeature<ITrafficGeneration>()!;
        TrafficProfile profile = new([new TrafficStream { Name = "up", Headers = new HeaderStack { SourceIp = System.Net.IPAddress.Parse("10.0.0.1") }, FlowCount = 100 }]);

        // When: kernel virtio carries about 0.49 Mpps per hop in the model, so 0.1 Mpps passes and 2 Mpps does not.
        TrialResult light = await traffic.RunTrialAsync(new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(100_000), Duration = TimeSpan.FromMilliseconds(20) });
        TrialResult heavy = await traffic.RunTrialAsync(new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(2_000_000), Duration = TimeSpan.FromMilliseconds(20) });

        // Then
        Assert.Multiple(() =>
        {
            Assert.That(light.TxPackets, Is.EqualTo(2_000));
            Assert.That(light.RxPackets, Is.EqualTo(light.TxPackets));
            Assert.That(light.LossRatio, Is.Zero);
            Assert.That(heavy.TxPackets, Is.EqualTo(40_000));
            Assert.That(heavy.LossRatio, Is.GreaterThan(0.5));
            Assert.That(traffic.Clock.GetTimestamp(), Is.GreaterThan(0), "the virtual clock advances by each trial's duration");
        });
    }

    [Test]
    public async Task RunTrialAsync_StreamMatchingNoChain_ThrowsNamingTheStream()
    {
        // Given
        await using ILabTarget target = new EmulatorTargetFactory().Create(new LabTargetOptions());
        await target.StartAsync();
        ITrafficGeneration traffic = target.GetFeature<ITrafficGeneration>()!;
        TrafficProfile profile = new([new TrafficStream { Name = "outside" }]);

        // When / Then
        ConfigurationException? error = Assert.ThrowsAsync<ConfigurationException>(async () =>
            await traffic.RunTrialAsync(new TrialRequest { Profile = profile, RatePerPort = TrafficRate.Pps(1000), Duration = TimeSpan.FromMilliseconds(10) }));
        Assert.That(error!.Message, Does.Contain("stream 'outside'").And.Contain("enters no applied service chain"));
    }

    private static PacketHandle Frame(PacketPool pool, uint source, uint destination)
    {
        Assert.That(pool.TryAlloc(out PacketHandle packet), Is.True);
        Span<byte> buffer = pool.GetBuffer(packet)[pool.Meta(packet).DataOffset..];
        byte[] dst = [0x02, 0, 0, 0, 0, 0x02];
        byte[] src = [0x02, 0, 0, 0, 0, 0x01];
        int n = FrameBuilder.WriteEthernet(buffer, dst, src, 0x0800);
        n += FrameBuilder.WriteIpv4(buffer[n..], source, destination, 17, 8 + 18);
        n += FrameBuilder.WriteUdp(buffer[n..], 4000, 53, 18);
        Assert.That(pool.TrySetLength(packet, n + 18), Is.True);
        return packet;
    }
}
