// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Expressions;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;
using NfvConformance.Gherkin.TagExpressions;

namespace NfvConformance.Gherkin.Bindings;

/// <summary>
/// Every step definition, hook and step argument transformation of a set of <c>[Binding]</c> classes, checked
/// when built: <see cref="Errors"/> lists every binding that cannot work (bad expression, a signature that cannot
/// match its expression, a bad tag scope), each with its method and source <c>file:line</c>.
/// </summary>
public sealed class BindingRegistry
{
    private const BindingFlags DeclaredMethods = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly List<BindingError> _errors = [];
    private readonly List<StepBinding> _steps = [];
    private readonly List<HookBinding> _hooks = [];
    private readonly List<TransformationBinding> _transformations = [];
    private readonly ParameterTypeRegistry _parameterTypes = new();
    private readonly Dictionary<HookKind, IReadOnlyList<HookBinding>> _hooksByKind = [];
    private readonly Dictionary<StepBinding, string> _broken = [];
    private StepMatcher _matcher = null!;
    private StepMatcher _brokenMatcher = null!;
    private int _declarationIndex;

    private BindingRegistry()
    {
    }

    /// <summary>Gets every problem found in the bindings, in declaration order.</summary>
    public IReadOnlyList<BindingError> Errors => _errors;

    /// <summary>Gets the number of step definitions (one per attribute).</summary>
    public int StepDefinitionCount => _steps.Count;

    internal IReadOnlyList<StepBinding> Steps => _steps;

    internal IReadOnlyList<TransformationBinding> Transformations => _transformations;

    internal StepMatcher Matcher => _matcher;

    /// <summary>Gets a matcher over step bindings whose expression compiled but whose signature is wrong.</summary>
    internal StepMatcher BrokenMatcher => _brokenMatcher;

    internal string BrokenReason(StepBinding binding) => _broken.TryGetValue(binding, out string? reason) ? reason : "see the binding errors";

    /// <summary>Builds the registry from every <c>[Binding]</c> class of the assemblies.</summary>
    /// <param name="assemblies">The assemblies to scan.</param>
    /// <returns>The registry; look at <see cref="Errors"/> before running.</returns>
    public static BindingRegistry Build(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        List<Type> types = [];
        foreach (Assembly assembly in assemblies.Distinct())
        {
            Type[] all;
            try
            {
                all = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                all = ex.Types.Where(t => t is not null).ToArray()!;
            }

            types.AddRange(all.Where(t => t.IsClass && t.GetCustomAttribute<BindingAttribute>(inherit: true) is not null));
        }

        return BuildFromTypes(types);
    }

    /// <summary>Builds the registry from the given classes, whether or not they carry <c>[Binding]</c>.</summary>
    /// <param name="bindingTypes">The classes.</param>
    /// <returns>The registry; look at <see cref="Errors"/> before running.</returns>
    public static BindingRegistry BuildFromTypes(IEnumerable<Type> bindingTypes)
    {
        ArgumentNullException.ThrowIfNull(bindingTypes);
        BindingRegistry registry = new();
        Type[] types = bindingTypes.Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();

        // Transformations first: they define the custom parameter types the step expressions may name.
        foreach (Type type in types)
        {
            foreach (MethodInfo method in Methods(type))
            {
                foreach (StepArgumentTransformationAttribute attribute in method.GetCustomAttributes<StepArgumentTransformationAttribute>())
                {
                    registry.AddTransformation(method, attribute);
                }
            }
        }

        foreach (Type type in types)
        {
            foreach (MethodInfo method in Methods(type))
            {
                foreach (StepDefinitionBaseAttribute attribute in method.GetCustomAttributes<StepDefinitionBaseAttribute>())
                {
                    registry.AddStep(method, attribute);
                }

                foreach (HookAttribute attribute in method.GetCustomAttributes<HookAttribute>())
                {
                    registry.AddHook(method, attribute);
                }
            }
        }

        registry._matcher = new StepMatcher(registry._steps);
        registry._brokenMatcher = new StepMatcher(registry._broken.Keys);
        foreach (IGrouping<HookKind, HookBinding> group in registry._hooks.GroupBy(h => h.Kind))
        {
            registry._hooksByKind[group.Key] = group.OrderBy(h => h.Order).ThenBy(h => h.DeclarationIndex).ToList();
        }

        return registry;
    }

    internal IReadOnlyList<HookBinding> Hooks(HookKind kind) =>
        _hooksByKind.TryGetValue(kind, out IReadOnlyList<HookBinding>? hooks) ? hooks : [];

    // Methods declared by the binding class itself; a base class's bindings count when the base is a binding class.
    private static IEnumerable<MethodInfo> Methods(Type type) =>
        type.GetMethods(DeclaredMethods).Where(m => !m.IsSpecialName).OrderBy(m => m.MetadataToken);

    private void AddError(MethodInfo method, string message) =>
        _errors.Add(new BindingError(MethodNames.Display(method), SourceLocator.Find(method), message));

