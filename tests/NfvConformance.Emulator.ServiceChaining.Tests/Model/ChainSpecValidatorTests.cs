// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Model;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Model;

public sealed class ChainSpecValidatorTests
{
    [Test]
    public void Validate_WellFormedChain_ReturnsNoProblems()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter().Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Validate_ManyProblems_ReturnsEveryOneAtOnce()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithPortPair(new PortPair("bad", "x", "x", "firewall") { Weight = -1 })
            .WithPortPairGroup(new PortPairGroup("ghosts", ["nobody"]))
            .WithFlowClassifier(new FlowClassifier("odd") { SourceIpPrefix = "10.0.0.0/40", SourcePortMin = 5 })
            .WithPortChain(new PortChain("c2", ["fw", "missing-group"], ["nope"]) { ChainId = 70000 })
            .Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        string all = string.Join("\n", errors);
        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("weight = -1"));
            Assert.That(all, Does.Contain("port pair 'nobody' does not exist"));
            Assert.That(all, Does.Contain("'10.0.0.0/40' is not a CIDR prefix"));
            Assert.That(all, Does.Contain("port ranges need protocol tcp or udp"));
            Assert.That(all, Does.Contain("chain_id = 70000"));
            Assert.That(all, Does.Contain("group 'missing-group' does not exist"));
            Assert.That(all, Does.Contain("flow classifier 'nope' does not exist"));
            Assert.That(errors.Count(e => e.IsCritical), Is.GreaterThanOrEqualTo(7));
        });
    }

    [Test]
    public void Validate_RunsConstraintsFormCycle_ReportsCycleMembers()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithPortPairGroup(new PortPairGroup("fw", ["fw-1", "fw-2"]) { RunsAfter = ["router"] })
            .WithPortPairGroup(new PortPairGroup("router", ["rt-1"]) { RunsAfter = ["nat"] })
            .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]) { RunsAfter = ["fw"] })
            .Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors, Has.One.Matches<ValidationError>(e => e.IsCritical && e.Message.Contains("cycle among groups fw, nat, router", StringComparison.Ordinal)));
    }

    [Test]
    public void Validate_ConstraintNamesMissingGroup_ReportsMissingNode()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]) { RunsBefore = ["dpi"] })
            .Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors, Has.One.Matches<ValidationError>(e => e.Message.Contains("'dpi', which does not exist", StringComparison.Ordinal) && e.Subject == "port_pair_group/nat"));
    }

    [Test]
    public void Validate_OverlappingClassifiersOnTwoChains_ReportsConflict()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithFlowClassifier(new FlowClassifier("ten-one") { SourceIpPrefix = "10.1.0.0/16" })
            .WithPortChain(new PortChain("c2", ["nat", "router"], ["ten-one"]))
            .Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors, Has.One.Matches<ValidationError>(e => e.Message.Contains("PortChainFlowClassifierInConflict", StringComparison.Ordinal)));
    }

    [Test]
    public void Validate_DisjointClassifiersOnTwoChains_NoConflict()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithFlowClassifier(new FlowClassifier("eleven") { SourceIpPrefix = "11.0.0.0/8" })
            .WithPortChain(new PortChain("c2", ["nat", "router"], ["eleven"]))
            .Build();

        Assert.That(ChainSpecValidator.Validate(spec), Is.Empty);
    }

    [Test]
    public void Validate_SameGroupListTwice_ReportsInvalidPortPairGroups()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithFlowClassifier(new FlowClassifier("eleven") { SourceIpPrefix = "11.0.0.0/8" })
            .WithPortChain(new PortChain("c2", ["fw", "nat", "router"], ["eleven"]))
            .Build();

        Assert.That(ChainSpecValidator.Validate(spec), Has.One.Matches<ValidationError>(e => e.Message.Contains("InvalidPortPairGroups", StringComparison.Ordinal)));
    }

    [Test]
    public void Validate_SharedClassifierPairInTwoGroupsAndConsecutiveTaps_ReportsEach()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithPortPairGroup(new PortPairGroup("fw2", ["fw-1"]) { TapEnabled = true })
            .WithPortPairGroup(new PortPairGroup("nat", ["nat-1"]) { TapEnabled = true })
            .WithPortChain(new PortChain("c2", ["fw2", "nat"], ["all-10"]))
            .Build();

        string all = string.Join("\n", ChainSpecValidator.Validate(spec));

        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("'fw-1' is already in group 'fw'"));
            Assert.That(all, Does.Contain("tap-enabled groups 'fw2' and 'nat' are consecutive"));
            Assert.That(all, Does.Contain("FlowClassifierInUse"));
        });
    }

    [Test]
    public void Validate_SymmetricChainWithoutLogicalPorts_ReportsClassifier()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithPortChain(new PortChain("c1", ["fw", "nat", "router"], ["all-10"]) { Symmetric = true })
            .Build();

        Assert.That(ChainSpecValidator.Validate(spec), Has.One.Matches<ValidationError>(e => e.Message.Contains("needs both logical_source_port and logical_destination_port", StringComparison.Ordinal)));
    }

    [Test]
    public void Validate_ChainWithoutClassifier_WarnsNonCritical()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter().WithPortChain(new PortChain("c1", ["fw", "nat", "router"], [])).Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec);

        Assert.That(errors, Has.Exactly(1).Items.And.All.Matches<ValidationError>(e => !e.IsCritical && e.Message.Contains("steers no traffic", StringComparison.Ordinal)));
    }

    [Test]
    public void Validate_UnknownFunction_NamesKnownOnes()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter().WithPortPair(new PortPair("rt-1", "a", "b", "teleporter")).Build();

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(spec, new HashSet<string> { "firewall", "nat44", "router" });

        Assert.That(errors.Single().Message, Does.Contain("'teleporter' is not one the target runs; use one of: firewall, nat44, router"));
    }

    [Test]
    public void Validate_ServiceGraphWithCycleAndUnknownChain_ReportsBoth()
    {
        ChainSpec spec = ChainSpecs.FwNatRouter()
            .WithFlowClassifier(new FlowClassifier("eleven") { SourceIpPrefix = "11.0.0.0/8" })
            .WithPortChain(new PortChain("c2", ["nat", "router"], ["eleven"]) { Correlation = SfcCorrelation.Nsh })
            .WithServiceGraph(new ServiceGraph("g", new Dictionary<string, IReadOnlyList<string>> { ["c1"] = ["c2"], ["c2"] = ["c1", "c9"] }))
            .Build();

        string all = string.Join("\n", ChainSpecValidator.Validate(spec));

        Assert.Multiple(() =>
        {
            Assert.That(all, Does.Contain("cycle through chains c1 -> c2 -> c1"));
            Assert.That(all, Does.Contain("port chain 'c9' does not exist"));
        });
    }
}
