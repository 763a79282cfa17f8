// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NfvConformance.Core;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Running;
using NfvConformance.Gherkin.Pickles;
using Reqnroll;

namespace NfvConformance.Cli.Commands;

/// <summary>
/// <c>nfvc steps [--markdown]</c>: the glossary of every step of the suite (keyword, expression, parameters, data
/// table or doc string, and an example taken from features/ when one uses the step), so a vendor can write scenarios
/// without reading C#.
/// </summary>
internal sealed partial class StepsCommand : ICliCommand
{
    private const string SuitesAssembly = "NfvConformance.Suites";

    public Command Create()
    {
        Option<bool> markdown = new("--markdown") { Description = "Print the glossary as a Markdown table." };
        Option<string> features = new("--features") { Description = "Where to look for examples (default: features/ of the repository)." };
        Command command = new("steps", "Print every step the suite understands, with its parameters and an example.")
        {
            markdown,
            features,
        };
        command.SetAction((ParseResult parseResult, CancellationToken cancellationToken) =>
        {
            Assembly assembly = Assembly.Load(SuitesAssembly);
            using FeatureTreeValidator validator = new([assembly], [new RequirementUidValidator(RequirementCatalog.LoadDefault())]);
            foreach (string error in validator.BindingErrors)
            {
                Console.Error.WriteLine(error);
            }

            List<StepEntry> entries = Collect(assembly);
            IReadOnlyList<(PickleStep Step, string Uri)> used = UsedSteps(parseResult.GetValue(features) ?? RepositoryPaths.FindUpwards("features"), validator);
            foreach (StepEntry entry in entries)
            {
                (PickleStep? step, string? uri) = used.FirstOrDefault(s => entry.Matcher.IsMatch(s.Step.Text));
                entry.Example = step is not null
                    ? $"{step.Keyword.Trim()} {step.Text}  ({Path.GetFileName(uri)}:{step.Location.Line})"
                    : $"{entry.Keyword} {entry.Synthesised}";
            }

            Console.Out.Write(parseResult.GetValue(markdown) ? Markdown(entries) : Text(entries));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entries.Count} step(s) in {SuitesAssembly}; {entries.Count(e => !e.Example.EndsWith(')'))} without an example in features/."));
            return Task.FromResult(validator.BindingErrors.Count == 0 ? ExitCodes.Success : ExitCodes.Usage);
        });
        return command;
    }

    private static List<StepEntry> Collect(Assembly assembly)
    {
        List<StepEntry> entries = [];
        foreach (Type type in assembly.GetTypes().Where(t => t.GetCustomAttribute<BindingAttribute>() is not null).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                foreach (StepDefinitionBaseAttribute attribute in method.GetCustomAttributes<StepDefinitionBaseAttribute>())
                {
                    entries.Add(new StepEntry(type.Name.Replace("Steps", string.Empty, StringComparison.Ordinal), KeywordOf(attribute), attribute.Expression, method));
                }
            }
        }

        return entries;
    }

    private static IReadOnlyList<(PickleStep Step, string Uri)> UsedSteps(string? featuresPath, FeatureTreeValidator validator)
    {
        if (featuresPath is null || !Directory.Exists(featuresPath))
        {
            return [];
        }

        FeatureTreeValidation validation = validator.Validate([featuresPath]);
        return [.. validation.Pickles.SelectMany(p => p.Steps.Select(s => (s, p.Uri)))];
    }

    private static string KeywordOf(StepDefinitionBaseAttribute attribute) => attribute switch
    {
        GivenAttribute => "Given",
        WhenAttribute => "When",
        ThenAttribute => "Then",
        _ => "*",
    };

    private static string Text(List<StepEntry> entries)
    {
        StringBuilder sb = new();
        foreach (IGrouping<string, StepEntry> area in entries.GroupBy(e => e.Area))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"== {area.Key} ==");
            foreach (StepEntry e in area)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{e.Keyword} {e.Expression}");
                foreach (string p in e.Parameters)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    {p}");
                }

                sb.AppendLine(CultureInfo.InvariantCulture, $"    e.g. {e.Example}");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static string Markdown(List<StepEntry> entries)
    {
        StringBuilder sb = new();
        sb.AppendLine("| area | step | parameters | example |").AppendLine("|---|---|---|---|");
        foreach (StepEntry e in entries)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {e.Area} | `{e.Keyword} {Escape(e.Expression)}` | {Escape(string.Join("; ", e.Parameters))} | `{Escape(e.Example)}` |");
        }

        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    [GeneratedRegex(@"\{(\w*)\}")]
    private static partial Regex ParameterRegex();

    private sealed class StepEntry
    {
        public StepEntry(string area, string keyword, string expression, MethodInfo method)
        {
            Area = area;
            Keyword = keyword;
            Expression = expression;
            ParameterInfo[] parameters = method.GetParameters();
            MatchCollection placeholders = ParameterRegex().Matches(expression);
            List<string> described = [];
            StringBuilder pattern = new("^");
            StringBuilder synthesised = new();
            int last = 0;
            for (int i = 0; i < placeholders.Count; i++)
            {
                Match m = placeholders[i];
                string literal = expression[last..m.Index];
                pattern.Append(LiteralPattern(literal));
                synthesised.Append(literal);
                string name = i < parameters.Length ? parameters[i].Name! : $"arg{i}";
                string type = m.Groups[1].Value.Length == 0 ? "anonymous" : m.Groups[1].Value;
                described.Add($"{name}: {type}");
                (string regex, string sample) = type switch
                {
                    "int" or "long" => (@"-?\d+", "2"),
                    "float" or "double" => (@"[-+]?\d*\.?\d+", "1.5"),
                    "string" => ("\"[^\"]*\"", $"\"{name}\""),
                    _ => (@"\S+", name),
                };
                pattern.Append(regex);
                synthesised.Append(sample);
                last = m.Index + m.Length;
            }

            pattern.Append(LiteralPattern(expression[last..])).Append('$');
            synthesised.Append(expression[last..]);
            if (parameters.Length > placeholders.Count)
            {
                Type argument = parameters[^1].ParameterType;
                described.Add(typeof(Table).IsAssignableFrom(argument) ? $"{parameters[^1].Name}: data table (see the example's feature file)" : $"{parameters[^1].Name}: doc string");
            }

            Parameters = described;
            Matcher = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
            Synthesised = synthesised.ToString();
        }

        public string Area { get; }

        public string Keyword { get; }

        public string Expression { get; }

        public IReadOnlyList<string> Parameters { get; }

        public Regex Matcher { get; }

        public string Synthesised { get; }

        public string Example { get; set; } = string.Empty;

        // Cucumber-expression literal text: "(s)" is optional text and "a/b" an alternation of words.
        private static string LiteralPattern(string literal)
        {
            string escaped = Regex.Escape(literal);
            escaped = Regex.Replace(escaped, @"\\\(([^\\]*)\\\)", "(?:$1)?");
            return Regex.Replace(escaped, @"(\w+)/(\w+)", "(?:$1|$2)");
        }
    }
}
