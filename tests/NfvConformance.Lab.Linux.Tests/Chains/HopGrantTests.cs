// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Chains.Dpdk;
using NfvConformance.Lab.Linux.Discovery;

namespace NfvConformance.Lab.Linux.Tests.Chains;

/// <summary>The acceleration ladder walked over what a host really has (pure logic: no root needed).</summary>
public sealed class HopGrantTests
{
    private static readonly DpdkInstall s_dpdk = new("/usr/bin/dpdk-testpmd", "22.11.0", "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0", new Dictionary<string, IReadOnlyList<string>> { ["net"] = ["af_packet", "af_xdp", "memif"] }, []);
    private static readonly DpdkInstall s_noMemif = s_dpdk with { Pmds = new Dictionary<string, IReadOnlyList<string>> { ["net"] = ["af_packet"] } };
    private static readonly DpdkInstall s_none = new(null, null, null, new Dictionary<string, IReadOnlyList<string>>(), []);

    [TestCase(AccelerationMode.SriovVf, 4, AccelerationMode.DpdkVhostUser, "DpdkAfPacket")]
    [TestCase(AccelerationMode.SmartNicOffload, 4, AccelerationMode.DpdkVhostUser, "DpdkAfPacket")]
    [TestCase(AccelerationMode.SriovVf, 2, AccelerationMode.KernelVirtio, "Kernel")]
    [TestCase(AccelerationMode.SharedMemory, 2, AccelerationMode.SharedMemory, "DpdkMemif")]
    [TestCase(AccelerationMode.DpdkVhostUser, 2, AccelerationMode.DpdkVhostUser, "DpdkAfPacket")]
    [TestCase(AccelerationMode.KernelVirtio, 4, AccelerationMode.KernelVirtio, "Kernel")]
    public void Router_GetsTheFirstRungThisHostRealises(AccelerationMode asked, int cpus, AccelerationMode granted, string realisation)
    {
        HopGrant grant = HopGrant.For(asked, InstanceFunction.Router, s_dpdk, ChainSteering.Kernel, cpus);
        HopDataplane dataplane = Enum.Parse<HopDataplane>(realisation);

        Assert.Multiple(() =>
        {
            Assert.That(grant.Granted, Is.EqualTo(granted));
            Assert.That(grant.Dataplane, Is.EqualTo(dataplane));
            Assert.That(grant.Caveat is not null, Is.EqualTo(dataplane != HopDataplane.Kernel && cpus < HopGrant.CpusForOwnPollCore), grant.Caveat);
        });
    }

    [Test]
    public void EveryRungSkipped_SaysWhy()
    {
        HopGrant sriov = HopGrant.For(AccelerationMode.SriovVf, InstanceFunction.Router, s_dpdk, ChainSteering.Kernel, 2);
        HopGrant memif = HopGrant.For(AccelerationMode.SharedMemory, InstanceFunction.Router, s_noMemif, ChainSteering.Kernel, 4);
        HopGrant absent = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Router, s_none, ChainSteering.Kernel, 4);
        HopGrant firewall = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Firewall, s_dpdk, ChainSteering.Kernel, 4);
        HopGrant ovs = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Router, s_dpdk, ChainSteering.Ovs, 4);

        Assert.Multiple(() =>
        {
            Assert.That(sriov.Skipped, Has.Count.EqualTo(2).And.Some.Contains("no SR-IOV virtual function").And.Some.Contains("needs a CPU of its own"));
            Assert.That((memif.Granted, memif.Skipped.Single()), Is.EqualTo((AccelerationMode.DpdkVhostUser, "SharedMemory: the net_memif PMD is not installed")));
            Assert.That((absent.Granted, absent.Skipped.Single()), Is.EqualTo((AccelerationMode.KernelVirtio, "DpdkVhostUser: dpdk-testpmd is not installed")));
            Assert.That(firewall.Skipped.Single(), Does.Contain("cannot run a firewall"));
            Assert.That(ovs.Skipped.Single(), Does.Contain("kernel steering only"));
        });
    }

    [Test]
    public void DpdkHop_GetsNetAfXdp_WhenThePmdIsInstalledAndTheKernelAllowsIt_ElseNetAfPacketSayingWhy()
    {
        HopGrant xdp = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Router, s_dpdk, ChainSteering.Kernel, 4, afXdpRefused: null);
        HopGrant noPmd = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Router, s_noMemif, ChainSteering.Kernel, 4, afXdpRefused: null);
        HopGrant refused = HopGrant.For(AccelerationMode.DpdkVhostUser, InstanceFunction.Router, s_dpdk, ChainSteering.Kernel, 4, afXdpRefused: "socket(AF_XDP) failed: errno 97");
        HopGrant memif = HopGrant.For(AccelerationMode.SharedMemory, InstanceFunction.Router, s_dpdk, ChainSteering.Kernel, 4, afXdpRefused: null);

        Assert.Multiple(() =>
        {
            Assert.That((xdp.Dataplane, xdp.Describe()), Is.EqualTo((HopDataplane.DpdkAfXdp, "DPDK testpmd, net_af_xdp ports on the instance's veths")));
            Assert.That(noPmd.Dataplane, Is.EqualTo(HopDataplane.DpdkAfPacket));
            Assert.That(noPmd.Describe(), Does.Contain("net_af_packet").And.Contain("the net_af_xdp PMD is not installed"));
            Assert.That(refused.Dataplane, Is.EqualTo(HopDataplane.DpdkAfPacket));
            Assert.That(refused.Describe(), Does.Contain("the kernel refuses AF_XDP: socket(AF_XDP) failed: errno 97"));
            Assert.That(memif.Dataplane, Is.EqualTo(HopDataplane.DpdkMemif), "the memif pair keeps its af_packet ports");
        });
    }
}
