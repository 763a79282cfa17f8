// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;

namespace NfvConformance.Benchmarks.Gherkin;

/// <summary>
/// Generates a deterministic corpus of realistic feature files: tags, a background, descriptions, comments,
/// scenarios, outlines with two examples blocks, data tables and doc strings.
/// </summary>
internal static class GherkinCorpus
{
    /// <summary>Generates <paramref name="files"/> features with exactly <paramref name="stepsPerFile"/> written steps each.</summary>
    public static IReadOnlyList<(string Uri, string Text)> Generate(int files, int stepsPerFile)
    {
        List<(string, string)> corpus = new(files);
        for (int i = 0; i < files; i++)
        {
            corpus.Add(($"features/Generated/Feature{i:D4}.feature", GenerateFile(i, stepsPerFile)));
        }

        return corpus;
    }

    private static string GenerateFile(int index, int stepsPerFile)
    {
        StringBuilder f = new();
        CultureInfo c = CultureInfo.InvariantCulture;
        f.Append(c, $"@req:NFV-{index} @area:dataplane\n");
        f.Append(c, $"Feature: Generated behaviour {index}\n");
        f.Append("  As an operator I want the infrastructure to forward traffic at line rate\n");
        f.Append("  so that network functions meet their throughput and latency targets.\n\n");
        f.Append("  # Shared set-up for every scenario\n");
        f.Append("  Background:\n");
        f.Append("    Given an NFVI profile \"high-performance\" with 8 vCPUs\n");
        f.Append("    And the emulator is started\n\n");
        int steps = 2;
        int scenario = 0;
        while (steps < stepsPerFile)
        {
            int remaining = stepsPerFile - steps;
            if (scenario % 3 == 2 && remaining >= 3)
            {
                f.Append(c, $"  @outline @requires:sriov\n  Scenario Outline: Throughput at <size> bytes, case {scenario}\n");
                f.Append("    Given a chain of <vnfs> VNFs\n");
                f.Append("    When traffic of <size> byte frames is offered at <rate> percent of line rate\n");
                f.Append("    Then the loss ratio is below <loss>\n\n");
                f.Append("    @fast\n    Examples: small frames\n      | size | vnfs | rate | loss  |\n");
                f.Append("      | 64   | 1    | 100  | 0.001 |\n      | 128  | 2    | 95   | 0.001 |\n\n");
                f.Append("    Examples: large frames\n      | size | vnfs | rate | loss |\n      | 1518 | 4    | 100  | 0    |\n\n");
                steps += 3;
            }
            else if (scenario % 3 == 1 && remaining >= 3)
            {
                f.Append(c, $"  Scenario: Configuration is applied, case {scenario}\n");
                f.Append("    Given the following ports:\n");
                f.Append("      | name | speed | mtu  | note        |\n      | eth0 | 25G   | 9000 | uplink \\| a |\n      | eth1 | 25G   | 1500 | downlink    |\n");
                f.Append("    When the chain is configured with:\n");
                f.Append("      \"\"\"json\n      {\"chain\": [\"fw\", \"nat\", \"lb\"], \"sticky\": true}\n      \"\"\"\n");
                f.Append("    Then every port reports link up\n\n");
                steps += 3;
            }
            else
            {
                int count = Math.Min(remaining, 4);
                f.Append(c, $"  Scenario: Latency stays within target, case {scenario}\n");
                for (int s = 0; s < count; s++)
                {
                    f.Append(s switch
                    {
                        0 => "    Given a latency target of 50 microseconds\n",
                        1 => "    When 1000000 packets are sent\n",
                        2 => "    Then the 99th percentile latency is within target\n",
                        _ => "    But no packet is reordered\n",
                    });
                }

                f.Append('\n');
                steps += count;
            }

            scenario++;
        }

        return f.ToString();
    }
}
