// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Negotiation;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Tests.Host;

/// <summary>
/// What this VM cannot show (two NUMA nodes, an SR-IOV NIC with VFs, a PTP hardware clock, a QAT device): discovery
/// reads a copy of <c>/sys</c> and <c>/proc</c> laid out as such a server has them, with the tool output its drivers
/// print, and the same code publishes and negotiates from it. Taking the VFs away turns SR-IOV off and the ladder falls
/// back, so the SR-IOV checks fail when SR-IOV is broken.
/// </summary>
[TestFixture]
public sealed class RicherHostTests
{
    private string _root = string.Empty;
    private bool _qemu = true;

    [SetUp]
    public void LayOut()
    {
        _root = Path.Combine(Path.GetTempPath(), "nfvc-host-" + Guid.NewGuid().ToString("N")[..10]);
        Put("/sys/devices/system/cpu/online", "0-3");
        Put("/sys/devices/system/cpu/isolated", string.Empty);
        for (int cpu = 0; cpu < 4; cpu++)
        {
            Put($"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id", (cpu / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Put($"/sys/devices/system/cpu/cpu{cpu}/topology/core_id", (cpu % 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (int node = 0; node < 2; node++)
        {
            Put($"/sys/devices/system/node/node{node}/cpulist", node == 0 ? "0-1" : "2-3");
            Put($"/sys/devices/system/node/node{node}/meminfo", $"Node {node} MemTotal:       65536000 kB\n");
            Put($"/sys/devices/system/node/node{node}/hugepages/hugepages-2048kB/nr_hugepages", "512");
            Put($"/sys/devices/system/node/node{node}/hugepages/hugepages-2048kB/free_hugepages", "512");
            Put($"/sys/devices/system/node/node{node}/hugepages/hugepages-1048576kB/nr_hugepages", "4");
            Put($"/sys/devices/system/node/node{node}/hugepages/hugepages-1048576kB/free_hugepages", "4");
        }

        Put("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "1024");
        Put("/proc/cpuinfo", "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz\ncpu MHz\t\t: 2200.000\nflags\t\t: fpu sse4_2 aes avx2 avx512f pclmulqdq\n");
        Put("/proc/meminfo", "MemTotal:       131072000 kB\nMemAvailable:   120000000 kB\n");
        Put("/proc/sys/kernel/arch", "x86_64");
        Put("/proc/sys/kernel/osrelease", "6.1.0-18-amd64");
        Put("/proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1");
        Put("/proc/sys/kernel/hostname", "edge-7");
        Put("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1");
        Put("/proc/self/mountinfo", "35 25 0:30 / /sys/fs/cgroup/cpuset rw,relatime shared:14 - cgroup cgroup rw,cpuset\n");
        Put("/etc/os-release", "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
        Put("/sys/class/net/ens1f0/operstate", "up");
        Put("/sys/class/net/ens1f0/mtu", "9000");
        Put("/sys/class/net/ens1f0/address", "b4:96:91:00:00:01");
        Put("/sys/class/net/ens1f0/ifindex", "5");
        Directory.CreateDirectory(Map("/sys/class/net/ens1f0/device"));
        Put("/sys/bus/pci/devices/0000:3b:00.0/numa_node", "1");
        Put("/sys/bus/pci/devices/0000:3b:00.0/class", "0x020000");
        Put("/sys/bus/pci/devices/0000:3b:00.0/sriov_totalvfs", "64");
        Put("/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", "8");
        Put("/sys/bus/pci/devices/0000:3d:00.0/class", "0x0b4000");
        Put("/sys/bus/pci/devices/0000:3d:00.0/vendor", "0x8086");
        Put("/sys/bus/pci/devices/0000:3d:00.0/device", "0x4940");
        Put("/sys/bus/pci/devices/0000:3d:00.0/numa_node", "0");
        Put("/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_common_qat.so", string.Empty);
        Put("/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_vhost.so", string.Empty);
        Put("/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_af_packet.so", string.Empty);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    [Test]
    public void AServerWithTwoNumaNodesAnSriovNicAndQatIsPublishedFromItsFiles()
    {
        HostNode node = Discover(Profiles.HighPerformance);

        Assert.That(node.Id, Is.EqualTo("edge-7"));
        Assert.That(node.Hardware.Numa.Select(n => (n.Id, n.Cores, n.Hugepages2M, n.Hugepages1G)), Is.EqualTo(new[] { (0, 2, 512, 4), (1, 2, 512, 4) }));
        Assert.That(node.Hardware.Cpu.Sockets, Is.EqualTo(2));
        NicInfo nic = node.Hardware.Nics.Single();
        Assert.That((nic.Name, nic.Driver, nic.PciAddress, nic.NumaNode, nic.SpeedGbps, nic.SriovTotalVfs, nic.RssQueues), Is.EqualTo(("ens1f0", "ice", "0000:3b:00.0", 1, 25, 8, 16)));
        Assert.That(nic.Offloads, Does.Contain("vxlan").And.Contain("checksum"));
        Assert.That(nic.Timestamping!.PtpClockIndex, Is.EqualTo(2));
        Assert.That(node.Hardware.Accelerators.Single().Interface, Is.EqualTo("dpdk-cryptodev"));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.013"].Raw, Is.EqualTo("Yes"));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.013"].Source, Is.EqualTo("/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs"));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.009"].Raw, Is.EqualTo("Yes"));
        Assert.That(node.Capabilities.Capabilities["RM:e.cap.023"].Raw, Is.EqualTo("Yes"));
        Assert.That(node.Capabilities.Extensions, Does.Contain("compute-ffa").And.Contain("high-speed-network"));
        Assert.That(node.Capabilities.Features, Does.Contain("sriov").And.Contain("hugepages-1Gi").And.Contain("vxlan-offload"));
        Assert.That(node.Hardware.Facts.Single(f => f.Key == "nic.ens1f0.mtu").Value, Is.EqualTo("9000"));
    }

    [Test]
    public void TheLadderGetsAVfAndANumaAlignedRequestItsNode_UntilTheVfsAreTakenAway()
    {
        HostNode node = Discover(Profiles.HighPerformance);
        NegotiationRequest request = new("upf", new ResourceRequest(1, 1024, DedicatedCores: true, NumaAligned: true), [new PreferenceLadder("data0", Rungs.NetworkLadder)]);
        NegotiationResult granted = HostNegotiator.Negotiate(request, node, HostNegotiator.Free.Of(node, new HostLedger()));
        Assert.That(granted.Granted, Is.True, granted.Explain());
        Assert.That(granted.Ladders.Single().Rung, Is.EqualTo(Rungs.SriovVf));
        Assert.That(granted.NumaNode, Is.EqualTo(0), "the first NUMA node with a free dedicated CPU (CPU 0 of each node is reserved)");

        // Broken SR-IOV: no VF created any more. The next rung is DPDK vhost-user, which needs testpmd on this machine.
        if (Shell.Find("dpdk-testpmd") is null)
        {
            RootHost.Missing("dpdk-testpmd is not installed (apt-get install dpdk-dev)");
        }

        Put("/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs", "0");
        HostNode broken = Discover(Profiles.HighPerformance);
        Assert.That(broken.Capabilities.Capabilities["RM:e.cap.013"].Raw, Is.EqualTo("No"));
        NegotiationResult fallback = HostNegotiator.Negotiate(request, broken, HostNegotiator.Free.Of(broken, new HostLedger()));
        Assert.That(fallback.Ladders.Single().Rung, Is.EqualTo(Rungs.DpdkVhostUser), fallback.Explain());
        Assert.That(fallback.Ladders.Single().Refused.Single(r => r.Rung == Rungs.SriovVf).Reason, Does.Contain("0 VFs configured"));
    }

    [Test]
    public void VhostUser_is_granted_for_a_VM_with_the_guest_memory_it_gets_and_refused_for_a_container_with_the_reason()
    {
        if (Shell.Find("dpdk-testpmd") is null)
        {
            RootHost.Missing("dpdk-testpmd is not installed (apt-get install dpdk-dev)");
        }

        NegotiationRequest request = new("fw", new ResourceRequest(1, 1024), [new PreferenceLadder("data0", [Rungs.DpdkVhostUser, Rungs.KernelVirtio])]);
        HostNode node = Discover(Profiles.HighPerformance);
        LadderGrant vm = HostNegotiator.Negotiate(request, node, HostNegotiator.Free.Of(node, new HostLedger())).Ladders.Single();
        Assert.That(vm.Rung, Is.EqualTo(Rungs.DpdkVhostUser));
        Assert.That(vm.Note, Does.Contain("huge pages free"), "this server has huge pages");

        // The same server without huge pages: still granted (memfd shared memory), and the grant says so.
        foreach (string size in new[] { "2048kB", "1048576kB" })
        {
            for (int n = 0; n < 2; n++)
            {
                Put($"/sys/devices/system/node/node{n}/hugepages/hugepages-{size}/free_hugepages", "0");
            }

            Put($"/sys/kernel/mm/hugepages/hugepages-{size}/free_hugepages", "0");
        }

        HostNode noHuge = Discover(Profiles.HighPerformance);
        HostNegotiator.Free free = HostNegotiator.Free.Of(noHuge, new HostLedger());
        Assert.That(free.HugepagesMb, Is.Zero);
        NegotiationResult memfd = HostNegotiator.Negotiate(request, noHuge, free);
        Assert.That(memfd.Ladders.Single().Rung, Is.EqualTo(Rungs.DpdkVhostUser), memfd.Explain());
        Assert.That(memfd.Explain(), Does.Contain("memfd").And.Contain("production practice"));

        // Huge pages asked and none free: refused, naming them.
        NegotiationResult asked = HostNegotiator.Negotiate(request with { Resources = new ResourceRequest(1, 1024, HugepagesMb: 512) }, noHuge, free);
        Assert.That(asked.Granted, Is.False);
        Assert.That(asked.Explain(), Does.Contain("512 MiB of huge pages asked"));

        // A container's port would need virtio-user, which is not realised; placement's paused VMs have no vhost-user NIC.
        LadderGrant container = HostNegotiator.Negotiate(request, noHuge, free, Abstractions.Placement.WorkloadKind.Container).Ladders.Single();
        Assert.That(container.Rung, Is.EqualTo(Rungs.KernelVirtio));
        Assert.That(container.Refused.Single().Reason, Does.Contain("virtio-user"));
        Assert.That(HostNegotiator.Negotiate(request, noHuge, free, Abstractions.Placement.WorkloadKind.VirtualMachine).Ladders.Single().Refused.Single().Reason, Does.Contain("placement starts a VM paused"));

        // Break: without QEMU (or on basic) the rung is refused.
        _qemu = false;
        Assert.That(HostNegotiator.Negotiate(request, Discover(Profiles.HighPerformance), free).Ladders.Single().Refused.Single().Reason, Does.Contain("QEMU is not installed"));
        _qemu = true;
        Assert.That(HostNegotiator.Negotiate(request, Discover(Profiles.Basic), free).Ladders.Single().Refused.Single().Reason, Does.Contain("basic profile"));
    }

    [Test]
    public void EthtoolOutputIsRead()
    {
        Assert.That(Ethtool.SpeedMbps("Settings for eth0:\n\tSpeed: 100000Mb/s\n\tDuplex: Full\n"), Is.EqualTo(100000));
        Assert.That(Ethtool.SpeedMbps("Settings for eth0:\n\tSpeed: Unknown!\n"), Is.Null);
        Assert.That(Ethtool.CurrentChannels("Pre-set maximums:\nCombined:\t64\nCurrent hardware settings:\nRX:\t\tn/a\nCombined:\t8\n"), Is.EqualTo(8));
        (IReadOnlyList<string> caps, int? clock) = Ethtool.Timestamping("Time stamping parameters for ens1f0:\nCapabilities:\n\thardware-transmit\n\tsoftware-transmit\n\thardware-receive\nPTP Hardware Clock: 0\nHardware Transmit Timestamp Modes:\n\toff\n");
        Assert.That(caps, Is.EqualTo(new[] { "hardware-transmit", "software-transmit", "hardware-receive" }));
        Assert.That(clock, Is.Zero);
        Assert.That(Ethtool.Offloads(Ethtool.Features("Features for x:\nrx-checksumming: on [fixed]\nlarge-receive-offload: off [fixed]\nesp-hw-offload: on\n")), Is.EqualTo(new[] { "checksum", "ipsec" }));
    }

    [Test]
    public void Ptp4lServoLinesAreRead()
    {
        IReadOnlyList<Abstractions.Inventory.PtpSample> samples = HostPtp.ParseLog(
            "ptp4l[1000.100]: selected /dev/ptp0 as PTP clock\nptp4l[1001.000]: master offset        -12 s2 freq   +3456 path delay       678\nptp4l[1002.000]: master offset          7 s2 freq   +3401 path delay       680\n");
        Assert.That(samples, Has.Count.EqualTo(2));
        Assert.That(samples[0].OffsetNs, Is.EqualTo(-12));
        Assert.That(samples[1].At, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(samples[1].FrequencyPpb, Is.EqualTo(3401));
        Assert.That(samples[1].PathDelayNs, Is.EqualTo(680));
    }

    private HostNode Discover(string profile)
    {
        HostReader reader = new(_root, Tool);
        HostScan scan = HostDiscovery.Scan(reader, reader.Read("/proc/sys/kernel/hostname")!);
        return HostNode.Build(scan, new HostPolicy(profile, null), []);
    }

    /// <summary>What the ice driver's ethtool (and QEMU, while <see cref="_qemu"/>) answers on such a server.</summary>
    private ShellResult Tool(string tool, IReadOnlyList<string> args)
    {
        string line = Shell.CommandLine(tool, args);
        string? output = line switch
        {
            "ethtool -i ens1f0" => "driver: ice\nversion: 6.1.0\nbus-info: 0000:3b:00.0\n",
            "ethtool ens1f0" => "Settings for ens1f0:\n\tSpeed: 25000Mb/s\n\tLink detected: yes\n",
            "ethtool -k ens1f0" => "Features for ens1f0:\nrx-checksumming: on\ntx-udp_tnl-segmentation: on\nreceive-hashing: on\n",
            "ethtool -l ens1f0" => "Channel parameters for ens1f0:\nCurrent hardware settings:\nCombined:\t16\n",
            "qemu-system-x86_64 --version" when _qemu => "QEMU emulator version 8.2.2\n",
            "ethtool -T ens1f0" => "Time stamping parameters for ens1f0:\nCapabilities:\n\thardware-transmit\n\thardware-receive\n\thardware-raw-clock\nPTP Hardware Clock: 2\n",
            _ => null,
        };
        return output is null ? new ShellResult(line, -1, string.Empty, "not on this server") : new ShellResult(line, 0, output, string.Empty);
    }

    private string Map(string path) => Path.Combine(_root, path.TrimStart('/'));

    private void Put(string path, string text)
    {
        string full = Map(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
