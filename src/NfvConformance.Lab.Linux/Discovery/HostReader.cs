// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Inventory;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>
/// Reads the host for one discovery and keeps every value it read as a <see cref="HostFact"/> with its provenance
/// (the file or the command line). Files are read under <see cref="Root"/>, so a test can point discovery at a copy
/// of <c>/sys</c> and <c>/proc</c> laid out as a broken or richer host would have them.
/// </summary>
internal sealed class HostReader
{
    private readonly List<HostFact> _facts = [];
    private readonly Func<string, IReadOnlyList<string>, ShellResult> _run;

    /// <summary>Creates a reader of the real host.</summary>
    public HostReader()
        : this("/", (tool, args) => Shell.Run(tool, args, TimeSpan.FromSeconds(10)))
    {
    }

    /// <summary>Creates a reader.</summary>
    /// <param name="root">The folder standing for <c>/</c>.</param>
    /// <param name="run">Runs a host command.</param>
    public HostReader(string root, Func<string, IReadOnlyList<string>, ShellResult> run)
    {
        Root = root;
        _run = run;
    }

    /// <summary>Gets the folder standing for <c>/</c>.</summary>
    public string Root { get; }

    /// <summary>Gets every fact recorded so far, in the order read.</summary>
    public IReadOnlyList<HostFact> Facts => _facts;

    /// <summary>Maps a host path to the path read.</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The path under <see cref="Root"/>.</returns>
    public string Map(string path) => Root == "/" ? path : Path.Combine(Root, path.TrimStart('/'));

    /// <summary>Reads a file's text, trimmed, or null when it cannot be read (missing, or the kernel refuses: a virtio NIC's speed).</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The text, or null.</returns>
    public string? Read(string path)
    {
        try
        {
            return File.ReadAllText(Map(path)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Reads a file and records it as a fact (absent files are not recorded).</summary>
    /// <param name="key">The fact's key.</param>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The text, or null.</returns>
    public string? ReadFact(string key, string path)
    {
        string? text = Read(path);
        if (text is not null)
        {
            Record(key, text, path);
        }

        return text;
    }

    /// <summary>Tells whether a host path exists.</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>True when it exists.</returns>
    public bool Exists(string path) => Path.Exists(Map(path));

    /// <summary>Lists the entries of a host folder by name, sorted (empty when the folder is missing).</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The names.</returns>
    public IReadOnlyList<string> List(string path)
    {
        string dir = Map(path);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    /// <summary>Resolves a symbolic link to the name of its final target (<c>/sys/class/net/eth0/device/driver</c> -> <c>virtio_net</c>).</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The target's last path element, or null when it is not a link.</returns>
    public string? LinkName(string path)
    {
        try
        {
            FileSystemInfo? target = new FileInfo(Map(path)).ResolveLinkTarget(returnFinalTarget: true)
                ?? new DirectoryInfo(Map(path)).ResolveLinkTarget(returnFinalTarget: true);
            return target?.Name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resolves a symbolic link to its full target path, or null.</summary>
    /// <param name="path">An absolute host path.</param>
    /// <returns>The target path.</returns>
    public string? LinkTarget(string path)
    {
        try
        {
            FileSystemInfo? target = new DirectoryInfo(Map(path)).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Runs a command; its output is not recorded (record what was parsed out of it with <see cref="Record"/>).</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>What it returned.</returns>
    public ShellResult Command(string tool, params string[] args) => _run(tool, args);

    /// <summary>Records a fact.</summary>
    /// <param name="key">What it is.</param>
    /// <param name="value">Its value.</param>
    /// <param name="source">The file or command it came from.</param>
    public void Record(string key, string value, string source) => _facts.Add(new HostFact(key, value, source));
}
