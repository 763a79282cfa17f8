// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using System.Text;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Discovery;

/// <summary>
/// Reads the XDP features every netdev's driver advertises through the kernel's <c>netdev</c> generic-netlink family
/// (Linux 6.3+, <c>NETDEV_CMD_DEV_GET</c>, attribute <c>NETDEV_A_DEV_XDP_FEATURES</c>): the same answer
/// <c>ynl --family netdev --dump dev-get</c> prints. Also tells whether a generic-netlink family is registered (the
/// <c>dpll</c> family exists only where a driver exposes a DPLL, the basis of SyncE).
/// </summary>
internal static class NetdevNetlink
{
    private const int NetlinkGeneric = 16;
    private const ushort GenlIdCtrl = 0x10;
    private const byte CtrlCmdGetFamily = 3;
    private const ushort CtrlAttrFamilyId = 1;
    private const ushort CtrlAttrFamilyName = 2;
    private const byte NetdevCmdDevGet = 1;
    private const ushort NetdevAttrIfindex = 1;
    private const ushort NetdevAttrXdpFeatures = 3;
    private const ushort NlmFRequest = 0x1;
    private const ushort NlmFAck = 0x4;
    private const ushort NlmFDump = 0x300;
    private const ushort NlmsgError = 2;
    private const ushort NlmsgDone = 3;

    /// <summary>The names of the <c>netdev_xdp_act</c> bits, as the kernel's netdev.yaml spec names them.</summary>
    public static IReadOnlyList<(ulong Bit, string Name)> XdpFeatureBits { get; } =
    [
        (1, "basic"), (2, "redirect"), (4, "ndo-xmit"), (8, "xsk-zerocopy"), (16, "hw-offload"), (32, "rx-sg"), (64, "ndo-xmit-sg"),
    ];

    /// <summary>The command line this reader stands for, for provenance.</summary>
    public const string Provenance = "netlink genl netdev dev-get (NETDEV_A_DEV_XDP_FEATURES)";

    /// <summary>Names the bits of an XDP feature mask.</summary>
    /// <param name="mask">The mask.</param>
    /// <returns>The feature names.</returns>
    public static IReadOnlyList<string> Names(ulong mask) => [.. XdpFeatureBits.Where(b => (mask & b.Bit) != 0).Select(b => b.Name)];

    /// <summary>Dumps the XDP features of every netdev of this network namespace.</summary>
    /// <param name="features">The feature mask by interface index.</param>
    /// <param name="error">Why it could not be read (no netdev family: kernel older than 6.3).</param>
    /// <returns>True when read.</returns>
    public static bool TryReadXdpFeatures(out IReadOnlyDictionary<int, ulong> features, out string? error)
    {
        features = new Dictionary<int, ulong>();
        error = null;
        try
        {
            using NetlinkSocket socket = NetlinkSocket.Open();
            ushort? family = ResolveFamily(socket, "netdev");
            if (family is null)
            {
                error = "the kernel has no 'netdev' generic-netlink family (Linux 6.3 or later reports XDP features)";
                return false;
            }

            Dictionary<int, ulong> result = [];
            Send(socket, family.Value, NetdevCmdDevGet, (ushort)(NlmFRequest | NlmFDump), []);
            foreach (byte[] payload in Receive(socket))
            {
                int ifindex = -1;
                ulong mask = 0;
                foreach ((ushort type, ReadOnlyMemory<byte> value) in Attributes(payload.AsMemory(4)))
                {
                    if (type == NetdevAttrIfindex && value.Length >= 4)
                    {
                        ifindex = (int)BinaryPrimitives.ReadUInt32LittleEndian(value.Span);
                    }
                    else if (type == NetdevAttrXdpFeatures && value.Length >= 8)
                    {
                        mask = BinaryPrimitives.ReadUInt64LittleEndian(value.Span);
                    }
                }

                if (ifindex > 0)
                {
                    result[ifindex] = mask;
                }
            }

            features = result;
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            error = $"netlink: {e.Message}";
            return false;
        }
    }

