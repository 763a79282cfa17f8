// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Trex.Rpc;

/// <summary>A TRex server address: <c>trex://HOST:PORT</c> (the RPC port; the async port is RPC-1 unless given).</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="RpcPort">The JSON-RPC (REQ/REP) port, 4501 by default.</param>
/// <param name="AsyncPort">The async (PUB) port, 4500 by default.</param>
public sealed record TrexEndpoint(string Host, int RpcPort, int AsyncPort)
{
    /// <summary>TRex's default RPC port.</summary>
    public const int DefaultRpcPort = 4501;

    /// <summary>TRex's default async port.</summary>
    public const int DefaultAsyncPort = 4500;

    /// <summary>Gets the ZeroMQ address of the RPC socket.</summary>
    public string RpcAddress => $"tcp://{Bracket(Host)}:{RpcPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Gets the ZeroMQ address of the async socket.</summary>
    public string AsyncAddress => $"tcp://{Bracket(Host)}:{AsyncPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>trex://HOST[:PORT][?async=PORT]</c> or <c>HOST:PORT</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="subject">Where it came from, for the message (for example <c>--generator</c>).</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ConfigurationException">The text is not an address.</exception>
    public static TrexEndpoint Parse(string text, string subject)
    {
        ArgumentNullException.ThrowIfNull(text);
        string body = text.StartsWith("trex://", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
        int? asyncPort = null;
        int q = body.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            string query = body[(q + 1)..];
            body = body[..q];
            if (!query.StartsWith("async=", StringComparison.Ordinal) || !TryPort(query[6..], out int a))
            {
                throw Bad(text, subject);
            }

            asyncPort = a;
        }

        body = body.TrimEnd('/');
        string host = body;
        int port = DefaultRpcPort;
        int colon = body.LastIndexOf(':');
        if (body.StartsWith('[') && body.Contains(']', StringComparison.Ordinal))
        {
            int end = body.IndexOf(']', StringComparison.Ordinal);
            host = body[1..end];
            if (end + 1 < body.Length && (body[end + 1] != ':' || !TryPort(body[(end + 2)..], out port)))
            {
                throw Bad(text, subject);
            }
        }
        else if (colon >= 0)
        {
            host = body[..colon];
            if (!TryPort(body[(colon + 1)..], out port))
            {
                throw Bad(text, subject);
            }
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal))
        {
            throw Bad(text, subject);
        }

        return new TrexEndpoint(host, port, asyncPort ?? (port == DefaultRpcPort ? DefaultAsyncPort : port - 1));
    }

    /// <inheritdoc />
    public override string ToString() => $"trex://{Bracket(Host)}:{RpcPort.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;

    private static string Bracket(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private static ConfigurationException Bad(string text, string subject) =>
        new($"{subject} '{text}' is not a TRex address; write trex://HOST:PORT (the RPC port, 4501 by default; the async port is PORT-1, or add ?async=PORT).");
}
