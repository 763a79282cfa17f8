// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Traffic;
using NfvConformance.Trex.Rpc;

namespace NfvConformance.Trex.Server;

/// <summary>Settings of the TRex protocol server.</summary>
public sealed record TrexServerOptions
{
    /// <summary>Gets the RPC (REP) address; loopback by default. Port 0 binds a free port.</summary>
    public string RpcAddress { get; init; } = "tcp://127.0.0.1:4501";

    /// <summary>Gets the async (PUB) address; loopback by default. Port 0 binds a free port.</summary>
    public string AsyncAddress { get; init; } = "tcp://127.0.0.1:4500";

    /// <summary>Gets whether a run with a duration takes that long in wall-clock time, as on a real server (false: it finishes at once, in the generator's virtual time).</summary>
    public bool RealTime { get; init; } = true;

    /// <summary>Gets whether the ports can count per-stream statistics and latency (rx caps); false makes add_stream with flow_stats fail as on such a port.</summary>
    public bool RxStats { get; init; } = true;

    /// <summary>Gets the STL API minor version served (v3.08: 1; v2.89: 0).</summary>
    public int ApiMinor { get; init; } = 1;

    /// <summary>Gets an observer of every request received (the JSON of each single request), for recording.</summary>
    public Action<JsonObject>? OnRequest { get; init; }
}

