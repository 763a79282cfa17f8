// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Tests.Lifecycle;

public sealed class LifecycleTests
{
    private const string Vfw = """
        vnfd:
          id: vfw
          version: "1.0"
          provider: example
          required_capabilities: [RM:e.cap.006]
          configuration:
            rules: allow-all
            log_level: info
          deployment_units:
            - name: fw
              kind: vm
              image: vfw-1.0.qcow2
              cores: 2
              memory_mb: 2048
              hugepages_mb: 1024
              dedicated_cores: true
              instances: 2
              min_instances: 1
              max_instances: 3
              anti_affinity: true
              connection_points:
                - {name: data0, attachment: [sriov-vf, kernel-virtio]}
                - {name: mgmt, attachment: [kernel-virtio]}
            - name: logger
              kind: container
              cores: 1
              memory_mb: 256
              event_driven: true
              connection_points:
                - {name: eth0, attachment: [kernel-virtio]}
          scaling_aspects:
            - {name: fw-capacity, deployment_unit: fw, step: 1}
        """;

    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(ControlPlane Cp, string Id)> InstantiatedAsync()
    {
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Catalogue = TestCatalogue.Definitions, StartTime = s_start });
        Assert.That(cp.Lifecycle.Onboard(Vfw, "vfw.yaml").Succeeded, Is.True);
        LifecycleResult result = await cp.Lifecycle.InstantiateAsync("vfw");
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        return (cp, result.VnfInstanceId!);
    }

    [Test]
    public async Task Instantiate_Vfw_PlacesAntiAffineVmsAndTimesTheBootOnTheVirtualClock()
    {
        // Given
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, StartTime = s_start });
        cp.Lifecycle.Onboard(Vfw, "vfw.yaml");

        // When
        LifecycleResult result = await cp.Lifecycle.InstantiateAsync("vfw");

        // Then: VM boot 20 s + VF attach 0.5 s + kernel port 0.05 s, both VMs in parallel
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        Assert.Multiple(() =>
        {
            Assert.That(result.VnfInstanceId, Is.EqualTo("vfw-1"));
            Assert.That(result.Duration, Is.EqualTo(TimeSpan.FromSeconds(20.55)));
            Assert.That(cp.Clock.GetUtcNow(), Is.EqualTo(s_start + TimeSpan.FromSeconds(20.55)));
            Assert.That(result.Events.Select(e => e.Kind), Is.EqualTo(new[] { "instantiate-started", "vnfc-starting", "vnfc-starting", "vnfc-started", "vnfc-started", "scaled-to-zero", "instantiated" }));
            Assert.That(result.Events[3].At, Is.EqualTo(s_start + TimeSpan.FromSeconds(20.55)));
        });
    }

    [Test]
    public async Task Get_AfterInstantiate_ReadsBackNodesCoresMacsIpsPortsAndVfIds()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        VnfInstanceInfo info = cp.Lifecycle.Get(id)!;

        // Then
        Assert.That(info.Vnfcs, Has.Count.EqualTo(2));
        PlacedInstance first = info.Vnfcs[0].Placement;
        Assert.Multiple(() =>
        {
            Assert.That(info.Vnfcs.Select(v => v.Placement.NodeId), Is.EqualTo(new[] { "hp-1", "hp-2" }));
            Assert.That(info.Vnfcs[0].Image, Is.EqualTo("vfw-1.0.qcow2"));
            Assert.That(first.PinnedCores, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(first.Interfaces.Select(i => i.Rung), Is.EqualTo(new[] { Rungs.SriovVf, Rungs.KernelVirtio }));
            Assert.That(first.Interfaces[0].VfIndex, Is.Zero);
            Assert.That(first.Interfaces[0].Port, Is.EqualTo("vf0000:3b:00.0-0"));
            Assert.That(first.Interfaces[1].Port, Does.StartWith("tap"));
            Assert.That(first.Interfaces[0].Mac, Does.Match("^02:4e:46:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$"));
            Assert.That(info.Configuration["rules"], Is.EqualTo("allow-all"));
        });
    }

    [Test]
    public void Onboard_MalformedDescriptor_ReportsEveryProblemWithFileLineAndField()
    {
        // Given
        const string Bad = """
            vnfd:
              id: broken
              deployment_units:
                - name: a
                  kind: vm
                  cores: 0
                  memory_mb: 512
                  instances: 5
                  max_instances: 2
                  connection_points:
                    - {name: d, attachment: [teleport]}
              scaling_aspects:
                - {name: s, deployment_unit: ghost}
            """;
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });

        // When
        LifecycleResult result = cp.Lifecycle.Onboard(Bad, "broken.yaml");

        // Then
        string all = string.Join("\n", result.Problems);
        Assert.That(result.Succeeded, Is.False);
        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("broken.yaml:2: field 'vnfd.version': is missing"));
            Assert.That(all, Does.Contain("broken.yaml:6: field 'vnfd.deployment_units[0].cores': expected a whole number >= 1, got '0'"));
            Assert.That(all, Does.Contain("broken.yaml:8: field 'vnfd.deployment_units[0].instances': needs min_instances <= instances <= max_instances, got 1 <= 5 <= 2"));
            Assert.That(all, Does.Contain("broken.yaml:11: field 'vnfd.deployment_units[0].connection_points[0].attachment': unknown rung 'teleport'"));
            Assert.That(all, Does.Contain("broken.yaml:13: field 'vnfd.scaling_aspects[0].deployment_unit': 'ghost' is not a deployment unit"));
            Assert.That(result.Problems, Has.Count.EqualTo(5));
            Assert.That(cp.Lifecycle.Descriptors, Is.Empty);
        });
    }

    [Test]
    public async Task Scale_OutThenBeyondMaxThenIn_RespectsLimitsAndAntiAffinity()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult scaledOut = await cp.Lifecycle.ScaleAsync(id, "fw-capacity", 1);
        LifecycleResult tooFar = await cp.Lifecycle.ScaleAsync(id, "fw-capacity", 1);
        LifecycleResult scaledIn = await cp.Lifecycle.ScaleAsync(id, "fw-capacity", -2);

        // Then
        Assert.That(scaledOut.Succeeded, Is.True, string.Join("\n", scaledOut.Problems));
        Assert.That(scaledOut.Events.Single(e => e.Kind == "vnfc-starting").Detail, Does.Contain("on edge-h1"));
        Assert.That(tooFar.Succeeded, Is.False);
        Assert.That(tooFar.Problems.Single().Message, Does.Contain("from 3 to 4 instances, above max_instances 3 (allowed 1..3)"));
        Assert.That(scaledIn.Succeeded, Is.True);
        Assert.That(scaledIn.Duration, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(cp.Lifecycle.Get(id)!.Vnfcs.Select(v => v.Placement.NodeId), Is.EqualTo(new[] { "hp-1" }));
    }

    [Test]
    public async Task Scale_UnknownAspectAndZeroSteps_ReportsBoth()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult result = await cp.Lifecycle.ScaleAsync(id, "bogus", 0);

        // Then
        Assert.That(result.Problems, Has.Count.EqualTo(2));
        Assert.That(result.Problems[0].Message, Does.Contain("declares: fw-capacity"));
    }

    [Test]
    public async Task Heal_FailedVnfc_ReplacedOnAnotherNodeMakeBeforeBreak()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();
        VnfcInfo failed = cp.Lifecycle.Get(id)!.Vnfcs[0];

        // When
        LifecycleResult result = await cp.Lifecycle.HealAsync(id, failed.Id);

        // Then
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        VnfInstanceInfo info = cp.Lifecycle.Get(id)!;
        Assert.That(info.Vnfcs.Select(v => v.Id), Does.Not.Contain(failed.Id));
        Assert.That(info.Vnfcs.Select(v => v.Placement.NodeId), Is.EquivalentTo(new[] { "hp-2", "edge-h1" }));
        Assert.That(result.Duration, Is.EqualTo(TimeSpan.FromSeconds(20.55 + 2)));
        Assert.That(result.Events.Select(e => e.Kind), Does.Contain("vnfc-stopped").And.Contain("healed"));
    }

    [Test]
    public async Task ChangeConfiguration_UnknownKey_RefusedListingDeclaredOnes_KnownKeyApplied()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult bad = await cp.Lifecycle.ChangeConfigurationAsync(id, new Dictionary<string, string> { ["colour"] = "red", ["log_level"] = "debug" });
        LifecycleResult good = await cp.Lifecycle.ChangeConfigurationAsync(id, new Dictionary<string, string> { ["log_level"] = "debug" });

        // Then
        Assert.That(bad.Succeeded, Is.False);
        Assert.That(bad.Problems.Single().Message, Does.Contain("'colour' is not a configuration parameter of vfw@1.0; declared: log_level, rules"));
        Assert.That(good.Succeeded, Is.True);
        Assert.That(good.Duration, Is.EqualTo(TimeSpan.FromSeconds(0.1)));
        Assert.That(cp.Lifecycle.Get(id)!.Configuration["log_level"], Is.EqualTo("debug"));
    }

    [Test]
    public async Task Upgrade_ToOnboardedVersion_ReplacesEveryVnfcWithNewImage()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();
        cp.Lifecycle.Onboard(Vfw.Replace("\"1.0\"", "\"2.0\"", StringComparison.Ordinal).Replace("vfw-1.0.qcow2", "vfw-2.0.qcow2", StringComparison.Ordinal), "vfw-2.yaml");

        // When
        LifecycleResult missing = await cp.Lifecycle.UpgradeAsync(id, "3.0");
        LifecycleResult result = await cp.Lifecycle.UpgradeAsync(id, "2.0");

        // Then
        Assert.That(missing.Problems.Single().Message, Does.Contain("version 3.0 of 'vfw' is not onboarded; onboarded: 1.0, 2.0"));
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        VnfInstanceInfo info = cp.Lifecycle.Get(id)!;
        Assert.That(info.Version, Is.EqualTo("2.0"));
        Assert.That(info.Vnfcs.Select(v => v.Image), Is.EqualTo(new[] { "vfw-2.0.qcow2", "vfw-2.0.qcow2" }));
        Assert.That(result.Duration, Is.EqualTo(TimeSpan.FromSeconds(20.55 + 2)));
    }

    [Test]
    public async Task Terminate_ReleasesEverythingAndSecondTerminateIsRefused()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult result = await cp.Lifecycle.TerminateAsync(id);
        LifecycleResult again = await cp.Lifecycle.TerminateAsync(id);

        // Then
        Assert.That(result.Succeeded, Is.True);
        Assert.That(cp.Placement.Instances, Is.Empty);
        Assert.That(cp.Hardware.Current.Nodes.SelectMany(n => n.Nics).Sum(n => n.SriovUsedVfs), Is.Zero);
        Assert.That(cp.Lifecycle.Get(id)!.Terminated, Is.True);
        Assert.That(again.Problems.Single().Message, Does.Contain("terminated"));
    }

    [Test]
    public async Task DeliverEvent_EventDrivenUnit_ColdStartThenWarmThenScaleToZeroThenColdAgain()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult cold = await cp.Lifecycle.DeliverEventAsync(id, "logger");
        LifecycleResult warm = await cp.Lifecycle.DeliverEventAsync(id, "logger");
        LifecycleResult zero = await cp.Lifecycle.ScaleToZeroAsync(id, "logger");
        LifecycleResult coldAgain = await cp.Lifecycle.DeliverEventAsync(id, "logger");
        LifecycleResult notEventDriven = await cp.Lifecycle.DeliverEventAsync(id, "fw");

        // Then: container start 1.5 s + kernel port 0.05 s
        Assert.Multiple(() =>
        {
            Assert.That(cold.Duration, Is.EqualTo(TimeSpan.FromSeconds(1.55)));
            Assert.That(cold.Events.Single(e => e.Kind == "cold-start").Detail, Does.Contain("first event waited 1.55 s"));
            Assert.That(warm.Duration, Is.EqualTo(TimeSpan.Zero));
            Assert.That(warm.Events.Single().Kind, Is.EqualTo("event-served"));
            Assert.That(zero.Duration, Is.EqualTo(TimeSpan.FromSeconds(0.3)));
            Assert.That(coldAgain.Duration, Is.EqualTo(TimeSpan.FromSeconds(1.55)));
            Assert.That(notEventDriven.Problems.Single().Message, Does.Contain("'fw' is not event-driven"));
        });
    }

    [Test]
    public async Task Instantiate_UnknownOrUnplaceable_ChangesNothing()
    {
        // Given
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });
        cp.Lifecycle.Onboard(Vfw.Replace("cores: 2", "cores: 60", StringComparison.Ordinal), "huge.yaml");
        long version = cp.Publisher.Current.Version;

        // When
        LifecycleResult unknown = await cp.Lifecycle.InstantiateAsync("nope");
        LifecycleResult unplaceable = await cp.Lifecycle.InstantiateAsync("vfw");

        // Then
        Assert.That(unknown.Problems.Single().Message, Does.Contain("onboarded: vfw@1.0"));
        Assert.That(unplaceable.Succeeded, Is.False);
        Assert.That(unplaceable.Problems.Single().Message, Does.Contain("hp-1: cores: 44 free dedicated cores, 60 requested"));
        Assert.That(cp.Placement.Instances, Is.Empty);
        Assert.That(cp.Publisher.Current.Version, Is.EqualTo(version));
        Assert.That(cp.Clock.GetUtcNow(), Is.EqualTo(new ControlPlaneOptions().StartTime));
    }

    [Test]
    public async Task Instantiate_SubscribersSeeVfUsageOnlyWhenAPoolRunsOut()
    {
        // Given
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });
        List<CapabilityChangeSet> seen = [];
        using IDisposable sub = cp.Publisher.Subscribe(seen.Add);
        cp.Lifecycle.Onboard(Vfw, "vfw.yaml");

        // When
        _ = await cp.Lifecycle.InstantiateAsync("vfw");

        // Then: 1 of 16 VFs used on hp-1 and hp-2 changes no published value
        Assert.That(seen, Is.Empty);
        Assert.That(cp.Hardware.Current.Nodes[0].Nics[0].SriovUsedVfs, Is.EqualTo(1));
    }

    [Test]
    public async Task Heal_WithoutAntiAffinity_StillLeavesTheFailedNode()
    {
        // Given: a unit without anti-affinity, whose first instance lands on hp-1
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance });
        cp.Lifecycle.Onboard(Vfw.Replace("anti_affinity: true", "anti_affinity: false", StringComparison.Ordinal), "vfw.yaml");
        string id = (await cp.Lifecycle.InstantiateAsync("vfw")).VnfInstanceId!;
        VnfcInfo failed = cp.Lifecycle.Get(id)!.Vnfcs[0];

        // When
        LifecycleResult result = await cp.Lifecycle.HealAsync(id, failed.Id);

        // Then
        Assert.That(failed.Placement.NodeId, Is.EqualTo("hp-1"));
        Assert.That(result.Succeeded, Is.True, string.Join("\n", result.Problems));
        Assert.That(cp.Lifecycle.Get(id)!.Vnfcs.Last().Placement.NodeId, Is.Not.EqualTo("hp-1"));
    }

    [Test]
    public async Task Scale_InBelowMinimum_RefusedNamingMinInstances()
    {
        // Given
        (ControlPlane cp, string id) = await InstantiatedAsync();

        // When
        LifecycleResult result = await cp.Lifecycle.ScaleAsync(id, "fw-capacity", -2);

        // Then
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Problems.Single().Message, Does.Contain("from 2 to 0 instances, below min_instances 1"));
        Assert.That(cp.Lifecycle.Get(id)!.Vnfcs, Has.Count.EqualTo(2));
    }
}
