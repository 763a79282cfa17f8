// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;
using NfvConformance.Emulator;

namespace NfvConformance.Abstractions.Tests.Targets;

public sealed class EmulatorTargetContractTests : LabTargetContractTests
{
    protected override ILabTargetFactory Factory { get; } = new EmulatorTargetFactory();
}
