// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Lifecycle;

/// <summary>One life of an event-driven instance.</summary>
/// <param name="Instance">The instance's name.</param>
/// <param name="Triggered">When the first packet was seen (since the function started watching).</param>
/// <param name="RunningAfter">From the trigger to the instance running (the runtime's start).</param>
/// <param name="StartupCost">From the trigger to the instance plugged in and configured (commands done).</param>
/// <param name="IdleStop">From the last packet it forwarded to its stop, or null while it runs.</param>
public sealed record EventDrivenActivation(string Instance, TimeSpan Triggered, TimeSpan RunningAfter, TimeSpan StartupCost, TimeSpan? IdleStop);

/// <summary>
/// A function instance that exists only while traffic flows ("serverless"): it watches the chain's fabric port facing
/// the source, starts an instance at stage 0 on the first packet, and stops it after <c>idle</c> without packets. The
/// instance announces itself with a gratuitous ARP so the waiting source resolves it at once.
/// </summary>
public sealed class EventDrivenFunction : IAsyncDisposable
{
    private readonly WorkloadChain _chain;
    private readonly IWorkloadRuntime _runtime;
    private readonly Func<int, WorkloadSpec> _spec;
    private readonly TimeSpan _idle;
    private readonly List<EventDrivenActivation> _activations = [];
    private readonly CancellationTokenSource _stop = new();
    private Process? _watcher;
    private Task? _loop;

    /// <summary>Initializes a new instance of the <see cref="EventDrivenFunction"/> class.</summary>
    /// <param name="chain">The chain (routed over member 0 of stage 0, with no instance in it).</param>
    /// <param name="runtime">The runtime of the instances.</param>
    /// <param name="spec">Makes the spec of the n-th activation's instance.</param>
    /// <param name="idle">How long without packets before the instance stops.</param>
    public EventDrivenFunction(WorkloadChain chain, IWorkloadRuntime runtime, Func<int, WorkloadSpec> spec, TimeSpan idle)
    {
        _chain = chain;
        _runtime = runtime;
        _spec = spec;
        _idle = idle;
    }

    /// <summary>The commands an event-driven instance adds to announce itself (a gratuitous ARP on its left interface).</summary>
    public static readonly IReadOnlyList<string> AnnounceCommands = ["busybox arping -U -c 1 -I left {left_addr}"];

    /// <summary>Gets the activations so far.</summary>
    public IReadOnlyList<EventDrivenActivation> Activations
    {
        get
        {
            lock (_activations)
            {
                return [.. _activations];
            }
        }
    }

    /// <summary>Gets the running instance, if any.</summary>
    public WorkloadInstance? Current { get; private set; }

    /// <summary>Starts watching.</summary>
    public void Start()
    {
        // A holder process in the fabric namespace: its /proc/PID/net/dev shows the fabric's counters without a fork per poll.
        ProcessStartInfo psi = new("ip") { UseShellExecute = false };
        foreach (string a in new[] { "netns", "exec", _chain.Fabric, "sleep", "2147483647" })
        {
            psi.ArgumentList.Add(a);
        }

        _watcher = Process.Start(psi) ?? throw new WorkloadException("cannot start the fabric watcher.");
        Thread.Sleep(100);
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        Stopwatch clock = Stopwatch.StartNew();
        long seen = Netns.CountersOfProcess(_watcher!.Id)["src"].RxPackets;
        long lastIn = 0;
        TimeSpan lastChange = TimeSpan.Zero;
        TimeSpan triggered = TimeSpan.Zero;
        TimeSpan cost = TimeSpan.Zero;
        TimeSpan running = TimeSpan.Zero;
        int n = 0;
        while (!_stop.IsCancellationRequested)
        {
            if (Current is null)
            {
                long now = Netns.CountersOfProcess(_watcher.Id)["src"].RxPackets;
                if (now != seen)
                {
                    triggered = clock.Elapsed;
                    WorkloadInstance i = await _runtime.StartAsync(_spec(++n)).ConfigureAwait(false);
                    running = clock.Elapsed - triggered;
                    await _chain.AttachAsync(0, 0, _runtime, i).ConfigureAwait(false);
                    cost = clock.Elapsed - triggered;
                    Current = i;
                    lastIn = -1;
                    lastChange = clock.Elapsed;
                }
            }
            else
            {
                long rx = Netns.CountersOfProcess(Current.Pid).TryGetValue("left", out LinkCounters c) ? c.RxPackets : 0;
                if (rx != lastIn)
                {
                    lastIn = rx;
                    lastChange = clock.Elapsed;
                }
                else if (clock.Elapsed - lastChange >= _idle)
                {
                    WorkloadInstance i = Current;
                    await _chain.DetachAsync(i).ConfigureAwait(false);
                    await _runtime.StopAsync(i, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                    lock (_activations)
                    {
                        _activations.Add(new EventDrivenActivation(i.Name, triggered, running, cost, clock.Elapsed - lastChange));
                    }

                    Current = null;
                    seen = Netns.CountersOfProcess(_watcher.Id)["src"].RxPackets;
                    continue;
                }
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        if (Current is { } still)
        {
            lock (_activations)
            {
                _activations.Add(new EventDrivenActivation(still.Name, triggered, running, cost, null));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (Current is { } i)
        {
            await _chain.DetachAsync(i).ConfigureAwait(false);
            await _runtime.StopAsync(i, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            Current = null;
        }

        if (_watcher is { HasExited: false })
        {
            _watcher.Kill();
            await _watcher.WaitForExitAsync().ConfigureAwait(false);
        }

        _watcher?.Dispose();
        _stop.Dispose();
    }
}
