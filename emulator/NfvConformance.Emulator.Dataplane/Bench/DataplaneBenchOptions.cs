// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.Dataplane.Bench;

/// <summary>What <see cref="DataplaneBench.Run"/> measures (the options of <c>nfvc bench dataplane</c>).</summary>
public sealed class DataplaneBenchOptions
{
    /// <summary>The VNF names a chain may use, in any order.</summary>
    public static readonly IReadOnlyList<string> ChainElements = ["fw", "nat", "router", "lb", "l2fwd", "impair"];

    /// <summary>Gets the chain: "io" for plain port-to-port forwarding, "memif" for io forwarding between the two ends of a shared-memory (memif-like) connection, or VNF names joined by commas, for example "fw,nat,router".</summary>
    public string Chain { get; init; } = "io";

    /// <summary>Gets the frame size in bytes (the buffer's data length, as DPDK net_null's size); 60 to 9000.</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Gets the number of distinct flows (5-tuples) the generator cycles through; 1 to 1,000,000.</summary>
    public int Flows { get; init; } = 1;

    /// <summary>Gets the measured duration in seconds, after a warm-up of a fifth of it (at least 0.2 s); 0.1 to 3600.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Gets the number of workers, one thread each with its own pool, ports and graph; 1 to 64.</summary>
    public int Cores { get; init; } = 1;

    /// <summary>Gets a value indicating whether the chain is "memif": two ports on the two sides of one shared-memory region, forwarding to each other as testpmd's io mode does over a net_memif pair.</summary>
    public bool IsMemif => string.Equals(Chain?.Trim(), "memif", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the chain's elements (empty for "io" and "memif").</summary>
    /// <returns>The names in order.</returns>
    public IReadOnlyList<string> ChainNodes() =>
        string.Equals(Chain.Trim(), "io", StringComparison.OrdinalIgnoreCase) || IsMemif
            ? []
            : [.. Chain.Split(',', StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];

    /// <summary>Checks every option.</summary>
    /// <returns>Every problem, each naming the option and what is accepted; empty when the options are usable.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        List<ValidationError> errors = [];
        if (string.IsNullOrWhiteSpace(Chain))
        {
            errors.Add(new ValidationError(true, "is empty; use 'io', 'memif' or VNF names joined by commas, for example fw,nat,router.", "--chain"));
        }
        else
        {
            foreach (string element in ChainNodes())
            {
                if (element is "memif" or "io")
                {
                    errors.Add(new ValidationError(true, $"'{element}' cannot be combined with other elements; use --chain {element} on its own.", "--chain"));
                }
                else if (!ChainElements.Contains(element, StringComparer.Ordinal))
                {
                    errors.Add(new ValidationError(true, $"'{element}' is not a VNF; use 'io', 'memif' or a comma-separated list of: {string.Join(", ", ChainElements)}.", "--chain"));
                }
            }
        }

        if (FrameSize is < 60 or > 9000)
        {
            errors.Add(new ValidationError(true, $"{FrameSize} is outside 60-9000 bytes.", "--frame-size"));
        }

        if (Flows is < 1 or > 1_000_000)
        {
            errors.Add(new ValidationError(true, $"{Flows} is outside 1-1000000.", "--flows"));
        }

        if (double.IsNaN(Seconds) || Seconds < 0.1 || Seconds > 3600)
        {
            errors.Add(new ValidationError(true, $"{Seconds} is outside 0.1-3600 seconds.", "--seconds"));
        }

        if (Cores is < 1 or > 64)
        {
            errors.Add(new ValidationError(true, $"{Cores} is outside 1-64 workers.", "--cores"));
        }

        return errors;
    }
}
