// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NfvConformance.Trex.Rpc;

/// <summary>Settings of the RPC channel.</summary>
public sealed record TrexRpcOptions
{
    /// <summary>Gets how long one request may wait for its reply (TRex's Python client: 3 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets whether requests are sent zlib-framed (TRex's Python client compresses every request).</summary>
    public bool Compress { get; init; }

    /// <summary>Gets the largest batch sent in one message, in bytes of JSON (the server's limit is 999,999).</summary>
    public int MaxBatchBytes { get; init; } = 500_000;
}

/// <summary>
/// JSON-RPC 2.0 over a ZeroMQ REQ socket (ZMTP 3.0, <see cref="ZmtpConnection"/>), one request at a time, as TRex
/// serves it. Every call has a timeout; after a lost reply the connection is closed and a new one made (a REQ socket
/// that missed a reply is stuck).
/// </summary>
public sealed class TrexRpcClient : IDisposable
{
    private static readonly byte[][] s_reqEnvelope = [[]];
    private readonly Lock _lock = new();
    private readonly string _address;
    private readonly IPEndPoint _endpoint;
    private ZmtpConnection? _connection;
    private long _nextId;
    private bool _disposed;

    /// <summary>Connects (lazily, as ZeroMQ does) to a server.</summary>
    /// <param name="address">The ZeroMQ address, <c>tcp://HOST:PORT</c>.</param>
    /// <param name="options">Settings, or null for defaults.</param>
    public TrexRpcClient(string address, TrexRpcOptions? options = null)
    {
        _address = address ?? throw new ArgumentNullException(nameof(address));
        Options = options ?? new TrexRpcOptions();
        try
        {
            _endpoint = ZmtpConnection.ParseTcp(address, forBind: false);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Net.Sockets.SocketException)
        {
            throw new TrexException(TrexErrorKind.Protocol, "connect", 0, $"cannot use TRex address '{address}': {ex.Message} Give tcp://HOST:PORT (trex://HOST:PORT on the command line).", ex);
        }
    }

    /// <summary>Gets the settings.</summary>
    public TrexRpcOptions Options { get; }

    /// <summary>Gets the address.</summary>
    public string Address => _address;

    /// <summary>Gets how many times the socket was recycled after a lost reply.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Gets or sets an observer of every request sent (method, params), for recording.</summary>
    public Action<JsonObject>? OnRequest { get; set; }

    /// <summary>Calls one method.</summary>
    /// <param name="method">The method.</param>
    /// <param name="parameters">Its params, or null.</param>
    /// <returns>The result.</returns>
    /// <exception cref="TrexException">No reply within the timeout, or an error reply.</exception>
    public JsonNode? Call(string method, JsonObject? parameters = null)
    {
        JsonObject request = Request(method, parameters);
        JsonNode reply = Exchange(method, Encoding.UTF8.GetBytes(request.ToJsonString()));
        if (reply is JsonArray arr && arr.Count == 1)
        {
            reply = arr[0]!;
        }

        return Unwrap(method, request["id"]!.GetValue<long>(), reply);
    }

