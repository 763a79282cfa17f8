// Licensed under the Apache License, Version 2.0.
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Vm;

/// <summary>A guest kernel with the folder of its modules.</summary>
/// <param name="Kernel">The kernel image (bzImage).</param>
/// <param name="Modules">The <c>lib/modules/VERSION</c> folder.</param>
/// <param name="Origin">Where it came from (the host's /boot, or the Debian package downloaded).</param>
public sealed record GuestKernel(string Kernel, string Modules, string Origin);

/// <summary>
/// What a VM boots: a kernel (the host's /boot one when there is one, else Debian's cloud kernel fetched with
/// <c>apt-get download</c> into the cache) and a busybox initramfs built at set-up, which loads the virtio-net
/// modules, names the NICs after the connection points, runs the unit's commands and prints its interfaces.
/// Everything is cached under <see cref="CacheRoot"/> by content hash.
/// </summary>
public static class GuestImage
{
    /// <summary>The marker the guest prints on its console when its commands have run.</summary>
    public const string ReadyMarker = "NFVC-GUEST-READY";

    private static readonly string[] s_baseModules = ["virtio_pci", "virtio_net"];

    /// <summary>Gets the cache folder (<c>$NFVC_CACHE</c>, else <c>/var/cache/nfvc/workloads</c>).</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("NFVC_CACHE") ?? "/var/cache/nfvc/workloads";

