// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Lab.Linux.Chains;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.Tests.Chains.Ovs;

/// <summary>
/// The NDR of one chain (classifier, then a router instance) under kernel steering and under Open vSwitch steering,
/// measured side by side in one run with the existing generator search (<see cref="GeneratorNdrBench"/>, device
/// <c>ports</c>: the client namespace's interface in, the server namespace's out). Real time, so explicit; the figures
/// go in docs/performance.md. Run: <c>dotnet test ... --filter "FullyQualifiedName~ChainNdrBench"</c>.
/// </summary>
[TestFixture]
[Explicit("real-time benchmark; its figures are recorded in docs/performance.md")]
[NonParallelizable]
public sealed class ChainNdrBench
{
    [Test]
    public async Task Ndr_RouterChain_KernelSteeringBesideOpenVSwitchSteering()
    {
        ChainLabHost.Require(ChainSteeringSetting.OvsTools);
        int rounds = int.TryParse(Environment.GetEnvironmentVariable("NDR_ROUNDS"), out int r) ? r : 1;
        List<string> lines = [];
        for (int round = 1; round <= rounds; round++)
        {
            foreach (ChainSteering steering in new[] { ChainSteering.Kernel, ChainSteering.Ovs })
            {
                GeneratorNdrReport report = await MeasureAsync(steering);
                string line = $"round {round} steering={steering}: {report.ToJson()}";
                lines.Add(line);
                await TestContext.Out.WriteLineAsync(line);
            }
        }

        Assert.That(lines, Has.Count.EqualTo(2 * rounds));
    }

    private static async Task<GeneratorNdrReport> MeasureAsync(ChainSteering steering)
    {
        await using LabRun run = LabRun.Start();
        await using LinuxServiceChaining chaining = new(run, steering);
        ChainSpec spec = ChainLabTestBase.Instances(("rt-1", "router", "rt"))
            .WithFlowClassifier(ChainLabTestBase.Classifier("gen", ClassifierProtocol.Udp, "16.0.0.0/8"))
            .WithPortChain(ChainLabTestBase.Chain("bench", 90, "rt", "gen"))
            .Build();
        ChainApplyResult applied = await chaining.ApplyAsync(spec);
        Assert.That(applied.Applied, Is.True, string.Join("; ", applied.Problems));

        // The generator stands where the probes start and end: frames from 16.0.0.0/8 enter the steering namespace
        // from the client side (to its client-side MAC) and leave it on the server side.
        string e = run.InterfaceName("e");
        return await GeneratorNdrBench.RunAsync(new GeneratorNdrOptions
        {
            Dut = "ports",
            Port0 = new AfPacketPort(e, chaining.Lab.Client),
            Port1 = new AfPacketPort(e, chaining.Lab.Server),
            DestinationMac = [0x02, 0x6e, 0x01, 0x00, 0x01, 0x01],
            TrialSeconds = 1,
        });
    }
}
