// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;

namespace NfvConformance.Gherkin.Tests.ExampleSuite;

/// <summary>What the example suite's hooks and contexts did, in order; the tests read it.</summary>
internal static class ExampleLog
{
    private static readonly ConcurrentQueue<string> s_entries = new();

    public static IReadOnlyList<string> Entries => [.. s_entries];

    public static void Add(string entry) => s_entries.Enqueue(entry);

    public static void Clear() => s_entries.Clear();
}

/// <summary>Stands in for a lab target: registered from outside by ConfigureScenario, so never disposed by the container.</summary>
internal sealed class ExampleLab
{
    public static ExampleLab Default { get; } = new(["sriov", "dpdk"]);

    public ExampleLab(IReadOnlyCollection<string> capabilities) => Capabilities = capabilities;

    public IReadOnlyCollection<string> Capabilities { get; }
}

/// <summary>Per-scenario state shared by several binding classes through constructor injection.</summary>
internal sealed class HostContext(ExampleLab lab) : IDisposable
{
    public ExampleLab Lab { get; } = lab;

    public string Name { get; set; } = string.Empty;

    public int Nics { get; set; }

    public int QueuesPerNic { get; set; }

    public List<string> Catalogue { get; } = [];

    public void Dispose() => ExampleLog.Add($"dispose HostContext {Name}");
}

/// <summary>Counts steps between the step hooks.</summary>
internal sealed class StepCounter
{
    public int Before { get; set; }

    public int After { get; set; }
}

internal enum ChainColor
{
    Red,
    Green,
    Blue,
}

internal sealed record NicModel(string Name, int Generation);

internal sealed record Flavor(string Name, int VCpus, bool HugePages);

internal sealed class ChainContext
{
    public ChainColor Color { get; set; }

    public TimeSpan Delay { get; set; }

    public List<string> Hops { get; } = [];
}

/// <summary>Throws a plain exception: steps run outside NUnit too, so they do not depend on its assertions.</summary>
internal static class Check
{
    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
