// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Traffic;

/// <summary>What a real-time generator measured of itself, back to back (no device): its ceiling and its latency floor.</summary>
/// <param name="CeilingPpsPerPort">The most frames per second it sent per port flat out; a trial offered above is generator-bound.</param>
/// <param name="LatencyFloor">The latency it adds itself at a low rate (sender, kernel, receiver), in microseconds.</param>
/// <param name="Frames">The frame sizes measured.</param>
public sealed record GeneratorLimits(double CeilingPpsPerPort, LatencySummary LatencyFloor, FrameSizeMix Frames);

/// <summary>
/// A real-time generator that calibrates itself (a second facet beside <see cref="ITrafficGeneration"/>): before a
/// search, the caller asks its ceiling for the frame sizes it will offer and keeps every load below it, so a trial
/// the generator, not the device, limits is never taken for the device's limit. Virtual-time generators have no ceiling
/// of their own and do not offer it.
/// </summary>
public interface ITrafficCalibration
{
    /// <summary>Measures (once per frame-size mix, then remembered) the generator's ceiling and latency floor.</summary>
    /// <param name="frames">The frame sizes the trials will offer.</param>
    /// <param name="cancellationToken">Stops the calibration trials.</param>
    /// <returns>The limits.</returns>
    /// <exception cref="TrafficEnvironmentException">The generator could not be calibrated on this host.</exception>
    ValueTask<GeneratorLimits> CalibrateAsync(FrameSizeMix frames, CancellationToken cancellationToken = default);
}
