// Licensed under the Apache License, Version 2.0.
using System.Text.Json.Nodes;
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ContainerPlatform.Manifests;

/// <summary>One manifest document with the header every kind has: apiVersion, kind and metadata.name.</summary>
/// <param name="Json">The whole document.</param>
internal readonly record struct ManifestDocument(JsonObject Json)
{
    /// <summary>Gets the apiVersion, or empty.</summary>
    public string ApiVersion => Json.Str("apiVersion") ?? string.Empty;

    /// <summary>Gets the kind, or empty.</summary>
    public string Kind => Json.Str("kind") ?? string.Empty;

    /// <summary>Gets metadata, or null.</summary>
    public JsonObject? Metadata => Json.Obj("metadata");

    /// <summary>Gets metadata.name, or empty.</summary>
    public string Name => Metadata.Str("name") ?? string.Empty;

    /// <summary>Reports the document rejected, naming it as <c>kubectl apply</c> does even when kind or name is missing.</summary>
    /// <param name="ns">The namespace it was meant for, or null for a cluster-scoped kind.</param>
    /// <param name="error">The field error.</param>
    /// <returns>The rejected entry.</returns>
    public AppliedObject Reject(string? ns, string error) =>
        new(Kind.Length == 0 ? "(no kind)" : Kind, ns, Name.Length == 0 ? "(no name)" : Name, ApplyAction.Rejected, error);
}

/// <summary>
/// The API server's loop shared by the emulated container platform and service exposure: read a multi-document
/// manifest, apply each document under the facet's lock with its own per-kind validation, report one entry per
/// document (a rejected one does not stop the others); delete one object by kind under the same lock.
/// </summary>
/// <param name="gate">The facet's lock.</param>
/// <param name="whatToGive">What an empty manifest should have held, for the error (<c>a Service, Ingress, ...</c>).</param>
/// <param name="applyOne">Validates and applies one document; a rejection is an entry, not an exception.</param>
/// <param name="deleteOne">Deletes by kind, name and <c>namespace/name</c> key (the namespace defaults to <c>default</c>); true when it existed.</param>
internal sealed class ManifestApplier(Lock gate, string whatToGive, Func<ManifestDocument, AppliedObject> applyOne, Func<string, string, string, bool> deleteOne)
{
    /// <summary>Applies every document of a manifest text.</summary>
    /// <param name="manifests">The YAML text.</param>
    /// <returns>One entry per document, in order.</returns>
    /// <exception cref="NfvConformanceException">The text is not YAML or holds no document.</exception>
    public ApplyResult Apply(string manifests)
    {
        IReadOnlyList<JsonObject> documents = ManifestReader.ReadDocuments(manifests);
        if (documents.Count == 0)
        {
            throw new NfvConformanceException($"the manifest text holds no document; give at least {whatToGive}.");
        }

        List<AppliedObject> results = [];
        lock (gate)
        {
            foreach (JsonObject document in documents)
            {
                results.Add(applyOne(new ManifestDocument(document)));
            }
        }

        return new ApplyResult(results);
    }

    /// <summary>Deletes one object.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="namespace">The namespace, or null (cluster-scoped kinds, or <c>default</c>).</param>
    /// <param name="name">The name.</param>
    /// <returns>True when it existed.</returns>
    public bool Delete(string kind, string? @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        lock (gate)
        {
            return deleteOne(kind, name, $"{@namespace ?? "default"}/{name}");
        }
    }
}
