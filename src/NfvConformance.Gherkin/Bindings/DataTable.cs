// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Gherkin.Bindings;

/// <summary>
/// A step's data table: the first row is the header, the others are data rows. Converts to typed objects by
/// matching headers to properties or constructor parameters, ignoring case and spaces (<c>Port Count</c> sets
/// <c>PortCount</c>).
/// </summary>
public sealed class DataTable
{
    private readonly string[] _header;
    private readonly DataTableRow[] _rows;

    /// <summary>Creates a table from a pickle's rows.</summary>
    /// <param name="rows">The rows; the first is the header.</param>
    /// <exception cref="ArgumentException">There are no rows or the rows have different widths.</exception>
    public DataTable(IReadOnlyList<PickleTableRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A data table needs at least a header row.", nameof(rows));
        }

        _header = rows[0].Cells.Select(c => c.Value).ToArray();
        Dictionary<string, int> index = new(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _header.Length; i++)
        {
            index.TryAdd(_header[i], i);
        }

        _rows = new DataTableRow[rows.Count - 1];
        for (int r = 1; r < rows.Count; r++)
        {
            string[] cells = rows[r].Cells.Select(c => c.Value).ToArray();
            if (cells.Length != _header.Length)
            {
                throw new ArgumentException($"Data table row {r + 1} has {cells.Length} cells; the header has {_header.Length}.", nameof(rows));
            }

            _rows[r - 1] = new DataTableRow(index, cells);
        }
    }

    /// <summary>Gets the header cells.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>Gets the data rows (the header excluded).</summary>
    public IReadOnlyList<DataTableRow> Rows => _rows;

    /// <summary>Gets the number of data rows.</summary>
    public int RowCount => _rows.Length;

    /// <summary>
    /// Creates one object from the table: a vertical table (two columns, <c>Field | Value</c> or
    /// <c>Property | Value</c> header, one row per member) or the single data row of a horizontal one.
    /// </summary>
    /// <typeparam name="T">A class or record with settable properties or one public constructor.</typeparam>
    /// <returns>The object.</returns>
    /// <exception cref="ConfigurationException">A column names no member of <typeparamref name="T"/>, or a value does not convert.</exception>
    public T CreateInstance<T>()
    {
        if (_header.Length == 2 && IsFieldHeader(_header[0]) && string.Equals(_header[1], "Value", StringComparison.OrdinalIgnoreCase))
        {
            Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
            foreach (DataTableRow row in _rows)
            {
                values[Normalize(row.Cells[0])] = row.Cells[1];
            }

            return Build<T>(values, "the vertical table");
        }

        if (_rows.Length != 1)
        {
            throw new ConfigurationException(
                $"CreateInstance<{typeof(T).Name}> needs a vertical table (Field | Value) or exactly one data row; this table has {_rows.Length} rows under | {string.Join(" | ", _header)} |. Use CreateSet<{typeof(T).Name}>() for several rows.");
        }

        return Build<T>(_rows[0].ToDictionary(_header), "row 1");
    }

    /// <summary>Creates one object per data row, the header naming the members.</summary>
    /// <typeparam name="T">A class or record with settable properties or one public constructor.</typeparam>
    /// <returns>The objects in row order.</returns>
    /// <exception cref="ConfigurationException">A column names no member of <typeparamref name="T"/>, or a value does not convert.</exception>
    public IReadOnlyList<T> CreateSet<T>()
    {
        List<T> set = new(_rows.Length);
        for (int r = 0; r < _rows.Length; r++)
        {
            set.Add(Build<T>(_rows[r].ToDictionary(_header), $"row {r + 1}"));
        }

        return set;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(Environment.NewLine, new[] { _header }.Concat(_rows.Select(r => r.Cells.ToArray())).Select(r => "| " + string.Join(" | ", r) + " |"));

    private static bool IsFieldHeader(string header) =>
        string.Equals(header, "Field", StringComparison.OrdinalIgnoreCase) || string.Equals(header, "Property", StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string name) => name.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);

    private static T Build<T>(Dictionary<string, string> rawValues, string where)
    {
        Type type = typeof(T);
        Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string value) in rawValues)
        {
            values[Normalize(key)] = value;
        }

        Dictionary<string, PropertyInfo> properties = new(StringComparer.OrdinalIgnoreCase);
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                properties.TryAdd(property.Name, property);
            }
        }

        ConstructorInfo? constructor = type.GetConstructor(Type.EmptyTypes);
        object?[] arguments = [];
        HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);
        if (constructor is null)
        {
            ConstructorInfo[] constructors = type.GetConstructors();
            constructor = constructors.FirstOrDefault(c => c.GetParameters().All(p => values.ContainsKey(p.Name!) || p.HasDefaultValue || IsNullable(p.ParameterType)))
                ?? throw new ConfigurationException(
                    $"Cannot create {type.Name} from {where}: no public constructor whose parameters are all columns (columns: {string.Join(", ", values.Keys)}).");
            ParameterInfo[] parameters = constructor.GetParameters();
            arguments = new object?[parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                ParameterInfo parameter = parameters[i];
                if (values.TryGetValue(parameter.Name!, out string? text))
                {
                    arguments[i] = Convert(text, parameter.ParameterType, type, parameter.Name!, where);
                    used.Add(parameter.Name!);
                }
                else
                {
                    arguments[i] = parameter.HasDefaultValue ? parameter.DefaultValue : null;
                }
            }
        }

        T instance = (T)constructor.Invoke(arguments);
        foreach ((string column, string text) in values)
        {
            if (used.Contains(column))
            {
                continue;
            }

            if (!properties.TryGetValue(column, out PropertyInfo? property) || property.SetMethod is not { IsPublic: true })
            {
                throw new ConfigurationException(
                    $"Cannot create {type.Name} from {where}: column \"{column}\" matches no settable property or constructor parameter. Settable: {string.Join(", ", properties.Values.Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name))}.");
            }

            property.SetValue(instance, Convert(text, property.PropertyType, type, column, where));
        }

        return instance;
    }

    private static bool IsNullable(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static object? Convert(string text, Type target, Type owner, string member, string where)
    {
        try
        {
            return ValueConverter.ConvertString(text, target);
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException($"Cannot set {owner.Name}.{member} from {where}: {ex.Message}", ex);
        }
    }
}

/// <summary>A data row of a <see cref="DataTable"/>.</summary>
public sealed class DataTableRow
{
    private readonly Dictionary<string, int> _index;
    private readonly string[] _cells;

    internal DataTableRow(Dictionary<string, int> index, string[] cells)
    {
        _index = index;
        _cells = cells;
    }

    /// <summary>Gets the cells in column order.</summary>
    public IReadOnlyList<string> Cells => _cells;

    /// <summary>Gets a cell by its header (case-insensitive).</summary>
    /// <param name="header">The column header.</param>
    /// <returns>The cell text.</returns>
    /// <exception cref="KeyNotFoundException">No column has that header; the message lists the headers.</exception>
    public string this[string header] => _index.TryGetValue(header, out int i)
        ? _cells[i]
        : throw new KeyNotFoundException($"The table has no column \"{header}\"; columns: {string.Join(", ", _index.Keys)}.");

    /// <summary>Gets a cell by its column index.</summary>
    /// <param name="column">The 0-based column.</param>
    /// <returns>The cell text.</returns>
    public string this[int column] => _cells[column];

    internal Dictionary<string, string> ToDictionary(string[] header)
    {
        Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            values[header[i]] = _cells[i];
        }

        return values;
    }
}
