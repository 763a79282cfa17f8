// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.ServiceChaining.Model;

namespace NfvConformance.Emulator.ServiceChaining.Tests.Model;

public sealed class ChainSpecYamlTests
{
    private static string DataPath(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", name);

    [Test]
    public void Load_ThreeHopFile_ReadsEveryResourceWithOrigins()
    {
        ChainSpec spec = ChainSpecYaml.Load(DataPath("three-hop.yaml"));

        PortChain chain = spec.PortChains.Single();
        Assert.Multiple(() =>
        {
            Assert.That(spec.PortPairs.Select(p => p.Name), Is.EqualTo(new[] { "fw-1", "fw-2", "nat-1", "rt-1" }));
            Assert.That(spec.PortPairs[0].Correlation, Is.EqualTo(SfcCorrelation.Nsh));
            Assert.That(spec.PortPairs[2].Acceleration, Is.EqualTo(AccelerationMode.SharedMemory));
            Assert.That(spec.PortPairGroups[0].LbFields, Is.EqualTo(LoadBalanceFields.IpSrc | LoadBalanceFields.IpDst | LoadBalanceFields.TcpSrc | LoadBalanceFields.TcpDst));
            Assert.That(spec.FlowClassifiers[0].DestinationPortMax, Is.EqualTo(80));
            Assert.That(chain.ChainId, Is.EqualTo(7));
            Assert.That(chain.Symmetric, Is.True);
            Assert.That(chain.Origin, Does.EndWith("three-hop.yaml:45"));
            Assert.That(ChainSpecValidator.Validate(spec), Is.Empty);
        });
    }

    [Test]
    public void Parse_UnknownKeysAndBadValues_ListsEveryProblemWithLine()
    {
        const string yaml = """
            port_pairs:
              - name: a
                ingres: p1
                weight: heavy
            port_chains:
              - name: c
                chain_parameters: {correlation: gre}
            """;

        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSpecYaml.Parse(yaml, "spec.yaml"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Does.Contain("3 problem(s)"));
            Assert.That(ex.Message, Does.Contain("spec.yaml:3: unknown key 'ingres'"));
            Assert.That(ex.Message, Does.Contain("spec.yaml:4: 'heavy' is not a whole number"));
            Assert.That(ex.Message, Does.Contain("spec.yaml:7: correlation 'gre' is unknown"));
        });
    }

    [Test]
    public void Parse_BrokenSyntax_NamesFileAndLine()
    {
        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSpecYaml.Parse("port_pairs:\n  - name: [a\n", "bad.yaml"))!;

        Assert.That(ex.Message, Does.StartWith("bad.yaml:"));
    }

    [Test]
    public void Load_MissingFile_SaysNotFound()
    {
        ConfigurationException ex = Assert.Throws<ConfigurationException>(() => ChainSpecYaml.Load("/nonexistent/chain.yaml"))!;

        Assert.That(ex.Message, Does.Contain("/nonexistent/chain.yaml: chain spec file not found"));
    }

    [Test]
    public void Validate_YamlSpecWithCycle_SubjectIsFileAndLine()
    {
        const string yaml = """
            port_pairs:
              - {name: a1, ingress: i1, egress: e1, function: l2}
              - {name: b1, ingress: i2, egress: e2, function: l2}
            port_pair_groups:
              - {name: a, port_pairs: [a1], runs_after: [b]}
              - {name: b, port_pairs: [b1], runs_after: [a]}
            flow_classifiers:
              - {name: any}
            port_chains:
              - {name: c, port_pair_groups: [a, b], flow_classifiers: [any]}
            """;

        IReadOnlyList<ValidationError> errors = ChainSpecValidator.Validate(ChainSpecYaml.Parse(yaml, "cyc.yaml"));

        Assert.That(errors.Single().Subject, Is.EqualTo("cyc.yaml:10 (port_chain c)"));
    }
}
