// Licensed under the Apache License, Version 2.0.
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Measurements;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Reports.Model;
using Npgsql;

namespace NfvConformance.Reports.History;

/// <summary>Opens the run history: an SQLite file by default, PostgreSQL when given a connection string.</summary>
public static class RunHistoryStore
{
    /// <summary>The SQLite file name used when a directory is given.</summary>
    public const string DefaultFileName = "history.db";

    /// <summary>Tells whether the text is a PostgreSQL connection string rather than a file path.</summary>
    /// <param name="store">A path or a connection string.</param>
    /// <returns>True for <c>postgres://</c>, <c>postgresql://</c> or a <c>Host=</c> key-value string.</returns>
    public static bool IsPostgres(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (store.Contains('=', StringComparison.Ordinal) && store.Contains("host", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Opens (and creates the tables of) a history store.</summary>
    /// <param name="store">An SQLite file path (or a directory, which gets <see cref="DefaultFileName"/>), or a PostgreSQL connection string.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The open store; dispose it.</returns>
    /// <exception cref="ConfigurationException">The store cannot be opened; the message says which and why.</exception>
    public static async Task<IRunHistoryStore> OpenAsync(string store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        DbConnection connection;
        string description;
        bool postgres = IsPostgres(store);
        try
        {
            if (postgres)
            {
                string cs = store.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) ? FromUri(store) : store;
                NpgsqlConnectionStringBuilder b = new(cs);
                description = $"postgresql://{b.Host}:{b.Port}/{b.Database}";
                connection = new NpgsqlConnection(cs);
            }
            else
            {
                SqliteSupport.EnsureInitialised();
                string path = Directory.Exists(store) ? Path.Combine(store, DefaultFileName) : store;
                string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
                if (dir is not null)
                {
                    Directory.CreateDirectory(dir);
                }

                description = path;
                connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            }
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationException($"history store '{Redact(store)}': {ex.Message}; give an SQLite file path or a PostgreSQL connection string (Host=...;Username=...;Database=...).", ex);
        }

        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            SqlRunHistoryStore result = new(connection, postgres, description);
            await result.CreateSchemaAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (DbException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new ConfigurationException($"history store {description}: cannot open ({ex.Message}); check the path or the connection string and that the server runs.", ex);
        }
    }

    private static string FromUri(string uri)
    {
        Uri u = new(uri);
        NpgsqlConnectionStringBuilder b = new() { Host = u.Host, Port = u.IsDefaultPort || u.Port < 0 ? 5432 : u.Port, Database = u.AbsolutePath.TrimStart('/') };
        if (u.UserInfo.Length > 0)
        {
            string[] parts = u.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1)
            {
                b.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        return b.ConnectionString;
    }

    private static string Redact(string store) =>
        IsPostgres(store) ? "(PostgreSQL connection string)" : store;
}

/// <summary>Initialises the bundled native SQLite once.</summary>
internal static class SqliteSupport
{
    private static int s_initialised;

    public static void EnsureInitialised()
    {
        if (Interlocked.Exchange(ref s_initialised, 1) == 0)
        {
            SQLitePCL.Batteries_V2.Init();
        }
    }
}

/// <summary>The history over ADO.NET; the SQL is common to SQLite and PostgreSQL except the column types.</summary>
internal sealed class SqlRunHistoryStore : IRunHistoryStore
{
    private readonly DbConnection _connection;
    private readonly bool _postgres;

    public SqlRunHistoryStore(DbConnection connection, bool postgres, string description)
    {
        _connection = connection;
        _postgres = postgres;
        Description = description;
    }

    public string Description { get; }

    public async Task CreateSchemaAsync(CancellationToken ct)
    {
        string real = _postgres ? "DOUBLE PRECISION" : "REAL";
        await ExecuteAsync(
            $"""
            CREATE TABLE IF NOT EXISTS nfvc_runs (
                id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL, target TEXT NOT NULL, profile TEXT NOT NULL,
                fingerprint TEXT NOT NULL, tool_version TEXT NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,
                waived INTEGER NOT NULL, skipped INTEGER NOT NULL, not_applicable INTEGER NOT NULL, undefined INTEGER NOT NULL,
                pending INTEGER NOT NULL, ambiguous INTEGER NOT NULL, run_failed INTEGER NOT NULL, interrupted INTEGER NOT NULL)
            """,
            [],
            ct).ConfigureAwait(false);
        await ExecuteAsync(
            $"""
            CREATE TABLE IF NOT EXISTS nfvc_measurements (
                run_id TEXT NOT NULL REFERENCES nfvc_runs(id) ON DELETE CASCADE, scenario_id TEXT NOT NULL, scenario_name TEXT NOT NULL,
                name TEXT NOT NULL, value {real} NOT NULL, unit TEXT NOT NULL, target TEXT NULL, verdict TEXT NOT NULL)
            """,
            [],
            ct).ConfigureAwait(false);
        await ExecuteAsync("CREATE INDEX IF NOT EXISTS nfvc_runs_key ON nfvc_runs (fingerprint, profile, started)", [], ct).ConfigureAwait(false);
        await ExecuteAsync("CREATE INDEX IF NOT EXISTS nfvc_measurements_key ON nfvc_measurements (scenario_id, name, run_id)", [], ct).ConfigureAwait(false);

        // Measurements stored before their area was renamed (docs/areas.md) join the series of the area's current name.
        foreach ((string old, string current) in AreaNames.FeatureFolders)
        {
            await ExecuteAsync(
                "UPDATE nfvc_measurements SET scenario_id = @current || substr(scenario_id, @from) WHERE scenario_id LIKE @old",
                [("current", current + "/"), ("from", old.Length + 2), ("old", old + "/%")],
                ct).ConfigureAwait(false);
        }
    }

    public async ValueTask SaveAsync(RunSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        RunInfo run = summary.Run;
        RunTotals t = summary.Totals;
        string fingerprint = Fingerprint(summary);
        await using DbTransaction tx = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync("DELETE FROM nfvc_measurements WHERE run_id = @id", [("id", run.Id)], cancellationToken, tx).ConfigureAwait(false);
        await ExecuteAsync("DELETE FROM nfvc_runs WHERE id = @id", [("id", run.Id)], cancellationToken, tx).ConfigureAwait(false);
        await ExecuteAsync(
            """
            INSERT INTO nfvc_runs (id, started, finished, target, profile, fingerprint, tool_version, passed, failed, waived, skipped,
                not_applicable, undefined, pending, ambiguous, run_failed, interrupted)
            VALUES (@id, @started, @finished, @target, @profile, @fp, @tool, @passed, @failed, @waived, @skipped, @na, @undefined, @pending, @ambiguous, @runfailed, @interrupted)
            """,
            [
                ("id", run.Id), ("started", Time(run.Started)), ("finished", Time(run.Finished)), ("target", run.Target), ("profile", run.Profile),
                ("fp", fingerprint), ("tool", run.ToolVersion), ("passed", t.Passed), ("failed", t.Failed), ("waived", t.Waived), ("skipped", t.Skipped),
                ("na", t.NotApplicable), ("undefined", t.Undefined), ("pending", t.Pending), ("ambiguous", t.Ambiguous),
                ("runfailed", summary.Failed ? 1 : 0), ("interrupted", run.Interrupted ? 1 : 0),
            ],
            cancellationToken,
            tx).ConfigureAwait(false);
        foreach (ScenarioSummary s in summary.Scenarios)
        {
            foreach (Measurement m in s.Measurements)
            {
                if (!double.IsFinite(m.Value))
                {
                    continue;
                }

                await ExecuteAsync(
                    "INSERT INTO nfvc_measurements (run_id, scenario_id, scenario_name, name, value, unit, target, verdict) VALUES (@run, @sid, @sname, @name, @value, @unit, @target, @verdict)",
                    [("run", run.Id), ("sid", s.Id), ("sname", s.Name), ("name", m.Name), ("value", m.Value), ("unit", m.Unit), ("target", m.Target), ("verdict", m.Verdict.ToString().ToLowerInvariant())],
                    cancellationToken,
                    tx).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using DbCommand cmd = Command(
            """
            SELECT id, started, target, profile, fingerprint, tool_version, passed, failed, waived, skipped, not_applicable, undefined, pending, ambiguous, run_failed
            FROM nfvc_runs ORDER BY started DESC, id DESC LIMIT @limit
            """,
            [("limit", limit)]);
        List<RunRecord> runs = [];
        await using DbDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            RunTotals totals = new(Int(r, 6), Int(r, 7), Int(r, 9), Int(r, 11), Int(r, 12), Int(r, 13), Int(r, 10)) { Waived = Int(r, 8) };
            runs.Add(new RunRecord(r.GetString(0), ParseTime(r.GetString(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), totals, Int(r, 14) != 0));
        }

        return runs;
    }

    public async ValueTask<IReadOnlyList<TrendPoint>> GetSeriesAsync(SeriesKey key, DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using DbCommand cmd = Command(
            """
            SELECT r.id, r.started, m.value FROM nfvc_measurements m JOIN nfvc_runs r ON r.id = m.run_id
            WHERE r.fingerprint = @fp AND r.profile = @profile AND m.scenario_id = @sid AND m.name = @name AND r.started < @before AND r.interrupted = 0
            ORDER BY r.started DESC, r.id DESC LIMIT @limit
            """,
            [("fp", key.Fingerprint), ("profile", key.Profile), ("sid", key.ScenarioId), ("name", key.Measurement), ("before", Time(before)), ("limit", limit)]);
        List<TrendPoint> points = [];
        await using DbDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            points.Add(new TrendPoint(r.GetString(0), ParseTime(r.GetString(1)), r.GetDouble(2)));
        }

        points.Reverse();
        return points;
    }

    public async ValueTask<IReadOnlyList<(SeriesKey Key, string ScenarioName, string Unit, string? Target)>> ListSeriesAsync(CancellationToken cancellationToken = default)
    {
        await using DbCommand cmd = Command(
            """
            SELECT r.fingerprint, r.profile, m.scenario_id, m.name, MAX(m.scenario_name), MAX(m.unit), MAX(m.target)
            FROM nfvc_measurements m JOIN nfvc_runs r ON r.id = m.run_id
            GROUP BY r.fingerprint, r.profile, m.scenario_id, m.name ORDER BY r.profile, m.scenario_id, m.name
            """,
            []);
        List<(SeriesKey, string, string, string?)> keys = [];
        await using DbDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add((new SeriesKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
        }

        return keys;
    }

    public async ValueTask<IReadOnlyDictionary<string, bool>> LatestVerdictsAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        await using DbCommand cmd = Command("SELECT profile, run_failed FROM nfvc_runs WHERE fingerprint = @fp ORDER BY started ASC, id ASC", [("fp", fingerprint)]);
        Dictionary<string, bool> latest = new(StringComparer.Ordinal);
        await using DbDataReader r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            latest[r.GetString(0)] = Int(r, 1) == 0;
        }

        return latest;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    internal static string Fingerprint(RunSummary summary) =>
        summary.Environment?.TargetFingerprint(summary.Run.Target) ?? summary.Run.Target;

    // ISO 8601 UTC with fixed width sorts as text in both databases.
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static int Int(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters, DbTransaction? tx = null)
    {
        DbCommand cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach ((string name, object? value) in parameters)
        {
            DbParameter p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    private async Task ExecuteAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken ct, DbTransaction? tx = null)
    {
        await using DbCommand cmd = Command(sql, parameters, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
