// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Running;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Core.Tests.Running;

/// <summary><c>nfvc validate</c>'s logic: every planted problem of a feature tree, bound with Reqnroll's matcher, with file:line.</summary>
public sealed class FeatureTreeValidatorTests
{
    private string _root = null!;

    [SetUp]
    public void CreateTree()
    {
        _root = Path.Combine(Path.GetTempPath(), "nfvc-validate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_root, "Area"));
        File.WriteAllText(Path.Combine(_root, "Area", "Good.feature"), """
            Feature: Good

              Scenario: all bound
                Given a step that passes
                And the first number is 5
            """);
        File.WriteAllText(Path.Combine(_root, "Area", "Planted.feature"), """
            Feature: Planted problems

              Scenario: undefined and ambiguous
                Given a step that passes
                When nobody bound "this" step 3 times
                Then an ambiguous step 7

              Scenario: argument mismatch
                Given a step that passes
                  | name |
                  | p0   |
                And the following books
                  \"\"\"
                  text
                  \"\"\"

              Scenario: unknown requirement
                Given a step that passes
            """.Replace("\\\"", "\"", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_root, "Broken.feature"), """
            Feature: Broken

              Scenario: bad
                Given a step
                Unknown line here
            """);
    }

    [TearDown]
    public void DeleteTree() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Validate_TreeWithPlantedProblems_ListsEveryOneWithFileAndLine()
    {
        using FeatureTreeValidator validator = new([typeof(FeatureTreeValidatorTests).Assembly], [new RequirementValidator()]);

        FeatureTreeValidation result = validator.Validate([_root, Path.Combine(_root, "missing")]);

        string planted = Path.Combine(_root, "Area", "Planted.feature");
        string[] lines = [.. result.Errors.Select(e => e.ToString().Split(Environment.NewLine)[0])];
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.False);
            Assert.That(result.Files, Has.Count.EqualTo(3));
            Assert.That(lines, Has.Length.EqualTo(7), string.Join(Environment.NewLine, lines));
            Assert.That(lines, Has.One.EqualTo($"{Path.Combine(_root, "missing")}: no such file or directory; pass feature files or directories that exist."));
            Assert.That(lines, Has.One.StartsWith($"{Path.Combine(_root, "Broken.feature")}:5:5: parse error: expected:"));
            Assert.That(lines, Has.One.EqualTo($"{planted}:5: undefined step 'When nobody bound \"this\" step 3 times'; add a binding:"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:6: ambiguous step 'Then an ambiguous step 7' matches 2 bindings: ")
                .And.One.Match(@"OutcomeSteps\.AmbiguousOne \(.*OutcomeSteps\.cs:\d+\)").And.One.Match(@"OutcomeSteps\.AmbiguousTwo \(.*OutcomeSteps\.cs:\d+\)"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:9: step 'Given a step that passes': OutcomeSteps\\.Passes .* takes 0 parameter\\(s\\), but the step gives 1 \\(its text's parameters and a data table\\)\\.$"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:12: step 'And the following books': the step has a doc string but CalculatorStepDefinitions\\.GivenTheFollowingBooks .* expects a data table\\.$"));
            Assert.That(lines, Has.One.EqualTo($"{planted}:17: requirement NFV-9 is not in the catalogue"));
            Assert.That(result.Errors.Single(e => e.Message.StartsWith("undefined", StringComparison.Ordinal)).Message,
                Does.Contain("[When(\"nobody bound {string} step {int} times\")]"), "Reqnroll's snippet");
        });
    }

    [Test]
    public void Validate_CleanTree_IsValid()
    {
        using FeatureTreeValidator validator = new([typeof(FeatureTreeValidatorTests).Assembly]);

        FeatureTreeValidation result = validator.Validate([Path.Combine(_root, "Area", "Good.feature")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.Pickles.Single().Name, Is.EqualTo("all bound"));
            Assert.That(validator.StepDefinitionCount, Is.GreaterThanOrEqualTo(10));
        });
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private sealed class RequirementValidator : IPickleValidator
    {
        public IEnumerable<ValidationError> Validate(Pickle pickle)
        {
            if (pickle.Name == "unknown requirement")
            {
                yield return new ValidationError(true, "requirement NFV-9 is not in the catalogue", $"{pickle.Uri}:{pickle.Location.Line}");
            }
        }
    }
}
