// Licensed under the Apache License, Version 2.0.
using System.Buffers.Binary;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>A request an HTTP/2 connection carried: its stream and the pseudo-headers routing looks at.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Authority">:authority (or the host header).</param>
/// <param name="Path">:path.</param>
/// <param name="Method">:method.</param>
/// <param name="Frames">The raw frames of the request (HEADERS and CONTINUATION), to forward.</param>
internal sealed record Http2Request(int StreamId, string Authority, string Path, string Method, byte[] Frames);

/// <summary>
/// The client side of one HTTP/2 connection as a proxy reads it (RFC 9113): the connection preface, then frames;
/// HEADERS and CONTINUATION blocks are HPACK-decoded with the connection's dynamic table.
/// </summary>
internal sealed class Http2ConnectionReader
{
    /// <summary>The client connection preface.</summary>
    public static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly List<byte> _buffer = [];
    private readonly HpackDecoder _hpack = new();
    private readonly List<byte> _block = [];
    private readonly List<byte> _blockFrames = [];
    private bool _prefaceSeen;
    private int _blockStream;

    /// <summary>Gets the connection's HPACK decoder.</summary>
    public HpackDecoder Hpack => _hpack;

    /// <summary>Feeds bytes of the client's stream and returns the requests whose header blocks completed.</summary>
    /// <param name="bytes">The next bytes.</param>
    /// <returns>Complete requests.</returns>
    /// <exception cref="FormatException">A connection error (bad preface, bad frame, HPACK error); the message names it.</exception>
    public IReadOnlyList<Http2Request> Feed(ReadOnlySpan<byte> bytes)
    {
        _buffer.AddRange(bytes);
        List<Http2Request> done = [];
        if (!_prefaceSeen)
        {
            if (_buffer.Count < Preface.Length)
            {
                return done;
            }

            if (!_buffer.Take(Preface.Length).SequenceEqual(Preface))
            {
                throw new FormatException("HTTP/2: the connection does not start with the client preface (PROTOCOL_ERROR).");
            }

            _buffer.RemoveRange(0, Preface.Length);
            _prefaceSeen = true;
        }

        while (_buffer.Count >= 9)
        {
            int length = (_buffer[0] << 16) | (_buffer[1] << 8) | _buffer[2];
            if (_buffer.Count < 9 + length)
            {
                break;
            }

            byte[] frame = _buffer.GetRange(0, 9 + length).ToArray();
            _buffer.RemoveRange(0, 9 + length);
            byte type = frame[3];
            byte flags = frame[4];
            int stream = (int)(BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(5)) & 0x7FFFFFFF);
            ReadOnlySpan<byte> payload = frame.AsSpan(9);
            if (_blockStream != 0 && (type != 9 || stream != _blockStream))
            {
                throw new FormatException($"HTTP/2: frame type {type} interrupts the header block of stream {_blockStream} (PROTOCOL_ERROR).");
            }

            switch (type)
            {
                case 1: // HEADERS
                {
                    if (stream == 0 || stream % 2 == 0)
                    {
                        throw new FormatException($"HTTP/2: HEADERS on stream {stream}; client streams are odd (PROTOCOL_ERROR).");
                    }

                    int start = 0;
                    int end = payload.Length;
                    if ((flags & 0x08) != 0)
                    {
                        int pad = payload[0];
                        start = 1;
                        end -= pad;
                    }

                    if ((flags & 0x20) != 0)
                    {
                        start += 5;
                    }

                    if (start > end)
                    {
                        throw new FormatException("HTTP/2: HEADERS padding or priority longer than the frame (PROTOCOL_ERROR).");
                    }

                    _block.Clear();
                    _blockFrames.Clear();
                    _block.AddRange(payload[start..end]);
                    _blockFrames.AddRange(frame);
                    _blockStream = stream;
                    break;
                }

                case 9: // CONTINUATION
                    if (_blockStream == 0)
                    {
                        throw new FormatException("HTTP/2: CONTINUATION without HEADERS (PROTOCOL_ERROR).");
                    }

                    _block.AddRange(payload);
                    _blockFrames.AddRange(frame);
                    break;
                default:
                    continue; // SETTINGS, WINDOW_UPDATE, DATA, PING, ...: not routing input
            }

            if ((flags & 0x04) != 0)
            {
                IReadOnlyList<(string Name, string Value)> fields = _hpack.Decode(_block.ToArray());
                string Get(string n) => fields.FirstOrDefault(f => f.Name == n).Value ?? string.Empty;
                string authority = Get(":authority");
                if (authority.Length == 0)
                {
                    authority = Get("host");
                }

                done.Add(new Http2Request(_blockStream, authority, Get(":path"), Get(":method"), [.. _blockFrames]));
                _blockStream = 0;
            }
        }

        return done;
    }
}
