// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Targets;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Vm;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Tests.Chains;

public sealed class TeardownTests
{
    [Test]
    public async Task After_a_run_nothing_carries_its_token_no_container_VM_tap_namespace_cgroup_or_image()
    {
        Need.Qemu();
        Need.Docker();
        (ILabTarget target, LinuxLabContext run) = await Lab.StartLinuxLabAsync();
        DockerEngine engine = await DockerEngine.StartPrivateAsync(run);
        ImageStore images = new(engine);
        string image = await images.BuildAsync(CnfImages.Good);
        ContainerRuntime containers = new(engine);
        VmRuntime vms = new(run);
        NetnsRuntime netns = new(run);
        WorkloadChain chain = await WorkloadChain.CreateAsync(run, 3);
        VnfRealisation r(RealisationKind k) => Lab.Realisation(k, [], readOnly: false, 2);
        await chain.AttachAsync(0, 0, containers, await containers.StartAsync(new WorkloadSpec("c", ["left", "right"], r(RealisationKind.Container), image)));
        await chain.AttachAsync(1, 0, vms, await vms.StartAsync(new WorkloadSpec("v", ["left", "right"], r(RealisationKind.VirtualMachine))));
        await chain.AttachAsync(2, 0, netns, await netns.StartAsync(new WorkloadSpec("n", ["left", "right"], r(RealisationKind.Netns))));
        Assert.That(Leftovers(run.Token), Is.Not.Empty, "the run's resources exist while it runs");

        await chain.DisposeAsync();
        await netns.DisposeAsync();
        await vms.DisposeAsync();
        await engine.DisposeAsync();
        Assert.That(Leftovers(run.Token).Where(l => !l.StartsWith("state ", StringComparison.Ordinal)), Is.Empty, "the workloads removed what they created themselves");

        await target.DisposeAsync();
        Assert.That(Leftovers(run.Token), Is.Empty, "the target's teardown removed the run's state folder");
    }

    private static List<string> Leftovers(string token)
    {
        List<string> found = [];
        foreach (string dir in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(token, StringComparison.Ordinal))
                {
                    found.Add("process " + dir);
                }
            }
            catch (IOException)
            {
            }
        }

        found.AddRange(Shell.Run("ip", ["netns", "list"]).Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "netns " + l));
        found.AddRange(Directory.EnumerateFileSystemEntries("/sys/class/net").Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "link " + l));
        found.AddRange(Directory.EnumerateDirectories("/sys/fs/cgroup").SelectMany(c => Directory.EnumerateDirectories(c)).Where(d => d.Contains(token, StringComparison.Ordinal)).Select(d => "cgroup " + d));
        found.AddRange(File.ReadAllLines("/proc/self/mounts").Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "mount " + l));
        if (Directory.Exists(Path.Combine("/run/nfvc-lab", token)))
        {
            found.Add("state " + token);
        }

        return found;
    }
}