    /// <summary>Calls many methods in batches (one message per batch), in order.</summary>
    /// <param name="calls">The methods and params.</param>
    /// <returns>The results, in order.</returns>
    /// <exception cref="TrexException">A batch got no reply, or the first error reply in order.</exception>
    public IReadOnlyList<JsonNode?> Batch(IReadOnlyList<(string Method, JsonObject? Params)> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        List<JsonNode?> results = new(calls.Count);
        int i = 0;
        while (i < calls.Count)
        {
            JsonArray batch = [];
            List<(string Method, long Id)> ids = [];
            int bytes = 2;
            while (i < calls.Count)
            {
                JsonObject r = Request(calls[i].Method, calls[i].Params);
                int size = Encoding.UTF8.GetByteCount(r.ToJsonString());
                if (batch.Count > 0 && bytes + size > Options.MaxBatchBytes)
                {
                    break;
                }

                batch.Add(r);
                ids.Add((calls[i].Method, r["id"]!.GetValue<long>()));
                bytes += size + 1;
                i++;
            }

            string first = ids[0].Method;
            JsonNode reply = Exchange(first, Encoding.UTF8.GetBytes(batch.ToJsonString()));
            JsonArray replies = reply as JsonArray ?? [reply.DeepClone()];
            if (replies.Count != ids.Count)
            {
                throw new TrexException(TrexErrorKind.Protocol, first, 0, $"TRex at {_address} answered a batch of {ids.Count} requests with {replies.Count} replies; is it a TRex STL server?");
            }

            for (int k = 0; k < ids.Count; k++)
            {
                results.Add(Unwrap(ids[k].Method, ids[k].Id, replies[k]!));
            }
        }

        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                _connection?.Dispose();
            }
        }
    }

    private JsonObject Request(string method, JsonObject? parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        JsonObject request = new()
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = parameters ?? new JsonObject(),
        };
        OnRequest?.Invoke(request);
        return request;
    }

    private JsonNode Exchange(string method, byte[] plain)
    {
        if (plain.Length > ZipFrame.MaxMessage)
        {
            throw new TrexException(TrexErrorKind.Protocol, method, 0, $"request '{method}' is {plain.Length} bytes, over TRex's limit of {ZipFrame.MaxMessage}; send fewer streams per batch.");
        }

        byte[] payload = Options.Compress ? ZipFrame.Compress(plain) : plain;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long deadline = Stopwatch.GetTimestamp() + (long)(Options.Timeout.TotalSeconds * Stopwatch.Frequency);
            byte[] reply;
            try
            {
                if (_connection is { PeerClosed: true })
                {
                    // The server went away between calls (a restart): connect again, as a ZeroMQ socket would.
                    _connection.Dispose();
                    _connection = null;
                }

                _connection ??= ZmtpConnection.Connect(_endpoint, "REQ", deadline);
                _connection.Send(s_reqEnvelope, payload);
                reply = _connection.Receive(deadline, out _);
            }
            catch (ZmtpException ex)
            {
                Recycle();
                string why = ex.TimedOut ? string.Create(CultureInfo.InvariantCulture, $"within {Options.Timeout.TotalSeconds:0.###} s") : $"({ex.Message})";
                throw new TrexException(TrexErrorKind.NoReply, method, 0,
                    $"TRex at {_address} did not answer '{method}' {why}: check that the server is running and reachable (t-rex-64 -i, RPC port), then run again.", ex);
            }

            try
            {
                byte[] text = ZipFrame.IsCompressed(reply) ? ZipFrame.Decompress(reply) : reply;
                return JsonNode.Parse(text) ?? throw new JsonException("null reply");
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException)
            {
                throw new TrexException(TrexErrorKind.Protocol, method, 0, $"TRex at {_address} answered '{method}' with something that is not JSON-RPC ({ex.Message}); is that port a TRex RPC port?", ex);
            }
        }
    }

    private JsonNode? Unwrap(string method, long id, JsonNode reply)
    {
        if (reply is not JsonObject obj)
        {
            throw new TrexException(TrexErrorKind.Protocol, method, 0, $"TRex at {_address} answered '{method}' with a non-object reply.");
        }

        if (obj["error"] is JsonObject error)
        {
            int code = error["code"] is JsonValue c && c.TryGetValue(out int ci) ? ci : 0;
            string message = error["message"]?.ToString() ?? string.Empty;
            string specific = error["specific_err"]?.ToString() ?? string.Empty;
            throw TrexErrors.FromReply(_address, method, code, message, specific);
        }

        if (obj["id"] is not JsonValue rid || !(rid.TryGetValue(out long got) ? got == id : rid.ToString() == id.ToString(CultureInfo.InvariantCulture)))
        {
            throw new TrexException(TrexErrorKind.Protocol, method, 0, $"TRex at {_address} answered '{method}' with id {obj["id"]?.ToJsonString() ?? "null"}, expected {id}.");
        }

        return obj["result"];
    }

    private void Recycle()
    {
        if (_connection is not null)
        {
            _connection.Dispose();
            _connection = null;
            Reconnects++;
        }
    }
}

/// <summary>Turns TRex's error replies into messages that say what to do.</summary>
internal static class TrexErrors
{
    public static TrexException FromReply(string address, string method, int code, string message, string specific)
    {
        string detail = specific.Length > 0 ? specific : message;
        string oneLine = detail.Replace('\n', ' ');
        (TrexErrorKind kind, string hint) = Classify(method, code, detail);
        string text = string.Create(CultureInfo.InvariantCulture, $"TRex at {address} refused '{method}' ({code} {message}): {oneLine}. {hint}");
        return new TrexException(kind, method, code, text.TrimEnd(), null, detail);
    }

    private static (TrexErrorKind, string) Classify(string method, int code, string detail)
    {
        if (detail.Contains("version", StringComparison.OrdinalIgnoreCase) && method is "api_sync_v2" or "api_sync")
        {
            return (TrexErrorKind.ApiVersion, "The server's STL API cannot serve this client: use a TRex server from v2.88 on (STL API 5.x).");
        }

        if (detail.Contains("RPC configuration mismatch", StringComparison.Ordinal))
        {
            return (TrexErrorKind.ApiVersion, "The server runs another mode (ASTF?): start it in stateless mode (t-rex-64 -i without --astf).");
        }

        if (detail.Contains("API verification failed", StringComparison.Ordinal))
        {
            return (TrexErrorKind.ApiVersion, "The server restarted since the handshake: connect again.");
        }

        if (detail.Contains("RX stats is not supported", StringComparison.Ordinal))
        {
            return (TrexErrorKind.RxStatsUnsupported, "This port cannot count per-stream statistics or latency: use a port whose rx caps include flow_stats/latency, or run without latency streams.");
        }

        if (detail.Contains("already taken by", StringComparison.Ordinal) || detail.Contains("owned by another", StringComparison.Ordinal)
            || detail.Contains("not owned by you", StringComparison.Ordinal) || detail.Contains("acquire the port", StringComparison.Ordinal))
        {
            return (TrexErrorKind.Ownership, "Another user holds the port: release it there, or acquire with force to take it over.");
        }

        if (detail.Contains("cannot be executed on current state", StringComparison.Ordinal))
        {
            return (TrexErrorKind.State, "The port is in the wrong state for this command: stop traffic or add streams first.");
        }

        if (method is "add_stream" or "remove_stream")
        {
            return (TrexErrorKind.StreamRejected, "The stream was rejected: fix the field named above.");
        }

        return (TrexErrorKind.Server, code == TrexErrorCodes.MethodNotFound ? "The server does not know this method: is it a TRex STL server of v2.88 or later?" : string.Empty);
    }
}
