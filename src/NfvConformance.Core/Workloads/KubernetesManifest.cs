// Licensed under the Apache License, Version 2.0.
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Core.Workloads;

/// <summary>One Kubernetes object of a CNF package, with where it was read.</summary>
/// <param name="File">The file, relative to the package directory (forward slashes).</param>
/// <param name="Line">The 1-based line where the object starts.</param>
/// <param name="Kind">The object's <c>kind</c>.</param>
/// <param name="Name">The object's <c>metadata.name</c> (empty when missing).</param>
/// <param name="Root">The object's YAML mapping; every node keeps its line and column.</param>
public sealed record KubernetesManifest(string File, int Line, string Kind, string Name, YamlMappingNode Root)
{
    /// <summary>Gets a short name of the object, <c>Kind/name</c>.</summary>
    public string Display => $"{Kind}/{Name}";
}

/// <summary>One violation found in a CNF package.</summary>
/// <param name="Requirement">The requirement uid it breaks, for example <c>RA2:ra2.app.030</c>.</param>
/// <param name="File">The file, relative to the package directory.</param>
/// <param name="Line">The 1-based line of the offending value.</param>
/// <param name="Column">The 1-based column of the offending value.</param>
/// <param name="Object">The object, <c>Kind/name</c>.</param>
/// <param name="Path">The field, for example <c>spec.template.spec.containers[0].ports[1].hostPort</c>.</param>
/// <param name="Message">What is wrong and what to change.</param>
public sealed record PackageViolation(string Requirement, string File, int Line, int Column, string Object, string Path, string Message)
{
    /// <summary>Gets the violation as one line, <c>file:line:col: uid Kind/name path: message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => $"{File}:{Line}:{Column}: {Requirement} {Object} {Path}: {Message}";
}
