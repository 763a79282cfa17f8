// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;

namespace NfvConformance.Reports.Exporters;

/// <summary>The outcome of printing a report to PDF.</summary>
/// <param name="Printed">True when the PDF was written.</param>
/// <param name="Message">The PDF path, or why it was not written and what to do.</param>
public sealed record PdfResult(bool Printed, string Message);

/// <summary>Prints <c>report.html</c> to PDF through headless Chromium, when Chromium is installed.</summary>
public static class PdfPrinter
{
    /// <summary>The environment variable that names the Chromium executable, overriding the search.</summary>
    public const string ChromiumVariable = "NFVC_CHROMIUM";

    private static readonly string[] s_candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

    /// <summary>Finds Chromium: <see cref="ChromiumVariable"/>, then the usual Debian and Ubuntu paths.</summary>
    /// <returns>The executable, or null when none is installed.</returns>
    public static string? FindChromium()
    {
        string? configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return s_candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Prints an HTML file to PDF (A4, backgrounds, no header or footer).</summary>
    /// <param name="htmlPath">The report.</param>
    /// <param name="pdfPath">The PDF to write.</param>
    /// <param name="chromium">The Chromium executable; found with <see cref="FindChromium"/> when null.</param>
    /// <param name="cancellationToken">Cancels printing (Chromium is killed).</param>
    /// <returns>Printed, or why not; a missing Chromium is an expected outcome, not an exception.</returns>
    public static async Task<PdfResult> PrintAsync(string htmlPath, string pdfPath, string? chromium = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(htmlPath);
        ArgumentNullException.ThrowIfNull(pdfPath);
        if (!File.Exists(htmlPath))
        {
            return new PdfResult(false, $"{htmlPath}: not found; write the reports first (nfvc report RUN).");
        }

        chromium ??= FindChromium();
        if (chromium is null || !File.Exists(chromium))
        {
            return new PdfResult(false, $"Chromium not found (looked at ${ChromiumVariable} and {string.Join(", ", s_candidates)}); install it with 'apt-get install -y chromium fonts-dejavu-core' or set {ChromiumVariable}.");
        }

        string profile = Path.Combine(Path.GetTempPath(), "nfvc-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        ProcessStartInfo psi = new(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--user-data-dir=" + profile, "--no-pdf-header-footer", "--print-to-pdf=" + Path.GetFullPath(pdfPath),
            new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
        })
        {
            psi.ArgumentList.Add(arg);
        }

        try
        {
            using Process p = Process.Start(psi)!;
            Task<string> stderr = p.StandardError.ReadToEndAsync(cancellationToken);
            Task<string> stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
            try
            {
                await p.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw;
            }

            await Task.WhenAll(stderr, stdout).ConfigureAwait(false);
            return p.ExitCode == 0 && File.Exists(pdfPath) && new FileInfo(pdfPath).Length > 0
                ? new PdfResult(true, pdfPath)
                : new PdfResult(false, $"{chromium} exited {p.ExitCode} without writing {pdfPath}: {LastLines(await stderr.ConfigureAwait(false))}");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string LastLines(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }
}
