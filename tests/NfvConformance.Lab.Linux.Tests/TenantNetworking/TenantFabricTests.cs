// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Tests.Chains;
using NfvConformance.Lab.Linux.TenantNetworking;

namespace NfvConformance.Lab.Linux.Tests.TenantNetworking;

/// <summary>
/// The tenant fabric's kernel parts with real packets: networks apart unless a router joins them, and a security group
/// stateful through connection tracking. Each check is also shown failing on a lab broken the way it guards against
/// (a port on another tenant's bridge; a group without connection tracking). Root, ip and nft are needed: skipped with
/// the reason without them, failed under CI=true.
/// </summary>
public sealed class TenantFabricTests
{
    private LabRun? _run;
    private TenantFabric? _fabric;

    private TenantFabric Fabric => _fabric ?? throw new InvalidOperationException("not set up");

    [SetUp]
    public void StartLab()
    {
        ChainLabHost.Require("ping");
        _run = LabRun.Start();
        _fabric = new TenantFabric(_run);
    }

    [TearDown]
    public async Task StopLab()
    {
        if (_fabric is not null)
        {
            await _fabric.DisposeAsync();
        }

        if (_run is not null)
        {
            string token = _run.Token;
            await _run.DisposeAsync();
            List<string> left = [.. (await Shell.RunAsync("ip", ["netns", "list"])).Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal))];
            Assert.That(left, Is.Empty, "the fabric left namespaces behind");
        }
    }

    [Test]
    public async Task TwoTenantsNetworksWithOverlappingPrefixes_StayApart_UnlessAPortIsOnTheWrongBridge()
    {
        Stopwatch watch = Stopwatch.StartNew();
        await Fabric.AddNetworkAsync("tenant-a-net");
        await Fabric.AddNetworkAsync("tenant-b-net");
        await Fabric.AddPortAsync("a1", "tenant-a-net", "10.5.0.10/24", null);
        await Fabric.AddPortAsync("a2", "tenant-a-net", "10.5.0.11/24", null);
        await Fabric.AddPortAsync("b1", "tenant-b-net", "10.5.0.12/24", null);
        TestContext.Out.WriteLine($"3-port, 2-network fabric built in {watch.Elapsed.TotalSeconds:0.00} s");

        Assert.That(await Fabric.PingAsync("a1", "10.5.0.11"), Is.True, "a port reaches its own network");
        Assert.That(await Fabric.PingAsync("a1", "10.5.0.12"), Is.False, "another tenant's port, same prefix, is out of reach");

        await Fabric.MisplacePortAsync("b1", "tenant-a-net");

        Assert.That(await Fabric.PingAsync("a1", "10.5.0.12"), Is.True, "the isolation check sees a port left on the wrong bridge");
    }

    [Test]
    public async Task EveryNamespaceTheFabricCreates_CarriesTheRunId_SoLabCleanFindsIt()
    {
        await Fabric.AddNetworkAsync("net");
        await Fabric.AddRouterAsync("r");
        await Fabric.AttachRouterAsync("r", "net", "10.4.0.1/24");
        await Fabric.AddPortAsync("p", "net", "10.4.0.10/24", "10.4.0.1");

        List<string> found = [.. LabCleanup.FindAll().Where(r => r.Kind == "netns" && r.RunId == _run!.Id).Select(r => r.Name)];

        Assert.That(found, Is.EquivalentTo(new[] { Fabric.Fabric, Fabric.NamespaceOf("r"), Fabric.NamespaceOf("p") }), "what a killed run leaves, nfvc lab clean finds");
    }

    [Test]
    public async Task ARouterJoinsTwoNetworks_OnlyWhileItForwards()
    {
        await Fabric.AddNetworkAsync("red");
        await Fabric.AddNetworkAsync("blue");
        await Fabric.AddRouterAsync("r");
        await Fabric.AttachRouterAsync("r", "red", "10.1.0.1/24");
        await Fabric.AttachRouterAsync("r", "blue", "10.2.0.1/24");
        await Fabric.AddPortAsync("red1", "red", "10.1.0.10/24", "10.1.0.1");
        await Fabric.AddPortAsync("blue1", "blue", "10.2.0.10/24", "10.2.0.1");

        Assert.That(await Fabric.PingAsync("red1", "10.2.0.10"), Is.True, "routed across the router");

        await Shell.RunAsync("ip", ["netns", "exec", Fabric.NamespaceOf("r"), "sysctl", "-q", "-w", "net.ipv4.ip_forward=0"]);

        Assert.That(await Fabric.PingAsync("red1", "10.2.0.10"), Is.False, "a router that does not forward joins nothing");
    }

    [Test]
    public async Task ASecurityGroup_DeniesIngressByDefault_AndAdmitsReplies_ThroughConnectionTracking()
    {
        await Fabric.AddNetworkAsync("net");
        await Fabric.AddPortAsync("client", "net", "10.3.0.10/24", null);
        await Fabric.AddPortAsync("server", "net", "10.3.0.11/24", null);
        await Fabric.AddPortAsync("outsider", "net", "10.3.0.12/24", null);
        await Fabric.ApplySecurityGroupAsync("client", []);
        await Fabric.ApplySecurityGroupAsync("server", [new FabricRule("icmp", RemotePrefix: "10.3.0.10/32")]);

        Assert.That(await Fabric.PingAsync("client", "10.3.0.11"), Is.True, "the rule admits the client, and the reply comes back through the client's group");
        Assert.That(await Fabric.PingAsync("outsider", "10.3.0.11"), Is.False, "the rule admits no one else");
        Assert.That(await Fabric.PingAsync("server", "10.3.0.10"), Is.False, "ingress is denied by default");

        await Fabric.ApplySecurityGroupAsync("client", [], FabricGroupMode.WithoutConnectionTracking);

        Assert.That(await Fabric.PingAsync("client", "10.3.0.11"), Is.False, "without connection tracking the reply is dropped: the statefulness check sees it");
    }

    [Test]
    public async Task AUdpPortRule_AdmitsExactlyItsPort_AndTheEchoReturns_OnlyWithConnectionTracking()
    {
        await Fabric.AddNetworkAsync("net");
        await Fabric.AddPortAsync("client", "net", "10.6.0.10/24", null);
        await Fabric.AddPortAsync("server", "net", "10.6.0.11/24", null);
        await Fabric.ApplySecurityGroupAsync("client", []);
        await Fabric.ApplySecurityGroupAsync("server", [new FabricRule("udp", 5001, "10.6.0.0/24")]);

        Assert.That(await Fabric.UdpEchoAsync("client", "server", "10.6.0.11", 5001), Is.EqualTo((true, true)), "admitted, and the echo returns through the client's group");
        Assert.That(await Fabric.UdpEchoAsync("client", "server", "10.6.0.11", 5002), Is.EqualTo((false, false)), "another port is not admitted");

        await Fabric.ApplySecurityGroupAsync("client", [], FabricGroupMode.WithoutConnectionTracking);

        Assert.That(await Fabric.UdpEchoAsync("client", "server", "10.6.0.11", 5001), Is.EqualTo((true, false)), "without connection tracking the echo is dropped at the client");
    }
}
