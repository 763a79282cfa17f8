// Licensed under the Apache License, Version 2.0.
using System.Globalization;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>Parses what <c>ethtool</c> prints (run with <c>LC_ALL=C</c>): driver info, link settings, features, channels, time-stamping.</summary>
internal static class Ethtool
{
    /// <summary>Parses <c>ethtool -i DEV</c> into its <c>key: value</c> lines (<c>driver</c>, <c>bus-info</c>, <c>version</c>...).</summary>
    /// <param name="text">The output.</param>
    /// <returns>Values by key.</returns>
    public static IReadOnlyDictionary<string, string> KeyValues(string text)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                values.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }

        return values;
    }

    /// <summary>Parses the <c>Speed:</c> line of <c>ethtool DEV</c> (<c>25000Mb/s</c>) into Mbit/s; null when <c>Unknown!</c>.</summary>
    /// <param name="text">The output.</param>
    /// <returns>The speed in Mbit/s, or null.</returns>
    public static long? SpeedMbps(string text)
    {
        if (!KeyValues(text).TryGetValue("Speed", out string? speed))
        {
            return null;
        }

        int end = speed.IndexOf("Mb/s", StringComparison.Ordinal);
        return end > 0 && long.TryParse(speed.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out long mbps) ? mbps : null;
    }

    /// <summary>Parses <c>ethtool -k DEV</c> into each feature's state (<c>on</c>/<c>off</c>, without <c>[fixed]</c>).</summary>
    /// <param name="text">The output.</param>
    /// <returns>True for each feature that is on.</returns>
    public static IReadOnlyDictionary<string, bool> Features(string text)
    {
        Dictionary<string, bool> features = new(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.StartsWith("Features for", StringComparison.Ordinal))
            {
                continue;
            }

            string state = line[(colon + 1)..].Trim();
            features[line[..colon].Trim()] = state.StartsWith("on", StringComparison.Ordinal);
        }

        return features;
    }

    /// <summary>The offloads a NIC performs, named as <see cref="Abstractions.Inventory.NicInfo.Offloads"/> names them, from <c>ethtool -k</c> features.</summary>
    /// <param name="features">The features and whether each is on.</param>
    /// <returns>The offloads, in a fixed order.</returns>
    public static IReadOnlyList<string> Offloads(IReadOnlyDictionary<string, bool> features)
    {
        List<string> offloads = [];
        void AddIf(string offload, params string[] any)
        {
            if (any.Any(f => features.TryGetValue(f, out bool on) && on))
            {
                offloads.Add(offload);
            }
        }

        AddIf("checksum", "rx-checksumming", "tx-checksumming");
        AddIf("tso", "tcp-segmentation-offload");
        AddIf("gso", "generic-segmentation-offload");
        AddIf("gro", "generic-receive-offload");
        AddIf("lro", "large-receive-offload");
        AddIf("rss", "receive-hashing");
        AddIf("vxlan", "tx-udp_tnl-segmentation");
        AddIf("ipsec", "esp-hw-offload");
        AddIf("tls", "tls-hw-tx-offload", "tls-hw-rx-offload");
        AddIf("hw-tc-offload", "hw-tc-offload");
        return offloads;
    }

    /// <summary>Parses <c>ethtool -l DEV</c>: the current combined (or RX) channel count, which is the NIC's RSS queue count.</summary>
    /// <param name="text">The output.</param>
    /// <returns>The queue count, or null when the driver reports none.</returns>
    public static int? CurrentChannels(string text)
    {
        int current = text.IndexOf("Current hardware settings", StringComparison.Ordinal);
        if (current < 0)
        {
            return null;
        }

        IReadOnlyDictionary<string, string> values = KeyValues(text[current..]);
        foreach (string key in new[] { "Combined", "RX" })
        {
            if (values.TryGetValue(key, out string? v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>Parses <c>ethtool -T DEV</c>: the capability lines (<c>hardware-transmit</c>...) and the PTP hardware clock index.</summary>
    /// <param name="text">The output.</param>
    /// <returns>The capabilities and the clock index (null for <c>none</c>).</returns>
    public static (IReadOnlyList<string> Capabilities, int? PtpClock) Timestamping(string text)
    {
        List<string> caps = [];
        int? clock = null;
        bool inCapabilities = false;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("Capabilities:", StringComparison.Ordinal))
            {
                inCapabilities = true;
                continue;
            }

            if (line.StartsWith("PTP Hardware Clock:", StringComparison.Ordinal))
            {
                inCapabilities = false;
                string v = line["PTP Hardware Clock:".Length..].Trim();
                clock = int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int idx) ? idx : null;
                continue;
            }

            if (inCapabilities && line.Length > 0 && !line.Contains(':', StringComparison.Ordinal))
            {
                // "hardware-transmit     (SOF_TIMESTAMPING_TX_HARDWARE)" on older ethtool; the name alone on newer ones.
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                caps.Add(space < 0 ? line : line[..space]);
            }
            else if (line.Contains(':', StringComparison.Ordinal))
            {
                inCapabilities = false;
            }
        }

        return (caps, clock);
    }
}
