// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Chains;

/// <summary>A vendor's VNF (<c>--vnf FILE</c>) running as one instance of the lab, in place of the built-in function.</summary>
internal sealed class VendorHop
{
    public VendorHop(IChainHopRealiser realiser, ChainHopRequest request, ChainHop hop)
    {
        Realiser = realiser;
        Request = request;
        Hop = hop;
    }

    public IChainHopRealiser Realiser { get; }

    public ChainHopRequest Request { get; }

    public ChainHop Hop { get; }

    public VnfPackage Package => Request.Package;

    /// <summary>Gets the interface on the ingress (steering-to-instance) side: the unit's first connection point.</summary>
    public string Ingress => Package.Unit.ConnectionPoints[0].Name;

    /// <summary>Gets the interface on the egress side: the unit's second connection point.</summary>
    public string Egress => Package.Unit.ConnectionPoints[1].Name;

    /// <summary>Says what the hop really is, for the report: the vendor's id, version, provider, kind and file.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Describe(Package);

    public static string Describe(VnfPackage package)
    {
        string provider = package.Descriptor.Provider is { Length: > 0 } p ? $" by {p}" : string.Empty;
        string kind = package.Realisation.Kind switch
        {
            RealisationKind.Container => "container " + package.Unit.Image,
            RealisationKind.VirtualMachine => "vm",
            _ => "netns commands",
        };
        return $"vendor VNF {package.Descriptor.Id} {package.Descriptor.Version}{provider} ({kind}; {package.File})";
    }
}

/// <summary>
/// Vendor hops: a port pair whose function a <c>--vnf</c> descriptor names is realised by the vendor's unit (netns
/// commands here, containers and VMs by an <see cref="IChainHopRealiser"/> facet of the workloads extension). The lab
/// still owns the namespace's name, the veths (named after the unit's connection points), the steering and its own
/// proof-of-path table in the namespace; the vendor's commands do the rest (addresses, forwarding, routes, rules).
/// </summary>
internal sealed partial class ChainLab
{
    private readonly IReadOnlyList<VnfPackage> _vendors = [];
    private readonly Func<IEnumerable<IChainHopRealiser>> _realisers = () => [];
    private readonly List<ValidationError> _vendorProblems = [];
    private NetnsHopRealiser? _netnsRealiser;

    /// <summary>Initializes a new instance of the <see cref="ChainLab"/> class with vendor VNFs in place of built-in functions.</summary>
    /// <param name="run">The run.</param>
    /// <param name="vendors">The descriptors given with <c>--vnf</c>.</param>
    /// <param name="realisers">The realisers of container and VM units the target offers (read when a hop is created).</param>
    /// <param name="steering">How the lab steers between instances.</param>
    public ChainLab(LabRun run, IReadOnlyList<VnfPackage> vendors, Func<IEnumerable<IChainHopRealiser>> realisers, ChainSteering steering = ChainSteering.Kernel)
        : this(run, steering)
    {
        _vendors = vendors;
        _realisers = realisers;
    }

    /// <summary>Gets the descriptors given with <c>--vnf</c>.</summary>
    public IReadOnlyList<VnfPackage> Vendors => _vendors;

    /// <summary>Names the built-in implementation of a function, for the report.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The description.</returns>
    public static string BuiltIn(InstanceFunction function) => function switch
    {
        InstanceFunction.Firewall => "built-in firewall (nftables ct state in a namespace)",
        InstanceFunction.Nat44 => "built-in nat44 (nftables masquerade in a namespace)",
        InstanceFunction.L2 => "built-in l2 (a Linux bridge in a namespace)",
        _ => "built-in router (kernel forwarding in a namespace)",
    };

    /// <summary>Names what realises an instance of a tap group, for the report.</summary>
    public const string TapBuiltIn = "built-in tap monitor (a namespace counting the copies the steering namespace duplicates to it with nftables dup)";

    /// <summary>Gets, per port pair of the lab, which implementation realises it (the vendor's, or the built-in one).</summary>
    /// <returns>Port pair to description.</returns>
    public IReadOnlyDictionary<string, string> Implementations() =>
        _instances.Values.OrderBy(i => i.Index).ToDictionary(i => i.PortPair, i => i.Vendor?.Describe() ?? (i.Tap ? TapBuiltIn : i.IsDpdk ? DpdkBuiltIn(i) : BuiltIn(i.Function)), StringComparer.Ordinal);

