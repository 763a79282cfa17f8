// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Lab.Workloads.Tests.Docker;

public sealed class DockerEngineTests
{
    [Test]
    public void A_docker_setting_that_is_not_a_unix_socket_is_a_configuration_error()
    {
        ConfigurationException e = Assert.ThrowsAsync<ConfigurationException>(() => DockerEngine.ConnectAsync(Lab.Run, "tcp://10.0.0.1:2375"))!;
        Assert.That(e.Message, Does.Contain("--set docker=tcp://10.0.0.1:2375").And.Contain("unix:///PATH"));
    }

    [Test]
    public void A_socket_with_no_daemon_is_named_with_what_to_do()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"nfvc-no-daemon-{Guid.NewGuid():N}.sock");
        WorkloadException e = Assert.ThrowsAsync<WorkloadException>(() => DockerEngine.ConnectAsync(Lab.Run, "unix://" + socket))!;
        Assert.That(e.Message, Does.Contain(socket).And.Contain("start dockerd there").And.Not.Contain("Connection failed"));
    }

    [Test]
    public async Task A_socket_file_nobody_listens_on_is_named_with_what_to_do()
    {
        // A socket file that is bound but not listening: the path exists, nothing answers (the client's own error would
        // be "Connection failed").
        string socket = Path.Combine(Path.GetTempPath(), $"nfvc-stale-{Guid.NewGuid():N}.sock");
        using System.Net.Sockets.Socket s = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        s.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        try
        {
            WorkloadException e = Assert.ThrowsAsync<WorkloadException>(() => DockerEngine.ConnectAsync(Lab.Run, "unix://" + socket))!;
            Assert.That(e.Message, Does.Contain(socket).And.Contain("start dockerd on that socket"));
        }
        finally
        {
            File.Delete(socket);
        }

        await Task.CompletedTask;
    }

    [Test]
    public async Task A_running_daemon_given_as_a_setting_is_used_and_its_containers_are_removed_at_the_end()
    {
        (DockerEngine own, _) = await Lab.DockerAsync();
        DockerEngine external = await DockerEngine.ConnectAsync(Lab.Run, own.Endpoint);
        Assert.That(external.IsPrivate, Is.False);
        await external.DisposeAsync();
    }
}
