// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Reflection;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.LoadBalancing;
using NfvConformance.Emulator.TenantNetworking;
using NfvConformance.Emulator.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.ServiceExposure;

namespace NfvConformance.Emulator;

/// <summary>
/// The options of the emulator's areas: the container platform, service exposure, tenant networking and the
/// load-balancer service. <see cref="EmulatorBuilder"/> takes them whole; <c>nfvc run --set AREA.OPTION=VALUE</c>
/// sets one (for example <c>tenant-networking.encrypt-underlay=false</c>).
/// </summary>
public sealed record EmulatorAreaOptions
{
    /// <summary>The setting prefix of the container platform's options.</summary>
    public const string ContainerPlatformArea = "container-platform";

    /// <summary>The setting prefix of the service exposure options.</summary>
    public const string ServiceExposureArea = "service-exposure";

    /// <summary>The setting prefix of the tenant networking options.</summary>
    public const string TenantNetworkingArea = "tenant-networking";

    /// <summary>The setting prefix of the load-balancer service's options.</summary>
    public const string LoadBalancingArea = "load-balancing";

    /// <summary>Gets the container platform's options.</summary>
    public ContainerPlatformOptions ContainerPlatform { get; init; } = new();

    /// <summary>Gets the service exposure options.</summary>
    public ServiceExposureOptions ServiceExposure { get; init; } = new();

    /// <summary>Gets the tenant networking options.</summary>
    public TenantNetworkingOptions TenantNetworking { get; init; } = new();

    /// <summary>Gets the load-balancer service's options.</summary>
    public LoadBalancerEmulationOptions LoadBalancing { get; init; } = new();

    /// <summary>Gets the setting prefixes, one per area.</summary>
    public static IReadOnlyList<string> Areas { get; } = [ContainerPlatformArea, ServiceExposureArea, TenantNetworkingArea, LoadBalancingArea];

    /// <summary>Tells whether a setting key names an area option (<c>AREA.OPTION</c>).</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when it starts with an area prefix.</returns>
    public static bool IsAreaSetting(string key) => Areas.Any(a => AreaNames.CurrentSettingKey(key).StartsWith(a + ".", StringComparison.Ordinal));

    /// <summary>Gets every settable option as <c>AREA.OPTION</c>, for help and error messages.</summary>
    /// <returns>The keys.</returns>
    public static IEnumerable<string> Keys() =>
        Areas.SelectMany(a => Settable(AreaType(a)).Select(p => $"{a}.{Kebab(p.Name)}"));

    /// <summary>Returns these options with one setting applied.</summary>
    /// <param name="key"><c>AREA.OPTION</c>, the option in kebab case (<c>tenant-networking.default-mtu</c>).</param>
    /// <param name="value">The value: <c>true</c>/<c>false</c>, a number, a duration (<c>50ms</c>, <c>2s</c>) or a comma-separated list.</param>
    /// <param name="error">Why it could not be applied, or null.</param>
    /// <returns>The new options (these when it could not be applied).</returns>
    public EmulatorAreaOptions With(string key, string value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);

        // A setting written before its area was renamed (docs/areas.md) still applies.
        key = AreaNames.CurrentSettingKey(key);
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        string area = dot < 0 ? key : key[..dot];
        if (dot < 0 || !Areas.Contains(area))
        {
            error = $"'{key}' names no area; write AREA.OPTION with AREA one of {string.Join(", ", Areas)}.";
            return this;
        }

        Type type = AreaType(area);
        string option = key[(dot + 1)..];
        PropertyInfo? property = Settable(type).FirstOrDefault(p => Kebab(p.Name) == option);
        if (property is null)
        {
            error = $"unknown option '{option}' of {area}; known: {string.Join(", ", Settable(type).Select(p => Kebab(p.Name)))}.";
            return this;
        }

        if (!TryParse(property.PropertyType, value, out object? parsed))
        {
            error = $"{key} = '{value}' is not {Describe(property.PropertyType)}.";
            return this;
        }

        object current = area switch
        {
            ContainerPlatformArea => ContainerPlatform,
            ServiceExposureArea => ServiceExposure,
            TenantNetworkingArea => TenantNetworking,
            _ => LoadBalancing,
        };
        object copy = type.GetMethod("<Clone>$")!.Invoke(current, null)!;
        property.SetValue(copy, parsed);
        error = null;
        return area switch
        {
            ContainerPlatformArea => this with { ContainerPlatform = (ContainerPlatformOptions)copy },
            ServiceExposureArea => this with { ServiceExposure = (ServiceExposureOptions)copy },
            TenantNetworkingArea => this with { TenantNetworking = (TenantNetworkingOptions)copy },
            _ => this with { LoadBalancing = (LoadBalancerEmulationOptions)copy },
        };
    }

    /// <summary>Applies every area setting of a target's settings.</summary>
    /// <param name="settings">The settings (others are ignored).</param>
    /// <param name="errors">Where problems go, one per bad setting.</param>
    /// <returns>The options.</returns>
    public static EmulatorAreaOptions From(IReadOnlyDictionary<string, string> settings, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(errors);
        EmulatorAreaOptions options = new();
        foreach ((string key, string value) in settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (IsAreaSetting(key))
            {
                options = options.With(key, value, out string? error);
                if (error is not null)
                {
                    errors.Add(new ValidationError(true, error, $"settings.{key}"));
                }
            }
        }

        return options;
    }

    private static Type AreaType(string area) => area switch
    {
        ContainerPlatformArea => typeof(ContainerPlatformOptions),
        ServiceExposureArea => typeof(ServiceExposureOptions),
        TenantNetworkingArea => typeof(TenantNetworkingOptions),
        _ => typeof(LoadBalancerEmulationOptions),
    };

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && Describe(p.PropertyType).Length > 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal);

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number"
        : type == typeof(TimeSpan) ? "a duration such as 50ms, 2s or 00:00:02"
        : type == typeof(string) ? "a text"
        : type == typeof(IReadOnlyList<string>) ? "a comma-separated list"
        : string.Empty;

    private static bool TryParse(Type type, string text, out object? value)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        text = text.Trim();
        value = null;
        if (type == typeof(bool) && bool.TryParse(text, out bool b))
        {
            value = b;
        }
        else if (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, c, out int i))
        {
            value = i;
        }
        else if (type == typeof(long) && long.TryParse(text, NumberStyles.Integer, c, out long l))
        {
            value = l;
        }
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, c, out double d))
        {
            value = d;
        }
        else if (type == typeof(TimeSpan) && TryDuration(text, out TimeSpan t))
        {
            value = t;
        }
        else if (type == typeof(string))
        {
            value = text;
        }
        else if (type == typeof(IReadOnlyList<string>))
        {
            value = (IReadOnlyList<string>)[.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return value is not null;
    }

    private static bool TryDuration(string text, out TimeSpan value)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        (string suffix, double scale)[] units = [("ms", 1e-3), ("us", 1e-6), ("s", 1), ("m", 60)];
        foreach ((string suffix, double scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, c, out double n) && n >= 0)
            {
                value = TimeSpan.FromSeconds(n * scale);
                return true;
            }
        }

        return TimeSpan.TryParse(text, c, out value) && value >= TimeSpan.Zero;
    }

    private static string Kebab(string name)
    {
        StringBuilder sb = new(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
