// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;

namespace NfvConformance.Architecture.Tests;

/// <summary>A seeded trial repeats in another process: .NET randomises string hashes per process, so a seed derived from one would not.</summary>
public sealed class SeedReproducibilityTests
{
    private static readonly string[] Kinds = ["ptp", "chain-trial", "device-trial", "tenant-ports", "container-pods"];

    [Test]
    public void SeededTrialsOfEveryKind_GiveTheSameDigestsInTwoProcesses()
    {
        string first = RunChild(7);
        string second = RunChild(7);

        Assert.Multiple(() =>
        {
            Assert.That(first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]), Is.EqualTo(Kinds), "every kind of trial ran");
            Assert.That(second, Is.EqualTo(first));
        });
    }

    [Test]
    public void TheDigests_TellOneSeedFromAnother()
    {
        // Shows the comparison above can fail: a different seed changes every kind's digest.
        string[] seven = RunChild(7).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] eight = RunChild(8).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(seven.Zip(eight).Where(pair => pair.First == pair.Second).Select(pair => pair.First), Is.Empty);
    }

    private static string RunChild(int seed)
    {
        ProcessStartInfo start = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SeedDigestProgram).Assembly.Location);
        start.ArgumentList.Add(SeedDigestProgram.Verb);
        start.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the digest process finished");
        Assert.That(process.ExitCode, Is.Zero, stderr.Result);
        return stdout.Result.ReplaceLineEndings("\n");
    }
}
