// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Host;

namespace NfvConformance.Lab.Linux.Tests.Host;

/// <summary>Discovery of this host, checked against what the kernel and the tools say when asked another way.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HostDiscoveryTests
{
    [SetUp]
    public void RequireHost() => RootHost.Require(("lscpu", "util-linux"));

    [Test]
    public void Discovery_ReportsTheCpusAndNumaNodesTheKernelReports()
    {
        HostNode node = RootHost.Publisher().Node;

        // nproc and lscpu read the same kernel through other paths (sched_getaffinity, /sys/devices/system/cpu).
        int nproc = int.Parse(RootHost.Run("nproc", "--all").Trim(), CultureInfo.InvariantCulture);
        Assert.That(node.Scan.OnlineCpus, Has.Count.EqualTo(nproc));
        int numaDirs = Directory.EnumerateDirectories("/sys/devices/system/node", "node*").Count();
        Assert.That(node.Hardware.Numa, Has.Count.EqualTo(Math.Max(1, numaDirs)));
        Assert.That(node.Hardware.Numa.Sum(n => n.Cores), Is.EqualTo(nproc), "every online CPU belongs to one NUMA node");
        string lscpu = RootHost.Run("lscpu");
        string arch = lscpu.Split('\n').First(l => l.StartsWith("Architecture:", StringComparison.Ordinal))["Architecture:".Length..].Trim();
        Assert.That(node.Hardware.Cpu.Architecture, Is.EqualTo(arch));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.020"].Raw, Is.EqualTo(arch));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.001"].Raw, Is.EqualTo(nproc.ToString(CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Discovery_ListsEveryDeviceBackedInterfaceWithTheDriverAndBusTheKernelLinks()
    {
        HostNode node = RootHost.Publisher().Node;

        // /sys/class/net/X/device/driver is the kernel's own link to the bound driver; ethtool -i asked it through ioctl.
        List<string> expected = [.. Directory.EnumerateFileSystemEntries("/sys/class/net")
            .Where(d => Directory.Exists(Path.Combine(d, "device")) && !Path.GetFileName(d).StartsWith("nfvc", StringComparison.Ordinal))
            .Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];
        Assert.That(node.Hardware.Nics.Where(n => !n.DpdkBound).Select(n => n.Name).Order(StringComparer.Ordinal), Is.EqualTo(expected));
        foreach (NicInfo nic in node.Hardware.Nics.Where(n => !n.DpdkBound))
        {
            string driver = new DirectoryInfo($"/sys/class/net/{nic.Name}/device/driver").ResolveLinkTarget(true)!.Name;
            Assert.That(nic.Driver.Replace('-', '_'), Is.EqualTo(driver.Replace('-', '_')), nic.Name);
            string up = File.ReadAllText($"/sys/class/net/{nic.Name}/carrier").Trim();
            Assert.That(nic.LinkUp, Is.EqualTo(up == "1"), $"{nic.Name} carrier {up}");
            Assert.That(node.Hardware.Facts.Single(f => f.Key == $"nic.{nic.Name}.mtu").Value, Is.EqualTo(File.ReadAllText($"/sys/class/net/{nic.Name}/mtu").Trim()));
        }
    }

    [Test]
    public void EveryPublishedValueAndFactNamesTheFileOrCommandItCameFrom()
    {
        HostNode node = RootHost.Publisher().Node;

        Assert.That(node.Capabilities.Capabilities, Is.Not.Empty);
        foreach ((string uid, CapabilityValue value) in node.Capabilities.Capabilities)
        {
            Assert.That(value.Source, Does.StartWith("/").Or.StartWith("lab:").Or.Match("^[a-z]"), uid);
            Assert.That(value.Source, Does.Not.StartWith("catalogue"), $"{uid} must come from the host, not the catalogue");
            Assert.That(value.Evidence[0].Detail, Is.Not.Empty, uid);
        }

        Assert.That(node.Hardware.Facts.Select(f => f.Key), Is.Unique);
        Assert.That(node.Hardware.Facts.All(f => f.Source.Length > 0), Is.True);
        string json = CapabilitySnapshotJson.ToJson(new CapabilitySnapshot(1, Profiles.Basic, [node.Capabilities]));
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement facts = doc.RootElement.GetProperty("nodes")[0].GetProperty("facts");
        Assert.That(facts.GetProperty("cpu.online").GetProperty("source").GetString(), Is.EqualTo("/sys/devices/system/cpu/online"));
    }

    [Test]
    public void CpuFlagsAreMappedToAccelerationsOnlyWhenTheCpuHasThem()
    {
        HostNode node = RootHost.Publisher().Node;
        HashSet<string> flags = [.. File.ReadAllLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)];

        foreach (CpuAcceleration a in HostDiscovery.AccelerationMap)
        {
            bool has = a.Flags.Any(flags.Contains);
            Assert.That(node.Capabilities.Features.Contains(a.Label), Is.EqualTo(has), $"{a.Name} ({string.Join(",", a.Flags)})");
        }

        // AES-NI is an instruction of the workload's own cores, never a crypto offload.
        if (flags.Contains("aes") && node.Hardware.Accelerators.All(x => x.Kind != "crypto"))
        {
            Assert.That(node.Capabilities.Capabilities["RM:e.cap.009"].Raw, Is.EqualTo("No"));
            Assert.That(node.Capabilities.Capabilities["RM:e.cap.009"].Evidence[0].Detail, Does.Contain("AES-NI"));
        }
    }

    [Test]
    public void XdpFeaturesComeFromTheKernelPerInterface()
    {
        Assert.That(NetdevNetlink.TryReadXdpFeatures(out IReadOnlyDictionary<int, ulong> features, out string? error), Is.True, error);

        // The loopback has no XDP driver support; a veth has native XDP (basic, redirect, ndo-xmit).
        Assert.That(NetdevNetlink.Names(features.GetValueOrDefault(1)), Is.Empty, "lo");
        string a = "nfvt" + Environment.ProcessId % 100000 + "a";
        try
        {
            RootHost.Run("ip", "link", "add", a, "type", "veth", "peer", "name", a[..^1] + "b");
            int index = int.Parse(File.ReadAllText($"/sys/class/net/{a}/ifindex").Trim(), CultureInfo.InvariantCulture);
            Assert.That(NetdevNetlink.TryReadXdpFeatures(out features, out error), Is.True, error);
            Assert.That(NetdevNetlink.Names(features[index]), Does.Contain("basic").And.Contain("redirect"));
        }
        finally
        {
            Run.Shell.Run("ip", ["link", "del", a]);
        }
    }

    [Test]
    public void HugePagesConfiguredOnTheHostTurnTheCapabilityOnAndNotifySubscribers()
    {
        HostPublisher publisher = RootHost.Publisher();
        Assume.That(publisher.Node.Scan.HugepagesFreeMb, Is.Zero, "the host already has free huge pages; this test starts from none");
        Assert.That(publisher.Current.Nodes[0].Capabilities["RM:e.cap.023"].Raw, Is.EqualTo("No"));
        List<CapabilityChangeSet> seen = [];
        using IDisposable subscription = publisher.Subscribe(seen.Add);
        using (HugepagesOnHost pages = new(16))
        {
            Assume.That(pages.Configured, Is.GreaterThan(0), "the kernel configured no huge page (memory fragmented)");
            CapabilitySnapshot after = publisher.Refresh("huge pages configured");
            Assert.That(after.Nodes[0].Capabilities["RM:e.cap.023"].Raw, Is.EqualTo("Yes"));
            Assert.That(after.Nodes[0].Hardware!.Numa.Sum(n => n.Hugepages2M), Is.EqualTo(pages.Configured));
            Assert.That(after.Nodes[0].Features, Does.Contain("hugepages-2Mi"));
        }

        CapabilitySnapshot back = publisher.Refresh("huge pages removed");
        Assert.That(back.Nodes[0].Capabilities["RM:e.cap.023"].Raw, Is.EqualTo("No"));
        Assert.That(seen, Has.Count.EqualTo(2));
        Assert.That(seen[0].Changes, Has.Some.Matches<CapabilityChange>(c => c.Uid == "RM:e.cap.023" && c.Before == "No" && c.After == "Yes"));
        Assert.That(seen[1].PreviousVersion, Is.EqualTo(seen[0].Snapshot.Version));
    }

    [Test]
    public void TheBasicProfileWithholdsPinningThatTheHighPerformanceProfileOffers()
    {
        HostNode basic = RootHost.Publisher(Profiles.Basic).Node;
        HostNode hp = RootHost.Publisher(Profiles.HighPerformance).Node;

        Assert.That(basic.Capabilities.Capabilities["RM:e.cap.006"].Raw, Is.EqualTo("No"));
        Assert.That(basic.Capabilities.Capabilities["RM:e.cap.006"].Evidence[0].Detail, Does.Contain("none"));
        Assume.That(hp.WorkloadCpus, Is.Not.Empty, "one CPU: nothing is left after the reserved one");
        Assert.That(hp.Capabilities.Capabilities["RM:e.cap.006"].Raw, Is.EqualTo("Yes"));

        // Every CPU reserved for the host: nothing left to dedicate, so pinning is no longer offered.
        HostNode allReserved = RootHost.Publisher(Profiles.HighPerformance, hp.Scan.OnlineCpus).Node;
        Assert.That(allReserved.Capabilities.Capabilities["RM:e.cap.006"].Raw, Is.EqualTo("No"));
        Assert.That(allReserved.Capabilities.Capabilities["RM:e.cap.006"].Evidence[0].Detail, Does.Contain("no CPU left"));
    }
}
