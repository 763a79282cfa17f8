// Licensed under the Apache License, Version 2.0.
using System.Runtime.ExceptionServices;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>
/// Runs code inside a named network namespace (<c>/run/netns/NAME</c>, as <c>ip netns add</c> makes it) on a
/// thread of its own: the thread enters the namespace with setns(2), so sockets it opens belong to that namespace
/// and keep working from any thread afterwards. The caller's thread never changes namespace.
/// </summary>
internal static class NetNamespace
{
    /// <summary>Runs <paramref name="action"/> in a namespace, or right here when <paramref name="name"/> is null.</summary>
    /// <typeparam name="T">What the action returns.</typeparam>
    /// <param name="name">The namespace, or null for the current one.</param>
    /// <param name="action">The code.</param>
    /// <returns>What the action returned.</returns>
    /// <exception cref="ConfigurationException">The namespace does not exist or cannot be entered.</exception>
    public static T Run<T>(string? name, Func<T> action)
    {
        if (name is null)
        {
            return action();
        }

        string path = Path.Combine("/run/netns", name);
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"network namespace '{name}' does not exist ({path} is missing); create it with 'ip netns add {name}' or leave the port's namespace empty.");
        }

        T result = default!;
        ExceptionDispatchInfo? failure = null;
        Thread thread = new(() =>
        {
            try
            {
                using (Microsoft.Win32.SafeHandles.SafeFileHandle ns = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
                {
                    if (Libc.setns((int)ns.DangerousGetHandle(), Libc.CloneNewNet) != 0)
                    {
                        throw new ConfigurationException($"cannot enter network namespace '{name}': setns {Libc.LastError()}; run as root.");
                    }
                }

                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "nfvc-netns-" + name,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
