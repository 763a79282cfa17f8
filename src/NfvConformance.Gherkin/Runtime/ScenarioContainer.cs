// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Gherkin.Runtime;

/// <summary>
/// The per-scenario object container. Binding classes and context classes are created on first use by
/// constructor injection (a class with one public constructor), one instance per type per scenario, and disposed
/// at scenario end in reverse creation order. Instances registered from outside are never disposed by it.
/// </summary>
public sealed class ScenarioContainer
{
    private readonly Dictionary<Type, object> _instances = [];
    private readonly List<object> _owned = [];
    private readonly HashSet<Type> _resolving = [];
    private readonly List<Type> _chain = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    internal ScenarioContainer(CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        _instances[typeof(ScenarioContainer)] = this;
    }

    /// <summary>Gets the run's cancellation token; inject <see cref="CancellationToken"/> to receive it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Registers an instance that the container hands out for <typeparamref name="T"/> and never disposes.</summary>
    /// <typeparam name="T">The type the instance is resolved as (a class or an interface).</typeparam>
    /// <param name="instance">The instance.</param>
    /// <exception cref="InvalidOperationException">An instance of <typeparamref name="T"/> was already created or registered.</exception>
    public void RegisterInstance<T>(T instance)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_instances.TryAdd(typeof(T), instance))
            {
                throw new InvalidOperationException($"The scenario container already holds an instance of {typeof(T).Name}; register instances before any binding resolves them.");
            }
        }
    }

    /// <summary>Gets the scenario's instance of a type, creating it (and its constructor's dependencies) on first use.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The instance.</returns>
    /// <exception cref="ConfigurationException">The type cannot be created: an interface or abstract class nobody registered, several public constructors, or a dependency cycle.</exception>
    public T Resolve<T>()
        where T : class => (T)Resolve(typeof(T));

    /// <summary>Gets the scenario's instance of a type, creating it on first use.</summary>
    /// <param name="type">The type.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ConfigurationException">The type cannot be created (see <see cref="Resolve{T}"/>).</exception>
    public object Resolve(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ResolveLocked(type);
        }
    }

    private object ResolveLocked(Type type)
    {
        if (_instances.TryGetValue(type, out object? existing))
        {
            return existing;
        }

        if (type == typeof(CancellationToken))
        {
            return CancellationToken;
        }

        if (type.IsInterface || type.IsAbstract || type.IsValueType || type.IsPrimitive || type == typeof(string))
        {
            throw new ConfigurationException(
                $"The scenario container has no {type.Name} and cannot create one (it is {(type.IsInterface ? "an interface" : type.IsValueType ? "a value type" : "abstract")}). " +
                $"Register an instance in TestRunOptions.ConfigureScenario with container.RegisterInstance<{type.Name}>(...).{ChainText(type)}");
        }

        ConstructorInfo[] constructors = type.GetConstructors();
        if (constructors.Length != 1)
        {
            throw new ConfigurationException(
                $"{type.Name} has {constructors.Length} public constructors; the scenario container creates classes with exactly one. Remove the others or register an instance.{ChainText(type)}");
        }

        if (!_resolving.Add(type))
        {
            throw new ConfigurationException(
                $"Constructor dependency cycle: {string.Join(" -> ", _chain.Select(t => t.Name))} -> {type.Name}. Break it by injecting ScenarioContainer and resolving one side lazily.");
        }

        _chain.Add(type);
        try
        {
            ParameterInfo[] parameters = constructors[0].GetParameters();
            object?[] arguments = new object?[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                arguments[i] = ResolveLocked(parameters[i].ParameterType);
            }

            object instance;
            try
            {
                instance = constructors[0].Invoke(BindingFlags.DoNotWrapExceptions, null, arguments, null);
            }
            catch (Exception ex) when (ex is not NfvConformanceException)
            {
                throw new NfvConformanceException($"The constructor of {type.Name} threw {ex.GetType().Name}: {ex.Message}", Severity.Failure, ex);
            }

            _instances[type] = instance;
            _owned.Add(instance);
            return instance;
        }
        finally
        {
            _resolving.Remove(type);
            _chain.RemoveAt(_chain.Count - 1);
        }
    }

    private string ChainText(Type type) => _chain.Count == 0 ? string.Empty : $" Needed by: {string.Join(" -> ", _chain.Select(t => t.Name))} -> {type.Name}.";

    /// <summary>Disposes the created instances in reverse creation order; returns every disposal exception.</summary>
    internal async Task<List<Exception>> DisposeOwnedAsync()
    {
        List<object> owned;
        lock (_lock)
        {
            if (_disposed)
            {
                return [];
            }

            _disposed = true;
            owned = [.. _owned];
            _owned.Clear();
        }

        List<Exception> errors = [];
        for (int i = owned.Count - 1; i >= 0; i--)
        {
            try
            {
                switch (owned[i])
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                errors.Add(new NfvConformanceException($"Disposing {owned[i].GetType().Name} at scenario end threw {ex.GetType().Name}: {ex.Message}", Severity.Failure, ex));
            }
        }

        return errors;
    }
}
