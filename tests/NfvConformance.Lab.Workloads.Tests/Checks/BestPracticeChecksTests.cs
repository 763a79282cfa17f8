// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Checks;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;

namespace NfvConformance.Lab.Workloads.Tests.Checks;

public sealed class BestPracticeChecksTests
{
    private static readonly BestPracticeLimits Limits = BestPracticeLimits.Basic with { Grace = TimeSpan.FromSeconds(2), MaxStartup = TimeSpan.FromSeconds(4) };

    private static VnfRealisation Good(string? user = null, bool readOnly = true, params string[] caps) =>
        new(RealisationKind.Container, [], null, [], caps, user, readOnly, 2, null, null, []);

    private static async Task<IReadOnlyList<BestPracticeFinding>> CheckAsync(string name, ImageRecipe recipe, VnfRealisation r, ContainerOverrides? o = null)
    {
        (DockerEngine engine, ImageStore images) = await Lab.DockerAsync();
        string image = await images.BuildAsync(recipe);
        ContainerRuntime runtime = new(engine);
        IReadOnlyList<BestPracticeFinding> findings = await new BestPracticeChecks(engine, runtime, images).CheckAsync(new WorkloadSpec(name, [], r, image) { Overrides = o }, Limits);
        foreach (BestPracticeFinding f in findings)
        {
            TestContext.Out.WriteLine(f);
        }

        Assert.That(findings.Select(f => f.Check), Is.EqualTo(BestPracticeChecks.Names));
        Assert.That(findings.Where(f => !f.Passed), Has.All.Matches<BestPracticeFinding>(f => f.Remedy.Length > 20), "every failed finding says what to change");
        return findings;
    }

    [Test]
    public async Task The_well_behaved_CNF_passes_every_check()
    {
        IReadOnlyList<BestPracticeFinding> f = await CheckAsync("bp-good", CnfImages.Good, Good());
        Assert.That(f.Where(x => !x.Passed), Is.Empty);
    }

    // Each broken container breaks one practice (sleep as PID 1 breaks both signal handling and reaping), and the
    // check of that practice, and only the checks it breaks, fail.
    [TestCase("bp-root", "root", new[] { "non-root" })]
    [TestCase("bp-nosig", "nosig", new[] { "reaps-zombies", "sigterm-within-grace" })]
    [TestCase("bp-filelog", "filelog", new[] { "logs-to-stdout", "startup-time" })]
    [TestCase("bp-slow", "slow", new[] { "startup-time" })]
    [TestCase("bp-nohealth", "nohealth", new[] { "healthcheck" })]
    [TestCase("bp-fat", "fat", new[] { "image-size" })]
    [TestCase("bp-rw", "rw", new[] { "read-only-rootfs" })]
    [TestCase("bp-caps", "caps", new[] { "no-extra-capabilities" })]
    [TestCase("bp-hostns", "hostns", new[] { "no-host-network", "no-host-pid", "no-host-ipc" })]
    public async Task A_container_built_to_break_a_practice_fails_its_check(string name, string breaks, string[] failing)
    {
        (ImageRecipe recipe, VnfRealisation r, ContainerOverrides? o) = breaks switch
        {
            "root" => (CnfImages.Root, Good(), (ContainerOverrides?)null),
            "nosig" => (CnfImages.NoSignals, Good(), null),
            "filelog" => (CnfImages.LogsToFile, Good(readOnly: false), null),
            "slow" => (CnfImages.SlowStart, Good(), null),
            "nohealth" => (CnfImages.NoHealthcheck, Good(), null),
            "fat" => (CnfImages.Fat, Good(), null),
            "rw" => (CnfImages.Good, Good(readOnly: false), null),
            "caps" => (CnfImages.Good, Good(caps: ["SYS_ADMIN", "SYS_PTRACE"]), null),
            "hostns" => (CnfImages.Good, Good(), new ContainerOverrides(HostNetwork: true, HostPid: true, HostIpc: true)),
            _ => throw new ArgumentOutOfRangeException(nameof(breaks)),
        };
        IReadOnlyList<BestPracticeFinding> f = await CheckAsync(name, recipe, r, o);
        string[] expected = breaks == "filelog" ? ["logs-to-stdout", "read-only-rootfs", "startup-time"] : failing;
        Assert.That(f.Where(x => !x.Passed).Select(x => x.Check).Order().ToArray(), Is.EqualTo(expected.Order().ToArray()));
    }

    [Test]
    public async Task A_privileged_container_is_refused_by_the_check_even_though_it_cannot_start_here()
    {
        IReadOnlyList<BestPracticeFinding> f = await CheckAsync("bp-priv", CnfImages.Good, Good(), new ContainerOverrides(Privileged: true));
        BestPracticeFinding privileged = f.Single(x => x.Check == "not-privileged");
        Assert.That(privileged.Passed, Is.False);
        Assert.That(privileged.Remedy, Does.Contain("privileged"));
    }
}
