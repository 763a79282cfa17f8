// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>
/// <c>--vnf FILE</c> on the linux chain lab: the vendor's unit (commands in a namespace) realises every port pair of
/// its function. A correct one carries the chains; broken ones (lossy, stateless, deaf to SIGTERM) fail the check that
/// should fail; whatever the unit started is gone at teardown and after a kill + <c>nfvc lab clean</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class VendorHopTests : ChainLabTestBase
{
    private static ChainSpecBuilder FirewallRouter(string protocol = "tcp", params string[] firewalls) =>
        Instances([.. (firewalls.Length == 0 ? ["fw-1"] : firewalls).Select(f => (f, "firewall", "fw")), ("rt-1", "router", "rt")])
            .WithFlowClassifier(Classifier("app", protocol == "tcp" ? ClassifierProtocol.Tcp : ClassifierProtocol.Udp, "10.0.0.0/8"))
            .WithPortChain(Chain("app", 40, "fw,rt", "app", symmetric: true));

    [Test]
    public async Task VendorRouter_RealisesTheRouterHop_ChainAndRepliesDelivered_AndTheResultNamesIt()
    {
        await UseVendorsAsync("router-netns.yaml");
        ChainApplyResult applied = await Chaining.ApplyAsync(FirewallRouter().Build());

        ChainPathTrace request = await Chaining.ProbeAsync(Tcp("10.3.0.1", 50000, "198.51.100.1", 443));
        ChainPathTrace reply = await Chaining.ProbeAsync(Tcp("10.3.0.1", 50000, "198.51.100.1", 443) with { Reverse = true });
        string rules = (await Shell.RunAsync("ip", ["netns", "exec", Lab.InstanceNamespace("rt-1"), "ip", "rule", "show"])).Stdout;

        Assert.Multiple(() =>
        {
            Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
            Assert.That(applied.Implementations["rt-1"], Does.StartWith("vendor VNF acme-router 2.1 by ACME (netns commands;"));
            Assert.That(applied.Implementations["fw-1"], Does.StartWith("built-in firewall"));
            Assert.That(request.Delivered, Is.True, request.DropReason);
            Assert.That(Path(request), Does.EndWith("rt/rt-1"));
            Assert.That(reply.Delivered, Is.True, reply.DropReason);
            Assert.That(rules, Does.Contain("iif left lookup 100"), "the vendor's own commands configured the hop");
        });
    }

    [Test]
    public async Task VendorRouter_LinkDownThenUp_LosesProbesWhileDown_ThenItsOwnRoutesAreBackAndRepliesDelivered()
    {
        await UseVendorsAsync("router-netns.yaml");
        await ApplyAsync(FirewallRouter("udp"));

        InstanceStateChange down = await Chaining.SetInstanceStateAsync("rt-1", InstanceState.LinkAdminDown);
        ChainPathTrace whileDown = await Chaining.ProbeAsync(Udp("10.1.0.1", 1000, "198.51.100.1", 53));
        InstanceStateChange up = await Chaining.SetInstanceStateAsync("rt-1", InstanceState.Running);
        ChainPathTrace request = await Chaining.ProbeAsync(Udp("10.1.0.1", 1001, "198.51.100.1", 53));
        ChainPathTrace reply = await Chaining.ProbeAsync(Udp("10.1.0.1", 1001, "198.51.100.1", 53) with { Reverse = true });

        Assert.Multiple(() =>
        {
            Assert.That(down.Applied && up.Applied, Is.True);
            Assert.That(whileDown.Delivered, Is.False);
            Assert.That(request.Delivered, Is.True, "the vendor's table-100 route is back: " + request.DropReason);
            Assert.That(reply.Delivered, Is.True, "the vendor's table-101 route is back: " + reply.DropReason);
        });
    }

    [Test]
    public async Task VendorFirewall_Stateful_DeliversReplies_WhileAStatelessOne_DropsThem()
    {
        await UseVendorsAsync("firewall-netns.yaml");
        await ApplyAsync(FirewallRouter());
        ChainPathTrace stateful = await Chaining.ProbeAsync(Tcp("10.3.0.2", 50001, "198.51.100.1", 443) with { Reverse = true });
        await Chaining.ApplyAsync(ChainSpec.Empty);

        await UseVendorsAsync("firewall-stateless-netns.yaml");
        await ApplyAsync(FirewallRouter());
        ChainPathTrace request = await Chaining.ProbeAsync(Tcp("10.3.0.3", 50002, "198.51.100.1", 443));
        ChainPathTrace stateless = await Chaining.ProbeAsync(Tcp("10.3.0.3", 50002, "198.51.100.1", 443) with { Reverse = true });

        Assert.Multiple(() =>
        {
            Assert.That(stateful.Delivered, Is.True, "a stateful firewall lets the reply back: " + stateful.DropReason);
            Assert.That(request.Delivered, Is.True, "the stateless ACL still lets requests out: " + request.DropReason);
            Assert.That(stateless.Delivered, Is.False, "a firewall without connection state must drop the reply");
        });
    }

    [Test]
    public async Task VendorRouter_DroppingOneInFour_LosesAQuarterOfTheFlows_WhileTheCorrectOneLosesNone()
    {
        await UseVendorsAsync("router-netns.yaml");
        await ApplyAsync(FirewallRouter("udp"));
        int correctLost = (await FlowsAsync(200, "10.5.0.1", "198.51.100.5", 443)).Count(t => !t.Delivered);
        await Chaining.ApplyAsync(ChainSpec.Empty);

        await UseVendorsAsync("router-lossy-netns.yaml");
        await ApplyAsync(FirewallRouter("udp"));
        int lossyLost = (await FlowsAsync(200, "10.5.0.1", "198.51.100.5", 443)).Count(t => !t.Delivered);

        Assert.Multiple(() =>
        {
            Assert.That(correctLost, Is.Zero);
            Assert.That(lossyLost, Is.InRange(40, 60), "one in four of 200");
        });
    }

    [Test]
    public async Task VendorFirewall_DeafToSigterm_RemovingItsInstanceFailsTheApply_AndItIsKilled()
    {
        await UseVendorsAsync("firewall-deaf-netns.yaml");
        await ApplyAsync(FirewallRouter("udp", "fw-1", "fw-2"));
        string ns = Lab.InstanceNamespace("fw-2");
        int[] pids = await PidsAsync(ns);

        ChainApplyResult removed = await Chaining.ApplyAsync(FirewallRouter("udp", "fw-1").Build());

        Assert.Multiple(() =>
        {
            Assert.That(pids, Is.Not.Empty, "the deaf daemon runs in the instance's namespace");
            Assert.That(removed.Applied, Is.False, "a VNF that ignores SIGTERM fails the removal of its instance");
            Assert.That(string.Join("; ", removed.Problems), Does.Contain("acme-firewall-deaf 3.0-broken").And.Contain("did not stop within its grace period of 1 s"));
            Assert.That(Survivors(pids), Is.Empty, "it was killed");
            Assert.That(File.Exists("/run/netns/" + ns), Is.False);
        });
    }

    [Test]
    public async Task VendorFirewall_ThatStops_RemovingItsInstanceApplies()
    {
        await UseVendorsAsync("firewall-netns.yaml");
        await ApplyAsync(FirewallRouter("udp", "fw-1", "fw-2"));

        ChainApplyResult removed = await Chaining.ApplyAsync(FirewallRouter("udp", "fw-1").Build());

        Assert.That(removed.Applied, Is.True, string.Join("; ", removed.Problems));
    }

    [Test]
    public async Task VendorProcesses_AreGoneAtTeardown()
    {
        await UseVendorsAsync("firewall-deaf-netns.yaml");
        await ApplyAsync(FirewallRouter("udp"));
        int[] pids = await PidsAsync(Lab.InstanceNamespace("fw-1"));

        await Chaining.ApplyAsync(ChainSpec.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(pids, Is.Not.Empty);
            Assert.That(Survivors(pids), Is.Empty);
        });
    }

    [Test]
    public async Task VendorProcesses_AfterAKill_LabCleanRemovesThemAndTheirNamespace()
    {
        await UseVendorsAsync("firewall-deaf-netns.yaml");
        await ApplyAsync(FirewallRouter("udp"));
        string ns = Lab.InstanceNamespace("fw-1");
        int[] pids = await PidsAsync(ns);

        // What nfvc lab clean does for a run whose owner was killed (the owner check aside): everything carrying its id.
        LabCleanReport report = LabCleanup.Sweep(CurrentRun.Id, dryRun: false);

        Assert.Multiple(() =>
        {
            Assert.That(pids, Is.Not.Empty);
            Assert.That(Survivors(pids), Is.Empty, string.Join("; ", report.Failed));
            Assert.That(File.Exists("/run/netns/" + ns), Is.False);
        });
    }

    [Test]
    public async Task VendorContainer_WithoutAContainerRealiser_IsRefusedNamingWhatIsMissing()
    {
        string file = System.IO.Path.Combine(CurrentRun.StateDirectory, "cnf.yaml");
        string text = await File.ReadAllTextAsync(VendorFile("router-netns.yaml"));
        await File.WriteAllTextAsync(file, text.Replace("kind: netns", "kind: container\n      image: nfvc/cnf", StringComparison.Ordinal));
        await Chaining.DisposeAsync();
        LinuxServiceChaining chaining = new(CurrentRun, [Descriptors.Vnfd.VnfDescriptorReader.Load(file)], () => []);
        await using (chaining.ConfigureAwait(false))
        {
            ChainApplyResult result = await chaining.ApplyAsync(FirewallRouter().Build());

            Assert.Multiple(() =>
            {
                Assert.That(result.Applied, Is.False);
                Assert.That(string.Join("; ", result.Problems), Does.Contain("no realiser for Container units"));
            });
        }
    }

    // SIGKILL is delivered asynchronously: a process may take a moment to go after kill(2) returned.
    private static int[] Survivors(int[] pids)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (pids.Any(Alive) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        return [.. pids.Where(Alive)];
    }

    // A killed process whose parent has not reaped it yet is a zombie: it runs nothing and holds no namespace.
    private static bool Alive(int pid) => HostProcesses.StartTime(pid) is not null && HostProcesses.StatusField(pid, "State") is { } state && !state.StartsWith('Z');

    private static async Task<int[]> PidsAsync(string ns) =>
        [.. (await Shell.RunAsync("ip", ["netns", "pids", ns])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
}
