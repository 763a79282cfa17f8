// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Run;
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
        WorkloadRun run = WorkloadRun.Start();
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
        run.Finish();

        Assert.That(Leftovers(run.Token), Is.Empty);
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

        found.AddRange(Proc.Run("ip", "netns", "list").Stdout.Split('\n').Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "netns " + l));
        found.AddRange(Directory.EnumerateFileSystemEntries("/sys/class/net").Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "link " + l));
        found.AddRange(Directory.EnumerateDirectories("/sys/fs/cgroup").SelectMany(c => Directory.EnumerateDirectories(c)).Where(d => d.Contains(token, StringComparison.Ordinal)).Select(d => "cgroup " + d));
        found.AddRange(File.ReadAllLines("/proc/self/mounts").Where(l => l.Contains(token, StringComparison.Ordinal)).Select(l => "mount " + l));
        if (Directory.Exists(Path.Combine(WorkloadRun.StateRoot, token)))
        {
            found.Add("state " + token);
        }

        return found;
    }
}
