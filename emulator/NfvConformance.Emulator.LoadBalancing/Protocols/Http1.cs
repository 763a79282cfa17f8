// Licensed under the Apache License, Version 2.0.
using System.Text;

namespace NfvConformance.Emulator.LoadBalancing.Protocols;

/// <summary>The request head of an HTTP/1.1 request (RFC 9112 section 3).</summary>
/// <param name="Method">The method.</param>
/// <param name="Target">The request target (origin form: the path and query).</param>
/// <param name="Host">The Host header, without a port.</param>
/// <param name="HeadLength">Bytes up to and including the blank line.</param>
internal sealed record HttpRequestHead(string Method, string Target, string Host, int HeadLength)
{
    /// <summary>Parses a request head from the start of a byte stream.</summary>
    /// <param name="stream">The bytes received so far.</param>
    /// <param name="head">The head, when complete and valid.</param>
    /// <returns>Null when parsed; <c>incomplete</c> when more bytes are needed; else why the request is bad.</returns>
    public static string? TryParse(ReadOnlySpan<byte> stream, out HttpRequestHead? head)
    {
        head = null;
        int end = stream.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return stream.Length > 16384 ? "http_head_too_large" : "incomplete";
        }

        string[] lines = Encoding.ASCII.GetString(stream[..end]).Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || requestLine[1].Length == 0)
        {
            return "http_bad_request_line";
        }

        string? host = null;
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return "http_bad_header_line";
            }

            if (line[..colon].Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                if (host is not null)
                {
                    return "http_duplicate_host";
                }

                host = line[(colon + 1)..].Trim();
            }
        }

        if (host is null)
        {
            return "http_missing_host";
        }

        int portColon = host.LastIndexOf(':');
        if (portColon > 0 && !host.EndsWith(']'))
        {
            host = host[..portColon];
        }

        head = new HttpRequestHead(requestLine[0], requestLine[1], host, end + 4);
        return null;
    }
}

/// <summary>The server name of a TLS ClientHello (RFC 8446 section 4.1.2, server_name extension of RFC 6066).</summary>
internal static class TlsClientHello
{
    /// <summary>Reads the SNI host name from the first TLS record(s) of a connection.</summary>
    /// <param name="stream">The bytes received so far.</param>
    /// <param name="serverName">The host name, or null when the ClientHello carries none.</param>
    /// <returns>Null when parsed; <c>incomplete</c> when more bytes are needed; else why it is not a ClientHello.</returns>
    public static string? TryReadServerName(ReadOnlySpan<byte> stream, out string? serverName)
    {
        serverName = null;
        if (stream.Length < 5)
        {
            return "incomplete";
        }

        if (stream[0] != 22 || stream[1] != 3)
        {
            return "tls_not_handshake_record";
        }

        int recordLength = (stream[3] << 8) | stream[4];
        if (stream.Length < 5 + recordLength)
        {
            return "incomplete";
        }

        ReadOnlySpan<byte> hs = stream.Slice(5, recordLength);
        if (hs.Length < 4 || hs[0] != 1)
        {
            return "tls_not_client_hello";
        }

        int length = (hs[1] << 16) | (hs[2] << 8) | hs[3];
        if (length > hs.Length - 4)
        {
            return "tls_client_hello_spans_records";
        }

        ReadOnlySpan<byte> body = hs.Slice(4, length);
        int o = 2 + 32;
        if (o >= body.Length)
        {
            return "tls_truncated";
        }

        o += 1 + body[o];
        if (o + 2 > body.Length)
        {
            return "tls_truncated";
        }

        o += 2 + ((body[o] << 8) | body[o + 1]);
        if (o >= body.Length)
        {
            return "tls_truncated";
        }

        o += 1 + body[o];
        if (o + 2 > body.Length)
        {
            return null; // no extensions, so no SNI
        }

        int extEnd = o + 2 + ((body[o] << 8) | body[o + 1]);
        o += 2;
        if (extEnd > body.Length)
        {
            return "tls_truncated";
        }

        while (o + 4 <= extEnd)
        {
            int type = (body[o] << 8) | body[o + 1];
            int extLength = (body[o + 2] << 8) | body[o + 3];
            o += 4;
            if (o + extLength > extEnd)
            {
                return "tls_truncated";
            }

            if (type == 0 && extLength >= 5)
            {
                ReadOnlySpan<byte> sni = body.Slice(o, extLength);
                int p = 2;
                while (p + 3 <= sni.Length)
                {
                    int nameType = sni[p];
                    int nameLength = (sni[p + 1] << 8) | sni[p + 2];
                    if (p + 3 + nameLength > sni.Length)
                    {
                        return "tls_truncated";
                    }

                    if (nameType == 0)
                    {
                        serverName = Encoding.ASCII.GetString(sni.Slice(p + 3, nameLength));
                        return null;
                    }

                    p += 3 + nameLength;
                }
            }

            o += extLength;
        }

        return null;
    }
}
