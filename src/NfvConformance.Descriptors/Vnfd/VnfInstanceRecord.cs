// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Lifecycle;

namespace NfvConformance.Descriptors.Vnfd;

/// <summary>What a lifecycle manager keeps of one VNF instance: its descriptor, configuration, components and whether it is terminated.</summary>
/// <typeparam name="TVnfc">The manager's record of a component.</typeparam>
/// <param name="id">The instance id.</param>
/// <param name="descriptor">The descriptor it runs.</param>
/// <param name="configuration">Its configuration.</param>
/// <param name="unitOf">The deployment unit a component belongs to.</param>
public sealed class VnfInstanceRecord<TVnfc>(string id, VnfDescriptor descriptor, Dictionary<string, string> configuration, Func<TVnfc, string> unitOf)
{
    /// <summary>Gets the instance id.</summary>
    public string Id { get; } = id;

    /// <summary>Gets or sets the descriptor it runs (changed by an upgrade).</summary>
    public VnfDescriptor Descriptor { get; set; } = descriptor;

    /// <summary>Gets its configuration.</summary>
    public Dictionary<string, string> Configuration { get; } = configuration;

    /// <summary>Gets its running components, in start order.</summary>
    public List<TVnfc> Vnfcs { get; } = [];

    /// <summary>Gets or sets a value indicating whether it is terminated.</summary>
    public bool Terminated { get; set; }

    /// <summary>Counts the running components of a deployment unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>The count.</returns>
    public int Count(string unit) => Vnfcs.Count(v => unitOf(v) == unit);
}
