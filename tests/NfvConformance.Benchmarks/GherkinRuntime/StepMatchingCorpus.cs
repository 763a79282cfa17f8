// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Reflection;
using NfvConformance.Gherkin.Bindings.Internal;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Expressions;
using NfvConformance.Gherkin.Pickles;

namespace NfvConformance.Benchmarks.GherkinRuntime;

/// <summary>
/// 500 step bindings in ten shapes seen in NFV suites (shared prefixes, a parameter first, alternatives,
/// optionals, regular expressions) and step texts that each match exactly one of them.
/// </summary>
internal static class StepMatchingCorpus
{
    private static readonly MethodInfo s_method = typeof(StepMatchingCorpus).GetMethod(nameof(Target), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static StepMatcher CreateMatcher(int bindings)
    {
        ParameterTypeRegistry types = new();
        List<StepBinding> list = new(bindings);
        for (int i = 0; i < bindings; i++)
        {
            string expression = Expression(i);
            IStepExpression compiled = RegularStepExpression.IsRegularExpression(expression)
                ? new RegularStepExpression(expression)
                : new CucumberExpression(expression, types);
            list.Add(new StepBinding(s_method, "Given", PickleStepType.Context, compiled, null));
        }

        return new StepMatcher(list);
    }

    public static string[] CreateSteps(int steps, int bindings, int seed)
    {
        Random random = new(seed);
        string[] texts = new string[steps];
        for (int j = 0; j < steps; j++)
        {
            texts[j] = Step(random.Next(bindings), random);
        }

        return texts;
    }

    private static string Expression(int i) => (i % 10) switch
    {
        0 => $"the host h{i} has {{int}} NIC(s)",
        1 => $"the VNF {{word}} is attached to network n{i}",
        2 => $"{{int}} packets are sent through chain c{i}",
        3 => $"a flavor f{i} with {{int}} vCPUs and {{int}} GB of memory",
        4 => $"the link l{i} is up/down",
        5 => $@"^the rate on port p{i} is (\d+) Mpps$",
        6 => $"the chain {{string}} has {{int}} hop(s) in zone z{i}",
        7 => $"traffic at {{float}} Mpps reaches sink s{i}",
        8 => $"the tenant t{i} owns {{int}} vnf(s)",
        _ => $"the latency of path q{i} is below {{int}} microseconds",
    };

    private static string Step(int i, Random random)
    {
        int n = random.Next(1, 100_000);
        string number = n.ToString(CultureInfo.InvariantCulture);
        return (i % 10) switch
        {
            0 => $"the host h{i} has {number} NICs",
            1 => $"the VNF vFW-{number} is attached to network n{i}",
            2 => $"{number} packets are sent through chain c{i}",
            3 => $"a flavor f{i} with {n % 64} vCPUs and {number} GB of memory",
            4 => $"the link l{i} is {(n % 2 == 0 ? "up" : "down")}",
            5 => $"the rate on port p{i} is {number} Mpps",
            6 => $"the chain \"sfc-{number}\" has {n % 8} hops in zone z{i}",
            7 => $"traffic at {n / 1000.0:0.###} Mpps reaches sink s{i}".Replace(',', '.'),
            8 => $"the tenant t{i} owns {number} vnfs",
            _ => $"the latency of path q{i} is below {number} microseconds",
        };
    }

    private static void Target()
    {
    }
}
