// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Capabilities;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Generator;

/// <summary>
/// <c>--set traffic=trex://HOST:PORT</c> for any target: the target's <see cref="ITrafficGeneration"/> facet becomes a
/// <see cref="TrexGenerator"/> on that server; every other facet is the target's own.
/// </summary>
public static class TrexTraffic
{
    /// <summary>The setting's key.</summary>
    public const string Setting = "traffic";

    /// <summary>Wraps a factory so that <c>traffic=trex://...</c> selects TRex; other values pass through to the target.</summary>
    /// <param name="inner">The target's factory.</param>
    /// <returns>The wrapping factory.</returns>
    public static ILabTargetFactory Wrap(ILabTargetFactory inner) => new Factory(inner ?? throw new ArgumentNullException(nameof(inner)));

    private static bool IsTrex(LabTargetOptions options, out string value) =>
        options.Settings.TryGetValue(Setting, out value!) && value.StartsWith("trex://", StringComparison.OrdinalIgnoreCase);

    private static LabTargetOptions Without(LabTargetOptions o) => new()
    {
        Profile = o.Profile,
        Seed = o.Seed,
        Catalogue = o.Catalogue,
        Settings = o.Settings.Where(kv => kv.Key != Setting).ToDictionary(kv => kv.Key, kv => kv.Value),
    };

    private sealed class Factory(ILabTargetFactory inner) : ILabTargetFactory
    {
        public string Name => inner.Name;

        public string Description => inner.Description;

        public IReadOnlyList<ValidationError> Validate(LabTargetOptions options)
        {
            if (!IsTrex(options, out string value))
            {
                return inner.Validate(options);
            }

            List<ValidationError> errors = [.. inner.Validate(Without(options))];
            try
            {
                TrexEndpoint.Parse(value, "--set traffic");
            }
            catch (ConfigurationException ex)
            {
                errors.Add(new ValidationError(true, ex.Message, "settings." + Setting));
            }

            return errors;
        }

        public ILabTarget Create(LabTargetOptions options) =>
            IsTrex(options, out string value) ? new Target(inner.Create(Without(options)), TrexEndpoint.Parse(value, "--set traffic")) : inner.Create(options);
    }

    private sealed class Target(ILabTarget inner, TrexEndpoint endpoint) : ILabTarget
    {
        private TrexGenerator? _generator;

        public string Name => inner.Name;

        public string Profile => inner.Profile;

        public async ValueTask StartAsync(CancellationToken cancellationToken = default)
        {
            await inner.StartAsync(cancellationToken).ConfigureAwait(false);
            _generator ??= await Task.Run(() => TrexGenerator.Connect(endpoint), cancellationToken).ConfigureAwait(false);
        }

        public ValueTask<CapabilitySnapshot> DiscoverAsync(CancellationToken cancellationToken = default) => inner.DiscoverAsync(cancellationToken);

        public TFeature? GetFeature<TFeature>()
            where TFeature : class =>
            typeof(TFeature) == typeof(ITrafficGeneration) ? _generator as TFeature : inner.GetFeature<TFeature>();

        public async ValueTask DisposeAsync()
        {
            _generator?.Dispose();
            await inner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
