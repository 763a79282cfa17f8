// Licensed under the Apache License, Version 2.0.
using System.Net.Security;
using System.Security.Authentication;

namespace NfvConformance.Packets;

/// <summary>A real TLS ClientHello: the bytes .NET's <see cref="SslStream"/> sends first for a host.</summary>
public static class TlsHandshakeCapture
{
    /// <summary>Starts a TLS handshake for a host on a stream that never answers and returns what the client wrote (its ClientHello record).</summary>
    /// <param name="host">The server name (SNI) to ask for.</param>
    /// <returns>The ClientHello record, from its TLS record header.</returns>
    public static async Task<byte[]> ClientHelloAsync(string host)
    {
        CaptureStream capture = new();
        using SslStream ssl = new(capture);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Expected: the capture stream never answers.
        }
        catch (AuthenticationException)
        {
            // Also possible, depending on the TLS library.
        }

        return capture.Written.ToArray();
    }

    /// <summary>A write-only stream that keeps what is written; reading fails, so the handshake stops after the ClientHello.</summary>
    private sealed class CaptureStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("capture only");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(new IOException("capture only"));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
