// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Traffic.Devices;

/// <summary>Reads a DUT file (the YAML of issue 5) into a <see cref="DeviceModel"/>, reporting every problem with file:line.</summary>
public static class DeviceFile
{
    private static readonly string[] s_topKeys = ["name", "line_rate_gbps", "capacity_pps", "loss", "latency_us", "seed", "buffer_frames"];
    private static readonly string[] s_lossKeys = ["background_ratio", "above_capacity"];
    private static readonly string[] s_latencyKeys = ["base", "load_factor", "jitter", "sigma"];

    /// <summary>Reads and validates a DUT file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ConfigurationException">The file is missing, not YAML, or has invalid fields; the message lists each with file:line.</exception>
    public static DeviceModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            ThrowHelper.ThrowConfiguration($"{path}: DUT file not found; pass an existing YAML file to --dut.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses DUT YAML text.</summary>
    /// <param name="yaml">The text.</param>
    /// <param name="fileName">The name used in messages.</param>
    /// <returns>The device.</returns>
    /// <exception cref="ConfigurationException">The text is not YAML or has invalid fields; every problem is listed.</exception>
    public static DeviceModel Parse(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException($"{fileName}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML ({ex.Message}); fix the syntax.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet reports some unterminated flow collections this way, without a position.
            throw new ConfigurationException($"{fileName}: not valid YAML ({ex.Message}); check for an unclosed [ or {{ near the end of the file.", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationException($"{fileName}:1: a DUT file must be a YAML mapping with name, line_rate_gbps and capacity_pps.");
        }

        Reader r = new(fileName);
        r.CheckKeys(root, s_topKeys, "DUT file");
        string name = r.String(root, "name") ?? Path.GetFileNameWithoutExtension(fileName);
        double? line = r.Number(root, "line_rate_gbps", required: true, min: 0.001, max: 1600);
        Dictionary<int, double> capacity = r.Capacity(root);
        double background = 0;
        if (r.Mapping(root, "loss") is { } loss)
        {
            r.CheckKeys(loss, s_lossKeys, "loss");
            background = r.Number(loss, "background_ratio", required: false, min: 0, max: 0.999999) ?? 0;
            string? above = r.String(loss, "above_capacity");
            if (above is not null && !above.Equals("proportional", StringComparison.Ordinal))
            {
                r.Error(loss.Children[new YamlScalarNode("above_capacity")], $"above_capacity '{above}' is not supported; use 'proportional'.");
            }
        }

        double baseUs = 10;
        double loadUs = 0;
        double sigma = 0;
        JitterKind jitter = JitterKind.None;
        if (r.Mapping(root, "latency_us") is { } lat)
        {
            r.CheckKeys(lat, s_latencyKeys, "latency_us");
            baseUs = r.Number(lat, "base", required: false, min: 0, max: 1e7) ?? baseUs;
            loadUs = r.Number(lat, "load_factor", required: false, min: 0, max: 1e7) ?? loadUs;
            sigma = r.Number(lat, "sigma", required: false, min: 0, max: 3) ?? sigma;
            string? j = r.String(lat, "jitter");
            if (j is not null)
            {
                switch (j)
                {
                    case "none": jitter = JitterKind.None; break;
                    case "uniform": jitter = JitterKind.Uniform; break;
                    case "lognormal": jitter = JitterKind.Lognormal; break;
                    default:
                        r.Error(lat.Children[new YamlScalarNode("jitter")], $"jitter '{j}' is not one of none, uniform, lognormal.");
                        break;
                }
            }

            if (jitter == JitterKind.Uniform && sigma >= 1)
            {
                r.Error(lat.Children[new YamlScalarNode("sigma")], $"sigma {sigma.ToString(CultureInfo.InvariantCulture)} with uniform jitter must be < 1 (latency would go negative).");
            }
        }

        double seed = r.Number(root, "seed", required: false, min: int.MinValue, max: int.MaxValue, integer: true) ?? 1;
        double buffer = r.Number(root, "buffer_frames", required: false, min: 0, max: 1e12, integer: true) ?? 4096;
        r.ThrowIfAny();
        return new DeviceModel
        {
            Name = name,
            LineRateGbps = line!.Value,
            CapacityPps = capacity,
            BackgroundLossRatio = background,
            BaseLatencyUs = baseUs,
            LoadFactorUs = loadUs,
            Jitter = jitter,
            Sigma = sigma,
            Seed = (int)seed,
            BufferFrames = (long)buffer,
        };
    }

    private sealed class Reader(string fileName)
    {
        private readonly List<string> _errors = [];

        public void Error(YamlNode node, string message) =>
            _errors.Add($"{fileName}:{node.Start.Line}:{node.Start.Column}: {message}");

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new ConfigurationException("invalid DUT file:" + Environment.NewLine + string.Join(Environment.NewLine, _errors));
            }
        }

        public void CheckKeys(YamlMappingNode map, string[] allowed, string where)
        {
            foreach (YamlNode key in map.Children.Keys)
            {
                string k = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (Array.IndexOf(allowed, k) < 0)
                {
                    Error(key, $"unknown key '{k}' in {where}; allowed: {string.Join(", ", allowed)}.");
                }
            }
        }

        public YamlMappingNode? Mapping(YamlMappingNode map, string key)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            {
                return null;
            }

            if (node is YamlMappingNode m)
            {
                return m;
            }

            Error(node, $"'{key}' must be a mapping.");
            return null;
        }

        public string? String(YamlMappingNode map, string key)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } v })
            {
                return v;
            }

            Error(node, $"'{key}' must be a non-empty text value.");
            return null;
        }

        public double? Number(YamlMappingNode map, string key, bool required, double min, double max, bool integer = false)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            {
                if (required)
                {
                    Error(map, $"'{key}' is required.");
                }

                return null;
            }

            return Number(node, key, min, max, integer);
        }

        public Dictionary<int, double> Capacity(YamlMappingNode root)
        {
            Dictionary<int, double> result = [];
            if (!root.Children.TryGetValue(new YamlScalarNode("capacity_pps"), out YamlNode? node))
            {
                Error(root, "'capacity_pps' is required: a number of packets/s, or a map {frame_size: pps}.");
                return result;
            }

            if (node is YamlScalarNode)
            {
                if (Number(node, "capacity_pps", 1e-9, 1e12, false) is double c)
                {
                    result[64] = c;
                }

                return result;
            }

            if (node is not YamlMappingNode map || map.Children.Count == 0)
            {
                Error(node, "'capacity_pps' must be a number or a non-empty map {frame_size: pps}.");
                return result;
            }

            foreach (KeyValuePair<YamlNode, YamlNode> kv in map.Children)
            {
                double? size = Number(kv.Key, "capacity_pps frame size", 64, 9216, true);
                double? pps = Number(kv.Value, "capacity_pps", 1e-9, 1e12, false);
                if (size is double s && pps is double p && !result.TryAdd((int)s, p))
                {
                    Error(kv.Key, $"frame size {s} appears twice in capacity_pps.");
                }
            }

            return result;
        }

        private double? Number(YamlNode node, string key, double min, double max, bool integer)
        {
            if (node is not YamlScalarNode { Value: { } text }
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                || !double.IsFinite(v))
            {
                Error(node, $"'{key}' must be a number.");
                return null;
            }

            if (v < min || v > max)
            {
                Error(node, string.Create(CultureInfo.InvariantCulture, $"'{key}' = {text} is outside {min}..{max}."));
                return null;
            }

            if (integer && Math.Floor(v) != v)
            {
                Error(node, $"'{key}' = {text} must be a whole number.");
                return null;
            }

            return v;
        }
    }
}
