// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Client;

/// <summary>Settings of a <see cref="TrexClient"/>.</summary>
public sealed record TrexClientOptions
{
    /// <summary>Gets the user name shown as the owner of acquired ports.</summary>
    public string User { get; init; } = "nfvc";

    /// <summary>Gets the STL API major version (5 from TRex v2.88 on).</summary>
    public int ApiMajor { get; init; } = 5;

    /// <summary>Gets the highest STL API minor version to ask for (v3.08 serves 5.1; v2.89 serves 5.0). The client negotiates down.</summary>
    public int ApiMinor { get; init; } = 1;

    /// <summary>Gets the RPC channel settings (timeout, compression).</summary>
    public TrexRpcOptions Rpc { get; init; } = new();

    /// <summary>Gets whether to subscribe to the async channel and pull events (TRex v2.88+).</summary>
    public bool AsyncEvents { get; init; } = true;
}

/// <summary>One async event (from <c>get_async_events</c>).</summary>
/// <param name="Type">The event type (0 started, 1 stopped, 2 paused, 3 resumed, 4 finished TX, 5 acquired, 6 released, ...).</param>
/// <param name="Data">The event's data.</param>
public sealed record TrexEvent(int Type, JsonObject Data)
{
    /// <summary>Gets the port the event is about, or -1.</summary>
    public int PortId => Data["port_id"] is JsonValue v && v.TryGetValue(out int p) ? p : -1;
}

/// <summary>
/// A TRex stateless (STL) client: JSON-RPC 2.0 over ZeroMQ with the <c>api_sync_v2</c> handshake, port ownership,
/// streams, traffic control, statistics and the async event channel. Thread-safe (one request at a time).
/// </summary>
public sealed class TrexClient : IDisposable
{
    private readonly Dictionary<int, string> _handlers = [];
    private readonly ConcurrentQueue<TrexEvent> _events = new();
    private readonly SemaphoreSlim _eventSignal = new(0);
    private TrexRpcClient? _rpc;
    private string _apiH = string.Empty;
    private Thread? _subscriber;
    private volatile bool _stop;

