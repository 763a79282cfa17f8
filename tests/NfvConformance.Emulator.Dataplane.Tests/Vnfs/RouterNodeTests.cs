// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Packets;
using NfvConformance.Emulator.Dataplane.Tests.Protocols;
using NfvConformance.Emulator.Dataplane.Vnfs;

namespace NfvConformance.Emulator.Dataplane.Tests.Vnfs;

public sealed class RouterNodeTests
{
    private static RouterNode CreateRouter(string name = "r0")
    {
        RouterNode r = new(name,
        [
            new RouterInterface("if0", "02:00:00:00:01:00", "02:00:00:00:0a:00"),
            new RouterInterface("if1", "02:00:00:00:01:01", "02:00:00:00:0a:01"),
            new RouterInterface("if2", "02:00:00:00:01:02", "02:00:00:00:0a:02"),
        ]);
        r.AddRoute("0.0.0.0/0", 0);
        r.AddRoute("10.0.0.0/8", 1);
        r.AddRoute("10.1.2.0/24", 2);
        r.AddRoute("10.1.2.128/25", 0);
        r.AddRoute("10.1.2.200/32", 1);
        return r;
    }

    [TestCase("8.8.8.8", 0)]
    [TestCase("10.9.9.9", 1)]
    [TestCase("10.1.2.3", 2)]
    [TestCase("10.1.2.129", 0)]
    [TestCase("10.1.2.200", 1)]
    [TestCase("10.1.2.201", 0)]
    [TestCase("10.1.3.1", 1)]
    public void Lookup_OverlappingPrefixes_LongestMatchWins(string address, int expected)
    {
        RouterNode r = CreateRouter();

        Assert.That(r.Lookup(GoldenFrames.Ip(address)), Is.EqualTo(expected));
    }

    [Test]
    public void Lookup_AgainstLinearScan_AgreesOnRandomRoutesAndAddresses()
    {
        Random rng = new(11);
        RouterNode r = new("r", [.. Enumerable.Range(0, 8).Select(i => new RouterInterface($"if{i}", "02:00:00:00:00:01", "02:00:00:00:00:02"))], maxLpmGroups: 4096);
        List<(uint Prefix, int Length, int Hop)> routes = [];
        for (int i = 0; i < 300; i++)
        {
            int length = rng.Next(0, 33);
            uint prefix = (uint)rng.NextInt64(0, 1L << 32) & (length == 0 ? 0 : uint.MaxValue << (32 - length));
            int hop = rng.Next(8);
            r.AddRoute($"{GoldenFrames.IpString(prefix)}/{length}", hop);
            routes.RemoveAll(x => x.Prefix == prefix && x.Length == length);
            routes.Add((prefix, length, hop));
        }

        for (int i = 0; i < 20_000; i++)
        {
            (uint Prefix, int Length, int Hop) pick = routes[rng.Next(routes.Count)];
            uint address = rng.Next(2) == 0 ? pick.Prefix | ((uint)rng.NextInt64(0, 1L << 32) & ~(pick.Length == 0 ? 0 : uint.MaxValue << (32 - pick.Length))) : (uint)rng.NextInt64(0, 1L << 32);
            int expected = routes.Where(x => x.Length == 0 || (address >> (32 - x.Length)) == (x.Prefix >> (32 - x.Length))).OrderByDescending(x => x.Length).Select(x => x.Hop).DefaultIfEmpty(-1).First();
            Assert.That(r.Lookup(address), Is.EqualTo(expected), GoldenFrames.IpString(address));
        }
    }

    [Test]
    public void Process_RoutedPacket_DecrementsTtlRewritesMacsKeepsChecksumValid()
    {
        VnfHarness h = new(CreateRouter());
        byte[] frame = GoldenFrames.Udp4(60, "192.168.0.1", "10.1.2.3", 1, 2);

        h.Send(frame);

        byte[] got = h.Received("if2").Single();
        Assert.That(got[14 + Ipv4Fields.TtlPosition], Is.EqualTo(63));
        Assert.That(new Ipv4View(got.AsSpan(14)).IsChecksumValid, Is.True);
        Assert.That(got[..6], Is.EqualTo(new byte[] { 2, 0, 0, 0, 0x0a, 2 }));
        Assert.That(got[6..12], Is.EqualTo(new byte[] { 2, 0, 0, 0, 1, 2 }));
        h.AssertNoLeak();
    }

    [Test]
    public void Process_TtlOne_DroppedAsTtlExpired()
    {
        VnfHarness h = new(CreateRouter());
        byte[] frame = GoldenFrames.Udp4(60, "192.168.0.1", "10.1.2.3", 1, 2);
        frame[14 + Ipv4Fields.TtlPosition] = 1;
        new Ipv4View(frame.AsSpan(14)).UpdateChecksum();

        h.Send(frame);

        Assert.That(h.TotalReceived, Is.Zero);
        Assert.That(h.Counters["ttl_expired"], Is.EqualTo(1));
        Assert.That(h.Counters.Drops, Is.EqualTo(1));
        h.AssertNoLeak();
    }

    [Test]
    public void Process_BadChecksumNoRouteNotIpv4AndRunt_EachCountedByReason()
    {
        RouterNode r = new("r", [new RouterInterface("if0", "02:00:00:00:00:01", "02:00:00:00:00:02")]);
        r.AddRoute("10.0.0.0/8", 0);
        VnfHarness h = new(r);
        byte[] badSum = GoldenFrames.Udp4(60, "1.1.1.1", "10.0.0.1", 1, 2);
        badSum[14 + Ipv4Fields.ChecksumPosition] ^= 0xFF;

        h.SendMany([badSum, GoldenFrames.Udp4(60, "1.1.1.1", "11.0.0.1", 1, 2), GoldenFrames.All().Single(f => f.Name == "arp_request").Bytes, new byte[5]]);

        Assert.That(h.Counters["bad_checksum"], Is.EqualTo(1));
        Assert.That(h.Counters["no_route"], Is.EqualTo(1));
        Assert.That(h.Counters["not_ipv4"], Is.EqualTo(1));
        Assert.That(h.Counters["parse_error"], Is.EqualTo(1));
        Assert.That(h.Counters.Drops, Is.EqualTo(4));
        h.AssertNoLeak();
    }

    [Test]
    public void TwoInstances_HaveIndependentTables()
    {
        RouterNode a = new("a", [new RouterInterface("x", "02:00:00:00:00:01", "02:00:00:00:00:02")]);
        RouterNode b = new("b", [new RouterInterface("x", "02:00:00:00:00:01", "02:00:00:00:00:02")]);

        a.AddRoute("10.0.0.0/8", 0);

        Assert.That(a.Lookup(GoldenFrames.Ip("10.0.0.1")), Is.Zero);
        Assert.That(b.Lookup(GoldenFrames.Ip("10.0.0.1")), Is.EqualTo(-1));
    }

    [Test]
    public void RemoveRoute_FallsBackToShorterPrefix()
    {
        RouterNode r = CreateRouter();

        Assert.That(r.RemoveRoute("10.1.2.0/24"), Is.True);

        Assert.That(r.Lookup(GoldenFrames.Ip("10.1.2.3")), Is.EqualTo(1));
    }

    [TestCase("10.0.0.0/33")]
    [TestCase("10.0.0/8")]
    [TestCase("banana")]
    public void AddRoute_BadPrefix_ThrowsConfigurationNamingIt(string prefix)
    {
        RouterNode r = CreateRouter();

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => r.AddRoute(prefix, 0))!;

        Assert.That(ex.Message, Does.Contain(prefix));
    }
}
