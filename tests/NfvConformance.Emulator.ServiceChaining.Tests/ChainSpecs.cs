// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;

namespace NfvConformance.Emulator.ServiceChaining.Tests;

/// <summary>Specs shared by the tests.</summary>
internal static class ChainSpecs
{
    /// <summary>firewall (instances fw-1..fw-n) -> nat -> router, steering everything from 10.0.0.0/8.</summary>
    public static ChainSpecBuilder FwNatRouter(int firewalls = 2, AccelerationMode mode = AccelerationMode.DpdkVhostUser, bool wires = false)
    {
        string Fn(string f) => wires ? "wire" : f;
        ChainSpecBuilder b = new();
        List<string> fws = [];
        for (int i = 1; i <= firewalls; i++)
        {
            b = b.WithPortPair(new PortPair($"fw-{i}", $"fw{i}-in", $"fw{i}-out", Fn("firewall")) { Acceleration = mode });
            fws.Add($"fw-{i}");
        }

        return b
            .WithPortPair(new PortPair("nat-1", "nat1-in", "nat1-out", Fn("nat44")) { Acceleration = mode })
            .WithPortPair(new PortPair("rt-1", "rt1-in", "rt1-out", Fn("router")) { Acceleration = mode })
            .WithPortPairGroup(new PortPairGroup("fw", fws))
            .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]))
            .WithPortPairGroup(new PortPairGroup("router", ["rt-1"]))
            .WithFlowClassifier(new FlowClassifier("all-10") { SourceIpPrefix = "10.0.0.0/8" })
            .WithPortChain(new PortChain("c1", ["fw", "nat", "router"], ["all-10"]) { ChainId = 1, Correlation = SfcCorrelation.Nsh });
    }
}
