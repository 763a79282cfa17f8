// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Inventory;

/// <summary>A facet: the hardware inventory behind the published capabilities, and the faults a test may inject.</summary>
public interface IHardwareInventory
{
    /// <summary>Gets the inventory as it stands now (VFs in use, links up or down).</summary>
    HardwareInventory Current { get; }

    /// <summary>Sets a NIC's link state, as if the device failed or recovered; the capability snapshot is republished.</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="nicName">The NIC name or PCI address.</param>
    /// <param name="up">The new state.</param>
    /// <returns>Every problem (an unknown node or NIC); empty when the state was set.</returns>
    IReadOnlyList<Errors.ValidationError> SetLinkState(string nodeId, string nicName, bool up);
}
