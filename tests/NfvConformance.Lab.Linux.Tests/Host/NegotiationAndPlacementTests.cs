// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Negotiation;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Host;

/// <summary>Negotiation falling back on the host's real state, and placement creating real, pinned instances.</summary>
[TestFixture]
[NonParallelizable]
public sealed class NegotiationAndPlacementTests
{
    private LabRun? _run;

    [SetUp]
    public void Start()
    {
        RootHost.Require(("taskset", "util-linux"));
        _run = LabRun.Start();
    }

    [TearDown]
    public async Task Stop()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }
    }

    [Test]
    public async Task TheNetworkLadderFallsBackToWhatTheHostReallyHas_AndHugePagesAreGrantedOnlyWhenTheHostHasThem()
    {
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        Assume.That(publisher.Node.Hardware.Nics.All(n => n.SriovTotalVfs == 0 && !n.SmartNic), "this host has SR-IOV VFs or a SmartNIC; the fallback below needs neither");
        Assume.That(publisher.Node.Scan.HugepagesFreeMb, Is.Zero, "the host already has huge pages");
        HostNegotiator negotiator = new(publisher, new HostLedger());
        NegotiationRequest request = new("vnf", new ResourceRequest(1, 256), [new PreferenceLadder("data0", Rungs.NetworkLadder)]);

        if (publisher.Node.Scan.Dpdk.Testpmd is null)
        {
            RootHost.Missing("DPDK testpmd is not installed (apt-get install dpdk-dev)");
        }

        // No SR-IOV, no SmartNIC: the ladder falls to the DPDK vhost-user switch, whose guest memory is a memfd here
        // (no huge pages asked, none on the host), and the grant says so.
        NegotiationResult plain = await negotiator.NegotiateAsync(request);
        Assert.That(plain.Granted, Is.True, plain.Explain());
        LadderGrant grant = plain.Ladders.Single();
        Assert.That(grant.Rung, Is.EqualTo(Rungs.DpdkVhostUser), plain.Explain());
        Assert.That(grant.Note, Does.Contain("memfd"));
        Assert.That(grant.Refused.Single(r => r.Rung == Rungs.SriovVf).Reason, Does.Contain("sriov_numvfs"));
        Assert.That(grant.Refused.Single(r => r.Rung == Rungs.SmartNicOffload).Reason, Does.Contain("switchdev"));

        // A request for huge-page backed memory is refused while the host has none, and granted once it has them.
        NegotiationRequest withHugepages = request with { Resources = new ResourceRequest(1, 256, HugepagesMb: 16) };
        NegotiationResult refused = await negotiator.NegotiateAsync(withHugepages);
        Assert.That(refused.Granted, Is.False, refused.Explain());
        Assert.That(refused.Explain(), Does.Contain("huge pages"));

        using HugepagesOnHost pages = new(16);
        Assume.That(pages.Configured, Is.GreaterThan(0));
        publisher.Refresh();
        NegotiationResult withPages = await negotiator.NegotiateAsync(withHugepages);
        Assert.That(withPages.Granted, Is.True, withPages.Explain());
        Assert.That(withPages.Ladders.Single().Rung, Is.EqualTo(Rungs.DpdkVhostUser), withPages.Explain());

        // The same host presented as basic does not give DPDK, whatever the hardware: the profile's policy.
        HostPublisher basic = RootHost.Publisher(Profiles.Basic);
        NegotiationResult onBasic = await new HostNegotiator(basic, new HostLedger()).NegotiateAsync(request);
        Assert.That(onBasic.Ladders.Single().Rung, Is.EqualTo(Rungs.KernelVirtio));
        Assert.That(onBasic.Ladders.Single().Refused.Single(r => r.Rung == Rungs.DpdkVhostUser).Reason, Does.Contain("basic profile"));
    }

    [Test]
    public async Task InvalidRequestsAreRejectedBeforeAnythingIsEvaluated()
    {
        HostNegotiator negotiator = new(RootHost.Publisher(), new HostLedger());
        NegotiationResult zero = await negotiator.NegotiateAsync(new NegotiationRequest("z", new ResourceRequest(0), [new PreferenceLadder("d", [Rungs.KernelVirtio])]));
        Assert.That(zero.Problems.Select(p => p.ToString()), Has.Some.Contains("cores"));
        NegotiationResult unknown = await negotiator.NegotiateAsync(new NegotiationRequest("u", new ResourceRequest(), [new PreferenceLadder("d", ["warp-drive"])]));
        Assert.That(unknown.Problems.Select(p => p.ToString()), Has.Some.Contains("warp-drive"));
    }

    [Test]
    public async Task APlacedContainerIsANamespaceWithItsInterfacesAndAProcessPinnedToTheDecidedCpus()
    {
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        Assume.That(publisher.Node.WorkloadCpus, Is.Not.Empty, "no CPU left after the reserved ones");
        await using HostPlacement placement = new(_run!, publisher, new HostLedger());
        PlacementRequest request = new(
            new NegotiationRequest("fw", new ResourceRequest(1, 128, DedicatedCores: true), [new PreferenceLadder("eth0", [Rungs.KernelVirtio]), new PreferenceLadder("net1", [Rungs.KernelVirtio])]),
            WorkloadKind.Container);

        PlacementResult result = await placement.PlaceAsync(request);
        Assert.That(result.Succeeded, Is.True, string.Join("; ", result.Problems));
        PlacedInstance instance = result.Instances.Single();
        int pid = placement.ProcessOf(instance.InstanceId)!.Value;

        // Read back from the kernel, not from the placement.
        Assert.That(instance.PinnedCores, Is.EqualTo(publisher.Node.WorkloadCpus.Take(1)));
        Assert.That(CpuPinning.AllowedCpus(pid), Is.EqualTo(instance.PinnedCores));
        Assert.That(File.ReadAllText($"/proc/{pid}/cgroup"), Does.Contain(instance.InstanceId), "the process is in its cpuset cgroup");
        Assert.That(RootHost.Run("ip", "netns", "list"), Does.Contain(instance.InstanceId));
        using JsonDocument addrs = JsonDocument.Parse(RootHost.Run("ip", "-n", instance.InstanceId, "-j", "addr", "show", "eth0"));
        JsonElement eth0 = addrs.RootElement[0];
        AttachedInterface first = instance.Interfaces.Single(i => i.Name == "eth0");
        Assert.That(eth0.GetProperty("address").GetString(), Is.EqualTo(first.Mac));
        Assert.That(eth0.GetProperty("addr_info").EnumerateArray().Select(a => a.GetProperty("local").GetString()), Does.Contain(first.Ip));
        Assert.That(File.Exists($"/sys/class/net/{first.Port}/ifindex"), Is.True, "the port is the host end of the veth");
        Assert.That(instance.Interfaces.Select(i => i.Mac), Is.Unique);

        Assert.That(await placement.ReleaseAsync(instance.InstanceId), Is.True);
        Assert.That(RootHost.Run("ip", "netns", "list"), Does.Not.Contain(instance.InstanceId));
        Assert.That(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/status").Contains("zombie", StringComparison.Ordinal), Is.False, "the process is gone");
    }

    [Test]
    public async Task AThreadMovedOffItsCoresShowsInTheReadBack_SoThePinningCheckFails()
    {
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        Assume.That(publisher.Node.WorkloadCpus, Is.Not.Empty);
        Assume.That(publisher.Node.ReservedCpus, Is.Not.Empty);
        await using HostPlacement placement = new(_run!, publisher, new HostLedger());
        PlacementResult result = await placement.PlaceAsync(new PlacementRequest(
            new NegotiationRequest("dp", new ResourceRequest(1, 128, DedicatedCores: true), [new PreferenceLadder("data0", [Rungs.KernelVirtio])]),
            WorkloadKind.Container));
        Assert.That(result.Succeeded, Is.True, string.Join("; ", result.Problems));
        string id = result.Instances.Single().InstanceId;
        int pid = placement.ProcessOf(id)!.Value;

        // Break it the way a misbehaving host agent would: widen the process's affinity to the reserved CPUs.
        string cgroup = Path.Combine(publisher.Node.Scan.CpusetController!, id);
        File.WriteAllText(Path.Combine(cgroup, "cpuset.cpus"), CpuList.Format(publisher.Node.Scan.OnlineCpus));
        CpuPinning.SetAffinity(pid, publisher.Node.Scan.OnlineCpus);

        PlacedInstance now = placement.Instances.Single(i => i.InstanceId == id);
        Assert.That(now.PinnedCores, Is.EqualTo(publisher.Node.Scan.OnlineCpus));
        Assert.That(now.PinnedCores.Intersect(publisher.Node.ReservedCpus), Is.Not.Empty, "the read-back shows the reserved CPUs, so 'outside the reserved cores' fails");
    }

    [Test]
    public async Task AVmIsAQemuProcessWithItsVcpuThreadsOnTheDecidedCpus()
    {
        RootHost.Require(("qemu-system-x86_64", "qemu-system-x86"));
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        Assume.That(publisher.Node.WorkloadCpus, Is.Not.Empty);
        await using HostPlacement placement = new(_run!, publisher, new HostLedger());
        PlacementResult result = await placement.PlaceAsync(new PlacementRequest(
            new NegotiationRequest("vm", new ResourceRequest(1, 128, DedicatedCores: true), [new PreferenceLadder("data0", [Rungs.KernelVirtio])]),
            WorkloadKind.VirtualMachine));
        Assert.That(result.Succeeded, Is.True, string.Join("; ", result.Problems));
        string id = result.Instances.Single().InstanceId;
        int pid = placement.ProcessOf(id)!.Value;
        Assert.That(HostProcesses.CommandLine(pid), Does.StartWith("qemu-system-x86_64").And.Contain(id));
        Assert.That(Directory.EnumerateDirectories($"/proc/{pid}/task").Count(), Is.GreaterThan(1), "QEMU runs its vCPU and I/O threads");
        Assert.That(CpuPinning.AllowedCpusOfAllThreads(pid), Is.EqualTo(publisher.Node.WorkloadCpus.Take(1)));
    }

    [Test]
    public async Task APlacementThatCannotBeWholeLeavesNothingOnTheHost()
    {
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        await using HostPlacement placement = new(_run!, publisher, new HostLedger());
        int before = RootHost.Run("ip", "netns", "list").Split('\n').Count(l => l.Contains(_run!.Token, StringComparison.Ordinal));
        PlacementRequest ok = new(new NegotiationRequest("a", new ResourceRequest(1, 64), [new PreferenceLadder("d", [Rungs.KernelVirtio])]), WorkloadKind.Container);
        PlacementRequest impossible = new(new NegotiationRequest("b", new ResourceRequest(1, 64), [new PreferenceLadder("d", [Rungs.SriovVf])]), WorkloadKind.Container);
        Assume.That(publisher.Node.Hardware.Nics.All(n => n.SriovFreeVfs == 0), "this host has SR-IOV VFs");

        PlacementResult result = await placement.PlaceAllAsync([ok, impossible]);
        Assert.That(result.Succeeded, Is.False);
        Assert.That(string.Join("; ", result.Problems), Does.Contain("sriov_numvfs"));
        Assert.That(placement.Instances, Is.Empty);
        Assert.That(RootHost.Run("ip", "netns", "list").Split('\n').Count(l => l.Contains(_run!.Token, StringComparison.Ordinal)), Is.EqualTo(before));
    }

    [Test]
    public async Task BandwidthPtpAndAcceleratorsAreRefusedWithWhatTheHostLacks()
    {
        HostPublisher publisher = RootHost.Publisher(Profiles.HighPerformance);
        HostVnicBandwidth bandwidth = new(publisher);
        Assert.That((await bandwidth.ReserveAsync(new VnicBandwidthRequest("w", "n7"))).Problems.Single().Message, Does.Contain("is not a vNIC bandwidth option of the RM (Table 4-17); use one of n1, n2"));
        VnicBandwidthResult n600 = await bandwidth.ReserveAsync(new VnicBandwidthRequest("w", "n600"));
        Assert.That(n600.Granted, Is.False);
        Assert.That(n600.Problems.Single().Message, Does.Contain("needs a physical port of at least 600 Gbps"));

        Abstractions.Inventory.NicInfo? noPhc = publisher.Node.Hardware.Nics.FirstOrDefault(n => n.LinkUp && n.Timestamping is { PtpHardwareClock: false });
        if (noPhc is not null)
        {
            Abstractions.Inventory.PtpRun ptp = await new HostPtp(publisher).SynchroniseAsync(new Abstractions.Inventory.PtpRunRequest(publisher.Node.Id, noPhc.Name, TimeSpan.FromSeconds(1)));
            Assert.That(ptp.Problems.Single().Message, Does.Contain("PTP Hardware Clock: none"));
        }

        if (publisher.Node.Hardware.Accelerators.Count == 0)
        {
            AcceleratorResult crypto = await new HostAccelerators(publisher).RequestAsync(new AcceleratorRequest("w", "crypto", "dpdk-cryptodev"));
            Assert.That(crypto.Problems.Single().Message, Does.Contain("no accelerator device on the PCI bus"));
        }
    }
}