    /// <summary>Returns the vendor descriptor that replaces a function, or null when the built-in one runs.</summary>
    /// <param name="function">The function.</param>
    /// <returns>The descriptor, or null.</returns>
    public VnfPackage? VendorFor(InstanceFunction function) =>
        _vendors.FirstOrDefault(p => p.Function is { } name && ChainPlan.TryParseFunction(name, out InstanceFunction f) && f == function);

    /// <summary>Checks that every vendor hop a plan needs can be realised here (two connection points, a realiser of its kind).</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>Every problem.</returns>
    public IReadOnlyList<ValidationError> CheckVendors(ChainPlan plan)
    {
        List<ValidationError> problems = [];
        foreach (PortPairFunction pf in plan.Spec.PortPairs.Select(p => new PortPairFunction(p.Name, ChainPlan.TryParseFunction(p.ServiceFunction, out InstanceFunction f) ? f : null)))
        {
            if (pf.Function is not { } function || VendorFor(function) is not { } package)
            {
                continue;
            }

            if (package.Unit.ConnectionPoints.Count != 2)
            {
                problems.Add(new ValidationError(true, $"{package.File}: a VNF that replaces a chain function has two connection points, ingress first, then egress (it has {package.Unit.ConnectionPoints.Count}); list exactly two.", pf.PortPair));
            }

            if (package.Realisation.Kind != RealisationKind.Netns && !_realisers().Any(r => r.Kind == package.Realisation.Kind))
            {
                problems.Add(new ValidationError(true, $"{package.File}: the linux target has no realiser for {package.Realisation.Kind} units (the workloads extension offers it; is Docker or QEMU available?).", pf.PortPair));
            }
        }

        return problems;
    }

    /// <summary>Returns and forgets what went wrong with vendor hops since the last call (a unit that had to be killed).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<ValidationError> TakeVendorProblems()
    {
        ValidationError[] problems = [.. _vendorProblems];
        _vendorProblems.Clear();
        return problems;
    }

    /// <summary>Gets the placeholders of an instance's commands: its addresses and the steering namespace's on each side.</summary>
    /// <param name="k">The instance number.</param>
    /// <returns>Placeholder to value.</returns>
    internal static IReadOnlyDictionary<string, string> Placeholders(int k) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["{left_ip}"] = InAddr(k, 2) + "/30",
        ["{right_ip}"] = OutAddr(k, 2) + "/30",
        ["{left_addr}"] = InAddr(k, 2),
        ["{right_addr}"] = OutAddr(k, 2),
        ["{left_prev}"] = InAddr(k, 1),
        ["{right_next}"] = OutAddr(k, 1),

