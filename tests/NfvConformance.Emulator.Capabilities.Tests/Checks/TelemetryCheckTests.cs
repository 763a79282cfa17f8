// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Telemetry;
using NfvConformance.Core.Evidence;
using NfvConformance.Suites.Drivers;

namespace NfvConformance.Emulator.Capabilities.Tests.Checks;

/// <summary>The checks of features/Assurance/TelemetryAndAlarms.feature pass on the reference NFVI and fail on a target that does not stream or alarm.</summary>
public sealed class TelemetryCheckTests
{
    [TestCase(Profiles.Basic)]
    [TestCase(Profiles.HighPerformance)]
    public async Task LinkFault_IsStreamedAlarmedAndCleared(string profile)
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(new ControlPlaneOptions { Profile = profile, Catalogue = SuiteHarness.Catalogue });
        using HardwareDriver hw = h.Hardware();
        using TelemetryDriver t = h.Telemetry(hw);
        t.Subscribe("/interfaces/interface");
        Assert.That(() => t.CheckInitialSync(), Throws.Nothing);
        await t.TakeARedundantLinkDownAsync();
        Assert.That(() => t.CheckStreamed("DOWN"), Throws.Nothing);
        Assert.That(() => t.CheckAlarmRaised("Major"), Throws.Nothing);
        await t.BringItBackAsync();
        Assert.That(() => t.CheckStreamed("UP"), Throws.Nothing);
        Assert.That(() => t.CheckAlarmCleared(), Throws.Nothing);
    }

    [Test]
    public async Task LastLinkOfANode_RaisesACriticalAlarm()
    {
        ControlPlane cp = ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.Basic });
        ITelemetry t = (ITelemetry)cp.Facets[typeof(ITelemetry)];
        foreach (string nic in new[] { "eth0", "eth1", "eth2", "eth3" })
        {
            await cp.Hardware.SetLinkStateAsync("edge-b1", nic, false);
        }

        Assert.That(t.ActiveAlarms.Select(a => (a.Resource, a.Severity)), Is.EqualTo(new[] { ("eth0", AlarmSeverity.Major), ("eth1", AlarmSeverity.Major), ("eth2", AlarmSeverity.Major), ("eth3", AlarmSeverity.Critical) }));
    }

    [Test]
    public async Task TargetThatOnlyPolls_FailsTheStreamAndAlarmChecks()
    {
        await using SuiteHarness h = await SuiteHarness.StartAsync(
            new ControlPlaneOptions { Profile = Profiles.Basic, Catalogue = SuiteHarness.Catalogue },
            cp => new Dictionary<Type, object> { [typeof(ITelemetry)] = new SyncOnly((ITelemetry)cp.Facets[typeof(ITelemetry)]) });
        using HardwareDriver hw = h.Hardware();
        using TelemetryDriver t = h.Telemetry(hw);
        t.Subscribe("/interfaces/interface");
        Assert.That(() => t.CheckInitialSync(), Throws.Nothing);
        await t.TakeARedundantLinkDownAsync();
        Assert.That(() => t.CheckStreamed("DOWN"), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("carried no change"));
        Assert.That(() => t.CheckAlarmRaised("Major"), Throws.TypeOf<ConformanceCheckException>().With.Message.Contains("No alarm was raised"));
    }

    /// <summary>A telemetry service that answers the initial sync but never streams a change or an alarm.</summary>
    private sealed class SyncOnly(ITelemetry inner) : ITelemetry
    {
        public IReadOnlyList<Alarm> ActiveAlarms => [];

        public IDisposable Subscribe(string pathPrefix, Action<TelemetrySample> onSample) =>
            inner.Subscribe(pathPrefix, s =>
            {
                if (s.Sync)
                {
                    onSample(s);
                }
            });

        public IDisposable SubscribeAlarms(Action<AlarmEvent> onEvent) => inner.SubscribeAlarms(_ => { });
    }
}
