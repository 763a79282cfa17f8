// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Vm;

/// <summary>
/// QEMU virtual machines (TCG: KVM cannot run a stock guest kernel on this kind of host). Each VM runs inside a network
/// namespace of its own (<c>nfvc&lt;id&gt;-vm-NAME</c>) with one tap per connection point; the chain lab moves one
/// interface per connection point into that namespace, and <see cref="ActivateAsync"/> bridges each to its tap. The
/// guest names its NICs after the connection points and runs the unit's commands at boot.
/// </summary>
public sealed class VmRuntime : IWorkloadRuntime
{
    private readonly LinuxLabContext _run;
    private readonly Dictionary<string, Process> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VhostUserSwitch> _switches = new(StringComparer.Ordinal);
    private GuestKernel? _kernel;

    /// <summary>Initializes a new instance of the <see cref="VmRuntime"/> class.</summary>
    /// <param name="run">The run the VMs belong to.</param>
    public VmRuntime(LinuxLabContext run)
    {
        _run = run;
    }

    /// <inheritdoc />
    public RealisationKind Kind => RealisationKind.VirtualMachine;

    /// <summary>Gets how long the last VM took from QEMU's start to the guest's ready marker.</summary>
    public TimeSpan LastBootTime { get; private set; }

    /// <summary>Tells why VMs cannot run on this host, or null when they can.</summary>
    /// <returns>The reason, or null.</returns>
    public static string? Unavailable() =>
        Environment.UserName != "root" ? "VMs on taps need root; run as root."
        : Shell.Find("qemu-system-x86_64") is null ? "qemu-system-x86_64 is not installed; apt-get install qemu-system-x86 (the .ci/run script installs it)."
        : Shell.Find("busybox") is null ? "busybox is not installed; apt-get install busybox-static."
        : Shell.Find("modinfo") is null ? "modinfo is not installed; apt-get install kmod." : null;

    /// <summary>Tells why VMs with vhost-user interfaces cannot run on this host, or null when they can.</summary>
    /// <returns>The reason, or null.</returns>
    public static string? VhostUserUnavailable() => Unavailable() ?? VhostUserSwitch.Unavailable();

