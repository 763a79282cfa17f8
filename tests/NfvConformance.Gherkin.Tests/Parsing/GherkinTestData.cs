// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Tests.Parsing;

/// <summary>Finds cucumber's Gherkin test corpus in ../shared/gherkin-testdata next to the repository root.</summary>
internal static class GherkinTestData
{
    public static readonly string? Directory = Locate();

    public static string MissingReason =>
        "cucumber's Gherkin corpus was not found at ../shared/gherkin-testdata next to the repository root " +
        "(the folder holding NfvConformance.sln); put the shared folder there to run the conformance tests.";

    /// <summary>Skips the test when the corpus is absent, or fails it when running under CI=true.</summary>
    public static string RequireDirectory()
    {
        if (Directory is not null)
        {
            return Directory;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(MissingReason);
        }

        Assert.Ignore(MissingReason);
        return string.Empty;
    }

    /// <summary>The corpus files of one folder, or one placeholder case that reports the missing corpus.</summary>
    public static IEnumerable<TestCaseData> Cases(string folder, string testName)
    {
        if (Directory is null)
        {
            yield return new TestCaseData("(corpus missing)").SetName(testName + "(corpus missing)");
            yield break;
        }

        // *.feature is classic Gherkin, *.feature.md is Gherkin in Markdown.
        string dir = Path.Combine(Directory, folder);
        foreach (string path in System.IO.Directory.GetFiles(dir, "*.feature").Concat(System.IO.Directory.GetFiles(dir, "*.feature.md")).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            yield return new TestCaseData(name).SetName($"{testName}({name})");
        }
    }

    private static string? Locate()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NfvConformance.sln")))
            {
                string corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "gherkin-testdata"));
                return System.IO.Directory.Exists(corpus) ? corpus : null;
            }
        }

        return null;
    }
}
