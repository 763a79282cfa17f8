// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Inventory;

/// <summary>
/// A facet: the hardware inventory behind the published capabilities, and the faults a test may inject.
/// <see cref="Current"/> is the inventory the target holds (in-memory, synchronous); setting a link's state is I/O on
/// a real target (<c>ip link</c>) and is asynchronous, and a target refuses, as a value, a link it may not touch.
/// </summary>
public interface IHardwareInventory
{
    /// <summary>Gets the inventory as it stands now (VFs in use, links up or down).</summary>
    HardwareInventory Current { get; }

    /// <summary>Sets a NIC's link state, as if the device failed or recovered; the capability snapshot is republished.</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="nicName">The NIC name or PCI address.</param>
    /// <param name="up">The new state.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>Every problem (an unknown node or NIC, or a NIC the target may not touch); empty when the state was set.</returns>
    ValueTask<IReadOnlyList<Errors.ValidationError>> SetLinkStateAsync(string nodeId, string nicName, bool up, CancellationToken cancellationToken = default);
}
