// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Tests;

/// <summary>The areas' options reach their facets through <see cref="EmulatorBuilder"/> and through <c>--set AREA.OPTION=VALUE</c>.</summary>
public sealed class EmulatorAreaOptionsTests
{
    private static async Task<int> PodAddressesAsync(ILabTarget target)
    {
        await target.StartAsync();
        IContainerPlatform k8s = target.GetFeature<IContainerPlatform>()!;
        string node = (await k8s.GetNodesAsync())[0].Name;
        await k8s.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata: {name: t}\n");
        await k8s.ApplyAsync($"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: t}}\nspec:\n  nodeName: {node}\n  containers: [{{name: main, image: agnhost}}]\n");
        return (await k8s.GetPodAsync("t", "p"))!.PodIps.Count;
    }

    [Test]
    public async Task WithAreaOptions_SingleStackPlatform_GivesPodsOneAddress()
    {
        await using ILabTarget dual = new EmulatorBuilder().Build();
        await using ILabTarget single = new EmulatorBuilder()
            .WithAreaOptions(new EmulatorAreaOptions { ContainerPlatform = new() { DualStack = false } })
            .Build();

        Assert.That(await PodAddressesAsync(dual), Is.EqualTo(2));
        Assert.That(await PodAddressesAsync(single), Is.EqualTo(1));
    }

    [Test]
    public async Task SetSetting_SingleStackPlatform_ReachesTheFacet()
    {
        LabTargetOptions options = new() { Settings = new Dictionary<string, string> { ["container-platform.dual-stack"] = "false" } };
        EmulatorTargetFactory factory = new();

        Assert.That(factory.Validate(options).Where(e => e.IsCritical), Is.Empty);
        await using ILabTarget target = factory.Create(options);
        Assert.That(await PodAddressesAsync(target), Is.EqualTo(1));
    }

    [TestCase("load-balancing.bfd-interval", "20ms")]
    [TestCase("tenant-networking.default-mtu", "9000")]
    [TestCase("service-exposure.ingress-classes", "nginx, haproxy")]
    public void With_WellFormedValue_SetsTheOption(string key, string value)
    {
        EmulatorAreaOptions options = new EmulatorAreaOptions().With(key, value, out string? error);

        Assert.That(error, Is.Null);
        Assert.That(options, Is.Not.EqualTo(new EmulatorAreaOptions()));
        Assert.Multiple(() =>
        {
            Assert.That(options.LoadBalancing.BfdInterval, Is.EqualTo(key.StartsWith("load", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromMilliseconds(50)));
            Assert.That(options.TenantNetworking.DefaultMtu, Is.EqualTo(key.StartsWith("tenant", StringComparison.Ordinal) ? 9000 : 1450));
        });
    }

    [TestCase("tenant-networking.no-such", "x", "unknown option 'no-such' of tenant-networking; known:")]
    [TestCase("tenant-networking.default-mtu", "big", "tenant-networking.default-mtu = 'big' is not a whole number.")]
    [TestCase("load-balancing.bfd-interval", "soon", "is not a duration")]
    public void Validate_BadAreaSetting_IsACriticalErrorThatSaysWhatToWrite(string key, string value, string message)
    {
        IReadOnlyList<ValidationError> errors = new EmulatorTargetFactory().Validate(
            new LabTargetOptions { Settings = new Dictionary<string, string> { [key] = value } });

        Assert.That(errors.Where(e => e.IsCritical).Select(e => e.Message), Has.Some.Contains(message));
    }
}
