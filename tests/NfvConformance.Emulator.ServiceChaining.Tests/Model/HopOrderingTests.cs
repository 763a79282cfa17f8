// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Model;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Model;

public sealed class HopOrderingTests
{
    private static Dictionary<string, PortPairGroup> Groups(params PortPairGroup[] groups) => groups.ToDictionary(g => g.Name);

    [Test]
    public void Order_NoConstraints_KeepsListedOrder()
    {
        Dictionary<string, PortPairGroup> groups = Groups(new("a", ["x"]), new("b", ["y"]), new("c", ["z"]));

        IReadOnlyList<string> order = HopOrdering.Order(new PortChain("p", ["c", "a", "b"], []), groups, out ValidationError? error);

        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EqualTo(new[] { "c", "a", "b" }));
            Assert.That(error, Is.Null);
        });
    }

    [Test]
    public void Order_RunsBeforeAndAfter_SortsTopologically()
    {
        Dictionary<string, PortPairGroup> groups = Groups(
            new("router", ["r"]) { RunsAfter = ["nat"] },
            new("fw", ["f"]) { RunsBefore = ["nat"] },
            new("nat", ["n"]));

        IReadOnlyList<string> order = HopOrdering.Order(new PortChain("p", ["router", "nat", "fw"], []), groups, out ValidationError? error);

        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EqualTo(new[] { "fw", "nat", "router" }));
            Assert.That(error, Is.Null);
        });
    }

    [Test]
    public void Order_ConstraintOnGroupOutsideChain_Ignored()
    {
        Dictionary<string, PortPairGroup> groups = Groups(new("a", ["x"]) { RunsAfter = ["dpi"] }, new("b", ["y"]), new("dpi", ["z"]));

        IReadOnlyList<string> order = HopOrdering.Order(new PortChain("p", ["a", "b"], []), groups, out ValidationError? error);

        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(error, Is.Null);
        });
    }

    [Test]
    public void Order_TwoNodeCycle_ReturnsError()
    {
        Dictionary<string, PortPairGroup> groups = Groups(new("a", ["x"]) { RunsBefore = ["b"] }, new("b", ["y"]) { RunsBefore = ["a"] }, new("c", ["z"]));

        HopOrdering.Order(new PortChain("p", ["a", "b", "c"], []), groups, out ValidationError? error);

        Assert.That(error?.Message, Does.Contain("cycle among groups a, b"));
    }
}
