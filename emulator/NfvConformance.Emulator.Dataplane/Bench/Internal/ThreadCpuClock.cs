// Licensed under the Apache License, Version 2.0.
using System.Runtime.InteropServices;

namespace NfvConformance.Emulator.Dataplane.Bench.Internal;

/// <summary>
/// CPU time of the calling thread (clock_gettime CLOCK_THREAD_CPUTIME_ID). On a shared machine wall time includes
/// other processes' turns; CPU time per packet does not, so it is the figure to compare with testpmd's lcore.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Gets the thread's CPU seconds, or NaN where the clock is unavailable.</summary>
    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out Timespec ts) == 0 ? ts.Seconds + (ts.Nanoseconds / 1e9) : double.NaN;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out Timespec timespec);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
