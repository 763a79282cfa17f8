// Licensed under the Apache License, Version 2.0.
using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; each area keeps its benchmarks in its own folder.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