    /// <summary>Finds or fetches the guest kernel.</summary>
    /// <param name="ct">Cancels the download.</param>
    /// <returns>The kernel.</returns>
    public static async Task<GuestKernel> KernelAsync(CancellationToken ct = default)
    {
        foreach (string vmlinuz in System.IO.Directory.Exists("/boot") ? System.IO.Directory.GetFiles("/boot", "vmlinuz-*") : [])
        {
            string version = Path.GetFileName(vmlinuz)["vmlinuz-".Length..];
            string modules = $"/lib/modules/{version}";
            if (System.IO.Directory.Exists(modules) && FindModule(modules, "virtio_net") is not null)
            {
                return new GuestKernel(vmlinuz, modules, $"host {vmlinuz}");
            }
        }

        ShellResult dep = await Shell.RunAsync("apt-cache", ["depends", "linux-image-cloud-amd64"], ct).ConfigureAwait(false);
        string? package = dep.Stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Depends: linux-image-", StringComparison.Ordinal)).Select(l => l["Depends: ".Length..]).FirstOrDefault();
        if (package is null && !dep.Succeeded && CachedKernel() is { } cached)
        {
            // apt-cache timed out (seen under a load average of 40): a kernel fetched before is still a good guest.
            return cached;
        }

        if (package is null)
        {
            throw new WorkloadException($"no guest kernel: /boot has none with modules, and apt knows no linux-image-cloud-amd64 ({dep.Stderr.Trim()}); run apt-get update, or put a kernel in /boot.");
        }

        string dir = Path.Combine(CacheRoot, "kernel", package);
        string done = Path.Combine(dir, ".complete");
        if (!File.Exists(done))
        {
            System.IO.Directory.CreateDirectory(dir);
            ShellResult dl = await Shell.RunAsync("sh", ["-c", $"cd {HostShell.Quote(dir)} && apt-get download {package} && dpkg-deb -x {package}_*.deb x && rm -f {package}_*.deb"], ct, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            if (!dl.Succeeded)
            {
                throw new WorkloadException($"fetching the guest kernel {package} with apt-get download into {dir} failed: {dl.Stderr.Trim()}; check apt's sources (apt-get update).");
            }

            await File.WriteAllTextAsync(done, package, ct).ConfigureAwait(false);
        }

        string kernel = System.IO.Directory.GetFiles(Path.Combine(dir, "x", "boot"), "vmlinuz-*").Single();
        string mods = System.IO.Directory.GetDirectories(Path.Combine(dir, "x", "lib", "modules")).Single();
        return new GuestKernel(kernel, mods, $"debian {package} (apt-get download)");
    }

    private static GuestKernel? CachedKernel()
    {
        string root = Path.Combine(CacheRoot, "kernel");
        string? dir = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, ".complete"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return dir is null ? null : new GuestKernel(
            System.IO.Directory.GetFiles(Path.Combine(dir, "x", "boot"), "vmlinuz-*").Single(),
            System.IO.Directory.GetDirectories(Path.Combine(dir, "x", "lib", "modules")).Single(),
            $"debian {Path.GetFileName(dir)} (cached; apt-cache did not answer)");
    }

    /// <summary>Builds (or finds in the cache) the initramfs for a unit's interfaces and commands.</summary>
    /// <param name="kernel">The kernel whose modules it loads.</param>
    /// <param name="interfaces">The connection points, in NIC order.</param>
    /// <param name="commands">The commands the guest runs once its NICs are named and up.</param>
    /// <param name="extraModules">More modules to load.</param>
    /// <returns>The initramfs path.</returns>
    public static string Initramfs(GuestKernel kernel, IReadOnlyList<string> interfaces, IReadOnlyList<string> commands, IReadOnlyList<string> extraModules)
    {
        string busybox = Shell.Find("busybox") ?? throw new WorkloadException("busybox is not installed; apt-get install busybox-static.");
        List<string> order = [];
        foreach (string m in s_baseModules.Concat(extraModules))
        {
            AddWithDependencies(kernel.Modules, m, order);
        }

        StringBuilder init = new();
        init.Append("#!/bin/busybox sh\n/bin/busybox --install -s /bin\nmount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\n");
        foreach (string m in order)
        {
            init.Append("insmod /lib/modules/").Append(m).Append(".ko\n");
        }

        init.Append("ip link set lo up\n");
        for (int i = 0; i < interfaces.Count; i++)
        {
            init.Append("ip link set eth").Append(i).Append(" name ").Append(interfaces[i]).Append('\n');
            init.Append("ip link set ").Append(interfaces[i]).Append(" up\n");
        }

        foreach (string c in commands)
        {
            init.Append(c).Append('\n');
        }

        init.Append("echo NFVC-GUEST-LINKS; ip -o link; ip -o addr; echo NFVC-GUEST-LINKS-END\n");
        init.Append("echo ").Append(ReadyMarker).Append('\n');
        init.Append("trap 'poweroff -f' TERM\nwhile :; do sleep 3600; done\n");

        using MemoryStream cpio = new();
        Cpio w = new(cpio);
        foreach (string d in new[] { "bin", "dev", "etc", "lib", "lib/modules", "proc", "sys", "tmp", "sbin", "usr", "usr/bin", "usr/sbin" })
        {
            w.Directory(d);
        }

        w.File("bin/busybox", File.ReadAllBytes(busybox), executable: true);
        foreach (string m in order)
        {
            w.File($"lib/modules/{m}.ko", File.ReadAllBytes(FindModule(kernel.Modules, m)!), executable: false);
        }

        w.File("init", Encoding.UTF8.GetBytes(init.ToString()), executable: true);
        w.Finish();
        byte[] bytes = cpio.ToArray();
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        string path = Path.Combine(CacheRoot, "initramfs", $"{hash}.cpio.gz");
        if (!File.Exists(path))
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string tmp = path + ".tmp" + Environment.ProcessId;
            using (FileStream f = File.Create(tmp))
            using (GZipStream gz = new(f, CompressionLevel.Fastest))
            {
                gz.Write(bytes);
            }

            File.Move(tmp, path, overwrite: true);
        }

        return path;
    }

    private static void AddWithDependencies(string modules, string name, List<string> order)
    {
        if (order.Contains(name))
        {
            return;
        }

        string file = FindModule(modules, name) ?? throw new WorkloadException($"kernel module {name} is not in {modules}; use a kernel that has it, or drop it from guest_modules.");
        string depends = Shell.Run("modinfo", ["-F", "depends", file]).Stdout.Trim();
        foreach (string d in depends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            AddWithDependencies(modules, d, order);
        }

        order.Add(name);
    }

    private static string? FindModule(string modules, string name)
    {
        string wanted = name.Replace('-', '_') + ".ko";
        return System.IO.Directory.EnumerateFiles(modules, "*.ko", SearchOption.AllDirectories).FirstOrDefault(f => Path.GetFileName(f).Replace('-', '_') == wanted);
    }
}
