// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Tests.Runtime;

namespace NfvConformance.Gherkin.Tests.Bindings;

public sealed class DataTableTests
{
    private static DataTable Table(params string[][] rows) => new(TestPickles.Table(rows).DataTable!);

    [Test]
    public void CreateSet_HeaderWithSpacesAndCase_MapsToProperties()
    {
        DataTable table = Table(["name", "Port Count", "speed"], ["vFW", "2", "Gbps10"], ["vRouter", "4", "Gbps25"]);

        IReadOnlyList<Vnf> set = table.CreateSet<Vnf>();

        Assert.That(set, Is.EqualTo(new[] { new Vnf { Name = "vFW", PortCount = 2, Speed = Speed.Gbps10 }, new Vnf { Name = "vRouter", PortCount = 4, Speed = Speed.Gbps25 } }));
    }

    [Test]
    public void CreateInstance_VerticalTable_MapsFieldsToRecordConstructor()
    {
        DataTable table = Table(["Field", "Value"], ["Name", "m1.large"], ["vcpus", "4"], ["Huge Pages", "true"]);

        Flavor flavor = table.CreateInstance<Flavor>();

        Assert.That(flavor, Is.EqualTo(new Flavor("m1.large", 4, true)));
    }

    [Test]
    public void CreateInstance_UnknownColumn_ThrowsNamingColumnAndSettableProperties()
    {
        DataTable table = Table(["Name", "Prot Count"], ["vFW", "2"]);

        ConfigurationException? error = Assert.Throws<ConfigurationException>(() => table.CreateInstance<Vnf>());

        Assert.That(error!.Message, Does.Contain("\"ProtCount\"").And.Contain("PortCount"));
    }

    [Test]
    public void CreateSet_BadValue_ThrowsNamingRowAndMember()
    {
        DataTable table = Table(["Name", "Port Count"], ["vFW", "2"], ["vR", "many"]);

        ConfigurationException? error = Assert.Throws<ConfigurationException>(() => table.CreateSet<Vnf>());

        Assert.That(error!.Message, Does.Contain("Vnf.PortCount").And.Contain("row 2").And.Contain("\"many\""));
    }

    [Test]
    public void Indexer_Header_IsCaseInsensitive()
    {
        DataTable table = Table(["Name", "Speed"], ["a", "b"]);

        Assert.Multiple(() =>
        {
            Assert.That(table.Rows[0]["speed"], Is.EqualTo("b"));
            Assert.That(table.Header, Is.EqualTo(new[] { "Name", "Speed" }));
            Assert.That(table.RowCount, Is.EqualTo(1));
            Assert.Throws<KeyNotFoundException>(() => _ = table.Rows[0]["colour"]);
        });
    }

    internal enum Speed
    {
        Gbps10,
        Gbps25,
    }

    internal sealed record Vnf
    {
        public string Name { get; set; } = string.Empty;

        public int PortCount { get; set; }

        public Speed Speed { get; set; }
    }

    internal sealed record Flavor(string Name, int VCpus, bool HugePages);
}
