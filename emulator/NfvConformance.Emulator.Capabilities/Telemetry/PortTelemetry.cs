// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Telemetry;

namespace NfvConformance.Emulator.Capabilities.Telemetry;

/// <summary>
/// Streams each port's oper-status, speed and SR-IOV VFs in use on change, and raises a link-down alarm per port:
/// Major while the node keeps another link up, Critical when it was the node's last; cleared when the link returns.
/// </summary>
internal sealed class PortTelemetry : ITelemetry
{
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly List<(string Prefix, Action<TelemetrySample> Sink)> _subscribers = [];
    private readonly List<Action<AlarmEvent>> _alarmSinks = [];
    private readonly Dictionary<string, Alarm> _active = new(StringComparer.Ordinal);
    private HardwareInventory _inventory;

    public PortTelemetry(HardwareInventory inventory, Action<Action<HardwareInventory, HardwareInventory>> hook, TimeProvider clock)
    {
        _inventory = inventory;
        _clock = clock;
        foreach (NodeHardware node in inventory.Nodes)
        {
            foreach (NicInfo nic in node.Nics.Where(n => !n.LinkUp))
            {
                Raise(node, nic, []);
            }
        }

        hook(OnChanged);
    }

    public IReadOnlyList<Alarm> ActiveAlarms
    {
        get
        {
            lock (_lock)
            {
                return [.. _active.Values];
            }
        }
    }

    public IDisposable Subscribe(string pathPrefix, Action<TelemetrySample> onSample)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        (string, Action<TelemetrySample>) entry = (pathPrefix, onSample);
        List<TelemetrySample> sync;
        lock (_lock)
        {
            _subscribers.Add(entry);
            sync = [.. Values(_inventory).Where(v => v.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).Select(v => new TelemetrySample(_clock.GetUtcNow(), v.Node, v.Path, v.Value, true))];
        }

        sync.ForEach(onSample);
        return new Unsubscriber(() =>
        {
            lock (_lock)
            {
                _subscribers.Remove(entry);
            }
        });
    }

    public IDisposable SubscribeAlarms(Action<AlarmEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        lock (_lock)
        {
            _alarmSinks.Add(onEvent);
        }

        return new Unsubscriber(() =>
        {
            lock (_lock)
            {
                _alarmSinks.Remove(onEvent);
            }
        });
    }

    private void OnChanged(HardwareInventory before, HardwareInventory after)
    {
        List<(Action<TelemetrySample> Sink, TelemetrySample Sample)> samples = [];
        List<(Action<AlarmEvent> Sink, AlarmEvent Event)> events = [];
        lock (_lock)
        {
            _inventory = after;
            Dictionary<(string, string), string> old = Values(before).ToDictionary(v => (v.Node, v.Path), v => v.Value);
            DateTimeOffset now = _clock.GetUtcNow();
            foreach ((string node, string path, string value) in Values(after))
            {
                if (!old.TryGetValue((node, path), out string? was) || was != value)
                {
                    TelemetrySample s = new(now, node, path, value, false);
                    samples.AddRange(_subscribers.Where(x => path.StartsWith(x.Prefix, StringComparison.Ordinal)).Select(x => (x.Sink, s)));
                }
            }

            List<AlarmEvent> raisedOrCleared = [];
            foreach (NodeHardware node in after.Nodes)
            {
                foreach (NicInfo nic in node.Nics)
                {
                    string id = AlarmId(node.Id, nic.Name);
                    if (!nic.LinkUp && !_active.ContainsKey(id))
                    {
                        Raise(node, nic, raisedOrCleared);
                    }
                    else if (nic.LinkUp && _active.Remove(id, out Alarm? cleared))
                    {
                        raisedOrCleared.Add(new AlarmEvent(cleared, true, now));
                    }
                }
            }

            events.AddRange(raisedOrCleared.SelectMany(e => _alarmSinks.Select(sink => (sink, e))));
        }

        samples.ForEach(x => x.Sink(x.Sample));
        events.ForEach(x => x.Sink(x.Event));
    }

    private void Raise(NodeHardware node, NicInfo nic, List<AlarmEvent> events)
    {
        int up = node.Nics.Count(n => n.LinkUp);
        AlarmSeverity severity = up == 0 ? AlarmSeverity.Critical : AlarmSeverity.Major;
        Alarm alarm = new(AlarmId(node.Id, nic.Name), node.Id, nic.Name, severity,
            $"link down on {node.Id}/{nic.Name} ({nic.PciAddress}); {up} of {node.Nics.Count} links up on the node", _clock.GetUtcNow());
        _active[alarm.Id] = alarm;
        events.Add(new AlarmEvent(alarm, false, alarm.Raised));
    }

    private static string AlarmId(string node, string nic) => $"linkDown:{node}/{nic}";

    private static IEnumerable<(string Node, string Path, string Value)> Values(HardwareInventory inventory)
    {
        foreach (NodeHardware node in inventory.Nodes)
        {
            foreach (NicInfo nic in node.Nics)
            {
                string p = $"/interfaces/interface[name={nic.Name}]";
                yield return (node.Id, $"{p}/state/oper-status", nic.LinkUp ? "UP" : "DOWN");
                yield return (node.Id, $"{p}/ethernet/state/port-speed", $"SPEED_{nic.SpeedGbps}GB");
                if (nic.SriovTotalVfs > 0)
                {
                    yield return (node.Id, $"{p}/sriov/state/vfs-in-use", nic.SriovUsedVfs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
