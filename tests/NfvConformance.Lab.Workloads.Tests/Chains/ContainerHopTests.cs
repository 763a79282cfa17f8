// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Lab.Workloads.Tests.Chains;

/// <summary>
/// <c>--vnf FILE</c> with a container unit on the linux chain lab: the workloads extension's realiser starts it, the lab
/// plugs the hop into its network namespace. A correct CNF router carries a symmetric chain; a CNF whose PID 1 ignores
/// SIGTERM fails the removal of its instance; nothing of either is left after the target's teardown.
/// </summary>
[NonParallelizable]
public sealed class ContainerHopTests
{
    private static ChainSpec FirewallRouter(params string[] firewalls)
    {
        ChainSpecBuilder b = new();
        foreach (string fw in firewalls)
        {
            b = b.WithPortPair(new PortPair(fw, fw + "-in", fw + "-out", "firewall"));
        }

        return b.WithPortPair(new PortPair("rt-1", "rt-1-in", "rt-1-out", "router"))
            .WithPortPairGroup(new PortPairGroup("fw", firewalls))
            .WithPortPairGroup(new PortPairGroup("rt", ["rt-1"]))
            .WithFlowClassifier(new FlowClassifier("app") { Protocol = ClassifierProtocol.Udp, SourceIpPrefix = "10.0.0.0/8" })
            .WithPortChain(new PortChain("app", ["fw", "rt"], ["app"]) { ChainId = 41, Correlation = SfcCorrelation.Nsh, Symmetric = true })
            .Build();
    }

    [Test]
    public async Task ContainerRouter_RealisesTheRouterHop_RequestAndReplyDelivered_AndNothingIsLeft()
    {
        Need.Docker();
        ILabTarget target = await StartAsync("router-container.yaml");
        string token;
        try
        {
            IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
            ChainApplyResult applied = await chaining.ApplyAsync(FirewallRouter("fw-1"));
            ChainProbe probe = new("10.4.0.1", "198.51.100.4", ClassifierProtocol.Udp, 40000, 53);
            ChainPathTrace request = await chaining.ProbeAsync(probe);
            ChainPathTrace reply = await chaining.ProbeAsync(probe with { Reverse = true });
            token = Token(target);

            Assert.Multiple(() =>
            {
                Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));
                Assert.That(applied.Implementations["rt-1"], Does.StartWith("vendor VNF acme-cnf-router 2.1 by ACME (container nfvc/cnf;"));
                Assert.That(request.Delivered, Is.True, request.DropReason);
                Assert.That(reply.Delivered, Is.True, reply.DropReason);
            });
        }
        finally
        {
            await target.DisposeAsync();
        }

        Assert.That(Leftovers(token), Is.Empty, "the container, its namespace and the private dockerd are gone");
    }

    [Test]
    public async Task ContainerFirewall_DeafToSigterm_RemovingItsInstanceFailsTheApply()
    {
        Need.Docker();
        ILabTarget target = await StartAsync("firewall-deaf-container.yaml");
        try
        {
            IServiceChaining chaining = target.GetFeature<IServiceChaining>()!;
            ChainApplyResult both = await chaining.ApplyAsync(FirewallRouter("fw-1", "fw-2"));
            ChainApplyResult removed = await chaining.ApplyAsync(FirewallRouter("fw-1"));

            Assert.Multiple(() =>
            {
                Assert.That(both.Applied, Is.True, string.Join("; ", both.Problems));
                Assert.That(removed.Applied, Is.False, "a CNF that ignores SIGTERM fails the removal of its instance");
                Assert.That(string.Join("; ", removed.Problems), Does.Contain("acme-cnf-firewall-deaf 3.0-broken").And.Contain("did not stop within its grace period of 2 s"));
            });
        }
        finally
        {
            await target.DisposeAsync();
        }
    }

    private static async Task<ILabTarget> StartAsync(string vnf)
    {
        string file = Path.Combine(TestContext.CurrentContext.TestDirectory, "Chains", "vnfs", vnf);
        _ = VnfDescriptorReader.Load(file);
        LinuxTargetFactory factory = new(new WorkloadsExtension());
        ILabTarget target = factory.Create(new LabTargetOptions { Settings = new Dictionary<string, string> { [VnfPackage.SettingKey] = file } });
        await target.StartAsync();
        return target;
    }

    private static string Token(ILabTarget target) =>
        target.GetFeature<WorkloadLab>()?.Lab.Token ?? throw new InvalidOperationException("the workloads extension is not in the target");

    private static List<string> Leftovers(string token)
    {
        List<string> found = [.. Directory.Exists("/run/netns") ? Directory.EnumerateFiles("/run/netns").Where(f => f.Contains(token, StringComparison.Ordinal)).Select(f => "netns " + f) : []];
        foreach (string dir in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(token, StringComparison.Ordinal))
                {
                    found.Add("process " + dir);
                }
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
