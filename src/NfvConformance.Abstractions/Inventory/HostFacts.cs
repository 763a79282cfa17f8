// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Inventory;

/// <summary>
/// A PCI Express slot of a host, as <c>dmidecode -t 9</c> (System Slots) and the slot's <c>lspci -vv</c> LnkCap line
/// report it: a designation, the maximum link speed in GT/s and the link width in lanes.
/// </summary>
/// <param name="Designation">The slot designation (for example <c>CPU1 SLOT2 PCI-E 4.0 X16</c>).</param>
/// <param name="MaxSpeedGts">The slot's maximum link speed in GT/s (2.5, 5, 8, 16, 32, 64), LnkCap "Speed".</param>
/// <param name="Lanes">The slot's link width in lanes, LnkCap "Width xN".</param>
/// <param name="BusAddress">The PCI bus address of the device in the slot (<c>0000:3b:00</c>), or null when empty.</param>
public sealed record PciSlotInfo(string Designation, double MaxSpeedGts, int Lanes, string? BusAddress = null)
{
    /// <summary>Gets the PCIe generation the slot's link speed implies (8 GT/s is Gen 3, 16 GT/s Gen 4); 0 when unknown.</summary>
    public int Generation => MaxSpeedGts switch
    {
        >= 64 => 6,
        >= 32 => 5,
        >= 16 => 4,
        >= 8 => 3,
        >= 5 => 2,
        >= 2.5 => 1,
        _ => 0,
    };

    /// <summary>Tells whether a PCI function (<c>0000:3b:00.1</c>) sits in this slot (same domain, bus and device).</summary>
    /// <param name="functionAddress">The function's address.</param>
    /// <returns>True when the slot holds the device of that function.</returns>
    public bool Holds(string functionAddress)
    {
        ArgumentNullException.ThrowIfNull(functionAddress);
        if (BusAddress is null)
        {
            return false;
        }

        int dot = functionAddress.LastIndexOf('.');
        string device = dot < 0 ? functionAddress : functionAddress[..dot];
        return string.Equals(device, BusAddress, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>One virtualisation layer on a host (a hypervisor or a container platform) and its version.</summary>
/// <param name="Technology">The technology (<c>KVM</c>, <c>Kubernetes</c>, <c>Hyper-V</c>).</param>
/// <param name="Version">Its version as the host reports it (<c>QEMU 8.2.2</c>, <c>v1.30.2</c>).</param>
public sealed record VirtualisationLayer(string Technology, string Version);

/// <summary>
/// The software a host reports about itself: <c>/etc/os-release</c> (NAME, VERSION_ID), <c>uname -r</c> and
/// <c>uname -v</c>, <c>/proc/cmdline</c>, and the virtualisation layers running on it.
/// </summary>
/// <param name="OsName">The operating system, os-release NAME (for example <c>Ubuntu</c>).</param>
/// <param name="OsVersion">The version, os-release VERSION_ID (for example <c>22.04</c>).</param>
/// <param name="KernelRelease">The kernel release, <c>uname -r</c>.</param>
/// <param name="KernelVersion">The kernel build string, <c>uname -v</c> (it names the preemption model, e.g. <c>PREEMPT_RT</c>).</param>
/// <param name="KernelCmdline">The kernel command line, <c>/proc/cmdline</c>.</param>
/// <param name="Virtualisation">The virtualisation layers in use on the host.</param>
public sealed record HostSoftware(
    string OsName,
    string OsVersion,
    string KernelRelease,
    string KernelVersion,
    string KernelCmdline,
    IReadOnlyList<VirtualisationLayer> Virtualisation)
{
    /// <summary>Gets the host OS as one string, <c>NAME VERSION_ID</c>.</summary>
    public string OperatingSystem => $"{OsName} {OsVersion}";

    /// <summary>Gets the virtualisation layers as one string, <c>Technology Version</c> joined by commas.</summary>
    public string VirtualisationDescription => string.Join(", ", Virtualisation.Select(v => $"{v.Technology} {v.Version}"));

    /// <summary>Tells whether the kernel was built with full real-time preemption (<c>PREEMPT_RT</c> in <c>uname -v</c>).</summary>
    public bool PreemptRt => KernelVersion.Contains("PREEMPT_RT", StringComparison.Ordinal);

    /// <summary>Returns the value of a kernel command-line parameter (<c>isolcpus</c>, <c>nohz_full</c>), or null when absent.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value (empty for a flag without value), or null.</returns>
    public string? CmdlineParameter(string name)
    {
        foreach (string token in KernelCmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? token : token[..eq];
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return eq < 0 ? string.Empty : token[(eq + 1)..];
            }
        }

        return null;
    }
}

/// <summary>
/// Hardware time-stamping of a NIC, as <c>ethtool -T</c> reports it, and its Synchronous Ethernet support (a DPLL
/// the port's recovered clock can drive, as the kernel's DPLL netlink interface reports it).
/// </summary>
/// <param name="Capabilities">The time-stamping capabilities (<c>hardware-transmit</c>, <c>hardware-receive</c>, <c>hardware-raw-clock</c>, <c>software-transmit</c>...).</param>
/// <param name="PtpClockIndex">The PTP hardware clock index (<c>/dev/ptpN</c>), or null when the NIC has none.</param>
/// <param name="SyncE">True when the port can recover and drive Synchronous Ethernet frequency (ITU-T G.8262).</param>
public sealed record NicTimestamping(IReadOnlyList<string> Capabilities, int? PtpClockIndex, bool SyncE)
{
    /// <summary>Gets a value telling whether the NIC time-stamps in hardware both ways and has a PTP hardware clock.</summary>
    public bool PtpHardwareClock =>
        PtpClockIndex is not null
        && Capabilities.Contains("hardware-transmit", StringComparer.Ordinal)
        && Capabilities.Contains("hardware-receive", StringComparer.Ordinal);
}
