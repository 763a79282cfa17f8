// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.LoadBalancing;

namespace NfvConformance.Lab.Linux.LoadBalancing;

/// <summary>
/// A load balancer's event log: each entry is written when the lab has seen the thing happen (a probe failed, a
/// namespace is gone, a rule set was loaded), stamped with the host clock to the microsecond, and rendered as an
/// RFC 5424 message (facility local0, APP-NAME nfvc-lb, MSGID = the kind).
/// </summary>
internal sealed class LbEventLog
{
    private const int FacilityLocal0 = 16;
    private readonly List<LbEvent> _events = [];
    private readonly Lock _gate = new();

    public void Add(LbSeverity severity, string kind, string subject, string message)
    {
        lock (_gate)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            DateTimeOffset time = new(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
            DateTimeOffset last = _events.Count == 0 ? DateTimeOffset.MinValue : _events[^1].Time;
            if (time < last)
            {
                time = last;
            }

            string syslog = string.Create(
                CultureInfo.InvariantCulture,
                $"<{(FacilityLocal0 * 8) + (int)severity}>1 {time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} {Environment.MachineName} nfvc-lb {Environment.ProcessId} {kind} - {subject}: {message}");
            _events.Add(new LbEvent(_events.Count + 1, time, severity, kind, subject, message, syslog));
        }
    }

    public IReadOnlyList<LbEvent> Read()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }
}
