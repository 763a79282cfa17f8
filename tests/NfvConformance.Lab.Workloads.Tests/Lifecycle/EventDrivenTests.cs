// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Lifecycle;
using NfvConformance.Lab.Workloads.Traffic;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Tests.Lifecycle;

public sealed class EventDrivenTests
{
    [Test]
    public async Task An_event_driven_function_starts_on_the_first_packet_and_stops_when_idle()
    {
        (DockerEngine engine, string image) = await Lab.GoodImageAsync();
        await using ContainerRuntime runtime = new(engine);
        await using WorkloadChain chain = await WorkloadChain.CreateAsync(Lab.Run, stages: 1);
        await chain.RouteOverAsync([0]);
        WorkloadSpec Spec(int n) => new($"fn{n}", ["left", "right"], Lab.Realisation(RealisationKind.Container, chain.Expand(WorkloadChain.RouterCommands.Concat(EventDrivenFunction.AnnounceCommands), 0, 0), readOnly: true, 2), image)
        {
            Macs = WorkloadChain.Macs(0, 0),
        };
        await using EventDrivenFunction fn = new(chain, runtime, Spec, idle: TimeSpan.FromSeconds(1));
        fn.Start();
        await Task.Delay(700);
        Assert.That(fn.Current, Is.Null, "no instance while no traffic flows");

        using UdpFlows flows = new(Netns.PathOf(chain.SourceNetns), chain.Source, Netns.PathOf(chain.SinkNetns), chain.Destination, flows: 4, packetsPerSecond: 200);
        flows.Start(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.That(fn.Current, Is.Not.Null, "the first packet started an instance");
        FlowReport report = flows.Stop();
        DateTime deadline = DateTime.UtcNow.AddSeconds(8);
        while (fn.Current is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        EventDrivenActivation a = fn.Activations.Single();
        TestContext.Out.WriteLine($"first-packet latency {report.FirstPacketLatency?.TotalMilliseconds:F0} ms, running after {a.RunningAfter.TotalMilliseconds:F0} ms, configured after {a.StartupCost.TotalMilliseconds:F0} ms, stopped {a.IdleStop?.TotalMilliseconds:F0} ms after the last packet; sent {report.Sent}, received {report.Received}, lost {report.Lost}");
        Assert.Multiple(() =>
        {
            Assert.That(fn.Current, Is.Null, "the instance stopped once traffic was idle");
            Assert.That(report.Received, Is.GreaterThan(report.Sent / 2), "once started, the instance forwarded the flows");
            Assert.That(report.FirstPacketLatency, Is.GreaterThanOrEqualTo(a.RunningAfter), "the first packet waited for the instance to start");
            Assert.That(a.IdleStop, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        });
    }
}
