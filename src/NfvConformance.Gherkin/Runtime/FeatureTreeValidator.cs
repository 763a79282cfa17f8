// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime.Internal;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>Checks a compiled scenario for problems of its own (for example, requirement uids that do not exist).</summary>
public interface IPickleValidator
{
    /// <summary>Checks one scenario.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>Every problem found; empty when there is none. Subjects should be <c>file:line</c>.</returns>
    IEnumerable<ValidationError> Validate(Pickle pickle);
}

/// <summary>What <see cref="FeatureTreeValidator.Validate"/> found.</summary>
public sealed class FeatureTreeValidation
{
    internal FeatureTreeValidation(IReadOnlyList<string> files, IReadOnlyList<Pickle> pickles, IReadOnlyList<ValidationError> errors)
    {
        Files = files;
        Pickles = pickles;
        Errors = errors;
    }

    /// <summary>Gets the feature files found, in the order read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Gets the scenarios compiled from the files that parsed.</summary>
    public IReadOnlyList<Pickle> Pickles { get; }

    /// <summary>Gets every problem: binding errors, parse errors, undefined, ambiguous and mismatched steps, and those of the pickle validators.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Gets a value indicating whether nothing is wrong.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Parses every <c>.feature</c> file under some paths, binds every step against a <see cref="BindingRegistry"/>
/// and lists every problem at once, each with its <c>file:line</c> (<c>file:line:col</c> for parse errors).
/// </summary>
public sealed class FeatureTreeValidator
{
    private readonly BindingRegistry _registry;
    private readonly IReadOnlyList<IPickleValidator> _validators;

    /// <summary>Creates a validator.</summary>
    /// <param name="registry">The bindings the steps must match.</param>
    /// <param name="pickleValidators">Further checks run on each scenario, or null.</param>
    public FeatureTreeValidator(BindingRegistry registry, IEnumerable<IPickleValidator>? pickleValidators = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _validators = pickleValidators?.ToArray() ?? [];
    }

    /// <summary>Validates feature files and directories (searched recursively for <c>*.feature</c>).</summary>
    /// <param name="paths">Files or directories.</param>
    /// <returns>The files, the scenarios and every problem.</returns>
    public FeatureTreeValidation Validate(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        List<ValidationError> errors = [];
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (BindingError error in _registry.Errors)
        {
            errors.Add(new ValidationError(true, "binding error: " + error.Method + ": " + error.Message, error.Location ?? error.Method));
        }

        List<string> files = [];
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path, "*.feature", SearchOption.AllDirectories);
                Array.Sort(found, StringComparer.Ordinal);
                if (found.Length == 0)
                {
                    errors.Add(new ValidationError(true, "no .feature files in this directory; pass a directory or files that hold some.", path));
                }

                files.AddRange(found);
            }
            else
            {
                errors.Add(new ValidationError(true, "no such file or directory; pass feature files or directories that exist.", path));
            }
        }

        List<Pickle> pickles = [];
        foreach (string file in files.Distinct(StringComparer.Ordinal))
        {
            IReadOnlyList<Pickle> compiled;
            try
            {
                compiled = PickleCompiler.Compile(GherkinParser.ParseFile(file));
            }
            catch (GherkinParseException ex)
            {
                foreach (GherkinError error in ex.Errors.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column))
                {
                    string text = error.ToString();
                    string subject = $"{error.Uri}:{error.Location.Line.ToString(CultureInfo.InvariantCulture)}:{error.Location.Column.ToString(CultureInfo.InvariantCulture)}";
                    errors.Add(new ValidationError(true, "parse error: " + (text.StartsWith(subject + ": ", StringComparison.Ordinal) ? text[(subject.Length + 2)..] : text), subject));
                }

                continue;
            }
            catch (ConfigurationException ex)
            {
                errors.Add(new ValidationError(true, ex.Message, file));
                continue;
            }

            foreach (Pickle pickle in compiled)
            {
                pickles.Add(pickle);
                foreach (ValidationError error in ValidateSteps(pickle).Concat(_validators.SelectMany(v => v.Validate(pickle))))
                {
                    if (seen.Add(error.Subject + "\n" + error.Message))
                    {
                        errors.Add(error);
                    }
                }
            }
        }

        return new FeatureTreeValidation(files, pickles, errors);
    }

    /// <summary>Checks that every step of a scenario matches exactly one binding that can take its argument.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>Every problem with the scenario's steps.</returns>
    public IEnumerable<ValidationError> ValidateSteps(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        foreach (PickleStep step in pickle.Steps)
        {
            string subject = $"{pickle.Uri}:{step.Location.Line.ToString(CultureInfo.InvariantCulture)}";
            string name = $"'{step.Keyword}{step.Text}'";
            List<StepBinding> otherKinds = [];
            List<StepMatch> matches = _registry.Matcher.Match(step.Type, step.Text, otherKinds);
            if (matches.Count == 0)
            {
                List<StepMatch> broken = _registry.BrokenMatcher.Match(step.Type, step.Text);
                if (broken.Count > 0)
                {
                    yield return new ValidationError(true, $"step {name} matches {broken[0].Binding.Describe()}, which has a binding error: {_registry.BrokenReason(broken[0].Binding)}", subject);
                    continue;
                }

                string hint = otherKinds.Count == 0 ? string.Empty : $" (a binding for another step kind matches: {string.Join("; ", otherKinds.Select(b => b.Describe()))})";
                yield return new ValidationError(true, $"undefined step {name}{hint}; add a binding:{Environment.NewLine}{SnippetGenerator.Generate(step)}", subject);
            }
            else if (matches.Count > 1)
            {
                yield return new ValidationError(true, $"ambiguous step {name} matches {matches.Count} bindings: {string.Join("; ", matches.Select(m => m.Binding.Describe()))}", subject);
            }
            else if (ArgumentProblem(matches[0].Binding, step) is { } problem)
            {
                yield return new ValidationError(true, $"step {name}: {problem}", subject);
            }
        }
    }

    private static string? ArgumentProblem(StepBinding binding, PickleStep step)
    {
        PickleStepArgument? argument = step.Argument;
        if (binding.TakesArgument && argument is null)
        {
            return $"{binding.Describe()} takes a data table or doc string as its last parameter, but the step has neither.";
        }

        if (!binding.TakesArgument && argument is not null)
        {
            return $"the step has {(argument.DataTable is not null ? "a data table" : "a doc string")} but {binding.Describe()} has no parameter for it.";
        }

        if (binding.TakesArgument && argument!.DataTable is not null && binding.ArgumentParameter.ParameterType == typeof(PickleDocString))
        {
            return $"the step has a data table but {binding.Describe()} expects a doc string.";
        }

        if (binding.TakesArgument && argument!.DataTable is null && binding.ArgumentParameter.ParameterType == typeof(Bindings.DataTable))
        {
            return $"the step has a doc string but {binding.Describe()} expects a data table.";
        }

        return null;
    }
}
