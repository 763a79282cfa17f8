// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Bindings;

/// <summary>Marks a class whose methods are step definitions, hooks or step argument transformations.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class BindingAttribute : Attribute
{
}

/// <summary>The base of the step definition attributes: the expression a step's text must match.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public abstract class StepDefinitionBaseAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="expression">
    /// A Cucumber Expression (<c>the port has {int} queue(s)</c>), or a regular expression when it starts with
    /// <c>^</c> or ends with <c>$</c>.
    /// </param>
    protected StepDefinitionBaseAttribute(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Expression = expression;
    }

    /// <summary>Gets the expression.</summary>
    public string Expression { get; }

    /// <summary>Gets the step kind this binding matches, or null for any.</summary>
    internal abstract Pickles.PickleStepType? StepType { get; }
}

/// <summary>Binds a method to <c>Given</c> steps (and <c>And</c>/<c>But</c> after one).</summary>
public sealed class GivenAttribute : StepDefinitionBaseAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="expression">A Cucumber Expression or a regular expression.</param>
    public GivenAttribute(string expression)
        : base(expression)
    {
    }

    internal override Pickles.PickleStepType? StepType => Pickles.PickleStepType.Context;
}

/// <summary>Binds a method to <c>When</c> steps (and <c>And</c>/<c>But</c> after one).</summary>
public sealed class WhenAttribute : StepDefinitionBaseAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="expression">A Cucumber Expression or a regular expression.</param>
    public WhenAttribute(string expression)
        : base(expression)
    {
    }

    internal override Pickles.PickleStepType? StepType => Pickles.PickleStepType.Action;
}

/// <summary>Binds a method to <c>Then</c> steps (and <c>And</c>/<c>But</c> after one).</summary>
public sealed class ThenAttribute : StepDefinitionBaseAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="expression">A Cucumber Expression or a regular expression.</param>
    public ThenAttribute(string expression)
        : base(expression)
    {
    }

    internal override Pickles.PickleStepType? StepType => Pickles.PickleStepType.Outcome;
}

/// <summary>Binds a method to steps of any kind.</summary>
public sealed class StepDefinitionAttribute : StepDefinitionBaseAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="expression">A Cucumber Expression or a regular expression.</param>
    public StepDefinitionAttribute(string expression)
        : base(expression)
    {
    }

    internal override Pickles.PickleStepType? StepType => null;
}

/// <summary>
/// The base of the hook attributes. A hook runs when its scope matches: no tags means always; otherwise any of
/// the tag expressions (<c>@smoke and not @slow</c>, or a bare tag such as <c>smoke</c>) must match.
/// Hooks of one kind run by ascending <see cref="Order"/>; after-hooks too.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public abstract class HookAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions; the hook runs when any matches (or always when there are none).</param>
    protected HookAttribute(string[] tags)
    {
        Tags = tags ?? [];
    }

    /// <summary>Gets the tag expressions that scope the hook.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Gets or sets the order among hooks of the same kind; lower runs first. Defaults to 10000.</summary>
    public int Order { get; set; } = 10000;

    internal abstract HookKind Kind { get; }
}

/// <summary>Runs once before any scenario. The method must be static.</summary>
public sealed class BeforeTestRunAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    public BeforeTestRunAttribute()
        : base([])
    {
    }

    internal override HookKind Kind => HookKind.BeforeTestRun;
}

/// <summary>Runs once after every scenario. The method must be static.</summary>
public sealed class AfterTestRunAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    public AfterTestRunAttribute()
        : base([])
    {
    }

    internal override HookKind Kind => HookKind.AfterTestRun;
}

/// <summary>Runs before the first scenario of each feature whose tags match. The method must be static.</summary>
public sealed class BeforeFeatureAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook (tags every scenario of the feature carries).</param>
    public BeforeFeatureAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.BeforeFeature;
}

/// <summary>Runs after the last scenario of each feature whose tags match. The method must be static.</summary>
public sealed class AfterFeatureAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook (tags every scenario of the feature carries).</param>
    public AfterFeatureAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.AfterFeature;
}

/// <summary>Runs before each scenario whose tags match; parameters are resolved from the scenario container.</summary>
public sealed class BeforeScenarioAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook.</param>
    public BeforeScenarioAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.BeforeScenario;
}

/// <summary>Runs after each scenario whose tags match, even when it failed; <c>ScenarioInfo.Status</c> is set.</summary>
public sealed class AfterScenarioAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook.</param>
    public AfterScenarioAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.AfterScenario;
}

/// <summary>Runs before each step of a scenario whose tags match.</summary>
public sealed class BeforeStepAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook.</param>
    public BeforeStepAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.BeforeStep;
}

/// <summary>Runs after each executed step of a scenario whose tags match.</summary>
public sealed class AfterStepAttribute : HookAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="tags">Tag expressions that scope the hook.</param>
    public AfterStepAttribute(params string[] tags)
        : base(tags)
    {
    }

    internal override HookKind Kind => HookKind.AfterStep;
}

/// <summary>
/// Marks a method that converts step arguments to its return type. With a regular expression it also defines a
/// custom Cucumber Expression parameter type, named <see cref="Name"/> or else the return type's name
/// (<c>{Color}</c>); its groups become the method's arguments. Without one, a method taking one <c>string</c>
/// converts any text argument, and a method taking a <see cref="DataTable"/> converts table arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class StepArgumentTransformationAttribute : Attribute
{
    /// <summary>Creates a transformation that applies to every argument of its return type.</summary>
    public StepArgumentTransformationAttribute()
    {
    }

    /// <summary>Creates a transformation that applies to text matching a regular expression.</summary>
    /// <param name="regex">The regular expression; its groups are the method's arguments.</param>
    public StepArgumentTransformationAttribute(string regex)
    {
        Regex = regex;
    }

    /// <summary>Gets the regular expression, if any.</summary>
    public string? Regex { get; }

    /// <summary>Gets or sets the name of the custom parameter type (<c>{name}</c>); defaults to the return type's name.</summary>
    public string? Name { get; set; }
}

/// <summary>The kinds of hooks.</summary>
internal enum HookKind
{
    BeforeTestRun,
    AfterTestRun,
    BeforeFeature,
    AfterFeature,
    BeforeScenario,
    AfterScenario,
    BeforeStep,
    AfterStep,
}
