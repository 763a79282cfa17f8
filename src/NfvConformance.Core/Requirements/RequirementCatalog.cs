// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Core.Requirements;

/// <summary>
/// The requirement catalogue the scenario tags point into (<c>features/requirements/catalog.yaml</c>, built from the
/// Anuket RM, RA1, RA2 and RC1/RC2). Immutable once loaded.
/// </summary>
public sealed class RequirementCatalog
{
    /// <summary>The catalogue's path relative to the repository root.</summary>
    public const string DefaultRelativePath = "features/requirements/catalog.yaml";

    private static readonly string[] s_inScopeTopics =
    [
        "networking", "acceleration", "sfc", "capability-exposure", "load-balancing", "sriov", "dpdk", "smartnic",
        "crypto", "multicloud", "edge", "placement",
    ];

    private readonly Dictionary<string, Requirement> _byUid;

    private RequirementCatalog(string path, IReadOnlyList<Requirement> entries, IReadOnlyList<CapabilityDefinition> capabilities)
    {
        Path = path;
        Entries = entries;
        Capabilities = capabilities;
        _byUid = new Dictionary<string, Requirement>(StringComparer.Ordinal);
        foreach (Requirement entry in entries)
        {
            _byUid[entry.Uid] = entry;
        }
    }

    /// <summary>Gets the file the catalogue was read from.</summary>
    public string Path { get; }

    /// <summary>Gets every entry in file order.</summary>
    public IReadOnlyList<Requirement> Entries { get; }

    /// <summary>Gets the exposed and internal capabilities with their per-profile values.</summary>
    public IReadOnlyList<CapabilityDefinition> Capabilities { get; }

    /// <summary>Finds an entry by uid.</summary>
    /// <param name="uid">The uid, for example <c>RM:e.cap.013</c>.</param>
    /// <param name="requirement">The entry.</param>
    /// <returns>True when the catalogue has it.</returns>
    public bool TryGet(string uid, out Requirement requirement) => _byUid.TryGetValue(uid, out requirement!);

    /// <summary>
    /// Tells whether an entry is in the conformance scope: not a gap, not legacy-only, and about networking,
    /// acceleration, SFC, capability exposure, load balancing, SR-IOV, DPDK, SmartNIC, crypto, multi-cloud, edge or placement.
    /// </summary>
    /// <param name="requirement">The entry.</param>
    /// <returns>True when in scope.</returns>
    public static bool IsInScope(Requirement requirement) =>
        !requirement.IsGap && !requirement.IsLegacyOnly && requirement.Topics.Any(t => s_inScopeTopics.Contains(t, StringComparer.Ordinal));

    /// <summary>Loads the catalogue from the repository the process runs in (walks up from the working directory and from the tool's directory).</summary>
    /// <returns>The catalogue.</returns>
    /// <exception cref="ConfigurationException">No catalogue found, or it is malformed.</exception>
    public static RequirementCatalog LoadDefault()
    {
        string? path = RepositoryPaths.FindUpwards(DefaultRelativePath);
        if (path is null)
        {
            ThrowHelper.ThrowConfiguration(
                $"No requirement catalogue found: looked for {DefaultRelativePath} above '{Environment.CurrentDirectory}' and above '{AppContext.BaseDirectory}'. " +
                "Run nfvc from the repository, or pass --catalog FILE.");
        }

        return Load(path);
    }

    /// <summary>Loads a catalogue file.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed; the message names the file, line and field.</exception>
    public static RequirementCatalog Load(string path)
    {
        if (!File.Exists(path))
        {
            ThrowHelper.ThrowConfiguration($"{path}: requirement catalogue not found. Check the path given with --catalog.");
        }

        YamlStream yaml = [];
        try
        {
            using StreamReader reader = File.OpenText(path);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException($"{path}:{ex.Start.Line}:{ex.Start.Column}: malformed YAML: {ex.Message}. Fix the catalogue file.", ex);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"{path}:1: the catalogue must be a YAML mapping with an 'entries' list.");
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("entries"), out YamlNode? entriesNode) || entriesNode is not YamlSequenceNode entries)
        {
            throw new ConfigurationException($"{path}:1: the catalogue has no 'entries' list.");
        }

        List<string> problems = [];
        List<Requirement> requirements = [];
        List<CapabilityDefinition> capabilities = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (YamlNode node in entries.Children)
        {
            string where = $"{path}:{node.Start.Line}";
            if (node is not YamlMappingNode entry)
            {
                problems.Add($"{where}: an entry must be a mapping with uid, id, kind and title.");
                continue;
            }

            string? uid = Scalar(entry, "uid");
            string? id = Scalar(entry, "id");
            string? kind = Scalar(entry, "kind");
            string? title = Scalar(entry, "title");
            if (uid is null || id is null || kind is null || title is null)
            {
                problems.Add($"{where}: entry is missing {string.Join(", ", new[] { ("uid", uid), ("id", id), ("kind", kind), ("title", title) }.Where(p => p.Item2 is null).Select(p => p.Item1))}.");
                continue;
            }

            if (!seen.Add(uid))
            {
                problems.Add($"{where}: field 'uid': '{uid}' appears twice; uids must be unique.");
                continue;
            }

            IReadOnlyList<string> topics = Sequence(entry, "topics");
            requirements.Add(new Requirement(uid, id, kind, title, Scalar(entry, "strength"), Scalar(entry, "category"), topics, Scalar(entry, "status"), where));
            if (kind is "exposed-capability" or "internal-capability")
            {
                Dictionary<string, string> values = new(StringComparer.Ordinal);
                if (entry.Children.TryGetValue(new YamlScalarNode("profile_values"), out YamlNode? pv) && pv is YamlMappingNode pvMap)
                {
                    foreach (KeyValuePair<YamlNode, YamlNode> kv in pvMap.Children)
                    {
                        if (kv.Key is YamlScalarNode k && kv.Value is YamlScalarNode v && k.Value is not null)
                        {
                            values[k.Value] = v.Value ?? string.Empty;
                        }
                    }
                }

                capabilities.Add(new CapabilityDefinition(uid, kind, title, Scalar(entry, "unit"), values, topics, where));
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException($"The requirement catalogue has {problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        return new RequirementCatalog(System.IO.Path.GetFullPath(path), requirements, capabilities);
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static IReadOnlyList<string> Sequence(YamlMappingNode map, string key)
    {
        if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) || node is not YamlSequenceNode seq)
        {
            return [];
        }

        List<string> items = new(seq.Children.Count);
        foreach (YamlNode item in seq.Children)
        {
            if (item is YamlScalarNode s && s.Value is not null)
            {
                items.Add(s.Value);
            }
        }

        return items;
    }
}