    private bool CheckCommon(MethodInfo method)
    {
        bool ok = true;
        if (method.IsGenericMethodDefinition)
        {
            AddError(method, "a binding method cannot be generic; give it concrete parameter types.");
            ok = false;
        }

        if (method.ReturnType == typeof(void) && method.GetCustomAttribute<AsyncStateMachineAttribute>() is not null)
        {
            AddError(method, "an async binding method must return Task or ValueTask, not void, so the runner can await it and see its exceptions.");
            ok = false;
        }

        if (method.GetParameters().FirstOrDefault(p => p.ParameterType.IsByRef) is { } byRef)
        {
            AddError(method, $"parameter '{byRef.Name}' is ref/out/in; binding parameters are passed by value.");
            ok = false;
        }

        if (!method.IsStatic && (method.DeclaringType!.IsAbstract || method.DeclaringType.GetConstructors().Length != 1))
        {
            AddError(method, $"{method.DeclaringType.Name} must be a non-abstract class with exactly one public constructor so the scenario container can create it (it has {method.DeclaringType.GetConstructors().Length}); or make the method static.");
            ok = false;
        }

        return ok;
    }

    private void AddTransformation(MethodInfo method, StepArgumentTransformationAttribute attribute)
    {
        if (!CheckCommon(method))
        {
            return;
        }

        ParameterInfo[] parameters = method.GetParameters();
        string? location = SourceLocator.Find(method);
        if (method.ReturnType == typeof(void) || typeof(Task).IsAssignableFrom(method.ReturnType) || method.ReturnType.Name.StartsWith("ValueTask", StringComparison.Ordinal))
        {
            AddError(method, "a step argument transformation must synchronously return the converted value (not void, Task or ValueTask).");
            return;
        }

        if (attribute.Regex is null)
        {
            if (parameters.Length == 1 && parameters[0].ParameterType == typeof(DataTable))
            {
                _transformations.Add(new TransformationBinding(method, TransformationSource.Table, null, location));
            }
            else if (parameters.Length == 1 && parameters[0].ParameterType == typeof(string))
            {
                _transformations.Add(new TransformationBinding(method, TransformationSource.Text, null, location));
            }
            else
            {
                AddError(method, "a transformation without a regular expression takes exactly one string (text arguments) or one DataTable (table arguments).");
            }

            if (attribute.Name is not null)
            {
                AddError(method, $"Name = \"{attribute.Name}\" defines a parameter type, which needs a regular expression: [StepArgumentTransformation(@\"regex\", Name = \"{attribute.Name}\")].");
            }

            return;
        }

        Regex regex;
        try
        {
            string pattern = attribute.Regex;
            regex = new Regex("^(?:" + pattern.TrimStart('^').TrimEnd('$') + ")$", RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            AddError(method, $"regular expression \"{attribute.Regex}\" does not compile: {ex.Message}");
            return;
        }

        int groups = regex.GetGroupNumbers().Length - 1;
        bool wholeText = groups == 0 && parameters.Length == 1;
        if (!wholeText && groups != parameters.Length)
        {
            AddError(method, $"regular expression \"{attribute.Regex}\" has {groups} group(s) but the method takes {parameters.Length} parameter(s); each group is one argument (or use no group and one parameter for the whole text).");
            return;
        }

        if (parameters.FirstOrDefault(p => !ValueConverter.CanConvertFromString(p.ParameterType) && !HasTextTransformation(p.ParameterType)) is { } unconvertible)
        {
            AddError(method, $"parameter '{unconvertible.Name}' of type {ValueConverter.Describe(unconvertible.ParameterType)} cannot be converted from matched text.");
            return;
        }

        TransformationBinding binding = new(method, TransformationSource.Regex, regex, location);
        _transformations.Add(binding);
        string name = attribute.Name ?? method.ReturnType.Name;
        if (name.AsSpan().IndexOfAny("{}()\\/ ") >= 0 || name.Length == 0)
        {
            AddError(method, $"parameter type name \"{name}\" may not be empty or contain {{ }} ( ) \\ / or spaces.");
            return;
        }

        // The regex goes into step expressions inside a named group; its own groups become non-capturing there.
        ParameterType type = new(name, attribute.Regex.TrimStart('^').TrimEnd('$'), method.ReturnType, convert: null, transformation: binding);
        if (!_parameterTypes.TryAdd(type))
        {
            _parameterTypes.TryGet(name, out ParameterType existing);
            string other = existing.Transformation is TransformationBinding t ? t.Describe() : "a built-in parameter type";
            AddError(method, $"parameter type {{{name}}} is already defined by {other}; set a different Name on one of them.");
        }
    }

    private bool HasTextTransformation(Type target) =>
        _transformations.Exists(t => t.Source is TransformationSource.Text or TransformationSource.Regex && target.IsAssignableFrom(t.ReturnType));

    private bool HasTableTransformation(Type target) =>
        _transformations.Exists(t => t.Source == TransformationSource.Table && target.IsAssignableFrom(t.ReturnType));

    private void AddStep(MethodInfo method, StepDefinitionBaseAttribute attribute)
    {
        if (!CheckCommon(method))
        {
            return;
        }

        IStepExpression expression;
        try
        {
            expression = RegularStepExpression.IsRegularExpression(attribute.Expression)
                ? new RegularStepExpression(attribute.Expression)
                : new CucumberExpression(attribute.Expression, _parameterTypes);
        }
        catch (ExpressionException ex)
        {
            AddError(method, ex.Message);
            return;
        }

        string keyword = attribute.GetType().Name.Replace("Attribute", string.Empty, StringComparison.Ordinal);
        StepBinding binding = new(method, keyword, attribute.StepType, expression, SourceLocator.Find(method));
        ParameterInfo[] parameters = binding.Parameters;
        int expected = expression.Parameters.Count;
        int taken = binding.ValueParameterCount;
        if (taken != expected && taken != expected + 1)
        {
            AddError(method, $"\"{attribute.Expression}\" has {expected} parameter(s) but the method takes {taken}; it must take {expected}, or {expected + 1} with a last DataTable or doc string parameter (a trailing CancellationToken does not count).");
            _broken[binding] = _errors[^1].Message;
            return;
        }

        bool ok = true;
        for (int i = 0; i < expected; i++)
        {
            ParameterType? type = expression.Parameters[i];
            Type target = parameters[i].ParameterType;
            if (!CanConvert(type, target))
            {
                string source = type is null ? $"group {i + 1} (text)" : $"{{{type.Name}}} ({ValueConverter.Describe(type.TargetType)})";
                AddError(method, $"argument {i + 1} of \"{attribute.Expression}\" is {source}, which cannot be converted to parameter '{parameters[i].Name}' of type {ValueConverter.Describe(target)}; change the parameter type or add a [StepArgumentTransformation] returning {ValueConverter.Describe(target)}.");
                ok = false;
            }
        }

        if (binding.TakesArgument)
        {
            Type last = binding.ArgumentParameter.ParameterType;
            if (last != typeof(DataTable) && last != typeof(PickleDocString) && !HasTableTransformation(last)
                && !ValueConverter.CanConvertFromString(last) && !HasTextTransformation(last))
            {
                AddError(method, $"the last parameter '{binding.ArgumentParameter.Name}' ({ValueConverter.Describe(last)}) has no matching expression parameter, so it must receive the step's data table or doc string: make it DataTable, string or PickleDocString, or add a [StepArgumentTransformation] from DataTable to {ValueConverter.Describe(last)}.");
                ok = false;
            }
        }

        if (ok)
        {
            _steps.Add(binding);
        }
        else
        {
            _broken[binding] = _errors[^1].Message;
        }
    }

    private bool CanConvert(ParameterType? type, Type target)
    {
        if (type is null)
        {
            return ValueConverter.CanConvertFromString(target) || HasTextTransformation(target);
        }

        if (target.IsAssignableFrom(type.TargetType) || target == typeof(string))
        {
            return true;
        }

        if (type.IsBuiltIn && ValueConverter.IsNumeric(type.TargetType))
        {
            return ValueConverter.IsNumeric(target) || HasTextTransformation(target);
        }

        return ValueConverter.CanConvertFromString(target) || HasTextTransformation(target);
    }

    private void AddHook(MethodInfo method, HookAttribute attribute)
    {
        if (!CheckCommon(method))
        {
            return;
        }

        bool runLevel = attribute.Kind is HookKind.BeforeTestRun or HookKind.AfterTestRun or HookKind.BeforeFeature or HookKind.AfterFeature;
        if (runLevel && !method.IsStatic)
        {
            AddError(method, $"a [{attribute.Kind}] hook must be static: it runs outside any scenario, so there is no scenario container to create its class.");
            return;
        }

        foreach (ParameterInfo parameter in method.GetParameters())
        {
            Type type = parameter.ParameterType;
            bool allowed = type == typeof(CancellationToken)
                || (attribute.Kind is HookKind.BeforeFeature or HookKind.AfterFeature && type == typeof(FeatureInfo))
                || (!runLevel && !type.IsValueType);
            if (!allowed)
            {
                string hint = runLevel
                    ? attribute.Kind is HookKind.BeforeFeature or HookKind.AfterFeature ? "FeatureInfo or CancellationToken" : "CancellationToken"
                    : "a class the scenario container can resolve (ScenarioInfo, ScenarioContainer, a context class, or an instance registered by ConfigureScenario) or CancellationToken";
                AddError(method, $"hook parameter '{parameter.Name}' of type {ValueConverter.Describe(type)} cannot be supplied; a [{attribute.Kind}] hook may take {hint}.");
                return;
            }
        }

        List<TagExpression> scopes = [];
        foreach (string tag in attribute.Tags)
        {
            string expression = tag.Contains(' ', StringComparison.Ordinal) || tag.Contains('(', StringComparison.Ordinal) || tag.StartsWith('@')
                ? tag
                : "@" + tag;
            try
            {
                scopes.Add(TagExpression.Parse(expression));
            }
            catch (ConfigurationException ex)
            {
                AddError(method, ex.Message);
                return;
            }
        }

        _hooks.Add(new HookBinding(method, attribute.Kind, attribute.Order, scopes, SourceLocator.Find(method), _declarationIndex++));
    }
}