    /// <inheritdoc />
    public async Task<WorkloadInstance> StartAsync(WorkloadSpec spec, CancellationToken ct = default)
    {
        if (Unavailable() is { } why)
        {
            throw new WorkloadException(why);
        }

        VnfRealisation r = spec.Realisation;
        _kernel ??= await GuestImage.KernelAsync(ct).ConfigureAwait(false);
        string kernel = r.Kernel ?? _kernel.Kernel;
        string initrd = r.Initrd ?? GuestImage.Initramfs(_kernel, spec.Interfaces, r.Commands, r.GuestModules);
        string ns = _run.Name("vm-" + spec.Name);
        await Netns.CreateAsync(ns).ConfigureAwait(false);
        string console = _run.StatePath($"vm/{spec.Name}.console");
        string pidfile = _run.StatePath($"vm/{spec.Name}.pid");
        File.Delete(console);
        List<string> args =
        [
            "netns", "exec", ns, "qemu-system-x86_64",
            "-name", _run.Name(spec.Name),
            "-machine", "q35,accel=tcg", "-cpu", "max", "-smp", "1", "-m", "256",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-serial", "file:" + console, "-pidfile", pidfile,
            "-kernel", kernel, "-initrd", initrd,
            // no_timer_check: under TCG on a loaded host the guest's IO-APIC timer check fails and the kernel panics
            // ("clear_IO_APIC_pin ... apic_intr_mode_init" on the console; seen at a load average of 40).
            "-append", "console=ttyS0 quiet panic=-1 no_timer_check",
        ];
        if (spec.VhostUser)
        {
            await AddVhostUserPortsAsync(spec, ns, args, ct).ConfigureAwait(false);
        }

        for (int i = 0; i < spec.Interfaces.Count && !spec.VhostUser; i++)
        {
            string tap = "tap" + i.ToString(CultureInfo.InvariantCulture);
            (await Shell.RunAsync("ip", ["-n", ns, "tuntap", "add", "dev", tap, "mode", "tap"]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", tap, "up"]).ConfigureAwait(false)).OrThrow();
            args.AddRange(["-netdev", $"tap,id=n{i},ifname={tap},script=no,downscript=no", "-device", $"virtio-net-pci,netdev=n{i},romfile=,mac={MacOf(spec, i)}"]);
        }

        ProcessStartInfo psi = new("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Stopwatch sw = Stopwatch.StartNew();
        Process p = Process.Start(psi) ?? throw new WorkloadException("cannot start qemu-system-x86_64.");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes[spec.Name] = p;
        DateTime deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (p.HasExited)
            {
                await StopSwitchAsync(spec.Name).ConfigureAwait(false);
                throw new WorkloadException($"VM {spec.Name}: QEMU exited with code {p.ExitCode} before the guest was ready; console: {Tail(console)}");
            }

            if (File.Exists(console) && File.ReadAllText(console).Contains(GuestImage.ReadyMarker, StringComparison.Ordinal))
            {
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                p.Kill(entireProcessTree: true);
                await StopSwitchAsync(spec.Name).ConfigureAwait(false);
                throw new WorkloadException($"VM {spec.Name}: the guest did not print {GuestImage.ReadyMarker} within 120 s; console: {Tail(console)}");
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        LastBootTime = sw.Elapsed;
        return new WorkloadInstance(spec, ns, p.Id, Netns.PathOf(ns));
    }

    /// <inheritdoc />
    public async Task ActivateAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        string ns = instance.Id;
        if (_switches.TryGetValue(instance.Name, out VhostUserSwitch? sw))
        {
            foreach (string cp in instance.Spec.Interfaces)
            {
                // The namespace's own IPv6 (link-local, neighbour discovery, MLD) would add frames of its own on the
                // chain port; the port carries the guest's frames only.
                _ = await Shell.RunAsync("ip", ["netns", "exec", ns, "sysctl", "-qw", $"net.ipv6.conf.{cp}.disable_ipv6=1"], ct).ConfigureAwait(false);
                (await Shell.RunAsync("ip", ["-n", ns, "link", "set", cp, "up"], ct).ConfigureAwait(false)).OrThrow();
            }

            await sw.AttachAsync(instance.Spec.Interfaces, ct).ConfigureAwait(false);
            return;
        }

        for (int i = 0; i < instance.Spec.Interfaces.Count; i++)
        {
            string cp = instance.Spec.Interfaces[i];
            string br = "br" + i.ToString(CultureInfo.InvariantCulture);
            (await Shell.RunAsync("ip", ["-n", ns, "link", "add", br, "type", "bridge"]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", "tap" + i.ToString(CultureInfo.InvariantCulture), "master", br]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", cp, "master", br]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", cp, "up"]).ConfigureAwait(false)).OrThrow();
            (await Shell.RunAsync("ip", ["-n", ns, "link", "set", br, "up"]).ConfigureAwait(false)).OrThrow();
        }
    }

    /// <inheritdoc />
    public async Task<TimeSpan> StopAsync(WorkloadInstance instance, TimeSpan grace, CancellationToken ct = default)
    {
        Stopwatch sw = Stopwatch.StartNew();
        if (_processes.Remove(instance.Name, out Process? p))
        {
            _ = await Shell.RunAsync("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
            using CancellationTokenSource cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(grace);
            try
            {
                await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(ct).ConfigureAwait(false);
            }

            p.Dispose();
        }

        TimeSpan took = sw.Elapsed;
        await StopSwitchAsync(instance.Name).ConfigureAwait(false);
        await Netns.DeleteAsync(instance.Id).ConfigureAwait(false);
        return took;
    }

    /// <inheritdoc />
    public async Task KillAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        if (_processes.TryGetValue(instance.Name, out Process? p))
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<bool> IsRunningAsync(WorkloadInstance instance, CancellationToken ct = default) =>
        Task.FromResult(_processes.TryGetValue(instance.Name, out Process? p) && !p.HasExited);

    /// <inheritdoc />
    public async Task<WorkloadFacts> InspectAsync(WorkloadInstance instance, CancellationToken ct = default)
    {
        List<WorkloadFact> facts = [new("vm.netns", instance.Id, "kernel:ip netns list")];
        if (_switches.TryGetValue(instance.Name, out VhostUserSwitch? sw))
        {
            for (int i = 0; i < sw.Sockets.Count; i++)
            {
                facts.Add(new WorkloadFact($"vm.{instance.Spec.Interfaces[i]}.port", $"vhost-user {sw.Sockets[i]} (dpdk-testpmd pid {sw.Pid}, net_vhost server; guest memory memfd, share=on, not huge pages)", "qemu-system-x86_64 command line; dpdk-testpmd --vdev"));
            }
        }

        facts.AddRange(await KernelFacts.ReadAsync(instance.NetnsPath, instance.Pid, ct).ConfigureAwait(false));

        // The guest's own view, printed by it on its console at boot (ip -o link / ip -o addr).
        string console = _run.StatePath($"vm/{instance.Name}.console");
        string text = File.Exists(console) ? await File.ReadAllTextAsync(console, ct).ConfigureAwait(false) : string.Empty;
        int from = text.IndexOf("NFVC-GUEST-LINKS", StringComparison.Ordinal);
        int to = text.IndexOf("NFVC-GUEST-LINKS-END", StringComparison.Ordinal);
        if (from >= 0 && to > from)
        {
            foreach (string line in text[from..to].Split('\n'))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 3 && f[0].EndsWith(':') && f[1].EndsWith(':') && line.Contains("link/ether", StringComparison.Ordinal))
                {
                    string name = f[1].TrimEnd(':').Split('@')[0];
                    facts.Add(new WorkloadFact($"guest.{name}.mac", f[Array.IndexOf(f, "link/ether") + 1], "guest:serial console (ip -o link at boot)"));
                }
                else if (f.Length > 3 && f[0].EndsWith(':') && f[2] == "inet")
                {
                    facts.Add(new WorkloadFact($"guest.{f[1]}.ipv4", f[3], "guest:serial console (ip -o addr at boot)"));
                }
            }
        }

        return new WorkloadFacts(instance.Name, facts);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach ((string name, Process p) in _processes.ToArray())
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync().ConfigureAwait(false);
            }

            p.Dispose();
            await StopSwitchAsync(name).ConfigureAwait(false);
            await Netns.DeleteAsync(_run.Name("vm-" + name)).ConfigureAwait(false);
        }

        _processes.Clear();
        foreach (string name in _switches.Keys.ToArray())
        {
            await StopSwitchAsync(name).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the packets a vhost-user VM's switch moved on one interface (testpmd's port counters).</summary>
    /// <param name="instance">The VM.</param>
    /// <param name="index">The interface's index.</param>
    /// <param name="ct">Cancels the read.</param>
    /// <returns>The counters, or null when the VM's interfaces are not vhost-user ports.</returns>
    public async Task<VhostUserCounters?> VhostUserCountersAsync(WorkloadInstance instance, int index, CancellationToken ct = default)
    {
        if (!_switches.TryGetValue(instance.Name, out VhostUserSwitch? sw))
        {
            return null;
        }

        (long fromGuest, long toGuest) = await sw.GuestPortStatsAsync(index, ct).ConfigureAwait(false);
        (long fromChain, long toChain) = await sw.ChainPortStatsAsync(index, ct).ConfigureAwait(false);
        return new VhostUserCounters(fromGuest, toGuest, fromChain, toChain);
    }

    /// <summary>Gets the process id of a vhost-user VM's switch (testpmd), or null when the VM has none.</summary>
    /// <param name="instance">The VM.</param>
    /// <returns>The pid, or null.</returns>
    public int? VhostUserSwitchPid(WorkloadInstance instance) => _switches.TryGetValue(instance.Name, out VhostUserSwitch? sw) ? sw.Pid : null;

    private async Task AddVhostUserPortsAsync(WorkloadSpec spec, string ns, List<string> args, CancellationToken ct)
    {
        if (VhostUserSwitch.Unavailable() is { } why)
        {
            throw new WorkloadException($"VM {spec.Name}: vhost-user ports asked, but {why}");
        }

        // vhost-user needs the guest's RAM in memory the switch can map: a memfd shared with it (huge pages are the
        // production practice for speed; this host has none, and memfd is enough for the protocol to work).
        int mem = args.IndexOf("-m");
        args.InsertRange(mem + 2, ["-object", $"memory-backend-memfd,id=mem,size={args[mem + 1]}M,share=on", "-numa", "node,memdev=mem"]);
        VhostUserSwitch sw = await VhostUserSwitch.StartAsync(_run, spec.Name, ns, spec.Interfaces.Count, ct).ConfigureAwait(false);
        _switches[spec.Name] = sw;
        for (int i = 0; i < spec.Interfaces.Count; i++)
        {
            // vectors=0 (INTx, no MSI-X): QEMU 7.2 under TCG segfaults in msix_set_vector_notifiers from vhost_net_start
            // when the guest driver starts a vhost-user NIC with MSI-X (seen here with gdb, every boot).
            args.AddRange([
                "-chardev", $"socket,id=c{i},path={sw.Sockets[i]}",
                "-netdev", $"vhost-user,id=n{i},chardev=c{i}",
                "-device", $"virtio-net-pci,netdev=n{i},romfile=,vectors=0,mac={MacOf(spec, i)}",
            ]);
        }
    }

    private async Task StopSwitchAsync(string name)
    {
        if (_switches.Remove(name, out VhostUserSwitch? sw))
        {
            await sw.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string MacOf(WorkloadSpec spec, int i) => spec.Macs is { } macs && i < macs.Count ? macs[i] : $"52:54:00:{Hex(spec.Name.GetHashCode() & 0xff)}:00:{i:x2}";

    private static string Hex(int b) => b.ToString("x2", CultureInfo.InvariantCulture);

    private static string Tail(string file) => File.Exists(file) ? string.Join(" | ", File.ReadAllLines(file).TakeLast(6)) : "(no console output)";
}

/// <summary>What a vhost-user VM's switch moved on one interface, from testpmd's port counters.</summary>
/// <param name="FromGuest">Packets testpmd received from the guest (its vhost-user port's RX).</param>
/// <param name="ToGuest">Packets testpmd delivered into the guest's rings (its vhost-user port's TX).</param>
/// <param name="FromChain">Packets testpmd received from the chain (its af_packet port's RX).</param>
/// <param name="ToChain">Packets testpmd sent to the chain (its af_packet port's TX).</param>
public sealed record VhostUserCounters(long FromGuest, long ToGuest, long FromChain, long ToChain);
