// Licensed under the Apache License, Version 2.0.
using System.Net;
using System.Net.Sockets;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.Dataplane.Vnfs.Internal;

/// <summary>Parses "a.b.c.d/len" and "a.b.c.d" on the control path, with errors that name the option.</summary>
internal static class Cidr
{
    public static (uint Prefix, int Length) Parse(string text, string option)
    {
        string[] parts = text.Split('/');
        int length = 32;
        if (parts.Length > 2 || (parts.Length == 2 && (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length) || length > 32)))
        {
            ThrowHelper.ThrowConfiguration($"{option} = '{text}' is not an IPv4 prefix; write it as a.b.c.d/len with len 0-32.");
        }

        if (!IPAddress.TryParse(parts[0], out IPAddress? ip) || ip.AddressFamily != AddressFamily.InterNetwork || parts[0].Count(c => c == '.') != 3)
        {
            ThrowHelper.ThrowConfiguration($"{option} = '{text}' is not an IPv4 prefix; write it as a.b.c.d/len with len 0-32.");
        }

        uint address = ParseAddress(parts[0], option);
        return (address & Ipv4Lpm.Mask(length), length);
    }

    public static uint ParseAddress(string text, string option)
    {
        if (!IPAddress.TryParse(text, out IPAddress? ip) || ip.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)
        {
            ThrowHelper.ThrowConfiguration($"{option} = '{text}' is not an IPv4 address; write it as a.b.c.d.");
            return 0;
        }

        byte[] b = ip.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    public static ulong ParseMac(string text, string option)
    {
        string[] parts = text.Split(':', '-');
        ulong mac = 0;
        if (parts.Length != 6)
        {
            ThrowHelper.ThrowConfiguration($"{option} = '{text}' is not a MAC address; write it as 02:00:00:00:00:01.");
        }

        foreach (string part in parts)
        {
            if (!byte.TryParse(part, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out byte b))
            {
                ThrowHelper.ThrowConfiguration($"{option} = '{text}' is not a MAC address; '{part}' is not a hex byte.");
            }

            mac = (mac << 8) | b;
        }

        return mac;
    }

    public static void WriteMac(ulong mac, Span<byte> dst)
    {
        for (int i = 5; i >= 0; i--)
        {
            dst[i] = (byte)mac;
            mac >>= 8;
        }
    }

    public static ulong ReadMac(ReadOnlySpan<byte> src) =>
        ((ulong)src[0] << 40) | ((ulong)src[1] << 32) | ((ulong)src[2] << 24) | ((ulong)src[3] << 16) | ((ulong)src[4] << 8) | src[5];
}
