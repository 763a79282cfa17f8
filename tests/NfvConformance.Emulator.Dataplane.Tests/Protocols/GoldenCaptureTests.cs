// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Tests.Support;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.Dataplane.Tests.Protocols;

public sealed class GoldenCaptureTests
{
    private static string CaptureDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Captures");

    private static IEnumerable<TestCaseData> Golden() => GoldenFrames.All().Select(f => new TestCaseData(f).SetName($"GoldenCapture_{f.Name}_FileHoldsTheBuiltFrame"));

    private static IEnumerable<TestCaseData> GoldenTshark() => GoldenFrames.All().Select(f => new TestCaseData(f).SetName($"Tshark_{f.Name}_DecodesSameFieldsAsParser"));

    [TestCaseSource(nameof(Golden))]
    public void GoldenCapture(GoldenFrame frame)
    {
        IReadOnlyList<PcapRecord> records = PcapFile.Read(Path.Combine(CaptureDirectory, frame.Name + ".pcap"));

        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That(records[0].Data, Is.EqualTo(frame.Bytes));
    }

    [Test]
    public void MalformedCapture_EveryRecord_ParsesToItsDropReason()
    {
        IReadOnlyList<PcapRecord> records = PcapFile.Read(Path.Combine(CaptureDirectory, "malformed.pcap"));
        IReadOnlyList<(string Name, byte[] Bytes, ParseResult Expected)> expected = GoldenFrames.Malformed();

        Assert.That(records, Has.Count.EqualTo(expected.Count));
        for (int i = 0; i < records.Count; i++)
        {
            Assert.That(PacketParser.Parse(records[i].Data, out _), Is.EqualTo(expected[i].Expected), expected[i].Name);
        }
    }

