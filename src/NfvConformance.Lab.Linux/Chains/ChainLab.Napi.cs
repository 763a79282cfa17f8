// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Lab.Linux.Placement;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>
/// The chain's receive work in threads of its own: every veth end of the kernel-steered chain (the steering side's
/// links and the built-in instances' interfaces, not the generator's own ends) receives through threaded NAPI, so a
/// frame crosses each hop in the NAPI kernel thread of the interface it enters, not in the per-CPU backlog.
/// </summary>
/// <remarks>
/// Measured side by side (tests/NfvConformance.Benchmarks/Traffic/chain-elements.sh, docs/performance.md): without it a
/// veth hands each frame to the backlog of the CPU it is sent on (1,000 frames for all of a CPU's receive work); the
/// chain's four receive passes per frame share that queue, and on a busy host the CPU's softirq work is deferred to
/// ksoftirqd, which competes with every other task, so the queue overflowed at 50-60 kpps while the chain's nftables
/// rules cost nothing measurable. A veth receives through NAPI when GRO is on; <c>threaded</c> then gives each interface a
/// kernel thread, <c>napi/&lt;interface&gt;-&lt;id&gt;</c>, whose name carries the run's token, so the lab can place
/// those threads on the device's CPUs (<see cref="PinReceiveThreads"/>). GRO merges nothing the chain forwards: UDP
/// is not merged on a forwarding path (<c>rx-udp-gro-forwarding</c> stays off) and the probes are TCP SYN and
/// SYN-ACK, which GRO never merges.
/// </remarks>
internal sealed partial class ChainLab
{
    private string? _napiRefused;

    /// <summary>Gets whether every veth end of the chain receives through threaded NAPI (false when a kernel refused it; see <see cref="ReceiveNote"/>).</summary>
    public bool ThreadedNapi => _built && SteeringMode == ChainSteering.Kernel && _napiRefused is null;

    /// <summary>Gets how the chain's interfaces receive, for reports.</summary>
    public string ReceiveNote => SteeringMode != ChainSteering.Kernel
        ? "the switch's own threads receive (Open vSwitch steering)"
        : _napiRefused is null
            ? "threaded NAPI set on every veth end of the chain (GRO on, napi/<interface> kernel threads); the kernel hands a forwarded frame to it only from a sending end with TSO off, and the ends keep TSO on, so most frames still cross the per-CPU backlog (docs/performance.md)"
            : "per-CPU backlog (threaded NAPI refused: " + _napiRefused + ")";

    /// <summary>
    /// Places the chain's NAPI threads on the given CPUs (the device's, away from the generator's). Threads of instances
    /// created since the last call are included: call it before each trial.
    /// </summary>
    /// <param name="cpus">The device's CPUs.</param>
    /// <returns>How many threads were placed; 0 when the chain does not receive through threaded NAPI.</returns>
    public int PinReceiveThreads(IReadOnlyList<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        if (!ThreadedNapi || cpus.Count == 0)
        {
            return 0;
        }

        int placed = 0;
        foreach (int tid in NapiThreads())
        {
            try
            {
                CpuPinning.SetAffinity(tid, cpus);
                placed++;
            }
            catch (IOException) when (!Directory.Exists($"/proc/{tid}"))
            {
                // The thread went with its interface (an instance deleted meanwhile).
            }
        }

        return placed;
    }

    /// <summary>Gets the ids of the run's NAPI kernel threads (<c>napi/&lt;token&gt;-…</c>).</summary>
    /// <returns>The thread ids.</returns>
    internal IReadOnlyList<int> NapiThreads()
    {
        string prefix = "napi/" + Table + "-";
        List<int> tids = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    tids.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while listed.
            }
        }

        return tids;
    }

    /// <summary>
    /// Turns GRO and threaded NAPI on for interfaces of one namespace of the chain (kernel steering only). A kernel
    /// that refuses it leaves the chain on the per-CPU backlog, with the reason in <see cref="ReceiveNote"/>.
    /// </summary>
    private async Task ThreadNapiAsync(string ns, IReadOnlyList<string> devices, CancellationToken cancellationToken)
    {
        if (SteeringMode != ChainSteering.Kernel || _napiRefused is not null)
        {
            return;
        }

        StringBuilder script = new("set -e\n");
        foreach (string d in devices)
        {
            script.Append(CultureInfo.InvariantCulture, $"ethtool -K {d} gro on\necho 1 > /sys/class/net/{d}/threaded\n");
        }

        ShellResult r = await Shell.RunAsync("ip", ["netns", "exec", ns, "sh", "-c", script.ToString()], cancellationToken).ConfigureAwait(false);
        if (!r.Succeeded)
        {
            _napiRefused = $"{ns}: {(r.Stderr.Length > 0 ? r.Stderr : r.Stdout).Trim()}";
        }
    }
}
