// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NfvConformance.Reports.Tests.Support;

/// <summary>A throwaway PostgreSQL server on 127.0.0.1 and a free port: initdb (as the postgres user when root), pg_ctl start, pg_ctl stop.</summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string Install = "apt-get install -y postgresql";
    private readonly string _dataDir;
    private readonly string _pgCtl;
    private readonly bool _asPostgres;

    private PostgresServer(string dataDir, string pgCtl, bool asPostgres, int port)
    {
        _dataDir = dataDir;
        _pgCtl = pgCtl;
        _asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        string initdb = FindPgTool("initdb");
        string pgCtl = FindPgTool("pg_ctl");
        bool asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            // initdb refuses to run as root: it runs as the postgres user, which the postgresql package creates.
            Tools.RequireOnPath("runuser", "apt-get install -y util-linux");
            Tools.RequireOnPath("chown", "apt-get install -y coreutils");
        }

        string root = Path.Combine(Path.GetTempPath(), "nfvc-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        string data = Path.Combine(root, "data");
        if (asPostgres)
        {
            await RunAsync("chown", ["postgres", root], asPostgres: false);
        }

        await RunAsync(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], asPostgres);
        int port = FreePort();
        PostgresServer server = new(data, pgCtl, asPostgres, port);
        string options = string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off");
        await RunAsync(pgCtl, ["-D", data, "-o", options, "-l", Path.Combine(root, "server.log"), "-w", "-t", "30", "start"], asPostgres);
        return server;
    }

    public async Task<string> CreateDatabaseAsync()
    {
        string name = "nfvc_" + Guid.NewGuid().ToString("N")[..12];
        await using (NpgsqlConnection c = new(ConnectionString("postgres")))
        {
            await c.OpenAsync();
            await using NpgsqlCommand cmd = new($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false");

    public async ValueTask DisposeAsync()
    {
        await RunAsync(_pgCtl, ["-D", _dataDir, "-m", "immediate", "-w", "stop"], _asPostgres);
        try
        {
            Directory.Delete(Path.GetDirectoryName(_dataDir)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Debian's postgresql package keeps initdb and pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH.
    private static string FindPgTool(string name)
    {
        string? found = Tools.Find(name);
        if (found is null && Directory.Exists("/usr/lib/postgresql"))
        {
            found = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "bin", name)).FirstOrDefault(File.Exists);
        }

        if (found is null)
        {
            Tools.Missing($"'{name}' not found on PATH or under /usr/lib/postgresql/*/bin; install with: {Install}");
        }

        return found!;
    }

    private static int FreePort()
    {
        using TcpListener l = new(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        ProcessStartInfo psi = asPostgres ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (asPostgres)
        {
            foreach (string a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using CancellationTokenSource cts = new(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