    [Test]
    public void PcapRead_TruncatedFile_ThrowsConfigurationNamingFileAndRecord()
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(CaptureDirectory, "ipv4_udp.pcap"));

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => PcapFile.Read(bytes.AsSpan(0, bytes.Length - 5), "cut.pcap"))!;

        Assert.That(ex.Message, Does.Contain("cut.pcap").And.Contain("record 1"));
    }

    [Test]
    public void PcapRead_NotPcap_ThrowsConfiguration()
    {
        Assert.Throws<ConfigurationException>(() => PcapFile.Read(new byte[64], "zeros.pcap"));
    }

    [TestCaseSource(nameof(GoldenTshark))]
    public void Tshark(GoldenFrame frame)
    {
        string? tshark = FindTshark();
        if (tshark is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("tshark is not installed, and CI=true requires the cross-check: apt-get install -y tshark (preseed wireshark-common/install-setuid=false).");
            }

            Assert.Ignore("tshark is not installed; apt-get install -y tshark to run the cross-check (it fails instead of skipping under CI=true).");
        }

        s_tsharkRows ??= RunTsharkOnAllCaptures(tshark);
        Dictionary<string, string[]> t = s_tsharkRows[frame.Name];
        PacketParser.Parse(frame.Bytes, out ParsedPacket p);

        Assert.That(t["_ws.malformed"], Is.Empty, "tshark found the frame malformed");
        ushort etherType = t["vlan.etype"].Length > 0 ? Hex(t["vlan.etype"][0]) : Hex(t["eth.type"][0]);
        Assert.That(etherType, Is.EqualTo(p.EtherType));
        Assert.That(t["vlan.id"].Select(ushort.Parse).FirstOrDefault(), Is.EqualTo(p.VlanId));
        if (p.IsIpv4)
        {
            Assert.That(t["ip.src"][0], Is.EqualTo(frame.Source));
            Assert.That(t["ip.dst"][0], Is.EqualTo(frame.Destination));
            Assert.That(byte.Parse(t["ip.proto"][0]), Is.EqualTo(p.IpProtocol));
        }

        if (p.IsIpv6)
        {
            Assert.That(t["ipv6.src"][0], Is.EqualTo(frame.Source));
            Assert.That(t["ipv6.dst"][0], Is.EqualTo(frame.Destination));
            Assert.That(byte.Parse(t["ipv6.nxt"][0]), Is.EqualTo(p.IpProtocol));
        }

        string[] sport = p.IpProtocol switch { IpProtocols.Udp => t["udp.srcport"], IpProtocols.Tcp => t["tcp.srcport"], IpProtocols.Icmp => t["icmp.ident"], _ => [] };
        if (p.L4Offset >= 0 && sport.Length > 0)
        {
            Assert.That(ushort.Parse(sport[0]), Is.EqualTo(p.SourcePort));
        }

        Assert.That(t["vxlan.vni"].Select(uint.Parse).FirstOrDefault(), Is.EqualTo(p.Vni));
        Assert.That(t["nsh.spi"].Select(uint.Parse).FirstOrDefault(), Is.EqualTo(p.ServicePathId));
        Assert.That(t["nsh.si"].Select(byte.Parse).FirstOrDefault(), Is.EqualTo(p.ServiceIndex));
        if (frame.InnerSource is not null)
        {
            PacketParser.Parse(frame.Bytes.AsSpan(p.InnerOffset), out ParsedPacket inner);
            Assert.That(t["ip.src"], Has.Member(frame.InnerSource));
            Assert.That(t["ip.src"][^1], Is.EqualTo(GoldenFrames.IpString(inner.SourceIpv4)));
            Assert.That(t["ip.dst"][^1], Is.EqualTo(GoldenFrames.IpString(inner.DestinationIpv4)));
        }
    }

    [Test]
    [Explicit("Rewrites TestData/Captures in the source tree from GoldenFrames; run once after changing a frame.")]
    public void RegenerateGoldenCaptures()
    {
        string dir = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "TestData", "Captures"));
        Directory.CreateDirectory(dir);
        TimeSpan ts = TimeSpan.FromSeconds(1_767_225_600);
        foreach (GoldenFrame f in GoldenFrames.All())
        {
            PcapFile.Write(Path.Combine(dir, f.Name + ".pcap"), [new PcapRecord(ts, f.Bytes, f.Bytes.Length)]);
        }

        PcapFile.Write(Path.Combine(dir, "malformed.pcap"), GoldenFrames.Malformed().Select((m, i) => new PcapRecord(ts + TimeSpan.FromMilliseconds(i), m.Bytes, m.Bytes.Length)));
        Assert.That(Directory.GetFiles(dir, "*.pcap"), Has.Length.EqualTo(GoldenFrames.All().Count + 1));
    }

    private static readonly string[] s_fields = ["eth.type", "vlan.etype", "vlan.id", "ip.src", "ip.dst", "ip.proto", "ipv6.src", "ipv6.dst", "ipv6.nxt", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "icmp.ident", "vxlan.vni", "nsh.spi", "nsh.si", "_ws.malformed"];
    private static Dictionary<string, Dictionary<string, string[]>>? s_tsharkRows;

    // One tshark run over the committed captures concatenated (tshark takes about a second to start).
    private static Dictionary<string, Dictionary<string, string[]>> RunTsharkOnAllCaptures(string tshark)
    {
        IReadOnlyList<GoldenFrame> frames = GoldenFrames.All();
        string combined = Path.Combine(Path.GetTempPath(), $"nfvc-golden-{Environment.ProcessId}.pcap");
        PcapFile.Write(combined, frames.Select(f => PcapFile.Read(Path.Combine(CaptureDirectory, f.Name + ".pcap"))[0]));
        try
        {
            string[] rows = RunTshark(tshark, combined, s_fields);
            Assert.That(rows, Has.Length.EqualTo(frames.Count), "one tshark row per frame");
            Dictionary<string, Dictionary<string, string[]>> result = new(StringComparer.Ordinal);
            for (int r = 0; r < frames.Count; r++)
            {
                string[] columns = rows[r].Split('\t');
                Dictionary<string, string[]> row = new(StringComparer.Ordinal);
                for (int i = 0; i < s_fields.Length; i++)
                {
                    string value = i < columns.Length ? columns[i] : string.Empty;
                    row[s_fields[i]] = value.Length == 0 ? [] : value.Split(',');
                }

                result[frames[r].Name] = row;
            }

            return result;
        }
        finally
        {
            File.Delete(combined);
        }
    }

    private static ushort Hex(string s) => Convert.ToUInt16(s, 16);

    private static string? FindTshark()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            string candidate = Path.Combine(dir, "tshark");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string[] RunTshark(string tshark, string file, string[] fields)
    {
        ProcessStartInfo psi = new(tshark) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-n", "-r", file, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=," })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string f in fields)
        {
            psi.ArgumentList.Add("-e");
            psi.ArgumentList.Add(f);
        }

        using Process process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"tshark failed on {file}");
        return output.TrimEnd('\n').Split('\n');
    }
}
