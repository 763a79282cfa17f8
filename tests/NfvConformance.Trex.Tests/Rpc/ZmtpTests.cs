// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using NfvConformance.Traffic.Generators;
using NfvConformance.Trex.Rpc;
using NfvConformance.Trex.Server;

namespace NfvConformance.Trex.Tests.Rpc;

/// <summary>The client's own ZMTP transport: what it does when the peer is not a TRex server, or goes away.</summary>
[TestFixture]
public sealed class ZmtpTests
{
    [Test]
    public void PeerThatAcceptsAndNeverAnswers_IsNoReplyWithinTheTimeout()
    {
        using Socket listener = Listen(out string address);
        using TrexRpcClient client = new(address, new TrexRpcOptions { Timeout = TimeSpan.FromMilliseconds(500) });
        Stopwatch sw = Stopwatch.StartNew();

        TrexException? ex = Assert.Throws<TrexException>(() => client.Call("ping"));

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.NoReply));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(ex.Message, Does.Contain("did not answer 'ping' within 0.5 s").And.Contain("check that the server is running"));
    }

    [Test]
    public void PeerThatIsNotZeroMq_IsNoReplyNamingWhy_AndTheConnectionIsMadeAgain()
    {
        using Socket listener = Listen(out string address);
        Thread t = new(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                using Socket s = listener.Accept();
                s.Send("HTTP/1.1 400 Bad Request\r\n\r\n".Select(c => (byte)c).Concat(new byte[64]).ToArray());
            }
        }) { IsBackground = true };
        t.Start();
        using TrexRpcClient client = new(address, new TrexRpcOptions { Timeout = TimeSpan.FromSeconds(2) });

        TrexException? first = Assert.Throws<TrexException>(() => client.Call("ping"));
        TrexException? second = Assert.Throws<TrexException>(() => client.Call("ping"));

        Assert.That(first!.Message, Does.Contain("is not a ZeroMQ peer"));
        Assert.That(second!.Kind, Is.EqualTo(TrexErrorKind.NoReply));
        Assert.That(client.Reconnects, Is.EqualTo(0), "a connection that never completed its handshake is not counted as recycled");
    }

    [Test]
    public void NothingListening_IsNoReplyWithinTheTimeout()
    {
        string address;
        using (Socket l = Listen(out address))
        {
        }

        using TrexRpcClient client = new(address, new TrexRpcOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        Stopwatch sw = Stopwatch.StartNew();

        TrexException? ex = Assert.Throws<TrexException>(() => client.Call("ping"));

        Assert.That(ex!.Kind, Is.EqualTo(TrexErrorKind.NoReply));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1.5)));
    }

    [Test]
    public void ServerRestartedBetweenCalls_TheNextCallReachesTheNewServer()
    {
        TrexServer first = new(new EmulatedDeviceGenerator(null), new TrexServerOptions { RpcAddress = "tcp://127.0.0.1:0", AsyncAddress = "tcp://127.0.0.1:0" });
        first.Start();
        string address = first.RpcAddress;
        using TrexRpcClient client = new(address, new TrexRpcOptions { Timeout = TimeSpan.FromSeconds(2) });
        Assert.That(client.Call("ping")?["ts"], Is.Not.Null);
        first.Dispose();
        using TrexServer second = new(new EmulatedDeviceGenerator(null), new TrexServerOptions { RpcAddress = address, AsyncAddress = "tcp://127.0.0.1:0" });
        second.Start();

        JsonNode? reply = client.Call("ping");

        Assert.That(reply?["ts"], Is.Not.Null);
        Assert.That(second.Requests, Is.EqualTo(1));
    }

    private static Socket Listen(out string address)
    {
        Socket l = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        l.Listen(4);
        address = "tcp://127.0.0.1:" + ((IPEndPoint)l.LocalEndPoint!).Port;
        return l;
    }
}
