// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Emulator.ServiceChaining.Model;

/// <summary>
/// Reads a chain spec from YAML in the networking-sfc vocabulary (<c>port_pairs</c>, <c>port_pair_groups</c>,
/// <c>flow_classifiers</c>, <c>port_chains</c>, <c>service_graphs</c>). Each resource records its <c>file:line</c>
/// so validation errors point at it. See docs/service-chaining.md for the format.
/// </summary>
public static class ChainSpecYaml
{
    /// <summary>Reads a spec from a file.</summary>
    /// <param name="path">The YAML file.</param>
    /// <returns>The spec (not yet validated: pass it to <see cref="ChainSpecValidator"/>).</returns>
    /// <exception cref="ConfigurationException">The file is missing, is not YAML, or has unknown keys or wrong types; every problem is listed with its line.</exception>
    public static ChainSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            ThrowHelper.ThrowConfiguration($"{path}: chain spec file not found; check the path.");
        }

        return Parse(File.ReadAllText(path), path) with { SourcePath = path };
    }

    /// <summary>Reads a spec from YAML text.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="sourceName">The name used in origins and errors (a file name).</param>
    /// <returns>The spec (not yet validated).</returns>
    /// <exception cref="ConfigurationException">The text is not YAML or has unknown keys or wrong types; every problem is listed with its line.</exception>
    public static ChainSpec Parse(string yaml, string sourceName = "<chain spec>")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException($"{sourceName}:{ex.Start.Line}: not valid YAML ({ex.Message}); fix the syntax.", ex);
        }

        Reader reader = new(sourceName);
        ChainSpec spec = stream.Documents.Count == 0 ? ChainSpec.Empty : reader.ReadSpec(stream.Documents[0].RootNode);
        if (reader.Problems.Count > 0)
        {
            throw new ConfigurationException($"{sourceName}: {reader.Problems.Count} problem(s) in the chain spec:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", reader.Problems));
        }

        return spec;
    }

    private sealed class Reader(string source)
    {
        public List<string> Problems { get; } = [];

        public ChainSpec ReadSpec(YamlNode root)
        {
            if (root is YamlScalarNode { Value: null or "" })
            {
                return ChainSpec.Empty;
            }

            YamlMappingNode? map = AsMap(root, "the document");
            if (map is null)
            {
                return ChainSpec.Empty;
            }

            List<PortPair> pairs = [];
            List<PortPairGroup> groups = [];
            List<FlowClassifier> classifiers = [];
            List<PortChain> chains = [];
            List<ServiceGraph> graphs = [];
            foreach ((YamlNode keyNode, YamlNode value) in map.Children)
            {
                switch (Key(keyNode))
                {
                    case "port_pairs": ReadList(value, "port_pairs", pairs, ReadPair); break;
                    case "port_pair_groups": ReadList(value, "port_pair_groups", groups, ReadGroup); break;
                    case "flow_classifiers": ReadList(value, "flow_classifiers", classifiers, ReadClassifier); break;
                    case "port_chains": ReadList(value, "port_chains", chains, ReadChain); break;
                    case "service_graphs": ReadList(value, "service_graphs", graphs, ReadGraph); break;
                    default: Unknown(keyNode, "port_pairs, port_pair_groups, flow_classifiers, port_chains, service_graphs"); break;
                }
            }

            return new ChainSpec(pairs, groups, classifiers, chains, graphs);
        }

        private void ReadList<T>(YamlNode node, string what, List<T> into, Func<YamlMappingNode, T?> read)
            where T : class
        {
            if (node is not YamlSequenceNode seq)
            {
                Add(node, $"{what} must be a list of mappings");
                return;
            }

            foreach (YamlNode item in seq.Children)
            {
                YamlMappingNode? map = AsMap(item, $"an entry of {what}");
                T? value = map is null ? null : read(map);
                if (value is not null)
                {
                    into.Add(value);
                }
            }
        }

        private PortPair? ReadPair(YamlMappingNode map)
        {
            string? name = null, ingress = null, egress = null, function = null, device = null;
            int weight = 1;
            SfcCorrelation correlation = SfcCorrelation.None;
            AccelerationMode mode = AccelerationMode.KernelVirtio;
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                switch (Key(k))
                {
                    case "name": name = Text(v); break;
                    case "description": break;
                    case "ingress": ingress = Text(v); break;
                    case "egress": egress = Text(v); break;
                    case "function": function = Text(v); break;
                    case "device": device = Text(v); break;
                    case "weight": weight = Int(v); break;
                    case "acceleration": mode = Enum(v, s_modes, "acceleration"); break;
                    case "service_function_parameters":
                        foreach ((YamlNode pk, YamlNode pv) in Entries(v, "service_function_parameters"))
                        {
                            switch (Key(pk))
                            {
                                case "correlation": correlation = Enum(pv, s_correlations, "correlation"); break;
                                case "weight": weight = Int(pv); break;
                                default: Unknown(pk, "correlation, weight"); break;
                            }
                        }

                        break;
                    default: Unknown(k, "name, description, ingress, egress, function, device, weight, acceleration, service_function_parameters"); break;
                }
            }

            return new PortPair(Required(name, map, "name"), ingress ?? string.Empty, egress ?? string.Empty, function ?? string.Empty)
            {
                Weight = weight,
                Correlation = correlation,
                Acceleration = mode,
                Device = device,
                Origin = Origin(map),
            };
        }

        private PortPairGroup? ReadGroup(YamlMappingNode map)
        {
            string? name = null;
            IReadOnlyList<string> pairs = [], before = [], after = [];
            LoadBalanceFields lb = LoadBalanceFields.None;
            bool tap = false;
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                switch (Key(k))
                {
                    case "name": name = Text(v); break;
                    case "description": break;
                    case "port_pairs": pairs = Strings(v); break;
                    case "tap_enabled": tap = Bool(v); break;
                    case "runs_before": before = Strings(v); break;
                    case "runs_after": after = Strings(v); break;
                    case "lb_fields": lb = LbFields(v); break;
                    case "port_pair_group_parameters":
                        foreach ((YamlNode pk, YamlNode pv) in Entries(v, "port_pair_group_parameters"))
                        {
                            switch (Key(pk))
                            {
                                case "lb_fields": lb = LbFields(pv); break;
                                default: Unknown(pk, "lb_fields"); break;
                            }
                        }

                        break;
                    default: Unknown(k, "name, description, port_pairs, lb_fields, tap_enabled, runs_before, runs_after, port_pair_group_parameters"); break;
                }
            }

            return new PortPairGroup(Required(name, map, "name"), pairs) { LbFields = lb, TapEnabled = tap, RunsBefore = before, RunsAfter = after, Origin = Origin(map) };
        }

        private FlowClassifier? ReadClassifier(YamlMappingNode map)
        {
            FlowClassifier c = new(string.Empty) { Origin = Origin(map) };
            string? name = null;
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                switch (Key(k))
                {
                    case "name": name = Text(v); break;
                    case "description": break;
                    case "ethertype": c = c with { EtherType = Enum(v, s_etherTypes, "ethertype") }; break;
                    case "protocol": c = c with { Protocol = Enum(v, s_protocols, "protocol") }; break;
                    case "source_ip_prefix": c = c with { SourceIpPrefix = Text(v) }; break;
                    case "destination_ip_prefix": c = c with { DestinationIpPrefix = Text(v) }; break;
                    case "source_port_range_min": c = c with { SourcePortMin = Int(v) }; break;
                    case "source_port_range_max": c = c with { SourcePortMax = Int(v) }; break;
                    case "destination_port_range_min": c = c with { DestinationPortMin = Int(v) }; break;
                    case "destination_port_range_max": c = c with { DestinationPortMax = Int(v) }; break;
                    case "logical_source_port": c = c with { LogicalSourcePort = Text(v) }; break;
                    case "logical_destination_port": c = c with { LogicalDestinationPort = Text(v) }; break;
                    case "l7_parameters":
                        if (AsMap(v, "l7_parameters") is { Children.Count: > 0 })
                        {
                            Add(v, "l7_parameters has no supported keys (networking-sfc keeps it as a placeholder); leave it empty");
                        }

                        break;
                    default: Unknown(k, "name, description, ethertype, protocol, source_ip_prefix, destination_ip_prefix, source_port_range_min/max, destination_port_range_min/max, logical_source_port, logical_destination_port, l7_parameters"); break;
                }
            }

            return c with { Name = Required(name, map, "name") };
        }

        private PortChain? ReadChain(YamlMappingNode map)
        {
            string? name = null;
            IReadOnlyList<string> groups = [], classifiers = [];
            int chainId = 0;
            SfcCorrelation correlation = SfcCorrelation.Mpls;
            bool symmetric = false;
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                switch (Key(k))
                {
                    case "name": name = Text(v); break;
                    case "description": break;
                    case "chain_id": chainId = Int(v); break;
                    case "port_pair_groups": groups = Strings(v); break;
                    case "flow_classifiers": classifiers = Strings(v); break;
                    case "chain_parameters":
                        foreach ((YamlNode pk, YamlNode pv) in Entries(v, "chain_parameters"))
                        {
                            switch (Key(pk))
                            {
                                case "correlation": correlation = Enum(pv, s_correlations, "correlation"); break;
                                case "symmetric": symmetric = Bool(pv); break;
                                default: Unknown(pk, "correlation, symmetric"); break;
                            }
                        }

                        break;
                    default: Unknown(k, "name, description, chain_id, port_pair_groups, flow_classifiers, chain_parameters"); break;
                }
            }

            return new PortChain(Required(name, map, "name"), groups, classifiers) { ChainId = chainId, Correlation = correlation, Symmetric = symmetric, Origin = Origin(map) };
        }

        private ServiceGraph? ReadGraph(YamlMappingNode map)
        {
            string? name = null;
            Dictionary<string, IReadOnlyList<string>> links = new(StringComparer.Ordinal);
            foreach ((YamlNode k, YamlNode v) in map.Children)
            {
                switch (Key(k))
                {
                    case "name": name = Text(v); break;
                    case "description": break;
                    case "port_chains":
                        foreach ((YamlNode src, YamlNode dst) in Entries(v, "port_chains"))
                        {
                            links[Key(src)] = Strings(dst);
                        }

                        break;
                    default: Unknown(k, "name, description, port_chains"); break;
                }
            }

            return new ServiceGraph(Required(name, map, "name"), links) { Origin = Origin(map) };
        }

        private static readonly Dictionary<string, AccelerationMode> s_modes = new(StringComparer.OrdinalIgnoreCase)
        {
            ["kernel-virtio"] = AccelerationMode.KernelVirtio,
            ["dpdk-vhost-user"] = AccelerationMode.DpdkVhostUser,
            ["sriov-vf"] = AccelerationMode.SriovVf,
            ["smartnic-offload"] = AccelerationMode.SmartNicOffload,
            ["shared-memory"] = AccelerationMode.SharedMemory,
        };

        private static readonly Dictionary<string, SfcCorrelation> s_correlations = new(StringComparer.OrdinalIgnoreCase)
        {
            ["none"] = SfcCorrelation.None,
            ["mpls"] = SfcCorrelation.Mpls,
            ["nsh"] = SfcCorrelation.Nsh,
        };

        private static readonly Dictionary<string, ClassifierProtocol> s_protocols = new(StringComparer.OrdinalIgnoreCase)
        {
            ["tcp"] = ClassifierProtocol.Tcp,
            ["udp"] = ClassifierProtocol.Udp,
            ["icmp"] = ClassifierProtocol.Icmp,
        };

        private static readonly Dictionary<string, ClassifierEtherType> s_etherTypes = new(StringComparer.OrdinalIgnoreCase)
        {
            ["IPv4"] = ClassifierEtherType.IPv4,
            ["IPv6"] = ClassifierEtherType.IPv6,
        };

        private static readonly Dictionary<string, LoadBalanceFields> s_lbFields = new(StringComparer.OrdinalIgnoreCase)
        {
            ["eth_src"] = LoadBalanceFields.EthSrc,
            ["eth_dst"] = LoadBalanceFields.EthDst,
            ["ip_src"] = LoadBalanceFields.IpSrc,
            ["ip_dst"] = LoadBalanceFields.IpDst,
            ["tcp_src"] = LoadBalanceFields.TcpSrc,
            ["tcp_dst"] = LoadBalanceFields.TcpDst,
            ["udp_src"] = LoadBalanceFields.UdpSrc,
            ["udp_dst"] = LoadBalanceFields.UdpDst,
        };

        private LoadBalanceFields LbFields(YamlNode node)
        {
            LoadBalanceFields fields = LoadBalanceFields.None;
            foreach (string s in Strings(node))
            {
                if (s_lbFields.TryGetValue(s, out LoadBalanceFields f))
                {
                    fields |= f;
                }
                else
                {
                    Add(node, $"lb_fields entry '{s}' is unknown; use {string.Join(", ", s_lbFields.Keys)}");
                }
            }

            return fields;
        }

        private T Enum<T>(YamlNode node, Dictionary<string, T> values, string field)
            where T : struct
        {
            string? s = Text(node);
            if (s is not null && values.TryGetValue(s, out T value))
            {
                return value;
            }

            Add(node, $"{field} '{s}' is unknown; use one of {string.Join(", ", values.Keys)}");
            return default;
        }

        private string Origin(YamlNode node) => $"{source}:{node.Start.Line}";

        private string Required(string? value, YamlNode node, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(node, $"'{field}' is required");
                return string.Empty;
            }

            return value;
        }

        private IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlNode node, string what) =>
            AsMap(node, what)?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>();

        private YamlMappingNode? AsMap(YamlNode node, string what)
        {
            if (node is YamlMappingNode map)
            {
                return map;
            }

            Add(node, $"{what} must be a mapping");
            return null;
        }

        private string Key(YamlNode node) => node is YamlScalarNode { Value: { } v } ? v : string.Empty;

        private string? Text(YamlNode node)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            Add(node, "expected a single value");
            return null;
        }

        private int Int(YamlNode node)
        {
            string? s = Text(node);
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                return value;
            }

            Add(node, $"'{s}' is not a whole number");
            return 0;
        }

        private bool Bool(YamlNode node)
        {
            string? s = Text(node);
            if (bool.TryParse(s, out bool value))
            {
                return value;
            }

            Add(node, $"'{s}' is not true or false");
            return false;
        }

        private IReadOnlyList<string> Strings(YamlNode node)
        {
            if (node is YamlSequenceNode seq)
            {
                List<string> list = [];
                foreach (YamlNode item in seq.Children)
                {
                    if (Text(item) is { } s)
                    {
                        list.Add(s);
                    }
                }

                return list;
            }

            Add(node, "expected a list (for example [a, b])");
            return [];
        }

        private void Unknown(YamlNode key, string allowed) =>
            Add(key, $"unknown key '{Key(key)}'; allowed here: {allowed}");

        private void Add(YamlNode node, string message) =>
            Problems.Add($"{source}:{node.Start.Line}: {message}.");
    }
}
