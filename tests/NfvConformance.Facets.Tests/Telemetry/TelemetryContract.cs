// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Telemetry;

namespace NfvConformance.Facets.Tests.Telemetry;

/// <summary>
/// What every <see cref="ITelemetry"/> must do: send a new subscriber the current value of every matching path
/// first (sync), then each change; raise an alarm for a port that goes down and clear it when the port comes back; and
/// send nothing after the subscription is disposed.
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TelemetryContract<TTarget> : FacetContract<ITelemetry, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITelemetry>> Breaks { get; } =
    [
        new(nameof(Subscribe_SendsEveryPortsCurrentOperStatusFirst), "skips the initial values",
            f => Broken.Facet(f, (nameof(ITelemetry.Subscribe), (a, real) => f.Subscribe((string)a[0]!, x => { if (!x.Sync) { ((Action<TelemetrySample>)a[1]!)(x); } })))),
        new(nameof(LinkDown_RaisesAnAlarmAndLinkUpClearsIt), "never raises alarms",
            f => Broken.Facet(f, (nameof(ITelemetry.SubscribeAlarms), (a, real) => new Nothing()), ("get_" + nameof(ITelemetry.ActiveAlarms), (a, real) => Array.Empty<Alarm>()))),
        new(nameof(LinkDown_RaisesAnAlarmAndLinkUpClearsIt), "never clears an alarm",
            f => Broken.Facet(f, (nameof(ITelemetry.SubscribeAlarms), (a, real) => f.SubscribeAlarms(e => { if (!e.Cleared) { ((Action<AlarmEvent>)a[0]!)(e); } })))),
        new(nameof(Subscribe_Disposed_SendsNothingMore), "keeps sending after dispose",
            f => Broken.Facet(f, (nameof(ITelemetry.Subscribe), (a, real) => { _ = real(); return new Nothing(); }))),
    ];

    [Test]
    public async Task Subscribe_SendsEveryPortsCurrentOperStatusFirst()
    {
        await using FacetSession<ITelemetry> s = await OpenAsync();
        HardwareInventory inventory = Inventory(s).Current;
        List<TelemetrySample> samples = [];

        using IDisposable subscription = s.Facet.Subscribe("/interfaces", samples.Add);

        string[] expected = [.. inventory.Nodes.SelectMany(n => n.Nics.Select(nic => $"{n.Id} {OperStatus(nic.Name)} {(nic.LinkUp ? "UP" : "DOWN")}"))];
        Assert.That(expected, Is.Not.Empty);
        Assert.That(samples.Where(x => x.Sync).Select(x => $"{x.NodeId} {x.Path} {x.Value}"), Is.SupersetOf(expected));
        Assert.That(samples.Select(x => x.Path), Is.All.StartWith("/interfaces"));
    }

    [Test]
    public async Task LinkDown_RaisesAnAlarmAndLinkUpClearsIt()
    {
        await using FacetSession<ITelemetry> s = await OpenAsync();
        IHardwareInventory inventory = Inventory(s);
        NodeHardware node = inventory.Current.Nodes.First(n => n.Nics.Any(x => x.LinkUp));
        string nic = node.Nics.First(x => x.LinkUp).Name;
        List<AlarmEvent> events = [];
        using IDisposable subscription = s.Facet.SubscribeAlarms(events.Add);

        IReadOnlyList<Abstractions.Errors.ValidationError> down = await inventory.SetLinkStateAsync(node.Id, nic, false);
        Alarm[] activeWhileDown = [.. s.Facet.ActiveAlarms.Where(a => a.NodeId == node.Id && a.Resource == nic)];
        Assert.That(down, Is.Empty, "a target with telemetry lets a test take a link down");
        await inventory.SetLinkStateAsync(node.Id, nic, true);

        Assert.That(activeWhileDown, Has.Length.EqualTo(1), $"an alarm is active for {node.Id}/{nic} while it is down");
        Assert.That(events.Where(e => !e.Cleared).Select(e => e.Alarm.Id), Does.Contain(activeWhileDown[0].Id));
        Assert.That(events.Where(e => e.Cleared).Select(e => e.Alarm.Id), Does.Contain(activeWhileDown[0].Id), "the alarm clears when the link is back");
        Assert.That(s.Facet.ActiveAlarms.Where(a => a.NodeId == node.Id && a.Resource == nic), Is.Empty);
    }

    [Test]
    public async Task Subscribe_Disposed_SendsNothingMore()
    {
        await using FacetSession<ITelemetry> s = await OpenAsync();
        IHardwareInventory inventory = Inventory(s);
        NodeHardware node = inventory.Current.Nodes.First(n => n.Nics.Any(x => x.LinkUp));
        string nic = node.Nics.First(x => x.LinkUp).Name;
        List<TelemetrySample> samples = [];

        s.Facet.Subscribe("/interfaces", samples.Add).Dispose();
        int afterDispose = samples.Count;
        await inventory.SetLinkStateAsync(node.Id, nic, false);
        await inventory.SetLinkStateAsync(node.Id, nic, true);

        Assert.That(samples, Has.Count.EqualTo(afterDispose));
    }

    private static IHardwareInventory Inventory(FacetSession<ITelemetry> s) =>
        s.Other<IHardwareInventory>() ?? throw new AssertionException("a target with port telemetry has a hardware inventory");

    private static string OperStatus(string nic) => $"/interfaces/interface[name={nic}]/state/oper-status";

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

public sealed class EmulatorTelemetryContract : TelemetryContract<OnEmulator>
{
}
