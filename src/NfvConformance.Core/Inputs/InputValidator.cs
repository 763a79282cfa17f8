// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Targets;
using NfvConformance.Core.Workloads;

namespace NfvConformance.Core.Inputs;

/// <summary>One input file (or folder) of a run, and how to read it.</summary>
/// <param name="Kind">What it is, as the user names it (<c>targets</c>, <c>waivers</c>, <c>catalogue</c>, ...).</param>
/// <param name="Path">The file or folder.</param>
/// <param name="Read">Reads it fully; throws <see cref="ConfigurationException"/> listing every problem as <c>file:line: what to fix</c>.</param>
public sealed record InputFile(string Kind, string Path, Action<string> Read)
{
    /// <summary>The requirement catalogue.</summary>
    /// <param name="path">The catalogue file, or null for the built-in one.</param>
    /// <returns>The input.</returns>
    public static InputFile Catalogue(string? path) =>
        new("catalogue", path ?? "features/requirements/catalog.yaml", p => _ = path is null ? RequirementCatalog.LoadDefault() : RequirementCatalog.Load(p));

    /// <summary>The target figures the scenarios compare against.</summary>
    /// <param name="path">The targets file (--targets, or features/targets/&lt;profile&gt;.yaml).</param>
    /// <returns>The input.</returns>
    public static InputFile Targets(string path) => new("targets", path, p => _ = TargetFigures.Load(p));

    /// <summary>The CNF package the workload-package scenarios check.</summary>
    /// <param name="directory">The package folder.</param>
    /// <returns>The input.</returns>
    public static InputFile Package(string directory) => new("package", directory, p => _ = CnfPackage.Load(p));
}

/// <summary>One problem of an input file.</summary>
/// <param name="Kind">Which input (<c>targets</c>, <c>waivers</c>, ...).</param>
/// <param name="Message">Where (<c>file:line</c>) and what to fix.</param>
public sealed record InputProblem(string Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}

/// <summary>
/// Reads every input file of a run before the first scenario runs and reports every problem of every file at once,
/// each with <c>file:line</c> and what to fix. A tester's typo then stops the run with exit 2, instead of failing
/// scenarios as if the infrastructure were at fault.
/// </summary>
public static class InputValidator
{
    /// <summary>Reads every input and collects every problem.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targetProblems">What the target's own validation found (an inventory file, its settings).</param>
    /// <returns>Every problem; empty when all inputs are usable.</returns>
    public static IReadOnlyList<InputProblem> Validate(IEnumerable<InputFile> inputs, IEnumerable<ValidationError>? targetProblems = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        List<InputProblem> problems = [];
        foreach (InputFile input in inputs)
        {
            if (!File.Exists(input.Path) && !Directory.Exists(input.Path) && input.Kind != "catalogue")
            {
                problems.Add(new InputProblem(input.Kind, $"{input.Path}: not found; pass an existing {(input.Kind == "package" ? "folder" : "file")}."));
                continue;
            }

            try
            {
                input.Read(input.Path);
            }
            catch (ConfigurationException e)
            {
                problems.AddRange(Lines(e.Message).Select(line => new InputProblem(input.Kind, line)));
            }
        }

        foreach (ValidationError error in targetProblems ?? [])
        {
            if (error.IsCritical)
            {
                problems.Add(new InputProblem("target", error.ToString()));
            }
        }

        return problems;
    }

    /// <summary>Validates and throws one exception listing every problem (exit 2).</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="targetProblems">What the target's own validation found.</param>
    /// <exception cref="ConfigurationException">Any input has a problem; the message lists all of them.</exception>
    public static void ThrowIfInvalid(IEnumerable<InputFile> inputs, IEnumerable<ValidationError>? targetProblems = null)
    {
        IReadOnlyList<InputProblem> problems = Validate(inputs, targetProblems);
        if (problems.Count > 0)
        {
            ThrowHelper.ThrowConfiguration(
                $"{problems.Count} problem(s) in the run's input files; nothing was run. Fix them and run again:{Environment.NewLine}"
                + string.Join(Environment.NewLine, problems.Select(p => $"  {p}")));
        }
    }

    // A reader's exception lists its problems one a line, sometimes under a heading ("3 problem(s) in targets file:").
    private static IEnumerable<string> Lines(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 && lines[0].EndsWith(':') ? lines[1..] : lines;
    }
}
