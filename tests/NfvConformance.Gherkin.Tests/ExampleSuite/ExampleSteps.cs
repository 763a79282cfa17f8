// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Gherkin.Bindings;
using NfvConformance.Gherkin.Pickles;
using NfvConformance.Gherkin.Runtime;

namespace NfvConformance.Gherkin.Tests.ExampleSuite;

[Binding]
internal sealed class DiscoverySteps(HostContext host, ScenarioInfo scenario)
{
    [Given("an emulated host named {string}")]
    public void Host(string name) => host.Name = name;

    [Given("the host has {int} NIC/NICs with {int} queue(s) each")]
    public void Nics(int nics, int queues) => (host.Nics, host.QueuesPerNic) = (nics, queues);

    [When("capabilities are discovered")]
    public async Task DiscoverAsync()
    {
        await Task.Yield();
        host.Catalogue.AddRange(host.Lab.Capabilities);
    }

    [Then("the catalogue lists {string} and {string}")]
    public ValueTask Lists(string first, string second)
    {
        Check.That(host.Catalogue.Contains(first) && host.Catalogue.Contains(second), $"catalogue is [{string.Join(", ", host.Catalogue)}]");
        return ValueTask.CompletedTask;
    }

    [Then("the host reports {int} queue(s) in total")]
    public void Queues(int total) =>
        Check.That(host.Nics * host.QueuesPerNic == total, $"expected {total} queues, the host reports {host.Nics * host.QueuesPerNic}");

    [Then("the scenario is traced to requirement {string}")]
    public void Traced(string uid) =>
        Check.That(scenario.RequirementUids.Contains(uid), $"requirement uids are [{string.Join(", ", scenario.RequirementUids)}]");

    [Given("a NIC at {int} Gbps")]
    public void Nic(int gbps) => host.Nics = gbps;

    [Then("its 64-byte line rate is {float} Mpps")]
    public void LineRate(double mpps)
    {
        // 64-byte frames plus 20 bytes of preamble and inter-frame gap on the wire.
        double expected = host.Nics * 1e9 / ((64 + 20) * 8) / 1e6;
        Check.That(Math.Abs(expected - mpps) < 0.01, string.Create(CultureInfo.InvariantCulture, $"line rate is {expected:0.000} Mpps, not {mpps}"));
    }

    [Given("the VNF {word} is attached to a {word} NIC")]
    public void Attached(string vnf, NicModel nic) =>
        Check.That(vnf.StartsWith("vFW-", StringComparison.Ordinal) && nic.Generation >= 700, $"{vnf} on {nic}");

    [Then("a note says: {}")]
    public void Note(string note) => Check.That(note.StartsWith("firewall on the", StringComparison.Ordinal), note);

    [Given("a step that is not written yet")]
    public void NotWritten() => throw new PendingStepException("measure the NIC's queue depth");

    [Given("the traffic generator is unavailable")]
    public void NoGenerator() => throw new ScenarioSkippedException("no traffic generator on this host");

    [StepArgumentTransformation]
    public static NicModel ToNic(string name) => new(name, int.Parse(name[1..], CultureInfo.InvariantCulture));
}

[Binding]
internal sealed class FlavorSteps
{
    private readonly List<Flavor> _flavors = [];

    [StepArgumentTransformation]
    public IReadOnlyList<Flavor> ToFlavors(DataTable table) => table.CreateSet<Flavor>();

    [Given("these flavors:")]
    public void These(IReadOnlyList<Flavor> flavors) => _flavors.AddRange(flavors);

    [Given("the default flavor is:")]
    public void Default(DataTable table) => _flavors.Add(table.CreateInstance<Flavor>());

    [Then("there are {int} flavors with {int} vCPUs in total")]
    public void Total(int count, int vcpus) =>
        Check.That(_flavors.Count == count && _flavors.Sum(f => f.VCpus) == vcpus, $"{_flavors.Count} flavors, {_flavors.Sum(f => f.VCpus)} vCPUs");
}

[Binding]
internal sealed class ChainSteps(ChainContext chain, StepCounter counter)
{
    [StepArgumentTransformation("red|green|blue", Name = "color")]
    public static ChainColor ToColor(string name) => Enum.Parse<ChainColor>(name, ignoreCase: true);

    [StepArgumentTransformation(@"in (\d+) days?")]
    public static TimeSpan InDays(int days) => TimeSpan.FromDays(days);

    [Given(@"the {color} chain is scheduled {}")]
    public void Scheduled(ChainColor color, TimeSpan delay) => (chain.Color, chain.Delay) = (color, delay);

    [When("the chain is configured with:")]
    public void Configured(PickleDocString json)
    {
        Check.That(json.MediaType == "json", $"media type {json.MediaType}");
        using JsonDocument document = JsonDocument.Parse(json.Content);
        chain.Hops.AddRange(document.RootElement.GetProperty("hops").EnumerateArray().Select(h => h.GetString()!));
    }

    [Then("the chain has {int} hop(s)")]
    public void Hops(int count) => Check.That(chain.Hops.Count == count, $"the chain has {chain.Hops.Count} hops");

    [Then(@"^the hop order is ([a-z]+)/([a-z]+)$")]
    public void Order(string first, string second) =>
        Check.That(chain.Hops.SequenceEqual([first, second]) && chain.Color == ChainColor.Red && chain.Delay == TimeSpan.FromDays(2), $"hops [{string.Join(", ", chain.Hops)}], {chain.Color}, {chain.Delay}");

    [StepDefinition("every step so far ran inside step hooks")]
    public void InsideHooks() => Check.That(counter.Before == 6 && counter.After == 5, $"before-step {counter.Before}, after-step {counter.After}");
}

[Binding]
internal sealed class ExampleHooks(StepCounter counter, HostContext host)
{
    [BeforeTestRun]
    public static void BeforeRun() => ExampleLog.Add("before-test-run");

    [AfterTestRun]
    public static void AfterRun() => ExampleLog.Add("after-test-run");

    [BeforeFeature]
    public static void BeforeFeature(FeatureInfo feature) => ExampleLog.Add($"before-feature {feature.Name}");

    [AfterFeature("@example")]
    public static Task AfterFeatureAsync(FeatureInfo feature)
    {
        ExampleLog.Add($"after-feature {feature.Name}");
        return Task.CompletedTask;
    }

    // Capability gating: a scenario that needs what the lab does not publish is not applicable, not failed.
    [BeforeScenario(Order = 1)]
    public void RequireCapabilities(ScenarioInfo scenario)
    {
        foreach (string tag in scenario.Tags.Where(t => t.StartsWith("@requires:", StringComparison.Ordinal)))
        {
            string capability = tag["@requires:".Length..];
            if (!host.Lab.Capabilities.Contains(capability))
            {
                throw new ScenarioNotApplicableException($"the lab does not publish {capability}");
            }
        }
    }

    [BeforeScenario("@smoke", Order = 2)]
    public static void Smoke(ScenarioInfo scenario) => ExampleLog.Add($"smoke {scenario.Title}");

    [AfterScenario]
    public void After(ScenarioInfo scenario) => ExampleLog.Add($"after-scenario {scenario.Title}: {scenario.Status}");

    [BeforeStep]
    public void BeforeStep() => counter.Before++;

    [AfterStep]
    public void AfterStep() => counter.After++;
}
