// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Lab.Linux.Target;

/// <summary>
/// A part of the linux lab that lives in another assembly (Docker and QEMU workloads, for example) and adds facets to
/// the linux target. The composition root hands extensions to <see cref="LinuxTargetFactory"/>; the target asks each
/// one for its facets once its run has started, after its own, and disposes them with its own.
/// </summary>
public interface ILinuxLabExtension
{
    /// <summary>Gets the target settings this extension reads (<c>docker=unix:///run/docker.sock</c>), besides the runner's <c>nfvc.*</c> ones.</summary>
    IReadOnlyList<string> Settings { get; }

    /// <summary>Checks the options before any work starts (settings, tools this extension needs).</summary>
    /// <param name="options">The target options.</param>
    /// <returns>Every problem; empty when the extension can run.</returns>
    IReadOnlyList<ValidationError> Validate(LabTargetOptions options);

    /// <summary>Builds the extension's facets for a started lab.</summary>
    /// <param name="lab">The started lab: its run id, names, state folder and the target's own facets.</param>
    /// <returns>The facets, in the order the target should offer them.</returns>
    IEnumerable<object> CreateFacets(LinuxLabContext lab);
}

/// <summary>What an <see cref="ILinuxLabExtension"/> may use of a started linux lab.</summary>
public sealed class LinuxLabContext
{
    private readonly Run.LabRun _run;
    private readonly Func<Type, object?> _facet;

    internal LinuxLabContext(Run.LabRun run, LabTargetOptions options, Func<Type, object?> facet)
    {
        _run = run;
        Options = options;
        _facet = facet;
    }

    /// <summary>Gets the run id; every name the lab creates carries it, so <c>nfvc lab clean</c> finds it after a kill.</summary>
    public string RunId => _run.Id;

    /// <summary>Gets the token every resource of the run carries (<c>nfvc&lt;run id&gt;</c>), for labels and command lines.</summary>
    public string Token => _run.Token;

    /// <summary>Gets the run's state folder (removed at teardown).</summary>
    public string StateDirectory => _run.StateDirectory;

    /// <summary>Returns a path inside the run's state folder, creating its directory part.</summary>
    /// <param name="relative">The relative path (for example <c>docker/daemon.json</c>).</param>
    /// <returns>The full path.</returns>
    public string StatePath(string relative) => _run.StatePath(relative);

    /// <summary>Gets the target options (profile, seed, settings).</summary>
    public LabTargetOptions Options { get; }

    /// <summary>Names an object of this run (namespace, bridge, container, nft table) for a role.</summary>
    /// <param name="role">What the object is for.</param>
    /// <returns>The name, carrying the run id.</returns>
    public string Name(string role) => _run.Name(role);

    /// <summary>Names an interface of this run for a role (at most 15 characters, carrying the run's token).</summary>
    /// <param name="role">What the interface is for.</param>
    /// <returns>The interface name.</returns>
    public string InterfaceName(string role) => _run.InterfaceName(role);

    /// <summary>Returns a facet the target already offers (its own, or an earlier extension's).</summary>
    /// <typeparam name="TFacet">The facet type.</typeparam>
    /// <returns>The facet, or null.</returns>
    public TFacet? Facet<TFacet>()
        where TFacet : class => _facet(typeof(TFacet)) as TFacet;
}
