// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Lab.Linux.Native;

namespace NfvConformance.Lab.Linux.Traffic.Xdp;

/// <summary>A deliberate defect of the AF_XDP receiver's XDP program, for the tests that show its checks catch it.</summary>
internal enum XdpRxFault
{
    /// <summary>No defect.</summary>
    None,

    /// <summary>The program redirects every frame to the socket, ARP and neighbour discovery included (nothing is passed to the kernel).</summary>
    RedirectEverything,
}

/// <summary>
/// The XDP program of the AF_XDP receiver, written as BPF instructions (struct bpf_insn, linux/bpf.h), and its
/// attachment to one interface: an XSKMAP, the program, and a BPF link in native (driver) mode, or generic (skb) mode
/// when the driver refuses. The program redirects what the generator's AF_PACKET receive filter would accept (IPv4 or
/// IPv6 carrying UDP or TCP, VLAN-tagged frames, EtherType 0x88b5) to the socket in the map slot of the frame's
/// rx_queue_index, with XDP_PASS as the action when that slot is empty; everything else (ARP, ICMP, neighbour
/// discovery, frames too short to classify) gets XDP_PASS and reaches the kernel as before. Before redirecting, it
/// grows the frame's head by <see cref="StampSize"/> bytes (bpf_xdp_adjust_head) and writes the receive time
/// (bpf_ktime_get_ns, CLOCK_MONOTONIC) and <see cref="StampMagic"/> there; the receiver strips them. The metadata area
/// (bpf_xdp_adjust_meta) would leave the frame alone, but this kernel refuses that helper to the program ("program of
/// this type cannot use helper bpf_xdp_adjust_meta#54", kernel 6.18).
/// </summary>
/// <remarks>
/// The link is owned by its file descriptor: <see cref="Dispose"/> detaches the program, and so does the death of the
/// process. The lab attaches only to veths it created, and <c>nfvc lab clean</c> deletes those (a deleted interface
/// takes its program with it).
/// </remarks>
internal sealed class XdpRedirectProgram : IDisposable
{
    /// <summary>The bytes the program puts in front of each frame it redirects: the receive time (u64 ns), <see cref="StampMagic"/> (u32), 4 bytes of padding.</summary>
    public const int StampSize = 16;

    /// <summary>The value at offset 8 of the stamp ("NFVC").</summary>
    public const int StampMagic = 0x4E465643;

    private const int XdpPass = 2;
    private const int HelperKtimeGetNs = 5;
    private const int HelperRedirectMap = 51;
    private const int HelperXdpAdjustHead = 44;
    private readonly int _mapFd;
    private readonly int _programFd;
    private int _linkFd;

    private XdpRedirectProgram(int mapFd, int programFd, int linkFd, string interfaceName, string mode)
    {
        _mapFd = mapFd;
        _programFd = programFd;
        _linkFd = linkFd;
        Interface = interfaceName;
        Mode = mode;
    }

    /// <summary>Gets the interface the program is attached to.</summary>
    public string Interface { get; }

    /// <summary>Gets how it is attached: <c>native</c> (the driver runs it) or <c>generic</c> (the kernel runs it on each skb).</summary>
    public string Mode { get; }

