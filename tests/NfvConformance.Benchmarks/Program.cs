// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using BenchmarkDotNet.Running;
using NfvConformance.Benchmarks.Chaining;
using NfvConformance.Benchmarks.Gherkin;

// Stopwatch harnesses that measure several variants side by side in one process (figures in docs/), by name;
// anything else goes to BenchmarkDotNet, which finds every benchmark class in this assembly.
int Rounds(string[] a) => a.Length > 1 ? int.Parse(a[1], CultureInfo.InvariantCulture) : 20;

return args switch
{
    ["gherkin-throughput", ..] => GherkinParseThroughput.Run(Rounds(args)),
    ["chain-throughput", .. var rest] => ChainThroughput.Run(rest),
    ["flow-setup", ..] => NfvConformance.Benchmarks.Dataplane.FlowSetupCost.Run(args.Length > 1 ? Rounds(args) : 5),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ChainThroughput).Assembly).Run(args);
    return 0;
}
