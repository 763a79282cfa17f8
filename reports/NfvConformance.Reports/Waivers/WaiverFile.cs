// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Reports.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Reports.Waivers;

/// <summary>
/// Reads a waivers YAML file and applies it to a run. The file is a list (or a <c>waivers:</c> key holding a list)
/// of mappings with <c>uid</c>, <c>reason</c>, <c>approver</c> and <c>expires</c> (YYYY-MM-DD, inclusive).
/// </summary>
public static class WaiverFile
{
    /// <summary>Loads every waiver; all problems of the file are reported together.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The waivers in file order.</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed; the message names file:line and the fix.</exception>
    public static IReadOnlyList<Waiver> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"{path}: waivers file not found; pass an existing YAML file or leave the waivers option out.");
        }

        using StreamReader reader = File.OpenText(path);
        return Parse(reader, path);
    }

    /// <summary>Parses waivers from text.</summary>
    /// <param name="reader">The YAML text.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The waivers in file order.</returns>
    /// <exception cref="ConfigurationException">The text is malformed; the message names file:line and the fix.</exception>
    public static IReadOnlyList<Waiver> Parse(TextReader reader, string fileName)
    {
        YamlStream yaml = [];
        try
        {
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException($"{fileName}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML ({ex.Message}); fix the syntax of the waivers file.", ex);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        YamlNode root = yaml.Documents[0].RootNode;
        if (root is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("waivers"), out YamlNode? inner))
        {
            root = inner;
        }

        if (root is not YamlSequenceNode list)
        {
            throw new ConfigurationException($"{fileName}:{root.Start.Line}: expected a list of waivers (or 'waivers:' followed by a list), each with uid, reason, approver and expires.");
        }

        List<string> problems = [];
        List<Waiver> waivers = [];
        foreach (YamlNode item in list)
        {
            string where = $"{fileName}:{item.Start.Line}";
            if (item is not YamlMappingNode entry)
            {
                problems.Add($"{where}: a waiver must be a mapping with uid, reason, approver and expires.");
                continue;
            }

            string? uid = Field(entry, "uid", where, problems);
            string? reason = Field(entry, "reason", where, problems);
            string? approver = Field(entry, "approver", where, problems);
            string? expiresText = Field(entry, "expires", where, problems);
            foreach (KeyValuePair<YamlNode, YamlNode> kv in entry.Children)
            {
                string key = (kv.Key as YamlScalarNode)?.Value ?? string.Empty;
                if (key is not ("uid" or "reason" or "approver" or "expires"))
                {
                    problems.Add($"{fileName}:{kv.Key.Start.Line}: unknown key '{key}'; a waiver has uid, reason, approver and expires.");
                }
            }

            if (expiresText is null || uid is null || reason is null || approver is null)
            {
                continue;
            }

            if (!DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly expires))
            {
                problems.Add($"{where}: expires '{expiresText}' is not a date; write it as YYYY-MM-DD.");
                continue;
            }

            waivers.Add(new Waiver(uid, reason, approver, expires, where));
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, problems));
        }

        return waivers;
    }

    /// <summary>
    /// Marks each failed scenario whose requirements are all covered by a waiver active at the run's start.
    /// A scenario without requirement uids is never waived.
    /// </summary>
    /// <param name="summary">The run.</param>
    /// <param name="waivers">The waivers.</param>
    /// <returns>The run with <see cref="ScenarioSummary.Waiver"/> set where one applies, and the waivers listed.</returns>
    public static RunSummary Apply(RunSummary summary, IReadOnlyList<Waiver> waivers)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(waivers);
        Dictionary<string, Waiver> active = new(StringComparer.Ordinal);
        foreach (Waiver w in waivers)
        {
            if (w.IsActiveAt(summary.Run.Started))
            {
                active.TryAdd(w.Uid, w);
            }
        }

        List<ScenarioSummary> scenarios = new(summary.Scenarios.Count);
        foreach (ScenarioSummary s in summary.Scenarios)
        {
            Waiver? waiver = null;
            if (s.Status == ScenarioStatus.Failed && s.Requirements.Count > 0 && s.Requirements.All(active.ContainsKey))
            {
                waiver = active[s.Requirements[0]];
            }

            scenarios.Add(s with { Waiver = waiver });
        }

        return summary with { Scenarios = scenarios, Waivers = waivers };
    }

    private static string? Field(YamlMappingNode entry, string key, string where, List<string> problems)
    {
        if (entry.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) && node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value.Trim();
        }

        problems.Add($"{where}: waiver has no '{key}'; add '{key}:' with a value.");
        return null;
    }
}
