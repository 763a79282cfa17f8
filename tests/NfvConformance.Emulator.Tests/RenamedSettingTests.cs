// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Emulator.Tests;

/// <summary>A <c>--set</c> written before the container platform's area was renamed (docs/areas.md) still applies.</summary>
public sealed class RenamedSettingTests
{
    [Test]
    public void With_OldContainersPrefix_SetsTheContainerPlatformOption()
    {
        EmulatorAreaOptions options = new EmulatorAreaOptions().With("containers.dual-stack", "false", out string? error);

        Assert.That(error, Is.Null);
        Assert.That(options.ContainerPlatform.DualStack, Is.False);
    }

    [Test]
    public void Validate_OldContainersPrefix_IsAKnownSetting()
    {
        LabTargetOptions options = new() { Settings = new Dictionary<string, string> { ["containers.dual-stack"] = "false" } };

        Assert.That(new EmulatorTargetFactory().Validate(options).Where(e => e.IsCritical), Is.Empty);
        Assert.That(EmulatorAreaOptions.Areas, Does.Contain("container-platform").And.No.Contain("containers"));
    }
}
