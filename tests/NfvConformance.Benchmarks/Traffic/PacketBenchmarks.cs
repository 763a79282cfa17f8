// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Attributes;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Traffic.Packets;

namespace NfvConformance.Benchmarks.Traffic;

/// <summary>Cost of building, re-marking and parsing one latency frame (docs/performance-traffic.md).</summary>
[MemoryDiagnoser]
public class PacketBenchmarks
{
    private readonly byte[] _frame = new byte[FrameSizeMix.MaxFrameSize];
    private TrafficStream _stream = null!;
    private FrameLayout _layout;
    private uint _seq;

    [Params(64, 1518)]
    public int FrameSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stream = new TrafficStream { Name = "s", FlowCount = 1000 };
        _layout = PacketBuilder.BuildWithLayout(_frame, _stream, FrameSize, 0, new LatencyMark(0, 1, 0, 0));
    }

    [Benchmark]
    public int Build() => PacketBuilder.Build(_frame, _stream, FrameSize, (int)(_seq++ % 1000), new LatencyMark(0, 1, _seq, _seq));

    [Benchmark]
    public void Restamp() => PacketBuilder.Restamp(_frame, _layout, new LatencyMark(0, 1, ++_seq, _seq));

    [Benchmark]
    public bool ReadMark() => LatencyMark.TryReadTrailer(_frame.AsSpan(0, _layout.Length), out _);

    [Benchmark]
    public NfvConformance.Packets.ParseResult Parse() => NfvConformance.Packets.PacketParser.Parse(_frame.AsSpan(0, _layout.Length), out _);
}
