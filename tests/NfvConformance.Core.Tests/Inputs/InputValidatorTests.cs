// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Inputs;

namespace NfvConformance.Core.Tests.Inputs;

public sealed class InputValidatorTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), "nfvc-tests", Guid.NewGuid().ToString("N") + ".yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Validate_TwoBadFiles_ReportsEveryProblemOfBothWithFileAndLine()
    {
        string targets = Write("profile: basic\nfigures:\n  a: {value: 1, unit: pps}\n  b: 7\n");
        string catalogue = Write("entries: [\n");

        IReadOnlyList<InputProblem> problems = InputValidator.Validate([InputFile.Targets(targets), InputFile.Catalogue(catalogue)]);

        Assert.Multiple(() =>
        {
            Assert.That(problems.Where(p => p.Kind == "targets").Select(p => p.Message), Has.Some.StartsWith($"{targets}:3: figure 'a' has no 'origin'"));
            Assert.That(problems.Where(p => p.Kind == "targets").Select(p => p.Message), Has.Some.StartsWith($"{targets}:4: figure 'b' must be a mapping"));
            Assert.That(problems.Where(p => p.Kind == "catalogue").Select(p => p.Message), Has.Some.StartsWith($"{catalogue}:"));
        });
    }

    [Test]
    public void Validate_GoodFiles_FindsNothing()
    {
        string targets = Write("profile: basic\nfigures:\n  a: {value: 1, unit: pps, origin: RFC 2544}\n");

        Assert.That(InputValidator.Validate([InputFile.Targets(targets)]), Is.Empty);
    }

    [Test]
    public void ThrowIfInvalid_MissingFileAndTargetError_ThrowsOneConfigurationErrorListingBoth()
    {
        string missing = Path.Combine(Path.GetTempPath(), "nfvc-tests", "no-such-targets.yaml");

        ConfigurationException e = Assert.Throws<ConfigurationException>(() => InputValidator.ThrowIfInvalid(
            [InputFile.Targets(missing)],
            [new ValidationError(true, "inventory.yaml:3: speed must be a number.", "inventory"), new ValidationError(false, "a warning", "x")]))!;

        Assert.That(e.Message, Does.Contain($"targets: {missing}: not found"));
        Assert.That(e.Message, Does.Contain("target: inventory: inventory.yaml:3: speed must be a number."));
        Assert.That(e.Message, Does.Not.Contain("a warning"));
    }
}
