// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Core.Workloads;

namespace NfvConformance.Core.Tests.Workloads;

public sealed class CnfPackageCheckerTests
{
    private static string PackagePath(string relative) =>
        RepositoryPaths.FindUpwards(relative) ?? throw new InvalidOperationException($"{relative} not found above the test directory");

    private static IReadOnlyList<PackageViolation> CheckBad() =>
        CnfPackageChecker.Check(CnfPackage.Load(PackagePath("tests/NfvConformance.Core.Tests/Workloads/TestData/bad-cnf")));

    [Test]
    public void Check_ExamplePackage_HasNoViolation()
    {
        CnfPackage package = CnfPackage.Load(PackagePath(CnfPackage.DefaultRelativePath));

        IReadOnlyList<PackageViolation> violations = CnfPackageChecker.Check(package);

        Assert.That(violations, Is.Empty, string.Join(Environment.NewLine, violations));
        Assert.That(package.Manifests.Select(m => m.Kind), Is.SupersetOf(new[] { "Deployment", "DaemonSet", "StatefulSet", "CronJob", "Service" }));
        Assert.That(package.Skipped, Has.Some.StartsWith("Chart.yaml:"));
    }

    [Test]
    public void Check_BadPackage_ReportsHostNetworkInPodAndInCronJobTemplate()
    {
        var hits = CheckBad().Where(v => v.Requirement == CnfPackageChecker.HostNetwork).Select(v => $"{v.File}:{v.Line} {v.Object} {v.Path}").ToList();

        Assert.That(hits, Is.EqualTo(new[]
        {
            "templates/all.yaml:8 Pod/probe spec.hostNetwork",
            "templates/all.yaml:68 CronJob/sweep spec.jobTemplate.spec.template.spec.hostNetwork",
        }));
    }

    [Test]
    public void Check_BadPackage_ReportsEveryHardCodedAddressWithItsLine()
    {
        var hits = CheckBad().Where(v => v.Requirement == CnfPackageChecker.HardCodedIp).Select(v => $"{v.Line} {v.Message.Split('\'')[1]}").ToList();

        Assert.That(hits, Is.EquivalentTo(new[]
        {
            "25 198.51.100.7/24",
            "25 198.51.100.1",
            "28 203.0.113.9",
            "35 10.96.12.5",
            "37 2001:db8::5",
            "38 10.20.0.4",
        }));
    }

    [Test]
    public void Check_BadPackage_ReportsNodePortTypeAndField()
    {
        var hits = CheckBad().Where(v => v.Requirement == CnfPackageChecker.NodePort).Select(v => $"{v.Line} {v.Path}").ToList();

        Assert.That(hits, Is.EqualTo(new[] { "49 spec.type", "53 spec.ports[0].nodePort" }));
    }

    [Test]
    public void Check_BadPackage_ReportsHostPortsWithWhatToChange()
    {
        var hits = CheckBad().Where(v => v.Requirement == CnfPackageChecker.HostPort).ToList();

        Assert.That(hits.Select(v => $"{v.Object}:{v.Line}"), Is.EqualTo(new[] { "Deployment/upf:41", "CronJob/sweep:74" }));
        Assert.That(hits[0].ToString(), Does.StartWith("templates/all.yaml:41:").And.Contain("spec.template.spec.containers[0].ports[0].hostPort").And.Contain("Remove hostPort"));
    }

    [TestCase("--bind=0.0.0.0:80", 0)]
    [TestCase("127.0.0.1", 0)]
    [TestCase("::1", 0)]
    [TestCase("version 1.22.3", 0)]
    [TestCase("1.2.3.4.5", 0)]
    [TestCase("02:00:00:00:00:01", 0)]
    [TestCase("10:30:00", 0)]
    [TestCase("300.1.1.1", 0)]
    [TestCase("http://192.0.2.10:8080/path", 1)]
    [TestCase("fd00:10::1/64,10.0.0.1", 2)]
    [TestCase("peer=[2001:db8:1::7]:5060", 1)]
    public void Find_CountsOnlyRoutableLiterals(string text, int expected)
    {
        Assert.That(HardCodedAddresses.Find(text), Has.Count.EqualTo(expected));
    }

    [Test]
    public void InAnnotation_MultusShortForm_HasNoAddress()
    {
        Assert.That(HardCodedAddresses.InAnnotation(HardCodedAddresses.NetworksAnnotation, "net-a,ns/net-b@eth2"), Is.Empty);
    }

    [Test]
    public void Load_UnrenderedHelmTemplate_SaysToRenderIt()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nfvc-cnf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n");

            var e = Assert.Throws<ConfigurationException>(() => CnfPackage.Load(dir));

            Assert.That(e!.Message, Does.Contain("svc.yaml:4").And.Contain("helm template"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Load_MissingDirectory_NamesIt()
    {
        var e = Assert.Throws<ConfigurationException>(() => CnfPackage.Load("/nonexistent/cnf"));

        Assert.That(e!.Message, Does.Contain("/nonexistent/cnf").And.Contain("not found"));
    }
}
