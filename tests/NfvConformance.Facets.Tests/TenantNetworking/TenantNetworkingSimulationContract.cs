// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.TenantNetworking;

namespace NfvConformance.Facets.Tests.TenantNetworking;

/// <summary>
/// What every <see cref="ITenantNetworkingSimulation"/> must do: a bit flipped on the modeled storage back end is
/// detected by the next read of an encrypted volume, and a contention trial accounts for every frame each flow sent
/// (delivered, or dropped under a reason).
/// </summary>
/// <typeparam name="TTarget">The target.</typeparam>
public abstract class TenantNetworkingSimulationContract<TTarget> : FacetContract<ITenantNetworkingSimulation, TTarget>
    where TTarget : TestTarget, new()
{
    /// <inheritdoc />
    public override IReadOnlyList<FacetBreak<ITenantNetworkingSimulation>> Breaks { get; } =
    [
        new(nameof(TamperVolumeBackend_TheNextReadIsRefused), "tampers with nothing",
            f => Broken.Facet(f, (nameof(ITenantNetworkingSimulation.TamperVolumeBackend), (a, real) => null))),
        new(nameof(RunContention_EveryFrameSent_IsDeliveredOrDroppedForAReason), "loses frames without counting them",
            f => Broken.Facet(f, (nameof(ITenantNetworkingSimulation.RunContention), (a, real) => ((ContentionResult)real()!) is var r ? r with { Victim = r.Victim with { Delivered = r.Victim.Delivered - 1 } } : null))),
    ];

    [Test]
    public async Task TamperVolumeBackend_TheNextReadIsRefused()
    {
        await using FacetSession<ITenantNetworkingSimulation> s = await OpenAsync();
        ITenantNetworking tenants = Tenants(s);
        (string project, string[] ports) = await ProjectWithPortsAsync(tenants, "vol", 1);
        TenantVolume volume = (await tenants.CreateVolumeAsync(project, new VolumeSpec("v", 1))).Result;
        await tenants.AttachVolumeAsync(project, volume.Id, ports[0]);
        byte[] data = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        await tenants.WriteVolumeAsync(project, volume.Id, 0, data);
        Assert.That(await tenants.ReadVolumeAsync(project, volume.Id, 0, data.Length), Is.EqualTo(data), "an untouched volume reads back");

        s.Facet.TamperVolumeBackend(volume.Id, 100);

        Assert.That(async () => await tenants.ReadVolumeAsync(project, volume.Id, 0, data.Length), Throws.InstanceOf<TenantNetworkingException>());
    }

    [Test]
    public async Task RunContention_EveryFrameSent_IsDeliveredOrDroppedForAReason()
    {
        await using FacetSession<ITenantNetworkingSimulation> s = await OpenAsync();
        ITenantNetworking tenants = Tenants(s);
        (string victim, string[] v) = await ProjectWithPortsAsync(tenants, "victim", 2);
        (string attacker, string[] x) = await ProjectWithPortsAsync(tenants, "attacker", 2);
        string vTo = (await tenants.ListPortsAsync(victim)).Single(p => p.Id == v[1]).FixedIps[0];
        string xTo = (await tenants.ListPortsAsync(attacker)).Single(p => p.Id == x[1]).FixedIps[0];

        ContentionResult r = s.Facet.RunContention(new ContentionTrial(v[0], vTo, victim, x[0], xTo, attacker) { AttackerLoad = 3, VictimLoad = 0.1, Rounds = 20 });

        foreach (FlowOutcome flow in new[] { r.Victim, r.Attacker })
        {
            Assert.That(flow.Sent, Is.GreaterThan(0));
            Assert.That(flow.Delivered + flow.DropsByReason.Values.Sum(), Is.EqualTo(flow.Sent), "every frame is delivered or dropped under a reason");
        }
    }

    private static ITenantNetworking Tenants(FacetSession<ITenantNetworkingSimulation> s) =>
        s.Other<ITenantNetworking>() ?? throw new AssertionException("a target that simulates tenant networking offers tenant networking");

    // A project with one network and a port on each of the first compute nodes.
    private static async Task<(string Project, string[] Ports)> ProjectWithPortsAsync(ITenantNetworking tenants, string name, int ports)
    {
        string project = (await tenants.CreateProjectAsync(name)).Result.Id;
        string network = (await tenants.CreateNetworkAsync(project, new NetworkSpec($"{name}-net"))).Result.Id;
        await tenants.CreateSubnetAsync(project, new SubnetSpec(network, "10.70.0.0/24"));
        List<string> nodes = tenants.Info.Nodes.Where(n => n.Role == "compute").Select(n => n.Id).ToList();
        List<string> created = [];
        for (int i = 0; i < ports; i++)
        {
            created.Add((await tenants.CreatePortAsync(project, new PortSpec(network, nodes[i % nodes.Count]))).Result.Id);
        }

        return (project, [.. created]);
    }
}

public sealed class EmulatorTenantNetworkingSimulationContract : TenantNetworkingSimulationContract<OnEmulator>
{
}
