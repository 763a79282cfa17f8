// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Tests.Docker;

public sealed class ContainerRuntimeTests
{
    internal static VnfRealisation Container(params string[] commands) =>
        Lab.Realisation(RealisationKind.Container, commands, readOnly: true, 3);

    [Test]
    public async Task A_container_is_read_back_from_Docker_and_the_kernel_with_provenance()
    {
        (DockerEngine engine, string image) = await Lab.GoodImageAsync();
        ContainerRuntime runtime = new(engine);
        WorkloadInstance i = await runtime.StartAsync(new WorkloadSpec("facts", ["left"], Container("ip addr add 192.0.2.1/24 dev left", "ip link set left up"), image));
        string veth = Lab.Run.InterfaceName("fa");
        try
        {
            (await Shell.RunAsync("ip", ["link", "add", veth, "type", "veth", "peer", "name", veth + "p"])).OrThrow();
            string mac = File.ReadAllText($"/sys/class/net/{veth}p/address").Trim();
            (await Shell.RunAsync("ip", ["link", "set", veth + "p", "netns", i.NetnsPath, "name", "left"])).OrThrow();
            await runtime.ActivateAsync(i);

            WorkloadFacts facts = await runtime.InspectAsync(i);
            Assert.Multiple(() =>
            {
                Assert.That(facts["interface.left.mac"], Is.EqualTo(mac));
                Assert.That(facts["interface.left.ipv4"], Is.EqualTo("192.0.2.1/24"));
                Assert.That(facts["container.pid"], Is.EqualTo(i.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(facts["process.uid"], Is.EqualTo("1000"), "the image's USER, read from /proc/PID/status");
                Assert.That(facts["image.reference"], Is.EqualTo(image));
                Assert.That(facts["image.id"], Does.StartWith("sha256:"));
                Assert.That(facts["netns.inode"], Does.StartWith("net:["));
                Assert.That(facts.Facts, Has.All.Matches<WorkloadFact>(f => f.Source.StartsWith("docker:", StringComparison.Ordinal) || f.Source.StartsWith("kernel:", StringComparison.Ordinal)));
            });
        }
        finally
        {
            await runtime.StopAsync(i, TimeSpan.FromSeconds(3));
            await Shell.RunAsync("ip", ["link", "delete", veth]);
        }
    }
}
