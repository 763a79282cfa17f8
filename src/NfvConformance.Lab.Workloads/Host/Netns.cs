// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Workloads.Host;

/// <summary>Interface counters read from the kernel.</summary>
/// <param name="RxPackets">Packets received.</param>
/// <param name="TxPackets">Packets sent.</param>
/// <param name="RxDropped">Packets dropped on receive.</param>
public readonly record struct LinkCounters(long RxPackets, long TxPackets, long RxDropped);

/// <summary>Network namespace helpers: named namespaces, sockets opened inside one, and interface counters.</summary>
internal static class Netns
{
    private const int CloneNewNet = 0x40000000;

    public static string PathOf(string name) => $"/run/netns/{name}";

    public static async Task CreateAsync(string name)
    {
        (await Shell.RunAsync("ip", ["netns", "add", name]).ConfigureAwait(false)).OrThrow();
        (await Shell.RunAsync("ip", ["-n", name, "link", "set", "lo", "up"]).ConfigureAwait(false)).OrThrow();
    }

    public static Task DeleteAsync(string name) => Shell.RunAsync("ip", ["netns", "delete", name]);

    /// <summary>
    /// Creates a socket inside a network namespace: a thread of its own enters the namespace (setns is per thread),
    /// creates and binds the socket, and leaves. The socket stays in that namespace whichever thread uses it.
    /// </summary>
    public static Socket SocketIn(string netnsPath, AddressFamily family, SocketType type, ProtocolType protocol, Action<Socket>? setup = null)
    {
        Socket? socket = null;
        Exception? error = null;
        Thread t = new(() =>
        {
            try
            {
                Enter();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e;
            }
        });

        void Enter()
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle self = File.OpenHandle("/proc/thread-self/ns/net", FileMode.Open, FileAccess.Read);
            using Microsoft.Win32.SafeHandles.SafeFileHandle target = File.OpenHandle(netnsPath, FileMode.Open, FileAccess.Read);
            if (setns(target.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
            {
                error = new WorkloadException($"setns({netnsPath}) failed with errno {Marshal.GetLastPInvokeError()}; run as root.");
                return;
            }

            try
            {
                socket = new Socket(family, type, protocol);
                setup?.Invoke(socket);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                socket?.Dispose();
                socket = null;
                error = e;
            }
            finally
            {
                _ = setns(self.DangerousGetHandle().ToInt32(), CloneNewNet);
            }
        }

        t.Start();
        t.Join();
        return socket ?? throw new WorkloadException($"cannot open a socket in {netnsPath}: {error?.Message}", error);
    }

    /// <summary>Reads every interface's counters in the namespace of a process, from <c>/proc/PID/net/dev</c>.</summary>
    public static Dictionary<string, LinkCounters> CountersOfProcess(int pid) => ParseNetDev(File.ReadAllText($"/proc/{pid}/net/dev"));

    /// <summary>Reads every interface's counters in a named namespace.</summary>
    public static async Task<Dictionary<string, LinkCounters>> CountersAsync(string netns)
    {
        string dev = (await HostShell.InNetnsAsync(netns, "cat /proc/net/dev").ConfigureAwait(false)).OrThrow();
        return ParseNetDev(dev);
    }

    internal static Dictionary<string, LinkCounters> ParseNetDev(string text)
    {
        Dictionary<string, LinkCounters> result = new(StringComparer.Ordinal);
        foreach (string line in text.Split('\n').Skip(2))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string[] f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result[line[..colon].Trim()] = new LinkCounters(
                long.Parse(f[1], CultureInfo.InvariantCulture),
                long.Parse(f[9], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture));
        }

        return result;
    }

    // DllImport, not LibraryImport: the source generator needs unsafe code, which only the dataplane allows.
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
#pragma warning restore SYSLIB1054
}
