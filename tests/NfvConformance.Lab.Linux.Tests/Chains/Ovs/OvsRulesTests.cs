// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Chains.Ovs;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Lab.Linux.Tests.Chains.Ovs;

/// <summary>The parts of Open vSwitch steering that need no switch: classifier matches, port ranges, counters' parsing, the setting.</summary>
[TestFixture]
public sealed class OvsRulesTests
{
    [TestCase(53, 53, "53")]
    [TestCase(0, 65535, "0x0/0x0")]
    [TestCase(1024, 2047, "0x400/0xfc00")]
    [TestCase(80, 83, "0x50/0xfffc")]
    [TestCase(79, 81, "79 0x50/0xfffe")]
    [TestCase(1000, 1999, "0x3e8/0xfff8 0x3f0/0xfff0 0x400/0xfe00 0x600/0xff00 0x700/0xff80 0x780/0xffc0 0x7c0/0xfff0")]
    public void PortMasks_Range_IsCoveredExactlyByValueMaskMatches(int min, int max, string expected)
    {
        IReadOnlyList<string> masks = ChainLab.PortMasks(min, max);

        Assert.That(string.Join(' ', masks), Is.EqualTo(expected));
        HashSet<int> covered = [.. Enumerable.Range(0, 65536).Where(p => masks.Any(m => Matches(m, p)))];
        Assert.That(covered.SetEquals(Enumerable.Range(min, max - min + 1)), Is.True, "the masks must cover the range and nothing else");
    }

    [Test]
    public void OvsMatches_UdpClassifierWithPrefixAndPort_PutsTheProtocolFirst()
    {
        FlowClassifier c = new("dns") { Protocol = ClassifierProtocol.Udp, SourceIpPrefix = "10.0.0.0/8", DestinationPortMin = 53, DestinationPortMax = 53 };

        Assert.That(ChainLab.OvsMatches(c), Is.EqualTo(new[] { "udp,nw_src=10.0.0.0/8,tp_dst=53" }));
    }

    [Test]
    public void OvsMatches_AnyProtocol_MatchesIpAndIgnoresPorts()
    {
        FlowClassifier c = new("all") { DestinationIpPrefix = "198.51.100.0/24", DestinationPortMin = 1, DestinationPortMax = 2 };

        Assert.That(ChainLab.OvsMatches(c), Is.EqualTo(new[] { "ip,nw_dst=198.51.100.0/24" }));
    }

    [Test]
    public void ParseFlowStats_DumpFlowsOutput_ReadsCookieTablePacketsAndBytes()
    {
        const string Dump = """
            OFPST_FLOW reply (OF1.5) (xid=0x2):
             cookie=0x4f56000000000105, duration=1.338s, table=0, n_packets=7, n_bytes=420, idle_age=0, priority=50,ip,in_port=2001,ip_dscp=5 actions=resubmit(,11)
             cookie=0x0, duration=0.313s, table=10, n_packets=0, n_bytes=0, idle_timeout=600, priority=100,udp actions=set_field:0xc->reg0
            """;

        IReadOnlyList<OvsFlowStats> flows = OvsSwitch.ParseFlowStats(Dump);

        Assert.That(flows, Is.EqualTo(new[] { new OvsFlowStats(0x4f56000000000105, 0, 7, 420), new OvsFlowStats(0, 10, 0, 0) }));
    }

    [TestCase("kernel", true)]
    [TestCase("ovs", true)]
    [TestCase("OVS", true)]
    [TestCase("vpp", false)]
    public void SteeringSetting_Value_IsValidatedBeforeAnyWork(string value, bool valid)
    {
        LinuxTargetFactory factory = new();
        LabTargetOptions options = new() { Settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["steering"] = value } };

        List<string> about = [.. factory.Validate(options).Where(e => e.Subject == "settings.steering").Select(e => e.Message)];

        if (valid)
        {
            Assert.That(about.Where(m => m.Contains("is not a steering", StringComparison.Ordinal)), Is.Empty);
        }
        else
        {
            Assert.That(about, Has.One.Contains("'vpp' is not a steering; use kernel").And.Contains("ovs"));
        }
    }

    private static bool Matches(string mask, int port)
    {
        string[] parts = mask.Split('/');
        if (parts.Length == 1)
        {
            return int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) == port;
        }

        int value = Convert.ToInt32(parts[0], 16), m = Convert.ToInt32(parts[1], 16);
        return (port & m) == value;
    }
}
