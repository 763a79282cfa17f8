// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Running;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Core.Workloads;

/// <summary>
/// A CNF package as a vendor ships it for certification: a directory of Kubernetes manifests (<c>*.yaml</c>,
/// <c>*.yml</c>, searched recursively), each file holding one or more documents separated by <c>---</c>, as
/// <c>helm template</c> or <c>kustomize build</c> render them. A <c>kind: List</c> contributes its items. Documents
/// without <c>apiVersion</c> and <c>kind</c> (a chart's <c>values.yaml</c>, comments only) are not Kubernetes
/// objects and are listed in <see cref="Skipped"/>; an unrendered Helm template is an error that says to render it.
/// </summary>
public sealed class CnfPackage
{
    /// <summary>The run setting naming the package directory a scenario checks (set by <c>nfvc run --package DIR</c>).</summary>
    public const string SettingKey = "nfvc.package";

    /// <summary>The package the scenarios check when <see cref="SettingKey"/> is not set, relative to the repository.</summary>
    public const string DefaultRelativePath = "features/WorkloadPackages/packages/example-cnf";

    private CnfPackage(string directory, IReadOnlyList<KubernetesManifest> manifests, IReadOnlyList<string> skipped)
    {
        Directory = directory;
        Manifests = manifests;
        Skipped = skipped;
    }

    /// <summary>Gets the package's full directory path.</summary>
    public string Directory { get; }

    /// <summary>Gets the Kubernetes objects, in file order.</summary>
    public IReadOnlyList<KubernetesManifest> Manifests { get; }

    /// <summary>Gets the documents that are not Kubernetes objects, as <c>file:line</c>.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Resolves the package a run checks: the setting <see cref="SettingKey"/>, else the example package.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The package directory's full path.</returns>
    /// <exception cref="ConfigurationException">The directory does not exist.</exception>
    public static string DirectoryFor(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Options.Settings.TryGetValue(SettingKey, out string? chosen) && !string.IsNullOrWhiteSpace(chosen))
        {
            string full = Path.GetFullPath(chosen);
            if (!System.IO.Directory.Exists(full))
            {
                ThrowHelper.ThrowConfiguration($"{SettingKey} = '{chosen}': no such directory. Pass --package with the directory holding the CNF's rendered Kubernetes manifests.");
            }

            return full;
        }

        string? found = RepositoryPaths.FindUpwards(DefaultRelativePath);
        if (found is null)
        {
            ThrowHelper.ThrowConfiguration($"No CNF package: {SettingKey} is not set and {DefaultRelativePath} was not found above '{Environment.CurrentDirectory}'. Pass --package DIR.");
        }

        return Path.GetFullPath(found);
    }

    /// <summary>Loads every manifest of a package directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The package.</returns>
    /// <exception cref="ConfigurationException">The directory is missing, holds no manifest, or a file is not valid YAML; every problem is listed as <c>file:line</c>.</exception>
    public static CnfPackage Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            ThrowHelper.ThrowConfiguration($"{directory}: CNF package directory not found. Give the directory holding the rendered manifests (for a Helm chart: helm template NAME CHART --output-dir DIR).");
        }

        string[] files = System.IO.Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var manifests = new List<KubernetesManifest>();
        var skipped = new List<string>();
        var errors = new List<string>();
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            ReadFile(file, relative, manifests, skipped, errors);
        }

        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration($"CNF package {root} has {errors.Count} unreadable document(s):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        if (manifests.Count == 0)
        {
            ThrowHelper.ThrowConfiguration($"{root}: no Kubernetes object found in {files.Length} YAML file(s). A package is a directory of rendered manifests, each document with apiVersion and kind.");
        }

        return new CnfPackage(root, manifests, skipped);
    }

    private static void ReadFile(string file, string relative, List<KubernetesManifest> manifests, List<string> skipped, List<string> errors)
    {
        string text = File.ReadAllText(file);
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            string hint = text.Contains("{{", StringComparison.Ordinal)
                ? " It looks like an unrendered Helm template: render the chart (helm template) and check the output."
                : " Fix the syntax.";
            errors.Add($"{relative}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}{hint}");
            return;
        }

        foreach (YamlDocument document in stream.Documents)
        {
            if (FindComplexKey(document.RootNode) is { } key)
            {
                // Kubernetes objects are JSON: a key is always a string. {{ ... }} parses as a mapping used as a key.
                errors.Add($"{relative}:{key.Start.Line}:{key.Start.Column}: a mapping is used as a key; this looks like an unrendered Helm template ({{{{ ... }}}}). Render the chart (helm template) and check the output.");
                continue;
            }

            Collect(document.RootNode, relative, manifests, skipped, errors);
        }
    }

    private static YamlNode? FindComplexKey(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach ((YamlNode key, YamlNode value) in map.Children)
                {
                    if (key is not YamlScalarNode)
                    {
                        return key;
                    }

                    if (FindComplexKey(value) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case YamlSequenceNode seq:
                return seq.Select(FindComplexKey).FirstOrDefault(n => n is not null);
            default:
                return null;
        }
    }

    private static void Collect(YamlNode node, string relative, List<KubernetesManifest> manifests, List<string> skipped, List<string> errors)
    {
        int line = (int)node.Start.Line;
        if (node is not YamlMappingNode map)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return; // an empty document (a trailing ---, or comments only)
            }

            skipped.Add($"{relative}:{line}");
            return;
        }

        string? kind = YamlMaps.Scalar(map, "kind");
        string? apiVersion = YamlMaps.Scalar(map, "apiVersion");
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion))
        {
            skipped.Add($"{relative}:{line}");
            return;
        }

        if (kind.EndsWith("List", StringComparison.Ordinal) && YamlMaps.Child(map, "items") is YamlSequenceNode items)
        {
            foreach (YamlNode item in items)
            {
                Collect(item, relative, manifests, skipped, errors);
            }

            return;
        }

        string name = YamlMaps.Child(map, "metadata") is YamlMappingNode meta ? YamlMaps.Scalar(meta, "name") ?? string.Empty : string.Empty;
        manifests.Add(new KubernetesManifest(relative, line, kind, name, map));
    }
}

/// <summary>Small helpers over YAML mappings.</summary>
internal static class YamlMaps
{
    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    public static string? Scalar(YamlMappingNode map, string key) => Child(map, key) is YamlScalarNode s ? s.Value : null;
}
