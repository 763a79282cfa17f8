// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Reflection;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Running.Internal;
using NfvConformance.Gherkin.Parsing;
using NfvConformance.Gherkin.Pickles;
using Reqnroll;
using Reqnroll.Bindings;
using Reqnroll.BindingSkeletons;
using Reqnroll.BoDi;
using Reqnroll.Infrastructure;

namespace NfvConformance.Core.Running;

/// <summary>A check of one scenario that <see cref="FeatureTreeValidator"/> runs besides binding its steps.</summary>
public interface IPickleValidator
{
    /// <summary>Returns the scenario's problems.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>Its problems; empty when there are none.</returns>
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

    /// <summary>Gets the feature files looked at.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Gets the scenarios of the files that parsed.</summary>
    public IReadOnlyList<Pickle> Pickles { get; }

    /// <summary>Gets every problem, in file order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Gets a value indicating whether there is no problem.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// <c>nfvc validate</c>: parses a tree of feature files (the project's parser, which also reads Markdown
/// features) and binds every step with Reqnroll's own binding registry and step matcher, without running anything.
/// Lists parse errors (<c>file:line:col</c>), Reqnroll binding errors, undefined steps (with Reqnroll's snippet),
/// ambiguous steps, steps whose arguments (count, types, data table or doc string) no binding takes, and what the
/// extra <see cref="IPickleValidator"/>s find.
/// </summary>
public sealed class FeatureTreeValidator : IDisposable
{
    private static readonly CultureInfo s_language = CultureInfo.GetCultureInfo("en-US");
    private readonly IReadOnlyList<IPickleValidator> _validators;
    private readonly IBindingRegistry _registry;
    private readonly IObjectContainer _global;
    private readonly IStepDefinitionMatchService _matcher;
    private readonly IStepDefinitionSkeletonProvider _skeletons;
    private readonly IReadOnlyList<string> _bindingErrors;

    /// <summary>Creates a validator for the bindings of the given assemblies.</summary>
    /// <param name="bindingAssemblies">Assemblies with Reqnroll <c>[Binding]</c> classes.</param>
    /// <param name="pickleValidators">More checks per scenario, or null.</param>
    public FeatureTreeValidator(IReadOnlyList<Assembly> bindingAssemblies, IEnumerable<IPickleValidator>? pickleValidators = null)
    {
        ArgumentNullException.ThrowIfNull(bindingAssemblies);
        _validators = pickleValidators?.ToArray() ?? [];
        _bindingErrors = ReqnrollSuite.BindingErrors(bindingAssemblies);
        _registry = ReqnrollSuite.BuildRegistry(bindingAssemblies, out _global);
        IObjectContainer thread = _global.Resolve<IContainerBuilder>().CreateTestThreadContainer(_global);
        _matcher = thread.Resolve<IStepDefinitionMatchService>();
        _skeletons = _global.Resolve<IStepDefinitionSkeletonProvider>();
    }

    /// <summary>Gets how many step definitions the bindings hold.</summary>
    public int StepDefinitionCount => _registry.GetStepDefinitions().Count();

    /// <summary>Gets Reqnroll's binding errors.</summary>
    public IReadOnlyList<string> BindingErrors => _bindingErrors;

