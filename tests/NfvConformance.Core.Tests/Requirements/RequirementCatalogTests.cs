// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Requirements;

namespace NfvConformance.Core.Tests.Requirements;

public sealed class RequirementCatalogTests
{
    [Test]
    public void LoadDefault_ProjectCatalogue_HasEveryEntryAndCapabilityValues()
    {
        // When
        RequirementCatalog catalog = RequirementCatalog.LoadDefault();

        // Then
        Assert.That(catalog.Entries, Has.Count.EqualTo(465));
        Assert.That(catalog.TryGet("RM:e.cap.013", out Requirement sriov), Is.True);
        Assert.That(sriov.Kind, Is.EqualTo("exposed-capability"));
        CapabilityDefinition def = catalog.Capabilities.Single(c => c.Uid == "RM:e.cap.013");
        Assert.That(def.ProfileValues["basic"], Is.EqualTo("No"));
        Assert.That(def.ProfileValues["high_performance"], Is.EqualTo("Yes"));
        Assert.That(def.Location, Does.EndWith($"catalog.yaml:{File.ReadLines(catalog.Path).TakeWhile(l => !l.Contains("\"RM:e.cap.013\"", StringComparison.Ordinal)).Count() + 1}"));
    }

    [Test]
    public void IsInScope_ProjectCatalogue_CountsAboutTheIssuesFigure()
    {
        RequirementCatalog catalog = RequirementCatalog.LoadDefault();

        int inScope = catalog.Entries.Count(RequirementCatalog.IsInScope);

        // Issue 7 gives "about 227 today" for this definition.
        Assert.That(inScope, Is.InRange(200, 250));
    }

    [Test]
    public void Load_DuplicateUidAndMissingTitle_ReportsBothWithLines()
    {
        string path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            entries:
            - uid: "RM:x.1"
              id: x.1
              kind: requirement
              title: one
            - uid: "RM:x.1"
              id: x.1
              kind: requirement
              title: again
            - uid: "RM:x.2"
              id: x.2
              kind: requirement
            """);
        try
        {
            ConfigurationException ex = Assert.Throws<ConfigurationException>(() => RequirementCatalog.Load(path))!;

            Assert.That(ex.Message, Does.Contain($"{path}:6: field 'uid': 'RM:x.1' appears twice"));
            Assert.That(ex.Message, Does.Contain($"{path}:10: entry is missing title"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_MalformedYaml_NamesFileAndLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "entries:\n- uid: [unclosed\n");
        try
        {
            ConfigurationException ex = Assert.Throws<ConfigurationException>(() => RequirementCatalog.Load(path))!;

            Assert.That(ex.Message, Does.StartWith($"{path}:"));
            Assert.That(ex.Message, Does.Contain("malformed YAML"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
