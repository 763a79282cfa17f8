// Licensed under the Apache License, Version 2.0.
using System.CommandLine;
using System.Globalization;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Lab.Linux.Traffic;

namespace NfvConformance.Cli.Commands;

/// <summary><c>nfvc bench generator</c>: the real AF_PACKET generator flat out on a veth pair it creates (root).</summary>
internal sealed class BenchGeneratorCommand : IBenchSubcommand
{
    public Command Create()
    {
        Option<int> frameSize = new("--frame-size") { Description = "Frame size in bytes including FCS (64..9216).", DefaultValueFactory = _ => 64 };
        Option<double> seconds = new("--seconds") { Description = "How long to send, in seconds (0..600].", DefaultValueFactory = _ => 5 };
        Option<bool> calibrate = new("--calibrate") { Description = "Also measure the latency floor (a 1-second trial at 10 kpps)." };
        Option<bool> txOnly = new("--tx-only") { Description = "Send only, as testpmd txonly: no receiver on the peer; received = the peer veth's counter." };
        Option<bool> txRing = new("--tx-ring") { Description = "Send through a PACKET_TX_RING (one send per batch) instead of sendmmsg." };
        Option<string> method = new("--method") { Description = "How frames are sent: 'sendmmsg' (AF_PACKET, the default), 'tx-ring' (AF_PACKET PACKET_TX_RING) or 'af_xdp' (an AF_XDP socket in copy mode; falls back to sendmmsg with the reason when the kernel refuses).", DefaultValueFactory = _ => "sendmmsg" };
        method.AcceptOnlyFromAmong("sendmmsg", "tx-ring", "af_xdp");
        Option<string> rxMethod = new("--rx-method") { Description = "How frames are received: 'af_packet' (a TPACKET_V3 ring, the default) or 'af_xdp' (an AF_XDP socket fed by an XDP program on the veth; falls back to the ring with the reason when the kernel refuses).", DefaultValueFactory = _ => "af_packet" };
        rxMethod.AcceptOnlyFromAmong("af_packet", "af_xdp");
        Option<string?> ndr = new("--ndr") { Description = "Search the NDR/PDR of a device instead: 'router' (a kernel-router namespace built for the purpose), 'chain' (the Performance scenarios' one-router chain in the chain lab, through the linux target's traffic facet; 'chain-dpdk' or 'chain-memif' with that hop a dpdk-testpmd or a memif pair of them) or 'ports' (--port0/--port1 given); the generator's ceiling is calibrated first." };
        Option<string?> port0 = new("--port0") { Description = "With --ndr ports: the sending port, [namespace/]interface." };
        Option<string?> port1 = new("--port1") { Description = "With --ndr ports: the receiving port, [namespace/]interface." };
        Option<string?> dstMac = new("--dst-mac") { Description = "With --ndr ports: the destination MAC of the frames (the device's ingress)." };
        Option<int> threads = new("--threads") { Description = "Sender workers, each on a CPU of its own with its own socket (AF_XDP: its own queue) and stream; the veth pair gets as many queues (1..64).", DefaultValueFactory = _ => 1 };
        Option<bool> json = new("--json") { Description = "Print {\"frame_size\", \"seconds\", \"sent\", \"received\", \"pps\", \"method\", \"threads\", ...} as JSON." };
        Command command = new("generator", "Measure the real AF_PACKET generator on a veth pair it creates and removes (needs root).")
        {
            frameSize, seconds, calibrate, txOnly, txRing, method, rxMethod, ndr, port0, port1, dstMac, threads, json,
        };
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            try
            {
                if (pr.GetValue(ndr) is string dut)
                {
                    if (pr.GetValue(threads) != 1)
                    {
                        throw new ConfigurationException("--threads is for the flat-out bench; the NDR search sends its one stream from one worker (leave --threads out with --ndr).");
                    }

                    GeneratorNdrReport n = await GeneratorNdrBench.RunAsync(
                        new GeneratorNdrOptions
                        {
                            Dut = dut,
                            FrameSize = pr.GetValue(frameSize),
                            TrialSeconds = pr.GetResult(seconds) is null ? 1 : pr.GetValue(seconds),
                            Port0 = pr.GetValue(port0) is string a ? GeneratorNdrOptions.ParsePort(a) : null,
                            Port1 = pr.GetValue(port1) is string b ? GeneratorNdrOptions.ParsePort(b) : null,
                            DestinationMac = pr.GetValue(dstMac) is string m ? GeneratorNdrOptions.ParseMac(m) : null,
                            AfXdp = pr.GetValue(method) == "af_xdp",
                            RxMethod = pr.GetValue(rxMethod) == "af_xdp" ? GeneratorRxMethod.AfXdp : GeneratorRxMethod.AfPacket,
                        },
                        ct).ConfigureAwait(false);
                    Console.Out.WriteLine(pr.GetValue(json) ? n.ToJson() : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{n.Dut}: NDR {n.Search.NdrPps:F0} pps, PDR {n.Search.PdrPps:F0} pps ({n.Search.Trials.Count} trials); generator ceiling {n.Ceiling.CeilingPps:F0} pps, latency floor p50 {n.Ceiling.Floor.P50Us:F1} us{(n.GeneratorBound ? "; generator-bound: " + n.Search.Note : string.Empty)}"));
                    return ExitCodes.Success;
                }

                GeneratorBenchReport r = await GeneratorBench.RunAsync(
                    new GeneratorBenchOptions { FrameSize = pr.GetValue(frameSize), Seconds = pr.GetValue(seconds), Calibrate = pr.GetValue(calibrate), TxOnly = pr.GetValue(txOnly), TxRing = pr.GetValue(txRing) || pr.GetValue(method) == "tx-ring", AfXdp = pr.GetValue(method) == "af_xdp", Threads = pr.GetValue(threads), RxMethod = pr.GetValue(rxMethod) == "af_xdp" ? GeneratorRxMethod.AfXdp : GeneratorRxMethod.AfPacket },
                    ct).ConfigureAwait(false);
                string floor = r.LatencyFloor is { } f ? string.Create(CultureInfo.InvariantCulture, $"; latency floor p50 {f.P50Us:F1} us, min {f.MinUs:F1} us") : string.Empty;
                Console.Out.WriteLine(pr.GetValue(json) ? r.ToJson() : string.Create(
                    CultureInfo.InvariantCulture,
                    $"generator ({r.Method}{(r.Threads > 1 ? $", {r.Threads} threads" : string.Empty)}) {r.FrameSize} B: {r.Pps / 1e6:F3} Mpps, {r.Sent} sent, {r.Received} received, {r.Lost} lost in {r.Seconds:F2} s{floor}{(r.Fallback is null ? string.Empty : "; " + r.Fallback)}{(r.RxFallback is null ? string.Empty : "; " + r.RxFallback)}"));
                return ExitCodes.Success;
            }
            catch (ConfigurationException ex)
            {
                Console.Error.WriteLine($"nfvc bench generator: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
