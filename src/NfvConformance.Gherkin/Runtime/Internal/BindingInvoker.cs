// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using System.Text.RegularExpressions;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Expressions;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Runtime.Internal;

/// <summary>Calls binding methods: resolves their instance and arguments, converts step arguments, awaits async ones.</summary>
internal sealed class BindingInvoker
{
    private readonly BindingRegistry _registry;

    public BindingInvoker(BindingRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Runs a step binding with the matched arguments and the step's data table or doc string.</summary>
    public async Task InvokeStepAsync(StepMatch match, PickleStep step, ScenarioContainer container)
    {
        StepBinding binding = match.Binding;
        ParameterInfo[] parameters = binding.Parameters;
        object?[] arguments = new object?[parameters.Length];
        int count = binding.Expression.Parameters.Count;
        for (int i = 0; i < count; i++)
        {
            try
            {
                arguments[i] = ConvertArgument(match.Arguments[i], binding.Expression.Parameters[i], parameters[i].ParameterType, container);
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
            {
                throw new StepArgumentException($"Argument {i + 1} (\"{match.Arguments[i]}\") for parameter '{parameters[i].Name}' of {MethodNames.Display(binding.Method)}: {ex.Message}", ex);
            }
        }

        PickleStepArgument? argument = step.Argument;
        if (binding.TakesArgument)
        {
            if (argument is null)
            {
                throw new StepArgumentException($"{MethodNames.Display(binding.Method)} takes a data table or doc string as its last parameter '{binding.ArgumentParameter.Name}', but the step has neither: add one to the step or remove the parameter.");
            }

            arguments[binding.ValueParameterCount - 1] = ConvertStepArgument(argument, binding.ArgumentParameter.ParameterType, container);
        }
        else if (argument is not null)
        {
            string what = argument.DataTable is not null ? "a data table" : "a doc string";
            throw new StepArgumentException($"The step has {what} but {MethodNames.Display(binding.Method)} has no parameter for it: add a last DataTable or string parameter.");
        }

        if (binding.TakesCancellationToken)
        {
            arguments[^1] = container.CancellationToken;
        }

        object? target = binding.Method.IsStatic ? null : container.Resolve(binding.Method.DeclaringType!);
        await AwaitResultAsync(binding.Method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null)).ConfigureAwait(false);
    }

    /// <summary>Runs a hook, resolving its parameters from the container (or passing the feature and the token).</summary>
    public static async Task InvokeHookAsync(HookBinding hook, ScenarioContainer? container, FeatureInfo? feature, CancellationToken cancellationToken)
    {
        ParameterInfo[] parameters = hook.Method.GetParameters();
        object?[] arguments = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            Type type = parameters[i].ParameterType;
            arguments[i] = type == typeof(CancellationToken) ? cancellationToken
                : type == typeof(FeatureInfo) && feature is not null ? feature
                : container!.Resolve(type);
        }

        object? target = hook.Method.IsStatic ? null : container!.Resolve(hook.Method.DeclaringType!);
        await AwaitResultAsync(hook.Method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null)).ConfigureAwait(false);
    }

    private object? ConvertArgument(string? raw, ParameterType? type, Type target, ScenarioContainer container)
    {
        if (type is null)
        {
            return ConvertText(raw, target, container);
        }

        if (type.Transformation is TransformationBinding transformation)
        {
            object? value = InvokeTransformation(transformation, raw ?? string.Empty, container);
            return ValueConverter.ConvertValue(value, target);
        }

        object? converted = raw is null ? null : type.Convert!(raw);
        if (target == typeof(string))
        {
            return converted as string ?? raw;
        }

        if (converted is not null && target.IsInstanceOfType(converted))
        {
            return converted;
        }

        string text = converted as string ?? raw ?? string.Empty;
        if (FindTextTransformation(text, target) is not null)
        {
            return ConvertText(text, target, container);
        }

        return ValueConverter.ConvertValue(converted, target);
    }

    private object? ConvertText(string? text, Type target, ScenarioContainer container)
    {
        if (text is null || target == typeof(string) || target == typeof(object))
        {
            return text is null ? ValueConverter.ConvertString(null, target) : text;
        }

        if (FindTextTransformation(text, target) is { } transformation)
        {
            return ValueConverter.ConvertValue(InvokeTransformation(transformation, text, container), target);
        }

        return ValueConverter.ConvertString(text, target);
    }

    private TransformationBinding? FindTextTransformation(string text, Type target)
    {
        TransformationBinding? fallback = null;
        foreach (TransformationBinding transformation in _registry.Transformations)
        {
            if (!target.IsAssignableFrom(transformation.ReturnType))
            {
                continue;
            }

            if (transformation.Source == TransformationSource.Regex && transformation.Regex!.IsMatch(text))
            {
                return transformation;
            }

            if (transformation.Source == TransformationSource.Text)
            {
                fallback ??= transformation;
            }
        }

        return fallback;
    }

    private object? ConvertStepArgument(PickleStepArgument argument, Type target, ScenarioContainer container)
    {
        if (argument.DataTable is { } rows)
        {
            DataTable table = new(rows);
            if (target == typeof(DataTable))
            {
                return table;
            }

            foreach (TransformationBinding transformation in _registry.Transformations)
            {
                if (transformation.Source == TransformationSource.Table && target.IsAssignableFrom(transformation.ReturnType))
                {
                    return Invoke(transformation.Method, container, [table]);
                }
            }

            throw new StepArgumentException($"The step has a data table but the parameter is {ValueConverter.Describe(target)}: make it DataTable or add a [StepArgumentTransformation] from DataTable to {ValueConverter.Describe(target)}.");
        }

        PickleDocString docString = argument.DocString!;
        if (target == typeof(PickleDocString))
        {
            return docString;
        }

        try
        {
            return ConvertText(docString.Content, target, container);
        }
        catch (FormatException ex)
        {
            throw new StepArgumentException($"The doc string cannot be converted to {ValueConverter.Describe(target)}: {ex.Message}", ex);
        }
    }

    private object? InvokeTransformation(TransformationBinding transformation, string text, ScenarioContainer container)
    {
        ParameterInfo[] parameters = transformation.Parameters;
        object?[] arguments = new object?[parameters.Length];
        if (transformation.Source == TransformationSource.Regex)
        {
            Match match = transformation.Regex!.Match(text);
            if (!match.Success)
            {
                throw new FormatException($"\"{text}\" does not match {transformation.Describe()}'s regular expression \"{transformation.Regex}\".");
            }

            bool wholeText = match.Groups.Count == 1;
            for (int i = 0; i < parameters.Length; i++)
            {
                string? value = wholeText ? match.Value : match.Groups[i + 1].Success ? match.Groups[i + 1].Value : null;
                arguments[i] = parameters[i].ParameterType == typeof(string) ? value : ValueConverter.ConvertString(value, parameters[i].ParameterType);
            }
        }
        else
        {
            arguments[0] = text;
        }

        return Invoke(transformation.Method, container, arguments);
    }

    private static object? Invoke(MethodInfo method, ScenarioContainer container, object?[] arguments)
    {
        object? target = method.IsStatic ? null : container.Resolve(method.DeclaringType!);
        return method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
    }

    private static async Task AwaitResultAsync(object? result)
    {
        switch (result)
        {
            case Task task:
                await task.ConfigureAwait(false);
                break;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                break;
            case not null when result.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>):
                await ((Task)type.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, null)!).ConfigureAwait(false);
                break;
        }
    }
}

/// <summary>A step's arguments cannot be converted to its binding's parameters.</summary>
internal sealed class StepArgumentException : Abstractions.Errors.NfvConformanceException
{
    public StepArgumentException(string message, Exception? innerException = null)
        : base(message, Abstractions.Errors.Severity.Failure, innerException)
    {
    }
}
