// Licensed under the Apache License, Version 2.0.
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Workloads.Host;

namespace NfvConformance.Lab.Workloads.Images;

/// <summary>
/// A root filesystem made of this host's own binaries (busybox-static, iproute2, nftables) and the shared libraries
/// they load, written as a deterministic tar (fixed owner and times, sorted), so its SHA-256 names it: the same host
/// packages give the same hash, and an image built from it is cached under that hash.
/// </summary>
internal static class Rootfs
{
    /// <summary>The programs copied in, with where they go in the image.</summary>
    private static readonly (string Program, string Target)[] s_programs =
    [
        ("busybox", "/bin/busybox"),
        ("ip", "/sbin/ip"),
        ("nft", "/sbin/nft"),
    ];

    private static readonly DateTimeOffset s_epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string? Missing()
    {
        foreach ((string program, _) in s_programs)
        {
            if (Shell.Find(program) is null)
            {
                return $"'{program}' is not installed; apt-get install busybox-static iproute2 nftables.";
            }
        }

        string busybox = Shell.Find("busybox")!;
        return Shell.Run("ldd", [busybox]).Stdout.Contains("=>", StringComparison.Ordinal)
            ? $"{busybox} is dynamically linked; apt-get install busybox-static (the image needs the static one)."
            : null;
    }

    /// <summary>Writes the tar and returns it with its hash (hex).</summary>
    public static (byte[] Tar, string Sha256) Build()
    {
        if (Missing() is { } why)
        {
            throw new WorkloadException(why);
        }

        SortedDictionary<string, string> files = new(StringComparer.Ordinal);
        foreach ((string program, string target) in s_programs)
        {
            string source = Path.GetFullPath(ResolveLinks(Shell.Find(program)!));
            files[target] = source;
            foreach (string lib in Libraries(source))
            {
                files[lib] = ResolveLinks(lib);
            }
        }

        string[] applets = Shell.Run(files["/bin/busybox"], ["--list"]).OrThrow().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        using MemoryStream ms = new();
        using (TarWriter tar = new(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (string dir in new[] { "bin", "dev", "etc", "lib", "lib64", "proc", "run", "sbin", "sys", "tmp", "usr", "var" })
            {
                Add(tar, new UstarTarEntry(TarEntryType.Directory, dir + "/") { Mode = dir == "tmp" ? (UnixFileMode)0b1_111_111_111 : Dir });
            }

            HashSet<string> dirs = ["bin", "dev", "etc", "lib", "lib64", "proc", "run", "sbin", "sys", "tmp", "usr", "var"];
            foreach ((string target, string source) in files)
            {
                string rel = target.TrimStart('/');
                string? parent = Path.GetDirectoryName(rel);
                if (parent is { Length: > 0 } && dirs.Add(parent))
                {
                    string[] parts = parent.Split('/');
                    for (int i = 1; i <= parts.Length; i++)
                    {
                        string d = string.Join('/', parts[..i]);
                        if (dirs.Add(d) || i == parts.Length)
                        {
                            Add(tar, new UstarTarEntry(TarEntryType.Directory, d + "/") { Mode = Dir });
                        }
                    }
                }

                using FileStream data = File.OpenRead(source);
                Add(tar, new UstarTarEntry(TarEntryType.RegularFile, rel) { Mode = Exec, DataStream = data });
            }

            foreach (string applet in applets.Order(StringComparer.Ordinal))
            {
                if (applet is "ip" or "nft" or "busybox" || files.ContainsKey("/bin/" + applet))
                {
                    continue;
                }

                Add(tar, new UstarTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = Exec });
            }

            AddText(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnfvc:x:1000:1000:cnf:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            AddText(tar, "etc/group", "root:x:0:\nnfvc:x:1000:\nnogroup:x:65534:\n");
            AddText(tar, "etc/hosts", "127.0.0.1 localhost\n");
        }

        byte[] bytes = ms.ToArray();
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private const UnixFileMode Dir = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Exec = (UnixFileMode)0b111_101_101;

    private static void Add(TarWriter tar, UstarTarEntry entry)
    {
        entry.ModificationTime = s_epoch;
        entry.Uid = 0;
        entry.Gid = 0;
        tar.WriteEntry(entry);
    }

    private static void AddText(TarWriter tar, string path, string text)
    {
        using MemoryStream data = new(Encoding.UTF8.GetBytes(text));
        Add(tar, new UstarTarEntry(TarEntryType.RegularFile, path) { Mode = (UnixFileMode)0b110_100_100, DataStream = data });
    }

    /// <summary>The shared libraries a program loads (with the loader), from ldd.</summary>
    internal static IEnumerable<string> Libraries(string program)
    {
        ShellResult r = Shell.Run("ldd", [program]);
        foreach (string line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int arrow = line.IndexOf("=>", StringComparison.Ordinal);
            string candidate = arrow >= 0 ? line[(arrow + 2)..].Trim() : line;
            candidate = candidate.Split(' ')[0];
            if (candidate.StartsWith('/'))
            {
                yield return candidate;
            }
        }
    }

    private static string ResolveLinks(string path)
    {
        FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }
}
