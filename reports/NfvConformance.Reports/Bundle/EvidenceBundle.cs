// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Reports.Bundle;

/// <summary>The outcome of checking an evidence bundle.</summary>
/// <param name="IsIntact">True when every entry matches the manifest and nothing was added or removed.</param>
/// <param name="ManifestSha256">The SHA-256 of the manifest itself (compare it with a copy kept elsewhere), or empty when unreadable.</param>
/// <param name="EntriesChecked">How many entries were hashed.</param>
/// <param name="Problems">Every difference found, one line each.</param>
public sealed record BundleVerification(bool IsIntact, string ManifestSha256, int EntriesChecked, IReadOnlyList<string> Problems);

/// <summary>
/// The evidence bundle: one zip with the run folder (<c>run/</c>), the configuration (<c>config/</c>), the feature
/// files used (<c>features/</c>) and raw trial data (<c>raw/</c>), and <c>manifest.sha256</c> listing the SHA-256 of
/// every other entry (<c>sha256sum</c> format). Verification reports any changed, missing or added entry.
/// </summary>
public static class EvidenceBundle
{
    /// <summary>The bundle's file name in the run folder.</summary>
    public const string FileName = "evidence.zip";

    /// <summary>The manifest entry's name.</summary>
    public const string ManifestName = "manifest.sha256";

