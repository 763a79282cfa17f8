// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Core.Running;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Core.Targets;

/// <summary>One figure a scenario compares a measurement with, and where its default comes from.</summary>
/// <param name="Key">The figure's key, for example <c>lifecycle.heal_vm_max_s</c>.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Origin">Where the default comes from (specification, tool default or engineering choice).</param>
/// <param name="Location">The file and line it was read from.</param>
public sealed record TargetFigure(string Key, double Value, string Unit, string Origin, string Location);

/// <summary>
/// The per-profile figures of <c>features/targets/&lt;profile&gt;.yaml</c> (or the file the user passed with
/// <c>--targets</c>, seen as the setting <c>nfvc.targets</c>). Format:
/// <code>
/// profile: basic
/// figures:
///   lifecycle.heal_vm_max_s: {value: 30, unit: s, origin: "why this number"}
/// </code>
/// Every problem is reported at once as <c>file:line: what is wrong</c>.
/// </summary>
public sealed class TargetFigures
{
    /// <summary>The setting that names a targets file chosen by the user.</summary>
    public const string SettingKey = "nfvc.targets";

    private static readonly ConcurrentDictionary<string, TargetFigures> s_cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetFigure> _figures;

    private TargetFigures(string path, string profile, Dictionary<string, TargetFigure> figures)
    {
        Path = path;
        Profile = profile;
        _figures = figures;
    }

    /// <summary>Gets the file the figures were read from.</summary>
    public string Path { get; }

    /// <summary>Gets the profile the file declares.</summary>
    public string Profile { get; }

    /// <summary>Gets every figure, by key.</summary>
    public IReadOnlyDictionary<string, TargetFigure> Figures => _figures;

    /// <summary>Returns a figure.</summary>
    /// <param name="key">The figure's key.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ConfigurationException">The file has no such figure; the message names the file and the known keys.</exception>
    public TargetFigure Get(string key)
    {
        // A feature file written before its area was renamed still names the figure by the old prefix.
        if (!_figures.TryGetValue(AreaNames.CurrentFigureKey(key), out TargetFigure? figure))
        {
            ThrowHelper.ThrowConfiguration($"{Path}: no target figure '{key}'. Add it under 'figures:' (known: {string.Join(", ", _figures.Keys.Order(StringComparer.Ordinal))}).");
        }

        return figure;
    }

    /// <summary>Returns the figures for a run: the file of setting <see cref="SettingKey"/> when set, else <c>features/targets/&lt;profile&gt;.yaml</c>.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The figures (loaded once per file).</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed.</exception>
    public static TargetFigures For(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Options.Settings.TryGetValue(SettingKey, out string? chosen) && !string.IsNullOrWhiteSpace(chosen))
        {
            return s_cache.GetOrAdd(System.IO.Path.GetFullPath(chosen), Load);
        }

        string relative = System.IO.Path.Combine("features", "targets", run.Target.Profile + ".yaml");
        string? path = RepositoryPaths.FindUpwards(relative);
        if (path is null)
        {
            ThrowHelper.ThrowConfiguration($"No target figures for profile '{run.Target.Profile}': looked for {relative} above '{Environment.CurrentDirectory}'. Add the file or pass --targets FILE.");
        }

        return s_cache.GetOrAdd(System.IO.Path.GetFullPath(path), Load);
    }

    /// <summary>Reads a targets file.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="ConfigurationException">The file is missing or malformed; every problem is listed as <c>file:line: ...</c>.</exception>
    public static TargetFigures Load(string path)
    {
        if (!File.Exists(path))
        {
            ThrowHelper.ThrowConfiguration($"{path}: targets file not found. Pass an existing file with --targets, or add features/targets/<profile>.yaml.");
        }

        YamlStream yaml = [];
        try
        {
            using StreamReader reader = File.OpenText(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            ThrowHelper.ThrowConfiguration($"{path}:{e.Start.Line}: not valid YAML: {e.Message} Fix the syntax.");
        }

        List<string> problems = [];
        Dictionary<string, TargetFigure> figures = new(StringComparer.Ordinal);
        string profile = string.Empty;
        YamlMappingNode? root = yaml.Documents.Count == 0 ? null : yaml.Documents[0].RootNode as YamlMappingNode;
        if (root is null)
        {
            ThrowHelper.ThrowConfiguration($"{path}:1: expected a mapping with 'profile:' and 'figures:'.");
        }

        foreach ((YamlNode keyNode, YamlNode valueNode) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            switch (key)
            {
                case "profile":
                    profile = (valueNode as YamlScalarNode)?.Value ?? string.Empty;
                    break;
                case "figures" when valueNode is YamlMappingNode map:
                    ReadFigures(path, map, figures, problems);
                    break;
                case "figures":
                    problems.Add($"{path}:{valueNode.Start.Line}: 'figures' must be a mapping of key -> {{value, unit, origin}}.");
                    break;
                default:
                    problems.Add($"{path}:{keyNode.Start.Line}: unknown field '{key}'; expected 'profile' or 'figures'.");
                    break;
            }
        }

        if (profile.Length == 0)
        {
            problems.Add($"{path}:1: field 'profile' is missing; name the profile these figures are for.");
        }

        if (problems.Count > 0)
        {
            ThrowHelper.ThrowConfiguration($"{problems.Count} problem(s) in targets file:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        return new TargetFigures(path, profile, figures);
    }

    private static void ReadFigures(string path, YamlMappingNode map, Dictionary<string, TargetFigure> figures, List<string> problems)
    {
        foreach ((YamlNode keyNode, YamlNode valueNode) in map.Children)
        {
            // A targets file written before an area was renamed keeps working: its figures are read under the current name.
            string key = AreaNames.CurrentFigureKey(((YamlScalarNode)keyNode).Value ?? string.Empty);
            long line = keyNode.Start.Line;
            if (valueNode is not YamlMappingNode fields)
            {
                problems.Add($"{path}:{line}: figure '{key}' must be a mapping {{value, unit, origin}}.");
                continue;
            }

            double? value = null;
            string unit = string.Empty;
            string origin = string.Empty;
            foreach ((YamlNode f, YamlNode v) in fields.Children)
            {
                string name = ((YamlScalarNode)f).Value ?? string.Empty;
                string text = (v as YamlScalarNode)?.Value ?? string.Empty;
                switch (name)
                {
                    case "value" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d):
                        value = d;
                        break;
                    case "value":
                        problems.Add($"{path}:{v.Start.Line}: figure '{key}': value '{text}' is not a number; write a plain number such as 30 or 0.5.");
                        break;
                    case "unit":
                        unit = text;
                        break;
                    case "origin":
                        origin = text;
                        break;
                    default:
                        problems.Add($"{path}:{f.Start.Line}: figure '{key}': unknown field '{name}'; expected value, unit or origin.");
                        break;
                }
            }

            if (value is null && !problems.Exists(p => p.Contains($"figure '{key}': value", StringComparison.Ordinal)))
            {
                problems.Add($"{path}:{line}: figure '{key}' has no 'value'.");
            }

            if (origin.Length == 0)
            {
                problems.Add($"{path}:{line}: figure '{key}' has no 'origin'; say where the default comes from.");
            }

            if (!figures.TryAdd(key, new TargetFigure(key, value ?? double.NaN, unit, origin, $"{path}:{line}")))
            {
                problems.Add($"{path}:{line}: figure '{key}' is defined twice; keep one.");
            }
        }
    }
}
