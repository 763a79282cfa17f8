// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Descriptors.Vnfd;

namespace NfvConformance.Descriptors.Tests.Vnfd;

public sealed class VnfDescriptorReaderTests
{
    private static readonly string Container = TestVnfd.Container("acme-router", "1.2", "router", "rtr", """
              realisation:
                commands: ["sysctl -w net.ipv4.ip_forward=1"]
                capabilities: [NET_ADMIN]
                user: "1000"
                read_only: true
                stop_grace_seconds: 3
        """);

    [Test]
    public void A_container_router_is_read_with_its_realisation()
    {
        (VnfPackage? p, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.ParsePackage(Container, "/tmp/acme.yaml");
        Assert.That(errors, Is.Empty);
        Assert.That(p, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(p!.Function, Is.EqualTo("router"));
            Assert.That(p.Unit.Kind, Is.EqualTo(WorkloadKind.Container));
            Assert.That(p.Unit.ConnectionPoints.Select(c => c.Name), Is.EqualTo(new[] { "left", "right" }));
            Assert.That(p.Realisation.Kind, Is.EqualTo(RealisationKind.Container));
            Assert.That(p.Realisation.Capabilities, Is.EqualTo(new[] { "NET_ADMIN" }));
            Assert.That(p.Realisation.User, Is.EqualTo("1000"));
            Assert.That(p.Realisation.ReadOnly, Is.True);
            Assert.That(p.Realisation.StopGraceSeconds, Is.EqualTo(3));
            Assert.That(p.Descriptor.Source, Is.EqualTo("/tmp/acme.yaml:2"));
        });
    }

    [Test]
    public void The_lifecycle_view_is_the_same_descriptor()
    {
        (Abstractions.Lifecycle.VnfDescriptor? d, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.Parse(Container, "acme.yaml");
        Assert.That(errors, Is.Empty);
        Assert.That(d!.Id, Is.EqualTo("acme-router"));
    }

    [TestCase("function: router", "function: toaster", 5, "vnfd.function", "not a chain function")]
    [TestCase("kind: container", "kind: pod", 8, "kind", "is not one of vm, container, netns")]
    [TestCase("capabilities: [NET_ADMIN]", "capabilities: [ALL]", 19, "capabilities", "ALL is refused")]
    [TestCase("- name: right", "- name: a-name-far-too-long-for-linux", 15, "connection_points", "cannot name a Linux interface")]
    [TestCase("stop_grace_seconds: 3", "stop_grace_seconds: soon", 22, "stop_grace_seconds", "expected a whole number")]
    [TestCase("read_only: true", "read_only: true\n        colour: red", 22, "realisation.colour", "unknown field")]
    public void A_malformed_descriptor_names_file_line_and_what_to_fix(string from, string to, int line, string field, string what)
    {
        string text = Container.Replace(from, to, StringComparison.Ordinal);
        (VnfPackage? p, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.ParsePackage(text, "acme.yaml");
        Assert.That(p, Is.Null);
        Assert.That(errors, Has.Some.Matches<ValidationError>(e => e.Subject == $"acme.yaml:{line}" && e.Message.Contains(field, StringComparison.Ordinal) && e.Message.Contains(what, StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Test]
    public void A_netns_unit_needs_commands()
    {
        const string Text = """
            vnfd:
              id: n
              version: "1"
              deployment_units:
                - name: fw
                  kind: netns
                  cores: 1
                  memory_mb: 8
                  connection_points:
                    - name: left
                      attachment: [kernel-virtio]
                  realisation:
                    read_only: true
            """;
        (VnfPackage? p, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.ParsePackage(Text, "n.yaml");
        Assert.That(p, Is.Null);
        Assert.That(errors, Has.Some.Matches<ValidationError>(e => e.Subject == "n.yaml:13" && e.Message.Contains("needs at least one command", StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Test]
    public void A_missing_image_file_is_named_with_the_path_it_looked_for()
    {
        string text = Container.Replace("read_only: true", "read_only: true\n        image_file: images/rtr.tar", StringComparison.Ordinal);
        (VnfPackage? p, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.ParsePackage(text, "/nonexistent/acme.yaml");
        Assert.That(p, Is.Null);
        Assert.That(errors.Single().Message, Does.Contain("/nonexistent/images/rtr.tar").And.Contain("does not exist"));
        Assert.That(errors.Single().Subject, Is.EqualTo("/nonexistent/acme.yaml:22"));
    }

    [Test]
    public void Load_throws_a_configuration_error_listing_every_problem()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnfd-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, Container.Replace("function: router", "function: toaster", StringComparison.Ordinal).Replace("kind: container", "kind: pod", StringComparison.Ordinal));
        try
        {
            ConfigurationException e = Assert.Throws<ConfigurationException>(() => VnfDescriptorReader.Load(file))!;
            Assert.That(e.Message, Does.Contain($"{file}:5").And.Contain($"{file}:8").And.Contain("docs/vnf-descriptor.md"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void A_function_replacement_has_one_unit()
    {
        string second = "\n    - name: extra\n      kind: container\n      cores: 1\n      memory_mb: 8\n";
        (VnfPackage? p, IReadOnlyList<ValidationError> errors) = VnfDescriptorReader.ParsePackage(Container + second, "x.yaml");
        Assert.That(p, Is.Null);
        Assert.That(errors, Has.Some.Matches<ValidationError>(e => e.Message.Contains("exactly one deployment unit", StringComparison.Ordinal)), string.Join("\n", errors));
    }
}
