// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;

namespace NfvConformance.Trex.Rpc;

/// <summary>What went wrong talking to a TRex server.</summary>
public enum TrexErrorKind
{
    /// <summary>The server did not answer within the timeout (gone, wrong address, or hung).</summary>
    NoReply,

    /// <summary>The server's STL API version cannot serve this client.</summary>
    ApiVersion,

    /// <summary>The port is owned by another user or session.</summary>
    Ownership,

    /// <summary>A stream was rejected (bad field, or the port cannot count it).</summary>
    StreamRejected,

    /// <summary>The port cannot give flow statistics or latency ("RX stats is not supported on this interface").</summary>
    RxStatsUnsupported,

    /// <summary>The command is not valid in the port's state.</summary>
    State,

    /// <summary>Any other error reply.</summary>
    Server,

    /// <summary>The reply was not JSON-RPC 2.0.</summary>
    Protocol,
}

/// <summary>A TRex request failed; the message names the server, the method and what to do.</summary>
public sealed class TrexException : NfvConformanceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="method">The JSON-RPC method.</param>
    /// <param name="code">The JSON-RPC error code (0 when there was no error reply).</param>
    /// <param name="message">The whole message.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="detail">The server's <c>specific_err</c>, if any.</param>
    public TrexException(TrexErrorKind kind, string method, int code, string message, Exception? innerException = null, string detail = "")
        : base(message, Severity.Configuration, innerException)
    {
        Detail = detail;
        Kind = kind;
        Method = method;
        Code = code;
    }

    /// <summary>Gets the kind of failure.</summary>
    public TrexErrorKind Kind { get; }

    /// <summary>Gets the method that failed.</summary>
    public string Method { get; }

    /// <summary>Gets the server's own words (<c>specific_err</c>), or empty.</summary>
    public string Detail { get; }

    /// <summary>Gets the JSON-RPC error code, or 0.</summary>
    public int Code { get; }
}

/// <summary>JSON-RPC 2.0 error codes as TRex uses them (src/rpc-server/trex_rpc_jsonrpc_v2_parser.cpp).</summary>
public static class TrexErrorCodes
{
    /// <summary>Bad JSON.</summary>
    public const int Parse = -32700;

    /// <summary>Not a valid request object.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No such method.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>A parameter is missing or has the wrong type.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Internal error.</summary>
    public const int Internal = -32603;

    /// <summary>The method ran and failed.</summary>
    public const int Execute = -32000;

    /// <summary>Try again later.</summary>
    public const int TryAgain = -32001;

    /// <summary>Work in progress: poll <c>get_async_results</c> with the ticket in <c>specific_err</c>.</summary>
    public const int Wip = -32002;
}