    /// <summary>Creates a client (it connects in <see cref="Connect"/>).</summary>
    /// <param name="endpoint">The server.</param>
    /// <param name="options">Settings, or null for defaults.</param>
    public TrexClient(TrexEndpoint endpoint, TrexClientOptions? options = null)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Options = options ?? new TrexClientOptions();
        SessionId = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    }

    /// <summary>Gets the server.</summary>
    public TrexEndpoint Endpoint { get; }

    /// <summary>Gets the settings.</summary>
    public TrexClientOptions Options { get; }

    /// <summary>Gets the session id sent with <c>acquire</c> (random, non-zero).</summary>
    public uint SessionId { get; }

    /// <summary>Gets the API version agreed in the handshake, as major.minor.</summary>
    public Version? ApiVersion { get; private set; }

    /// <summary>Gets the server's <c>get_version</c> reply.</summary>
    public JsonObject? ServerVersion { get; private set; }

    /// <summary>Gets the server's <c>get_system_info</c> reply.</summary>
    public JsonObject? SystemInfo { get; private set; }

    /// <summary>Gets the number of ports.</summary>
    public int PortCount => SystemInfo?["port_count"]?.GetValue<int>() ?? 0;

    /// <summary>Gets the RPC channel (after <see cref="Connect"/>).</summary>
    public TrexRpcClient Rpc => _rpc ?? throw new InvalidOperationException("call Connect first");

    /// <summary>Gets or sets an observer of every request, for recording.</summary>
    public Action<JsonObject>? OnRequest { get; set; }

    /// <summary>Connects: handshake (negotiating the minor version down), async channel, version and system information.</summary>
    /// <exception cref="TrexException">The server is gone, or no API version both sides speak.</exception>
    public void Connect()
    {
        _rpc?.Dispose();
        _rpc = new TrexRpcClient(Endpoint.RpcAddress, Options.Rpc) { OnRequest = r => OnRequest?.Invoke(r) };
        for (int minor = Options.ApiMinor; ; minor--)
        {
            try
            {
                JsonNode? r = _rpc.Call("api_sync_v2", new JsonObject { ["name"] = "STL", ["major"] = Options.ApiMajor, ["minor"] = minor });
                _apiH = r?["api_h"]?.GetValue<string>() ?? throw new TrexException(TrexErrorKind.Protocol, "api_sync_v2", 0, $"TRex at {Endpoint} answered api_sync_v2 without an api_h.");
                ApiVersion = new Version(Options.ApiMajor, minor);
                break;
            }
            catch (TrexException ex) when (ex.Kind == TrexErrorKind.ApiVersion && minor > 0 && ex.Message.Contains("too new", StringComparison.Ordinal))
            {
                // The server's minor is lower than ours: ask again one lower (v2.89 serves 5.0).
            }
        }

        if (Options.AsyncEvents)
        {
            StartSubscriber();
        }

        ServerVersion = Call("get_version") as JsonObject;
        SystemInfo = Call("get_system_info") as JsonObject;
    }

    /// <summary>Calls a method with <c>api_h</c> added (and <c>handler</c> when a port id is given and owned).</summary>
    /// <param name="method">The method.</param>
    /// <param name="parameters">Params, or null.</param>
    /// <returns>The result.</returns>
    public JsonNode? Call(string method, JsonObject? parameters = null) => Rpc.Call(method, WithApi(parameters));

    /// <summary>Pings the server.</summary>
    /// <returns>The server's time in seconds.</returns>
    public double Ping() => Rpc.Call("ping")?["ts"]?.GetValue<double>() ?? 0;

    /// <summary>Reads a port's status.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The status object.</returns>
    public JsonObject PortStatus(int port) => (JsonObject)RetryBusy(() => Call("get_port_status", new JsonObject { ["port_id"] = port, ["profile_id"] = "*", ["block"] = false }))!;

    /// <summary>Reads a port's state (IDLE, STREAMS, TX, PAUSE, ...).</summary>
    /// <param name="port">The port.</param>
    /// <returns>The state.</returns>
    public string PortState(int port) => PortStatus(port)["state"]!.GetValue<string>();

    /// <summary>Reads a port's speed in bits per second from its status (<c>attr.speed</c>, Gb/s).</summary>
    /// <param name="port">The port.</param>
    /// <returns>Bits per second.</returns>
    public double PortSpeedBitsPerSecond(int port) => (PortStatus(port)["attr"]?["speed"]?.GetValue<double>() ?? 0) * 1e9;

    /// <summary>Acquires ports.</summary>
    /// <param name="ports">The ports.</param>
    /// <param name="force">Take them from another owner.</param>
    /// <exception cref="TrexException">A port is owned by someone else (<see cref="TrexErrorKind.Ownership"/>).</exception>
    public void Acquire(IEnumerable<int> ports, bool force = false)
    {
        foreach (int port in ports)
        {
            JsonNode? h = Call("acquire", new JsonObject { ["port_id"] = port, ["user"] = Options.User, ["session_id"] = SessionId, ["force"] = force });
            _handlers[port] = h!.GetValue<string>();
        }
    }

    /// <summary>Releases ports this client owns.</summary>
    /// <param name="ports">The ports.</param>
    public void Release(IEnumerable<int> ports)
    {
        foreach (int port in ports)
        {
            Owned("release", port);
            _handlers.Remove(port);
        }
    }

    /// <summary>Gets whether this client holds a port.</summary>
    /// <param name="port">The port.</param>
    /// <returns>True when acquired.</returns>
    public bool Owns(int port) => _handlers.ContainsKey(port);

    /// <summary>Brings ports back to IDLE: acquire (force) if needed, stop traffic, remove streams and RX filters, service mode off.</summary>
    /// <param name="ports">The ports.</param>
    public void Reset(IReadOnlyList<int> ports)
    {
        Acquire(ports.Where(p => !Owns(p)).ToList(), force: true);
        foreach (int port in ports)
        {
            string state = PortState(port);
            if (state is "TX" or "PAUSE" or "PCAP_TX")
            {
                Owned("stop_traffic", port, new JsonObject { ["profile_id"] = "_" });
            }

            if (PortState(port) == "STREAMS")
            {
                RemoveRxFilters(port);
            }

            RemoveAllStreams(port);
            if (PortStatus(port)["service"]?.GetValue<bool>() == true)
            {
                SetService(port, false);
            }
        }
    }

    /// <summary>Turns service mode on or off.</summary>
    /// <param name="port">The port.</param>
    /// <param name="enabled">On or off.</param>
    public void SetService(int port, bool enabled) => Owned("service", port, new JsonObject { ["enabled"] = enabled, ["filtered"] = false });

    /// <summary>Puts a port in L2 mode with a destination MAC.</summary>
    /// <param name="port">The port.</param>
    /// <param name="dstMac">The MAC, <c>aa:bb:cc:dd:ee:ff</c>.</param>
    public void SetL2(int port, string dstMac) => Ticketed("set_l2", port, new JsonObject { ["dst_mac"] = dstMac });

    /// <summary>Puts a port in L3 mode (the server resolves the gateway's MAC).</summary>
    /// <param name="port">The port.</param>
    /// <param name="srcIp">The port's IPv4 address.</param>
    /// <param name="dstIp">The gateway's IPv4 address.</param>
    public void SetL3(int port, string srcIp, string dstIp) => Ticketed("set_l3", port, new JsonObject { ["src_addr"] = srcIp, ["dst_addr"] = dstIp });

    /// <summary>Removes every stream of a port.</summary>
    /// <param name="port">The port.</param>
    public void RemoveAllStreams(int port) => Owned("remove_all_streams", port);

    /// <summary>Adds streams to a port in one batch.</summary>
    /// <param name="port">The port.</param>
    /// <param name="streams">Stream ids and stream objects.</param>
    /// <exception cref="TrexException">A stream was rejected.</exception>
    public void AddStreams(int port, IReadOnlyList<(uint Id, JsonObject Stream)> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        Rpc.Batch([.. streams.Select(s => ("add_stream", (JsonObject?)WithOwner(port, new JsonObject { ["profile_id"] = "_", ["stream_id"] = s.Id, ["stream"] = s.Stream })))]);
    }

    /// <summary>Starts traffic on ports.</summary>
    /// <param name="ports">The ports.</param>
    /// <param name="multiplier">The <c>mul</c> object (use <see cref="Protocol.StreamCodec.Multiplier"/>).</param>
    /// <param name="duration">Seconds to run (-1: until stopped).</param>
    /// <param name="force">Skip the server's link, MAC and line-rate checks.</param>
    /// <param name="coreMask">Cores to use (null: all).</param>
    /// <param name="startAtTs">Server time (ping ts) to start at, or 0 for now.</param>
    public void StartTraffic(IReadOnlyList<int> ports, JsonObject multiplier, double duration, bool force = false, ulong? coreMask = null, double startAtTs = 0)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(multiplier);
        Rpc.Batch([.. ports.Select(p =>
        {
            JsonObject prm = new()
            {
                ["profile_id"] = "_", ["mul"] = multiplier.DeepClone(), ["duration"] = duration, ["force"] = force,
                ["core_mask"] = coreMask ?? ulong.MaxValue, ["start_at_ts"] = startAtTs,
            };
            return ("start_traffic", (JsonObject?)WithOwner(p, prm));
        })]);
    }

    /// <summary>Stops traffic.</summary>
    /// <param name="ports">The ports.</param>
    public void StopTraffic(IEnumerable<int> ports)
    {
        foreach (int p in ports)
        {
            Owned("stop_traffic", p, new JsonObject { ["profile_id"] = "_" });
        }
    }

    /// <summary>Pauses traffic.</summary>
    /// <param name="port">The port.</param>
    public void PauseTraffic(int port) => Owned("pause_traffic", port);

    /// <summary>Resumes traffic.</summary>
    /// <param name="port">The port.</param>
    public void ResumeTraffic(int port) => Owned("resume_traffic", port);

    /// <summary>Changes the rate of running traffic.</summary>
    /// <param name="port">The port.</param>
    /// <param name="multiplier">The <c>mul</c> object (op abs/add/sub).</param>
    /// <param name="force">Skip the line-rate check.</param>
    public void UpdateTraffic(int port, JsonObject multiplier, bool force = false) => Owned("update_traffic", port, new JsonObject { ["mul"] = multiplier, ["force"] = force });

    /// <summary>Removes the RX filters after traffic stopped (late packets then count as errors).</summary>
    /// <param name="port">The port.</param>
    public void RemoveRxFilters(int port) => Owned("remove_rx_filters", port, new JsonObject { ["profile_id"] = "_" });

    /// <summary>Reads a port's counters.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The stats object (opackets, ipackets, obytes, ibytes, ...).</returns>
    public JsonObject PortStats(int port) => (JsonObject)Call("get_port_stats", new JsonObject { ["port_id"] = port })!;

    /// <summary>Reads the global counters.</summary>
    /// <returns>The stats object.</returns>
    public JsonObject GlobalStats() => (JsonObject)Call("get_global_stats")!;

    /// <summary>Reads the active packet-group ids.</summary>
    /// <returns>Flow-stats ids and latency ids.</returns>
    public (IReadOnlyList<uint> FlowStats, IReadOnlyList<uint> Latency) ActivePgids()
    {
        JsonNode ids = Call("get_active_pgids")!["ids"]!;
        return (Ids(ids["flow_stats"]), Ids(ids["latency"]));
    }

    /// <summary>Reads packet-group statistics.</summary>
    /// <param name="pgids">The ids (empty: none).</param>
    /// <returns>The parsed statistics.</returns>
    public PgidStats PgidStats(IReadOnlyList<uint> pgids)
    {
        ArgumentNullException.ThrowIfNull(pgids);
        JsonArray arr = [];
        foreach (uint id in pgids)
        {
            arr.Add(id);
        }

        return Client.PgidStats.Parse((JsonObject)Call("get_pgid_stats", new JsonObject { ["pgids"] = arr })!);
    }

    /// <summary>Gets the events received so far and forgets them.</summary>
    /// <returns>The events, oldest first.</returns>
    public IReadOnlyList<TrexEvent> DrainEvents()
    {
        List<TrexEvent> list = [];
        while (_events.TryDequeue(out TrexEvent? e))
        {
            list.Add(e);
        }

        return list;
    }

    /// <summary>Waits for events, polling <c>get_async_events</c> when the async channel signals.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when an event arrived.</returns>
    public bool WaitForEvent(TimeSpan timeout, CancellationToken cancellationToken = default) => _eventSignal.Wait(timeout, cancellationToken);

    /// <summary>Pulls queued events now (what the async channel's trigger makes the client do).</summary>
    public void PollEvents()
    {
        JsonNode? r = Call("get_async_events", new JsonObject { ["session_id"] = SessionId, ["user"] = "sub" });
        if (r?["data"] is JsonArray data)
        {
            foreach (JsonNode? e in data)
            {
                if (e is JsonObject o && o["type"] is JsonValue t && t.TryGetValue(out int type))
                {
                    _events.Enqueue(new TrexEvent(type, o["data"] as JsonObject ?? []));
                    _eventSignal.Release();
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop = true;
        _subscriber?.Join(TimeSpan.FromSeconds(2));
        _rpc?.Dispose();
        _eventSignal.Dispose();
    }

    private static List<uint> Ids(JsonNode? node) => node is JsonArray a ? [.. a.Select(n => n!.GetValue<uint>())] : [];

    private JsonObject WithApi(JsonObject? parameters)
    {
        JsonObject p = parameters ?? [];
        p["api_h"] = _apiH;
        return p;
    }

    private JsonObject WithOwner(int port, JsonObject parameters)
    {
        if (!_handlers.TryGetValue(port, out string? handler))
        {
            throw new TrexException(TrexErrorKind.Ownership, "acquire", 0, $"port {port} of {Endpoint} is not acquired by this client: acquire it first.");
        }

        parameters["port_id"] = port;
        parameters["handler"] = handler;
        return WithApi(parameters);
    }

    private JsonNode? Owned(string method, int port, JsonObject? extra = null, bool retryBusy = true)
    {
        JsonObject p = WithOwner(port, extra ?? []);
        return retryBusy ? RetryBusy(() => Rpc.Call(method, (JsonObject)p.DeepClone())) : Rpc.Call(method, p);
    }

    private JsonNode? RetryBusy(Func<JsonNode?> call)
    {
        DateTime until = DateTime.UtcNow + Options.Rpc.Timeout;
        while (true)
        {
            try
            {
                return call();
            }
            catch (TrexException ex) when (ex.Code == TrexErrorCodes.TryAgain && DateTime.UtcNow < until)
            {
                Thread.Sleep(300);
            }
        }
    }

    // set_l2/set_l3 may answer "work in progress" (-32002) with a ticket; poll get_async_results until it is done.
    private void Ticketed(string method, int port, JsonObject extra)
    {
        try
        {
            Owned(method, port, extra, retryBusy: false);
        }
        catch (TrexException ex) when (ex.Code == TrexErrorCodes.Wip)
        {
            DateTime until = DateTime.UtcNow + (Options.Rpc.Timeout * 3);
            while (true)
            {
                try
                {
                    Call("get_async_results", new JsonObject { ["ticket_id"] = ulong.Parse(ex.Detail, CultureInfo.InvariantCulture) });
                    return;
                }
                catch (TrexException again) when (again.Code == TrexErrorCodes.Wip && DateTime.UtcNow < until)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    private void StartSubscriber()
    {
        _subscriber = new Thread(() =>
        {
            using SubscriberSocket sub = new();
            sub.Options.Linger = TimeSpan.Zero;
            sub.Connect(Endpoint.AsyncAddress);
            sub.SubscribeToAnyTopic();
            while (!_stop)
            {
                if (sub.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out byte[]? _))
                {
                    try
                    {
                        PollEvents();
                    }
                    catch (TrexException)
                    {
                        // The RPC channel reports its own failures to the caller; the trigger is only a hint.
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
            }
        })
        { IsBackground = true, Name = "trex-async " + Endpoint.ToString() };
        _subscriber.Start();
    }
}