    /// <summary>Builds the program's instructions around an XSKMAP.</summary>
    /// <param name="mapFd">The XSKMAP.</param>
    /// <param name="fault">A deliberate defect (tests only).</param>
    /// <returns>struct bpf_insn array.</returns>
    public static byte[] Instructions(int mapFd, XdpRxFault fault = XdpRxFault.None)
    {
        Assembler a = new();
        a.MovReg(6, 1);

        // Classify: r2 = data, r3 = data_end; at least 24 bytes (Ethernet + IPv4 protocol / IPv6 next header).
        a.LoadWord(2, 6, 0);
        a.LoadWord(3, 6, 4);
        a.MovReg(4, 2);
        a.AddImm(4, 24);
        a.JumpReg(Assembler.Greater, 4, 3, "pass");
        a.Load(Assembler.Half, 5, 2, 12);

        // EtherTypes as a little-endian load of network-order bytes sees them: 0x8100, 0x88a8, 0x88b5, 0x0800, 0x86dd.
        a.Jump(Assembler.Equal, 5, 0x0081, "redirect");
        a.Jump(Assembler.Equal, 5, 0xA888, "redirect");
        a.Jump(Assembler.Equal, 5, 0xB588, "redirect");
        a.Jump(Assembler.Equal, 5, 0x0008, "ipv4");
        a.Jump(Assembler.NotEqual, 5, 0xDD86, "pass");
        a.Load(Assembler.Byte, 5, 2, 14 + 6);
        a.Jump(Assembler.Always, 0, 0, "l4");
        a.Label("ipv4");
        a.Load(Assembler.Byte, 5, 2, 14 + 9);
        a.Label("l4");
        a.Jump(Assembler.Equal, 5, 17, "redirect");
        a.Jump(Assembler.Equal, 5, 6, "redirect");
        a.Label("pass");
        if (fault == XdpRxFault.RedirectEverything)
        {
            // The verifier refuses unreachable instructions, so the defect is at the end of the classification.
            a.Jump(Assembler.Always, 0, 0, "redirect");
        }
        else
        {
            a.MovImm(0, XdpPass);
            a.Exit();
        }

        // Stamp: r7 = now; 16 more bytes in front of the frame for it; if there is no room, redirect unstamped.
        a.Label("redirect");
        a.Call(HelperKtimeGetNs);
        a.MovReg(7, 0);
        a.MovReg(1, 6);
        a.MovImm(2, -StampSize);
        a.Call(HelperXdpAdjustHead);
        a.Jump(Assembler.NotEqual, 0, 0, "send");
        a.LoadWord(2, 6, 0);
        a.LoadWord(3, 6, 4);
        a.MovReg(4, 2);
        a.AddImm(4, StampSize);
        a.JumpReg(Assembler.Greater, 4, 3, "send");
        a.StoreReg(2, 0, 7);
        a.StoreWordImm(2, 8, StampMagic);

        // bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS): an empty slot passes the frame on.
        a.Label("send");
        a.LoadWord(2, 6, 16);
        a.LoadMapFd(1, mapFd);
        a.MovImm(3, XdpPass);
        a.Call(HelperRedirectMap);
        a.Exit();
        return a.ToArray();
    }

    /// <summary>Creates the XSKMAP, loads the program and attaches it to an interface of the calling thread's namespace.</summary>
    /// <param name="interfaceName">The interface (a veth the lab created).</param>
    /// <param name="ifIndex">Its index.</param>
    /// <param name="queues">XSKMAP slots.</param>
    /// <param name="fault">A deliberate defect (tests only).</param>
    /// <returns>The attachment.</returns>
    /// <exception cref="TrafficEnvironmentException">The kernel refused a step (named, with errno).</exception>
    public static XdpRedirectProgram Attach(string interfaceName, int ifIndex, int queues, XdpRxFault fault)
    {
        int map = Bpf.CreateXskMap(queues);
        int program = -1;
        try
        {
            program = Bpf.LoadXdpProgram(Instructions(map, fault));
            int link = Bpf.TryCreateXdpLink(program, ifIndex, Bpf.XdpFlagsDrvMode, out int nativeErrno);
            if (link >= 0)
            {
                return new XdpRedirectProgram(map, program, link, interfaceName, "native");
            }

            link = Bpf.TryCreateXdpLink(program, ifIndex, Bpf.XdpFlagsSkbMode, out int genericErrno);
            if (link >= 0)
            {
                return new XdpRedirectProgram(map, program, link, interfaceName, "generic");
            }

            throw new TrafficEnvironmentException($"bpf(BPF_LINK_CREATE, XDP) on {interfaceName} refused in native mode (errno {nativeErrno}) and in generic mode (errno {genericErrno}); is another XDP program attached?");
        }
        catch
        {
            if (program >= 0)
            {
                Libc.close(program);
            }

            Libc.close(map);
            throw;
        }
    }

