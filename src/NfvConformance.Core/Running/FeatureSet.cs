// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Core.Running;

/// <summary>The feature files of a run, parsed and compiled into pickles, in a stable order (file path, then line).</summary>
public sealed class FeatureSet
{
    private FeatureSet(string directory, IReadOnlyList<string> files, IReadOnlyList<Pickle> pickles, IReadOnlyDictionary<string, string> featureDescriptions)
    {
        Directory = directory;
        Files = files;
        Pickles = pickles;
        FeatureDescriptions = featureDescriptions;
    }

    /// <summary>Gets the features directory (full path).</summary>
    public string Directory { get; }

    /// <summary>Gets every feature file, full paths, sorted.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Gets every pickle of every file.</summary>
    public IReadOnlyList<Pickle> Pickles { get; }

    /// <summary>Gets each feature's description (which requirements it checks and why) by feature file.</summary>
    public IReadOnlyDictionary<string, string> FeatureDescriptions { get; }

    /// <summary>Parses every <c>*.feature</c> file under a directory and reports every parse error of every file together.</summary>
    /// <param name="directory">The features directory.</param>
    /// <returns>The feature set.</returns>
    /// <exception cref="ConfigurationException">The directory is missing, holds no feature file, or files do not parse (all errors listed as file:line:col).</exception>
    public static FeatureSet Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            ThrowHelper.ThrowConfiguration($"Features directory '{directory}' does not exist. Pass an existing folder with --features.");
        }

        string full = Path.GetFullPath(directory);
        string[] files = System.IO.Directory.GetFiles(full, "*.feature", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0)
        {
            ThrowHelper.ThrowConfiguration($"No *.feature file under '{full}'. Pass the folder that holds your feature files with --features.");
        }

        List<Pickle> pickles = [];
        List<string> errors = [];
        Dictionary<string, string> descriptions = new(StringComparer.Ordinal);
        foreach (string file in files)
        {
            try
            {
                GherkinDocument document = GherkinParser.ParseFile(file);
                pickles.AddRange(PickleCompiler.Compile(document));
                if (document.Feature is { } feature)
                {
                    descriptions[file] = feature.Description ?? string.Empty;
                }
            }
            catch (GherkinParseException ex)
            {
                foreach (GherkinError error in ex.Errors)
                {
                    errors.Add($"{error.Uri}:{error.Location.Line}:{error.Location.Column}: {error.Message}");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(
                $"{errors.Count} problem(s) in the feature files; fix them (or run 'nfvc validate {directory}'):{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", errors));
        }

        return new FeatureSet(full, files, pickles, descriptions);
    }

    /// <summary>Gives a path relative to the features directory, with forward slashes, for reports.</summary>
    /// <param name="path">A path inside (or outside) the directory.</param>
    /// <returns>The relative path, or the path itself when it is outside.</returns>
    public string Relative(string path)
    {
        string rel = Path.GetRelativePath(Directory, Path.GetFullPath(path));
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel.Replace('\\', '/');
    }
}