    /// <summary>Tells whether a generic-netlink family is registered (for example <c>dpll</c>).</summary>
    /// <param name="name">The family name.</param>
    /// <returns>True, false, or null when netlink could not be asked.</returns>
    public static bool? FamilyExists(string name)
    {
        try
        {
            using NetlinkSocket socket = NetlinkSocket.Open();
            return ResolveFamily(socket, name) is not null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }

    private static ushort? ResolveFamily(NetlinkSocket socket, string name)
    {
        byte[] nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        Send(socket, GenlIdCtrl, CtrlCmdGetFamily, (ushort)(NlmFRequest | NlmFAck), Attribute(CtrlAttrFamilyName, nameBytes));
        ushort? id = null;
        try
        {
            foreach (byte[] payload in Receive(socket))
            {
                foreach ((ushort type, ReadOnlyMemory<byte> value) in Attributes(payload.AsMemory(4)))
                {
                    if (type == CtrlAttrFamilyId && value.Length >= 2)
                    {
                        id = BinaryPrimitives.ReadUInt16LittleEndian(value.Span);
                    }
                }
            }
        }
        catch (IOException e) when (e.Message.Contains("errno -2", StringComparison.Ordinal))
        {
            return null;
        }

        return id;
    }

    private static byte[] Attribute(ushort type, byte[] value)
    {
        int len = 4 + value.Length;
        byte[] a = new byte[Align(len)];
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)len);
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), type);
        value.CopyTo(a, 4);
        return a;
    }

    private static void Send(NetlinkSocket socket, ushort family, byte command, ushort flags, byte[] attributes)
    {
        byte[] message = new byte[16 + 4 + attributes.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), family);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 1);
        message[16] = command;
        message[17] = 1;
        attributes.CopyTo(message, 20);
        socket.Send(message);
    }

    /// <summary>Receives messages until DONE, an ACK or an error; yields each message's generic-netlink payload (genl header included).</summary>
    private static IEnumerable<byte[]> Receive(NetlinkSocket socket)
    {
        byte[] buffer = new byte[65536];
        while (true)
        {
            int n = socket.Receive(buffer);
            int offset = 0;
            while (offset + 16 <= n)
            {
                int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                if (len < 16 || offset + len > n)
                {
                    throw new InvalidDataException($"netlink message of length {len} at {offset} of {n}");
                }

                if (type == NlmsgDone)
                {
                    yield break;
                }

                if (type == NlmsgError)
                {
                    int errno = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                    if (errno == 0)
                    {
                        yield break;
                    }

                    throw new IOException($"netlink error errno {errno}");
                }

                yield return buffer.AsSpan(offset + 16, len - 16).ToArray();
                offset += Align(len);
            }
        }
    }

    private static IEnumerable<(ushort Type, ReadOnlyMemory<byte> Value)> Attributes(ReadOnlyMemory<byte> data)
    {
        int offset = 0;
        while (offset + 4 <= data.Length)
        {
            ushort len = BinaryPrimitives.ReadUInt16LittleEndian(data.Span[offset..]);
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data.Span[(offset + 2)..]) & 0x3fff);
            if (len < 4 || offset + len > data.Length)
            {
                yield break;
            }

            yield return (type, data.Slice(offset + 4, len - 4));
            offset += Align(len);
        }
    }

    private static int Align(int len) => (len + 3) & ~3;

    /// <summary>A generic-netlink socket (AF_NETLINK, NETLINK_GENERIC) with a receive timeout.</summary>
    private sealed class NetlinkSocket : IDisposable
    {
        private readonly int _fd;

        private NetlinkSocket(int fd)
        {
            _fd = fd;
        }

        public static NetlinkSocket Open()
        {
            int fd = Libc.socket(Libc.AfNetlink, Libc.SockRaw, NetlinkGeneric);
            if (fd < 0)
            {
                throw new IOException($"socket(AF_NETLINK, NETLINK_GENERIC): {Libc.LastError()}");
            }

            // SO_RCVTIMEO (SOL_SOCKET 1, option 20): struct timeval { 2 s, 0 us }.
            byte[] timeval = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(timeval, 2);
            _ = Libc.setsockopt(fd, 1, 20, timeval, 16);
            return new NetlinkSocket(fd);
        }

        public void Send(byte[] message)
        {
            if (Libc.send(_fd, message, (nuint)message.Length, 0) < 0)
            {
                throw new IOException($"netlink send: {Libc.LastError()}");
            }
        }

        public int Receive(byte[] buffer)
        {
            nint n = Libc.recv(_fd, buffer, (nuint)buffer.Length, 0);
            return n < 0 ? throw new IOException($"netlink recv: {Libc.LastError()}") : (int)n;
        }

        public void Dispose() => Libc.close(_fd);
    }
}
