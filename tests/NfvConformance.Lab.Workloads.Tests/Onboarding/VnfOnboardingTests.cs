// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Checks;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Onboarding;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Tests.Onboarding;

public sealed class VnfOnboardingTests
{
    private static VnfPackage Load(string name) => VnfDescriptorReader.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "Onboarding", "vnfs", name));

    private static VnfOnboarding New() => new(Lab.Run, async () => (await Lab.DockerAsync()).Engine);

    [TestCase("router-netns.yaml")]
    [TestCase("router-container.yaml")]
    public async Task A_vendor_router_from_its_descriptor_carries_every_packet(string file)
    {
        Need.Docker();
        await using VnfOnboarding onboarding = New();
        VnfChainVerdict v = await onboarding.CheckChainAsync(Load(file));
        TestContext.Out.WriteLine(v.Reason);
        foreach (HopCount h in v.Hops)
        {
            TestContext.Out.WriteLine($"  {h.Hop}: in {h.In} out {h.Out}");
        }

        Assert.That(v.Passed, Is.True, v.Reason);
        Assert.That(v.Hops[1].In, Is.GreaterThanOrEqualTo(v.Traffic.Sent), "the vendor's instance itself received every packet (kernel counters)");
    }

    [Test]
    public async Task A_vendor_router_that_drops_packets_fails_the_chaining_check()
    {
        Need.Docker();
        await using VnfOnboarding onboarding = New();
        VnfChainVerdict v = await onboarding.CheckChainAsync(Load("lossy-router-netns.yaml"));
        TestContext.Out.WriteLine(v.Reason);
        Assert.That(v.Passed, Is.False);
        Assert.That(v.Traffic.Lost, Is.GreaterThan(v.Traffic.Sent / 10));
        Assert.That(v.Reason, Does.Contain("lost in lossy-router").And.Contain("lossy-router-netns.yaml:"));
    }

    [Test]
    public async Task A_vendor_CNF_that_ignores_SIGTERM_fails_the_best_practice_check()
    {
        (DockerEngine engine, ImageStore images) = await Lab.DockerAsync();
        await using VnfOnboarding onboarding = New();
        await using WorkloadChain chain = await WorkloadChain.CreateAsync(Lab.Run, 1);
        WorkloadSpec deaf = await onboarding.SpecAsync(Load("deaf-router-container.yaml"), chain, 0, 0, "deaf");
        WorkloadSpec good = await onboarding.SpecAsync(Load("router-container.yaml"), chain, 0, 0, "good");
        BestPracticeChecks checks = new(engine, new ContainerRuntime(engine), images);
        BestPracticeLimits limits = BestPracticeLimits.Basic with { Grace = TimeSpan.FromSeconds(2), MaxStartup = TimeSpan.FromSeconds(4) };
        BestPracticeFinding deafSigterm = (await checks.CheckAsync(deaf, limits)).Single(f => f.Check == "sigterm-within-grace");
        BestPracticeFinding goodSigterm = (await checks.CheckAsync(good, limits)).Single(f => f.Check == "sigterm-within-grace");
        TestContext.Out.WriteLine(deafSigterm);
        TestContext.Out.WriteLine(goodSigterm);
        Assert.That(deafSigterm.Passed, Is.False);
        Assert.That(goodSigterm.Passed, Is.True);
    }
}
