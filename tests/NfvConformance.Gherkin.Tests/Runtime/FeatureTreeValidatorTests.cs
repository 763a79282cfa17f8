// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Gherkin.Tests.Runtime;

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
                Given a port with 2 queues
                Then the link is down
            """);
        File.WriteAllText(Path.Combine(_root, "Area", "Planted.feature"), """
            @req:NFV-9
            Feature: Planted problems

              Scenario: undefined and ambiguous
                Given a port with 2 queues
                When nobody bound "this" step 3 times
                Then the link is up

              Scenario: argument mismatch
                Given a port with 4 queues
                  | name |
                  | p0   |
                Then the table is:
                  \"\"\"
                  text
                  \"\"\"
                And a broken binding

              Scenario: unknown requirement
                Given a port with 1 queue
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
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(TreeSteps)]);
        FeatureTreeValidator validator = new(registry, [new RequirementValidator()]);

        FeatureTreeValidation result = validator.Validate([_root, Path.Combine(_root, "missing")]);

        string planted = Path.Combine(_root, "Area", "Planted.feature");
        string[] lines = result.Errors.Select(e => e.ToString().Split(Environment.NewLine)[0]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.IsValid, Is.False);
            Assert.That(result.Files, Has.Count.EqualTo(3));
            Assert.That(lines, Has.Length.EqualTo(9), string.Join(Environment.NewLine, lines));
            Assert.That(lines, Has.One.Match(@"FeatureTreeValidatorTests\.cs:\d+: binding error: TreeSteps\.Broken\(Int32, Int32\)"));
            Assert.That(lines, Has.One.EqualTo($"{Path.Combine(_root, "missing")}: no such file or directory; pass feature files or directories that exist."));
            Assert.That(lines, Has.One.StartsWith($"{Path.Combine(_root, "Broken.feature")}:5:5: parse error: expected:"));
            Assert.That(lines, Has.One.EqualTo($"{planted}:6: undefined step 'When nobody bound \"this\" step 3 times'; add a binding:"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:7: ambiguous step 'Then the link is up' matches 2 bindings: ")
                .And.One.Match("TreeSteps.LinkUp\\(\\) at .*FeatureTreeValidatorTests.cs:\\d+").And.One.Match("TreeSteps.Link\\(String\\) at .*FeatureTreeValidatorTests.cs:\\d+"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:10: step 'Given a port with 4 queues': the step has a data table but .* has no parameter for it\\.$"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:13: step 'Then the table is:': the step has a doc string but .* expects a data table\\.$"));
            Assert.That(lines, Has.One.Match($"^{Escape(planted)}:17: step 'And a broken binding' matches .*TreeSteps.Broken\\(Int32, Int32\\).*, which has a binding error"));
            Assert.That(lines, Has.One.EqualTo($"{planted}:19: requirement NFV-9 is not in the catalogue"));
            Assert.That(result.Errors.Single(e => e.Message.StartsWith("undefined", StringComparison.Ordinal)).Message,
                Does.Contain("[When(\"nobody bound {string} step {int} times\")]"));
        });
    }

    [Test]
    public void Validate_CleanTree_IsValid()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(CleanSteps)]);

        FeatureTreeValidation result = new FeatureTreeValidator(registry).Validate([Path.Combine(_root, "Area", "Good.feature")]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.IsValid, Is.True);
            Assert.That(result.Pickles.Single().Name, Is.EqualTo("all bound"));
        });
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    internal sealed class RequirementValidator : IPickleValidator
    {
        public IEnumerable<ValidationError> Validate(Pickle pickle)
        {
            if (pickle.Name == "unknown requirement")
            {
                yield return new ValidationError(true, "requirement NFV-9 is not in the catalogue", $"{pickle.Uri}:{pickle.Location.Line}");
            }
        }
    }

    internal sealed class CleanSteps
    {
        [Given("a port with {int} queue(s)")]
        public void Port(int queues) => _ = queues;

        [Then("the link is {word}")]
        public void Link(string state) => _ = state;
    }

    internal sealed class TreeSteps
    {
        [Given("a port with {int} queue(s)")]
        public void Port(int queues) => _ = queues;

        [Then("the link is up")]
        public void LinkUp()
        {
        }

        [Then("the link is {word}")]
        public void Link(string state) => _ = state;

        [Then("the table is:")]
        public void Table(DataTable table) => _ = table;

        [Then("a broken binding")]
        public void Broken(int first, int second) => _ = first + second;
    }
}
