// Licensed under the Apache License, Version 2.0.
using System.Runtime.CompilerServices;

namespace NfvConformance.Reports.Tests.Support;

/// <summary>
/// Snapshot testing against approved files kept beside the tests (Exporters/Approved/NAME.approved.EXT). A mismatch
/// writes NAME.received.EXT next to it and fails with the first differing line; to approve, review and rename the
/// received file. A missing approved file fails too (it is written as received), so a snapshot is never silently created.
/// </summary>
internal static class Approvals
{
    public static void Verify(string actual, string name, string extension, [CallerFilePath] string callerFile = "")
    {
        string dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Approved");
        string approved = Path.Combine(dir, $"{name}.approved.{extension}");
        string received = Path.Combine(dir, $"{name}.received.{extension}");
        string normalised = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (File.Exists(approved) && File.ReadAllText(approved).Replace("\r\n", "\n", StringComparison.Ordinal) == normalised)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(dir);
        File.WriteAllText(received, normalised);
        if (!File.Exists(approved))
        {
            Assert.Fail($"No approved snapshot {approved}; review {received} and rename it to approve.");
        }

        string[] a = File.ReadAllText(approved).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string[] r = normalised.Split('\n');
        int line = 0;
        while (line < a.Length && line < r.Length && a[line] == r[line])
        {
            line++;
        }

        string al = line < a.Length ? a[line] : "<end>";
        string rl = line < r.Length ? r[line] : "<end>";
        int col = 0;
        while (col < al.Length && col < rl.Length && al[col] == rl[col])
        {
            col++;
        }

        int from = Math.Max(0, col - 60);
        Assert.Fail($"{name}.{extension} differs from the approved snapshot at line {line + 1}, column {col + 1}:\n approved: …{Cut(al, from)}\n received: …{Cut(rl, from)}\nReview {received}; rename it to {approved} to approve.");
    }

    private static string Cut(string text, int from) => from >= text.Length ? string.Empty : text.Substring(from, Math.Min(160, text.Length - from));
}
