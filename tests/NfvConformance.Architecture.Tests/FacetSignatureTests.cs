// Licensed under the Apache License, Version 2.0.
using System.Reflection;
using NfvConformance.Abstractions.Targets;

namespace NfvConformance.Architecture.Tests;

/// <summary>
/// Issue 13 part 6: a facet call that waits for the target is asynchronous and cancellable. Checked on every public
/// interface of the Abstractions assembly: an awaitable member ends in <c>Async</c> and takes
/// <c>CancellationToken cancellationToken = default</c> last, and a member that takes a token is awaitable.
/// </summary>
public sealed class FacetSignatureTests
{
    [Test]
    public void EveryAwaitableFacetMember_IsNamedAsyncAndTakesAnOptionalTokenLast()
    {
        Assert.That(Violations(typeof(ILabTarget).Assembly.GetExportedTypes()), Is.Empty);
    }

    [Test]
    public void TheRule_CatchesAMemberWithoutTokenAndASynchronousMemberWithOne()
    {
        Assert.That(Violations([typeof(IBrokenFacet)]), Has.Count.EqualTo(3));
    }

    private static List<string> Violations(IEnumerable<Type> types)
    {
        List<string> problems = [];
        foreach (Type t in types.Where(t => t.IsInterface))
        {
            foreach (MethodInfo m in t.GetMethods().Where(m => !m.IsSpecialName))
            {
                ParameterInfo[] p = m.GetParameters();
                bool takesToken = p.Any(x => x.ParameterType == typeof(CancellationToken));
                if (IsAwaitable(m.ReturnType))
                {
                    if (!m.Name.EndsWith("Async", StringComparison.Ordinal))
                    {
                        problems.Add($"{t.Name}.{m.Name}: an awaitable member ends in Async");
                    }

                    if (p.Length == 0 || p[^1].ParameterType != typeof(CancellationToken) || p[^1].Name != "cancellationToken" || !p[^1].IsOptional)
                    {
                        problems.Add($"{t.Name}.{m.Name}: takes 'CancellationToken cancellationToken = default' last");
                    }
                }
                else if (takesToken)
                {
                    problems.Add($"{t.Name}.{m.Name}: takes a token but returns {m.ReturnType.Name}, which cannot be awaited");
                }
            }
        }

        return problems;
    }

    private static bool IsAwaitable(Type type) =>
        type == typeof(Task) || type == typeof(ValueTask) ||
        (type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(Task<>) || g == typeof(ValueTask<>) || g == typeof(IAsyncEnumerable<>)));

    // Three violations: no Async suffix, no token, and a token on a synchronous member.
#pragma warning disable CA1068 // the break under test puts the token first on purpose
    private interface IBrokenFacet
    {
        ValueTask<int> Place(int request, CancellationToken cancellationToken = default);

        ValueTask<int> ReleaseAsync(int id);

        int Negotiate(CancellationToken cancellationToken, int request);
    }
#pragma warning restore CA1068
}
