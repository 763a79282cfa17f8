// Licensed under the Apache License, Version 2.0.
using NfvConformance.Emulator.Dataplane.Buffers;
using NfvConformance.Emulator.Dataplane.Ports;

namespace NfvConformance.Emulator.Dataplane.Graph;

/// <summary>
/// A run-to-completion worker (a DPDK lcore, a VPP worker thread): it owns one <see cref="NodeGraph"/> and polls
/// its input ports, each burst running through the graph to the output nodes before the next poll. Configure
/// with <see cref="AddInput"/> before running; one thread drives it.
/// </summary>
public sealed class DataplaneWorker
{
    private readonly PacketHandle[] _burst = new PacketHandle[Port.MaxBurst];
    private (Port Port, int Node, int PortId)[] _inputs = [];
    private long _iterations;
    private long _received;

    /// <summary>Creates a worker for a graph.</summary>
    /// <param name="graph">The graph the worker owns.</param>
    public DataplaneWorker(NodeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
    }

    /// <summary>Gets the worker's graph.</summary>
    public NodeGraph Graph { get; }

    /// <summary>Gets the number of loop iterations run.</summary>
    public long Iterations => Volatile.Read(ref _iterations);

    /// <summary>Gets the number of packets received from input ports.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Makes the worker poll a port and hand what it receives to a node.</summary>
    /// <param name="port">The port; polled only by this worker.</param>
    /// <param name="entryNode">The name of the node that receives the port's packets.</param>
    /// <param name="portId">The value written to <see cref="PacketMeta.InputPort"/> of its packets; the input's position when negative.</param>
    /// <exception cref="Abstractions.Errors.ConfigurationException">There is no node of that name.</exception>
    public void AddInput(Port port, string entryNode, int portId = -1)
    {
        ArgumentNullException.ThrowIfNull(port);
        int node = Graph.IndexOf(entryNode);
        if (node < 0)
        {
            Abstractions.Errors.ThrowHelper.ThrowConfiguration($"Input port '{port.Name}' names entry node '{entryNode}', which is not in the graph; use one of: {string.Join(", ", Graph.Nodes.Select(n => n.Name))}.");
        }

        _inputs = [.. _inputs, (port, node, portId < 0 ? _inputs.Length : portId)];
    }

    /// <summary>Polls every input once, runs the graph to completion, then polls timed nodes.</summary>
    /// <returns>The number of packets received in this iteration.</returns>
    public int RunIteration()
    {
        int received = 0;
        Span<PacketHandle> burst = _burst;
        PacketPool pool = Graph.Pool;
        foreach ((Port port, int node, int portId) in _inputs)
        {
            int n = port.ReceiveBurst(burst);
            if (n > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    pool.Meta(burst[i]).InputPort = portId;
                }

                Graph.Inject(node, burst[..n]);
                received += n;
            }
        }

        if (received > 0)
        {
            Graph.Run();
        }

        Graph.Poll();
        _received += received;
        _iterations++;
        return received;
    }

    /// <summary>Runs iterations until cancelled (the worker's thread body).</summary>
    /// <param name="cancellationToken">Stops the loop; checked once per iteration.</param>
    public void Run(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            RunIteration();
        }
    }
}
