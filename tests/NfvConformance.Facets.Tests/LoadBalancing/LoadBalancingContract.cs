// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Net;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;

namespace NfvConformance.Facets.Tests.LoadBalancing;

/// <summary>
/// What every <see cref="ILoadBalancing"/> must do: refuse an invalid spec before creating anything (the message
/// names the field), bring up the instances and members it was asked for, honour cancellation, deliver a client frame to exactly one member
/// of the listener's pool and keep a flow on its member, and delete idempotently (unknown names are ignored).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class LoadBalancingContract<TTarget> : FacetContract<ILoadBalancing, TTarget>
    where TTarget : TestTarget, new()
{
    private static readonly byte[] s_clientMac = [0x02, 0xc1, 0, 0, 0, 9];

    /// <summary>A UDP load balancer on 10.1.0.10:53 with two instances and a pool of three members.</summary>
    internal static LoadBalancerSpec Spec(string name = "lb", string defaultPool = "dns") => new(
        name,
        "10.1.0.10",
        "tenant-a",
        "10.1.0.0/24",
        ["az-1"],
        2,
        LbForwardingMode.Nat,
        [new LbListenerSpec("dns", LbProtocol.Udp, 53, defaultPool)],
        [new LbPoolSpec("dns", [
            new LbMemberSpec("m1", "10.1.0.21", "az-1", "10.1.0.0/24"),
            new LbMemberSpec("m2", "10.1.0.22", "az-1", "10.1.0.0/24"),
            new LbMemberSpec("m3", "10.1.0.23", "az-1", "10.1.0.0/24"),
        ])]);

    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ILoadBalancing>> Breaks { get; } =
    [
        new(nameof(Create_InvalidSpec_IsRefusedNamingTheFieldAndCreatesNothing), "creates a load balancer whose listener has no pool",
            f => Broken.Facet(f, (nameof(ILoadBalancing.CreateAsync), (a, real) => f.CreateAsync(((LoadBalancerSpec)a[0]!) with { Listeners = [] }, (CancellationToken)a[1]!)))),
        new(nameof(Create_InvalidSpec_IsRefusedNamingTheFieldAndCreatesNothing), "refuses without naming what to change",
            f => Broken.Facet(f, (nameof(ILoadBalancing.CreateAsync), (a, real) => ((LoadBalancerSpec)a[0]!).Listeners[0].DefaultPool == "ghost" ? throw new ArgumentException("invalid spec") : real()))),
        new(nameof(Create_Valid_BringsUpTheInstancesAndMembersAskedFor), "starts one instance fewer than asked",
            f => Broken.Facet(f, (nameof(ILoadBalancing.CreateAsync), (a, real) => Broken.Then((ValueTask<LoadBalancerView>)real()!, v => v with { Instances = [.. v.Instances.Skip(1)] })))),
        new(nameof(Create_Cancelled_ThrowsAndLeavesTheNameFree), "ignores cancellation",
            f => Broken.Facet(f, (nameof(ILoadBalancing.CreateAsync), (a, real) => f.CreateAsync((LoadBalancerSpec)a[0]!, CancellationToken.None)))),
        new(nameof(Send_ClientFrames_EachFlowReachesOneMemberAndStaysOnIt), "moves a flow to another member",
            f =>
            {
                int sends = 0;
                return Broken.Facet(f, (nameof(ILoadBalancing.SendAsync), (a, real) => Broken.Then((ValueTask<LbExchange>)real()!, x => Interlocked.Increment(ref sends) % 2 == 0
                    ? x with { Forwarded = [.. x.Forwarded.Select(fw => fw with { Member = fw.Member + "-moved" })] }
                    : x)));
            }),
        new(nameof(Send_ClientFrames_EachFlowReachesOneMemberAndStaysOnIt), "copies a frame to two members",
            f => Broken.Facet(f, (nameof(ILoadBalancing.SendAsync), (a, real) => Broken.Then((ValueTask<LbExchange>)real()!, x => x with { Forwarded = [.. x.Forwarded, .. x.Forwarded] })))),
        new(nameof(Delete_TwiceOrUnknown_IsIgnoredAndFreesTheName), "fails on a second delete",
            f =>
            {
                HashSet<string> deleted = [];
                return Broken.Facet(f, (nameof(ILoadBalancing.DeleteAsync), (a, real) => deleted.Add((string)a[0]!) ? real() : ValueTask.FromException(new KeyNotFoundException((string)a[0]!))));
            }),
        new(nameof(Delete_TwiceOrUnknown_IsIgnoredAndFreesTheName), "keeps what it deleted",
            f => Broken.Facet(f, (nameof(ILoadBalancing.DeleteAsync), (a, real) => ValueTask.CompletedTask))),
    ];

    [Test]
    public async Task Create_InvalidSpec_IsRefusedNamingTheFieldAndCreatesNothing()
    {
        await using FacetSession<ILoadBalancing> s = await OpenAsync();

        Exception? refused = Assert.CatchAsync(async () => await s.Facet.CreateAsync(Spec(defaultPool: "ghost")));

        Assert.That(refused, Is.InstanceOf<ArgumentException>());
        Assert.That(refused?.Message, Does.Contain("ghost"));
        Assert.That(async () => await s.Facet.CreateAsync(Spec()), Throws.Nothing, "the refused spec left nothing behind under its name");
    }

    [Test]
    public async Task Create_Valid_BringsUpTheInstancesAndMembersAskedFor()
    {
        await using FacetSession<ILoadBalancing> s = await OpenAsync();

        LoadBalancerView created = await s.Facet.CreateAsync(Spec());
        LoadBalancerView described = await s.Facet.DescribeAsync("lb");

        Assert.That(created.Vip, Is.EqualTo("10.1.0.10"));
        Assert.That(created.Instances, Has.Count.EqualTo(2));
        Assert.That(created.Instances.Select(i => i.Up), Is.All.True);
        Assert.That(created.Members.Select(m => m.Name), Is.EquivalentTo(new[] { "m1", "m2", "m3" }));
        Assert.That(described.Instances.Select(i => i.Name), Is.EqualTo(created.Instances.Select(i => i.Name)));
    }

    [Test]
    public async Task Create_Cancelled_ThrowsAndLeavesTheNameFree()
    {
        await using FacetSession<ILoadBalancing> s = await OpenAsync();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        Exception? thrown = Assert.CatchAsync(async () => await s.Facet.CreateAsync(Spec(), cancelled.Token));

        Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
        Assert.That((await s.Facet.CreateAsync(Spec())).Instances, Has.Count.EqualTo(2), "the cancelled creation left nothing behind under its name");
    }

    [Test]
    public async Task Send_ClientFrames_EachFlowReachesOneMemberAndStaysOnIt()
    {
        await using FacetSession<ILoadBalancing> s = await OpenAsync();
        LoadBalancerView lb = await s.Facet.CreateAsync(Spec());
        byte[] vipMac = Convert.FromHexString(lb.VipMac.Replace(":", string.Empty, StringComparison.Ordinal));

        for (ushort port = 40_000; port < 40_008; port++)
        {
            byte[] frame = Udp(vipMac, "10.9.0.1", port, lb.Vip, 53);
            LbExchange first = await s.Facet.SendAsync("lb", frame);
            LbExchange again = await s.Facet.SendAsync("lb", frame);

            Assert.That(first.DropReason, Is.Null);
            Assert.That(first.Forwarded, Has.Count.EqualTo(1), $"flow from port {port} reaches exactly one member");
            Assert.That(first.Forwarded[0].Pool, Is.EqualTo("dns"));
            Assert.That(again.Forwarded.Select(f => f.Member), Is.EqualTo(new[] { first.Forwarded[0].Member }), $"flow from port {port} stays on its member");
        }
    }

    [Test]
    public async Task Delete_TwiceOrUnknown_IsIgnoredAndFreesTheName()
    {
        await using FacetSession<ILoadBalancing> s = await OpenAsync();
        await s.Facet.CreateAsync(Spec());

        await s.Facet.DeleteAsync("lb");

        Assert.That(async () => await s.Facet.DeleteAsync("lb"), Throws.Nothing);
        Assert.That(async () => await s.Facet.DeleteAsync("never-created"), Throws.Nothing);
        Assert.That((await s.Facet.CreateAsync(Spec())).Instances, Has.Count.EqualTo(2), "the name is free again");
    }

    private static byte[] Udp(byte[] vipMac, string source, ushort sourcePort, string destination, ushort destinationPort)
    {
        byte[] frame = new byte[60];
        FrameBuilder.BuildUdpIpv4(frame, frame.Length, vipMac, s_clientMac, Address(source), Address(destination), sourcePort, destinationPort);
        return frame;
    }

    private static uint Address(string ip) => BinaryPrimitives.ReadUInt32BigEndian(IPAddress.Parse(ip).GetAddressBytes());
}

public sealed class EmulatorLoadBalancingContract : LoadBalancingContract<OnEmulator>
{
}

public sealed class LinuxLoadBalancingContract : LoadBalancingContract<OnLinux>
{
}
