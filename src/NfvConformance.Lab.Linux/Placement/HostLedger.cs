// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Placement;

/// <summary>What placed instances hold on the host: dedicated CPUs, shared vCPUs, memory and huge pages, by instance.</summary>
internal sealed class HostLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Holding> _holdings = new(StringComparer.Ordinal);

    /// <summary>Gets the CPUs dedicated to instances now.</summary>
    public IReadOnlySet<int> DedicatedCpus
    {
        get
        {
            lock (_gate)
            {
                return _holdings.Values.SelectMany(h => h.DedicatedCpus).ToHashSet();
            }
        }
    }

    /// <summary>Gets the shared vCPUs held now.</summary>
    public int SharedVcpus
    {
        get
        {
            lock (_gate)
            {
                return _holdings.Values.Sum(h => h.SharedVcpus);
            }
        }
    }

    /// <summary>Gets the memory held, in MiB.</summary>
    public long MemoryMb
    {
        get
        {
            lock (_gate)
            {
                return _holdings.Values.Sum(h => h.MemoryMb);
            }
        }
    }

    /// <summary>Gets the huge-page memory held, in MiB.</summary>
    public long HugepagesMb
    {
        get
        {
            lock (_gate)
            {
                return _holdings.Values.Sum(h => h.HugepagesMb);
            }
        }
    }

    /// <summary>Records what an instance holds.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="holding">What it holds.</param>
    public void Hold(string instance, Holding holding)
    {
        lock (_gate)
        {
            _holdings[instance] = holding;
        }
    }

    /// <summary>Frees what an instance held.</summary>
    /// <param name="instance">The instance.</param>
    /// <returns>True when it held anything.</returns>
    public bool Free(string instance)
    {
        lock (_gate)
        {
            return _holdings.Remove(instance);
        }
    }

    /// <summary>What one instance holds.</summary>
    /// <param name="DedicatedCpus">Its dedicated CPUs.</param>
    /// <param name="SharedVcpus">Its shared vCPUs.</param>
    /// <param name="MemoryMb">Its memory.</param>
    /// <param name="HugepagesMb">Its huge pages.</param>
    internal sealed record Holding(IReadOnlyList<int> DedicatedCpus, int SharedVcpus, long MemoryMb, long HugepagesMb);
}
