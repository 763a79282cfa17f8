// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>
/// Where a run happened: tool version, operating system, CPU, NICs and a hash of the configuration. Runs are
/// comparable for regression verdicts only when their <see cref="TargetFingerprint"/> is equal.
/// </summary>
public sealed record EnvironmentFingerprint
{
    /// <summary>Gets the nfvc version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>Gets the operating system description.</summary>
    public required string Os { get; init; }

    /// <summary>Gets the CPU model name.</summary>
    public required string Cpu { get; init; }

    /// <summary>Gets the number of logical CPUs.</summary>
    public int CpuCount { get; init; }

    /// <summary>Gets the network interfaces as <c>name driver speed</c>, sorted.</summary>
    public IReadOnlyList<string> Nics { get; init; } = [];

    /// <summary>Gets the SHA-256 (hex) of the configuration files, or an empty string when there were none.</summary>
    public string ConfigHash { get; init; } = string.Empty;

    /// <summary>
    /// Gets a short hash of the target name, CPU, CPU count, NICs and configuration hash (not the tool version, so a
    /// tool change that slows the target down is still seen as a regression).
    /// </summary>
    /// <param name="target">The target name.</param>
    /// <returns>16 hex digits.</returns>
    public string TargetFingerprint(string target)
    {
        string text = string.Join('\n', [target, Cpu, CpuCount.ToString(CultureInfo.InvariantCulture), .. Nics, ConfigHash]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>Reads the fingerprint of this machine (Linux: /proc/cpuinfo and /sys/class/net).</summary>
    /// <param name="toolVersion">The nfvc version.</param>
    /// <param name="configurationFiles">The configuration files whose content is hashed, in a stable order.</param>
    /// <returns>The fingerprint.</returns>
    public static EnvironmentFingerprint Capture(string toolVersion, IEnumerable<string>? configurationFiles = null)
    {
        return new EnvironmentFingerprint
        {
            ToolVersion = toolVersion,
            Os = RuntimeInformation.OSDescription + " " + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            Cpu = ReadCpuModel(),
            CpuCount = Environment.ProcessorCount,
            Nics = ReadNics(),
            ConfigHash = HashFiles(configurationFiles ?? []),
        };
    }

    /// <summary>Hashes files' names and contents in order; an empty list gives an empty string.</summary>
    /// <param name="files">The files.</param>
    /// <returns>SHA-256 hex, lower case.</returns>
    public static string HashFiles(IEnumerable<string> files)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        bool any = false;
        foreach (string file in files)
        {
            any = true;
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return any ? Convert.ToHexStringLower(hash.GetHashAndReset()) : string.Empty;
    }

    private static string ReadCpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (File.Exists(CpuInfo))
        {
            foreach (string line in File.ReadLines(CpuInfo))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    return line[(colon + 1)..].Trim();
                }
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }

    private static List<string> ReadNics()
    {
        const string NetRoot = "/sys/class/net";
        List<string> nics = [];
        if (!Directory.Exists(NetRoot))
        {
            return nics;
        }

        foreach (string dir in Directory.GetDirectories(NetRoot))
        {
            string name = Path.GetFileName(dir);
            if (name == "lo" || !Directory.Exists(Path.Combine(dir, "device")))
            {
                continue;
            }

            string driver = "unknown";
            string driverLink = Path.Combine(dir, "device", "driver");
            FileSystemInfo? target = Directory.Exists(driverLink) ? new DirectoryInfo(driverLink).ResolveLinkTarget(true) : null;
            if (target is not null)
            {
                driver = target.Name;
            }

            nics.Add($"{name} {driver} {ReadOrEmpty(Path.Combine(dir, "speed"))}".TrimEnd());
        }

        nics.Sort(StringComparer.Ordinal);
        return nics;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
