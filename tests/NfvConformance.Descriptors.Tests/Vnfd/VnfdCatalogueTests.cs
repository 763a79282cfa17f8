// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Descriptors.Vnfd;

namespace NfvConformance.Descriptors.Tests.Vnfd;

/// <summary>The onboarded descriptors both lifecycle managers (the emulator's and the linux target's) share.</summary>
public sealed class VnfdCatalogueTests
{
    [Test]
    public void Onboard_SameVersionTwice_IsRefusedAndTheFirstStays()
    {
        VnfdCatalogue catalogue = new();

        (VnfDescriptor? first, _) = catalogue.Onboard(Vnfd("1.0"), "a.yaml");
        (VnfDescriptor? again, IReadOnlyList<ValidationError> problems) = catalogue.Onboard(Vnfd("1.0"), "b.yaml");

        Assert.That(first, Is.Not.Null);
        Assert.That(again, Is.Null);
        Assert.That(problems.Single().Message, Does.Contain("already onboarded; raise the version"));
        Assert.That(catalogue.All, Has.Count.EqualTo(1));
    }

    [Test]
    public void Onboard_Malformed_GivesTheReadersProblemsAndOnboardsNothing()
    {
        VnfdCatalogue catalogue = new();

        (VnfDescriptor? d, IReadOnlyList<ValidationError> problems) = catalogue.Onboard("vnfd: [", "bad.yaml");

        Assert.That(d, Is.Null);
        Assert.That(problems, Is.Not.Empty);
        Assert.That(problems[0].Subject + problems[0].Message, Does.Contain("bad.yaml"));
        Assert.That(catalogue.All, Is.Empty);
    }

    [Test]
    public void Resolve_WithoutAVersion_GivesTheHighestAndAnUnknownOneNamesWhatIsOnboarded()
    {
        VnfdCatalogue catalogue = new();
        catalogue.Onboard(Vnfd("1.0"), "a.yaml");
        catalogue.Onboard(Vnfd("1.1"), "b.yaml");

        (VnfDescriptor? highest, _) = catalogue.Resolve("acme-fw", null);
        (VnfDescriptor? asked, _) = catalogue.Resolve("acme-fw", "1.0");
        (VnfDescriptor? missing, ValidationError? problem) = catalogue.Resolve("acme-fw", "2.0");

        Assert.Multiple(() =>
        {
            Assert.That(highest?.Version, Is.EqualTo("1.1"));
            Assert.That(asked?.Version, Is.EqualTo("1.0"));
            Assert.That(missing, Is.Null);
            Assert.That(problem?.Message, Does.Contain("version 2.0").And.Contain("acme-fw@1.0, acme-fw@1.1"));
        });
    }

    [Test]
    public void UpgradeTarget_NotOnboarded_NamesTheOnboardedVersionsOfThatVnf()
    {
        VnfdCatalogue catalogue = new();
        (VnfDescriptor? current, _) = catalogue.Onboard(Vnfd("1.0"), "a.yaml");

        (VnfDescriptor? target, ValidationError? problem) = catalogue.UpgradeTarget(current!, "9.9", "vnf-1.version");

        Assert.That(target, Is.Null);
        Assert.That(problem?.Message, Does.Contain("version 9.9 of 'acme-fw' is not onboarded; onboarded: 1.0"));
        Assert.That(problem?.Subject, Is.EqualTo("vnf-1.version"));
    }

    private static string Vnfd(string version) => TestVnfd.Container("acme-fw", version, "firewall", "fw");
}
