// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.Capabilities.Timing;

namespace NfvConformance.Emulator.Capabilities.Tests.Timing;

public sealed class PtpSynchronisationTests
{
    private static ControlPlane Hp(PtpModel? model = null) =>
        ControlPlane.Create(new ControlPlaneOptions { Profile = Profiles.HighPerformance, Ptp = model ?? new PtpModel() });

    [Test]
    public async Task Synchronise_HardwareClockWithSyncE_SettlesWithinTensOfNanoseconds()
    {
        PtpRun run = await ((IPtpSynchronisation)Hp().Facets[typeof(IPtpSynchronisation)]).SynchroniseAsync(new("edge-h1", "eno1", TimeSpan.FromSeconds(60)));

        Assert.Multiple(() =>
        {
            Assert.That(run.Problems, Is.Empty);
            Assert.That(run.ClockName, Is.EqualTo("/dev/ptp0"));
            Assert.That(run.HardwareTimestamping && run.SyncELocked, Is.True);
            Assert.That(run.Samples, Has.Count.EqualTo(960));
            Assert.That(run.MessagesExchanged, Is.EqualTo(4 * 960));
            Assert.That(Math.Abs(run.Samples[0].OffsetNs), Is.GreaterThan(20_000), "starts far off and steps");
            Assert.That(run.MaxAbsOffsetNs(TimeSpan.FromSeconds(10)), Is.LessThan(30));
            Assert.That(run.Samples[^1].PathDelayNs, Is.EqualTo(500).Within(20));
        });
    }

    [Test]
    public async Task Synchronise_SoftwareTimestamps_MissesTheBudgetByMicroseconds()
    {
        // hp-1's ens2f0 has no PTP hardware clock: ptp4l -S disciplines the system clock from software stamps.
        PtpRun run = await ((IPtpSynchronisation)Hp().Facets[typeof(IPtpSynchronisation)]).SynchroniseAsync(new("hp-1", "ens2f0", TimeSpan.FromSeconds(60)));
        Assert.That(run.ClockName, Is.EqualTo("CLOCK_REALTIME"));
        Assert.That(run.SyncELocked, Is.False);
        Assert.That(run.MaxAbsOffsetNs(TimeSpan.FromSeconds(10)), Is.GreaterThan(1000));
    }

    [Test]
    public async Task Synchronise_NoisyTimestamps_BreakTheBudget()
    {
        PtpRun run = await ((IPtpSynchronisation)Hp(new PtpModel { HardwareStampNoiseNs = 40 }).Facets[typeof(IPtpSynchronisation)]).SynchroniseAsync(new("edge-h1", "eno1", TimeSpan.FromSeconds(30)));
        Assert.That(run.MaxAbsOffsetNs(TimeSpan.FromSeconds(10)), Is.GreaterThan(70), "40 ns time-stamp noise breaks a 70 ns budget");
    }

    [Test]
    public async Task Synchronise_UnknownPortOrLinkDown_SaysWhatIsWrong()
    {
        ControlPlane cp = Hp();
        IPtpSynchronisation ptp = (IPtpSynchronisation)cp.Facets[typeof(IPtpSynchronisation)];
        Assert.That((await ptp.SynchroniseAsync(new("edge-h1", "eth9", TimeSpan.FromSeconds(1)))).Problems.Single().Message, Does.Contain("has no port 'eth9'; known: eno1, eno2, eno3, eno4"));
        await cp.Hardware.SetLinkStateAsync("edge-h1", "eno1", false);
        Assert.That((await ptp.SynchroniseAsync(new("edge-h1", "eno1", TimeSpan.FromSeconds(1)))).Problems.Single().Message, Does.Contain("link down"));
    }

    [Test]
    public void Frames_RoundTripEveryMessageType_AndRejectAWrongVersion()
    {
        byte[] frame = new byte[80];
        foreach (PtpMessageType type in Enum.GetValues<PtpMessageType>())
        {
            PtpMessage m = new(type, 24, 77, 0x0011223344556677, 1_700_000_000_123_456_789, 1.5);
            int len = PtpMessages.WriteFrame(frame, [2, 0, 0, 0, 0, 1], m, 42);
            Assert.That(PtpMessages.ReadFrame(frame.AsSpan(0, len)), Is.EqualTo(m));
        }

        frame[15] = 0x01;
        Assert.That(() => PtpMessages.ReadFrame(frame), Throws.TypeOf<FormatException>().With.Message.Contains("versionPTP is 1"));
    }
}
