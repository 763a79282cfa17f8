// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>The kernel's CPU list format (<c>0-3,8,10-11</c>), as in <c>/sys/devices/system/cpu/online</c> and <c>Cpus_allowed_list</c>.</summary>
internal static class CpuList
{
    /// <summary>Parses a CPU list; an empty or blank text is the empty list.</summary>
    /// <param name="text">The list.</param>
    /// <param name="cpus">The CPUs, sorted, each once.</param>
    /// <returns>True when the text is a well-formed list.</returns>
    public static bool TryParse(string? text, out IReadOnlyList<int> cpus)
    {
        SortedSet<int> set = [];
        cpus = [];
        if (text is null)
        {
            return false;
        }

        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int cpu))
                {
                    return false;
                }

                set.Add(cpu);
            }
            else if (int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                && int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int to)
                && from <= to && to - from < 65536)
            {
                for (int c = from; c <= to; c++)
                {
                    set.Add(c);
                }
            }
            else
            {
                return false;
            }
        }

        cpus = [.. set];
        return true;
    }

    /// <summary>Parses a CPU list the kernel wrote.</summary>
    /// <param name="text">The list.</param>
    /// <returns>The CPUs.</returns>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static IReadOnlyList<int> Parse(string text) =>
        TryParse(text, out IReadOnlyList<int> cpus) ? cpus : throw new FormatException($"'{text}' is not a CPU list (expected e.g. 0-3,8).");

    /// <summary>Formats CPUs as the kernel does (<c>0-3,8</c>).</summary>
    /// <param name="cpus">The CPUs.</param>
    /// <returns>The list.</returns>
    public static string Format(IEnumerable<int> cpus)
    {
        int[] sorted = [.. cpus.Distinct().Order()];
        StringBuilder sb = new();
        for (int i = 0; i < sorted.Length; i++)
        {
            int start = sorted[i];
            while (i + 1 < sorted.Length && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (sorted[i] != start)
            {
                sb.Append('-').Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
