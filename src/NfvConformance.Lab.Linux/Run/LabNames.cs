// Licensed under the Apache License, Version 2.0.
using System.Security.Cryptography;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Lab.Linux.Run;

/// <summary>
/// The one naming rule of the Linux lab: every namespace, interface, bridge, nft table, cgroup, state directory and
/// process the lab creates is named <c>nfvc&lt;run id&gt;-&lt;role&gt;</c> (or carries <c>nfvc&lt;run id&gt;</c> in its
/// command line), so a run's resources can be found, torn down and told apart from everything else on the host,
/// including other runs going on at the same time. Nothing without such a name is ever touched.
/// </summary>
/// <remarks>
/// A run id is five characters, a digit then four of <c>[a-z0-9]</c>: short because Linux interface names have at
/// most 15 characters (IFNAMSIZ 16 with the NUL), which leaves <see cref="MaxInterfaceRole"/> characters for the role
/// (<c>nfvc3k9xq-p1c0</c>). The leading digit keeps ordinary words (<c>nfvcbench</c>) from ever looking like a run.
/// </remarks>
internal static class LabNames
{
    /// <summary>The prefix of every name the lab creates.</summary>
    public const string Prefix = "nfvc";

    /// <summary>The length of a run id.</summary>
    public const int RunIdLength = 5;

    /// <summary>The longest interface name Linux accepts (IFNAMSIZ - 1).</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>The longest role an interface name can carry: 15 - "nfvc" - 5 - "-".</summary>
    public const int MaxInterfaceRole = MaxInterfaceName - 4 - RunIdLength - 1;

    /// <summary>The folder holding one state directory per run (owner file, daemons' run directories, pid files).</summary>
    public const string StateRoot = "/run/nfvc-lab";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Returns a new random run id (a digit, then four of <c>[a-z0-9]</c>).</summary>
    /// <returns>The run id.</returns>
    public static string NewRunId()
    {
        Span<char> id = stackalloc char[RunIdLength];
        id[0] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        for (int i = 1; i < id.Length; i++)
        {
            id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(id);
    }

    /// <summary>Gets the token every resource of a run carries: <c>nfvc&lt;run id&gt;</c>.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The token.</returns>
    public static string Token(string runId) => Prefix + runId;

    /// <summary>Names a resource of a run that has no length limit (namespace, nft table, cgroup).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="role">What it is, in <c>[a-z0-9.-]</c> (for example <c>p1</c> or <c>fw.nat</c>).</param>
    /// <returns><c>nfvc&lt;run id&gt;-&lt;role&gt;</c>.</returns>
    /// <exception cref="ArgumentException">The role is empty or has other characters.</exception>
    public static string Name(string runId, string role)
    {
        CheckRunId(runId);
        if (role.Length == 0 || !role.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            throw new ArgumentException($"lab resource role '{role}': use [a-z0-9.-], at least one character.", nameof(role));
        }

        return Token(runId) + "-" + role;
    }

    /// <summary>Names an interface (veth end, bridge, OVS port) of a run; at most 15 characters.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="role">What it is, at most <see cref="MaxInterfaceRole"/> characters (for example <c>p1c0</c>).</param>
    /// <returns><c>nfvc&lt;run id&gt;-&lt;role&gt;</c>.</returns>
    /// <exception cref="ArgumentException">The role is too long for an interface name.</exception>
    public static string InterfaceName(string runId, string role)
    {
        if (role.Length > MaxInterfaceRole)
        {
            throw new ArgumentException($"interface role '{role}' has {role.Length} characters; at most {MaxInterfaceRole} fit in a {MaxInterfaceName}-character interface name.", nameof(role));
        }

        return Name(runId, role);
    }

    /// <summary>Gets the state directory of a run: <c>/run/nfvc-lab/nfvc&lt;run id&gt;</c>.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The path.</returns>
    public static string StateDirectory(string runId) => Path.Combine(StateRoot, Token(runId));

    /// <summary>Reads the run id out of a name the lab made (<c>nfvc3k9xq</c> or <c>nfvc3k9xq-anything</c>).</summary>
    /// <param name="name">A namespace, interface, table, cgroup or directory name.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>True when the name is one of the lab's.</returns>
    public static bool TryParseRunId(string name, out string runId)
    {
        runId = string.Empty;
        int end = Prefix.Length + RunIdLength;
        if (name.Length < end || !name.StartsWith(Prefix, StringComparison.Ordinal) || (name.Length > end && name[end] != '-'))
        {
            return false;
        }

        string candidate = name.Substring(Prefix.Length, RunIdLength);
        if (!IsRunId(candidate))
        {
            return false;
        }

        runId = candidate;
        return true;
    }

    /// <summary>Finds every run token (<c>nfvc&lt;run id&gt;</c>) in a text such as a process command line.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The run ids found, each once.</returns>
    public static IReadOnlyList<string> RunIdsIn(string text)
    {
        List<string> ids = [];
        int at = 0;
        while ((at = text.IndexOf(Prefix, at, StringComparison.Ordinal)) >= 0)
        {
            int end = at + Prefix.Length + RunIdLength;
            bool boundaryBefore = at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]);
            bool boundaryAfter = end == text.Length || (end < text.Length && !char.IsAsciiLetterOrDigit(text[end]));
            if (end <= text.Length && boundaryBefore && boundaryAfter)
            {
                string candidate = text.Substring(at + Prefix.Length, RunIdLength);
                if (IsRunId(candidate) && !ids.Contains(candidate))
                {
                    ids.Add(candidate);
                }
            }

            at += Prefix.Length;
        }

        return ids;
    }

    /// <summary>Tells whether a text is a well-formed run id.</summary>
    /// <param name="candidate">The text.</param>
    /// <returns>True when it is.</returns>
    public static bool IsRunId(string candidate) =>
        candidate.Length == RunIdLength
        && char.IsAsciiDigit(candidate[0])
        && candidate.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    private static void CheckRunId(string runId)
    {
        if (!IsRunId(runId))
        {
            ThrowHelper.ThrowOutOfRange(nameof(runId), runId, "a digit then four of [a-z0-9]");
        }
    }
}
