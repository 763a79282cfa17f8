// Licensed under the Apache License, Version 2.0.
// The run result model lives here, below Core and reports/, so the runner produces it without referencing the
// report writers. Its namespace is kept from when it lived in reports/ (renamed with the other areas later).
namespace NfvConformance.Reports.Model;

/// <summary>A signed-off exception: a failure of the requirement is accepted until the expiry date.</summary>
/// <param name="Uid">The requirement uid waived.</param>
/// <param name="Reason">Why the failure is accepted.</param>
/// <param name="Approver">Who approved it.</param>
/// <param name="Expires">The last day (UTC) the waiver applies.</param>
/// <param name="Location">Where it is written, as <c>file:line</c>.</param>
public sealed record Waiver(string Uid, string Reason, string Approver, DateOnly Expires, string Location)
{
    /// <summary>Tells whether the waiver still applies at a moment.</summary>
    /// <param name="at">The moment (the run's start).</param>
    /// <returns>True up to and including the expiry day.</returns>
    public bool IsActiveAt(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime) <= Expires;
}
