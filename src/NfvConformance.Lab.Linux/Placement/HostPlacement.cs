// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Lab.Linux.Discovery;
using NfvConformance.Lab.Linux.Host;
using NfvConformance.Lab.Linux.Negotiation;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Placement;

/// <summary>
/// Places instances on the host for real: each instance is a network namespace named with the run id, holding one
/// veth per connection point (its own MAC and IP; the host end is the port), and a process pinned to the CPUs and
/// NUMA node the negotiation decided (a cpuset cgroup and the affinity of every thread): <c>sleep</c> for a
/// container, a QEMU process (TCG, paused: there is no guest image) with its vCPUs and memory for a VM. What an
/// instance is pinned to is read back from <c>/proc</c> each time <see cref="Instances"/> is read. All or nothing.
/// Placements and releases run one at a time (they share the ledger); each awaits its commands and processes.
/// </summary>
internal sealed class HostPlacement : IPlacement, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly LabRun _run;
    private readonly HostPublisher _publisher;
    private readonly HostLedger _ledger;
    private readonly List<Realised> _instances = [];
    private int _sequence;
    private int _portSequence;

    /// <summary>Creates the placement service.</summary>
    /// <param name="run">The lab run (names carry its id).</param>
    /// <param name="publisher">The host as discovered.</param>
    /// <param name="ledger">What instances hold (shared with the negotiator).</param>
    public HostPlacement(LabRun run, HostPublisher publisher, HostLedger ledger)
    {
        _run = run;
        _publisher = publisher;
        _ledger = ledger;
    }

    /// <inheritdoc />
    public IReadOnlyList<PlacedInstance> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Select(i => i.ReadBack())];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<PlacementResult> PlaceAsync(PlacementRequest request, CancellationToken cancellationToken = default) =>
        PlaceAllAsync([request], cancellationToken);

    /// <inheritdoc />
    public async ValueTask<PlacementResult> PlaceAllAsync(IReadOnlyList<PlacementRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            HostNode node = _publisher.Node;
            HostNegotiator.Free free = HostNegotiator.Free.Of(node, _ledger);
            List<ValidationError> problems = [];
            List<NegotiationResult> negotiations = [];
            List<Plan> plans = [];
            foreach (PlacementRequest request in requests)
            {
                problems.AddRange(Validate(request, node));
                for (int i = 0; i < request.Instances && problems.Count == 0; i++)
                {
                    if (request.AntiAffinity && i > 0)
                    {
                        problems.Add(new ValidationError(true, $"anti-affinity: instance {i + 1} of '{request.Negotiation.Vnf}' needs a node other than {node.Id}, and this target is one host.", "anti-affinity"));
                        break;
                    }

                    NegotiationResult answer = HostNegotiator.Negotiate(request.Negotiation, node, free, request.Kind);
                    negotiations.Add(answer);
                    if (!answer.Granted)
                    {
                        problems.Add(new ValidationError(true, $"'{request.Negotiation.Vnf}' instance {i + 1}: {answer.Explain()}", request.Negotiation.Vnf));
                        break;
                    }

                    ResourceRequest r = request.Negotiation.Resources;
                    IReadOnlyList<int> dedicated = [];
                    if (r.DedicatedCores)
                    {
                        IEnumerable<int> candidates = node.WorkloadCpus.Except(free.DedicatedInUse);
                        if (answer.NumaNode is int numa)
                        {
                            candidates = candidates.Where(c => node.Scan.NumaOf(c) == numa);
                        }

                        dedicated = [.. candidates.Order().Take(r.Cores)];
                    }

                    plans.Add(new Plan(request, answer, dedicated));
                    free = free with
                    {
                        DedicatedInUse = free.DedicatedInUse.Union(dedicated).ToHashSet(),
                        SharedInUse = free.SharedInUse + (r.DedicatedCores ? 0 : r.Cores),
                        MemoryMb = free.MemoryMb - r.MemoryMb,
                        HugepagesMb = free.HugepagesMb - r.HugepagesMb,
                    };
                }
            }

            if (problems.Count > 0)
            {
                return new PlacementResult(false, [], negotiations, problems);
            }

            List<Realised> made = [];
            try
            {
                foreach (Plan plan in plans)
                {
                    made.Add(await RealiseAsync(plan, node, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or LabCommandException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                await RemoveAsync(made).ConfigureAwait(false);
                if (e is OperationCanceledException)
                {
                    throw;
                }

                return new PlacementResult(false, [], negotiations, [new ValidationError(true, $"the host could not realise the placement: {e.Message}", "host")]);
            }

            lock (_gate)
            {
                _instances.AddRange(made);
            }

            return new PlacementResult(true, [.. made.Select(m => m.ReadBack())], negotiations, []);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>A release that has started removes the instance entirely; the token only stops one that has not.</remarks>
    public async ValueTask<bool> ReleaseAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Realised? r;
            lock (_gate)
            {
                r = _instances.FirstOrDefault(i => i.Id == instanceId);
                if (r is null)
                {
                    return false;
                }

                _instances.Remove(r);
            }

            await RemoveAsync([r]).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Gets the process id of a placed instance (for tests and for the chain lab).</summary>
    /// <param name="instanceId">The instance.</param>
    /// <returns>The pid, or null.</returns>
    public int? ProcessOf(string instanceId)
    {
        lock (_gate)
        {
            return _instances.FirstOrDefault(i => i.Id == instanceId)?.Pid;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            List<Realised> all;
            lock (_gate)
            {
                all = [.. _instances];
                _instances.Clear();
            }

            await RemoveAsync(all).ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    // Removal is never cancelled: an instance half removed would leak a namespace, a process or a cgroup.
    private async Task RemoveAsync(IEnumerable<Realised> instances)
    {
        foreach (Realised r in instances)
        {
            await r.RemoveAsync().ConfigureAwait(false);
            _ledger.Free(r.Id);
        }
    }

    private static async Task IpAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        (await Shell.RunAsync("ip", args, cancellationToken).ConfigureAwait(false)).OrThrow();

    private static IEnumerable<ValidationError> Validate(PlacementRequest request, HostNode node)
    {
        if (request.Instances < 1)
        {
            yield return new ValidationError(true, $"instances = {request.Instances}: place at least 1.", "instances");
        }

        if (request.AvoidNodes?.Contains(node.Id, StringComparer.Ordinal) == true)
        {
            yield return new ValidationError(true, $"the request avoids node {node.Id}, the only node of this target.", "avoid");
        }

        if (request.NearSite is { } near && near != node.Hardware.Site)
        {
            yield return new ValidationError(true, $"site '{near}' is unknown: this target has one site, '{node.Hardware.Site}'.", "site");
        }

        if (request.Kind == WorkloadKind.VirtualMachine && Shell.Find("qemu-system-x86_64") is null)
        {
            yield return new ValidationError(true, "a VM needs QEMU (qemu-system-x86_64, package qemu-system-x86), which is not installed.", "kind");
        }

        int interfaces = request.Negotiation.Ladders.Count(l => IsNetwork(l));
        if (interfaces > HostNode.MaxInterfacesPerInstance)
        {
            yield return new ValidationError(true, $"{interfaces} connection points asked; an instance gets at most {HostNode.MaxInterfacesPerInstance} (RM:e.cap.004).", "interfaces");
        }
    }

    private static bool IsNetwork(PreferenceLadder ladder) => ladder.Rungs.Any(r => Rungs.NetworkLadder.Contains(r, StringComparer.Ordinal));

    private async Task<Realised> RealiseAsync(Plan plan, HostNode node, CancellationToken cancellationToken)
    {
        int n = Interlocked.Increment(ref _sequence);
        string ns = _run.Name($"i{n}");
        ResourceRequest r = plan.Request.Negotiation.Resources;
        IReadOnlyList<int> cpus = plan.Dedicated.Count > 0 ? plan.Dedicated : [.. node.Scan.OnlineCpus.Except(_ledger.DedicatedCpus).Except(plan.Dedicated)];
        if (cpus.Count == 0)
        {
            cpus = node.Scan.OnlineCpus;
        }

        IReadOnlyList<int> mems = plan.Answer.NumaNode is int numa ? [numa] : [.. node.Scan.NumaCpus.Keys.Order()];
        Realised made = new(ns, plan.Request.Negotiation.Vnf, plan.Request.Kind, node, plan.Answer.NumaNode, plan.Dedicated.Count > 0, r);
        try
        {
            await IpAsync(["netns", "add", ns], cancellationToken).ConfigureAwait(false);
            made.NamespaceCreated = true;
            await IpAsync(["-n", ns, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
            int k = 0;
            foreach (LadderGrant grant in plan.Answer.Ladders)
            {
                PreferenceLadder ladder = plan.Request.Negotiation.Ladders.First(l => l.Name == grant.Ladder);
                if (grant.Rung is null || !IsNetwork(ladder))
                {
                    made.Accelerators[grant.Ladder] = grant.Rung ?? "none";
                    continue;
                }

                int port = Interlocked.Increment(ref _portSequence);
                string hostEnd = _run.InterfaceName($"p{port}");
                string inner = IsInterfaceName(grant.Ladder) ? grant.Ladder : $"eth{k}";
                string mac = string.Create(CultureInfo.InvariantCulture, $"02:6e:{RunByte():x2}:{(port >> 8) & 0xff:x2}:{port & 0xff:x2}:{k & 0xff:x2}");
                string ip = string.Create(CultureInfo.InvariantCulture, $"100.100.{(port >> 6) & 0xff}.{((port & 63) * 4) + 2}");
                await IpAsync(["link", "add", hostEnd, "type", "veth", "peer", "name", inner, "address", mac, "netns", ns], cancellationToken).ConfigureAwait(false);
                await IpAsync(["-n", ns, "addr", "add", ip + "/30", "dev", inner], cancellationToken).ConfigureAwait(false);
                await IpAsync(["-n", ns, "link", "set", inner, "up"], cancellationToken).ConfigureAwait(false);
                await IpAsync(["link", "set", hostEnd, "up"], cancellationToken).ConfigureAwait(false);
                made.Interfaces.Add(new AttachedInterface(grant.Ladder, grant.Rung, null, null, mac, ip, hostEnd));
                k++;
            }

            List<string> command = ["-c", CpuList.Format(cpus), "ip", "netns", "exec", ns];
            if (plan.Request.Kind == WorkloadKind.VirtualMachine)
            {
                command.AddRange([
                    "qemu-system-x86_64", "-name", ns, "-machine", "q35", "-accel", node.Scan.Hypervisor is null && File.Exists("/dev/kvm") ? "kvm" : "tcg",
                    "-smp", r.Cores.ToString(CultureInfo.InvariantCulture), "-m", Math.Max(64, r.MemoryMb).ToString(CultureInfo.InvariantCulture),
                    "-nodefaults", "-display", "none", "-monitor", "none", "-serial", "none", "-S",
                ]);
            }
            else
            {
                command.AddRange(["sleep", "infinity"]);
            }

            await made.StartAsync(Shell.Find("taskset") ?? throw new InvalidOperationException("taskset (util-linux) is not installed"), command, cancellationToken).ConfigureAwait(false);
            made.Cgroup = CpuPinning.Pin(node.Scan.CpusetController, ns, made.Pid, cpus, mems);
            IReadOnlyList<int> applied = CpuPinning.AllowedCpusOfAllThreads(made.Pid);
            if (!applied.SequenceEqual(cpus))
            {
                throw new IOException($"{ns} (pid {made.Pid}) runs on CPUs {CpuList.Format(applied)} (/proc/{made.Pid}/task/*/status), not the CPUs decided, {CpuList.Format(cpus)}");
            }

            _ledger.Hold(ns, new HostLedger.Holding(plan.Dedicated, plan.Dedicated.Count > 0 ? 0 : r.Cores, r.MemoryMb, r.HugepagesMb));
            return made;
        }
        catch
        {
            await made.RemoveAsync().ConfigureAwait(false);
            throw;
        }
    }

    private int RunByte() => _run.Id.Aggregate(0, (h, c) => (h * 31) + c) & 0xff;

    private static bool IsInterfaceName(string name) =>
        name.Length is > 0 and <= LabNames.MaxInterfaceName && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !name.StartsWith(LabNames.Prefix, StringComparison.Ordinal);

    private sealed record Plan(PlacementRequest Request, NegotiationResult Answer, IReadOnlyList<int> Dedicated);

    /// <summary>One instance on the host: its namespace, process, cgroup and interfaces.</summary>
    private sealed class Realised(string id, string vnf, WorkloadKind kind, HostNode node, int? numa, bool dedicated, ResourceRequest resources)
    {
        private Process? _process;

        public string Id { get; } = id;

        public int Pid { get; private set; }

        public bool NamespaceCreated { get; set; }

        public string? Cgroup { get; set; }

        public List<AttachedInterface> Interfaces { get; } = [];

        public Dictionary<string, string> Accelerators { get; } = new(StringComparer.Ordinal);

        public async Task StartAsync(string taskset, IReadOnlyList<string> args, CancellationToken cancellationToken)
        {
            ProcessStartInfo info = new(taskset) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (string a in args)
            {
                info.ArgumentList.Add(a);
            }

            _process = Process.Start(info) ?? throw new InvalidOperationException($"{taskset} did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Pid = _process.Id;

            // taskset and ip exec in place, so the pid is the workload's; wait until it is the workload (its command line).
            string expected = args.Contains("qemu-system-x86_64") ? "qemu-system-x86_64" : "sleep";
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (!HostProcesses.CommandLine(Pid).StartsWith(expected, StringComparison.Ordinal) && !_process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }

            // A VM is up when QEMU runs its vCPU threads (besides its main and RCU threads).
            while (expected != "sleep" && !_process.HasExited && DateTime.UtcNow < deadline && ThreadCount() <= resources.Cores + 1)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{expected} in {Id} exited at once (exit {_process.ExitCode})");
            }
        }

        private int ThreadCount() => Directory.Exists($"/proc/{Pid}/task") ? Directory.EnumerateDirectories($"/proc/{Pid}/task").Count() : 0;

        public PlacedInstance ReadBack()
        {
            // What the kernel applies now, not what was asked: a thread moved off its cores shows here.
            IReadOnlyList<int> pinned = dedicated && Pid > 0 ? CpuPinning.AllowedCpusOfAllThreads(Pid) : [];
            return new PlacedInstance(
                Id,
                vnf,
                kind,
                node.Id,
                node.Hardware.Site,
                numa,
                pinned,
                resources.Cores,
                resources.MemoryMb,
                resources.HugepagesMb,
                [.. Interfaces],
                new Dictionary<string, string>(Accelerators, StringComparer.Ordinal));
        }

        public async Task RemoveAsync()
        {
            if (Pid > 0)
            {
                _ = await HostProcesses.TerminateAsync([Pid], TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                if (_process is not null)
                {
                    using CancellationTokenSource reaped = new(TimeSpan.FromSeconds(2));
                    try
                    {
                        await _process.WaitForExitAsync(reaped.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // SIGKILLed and not reaped within 2 s: the cgroup removal below retries, the namespace goes anyway.
                    }

                    _process.Dispose();
                }

                Pid = 0;
            }

            CpuPinning.Unpin(Cgroup);
            Cgroup = null;
            if (NamespaceCreated)
            {
                _ = await Shell.RunAsync("ip", ["netns", "delete", Id]).ConfigureAwait(false);
                NamespaceCreated = false;
            }
        }
    }
}
