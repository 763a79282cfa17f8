// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Emulator.ServiceChaining.Compilation;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Compilation;

public sealed class FlowKeyTests
{
    private const LoadBalanceFields FiveTuple =
        LoadBalanceFields.IpSrc | LoadBalanceFields.IpDst | LoadBalanceFields.TcpSrc | LoadBalanceFields.TcpDst | LoadBalanceFields.UdpSrc | LoadBalanceFields.UdpDst;

    [TestCase(LoadBalanceFields.None)]
    [TestCase(FiveTuple)]
    [TestCase(LoadBalanceFields.IpSrc | LoadBalanceFields.IpDst)]
    public void InstanceHash_SymmetricFields_SameForAFlowAndItsReply(LoadBalanceFields fields)
    {
        HashSet<uint> hashes = [];
        for (uint i = 0; i < 1000; i++)
        {
            FlowKey request = Key(0x0A000001 + i, 0xC6336406, (ushort)(1024 + i), 443);
            FlowKey reply = Key(0xC6336406, 0x0A000001 + i, 443, (ushort)(1024 + i));

            Assert.That(reply.InstanceHash(fields), Is.EqualTo(request.InstanceHash(fields)), $"flow {i}");
            hashes.Add(request.InstanceHash(fields));
        }

        Assert.That(hashes, Has.Count.GreaterThan(990), "flows still spread over the hash space");
    }

    [Test]
    public void InstanceHash_SourceAddressOnly_KeepsPerDirectionMeaning()
    {
        // ip_src alone: every request from one client lands on one instance, whatever its destination.
        FlowKey a = Key(0x0A000001, 0xC6336406, 1024, 443);
        FlowKey b = Key(0x0A000001, 0xC6336407, 2048, 80);

        Assert.That(a.InstanceHash(LoadBalanceFields.IpSrc), Is.EqualTo(b.InstanceHash(LoadBalanceFields.IpSrc)));
    }

    private static FlowKey Key(uint source, uint destination, ushort sourcePort, ushort destinationPort) => new()
    {
        Source = source,
        Destination = destination,
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        Protocol = (byte)ClassifierProtocol.Tcp,
    };
}
