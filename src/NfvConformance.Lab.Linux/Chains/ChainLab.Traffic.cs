// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux.Chains;

/// <summary>Where a traffic generator attaches to the lab: the client's and the server's end of their links to the steering namespace.</summary>
/// <param name="ClientNamespace">The client namespace (generator port 0).</param>
/// <param name="ServerNamespace">The server namespace (generator port 1).</param>
/// <param name="EndInterface">The interface of each end (the same name in both namespaces).</param>
/// <param name="ClientMac">The client end's MAC.</param>
/// <param name="ClientGatewayMac">The steering namespace's MAC on the client link: where frames from the client go.</param>
/// <param name="ServerMac">The server end's MAC.</param>
/// <param name="ServerGatewayMac">The steering namespace's MAC on the server link: where frames from the server go.</param>
/// <param name="SteeringNamespace">The steering namespace.</param>
/// <param name="SteeringClientInterface">The steering namespace's interface on the client link (the chain's ingress).</param>
/// <param name="SteeringServerInterface">The steering namespace's interface on the server link (the reverse ingress).</param>
internal sealed record ChainLabAttachment(
    string ClientNamespace,
    string ServerNamespace,
    string EndInterface,
    string ClientMac,
    string ClientGatewayMac,
    string ServerMac,
    string ServerGatewayMac,
    string SteeringNamespace,
    string SteeringClientInterface,
    string SteeringServerInterface);

/// <summary>The lab's attachment points for a traffic generator.</summary>
internal sealed partial class ChainLab
{
    /// <summary>Gets where a generator attaches, or null while no chain is applied (the client, steering and server namespaces do not exist).</summary>
    public ChainLabAttachment? TrafficAttachment => _built
        ? new ChainLabAttachment(Client, Server, If("e"), Mac(1, 0, 2), Mac(1, 0, 1), Mac(2, 0, 2), Mac(2, 0, 1), Steering, If("c"), If("s"))
        : null;
}
