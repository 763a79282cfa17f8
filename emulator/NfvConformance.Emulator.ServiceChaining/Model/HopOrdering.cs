// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ServiceChaining;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Emulator.ServiceChaining.Model;

/// <summary>
/// Orders a chain's hops from runs-before/runs-after constraints, as VPP orders a feature arc: a topological sort
/// in which the listed order only breaks ties. Constraints naming a group outside the chain do not apply to it.
/// </summary>
internal static class HopOrdering
{
    /// <summary>Orders the hops of a chain whose groups all exist.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="groups">Every group by name.</param>
    /// <param name="error">The cycle, when there is one; then the listed order is returned.</param>
    /// <returns>The group names in hop order.</returns>
    public static IReadOnlyList<string> Order(PortChain chain, IReadOnlyDictionary<string, PortPairGroup> groups, out ValidationError? error)
    {
        IReadOnlyList<string> listed = chain.PortPairGroups;
        int n = listed.Count;
        Dictionary<string, int> index = new(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            index[listed[i]] = i;
        }

        List<int>[] successors = new List<int>[n];
        int[] inDegree = new int[n];
        for (int i = 0; i < n; i++)
        {
            successors[i] = [];
        }

        for (int i = 0; i < n; i++)
        {
            PortPairGroup group = groups[listed[i]];
            foreach (string before in group.RunsBefore)
            {
                if (index.TryGetValue(before, out int j) && j != i && !successors[i].Contains(j))
                {
                    successors[i].Add(j);
                    inDegree[j]++;
                }
            }

            foreach (string after in group.RunsAfter)
            {
                if (index.TryGetValue(after, out int j) && j != i && !successors[j].Contains(i))
                {
                    successors[j].Add(i);
                    inDegree[i]++;
                }
            }
        }

        // Kahn's algorithm; the ready set is a min-heap on listed position so the result is stable.
        PriorityQueue<int, int> ready = new();
        for (int i = 0; i < n; i++)
        {
            if (inDegree[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        List<string> order = new(n);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(listed[i]);
            foreach (int j in successors[i])
            {
                if (--inDegree[j] == 0)
                {
                    ready.Enqueue(j, j);
                }
            }
        }

        if (order.Count == n)
        {
            error = null;
            return order;
        }

        IEnumerable<string> cycle = Enumerable.Range(0, n).Where(i => inDegree[i] > 0).Select(i => listed[i]);
        error = new ValidationError(
            true,
            $"runs_before/runs_after constraints form a cycle among groups {string.Join(", ", cycle)}; remove one constraint.",
            ChainSpecValidator.Subject("port_chain", chain.Name, chain.Origin));
        return listed;
    }
}