    /// <summary>Puts a bound AF_XDP socket in the slot of its queue.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="socketFd">The socket.</param>
    public void Register(int queue, int socketFd) => Bpf.SetXskMapEntry(_mapFd, queue, socketFd);

    /// <summary>Detaches the program (closes the link) and releases the program and the map.</summary>
    public void Dispose()
    {
        if (_linkFd < 0)
        {
            return;
        }

        Libc.close(_linkFd);
        _linkFd = -1;
        Libc.close(_programFd);
        Libc.close(_mapFd);
    }

    /// <summary>A BPF assembler for the few instruction forms the program uses, with forward labels.</summary>
    private sealed class Assembler
    {
        public const int Always = 0x05;
        public const int Equal = 0x15;
        public const int NotEqual = 0x55;
        public const int Greater = 0x2d;
        public const int Half = 0x69;
        public const int Byte = 0x71;
        private readonly List<(byte Code, byte Regs, short Offset, int Imm)> _insns = [];
        private readonly Dictionary<string, int> _labels = [];
        private readonly List<(int At, string Label)> _fixups = [];

        public void Label(string name) => _labels.Add(name, _insns.Count);

        public void MovReg(int dst, int src) => Emit(0xbf, dst, src, 0, 0);

        public void MovImm(int dst, int imm) => Emit(0xb7, dst, 0, 0, imm);

        public void AddImm(int dst, int imm) => Emit(0x07, dst, 0, 0, imm);

        public void LoadWord(int dst, int src, short offset) => Emit(0x61, dst, src, offset, 0);

        public void Load(int size, int dst, int src, short offset) => Emit(size, dst, src, offset, 0);

        public void StoreReg(int dst, short offset, int src) => Emit(0x7b, dst, src, offset, 0);

        public void StoreWordImm(int dst, short offset, int imm) => Emit(0x62, dst, 0, offset, imm);

        public void Call(int helper) => Emit(0x85, 0, 0, 0, helper);

        public void Exit() => Emit(0x95, 0, 0, 0, 0);

        /// <summary>BPF_LD | BPF_DW | BPF_IMM with src = BPF_PSEUDO_MAP_FD: two slots, the map's fd in the first.</summary>
        public void LoadMapFd(int dst, int mapFd)
        {
            Emit(0x18, dst, 1, 0, mapFd);
            Emit(0, 0, 0, 0, 0);
        }

        public void Jump(int op, int dst, int imm, string label)
        {
            _fixups.Add((_insns.Count, label));
            Emit((byte)op, dst, 0, 0, imm);
        }

        public void JumpReg(int op, int dst, int src, string label)
        {
            _fixups.Add((_insns.Count, label));
            Emit((byte)op, dst, src, 0, 0);
        }

        public byte[] ToArray()
        {
            foreach ((int at, string label) in _fixups)
            {
                (byte code, byte regs, _, int imm) = _insns[at];
                _insns[at] = (code, regs, (short)(_labels[label] - at - 1), imm);
            }

            byte[] bytes = new byte[_insns.Count * 8];
            for (int i = 0; i < _insns.Count; i++)
            {
                Span<byte> b = bytes.AsSpan(i * 8, 8);
                b[0] = _insns[i].Code;
                b[1] = _insns[i].Regs;
                BinaryPrimitives.WriteInt16LittleEndian(b[2..], _insns[i].Offset);
                BinaryPrimitives.WriteInt32LittleEndian(b[4..], _insns[i].Imm);
            }

            return bytes;
        }

        private void Emit(int code, int dst, int src, short offset, int imm) => _insns.Add(((byte)code, (byte)(dst | (src << 4)), offset, imm));
    }
}
