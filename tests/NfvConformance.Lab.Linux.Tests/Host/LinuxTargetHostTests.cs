// Licensed under the Apache License, Version 2.0.
using System.Text.Json;
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Lab.Linux.Target;

namespace NfvConformance.Lab.Linux.Tests.Host;

/// <summary>The linux target as the runner and <c>nfvc discover --target linux --json</c> use it.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LinuxTargetHostTests
{
    [SetUp]
    public void RequireHost() => RootHost.Require(("nft", "nftables"));

    [Test]
    public async Task TheTargetPublishesThisHostWithProvenanceAndOffersTheHostFacets()
    {
        LinuxTargetFactory factory = new();
        LabTargetOptions options = new() { Profile = Profiles.HighPerformance };
        Assert.That(factory.Validate(options), Is.Empty);
        string stateDir;
        await using (ILabTarget target = factory.Create(options))
        {
            await target.StartAsync();
            CapabilitySnapshot snapshot = await target.DiscoverAsync();
            stateDir = ((LinuxLabTarget)target).Run.StateDirectory;
            Assert.That(Directory.Exists(stateDir), Is.True);

            using JsonDocument json = JsonDocument.Parse(CapabilitySnapshotJson.ToJson(snapshot));
            JsonElement node = json.RootElement.GetProperty("nodes").EnumerateArray().Single();
            int cpus = Directory.EnumerateDirectories("/sys/devices/system/cpu", "cpu*").Count(d => char.IsAsciiDigit(Path.GetFileName(d)[^1]) && File.Exists(Path.Combine(d, "topology/core_id")));
            Assert.That(node.GetProperty("numa").EnumerateArray().Sum(n => n.GetProperty("cores").GetInt32()), Is.EqualTo(cpus));
            Assert.That(node.GetProperty("facts").GetProperty("numa.0.cpus").GetProperty("source").GetString(), Is.EqualTo("/sys/devices/system/node/node0/cpulist"));
            foreach (JsonElement nic in node.GetProperty("nics").EnumerateArray())
            {
                string name = nic.GetProperty("name").GetString()!;
                Assert.That(node.GetProperty("facts").GetProperty($"nic.{name}.driver").GetProperty("source").GetString(), Does.StartWith("ethtool -i").Or.StartWith("/sys"));
            }

            foreach (JsonProperty p in node.GetProperty("provenance").EnumerateObject())
            {
                Assert.That(p.Value.GetProperty("source").GetString(), Is.Not.Empty, p.Name);
            }

            Assert.That(target.GetFeature<ICapabilities>(), Is.Not.Null);
            Assert.That(target.GetFeature<IHardwareInventory>(), Is.Not.Null);
            Assert.That(target.GetFeature<INegotiation>(), Is.Not.Null);
            Assert.That(target.GetFeature<IPlacement>(), Is.Not.Null);
            Assert.That(target.GetFeature<IVnicBandwidth>(), Is.Not.Null);
            Assert.That(target.GetFeature<IAcceleration>(), Is.Not.Null);
            Assert.That(target.GetFeature<IPtpSynchronisation>(), Is.Not.Null);

            // A host NIC's link is never touched: the refusal says so.
            NicInfo nicInfo = snapshot.Nodes[0].Hardware!.Nics.First();
            Assert.That((await target.GetFeature<IHardwareInventory>()!.SetLinkStateAsync(snapshot.Nodes[0].Id, nicInfo.Name, false)).Single().Message, Does.Contain("never sets the link"));

            // A placement made through the target is removed with it.
            PlacementResult placed = await target.GetFeature<IPlacement>()!.PlaceAsync(new PlacementRequest(
                new NegotiationRequest("c", new ResourceRequest(1, 64), [new PreferenceLadder("eth0", [Rungs.KernelVirtio])]), WorkloadKind.Container));
            Assert.That(placed.Succeeded, Is.True, string.Join("; ", placed.Problems));
        }

        Assert.That(Directory.Exists(stateDir), Is.False, "the run's state is removed at dispose");
        Assert.That(RootHost.Run("ip", "netns", "list"), Does.Not.Contain(Path.GetFileName(stateDir)));
    }
}
