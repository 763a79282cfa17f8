// Licensed under the Apache License, Version 2.0.
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Tests.Support;

namespace NfvConformance.Lab.Linux.Tests.Cleanup;

/// <summary><c>nfvc lab clean</c> after a killed run whose daemon left mounts under the run's state folder (as dockerd does).</summary>
[NonParallelizable]
public sealed class LabCleanupTests
{
    [Test]
    public async Task Sweep_StateFolderWithAMountInside_DetachesTheMountAndRemovesTheFolder()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Tools.Missing("mounting needs root on Linux; run the tests as root");
        }

        Tools.RequireOnPath("mount", "mount");
        LabRun run = LabRun.Start();
        await using (run.ConfigureAwait(false))
        {
            string data = Path.Combine(run.StateDirectory, "docker", "data");
            Directory.CreateDirectory(data);
            ShellResult mounted = Shell.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "nfvc-test", data]);
            Assume.That(mounted.ExitCode, Is.Zero, mounted.Stderr);
            await File.WriteAllTextAsync(Path.Combine(data, "layer"), "left by a killed daemon");
            IReadOnlyList<string> before = LabCleanup.MountsUnder(run.StateDirectory);

            LabCleanReport report = LabCleanup.Sweep(run.Id, dryRun: false);

            Assert.Multiple(() =>
            {
                Assert.That(before, Is.EqualTo(new[] { data }), "the test's mount is seen under the state folder");
                Assert.That(report.Failed, Is.Empty);
                Assert.That(LabCleanup.MountsUnder(run.StateDirectory), Is.Empty, "the mount is detached");
                Assert.That(Directory.Exists(run.StateDirectory), Is.False, "the state folder is gone");
            });
        }
    }
}