        // A hop is a bump in the wire: any destination leaves on the right, any source is answered on the left.
        ["{src_net}"] = "0.0.0.0/0",
        ["{dst_net}"] = "0.0.0.0/0",
        ["{mark}"] = k.ToString(CultureInfo.InvariantCulture),
    };

    private string IngressOf(LabInstance i) => i.Vendor?.Ingress ?? If("in");

    private string EgressOf(LabInstance i) => i.Vendor?.Egress ?? If("out");

    private async Task<VendorHop> StartVendorAsync(VnfPackage package, string portPair, string ns, int k, CancellationToken cancellationToken)
    {
        IChainHopRealiser realiser = package.Realisation.Kind == RealisationKind.Netns
            ? _netnsRealiser ??= new NetnsHopRealiser(this)
            : _realisers().FirstOrDefault(r => r.Kind == package.Realisation.Kind)
                ?? throw new ConfigurationException($"{package.File}: the linux target has no realiser for {package.Realisation.Kind} units.");
        IReadOnlyDictionary<string, string> values = Placeholders(k);
        string[] commands = [.. package.Realisation.Commands.Select(c => values.Aggregate(c, (s, kv) => s.Replace(kv.Key, kv.Value, StringComparison.Ordinal)))];
        ChainHopRequest request = new(package, "vnf-" + Sanitize(portPair), ns, commands);
        ChainHop hop = await realiser.StartAsync(request, cancellationToken).ConfigureAwait(false);
        VendorHop vendor = new(realiser, request, hop);
        if (hop.Pid > 0)
        {
            // The lab reaches every namespace by name: bind the runtime's namespace (container, VM) to the lab's name.
            ShellResult attach = await Shell.RunAsync("ip", ["netns", "attach", ns, hop.Pid.ToString(CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
            if (!attach.Succeeded)
            {
                await StopVendorAsync(vendor, portPair, CancellationToken.None).ConfigureAwait(false);
                _ = attach.OrThrow();
            }
        }

        return vendor;
    }

    private async Task StopVendorAsync(VendorHop vendor, string portPair, CancellationToken cancellationToken)
    {
        bool inTime = await vendor.Realiser.StopAsync(vendor.Request, vendor.Hop, cancellationToken).ConfigureAwait(false);
        if (!inTime)
        {
            _vendorProblems.Add(new ValidationError(
                true,
                $"{vendor.Describe()} did not stop within its grace period of {vendor.Package.Realisation.StopGraceSeconds} s after SIGTERM and had to be killed (SIGKILL); a VNF must end on SIGTERM (handle it in PID 1, or run under an init such as tini).",
                portPair));
        }
    }

    private async Task SaveOrRestoreVendorRoutesAsync(LabInstance i, bool save, CancellationToken cancellationToken)
    {
        string file = _run.StatePath(string.Create(CultureInfo.InvariantCulture, $"routes-{i.Index}.txt"));
        if (!save && !File.Exists(file))
        {
            return;
        }

        // The routes the unit added (not the kernel's local, broadcast and connected ones), one per line, put back
        // with 'ip route replace' once the interfaces are up again (the connected routes come back by themselves).
        string script = save
            ? $"ip -4 route show table all | grep -v -e '^local ' -e '^broadcast ' -e 'proto kernel' > {file} || true"
            : $"while read -r route; do ip route replace $route; done < {file}; rm -f {file}";
        _ = (await Shell.RunAsync("ip", ["netns", "exec", i.Namespace, "sh", "-c", script], cancellationToken).ConfigureAwait(false)).OrThrow();
    }

    private static string Sanitize(string name)
    {
        StringBuilder sb = new();
        foreach (char c in name.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return sb.ToString();
    }

    private sealed record PortPairFunction(string PortPair, InstanceFunction? Function);

    /// <summary>The netns kind, realised by the lab itself: a namespace of the lab's, the vendor's commands run in it with the host's tools.</summary>
    private sealed class NetnsHopRealiser(ChainLab lab) : IChainHopRealiser
    {
        public RealisationKind Kind => RealisationKind.Netns;

        public async Task<ChainHop> StartAsync(ChainHopRequest request, CancellationToken cancellationToken = default)
        {
            // Forwarding off: a vendor's function forwards only if its own commands say so.
            await lab.AddNamespaceAsync(request.Namespace, forwarding: false, cancellationToken).ConfigureAwait(false);
            return new ChainHop(request.Namespace, 0);
        }

        public async Task ActivateAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default)
        {
            foreach (string command in request.Commands)
            {
                ShellResult r = await Shell.RunAsync("ip", ["netns", "exec", request.Namespace, "sh", "-c", command], cancellationToken).ConfigureAwait(false);
                if (!r.Succeeded)
                {
                    throw new ConfigurationException($"{request.Package.File}: command '{command}' failed in namespace {request.Namespace} (exit {r.ExitCode}): {r.Stderr.Trim()}");
                }
            }
        }

        public async Task<bool> StopAsync(ChainHopRequest request, ChainHop hop, CancellationToken cancellationToken = default)
        {
            // What the commands left running lives in the namespace: SIGTERM, then SIGKILL after the grace period.
            string pids = (await Shell.RunAsync("ip", ["netns", "pids", request.Namespace], cancellationToken).ConfigureAwait(false)).Stdout;
            int[] running = [.. pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
            if (running.Length == 0)
            {
                return true;
            }

            TimeSpan grace = TimeSpan.FromSeconds(request.Package.Realisation.StopGraceSeconds);
            IReadOnlyList<int> killed = await Task.Run(
                () =>
                {
                    _ = HostProcesses.Terminate(running, grace, out IReadOnlyList<int> late);
                    return late;
                },
                cancellationToken).ConfigureAwait(false);
            return killed.Count == 0;
        }
    }
}