/// <summary>
/// Serves TRex's stateless control protocol (JSON-RPC 2.0 over ZeroMQ REP, async trigger over PUB) over any virtual-time
/// <see cref="ITrafficGeneration"/>: the real server's port state machine (IDLE, STREAMS, TX, PAUSE), ownership
/// (api_h, acquire/handler, force), parameter checks and error replies. Ports started together form one trial of
/// the generator; their counters post when the run ends (duration or stop). Port pairs 0-1, 2-3 face each other.
/// </summary>
public sealed partial class TrexServer : IDisposable
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private readonly ITrafficGeneration _generator;
    private readonly TrexServerOptions _options;
    private readonly Port[] _ports;
    private readonly Dictionary<uint, PgCounters> _pgs = [];
    private readonly Dictionary<uint, Queue<JsonObject>> _sessions = [];
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly string _apiH = RandomString(8);
    private readonly ManualResetEventSlim _ready = new();
    private readonly object _stateLock = new();
    private readonly Lock _handleLock = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly List<(Thread Thread, ZmtpConnection? Connection)> _connections = [];
    private Socket? _listener;
    private Thread? _thread;
    private Thread? _acceptor;
    private volatile bool _stop;
    private Exception? _startError;
    private int _eventSeq;
    private bool _publish;
    private TrialGroup? _open;

    /// <summary>Creates the server (it binds in <see cref="Start"/>).</summary>
    /// <param name="generator">The generator behind the ports; it must run in virtual time.</param>
    /// <param name="options">Settings, or null for defaults.</param>
    /// <exception cref="ConfigurationException">The generator runs in real time.</exception>
    public TrexServer(ITrafficGeneration generator, TrexServerOptions? options = null)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _options = options ?? new TrexServerOptions();
        if (!generator.Info.VirtualTime)
        {
            ThrowHelper.ThrowConfiguration($"generator '{generator.Name}' runs in real time; the TRex server computes each run when it ends and needs a virtual-time generator (the emulator's default traffic, or --dut FILE).");
        }

        _ports = [.. Enumerable.Range(0, generator.Info.PortCount).Select(i => new Port(i))];
    }

    /// <summary>Gets the bound RPC address (with the real port when 0 was asked).</summary>
    public string RpcAddress { get; private set; } = string.Empty;

    /// <summary>Gets the bound async address.</summary>
    public string AsyncAddress { get; private set; } = string.Empty;

    /// <summary>Gets the number of requests served.</summary>
    public long Requests { get; private set; }

    /// <summary>Binds and starts serving on a thread of its own.</summary>
    /// <exception cref="ConfigurationException">An address cannot be bound.</exception>
    public void Start()
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = "trex-server" };
        _thread.Start();
        _ready.Wait();
        if (_startError is not null)
        {
            throw new ConfigurationException($"TRex server: cannot bind {_options.RpcAddress} / {_options.AsyncAddress} ({_startError.Message}); choose free addresses with --trex HOST:PORT and --trex-async HOST:PORT.", _startError);
        }
    }

    /// <summary>Stops serving and closes the sockets.</summary>
    public void Stop()
    {
        _stop = true;
        _wake.Set();
        _listener?.Dispose();
        _acceptor?.Join(TimeSpan.FromSeconds(5));
        (Thread Thread, ZmtpConnection? Connection)[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        foreach ((Thread t, ZmtpConnection? c) in open)
        {
            c?.Dispose();
            t.Join(TimeSpan.FromSeconds(5));
        }

        _thread?.Join(TimeSpan.FromSeconds(5));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _ready.Dispose();
        _wake.Dispose();
    }

    private static string RandomString(int n) => string.Create(n, 0, (span, _) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = Letters[RandomNumberGenerator.GetInt32(Letters.Length)];
        }
    });

    private static string Bound(string requested, int port)
    {
        int colon = requested.LastIndexOf(':');
        return requested[..(colon + 1)] + port.ToString(CultureInfo.InvariantCulture);
    }

    private static int BindTo(NetMQSocket socket, string address)
    {
        if (address.EndsWith(":0", StringComparison.Ordinal))
        {
            return socket.BindRandomPort(address[..^2]);
        }

        socket.Bind(address);
        return int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    // The REP side is ZMTP on plain sockets (ZmtpConnection), a thread per connected client, one request handled at a
    // time as a REP socket does; the PUB side stays NetMQ. Measured: NetMQ's REP cost 1.6x libzmq's round trip here.
    private void Serve()
    {
        PublisherSocket pub;
        try
        {
            IPEndPoint at = ZmtpConnection.ParseTcp(_options.RpcAddress, forBind: true);
            _listener = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(at);
            _listener.Listen(64);
            RpcAddress = Bound(_options.RpcAddress, ((IPEndPoint)_listener.LocalEndPoint!).Port);
            pub = new PublisherSocket();
            pub.Options.Linger = TimeSpan.Zero;
            AsyncAddress = Bound(_options.AsyncAddress, BindTo(pub, _options.AsyncAddress));
        }
        catch (Exception ex) when (ex is NetMQException or SocketException or ArgumentException)
        {
            _listener?.Dispose();
            _startError = ex;
            _ready.Set();
            return;
        }

        _acceptor = new Thread(Accept) { IsBackground = true, Name = "trex-server-accept" };
        _acceptor.Start();
        _ready.Set();
        using (pub)
        {
            while (!_stop)
            {
                _wake.WaitOne(TimeSpan.FromMilliseconds(5));
                lock (_stateLock)
                {
                    Tick();
                }

                if (_publish)
                {
                    _publish = false;
                    pub.SendFrame("{}");
                }
            }
        }
    }

    private void Accept()
    {
        while (!_stop)
        {
            Socket peer;
            try
            {
                peer = _listener!.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            Thread t = new(() => ServeConnection(peer)) { IsBackground = true, Name = "trex-server-rep" };
            lock (_connections)
            {
                _connections.RemoveAll(c => !c.Thread.IsAlive && c.Thread.ThreadState != System.Threading.ThreadState.Unstarted);
                _connections.Add((t, null));
            }

            t.Start();
        }
    }

    private void ServeConnection(Socket peer)
    {
        ZmtpConnection connection;
        try
        {
            connection = ZmtpConnection.Accept(peer, "REP", TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is ZmtpException or SocketException or ObjectDisposedException)
        {
            peer.Dispose();
            return;
        }

        lock (_connections)
        {
            int i = _connections.FindIndex(c => c.Thread == Thread.CurrentThread);
            if (i >= 0)
            {
                _connections[i] = (Thread.CurrentThread, connection);
            }
        }

        using (connection)
        {
            while (!_stop)
            {
                try
                {
                    byte[] message = connection.Receive(0, out List<byte[]> envelope);
                    byte[] reply;
                    lock (_handleLock)
                    {
                        reply = Handle(message);
                        lock (_stateLock)
                        {
                            Tick();
                        }
                    }

                    connection.Send(envelope, reply);
                    if (_publish)
                    {
                        _wake.Set();
                    }
                }
                catch (Exception ex) when (ex is ZmtpException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Answers one message: plain or zlib-framed JSON, one request or a batch.</summary>
    private byte[] Handle(byte[] message)
    {
        bool compressed = ZipFrame.IsCompressed(message);
        JsonNode reply;
        try
        {
            byte[] text = compressed ? ZipFrame.Decompress(message) : message;
            if (text.Length > ZipFrame.MaxMessage)
            {
                reply = Error(null, TrexErrorCodes.InvalidRequest, "Request is too large", null);
            }
            else
            {
                JsonNode? request = null;
                try
                {
                    request = JsonNode.Parse(text);
                }
                catch (System.Text.Json.JsonException)
                {
                }

                if (request is null)
                {
                    reply = Error(null, TrexErrorCodes.Parse, "Bad JSON Format", null);
                }
                else if (request is JsonArray batch)
                {
                    JsonArray replies = [];
                    foreach (JsonNode? r in batch)
                    {
                        replies.Add(One(r));
                    }

                    reply = replies.Count == 1 ? replies[0]!.DeepClone() : replies;
                }
                else
                {
                    reply = One(request);
                }
            }
        }
        catch (InvalidDataException)
        {
            reply = Error(null, TrexErrorCodes.Parse, "Bad JSON Format", "bad compressed message");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(reply.ToJsonString());
        return compressed ? ZipFrame.Compress(bytes) : bytes;
    }

    private static JsonObject Error(JsonNode? id, int code, string message, string? specific)
    {
        JsonObject error = new() { ["code"] = code, ["message"] = message };
        if (specific is not null)
        {
            error["specific_err"] = specific;
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = error };
    }

    private JsonObject One(JsonNode? node)
    {
        Requests++;
        if (node is not JsonObject request || request["id"] is null)
        {
            return Error(null, TrexErrorCodes.InvalidRequest, "Missing 'id' field", null);
        }

        _options.OnRequest?.Invoke((JsonObject)request.DeepClone());
        JsonNode id = request["id"]!;
        if (request["jsonrpc"]?.ToString() != "2.0")
        {
            return Error(id, TrexErrorCodes.InvalidRequest, "Invalid JSONRPC Version", null);
        }

        string method = request["method"] is JsonValue m && m.TryGetValue(out string? s) ? s : string.Empty;
        if (method.Length == 0)
        {
            return Error(id, TrexErrorCodes.InvalidRequest, "Missing Method Name", null);
        }

        if (!s_methods.TryGetValue(method, out MethodInfo? info))
        {
            return Error(id, TrexErrorCodes.MethodNotFound, $"Method {method} not registered", null);
        }

        try
        {
            JsonObject p = request["params"] as JsonObject ?? [];
            lock (_stateLock)
            {
                if (info.NeedsApi && RpcParams.Str(p, "api_h") != _apiH)
                {
                    throw RpcFault.Execute($"API verification failed - API handler provided mismatch for class: '{(info.Stl ? "STL" : "common")}'");
                }

                if (info.Owned)
                {
                    string handler = RpcParams.Str(p, "handler");
                    Port port = PortOf(p);
                    if (port.Owner is null)
                    {
                        throw RpcFault.Execute("please acquire the port before modifying port state");
                    }

                    if (port.Handler != handler)
                    {
                        throw RpcFault.Execute("port is not owned by you or your current executing session");
                    }
                }

                JsonNode result = info.Run(this, p);
                return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result };
            }
        }
        catch (RpcFault f)
        {
            string message = f.Code switch
            {
                TrexErrorCodes.InvalidParams => "Bad parameters for method",
                TrexErrorCodes.Execute => "Failed To Execute Method",
                TrexErrorCodes.TryAgain => "Try again later",
                _ => "Internal Server Error",
            };
            return Error(id, f.Code, message, f.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or NfvConformanceException)
        {
            return Error(id, TrexErrorCodes.Internal, "Internal Server Error", ex.Message);
        }
    }

    private Port PortOf(JsonObject p)
    {
        int id = RpcParams.Byte(p, "port_id");
        if (id >= _ports.Length)
        {
            throw RpcFault.Execute("invalid port id - should be:" + string.Concat(_ports.Select(x => " " + x.Id.ToString(CultureInfo.InvariantCulture))));
        }

        return _ports[id];
    }

    private void Emit(int type, JsonObject data, uint? onlySession = null)
    {
        foreach ((uint session, Queue<JsonObject> queue) in _sessions)
        {
            if (onlySession is not null && session != onlySession)
            {
                continue;
            }

            queue.Enqueue(new JsonObject { ["name"] = "trex-event", ["type"] = type, ["data"] = data.DeepClone(), ["seq"] = ++_eventSeq });
            while (queue.Count > 10_000)
            {
                queue.Dequeue();
            }
        }

        _publish = true;
    }

    private sealed class Port(int id)
    {
        public int Id { get; } = id;

        public string? Owner { get; set; }

        public string? Handler { get; set; }

        public uint Session { get; set; }

        public string State { get; set; } = "IDLE";

        public bool Service { get; set; }

        public bool Promiscuous { get; set; }

        public bool Multicast { get; set; }

        public bool RxQueue { get; set; }

        public string DstMac { get; set; } = "00:00:00:00:00:00";

        public string? Ipv4Src { get; set; }

        public string? Ipv4Dst { get; set; }

        public SortedDictionary<uint, JsonObject> Streams { get; } = [];

        public long OPackets { get; set; }

        public long OBytes { get; set; }

        public long IPackets { get; set; }

        public long IBytes { get; set; }

        public double Factor { get; set; } = 1;

        public double Duration { get; set; }

        public double StartedAt { get; set; }

        public double LastTxPps { get; set; }

        public double LastTxBps { get; set; }

        public TrialGroup? Group { get; set; }

        public bool Stopped { get; set; }

        public double Elapsed { get; set; }
    }

    private sealed class PgCounters
    {
        public bool Latency { get; init; }

        public long Version { get; init; }

        public int Refs { get; set; }

        public Dictionary<int, long> Tp { get; } = [];

        public Dictionary<int, long> Tb { get; } = [];

        public Dictionary<int, long> Rp { get; } = [];

        public Dictionary<int, long> Rb { get; } = [];

        public LatencyHistogram Histogram { get; } = new();

        public double Jitter { get; set; }

        public long Dropped { get; set; }

        public long OutOfOrder { get; set; }

        public long Duplicates { get; set; }
    }

    private sealed class TrialGroup
    {
        public List<Port> Ports { get; } = [];

        public double LastStart { get; set; }
    }
}
