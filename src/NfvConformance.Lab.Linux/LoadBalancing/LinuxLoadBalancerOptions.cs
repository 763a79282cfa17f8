// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// How the linux load balancer balances and monitors. The defaults are the real service; tests change them to show
/// that a broken balancer (hashing on L3 only) or a broken monitor (never marking a dead member down) fails the
/// scenarios.
/// </summary>
internal sealed record LinuxLoadBalancerOptions
{
    /// <summary>Gets a value indicating whether the instances and the upstream router hash on source and destination addresses only (a break).</summary>
    public bool HashL3Only { get; init; }

    /// <summary>Gets the consecutive failed probes that mark a member down.</summary>
    public int FailsToMarkDown { get; init; } = 3;

    /// <summary>Gets the consecutive passed probes that mark a member up again.</summary>
    public int PassesToMarkUp { get; init; } = 2;

    /// <summary>Gets the time between probe rounds.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets how long one probe waits for the member.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets the longest a crash may take to show (the instance's port gone from the fabric) before it is logged.</summary>
    public TimeSpan CrashObservationLimit { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets how long each member's service holds a UDP datagram before it answers (zero for the real service). Tests set
    /// it to show a member whose answer is late because this process was not scheduled (the services run on its thread
    /// pool; on a loaded 2-CPU host an answer was measured 86 ms late) is still heard.
    /// </summary>
    public TimeSpan AnswerDelay { get; init; }

    /// <summary>Gets the longest an exchange waits for a member's service that holds a datagram it has not answered yet (a hang guard; reaching it means the host is overloaded).</summary>
    public TimeSpan AnswerLimit { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the longest the monitor runs before it reports that it did not settle.</summary>
    public TimeSpan HealthMonitorLimit { get; init; } = TimeSpan.FromSeconds(5);
}
