// Licensed under the Apache License, Version 2.0.
using Reqnroll;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Suites.StepDefinitions;

/// <summary>Steps that take a VNF through its lifecycle and check each operation's outcome and duration.</summary>
[Binding]
public sealed class LifecycleSteps
{
    private readonly LifecycleDriver _driver;
    private readonly FiguresDriver _figures;

    /// <summary>Creates the steps for one scenario.</summary>
    /// <param name="driver">The lifecycle driver.</param>
    /// <param name="figures">The target figures.</param>
    public LifecycleSteps(LifecycleDriver driver, FiguresDriver figures)
    {
        _driver = driver;
        _figures = figures;
    }

    /// <summary>Onboards a descriptor given as a doc string (<c>${unique}</c> is replaced by a token unique in the run) and checks it was accepted.</summary>
    /// <param name="yaml">The descriptor.</param>
    [Given("the VNF descriptor is onboarded:")]
    public void GivenOnboarded(string yaml)
    {
        _driver.Onboard(yaml);
        _driver.CheckSucceeded();
    }

    /// <summary>Offers a descriptor for onboarding, whatever the outcome.</summary>
    /// <param name="yaml">The descriptor.</param>
    [When("the VNF descriptor is offered for onboarding:")]
    public void WhenOffered(string yaml) => _driver.Onboard(yaml);

    /// <summary>Instantiates the onboarded descriptor and checks it succeeded.</summary>
    [Given("the VNF is instantiated")]
    /// <returns>A task that completes when the target answered.</returns>
    public async Task GivenInstantiatedAsync()
    {
        await _driver.InstantiateAsync().ConfigureAwait(false);
        _driver.CheckSucceeded();
    }

    /// <summary>Instantiates the onboarded descriptor.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF is instantiated")]
    public Task WhenInstantiatedAsync() => _driver.InstantiateAsync();

    /// <summary>Scales an aspect out by steps.</summary>
    /// <param name="aspect">The aspect.</param>
    /// <param name="steps">Steps.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF is scaled out on {string} by {int} step(s)")]
    public Task WhenScaledOutAsync(string aspect, int steps) => _driver.ScaleAsync(aspect, steps);

    /// <summary>Scales an aspect in by steps.</summary>
    /// <param name="aspect">The aspect.</param>
    /// <param name="steps">Steps.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF is scaled in on {string} by {int} step(s)")]
    public Task WhenScaledInAsync(string aspect, int steps) => _driver.ScaleAsync(aspect, -steps);

    /// <summary>Heals the first component of a unit, as after its crash.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the first {string} component crashes and is healed")]
    public Task WhenHealedAsync(string unit) => _driver.HealFirstAsync(unit);

    /// <summary>Changes configuration keys from a table with <c>key</c> and <c>value</c> columns.</summary>
    /// <param name="table">The table.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF's configuration is changed:")]
    public Task WhenConfiguredAsync(DataTable table) => _driver.ConfigureAsync(table.Rows.ToDictionary(r => r["key"], r => r["value"], StringComparer.Ordinal));

    /// <summary>Upgrades to a version.</summary>
    /// <param name="version">The version.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF is upgraded to version {string}")]
    public Task WhenUpgradedAsync(string version) => _driver.UpgradeAsync(version);

    /// <summary>Terminates the VNF.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    [When("the VNF is terminated")]
    public Task WhenTerminatedAsync() => _driver.TerminateAsync();

    /// <summary>Delivers an event to an event-driven unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("an event arrives for {string}")]
    public Task WhenEventAsync(string unit) => _driver.DeliverEventAsync(unit);

    /// <summary>Scales an event-driven unit to zero.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>A task that completes when the target answered.</returns>
    [When("{string} is scaled to zero")]
    public Task WhenScaledToZeroAsync(string unit) => _driver.ScaleToZeroAsync(unit);

    /// <summary>The last operation succeeded.</summary>
    [Then("the operation succeeds")]
    public void ThenSucceeds() => _driver.CheckSucceeded();

    /// <summary>The last operation succeeded within a target figure of the target's clock.</summary>
    /// <param name="figure">The figure key (seconds).</param>
    [Then("the operation succeeds within {string}")]
    public void ThenSucceedsWithin(string figure) => _figures.CheckAtMost("operation_duration", _driver.LastDurationSeconds(), figure);

    /// <summary>The last operation was refused with a problem naming a text, and changed nothing.</summary>
    /// <param name="text">The text.</param>
    [Then("the operation is refused naming {string}")]
    public void ThenRefused(string text) => _driver.CheckRefused(text);

    /// <summary>Checks that the refusal is located at a line of the descriptor.</summary>
    /// <param name="line">The line.</param>
    [Then("the refusal names line {int} of the descriptor")]
    public void ThenRefusedAtLine(int line) => _driver.CheckRefusedAtLine(line);

    /// <summary>A unit runs this many components.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="count">How many.</param>
    [Then("{string} runs {int} component(s)")]
    public void ThenComponents(string unit, int count) => _driver.CheckComponents(unit, count);

    /// <summary>Every component reads back with an IP and a MAC on each connection point.</summary>
    [Then("every component reads back an IP and a MAC address on each connection point")]
    public void ThenAddresses() => _driver.CheckAddressesReadBack();

    /// <summary>A unit's components stand on different nodes.</summary>
    /// <param name="unit">The unit.</param>
    [Then("the {string} components stand on different nodes")]
    public void ThenDistinct(string unit) => _driver.CheckComponentsOnDistinctNodes(unit);

    /// <summary>A unit's component was replaced, the new one started before the old one stopped.</summary>
    /// <param name="unit">The unit.</param>
    [Then("the {string} component is replaced, make-before-break")]
    public void ThenReplaced(string unit) => _driver.CheckReplacedMakeBeforeBreak(unit);

    /// <summary>The operation started new components before stopping old ones.</summary>
    [Then("new components started before old ones stopped")]
    public void ThenMakeBeforeBreak() => _driver.CheckStartedBeforeStopped();

    /// <summary>The operation reported an event of a kind.</summary>
    /// <param name="kind">The kind.</param>
    [Then("the operation reports a {string} event")]
    public void ThenEvent(string kind) => _driver.CheckEvent(kind);

    /// <summary>The operation did not report an event of a kind.</summary>
    /// <param name="kind">The kind.</param>
    [Then("the operation reports no {string} event")]
    public void ThenNoEvent(string kind) => _driver.CheckNoEvent(kind);

    /// <summary>The configuration reads back a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    [Then("the configuration {string} reads back {string}")]
    public void ThenConfiguration(string key, string value) => _driver.CheckConfiguration(key, value);

    /// <summary>Every component of a unit runs an image.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="image">The image.</param>
    [Then("every {string} component runs image {string}")]
    public void ThenImage(string unit, string image) => _driver.CheckImage(unit, image);

    /// <summary>The VNF runs a version.</summary>
    /// <param name="version">The version.</param>
    [Then("the VNF runs version {string}")]
    public void ThenVersion(string version) => _driver.CheckVersion(version);

    /// <summary>The VNF is terminated and its resources released.</summary>
    [Then("the VNF is gone and its resources are released")]
    public void ThenGone() => _driver.CheckTerminatedAndReleased();
}