    /// <summary>Validates feature files and directories (searched recursively for <c>*.feature</c>).</summary>
    /// <param name="paths">Files or directories.</param>
    /// <returns>What was found.</returns>
    public FeatureTreeValidation Validate(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        List<ValidationError> errors = [.. _bindingErrors.Select(e => new ValidationError(true, e, "bindings"))];
        HashSet<string> seen = new(StringComparer.Ordinal);
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

    /// <summary>Binds each step of a scenario with Reqnroll's matcher.</summary>
    /// <param name="pickle">The scenario.</param>
    /// <returns>The steps' problems.</returns>
    public IEnumerable<ValidationError> ValidateSteps(Pickle pickle)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        string[] tags = [.. pickle.Tags.Select(t => t.Name.TrimStart('@'))];
        StepContext context = new(pickle.FeatureName, pickle.Name, tags, s_language);
        foreach (PickleStep step in pickle.Steps)
        {
            string subject = $"{pickle.Uri}:{step.Location.Line.ToString(CultureInfo.InvariantCulture)}";
            string name = $"'{step.Keyword}{step.Text}'";
            StepInstance instance = Instance(step, context);
            BindingMatch match = _matcher.GetBestMatch(instance, s_language, out StepDefinitionAmbiguityReason reason, out List<BindingMatch> candidates);
            if (match.Success)
            {
                if (ArgumentProblem(match, step) is { } problem)
                {
                    yield return new ValidationError(true, $"step {name}: {problem}", subject);
                }

                continue;
            }

            string bindings = string.Join("; ", candidates.Select(c => ReqnrollSuite.Describe(c.StepBinding.Method)));
            if (candidates.Count > 0 && reason == StepDefinitionAmbiguityReason.AmbiguousSteps)
            {
                yield return new ValidationError(true, $"ambiguous step {name} matches {candidates.Count} bindings: {bindings}", subject);
            }
            else if (candidates.Count > 0)
            {
                string argument = step.Argument?.DataTable is not null ? " and its data table" : step.Argument?.DocString is not null ? " and its doc string" : string.Empty;
                yield return new ValidationError(true, $"step {name}{argument} match(es) {bindings} by text, but the parameters (count or types, a data table or doc string as the last one) do not fit.", subject);
            }
            else
            {
                string snippet = _skeletons.GetStepDefinitionSkeleton(ProgrammingLanguage.CSharp, instance, StepDefinitionSkeletonStyle.CucumberExpressionAttribute, CultureInfo.InvariantCulture).Trim();
                yield return new ValidationError(true, $"undefined step {name}; add a binding:{Environment.NewLine}{snippet}", subject);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _global.Dispose();

    // Reqnroll matches on the text; what the method takes is checked when the step runs. Found here instead.
    private static string? ArgumentProblem(BindingMatch match, PickleStep step)
    {
        string binding = ReqnrollSuite.Describe(match.StepBinding.Method);
        Type?[] parameters = [.. match.StepBinding.Method.Parameters.Select(p => (p.Type as Reqnroll.Bindings.Reflection.RuntimeBindingType)?.Type)];
        bool hasTable = step.Argument?.DataTable is not null;
        bool hasDocString = step.Argument?.DocString is not null;
        if (parameters.Length != match.Arguments.Length)
        {
            string argument = hasTable ? "a data table" : hasDocString ? "a doc string" : "no data table or doc string";
            return $"{binding} takes {parameters.Length} parameter(s), but the step gives {match.Arguments.Length} (its text's parameters and {argument}).";
        }

        Type? last = parameters.Length > 0 ? parameters[^1] : null;
        if (hasDocString && last is not null && typeof(Table).IsAssignableFrom(last))
        {
            return $"the step has a doc string but {binding} expects a data table.";
        }

        return hasTable && last == typeof(string) ? $"the step has a data table but {binding} expects a doc string." : null;
    }

    private static StepInstance Instance(PickleStep step, StepContext context)
    {
        (StepDefinitionType type, StepDefinitionKeyword keyword) = step.Type switch
        {
            PickleStepType.Action => (StepDefinitionType.When, StepDefinitionKeyword.When),
            PickleStepType.Outcome => (StepDefinitionType.Then, StepDefinitionKeyword.Then),
            _ => (StepDefinitionType.Given, StepDefinitionKeyword.Given),
        };
        Table? table = null;
        if (step.Argument?.DataTable is { Count: > 0 } rows)
        {
            table = new Table([.. rows[0].Cells.Select(c => c.Value)]);
            foreach (PickleTableRow row in rows.Skip(1))
            {
                table.AddRow([.. row.Cells.Select(c => c.Value)]);
            }
        }

        return new StepInstance(type, keyword, step.Keyword, step.Text, step.Argument?.DocString?.Content, table, context);
    }
}
