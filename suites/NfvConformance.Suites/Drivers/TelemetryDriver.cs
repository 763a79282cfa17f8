// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Telemetry;
using NfvConformance.Core.Evidence;
using NfvConformance.Core.Running;

namespace NfvConformance.Suites.Drivers;

/// <summary>Subscribes to the target's streaming telemetry and alarms and checks what a link fault does to them.</summary>
public sealed class TelemetryDriver : IDisposable
{
    private readonly RunContext _run;
    private readonly HardwareDriver _hardware;
    private readonly ScenarioEvidence _evidence;
    private readonly List<TelemetrySample> _samples = [];
    private readonly List<AlarmEvent> _alarms = [];
    private readonly List<IDisposable> _subscriptions = [];
    private (string Node, string Nic)? _port;

    /// <summary>Creates the driver for one scenario.</summary>
    /// <param name="run">The run.</param>
    /// <param name="hardware">The hardware driver (takes links down and restores them).</param>
    /// <param name="evidence">The scenario's evidence.</param>
    public TelemetryDriver(RunContext run, HardwareDriver hardware, ScenarioEvidence evidence)
    {
        _run = run;
        _hardware = hardware;
        _evidence = evidence;
    }

    /// <summary>Subscribes ON_CHANGE to a path prefix and to alarms.</summary>
    /// <param name="prefix">The path prefix.</param>
    public void Subscribe(string prefix)
    {
        ITelemetry telemetry = TargetFacets.Require<ITelemetry>(_run);
        _subscriptions.Add(telemetry.Subscribe(prefix, s => { lock (_samples) { _samples.Add(s); } }));
        _subscriptions.Add(telemetry.SubscribeAlarms(e => { lock (_alarms) { _alarms.Add(e); } }));
    }

    /// <summary>Checks the initial (sync) samples carry the oper-status of every port of the profile's nodes, as discovery reports it.</summary>
    public void CheckInitialSync()
    {
        List<string> missing = [];
        foreach ((var node, NodeHardware hw) in _hardware.ProfileNodes())
        {
            foreach (NicInfo nic in hw.Nics)
            {
                string want = nic.LinkUp ? "UP" : "DOWN";
                if (!Samples().Any(s => s.Sync && s.NodeId == node.Id && s.Path == OperStatus(nic.Name) && s.Value == want))
                {
                    missing.Add($"{node.Id}/{nic.Name} {want}");
                }
            }
        }

        _evidence.Record(new("sync_samples", Samples().Count(s => s.Sync), "samples"));
        Check.That(missing.Count == 0, $"The subscription's initial values lack the oper-status of: {string.Join(", ", missing)}.");
    }

    /// <summary>Takes down the last link of the first node of the profile that has two or more links up.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public Task TakeARedundantLinkDownAsync()
    {
        (var node, NodeHardware hw) = _hardware.ProfileNodes().First(p => p.Hardware.Nics.Count(n => n.LinkUp) >= 2);
        NicInfo nic = hw.Nics.Last(n => n.LinkUp);
        _port = (node.Id, nic.Name);
        return _hardware.TakeLinkDownAsync(nic.Name, node.Id);
    }

    /// <summary>Brings that link back up.</summary>
    /// <returns>A task that completes when the target answered.</returns>
    public Task BringItBackAsync()
    {
        Check.That(_port is not null, "No link was taken down.");
        return _hardware.BringLinkUpAsync(_port!.Value.Nic, _port.Value.Node);
    }

    /// <summary>Checks a change sample carried the port's oper-status.</summary>
    /// <param name="status">UP or DOWN.</param>
    public void CheckStreamed(string status)
    {
        Check.That(_port is not null, "No link was taken down.");
        (string node, string nic) = _port!.Value;
        TelemetrySample? s = Samples().LastOrDefault(x => !x.Sync && x.NodeId == node && x.Path == OperStatus(nic));
        Check.That(s is not null && s.Value == status, $"The stream carried no change of {node}/{nic} oper-status to {status} (last: {s?.Value ?? "none"}).");
    }

    /// <summary>Checks an alarm of the severity was raised for the port and is active.</summary>
    /// <param name="severity">The severity.</param>
    public void CheckAlarmRaised(string severity)
    {
        Check.That(_port is not null, "No link was taken down.");
        (string node, string nic) = _port!.Value;
        AlarmEvent? e = Alarms().LastOrDefault(a => !a.Cleared && a.Alarm.NodeId == node && a.Alarm.Resource == nic);
        Check.That(e is not null, $"No alarm was raised for {node}/{nic}.");
        Check.That(e!.Alarm.Severity.ToString() == severity, $"The alarm for {node}/{nic} is {e.Alarm.Severity}, expected {severity} ('{e.Alarm.Text}').");
        Check.That(TargetFacets.Require<ITelemetry>(_run).ActiveAlarms.Any(a => a.Id == e.Alarm.Id), $"Alarm {e.Alarm.Id} was raised but is not active.");
        _evidence.Record(new("alarms_raised", Alarms().Count(a => !a.Cleared), "alarms"));
    }

    /// <summary>Checks the port's alarm was cleared and is no longer active.</summary>
    public void CheckAlarmCleared()
    {
        (string node, string nic) = _port!.Value;
        Check.That(Alarms().Any(a => a.Cleared && a.Alarm.NodeId == node && a.Alarm.Resource == nic), $"The alarm for {node}/{nic} was not cleared.");
        Check.That(!TargetFacets.Require<ITelemetry>(_run).ActiveAlarms.Any(a => a.NodeId == node && a.Resource == nic), $"The alarm for {node}/{nic} is still active.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _subscriptions.ForEach(s => s.Dispose());
        _subscriptions.Clear();
    }

    private static string OperStatus(string nic) => $"/interfaces/interface[name={nic}]/state/oper-status";

    private List<TelemetrySample> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    private List<AlarmEvent> Alarms()
    {
        lock (_alarms)
        {
            return [.. _alarms];
        }
    }
}
