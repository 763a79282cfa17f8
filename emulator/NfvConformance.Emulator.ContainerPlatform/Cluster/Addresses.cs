// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ContainerPlatform.Cluster;

/// <summary>Address arithmetic on IPv4 and IPv6 as 128-bit integers.</summary>
internal static class Addresses
{
    /// <summary>Converts an address to an integer (IPv4 in the low 32 bits).</summary>
    /// <param name="address">The address.</param>
    /// <returns>The integer.</returns>
    public static UInt128 ToInteger(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (byte b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>Converts an integer back to an address of a family.</summary>
    /// <param name="value">The integer.</param>
    /// <param name="family">The family.</param>
    /// <returns>The address.</returns>
    public static IPAddress FromInteger(UInt128 value, AddressFamily family)
    {
        int length = family == AddressFamily.InterNetwork ? 4 : 16;
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }

    /// <summary>Returns the address <paramref name="offset"/> after the network's base address.</summary>
    /// <param name="network">The network.</param>
    /// <param name="offset">The offset.</param>
    /// <returns>The address.</returns>
    public static IPAddress Nth(IPNetwork network, UInt128 offset) =>
        FromInteger(ToInteger(network.BaseAddress) + offset, network.BaseAddress.AddressFamily);

    /// <summary>Gets the number of addresses in a network (capped for huge IPv6 prefixes).</summary>
    /// <param name="network">The network.</param>
    /// <returns>The size.</returns>
    public static UInt128 Size(IPNetwork network)
    {
        int bits = (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) - network.PrefixLength;
        return bits >= 64 ? ulong.MaxValue : (UInt128)1 << bits;
    }

    /// <summary>Parses a CIDR, with a message naming the field when it is wrong.</summary>
    /// <param name="text">The CIDR text.</param>
    /// <param name="field">Where it came from, for the message.</param>
    /// <returns>The network.</returns>
    /// <exception cref="NfvConformanceException">It is not a CIDR.</exception>
    public static IPNetwork ParseCidr(string text, string field)
    {
        if (!IPNetwork.TryParse(text.Trim(), out IPNetwork network))
        {
            throw new NfvConformanceException($"{field}: '{text}' is not a CIDR prefix with its base address (write e.g. 192.168.50.0/24 or fd00:50::/64).");
        }

        return network;
    }

    /// <summary>Parses an address, with a message naming the field when it is wrong.</summary>
    /// <param name="text">The text.</param>
    /// <param name="field">Where it came from.</param>
    /// <returns>The address.</returns>
    /// <exception cref="NfvConformanceException">It is not an IP address.</exception>
    public static IPAddress ParseAddress(string text, string field)
    {
        if (!IPAddress.TryParse(text.Trim(), out IPAddress? address))
        {
            throw new NfvConformanceException($"{field}: '{text}' is not an IPv4 or IPv6 address.");
        }

        return address;
    }

    /// <summary>Gets the family's name as Kubernetes writes it.</summary>
    /// <param name="address">An address.</param>
    /// <returns><c>IPv4</c> or <c>IPv6</c>.</returns>
    public static string FamilyName(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    /// <summary>Tells whether two networks overlap.</summary>
    /// <param name="a">One network.</param>
    /// <param name="b">The other.</param>
    /// <returns>True when they share an address.</returns>
    public static bool Overlap(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));

    /// <summary>Formats a MAC address.</summary>
    /// <param name="mac">Six bytes.</param>
    /// <returns>Lower-case, colon-separated.</returns>
    public static string Mac(ReadOnlySpan<byte> mac) => Convert.ToHexString(mac).ToLowerInvariant() is var h
        ? string.Join(':', Enumerable.Range(0, 6).Select(i => h.Substring(i * 2, 2)))
        : string.Empty;

    /// <summary>Parses a MAC address written with colons or dashes.</summary>
    /// <param name="text">The text.</param>
    /// <returns>Six bytes, or null when it is not a MAC address.</returns>
    public static byte[]? ParseMac(string text)
    {
        string hex = text.Replace(":", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 12)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
