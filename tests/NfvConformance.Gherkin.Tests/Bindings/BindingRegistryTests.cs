// Licensed under the Apache License, Version 2.0.
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Tests.Bindings;

public sealed class BindingRegistryTests
{
    [Test]
    public void BuildFromTypes_ValidBindings_HasNoErrors()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(ValidSteps)]);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Errors, Is.Empty);
            Assert.That(registry.StepDefinitionCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void BuildFromTypes_BrokenBindings_ListsEveryErrorWithMethodAndSourceLine()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(BrokenSteps)]);

        string all = string.Join(Environment.NewLine, registry.Errors);
        Assert.Multiple(() =>
        {
            Assert.That(registry.Errors, Has.Count.EqualTo(7), all);
            Assert.That(all, Does.Contain("BrokenSteps.TooFew()").And.Contain("has 1 parameter(s) but the method takes 0"));
            Assert.That(all, Does.Contain("BrokenSteps.WrongType(Stream)").And.Contain("cannot be converted to parameter 'stream'"));
            Assert.That(all, Does.Contain("{colour} is not defined"));
            Assert.That(all, Does.Contain("BrokenSteps.AsyncVoid()").And.Contain("must return Task"));
            Assert.That(all, Does.Contain("[BeforeFeature] hook must be static"));
            Assert.That(all, Does.Contain("Tag expression \"@a and\" is malformed"));
            Assert.That(all, Does.Contain("does not compile"));
            Assert.That(registry.Errors.Select(e => e.Location), Has.All.Match("BindingRegistryTests\\.cs:\\d+$"));
        });
    }

    [Test]
    public void Location_FromPortablePdb_PointsAtTheMethodBody()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(BrokenSteps)]);

        BindingError error = registry.Errors.Single(e => e.Method.StartsWith("BrokenSteps.TooFew", StringComparison.Ordinal));
        int line = int.Parse(error.Location!.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        string[] source = File.ReadAllLines(error.Location![..error.Location!.LastIndexOf(':')]);

        Assert.That(source[line - 1] + source[line - 2] + source[line - 3], Does.Contain("TooFew"));
    }

    [Test]
    public void Matcher_StepKinds_GivenBindingDoesNotMatchWhenStep()
    {
        BindingRegistry registry = BindingRegistry.BuildFromTypes([typeof(ValidSteps)]);

        Assert.Multiple(() =>
        {
            Assert.That(registry.Matcher.Match(PickleStepType.Context, "a port with 4 queues"), Has.Count.EqualTo(1));
            Assert.That(registry.Matcher.Match(PickleStepType.Action, "a port with 4 queues"), Is.Empty);
            Assert.That(registry.Matcher.Match(PickleStepType.Unknown, "a port with 4 queues"), Has.Count.EqualTo(1));
            Assert.That(registry.Matcher.Match(PickleStepType.Outcome, "anything at all"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Build_TestAssembly_FindsOnlyBindingAttributedClasses()
    {
        BindingRegistry registry = BindingRegistry.Build([typeof(BindingRegistryTests).Assembly]);

        Assert.That(registry.Steps.Select(s => s.Method.DeclaringType!.Namespace), Has.All.EqualTo("NfvConformance.Gherkin.Tests.ExampleSuite"));
    }

    internal sealed class ValidSteps
    {
        [Given("a port with {int} queue(s)")]
        public void Port(int queues) => _ = queues;

        [When("^the rate is (\\d+) Mpps$")]
        public Task RateAsync(long rate) => Task.FromResult(rate);

        [Then("the table holds:")]
        public void Table(DataTable table) => _ = table;

        [StepDefinition("anything at all")]
        public static ValueTask AnythingAsync() => ValueTask.CompletedTask;
    }

    internal sealed class BrokenSteps
    {
        [Given("a port with {int} queues")]
        public void TooFew()
        {
        }

        [Given("a {word} stream")]
        public void WrongType(Stream stream) => _ = stream;

        [Given("a {colour} link")]
        public void UnknownType(string colour) => _ = colour;

        [When("an async void step")]
#pragma warning disable VSTHRD100, S3168, CS1998
        public async void AsyncVoid()
        {
        }
#pragma warning restore VSTHRD100, S3168, CS1998

        [BeforeFeature]
        public void NotStatic()
        {
        }

        [BeforeScenario("@a and")]
        public void BadScope()
        {
        }

        [Then("^broken (regex$")]
        public void BadRegex()
        {
        }
    }
}