    /// <summary>Writes the bundle.</summary>
    /// <param name="bundlePath">The zip to write (replaced when it exists). It may be inside the run folder; it is not bundled itself.</param>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="options">The configuration, feature and raw data files to include.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <returns>The SHA-256 of the manifest.</returns>
    /// <exception cref="ConfigurationException">A listed input file does not exist.</exception>
    public static async Task<string> CreateAsync(string bundlePath, string runDirectory, ReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundlePath);
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(options);
        string fullBundle = Path.GetFullPath(bundlePath);
        List<(string Entry, string File)> inputs = [];
        foreach (string file in Directory.EnumerateFiles(runDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string full = Path.GetFullPath(file);
            if (!string.Equals(full, fullBundle, StringComparison.Ordinal) && !full.EndsWith(".tmp", StringComparison.Ordinal))
            {
                inputs.Add(("run/" + Relative(runDirectory, full), full));
            }
        }

        Add(inputs, "config", options.ConfigurationFiles);
        Add(inputs, "features", options.FeatureFiles);
        Add(inputs, "raw", options.RawDataFiles);

        string temp = fullBundle + ".tmp";
        StringBuilder manifest = new();
        await using (FileStream zipStream = File.Create(temp))
        {
            using ZipArchive zip = new(zipStream, ZipArchiveMode.Create);
            foreach ((string entryName, string file) in inputs)
            {
                // Streamed: raw captures can be far larger than memory; the hash is taken from the bytes as they are zipped.
                ZipArchiveEntry entry = zip.CreateEntry(entryName, CompressionLevel.Optimal);
                using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (FileStream input = File.OpenRead(file))
                await using (Stream es = await entry.OpenAsync(cancellationToken).ConfigureAwait(false))
                {
                    byte[] buffer = new byte[81920];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await es.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }

                manifest.Append(Convert.ToHexStringLower(hash.GetHashAndReset())).Append("  ").Append(entryName).Append('\n');
            }

            byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToString());
            ZipArchiveEntry m = zip.CreateEntry(ManifestName, CompressionLevel.Optimal);
            await using (Stream ms = await m.OpenAsync(cancellationToken).ConfigureAwait(false))
            {
                await ms.WriteAsync(manifestBytes, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temp, fullBundle, overwrite: true);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString())));
    }

    /// <summary>Checks a bundle against its manifest (and, when given, the manifest against an expected digest).</summary>
    /// <param name="bundlePath">The zip.</param>
    /// <param name="expectedManifestSha256">The manifest digest recorded when the bundle was made, if known.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>Intact or not, with every problem.</returns>
    public static async Task<BundleVerification> VerifyAsync(string bundlePath, string? expectedManifestSha256 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundlePath);
        if (!File.Exists(bundlePath))
        {
            return new BundleVerification(false, string.Empty, 0, [$"{bundlePath}: file not found"]);
        }

        List<string> problems = [];
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(File.OpenRead(bundlePath), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return new BundleVerification(false, string.Empty, 0, [$"{bundlePath}: not a readable zip ({ex.Message})"]);
        }

        await using (zip.ConfigureAwait(false))
        {
            ZipArchiveEntry? manifestEntry = zip.GetEntry(ManifestName);
            if (manifestEntry is null)
            {
                return new BundleVerification(false, string.Empty, 0, [$"{bundlePath}: no {ManifestName} entry; this is not an nfvc evidence bundle or the manifest was removed"]);
            }

            byte[] manifestBytes;
            try
            {
                manifestBytes = await ReadAllAsync(manifestEntry, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                return new BundleVerification(false, string.Empty, 0, [$"{ManifestName}: unreadable ({ex.Message})"]);
            }

            string manifestDigest = Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
            if (expectedManifestSha256 is not null && !string.Equals(expectedManifestSha256.Trim(), manifestDigest, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{ManifestName}: SHA-256 {manifestDigest} differs from the expected {expectedManifestSha256.Trim()}");
            }

            Dictionary<string, string> expected = new(StringComparer.Ordinal);
            string[] lines = Encoding.UTF8.GetString(manifestBytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < lines.Length; i++)
            {
                int sep = lines[i].IndexOf("  ", StringComparison.Ordinal);
                if (sep != 64 || !expected.TryAdd(lines[i][(sep + 2)..], lines[i][..sep]))
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ManifestName}:{i + 1}: malformed or duplicate line"));
                }
            }

            int checkedCount = 0;
            HashSet<string> seen = new(StringComparer.Ordinal);
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                if (entry.FullName == ManifestName)
                {
                    continue;
                }

                if (!seen.Add(entry.FullName))
                {
                    problems.Add($"{entry.FullName}: appears twice in the zip");
                    continue;
                }

                if (!expected.TryGetValue(entry.FullName, out string? hash))
                {
                    problems.Add($"{entry.FullName}: added (not in the manifest)");
                    continue;
                }

                string actual;
                try
                {
                    await using Stream es = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                    actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(es, cancellationToken).ConfigureAwait(false));
                }
                catch (InvalidDataException ex)
                {
                    problems.Add($"{entry.FullName}: unreadable ({ex.Message})");
                    continue;
                }

                checkedCount++;
                if (!string.Equals(actual, hash, StringComparison.Ordinal))
                {
                    problems.Add($"{entry.FullName}: changed (SHA-256 {actual}, manifest {hash})");
                }
            }

            foreach (string name in expected.Keys.Where(n => !seen.Contains(n)).Order(StringComparer.Ordinal))
            {
                problems.Add($"{name}: missing (listed in the manifest)");
            }

            return new BundleVerification(problems.Count == 0, manifestDigest, checkedCount, problems);
        }
    }

    private static async Task<byte[]> ReadAllAsync(ZipArchiveEntry entry, CancellationToken ct)
    {
        await using Stream s = await entry.OpenAsync(ct).ConfigureAwait(false);
        using MemoryStream ms = new();
        await s.CopyToAsync(ms, ct).ConfigureAwait(false);
        return ms.ToArray();
    }

    private static void Add(List<(string Entry, string File)> inputs, string prefix, IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            return;
        }

        foreach (string f in files)
        {
            if (!File.Exists(f))
            {
                throw new ConfigurationException($"{f}: listed for the evidence bundle ({prefix}/) but not found; check the path.");
            }
        }

        string root = CommonDirectory(files.Select(Path.GetFullPath).ToList());
        foreach (string f in files)
        {
            inputs.Add((prefix + "/" + Relative(root, Path.GetFullPath(f)), Path.GetFullPath(f)));
        }
    }

    private static string CommonDirectory(List<string> files)
    {
        string common = Path.GetDirectoryName(files[0])!;
        foreach (string f in files.Skip(1))
        {
            while (!f.StartsWith(common.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                common = Path.GetDirectoryName(common) ?? "/";
                if (common == "/")
                {
                    return common;
                }
            }
        }

        return common;
    }

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');
}
