// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Core.Targets;

/// <summary>
/// The targets a user can pick with <c>--target NAME</c>. It knows no target itself: the composition root (the
/// <c>nfvc</c> CLI) fills it with the factories of the emulator and the real labs, so that the framework and the step
/// bindings stay target-agnostic.
/// </summary>
public sealed class TargetRegistry
{
    private readonly Dictionary<string, ILabTargetFactory> _factories;

    /// <summary>Creates a registry of the given factories.</summary>
    /// <param name="factories">The factories; names must be unique.</param>
    public TargetRegistry(IEnumerable<ILabTargetFactory> factories)
    {
        _factories = new Dictionary<string, ILabTargetFactory>(StringComparer.OrdinalIgnoreCase);
        foreach (ILabTargetFactory factory in factories)
        {
            _factories.Add(factory.Name, factory);
        }
    }

    /// <summary>Gets the known target names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Gets the known factories, sorted by name.</summary>
    public IReadOnlyList<ILabTargetFactory> Factories => [.. _factories.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>Finds a factory by name (case-insensitive).</summary>
    /// <param name="name">The target name.</param>
    /// <param name="factory">The factory.</param>
    /// <returns>True when known.</returns>
    public bool TryGet(string name, out ILabTargetFactory factory) => _factories.TryGetValue(name, out factory!);

    /// <summary>Finds a factory by name, or throws an error that lists the known targets.</summary>
    /// <param name="name">The target name.</param>
    /// <returns>The factory.</returns>
    /// <exception cref="ConfigurationException">The name is unknown.</exception>
    public ILabTargetFactory Get(string name)
    {
        if (!TryGet(name, out ILabTargetFactory factory))
        {
            string known = string.Join(Environment.NewLine, Factories.Select(f => $"  {f.Name,-12} {f.Description}"));
            throw new ConfigurationException($"Unknown target '{name}'. Known targets:{Environment.NewLine}{known}{Environment.NewLine}Pass one of them with --target.");
        }

        return factory;
    }
}
