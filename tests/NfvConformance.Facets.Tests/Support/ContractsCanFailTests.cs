// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Facets.Tests.Support;

/// <summary>
/// The contracts themselves under test: each contract test fails against a facet broken the way the test checks (run on
/// the emulator where it offers the facet, else on the real target that does), every test of every contract is caught
/// breaking something, and every facet a target offers has a contract subclass for that target.
/// </summary>
[TestFixture]
public sealed class ContractsCanFailTests
{
    private static readonly Type[] s_contractSubclasses =
        [.. typeof(ContractsCanFailTests).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IFacetContract).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    /// <summary>
    /// Gets one case per break of every contract, run on its emulator subclass, or (for a facet only real targets offer)
    /// on its first subclass, which needs that target's host.
    /// </summary>
    public static IEnumerable<TestCaseData> EveryBreak()
    {
        foreach (IGrouping<string, Type> subclasses in s_contractSubclasses.GroupBy(ContractOf))
        {
            Type type = subclasses.FirstOrDefault(t => ((IFacetContract)Activator.CreateInstance(t)!).TargetName == "emulator") ?? subclasses.First();
            IFacetContract contract = (IFacetContract)Activator.CreateInstance(type)!;
            for (int i = 0; i < contract.Breaks.Count; i++)
            {
                IFacetBreak b = contract.Breaks[i];
                yield return new TestCaseData(type, i).SetArgDisplayNames(contract.TargetName, contract.Facet.Name, b.CaughtBy, b.Defect);
            }
        }
    }

    [TestCaseSource(nameof(EveryBreak))]
    public async Task ContractTest_AgainstTheBrokenFacet_Fails(Type contractType, int breakIndex)
    {
        IFacetContract contract = (IFacetContract)Activator.CreateInstance(contractType)!;
        IFacetBreak broken = contract.Breaks[breakIndex];
        MethodInfo? test = contractType.GetMethod(broken.CaughtBy, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        Assert.That(test?.GetCustomAttribute<TestAttribute>(), Is.Not.Null, $"{broken.CaughtBy} is a parameterless [Test] of {contractType.Name}");
        contract.Target.RequireHost();
        contract.Break(broken);

        Exception? failure = Assert.CatchAsync(async () => await ((Task)test!.Invoke(contract, null)!).ConfigureAwait(false), $"{contractType.Name}.{broken.CaughtBy} passed against a facet broken this way: {broken.Defect}");

        Assert.That(failure, Is.Not.InstanceOf<IgnoreException>().And.Not.InstanceOf<InconclusiveException>().And.Not.InstanceOf<SuccessException>(), $"the test must fail, not skip: {failure?.Message}");
    }

    [Test]
    public void EveryContractTest_IsShownToCatchABreak()
    {
        List<string> uncaught = [];
        foreach (Type type in s_contractSubclasses)
        {
            IFacetContract contract = (IFacetContract)Activator.CreateInstance(type)!;
            HashSet<string> caught = [.. contract.Breaks.Select(b => b.CaughtBy)];
            uncaught.AddRange(type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<TestAttribute>() is not null || m.GetCustomAttributes<TestCaseAttribute>().Any())
                .Where(m => !caught.Contains(m.Name))
                .Select(m => $"{type.BaseType!.Name}.{m.Name}"));
        }

        Assert.That(uncaught.Distinct(), Is.Empty, "contract tests no break shows failing (add a FacetBreak to the contract's Breaks)");
    }

    [Test]
    public Task EveryFacetTheEmulatorOffers_HasAContractSubclassForIt() => AssertEveryOfferedFacetHasAContract("emulator", p => new OnEmulator().StartAsync(p));

    /// <summary>The linux target as <c>nfvc</c> registers it: its own facets and the workloads extension's (lifecycle, CNF best practices).</summary>
    [Test]
    public Task EveryFacetTheLinuxTargetOffers_HasAContractSubclassForIt() => AssertEveryOfferedFacetHasAContract("linux", p => new OnLinuxWithWorkloads().StartAsRegisteredAsync(p));

    private static async Task AssertEveryOfferedFacetHasAContract(string targetName, Func<string, ValueTask<ILabTarget>> start)
    {
        HashSet<Type> covered = [.. s_contractSubclasses.Select(t => (IFacetContract)Activator.CreateInstance(t)!).Where(c => c.TargetName == targetName).Select(c => c.Facet)];
        MethodInfo getFeature = typeof(ILabTarget).GetMethod(nameof(ILabTarget.GetFeature))!;
        List<string> offered = [];
        foreach (string profile in Profiles.All)
        {
            await using ILabTarget started = await start(profile);
            offered.AddRange(FacetInterfaces().Where(f => getFeature.MakeGenericMethod(f).Invoke(started, null) is not null).Select(f => f.Name));
        }

        TestContext.Out.WriteLine($"the {targetName} target offers: {string.Join(", ", offered.Distinct().Order(StringComparer.Ordinal))}");
        Assert.That(offered, Is.Not.Empty, $"the {targetName} target offers facets");
        Assert.That(offered.Distinct().Where(f => !covered.Any(c => c.Name == f)).Order(StringComparer.Ordinal), Is.Empty, $"facets the {targetName} target offers without a contract subclass for it");
    }

    // Every public interface of the Abstractions assembly but the target contract itself.
    private static IEnumerable<Type> FacetInterfaces() =>
        typeof(ILabTarget).Assembly.GetExportedTypes().Where(t => t.IsInterface && !t.IsGenericTypeDefinition && t != typeof(ILabTarget) && t != typeof(ILabTargetFactory));

    private static string ContractOf(Type subclass) => subclass.BaseType!.IsGenericType ? subclass.BaseType.GetGenericTypeDefinition().FullName! : subclass.BaseType.FullName!;
}
