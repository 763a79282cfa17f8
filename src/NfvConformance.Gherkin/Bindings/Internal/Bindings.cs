// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using System.Text.RegularExpressions;
using NfvConformance.Gherkin.Expressions;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.TagExpressions;

namespace NfvConformance.Gherkin.Bindings.Internal;

/// <summary>A step definition: a method, the expression its steps match and the step kind it accepts.</summary>
internal sealed class StepBinding
{
    public StepBinding(MethodInfo method, string keyword, PickleStepType? stepType, IStepExpression expression, string? location)
    {
        Method = method;
        Keyword = keyword;
        StepType = stepType;
        Expression = expression;
        Location = location;
        Parameters = method.GetParameters();
        TakesCancellationToken = Parameters.Length > 0 && Parameters[^1].ParameterType == typeof(CancellationToken);
        ValueParameterCount = Parameters.Length - (TakesCancellationToken ? 1 : 0);
        TakesArgument = ValueParameterCount == expression.Parameters.Count + 1;
    }

    public MethodInfo Method { get; }

    public string Keyword { get; }

    public PickleStepType? StepType { get; }

    public IStepExpression Expression { get; }

    public string? Location { get; }

    public ParameterInfo[] Parameters { get; }

    /// <summary>Gets whether the method's last parameter receives the step's data table or doc string.</summary>
    public bool TakesArgument { get; }

    /// <summary>Gets whether the method's last parameter is a <see cref="CancellationToken"/> that receives the run's token.</summary>
    public bool TakesCancellationToken { get; }

    /// <summary>Gets the number of parameters before any trailing <see cref="CancellationToken"/>.</summary>
    public int ValueParameterCount { get; }

    /// <summary>Gets the parameter that receives the data table or doc string (valid when <see cref="TakesArgument"/>).</summary>
    public ParameterInfo ArgumentParameter => Parameters[ValueParameterCount - 1];

    public bool Accepts(PickleStepType type) => StepType is null || type == PickleStepType.Unknown || StepType == type;

    public string Describe() =>
        $"[{Keyword}(\"{Expression.Source}\")] {MethodNames.Display(Method)}" + (Location is null ? string.Empty : $" at {Location}");
}

/// <summary>A hook method with its kind, order and tag scope.</summary>
internal sealed class HookBinding
{
    public HookBinding(MethodInfo method, HookKind kind, int order, IReadOnlyList<TagExpression> scopes, string? location, int declarationIndex)
    {
        Method = method;
        Kind = kind;
        Order = order;
        Scopes = scopes;
        Location = location;
        DeclarationIndex = declarationIndex;
    }

    public MethodInfo Method { get; }

    public HookKind Kind { get; }

    public int Order { get; }

    public IReadOnlyList<TagExpression> Scopes { get; }

    public string? Location { get; }

    public int DeclarationIndex { get; }

    public bool Matches(IReadOnlyCollection<string> tags)
    {
        if (Scopes.Count == 0)
        {
            return true;
        }

        foreach (TagExpression scope in Scopes)
        {
            if (scope.Evaluate(tags))
            {
                return true;
            }
        }

        return false;
    }

    public string Describe() => $"[{Kind}] {MethodNames.Display(Method)}" + (Location is null ? string.Empty : $" at {Location}");
}

/// <summary>What a step argument transformation converts from.</summary>
internal enum TransformationSource
{
    /// <summary>Text matching a regular expression; its groups are the arguments.</summary>
    Regex,

    /// <summary>Any text (one string parameter).</summary>
    Text,

    /// <summary>A data table.</summary>
    Table,
}

/// <summary>A <c>[StepArgumentTransformation]</c> method.</summary>
internal sealed class TransformationBinding
{
    public TransformationBinding(MethodInfo method, TransformationSource source, Regex? regex, string? location)
    {
        Method = method;
        Source = source;
        Regex = regex;
        Location = location;
        Parameters = method.GetParameters();
    }

    public MethodInfo Method { get; }

    public TransformationSource Source { get; }

    /// <summary>Gets the anchored regex of a <see cref="TransformationSource.Regex"/> transformation.</summary>
    public Regex? Regex { get; }

    public string? Location { get; }

    public ParameterInfo[] Parameters { get; }

    public Type ReturnType => Method.ReturnType;

    public string Describe() => $"[StepArgumentTransformation] {MethodNames.Display(Method)}" + (Location is null ? string.Empty : $" at {Location}");
}

/// <summary>Readable method names for messages.</summary>
internal static class MethodNames
{
    public static string Display(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => ValueConverter.Describe(p.ParameterType)))})";
}
