// Licensed under the Apache License, Version 2.0.
using System.Collections.Immutable;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Emulator.Dataplane.Buffers;

namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// Immutable, fluent description of a graph: each <see cref="WithNode"/> returns a new builder. <see cref="Validate"/>
/// reports every problem at once; <see cref="Build"/> resolves next names to indices and orders nodes so that a
/// node runs after the nodes that feed it.
/// </summary>
public sealed class NodeGraphBuilder
{
    private readonly ImmutableList<GraphNode> _nodes;

    /// <summary>Creates an empty builder.</summary>
    public NodeGraphBuilder()
        : this(ImmutableList<GraphNode>.Empty)
    {
    }

    private NodeGraphBuilder(ImmutableList<GraphNode> nodes) => _nodes = nodes;

    /// <summary>Gets the nodes added so far.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Returns a builder with one more node.</summary>
    /// <param name="node">The node; its name must be unique in the graph.</param>
    /// <returns>A new builder.</returns>
    public NodeGraphBuilder WithNode(GraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new NodeGraphBuilder(_nodes.Add(node));
    }

    /// <summary>Checks names and next references.</summary>
    /// <returns>Every problem found; empty when the graph can be built.</returns>
    public IReadOnlyList<ValidationError> Validate()
    {
        List<ValidationError> errors = [];
        HashSet<string> names = new(StringComparer.Ordinal);
        foreach (GraphNode node in _nodes)
        {
            if (!names.Add(node.Name))
            {
                errors.Add(new ValidationError(true, $"Two nodes are named '{node.Name}'; give each node instance a unique name.", $"node:{node.Name}"));
            }
        }

        foreach (GraphNode node in _nodes)
        {
            for (int i = 0; i < node.NextNodes.Count; i++)
            {
                if (!names.Contains(node.NextNodes[i]))
                {
                    errors.Add(new ValidationError(
                        true,
                        $"Next node {i} '{node.NextNodes[i]}' does not exist; add a node of that name or change the next-node list.",
                        $"node:{node.Name}"));
                }
            }
        }

        return errors;
    }

    /// <summary>Builds the graph for one worker.</summary>
    /// <param name="pool">The pool its packets belong to.</param>
    /// <param name="options">Clock, timing and trace options; defaults when null.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="ConfigurationException">Validation failed; the message lists every problem.</exception>
    public NodeGraph Build(PacketPool pool, NodeGraphOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        IReadOnlyList<ValidationError> errors = Validate();
        if (errors.Count > 0)
        {
            ThrowHelper.ThrowConfiguration("The node graph is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        Dictionary<string, int> index = new(StringComparer.Ordinal);
        for (int i = 0; i < _nodes.Count; i++)
        {
            index[_nodes[i].Name] = i;
        }

        int[][] targets = new int[_nodes.Count][];
        for (int i = 0; i < _nodes.Count; i++)
        {
            targets[i] = [.. _nodes[i].NextNodes.Select(n => index[n])];
        }

        return new NodeGraph(pool, _nodes, targets, TopologicalOrder(targets), options ?? new NodeGraphOptions());
    }

    // Kahn's algorithm; nodes on a cycle keep registration order after the rest (the runtime loops until idle).
    private static int[] TopologicalOrder(int[][] targets)
    {
        int n = targets.Length;
        int[] indegree = new int[n];
        foreach (int[] t in targets)
        {
            foreach (int j in t.Distinct())
            {
                indegree[j]++;
            }
        }

        List<int> order = new(n);
        Queue<int> ready = new(Enumerable.Range(0, n).Where(i => indegree[i] == 0));
        bool[] placed = new bool[n];
        while (ready.Count > 0)
        {
            int i = ready.Dequeue();
            order.Add(i);
            placed[i] = true;
            foreach (int j in targets[i].Distinct())
            {
                if (--indegree[j] == 0)
                {
                    ready.Enqueue(j);
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (!placed[i])
            {
                order.Add(i);
            }
        }

        return [.. order];
    }
}
