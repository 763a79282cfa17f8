// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Gherkin.Expressions;

/// <summary>The parameter types a Cucumber Expression may name: the built-ins plus custom ones.</summary>
internal sealed class ParameterTypeRegistry
{
    private readonly Dictionary<string, ParameterType> _types = new(StringComparer.Ordinal);

    public ParameterTypeRegistry()
    {
        foreach (ParameterType type in ParameterType.BuiltIns)
        {
            _types.Add(type.Name, type);
        }
    }

    /// <summary>Adds a custom type.</summary>
    /// <returns>False when the name is taken (by a built-in or an earlier custom type).</returns>
    public bool TryAdd(ParameterType type) => _types.TryAdd(type.Name, type);

    public bool TryGet(string name, out ParameterType type) => _types.TryGetValue(name, out type!);

    public IEnumerable<string> Names => _types.Keys;
}
