// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NfvConformance.Lab.Linux.Run;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Lab.Linux.Tests.Traffic;

/// <summary>
/// Real topologies for the generator's tests, built with ip, nft and tc in namespaces named like the lab's
/// (<c>nfvc&lt;run id&gt;-&lt;role&gt;</c>) and deleted at dispose. Root is required; a missing tool skips the test
/// locally and fails it under CI=true.
/// </summary>
internal sealed class GeneratorTestLab : IDisposable
{
    private readonly List<string> _namespaces = [];

    public GeneratorTestLab()
    {
        Require.Root();
        Require.Tool("ip", "apt-get install iproute2");
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        char[] id = new char[5];
        id[0] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        for (int i = 1; i < id.Length; i++)
        {
            id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        Token = "nfvc" + new string(id);
    }

    public string Token { get; }

    public string Ns(string role) => Token + "-" + role;

    public string Dev(string role) => Token + "-" + role;

    /// <summary>A namespace "gen" with a veth pair ga/gb: the generator's two ports cabled back to back.</summary>
    /// <param name="role">The namespace's role.</param>
    /// <param name="queues">Transmit and receive queues of each end (a multi-worker AF_XDP generator binds one per worker).</param>
    public (AfPacketPort A, AfPacketPort B) BackToBack(string role = "b2b", int queues = 1)
    {
        string ns = AddNamespace(role);
        string a = Dev(role[..1] + "a");
        string b = Dev(role[..1] + "b");
        Ip(["link", "add", a, "netns", ns, .. Queues(queues), "type", "veth", "peer", "name", b, "netns", ns, .. Queues(queues)]);
        Up(ns, a, b);
        return (new AfPacketPort(a, ns), new AfPacketPort(b, ns));
    }

    /// <summary>
    /// The generator's ports in "gen", a kernel router in "mid" between them: g0 -> m0 [forward] m1 -> g1.
    /// Streams must send to <c>RouterMac</c> from 16.0.0.0/8 to 48.0.0.0/8.
    /// </summary>
    /// <param name="queues">Transmit and receive queues of each veth end.</param>
    public RouterPath Router(int queues = 1)
    {
        string gen = AddNamespace("gen");
        string mid = AddNamespace("mid");
        string g0 = Dev("g0");
        string g1 = Dev("g1");
        string m0 = Dev("m0");
        string m1 = Dev("m1");
        Ip(["link", "add", g0, "netns", gen, .. Queues(queues), "type", "veth", "peer", "name", m0, "netns", mid, .. Queues(queues)]);
        Ip(["link", "add", g1, "netns", gen, .. Queues(queues), "type", "veth", "peer", "name", m1, "netns", mid, .. Queues(queues)]);
        Up(gen, g0, g1);
        Up(mid, m0, m1);
        Exec(mid, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        Ip("-n", mid, "addr", "add", "10.250.0.1/24", "dev", m0);
        Ip("-n", mid, "addr", "add", "10.250.1.1/24", "dev", m1);
        Ip("-n", mid, "neigh", "add", "10.250.0.2", "lladdr", Mac(gen, g0), "dev", m0);
        Ip("-n", mid, "neigh", "add", "10.250.1.2", "lladdr", Mac(gen, g1), "dev", m1);
        Ip("-n", mid, "route", "add", "48.0.0.0/8", "via", "10.250.1.2");
        Ip("-n", mid, "route", "add", "16.0.0.0/8", "via", "10.250.0.2");
        return new RouterPath(gen, mid, new AfPacketPort(g0, gen), new AfPacketPort(g1, gen), m0, m1, ParseMac(Mac(mid, m0)));
    }

    /// <summary>Runs nft commands in a namespace, one invocation each (nft parses its arguments as one command).</summary>
    public void Nft(string ns, params string[] commands)
    {
        Require.Tool("nft", "apt-get install nftables");
        foreach (string c in commands)
        {
            Exec(ns, "nft", c);
        }
    }

    /// <summary>The packets counter of the first rule in a chain that has one.</summary>
    public long NftCounter(string ns, string family, string table, string chain)
    {
        string text = Exec(ns, "nft", "list", "chain", family, table, chain);
        int at = text.IndexOf("counter packets ", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), "no counter in " + text);
        string rest = text[(at + "counter packets ".Length)..];
        return long.Parse(rest[..rest.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    public long RxPackets(string ns, string dev) => long.Parse(Exec(ns, "cat", $"/sys/class/net/{dev}/statistics/rx_packets").Trim(), CultureInfo.InvariantCulture);

    public string Exec(string ns, params string[] args) => Ip(["netns", "exec", ns, .. args]);

    public string Ip(params string[] args) => Run("ip", args);

    public static string Run(string tool, params string[] args)
    {
        ProcessStartInfo psi = new(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            Assert.Fail($"{tool} {string.Join(' ', args)} timed out");
        }

        if (p.ExitCode != 0)
        {
            Assert.Fail($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        }

        return stdout.Result;
    }

    public void Dispose()
    {
        foreach (string ns in _namespaces)
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (AssertionException)
            {
                // Already gone.
            }
        }
    }

    public static byte[] ParseMac(string text) => [.. text.Trim().Split(':').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static string[] Queues(int queues) =>
        ["numtxqueues", queues.ToString(CultureInfo.InvariantCulture), "numrxqueues", queues.ToString(CultureInfo.InvariantCulture)];

    private string Mac(string ns, string dev) => Exec(ns, "cat", $"/sys/class/net/{dev}/address").Trim();

    private string AddNamespace(string role)
    {
        string ns = Ns(role);
        Ip("netns", "add", ns);
        _namespaces.Add(ns);
        Exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        Ip("-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    private void Up(string ns, params string[] devs)
    {
        foreach (string d in devs)
        {
            Ip("-n", ns, "link", "set", d, "up");
        }
    }
}

/// <summary>The router topology: generator ports in Gen, the router namespace Mid with its two legs.</summary>
internal sealed record RouterPath(string Gen, string Mid, AfPacketPort Port0, AfPacketPort Port1, string MidIn, string MidOut, byte[] RouterMac);

/// <summary>Skips locally, fails under CI=true (<see cref="Tools"/>).</summary>
internal static class Require
{
    public static bool InCi => Tools.InCi;

    public static void Root()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Missing("the generator's tests need root (network namespaces, veth pairs, AF_PACKET sockets); run them as root.");
        }
    }

    public static string Tool(string name, string install)
    {
        string? found = Shell.Find(name);
        if (found is null)
        {
            Missing($"'{name}' is not installed; install it with: {install}");
        }

        return found ?? name;
    }

    public static void Missing(string reason) => Tools.Missing(reason);
}
