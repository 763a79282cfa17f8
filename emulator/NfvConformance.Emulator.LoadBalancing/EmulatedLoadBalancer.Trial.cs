// Licensed under the Apache License, Version 2.0.
using System.Net;
using NfvConformance.Abstractions.LoadBalancing;
using NfvConformance.Packets;

namespace NfvConformance.Emulator.LoadBalancing;

/// <summary>The failover trial.</summary>
internal sealed partial class EmulatedLoadBalancer
{
    public LbFailoverResult RunFailoverTrial(LbFailoverTrial trial)
    {
        if (trial.Connections < 1 || trial.Connections > 60000)
        {
            throw new ArgumentOutOfRangeException(nameof(trial), trial.Connections, "Connections must be 1 to 60000.");
        }

        if (trial.PacketsPerSecond <= 0 || trial.Duration <= TimeSpan.Zero || trial.CrashAt < TimeSpan.Zero || trial.CrashAt >= trial.Duration)
        {
            throw new ArgumentOutOfRangeException(nameof(trial), $"The trial needs a positive rate and duration and a crash inside the duration (rate {trial.PacketsPerSecond}, duration {trial.Duration}, crash at {trial.CrashAt}).");
        }

        if (trial.PacketsPerSecond * trial.Duration.TotalSeconds > 2_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(trial), "The trial would send more than 2,000,000 packets; lower the rate or the duration.");
        }

        Instance crashed = FindInstance(trial.CrashInstance);
        if (!crashed.Up)
        {
            throw new ArgumentException($"Instance '{trial.CrashInstance}' is already down; pick one that runs.");
        }

        LbListenerSpec listener = _spec.Listeners.FirstOrDefault(l => l.Protocol is LbProtocol.Tcp or LbProtocol.MptcpTcp)
            ?? throw new ArgumentException($"Load balancer '{_spec.Name}' has no tcp listener; the failover trial carries TCP connections.");
        byte[] vipMac = VipMacBytes;
        byte[] clientMac = [0x02, 0xc1, 0, 0, 0, 1];

        byte[] Segment(int client, byte flags, ReadOnlySpan<byte> payload)
        {
            IPAddress address = new([172, 16, (byte)(client / 250), (byte)((client % 250) + 1)]);
            byte[] tcp = MemberHost.TcpSegment((ushort)(20000 + (client % 40000)), (ushort)listener.Port, 1000, 1, flags, [], payload);
            return Frames.Ip(vipMac, clientMac, address, _vip, IpProtocols.Tcp, tcp);
        }

        string[] member = new string[trial.Connections];
        string[] instance = new string[trial.Connections];
        for (int c = 0; c < trial.Connections; c++)
        {
            LbExchange syn = Send(Segment(c, TcpFields.Syn, []));
            if (syn.Forwarded.Count == 0)
            {
                throw new InvalidOperationException($"Connection {c} could not be opened before the trial ({syn.DropReason}); check that the pool has healthy members.");
            }

            member[c] = syn.Forwarded[0].Member;
            instance[c] = syn.Instance!;
        }

        bool[] onCrashed = [.. instance.Select(i => i == crashed.Name)];
        bool[] moved = new bool[trial.Connections];
        bool[] deliveredAfter = new bool[trial.Connections];
        long total = (long)(trial.PacketsPerSecond * trial.Duration.TotalSeconds);
        long lost = 0;
        TimeSpan start = Now;
        TimeSpan? detectedAt = null;
        TimeSpan? recovery = null;
        byte[] payload = new byte[64];
        for (long k = 0; k < total; k++)
        {
            TimeSpan t = TimeSpan.FromSeconds(k / trial.PacketsPerSecond);
            Now = start + t;
            if (t >= trial.CrashAt && crashed.Up)
            {
                crashed.Up = false;
                detectedAt = trial.CrashAt + DetectionTime();
            }

            if (detectedAt is { } d && t >= d && crashed.Routed)
            {
                crashed.Routed = false;
                Log(LbSeverity.Critical, "instance-down", crashed.Name, $"instance {crashed.Name} in {crashed.Zone} missed {_options.BfdMultiplier} BFD intervals");
                Log(LbSeverity.Warning, "instance-failover", crashed.Name, $"traffic of {crashed.Name} failed over to {string.Join(",", _instances.Where(i => i.Routed).Select(i => i.Name))}; flow state {(_options.StateSync ? "synchronised" : "not shared")}");
            }

            int c = (int)(k % trial.Connections);
            LbExchange ex = Send(Segment(c, TcpFields.Ack | 0x08, payload));
            if (ex.Forwarded.Count == 0)
            {
                lost++;
                continue;
            }

            if (t >= trial.CrashAt && onCrashed[c])
            {
                deliveredAfter[c] = true;
                recovery ??= t - trial.CrashAt;
                if (ex.Forwarded[0].Member != member[c])
                {
                    moved[c] = true;
                }
            }
        }

        Now = start + trial.Duration;
        int served = 0;
        for (int n = 0; n < trial.NewConnectionsAfter; n++)
        {
            LbExchange syn = Send(Segment(trial.Connections + n, TcpFields.Syn, []));
            served += syn.Replies.Any(r => PacketParser.Parse(r.Frame, out ParsedPacket rp) == ParseResult.Ok && (rp.TcpFlags & (TcpFields.Syn | TcpFields.Ack)) == (TcpFields.Syn | TcpFields.Ack)) ? 1 : 0;
        }

        int affected = onCrashed.Count(x => x);
        int kept = Enumerable.Range(0, trial.Connections).Count(c => onCrashed[c] && deliveredAfter[c] && !moved[c]);
        return new LbFailoverResult(
            total,
            lost,
            recovery ?? TimeSpan.MaxValue,
            affected,
            kept,
            moved.Count(x => x),
            trial.NewConnectionsAfter,
            served);
    }
}
