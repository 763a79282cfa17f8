// Licensed under the Apache License, Version 2.0.
using System.Text;
using System.Text.Json;
using NfvConformance.Abstractions.Inventory;

namespace NfvConformance.Abstractions.Capabilities;

/// <summary>
/// Writes a capability snapshot as the JSON of <c>nfvc discover --json</c>:
/// <c>{"profile", "version", "nodes": [{"id", "site", "profile", "extensions", "features", "capabilities": {uid: raw},
/// "nics": [...], "accelerators": [...], "cpu": {...}, "numa": [...], "facts"?: {key: {"value", "source"}}, "provenance": {uid: {"source", "unit", "evidence"}}}]}</c>.
/// Keys and nodes keep the snapshot's order, so the output is deterministic.
/// </summary>
public static class CapabilitySnapshotJson
{
    /// <summary>Renders a snapshot to indented JSON text.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(CapabilitySnapshot snapshot)
    {
        using MemoryStream stream = new();
        using (Utf8JsonWriter writer = new(stream, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, snapshot);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a snapshot as one JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="snapshot">The snapshot.</param>
    public static void Write(Utf8JsonWriter writer, CapabilitySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        writer.WriteStartObject();
        writer.WriteString("profile", snapshot.Profile);
        writer.WriteNumber("version", snapshot.Version);
        writer.WriteStartArray("nodes");
        foreach (NodeCapabilities node in snapshot.Nodes)
        {
            WriteNode(writer, node);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter w, NodeCapabilities node)
    {
        w.WriteStartObject();
        w.WriteString("id", node.Id);
        w.WriteString("site", node.Site);
        w.WriteString("profile", node.Profile);
        Strings(w, "extensions", node.Extensions);
        Strings(w, "features", [.. node.Features.Order(StringComparer.Ordinal)]);
        w.WriteStartObject("capabilities");
        foreach (KeyValuePair<string, CapabilityValue> kv in node.Capabilities.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(kv.Key, kv.Value.Raw);
        }

        w.WriteEndObject();
        NodeHardware? hw = node.Hardware;
        w.WriteStartArray("nics");
        foreach (NicInfo nic in hw?.Nics ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", nic.Name);
            w.WriteString("pci", nic.PciAddress);
            w.WriteNumber("speed_gbps", nic.SpeedGbps);
            w.WriteString("driver", nic.Driver);
            w.WriteNumber("numa", nic.NumaNode);
            Strings(w, "offloads", nic.Offloads);
            w.WriteNumber("rss_queues", nic.RssQueues);
            w.WriteStartObject("sriov");
            w.WriteNumber("total_vfs", nic.SriovTotalVfs);
            w.WriteNumber("used_vfs", nic.SriovUsedVfs);
            w.WriteNumber("free_vfs", nic.SriovFreeVfs);
            w.WriteEndObject();
            w.WriteBoolean("dpdk_bound", nic.DpdkBound);
            w.WriteBoolean("smartnic", nic.SmartNic);
            w.WriteBoolean("link_up", nic.LinkUp);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("accelerators");
        foreach (AcceleratorInfo a in hw?.Accelerators ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteString("kind", a.Kind);
            w.WriteString("pci", a.PciAddress);
            w.WriteNumber("numa", a.NumaNode);
            if (a.Interface is not null)
            {
                w.WriteString("interface", a.Interface);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (hw is not null)
        {
            w.WriteStartObject("cpu");
            w.WriteString("model", hw.Cpu.Model);
            w.WriteString("architecture", hw.Cpu.Architecture);
            w.WriteNumber("sockets", hw.Cpu.Sockets);
            w.WriteNumber("cores_per_socket", hw.Cpu.CoresPerSocket);
            w.WriteBoolean("smt", hw.Cpu.Smt);
            w.WriteNumber("clock_ghz", hw.Cpu.ClockGhz);
            w.WriteBoolean("pinning", hw.Cpu.PinningSupported);
            w.WriteNumber("reserved_cores_per_numa", hw.Cpu.ReservedCoresPerNuma);
            w.WriteEndObject();
            w.WriteStartArray("numa");
            foreach (NumaNodeInfo n in hw.Numa)
            {
                w.WriteStartObject();
                w.WriteNumber("id", n.Id);
                w.WriteNumber("cores", n.Cores);
                w.WriteNumber("memory_mb", n.MemoryMb);
                w.WriteNumber("hugepages_1g", n.Hugepages1G);
                w.WriteNumber("hugepages_2m", n.Hugepages2M);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (hw.Facts.Count > 0)
            {
                w.WriteStartObject("facts");
                foreach (HostFact fact in hw.Facts)
                {
                    w.WriteStartObject(fact.Key);
                    w.WriteString("value", fact.Value);
                    w.WriteString("source", fact.Source);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }
        }

        w.WriteStartObject("provenance");
        foreach (KeyValuePair<string, CapabilityValue> kv in node.Capabilities.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(kv.Key);
            w.WriteString("source", kv.Value.Source);
            if (kv.Value.Unit is not null)
            {
                w.WriteString("unit", kv.Value.Unit);
            }

            w.WriteStartArray("evidence");
            foreach (CapabilityEvidence e in kv.Value.Evidence)
            {
                w.WriteStartObject();
                w.WriteString("source", e.Source);
                w.WriteString("raw", e.Raw);
                if (e.Detail is not null)
                {
                    w.WriteString("detail", e.Detail);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
