// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Requirements;

namespace NfvConformance.Emulator.Capabilities.Tests;

/// <summary>A few definitions copied from features/requirements/catalog.yaml, with their real per-profile values.</summary>
internal static class TestCatalogue
{
    public static IReadOnlyList<CapabilityDefinition> Definitions { get; } =
    [
        Def("RM:e.cap.001", "number", ["compute", "capability-exposure"], "per selected flavour", "per selected flavour", "per selected flavour"),
        Def("RM:e.cap.006", "Yes/No", ["compute", "capability-exposure"], "No", "Yes", "Yes"),
        Def("RM:e.cap.013", "Yes/No", ["networking", "sriov", "acceleration", "capability-exposure"], "No", "Yes", "Yes"),
        Def("RM:e.cap.015", "Yes/No", ["networking", "smartnic", "acceleration"], "No", "Optional", "Yes/No"),
        Def("RM:e.cap.023", "Yes/No", ["compute", "dpdk"], "No (as i.cap.018)", "Yes", "Yes (as i.cap.018)"),
        Def("RM:e.cap.024", "Yes/No per Table 4-2; value N:1", ["compute"], "1:1 (Elbrus; set for benchmarking, operators may raise it)", "1:1", "1:1"),
        Def("RM:i.cap.014", "%", ["compute"], "any", null, "any"),
    ];

    private static CapabilityDefinition Def(string uid, string unit, string[] topics, string? basic, string? hp, string? ni)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        if (basic is not null)
        {
            values["basic"] = basic;
        }

        if (hp is not null)
        {
            values["high_performance"] = hp;
        }

        if (ni is not null)
        {
            values["network_intensive"] = ni;
        }

        string kind = uid.Contains(":i.", StringComparison.Ordinal) ? "internal-capability" : "exposed-capability";
        return new CapabilityDefinition(uid, kind, uid, unit, values, topics, "catalog.yaml:1");
    }
}
