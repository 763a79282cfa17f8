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
/// </summary>
internal sealed class HostPlacement : IPlacement, IDisposable
{
    private readonly Lock _gate = new();
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
    public PlacementResult Place(PlacementRequest request) => PlaceAll([request]);

    /// <inheritdoc />
    public PlacementResult PlaceAll(IReadOnlyList<PlacementRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        lock (_gate)
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

                    NegotiationResult answer = HostNegotiator.Negotiate(request.Negotiation, node, free);
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
                    made.Add(Realise(plan, node));
                }
            }
            catch (Exception e) when (e is IOException or LabCommandException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                foreach (Realised r in made)
                {
                    r.Remove();
                    _ledger.Free(r.Id);
                }

                return new PlacementResult(false, [], negotiations, [new ValidationError(true, $"the host could not realise the placement: {e.Message}", "host")]);
            }

            _instances.AddRange(made);
            return new PlacementResult(true, [.. made.Select(m => m.ReadBack())], negotiations, []);
        }
    }

    /// <inheritdoc />
    public bool Release(string instanceId)
    {
        lock (_gate)
        {
            Realised? r = _instances.FirstOrDefault(i => i.Id == instanceId);
            if (r is null)
            {
                return false;
            }

            _instances.Remove(r);
            r.Remove();
            _ledger.Free(r.Id);
            return true;
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
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (Realised r in _instances)
            {
                r.Remove();
                _ledger.Free(r.Id);
            }

            _instances.Clear();
        }
    }

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

    private Realised Realise(Plan plan, HostNode node)
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
            Shell.Run("ip", ["netns", "add", ns]).OrThrow();
            made.NamespaceCreated = true;
            Shell.Run("ip", ["-n", ns, "link", "set", "lo", "up"]).OrThrow();
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
                Shell.Run("ip", ["link", "add", hostEnd, "type", "veth", "peer", "name", inner, "address", mac, "netns", ns]).OrThrow();
                Shell.Run("ip", ["-n", ns, "addr", "add", ip + "/30", "dev", inner]).OrThrow();
                Shell.Run("ip", ["-n", ns, "link", "set", inner, "up"]).OrThrow();
                Shell.Run("ip", ["link", "set", hostEnd, "up"]).OrThrow();
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

            made.Start(Shell.Find("taskset") ?? throw new InvalidOperationException("taskset (util-linux) is not installed"), command);
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
            made.Remove();
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

        public void Start(string taskset, IReadOnlyList<string> args)
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
                Thread.Sleep(5);
            }

            // A VM is up when QEMU runs its vCPU threads (besides its main and RCU threads).
            while (expected != "sleep" && !_process.HasExited && DateTime.UtcNow < deadline && ThreadCount() <= resources.Cores + 1)
            {
                Thread.Sleep(10);
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

        public void Remove()
        {
            if (Pid > 0)
            {
                HostProcesses.Terminate([Pid], TimeSpan.FromSeconds(2));
                _process?.WaitForExit(2000);
                _process?.Dispose();
                Pid = 0;
            }

            CpuPinning.Unpin(Cgroup);
            Cgroup = null;
            if (NamespaceCreated)
            {
                _ = Shell.Run("ip", ["netns", "delete", Id]);
                NamespaceCreated = false;
            }
        }
    }
}
