// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Abstractions.Telemetry;

/// <summary>
/// A facet: operational visibility of the infrastructure's ports through streaming telemetry (gNMI-style ON_CHANGE
/// subscriptions on OpenConfig paths) and alarms (raised with a severity, cleared when the cause goes away).
/// </summary>
public interface ITelemetry
{
    /// <summary>Subscribes ON_CHANGE to every path starting with a prefix: the current values first (sync), then each change.</summary>
    /// <param name="pathPrefix">A path prefix, for example <c>/interfaces/interface</c>.</param>
    /// <param name="onSample">Receives each sample.</param>
    /// <returns>Ends the subscription when disposed.</returns>
    IDisposable Subscribe(string pathPrefix, Action<TelemetrySample> onSample);

    /// <summary>Gets the alarms active now.</summary>
    IReadOnlyList<Alarm> ActiveAlarms { get; }

    /// <summary>Subscribes to alarms being raised and cleared.</summary>
    /// <param name="onEvent">Receives each event.</param>
    /// <returns>Ends the subscription when disposed.</returns>
    IDisposable SubscribeAlarms(Action<AlarmEvent> onEvent);
}

/// <summary>How serious an alarm is (ITU-T X.733 perceived severity).</summary>
public enum AlarmSeverity
{
    /// <summary>Warning.</summary>
    Warning = 0,

    /// <summary>Minor.</summary>
    Minor = 1,

    /// <summary>Major: service degraded (for example one of a node's redundant links is down).</summary>
    Major = 2,

    /// <summary>Critical: service lost (for example a node has no link left).</summary>
    Critical = 3,
}

/// <summary>One telemetry sample.</summary>
/// <param name="Timestamp">When the value was observed.</param>
/// <param name="NodeId">The node.</param>
/// <param name="Path">The OpenConfig-style path, for example <c>/interfaces/interface[name=eno1]/state/oper-status</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Sync">True for the initial values a subscription receives, false for a change.</param>
public sealed record TelemetrySample(DateTimeOffset Timestamp, string NodeId, string Path, string Value, bool Sync);

/// <summary>An alarm.</summary>
/// <param name="Id">The alarm id (stable for one resource and cause).</param>
/// <param name="NodeId">The node.</param>
/// <param name="Resource">The resource, for example <c>eno1</c>.</param>
/// <param name="Severity">The severity.</param>
/// <param name="Text">What is wrong.</param>
/// <param name="Raised">When it was raised.</param>
public sealed record Alarm(string Id, string NodeId, string Resource, AlarmSeverity Severity, string Text, DateTimeOffset Raised);

/// <summary>An alarm raised or cleared.</summary>
/// <param name="Alarm">The alarm.</param>
/// <param name="Cleared">True when cleared.</param>
/// <param name="At">When.</param>
public sealed record AlarmEvent(Alarm Alarm, bool Cleared, DateTimeOffset At);
