// Licensed under the Apache License, Version 2.0.
using System.Diagnostics;
using System.Globalization;
using NfvConformance.Core.Running;
using NfvConformance.Reports.Model;
using Spectre.Console;

namespace NfvConformance.Cli.Output;

/// <summary>How much a run prints.</summary>
internal enum OutputMode
{
    /// <summary>Only the totals and the report path.</summary>
    Quiet,

    /// <summary>One line per scenario, details for failures.</summary>
    Normal,

    /// <summary>Every step of every scenario.</summary>
    Verbose,
}

/// <summary>
/// Shows a run's progress: on a terminal a live status line (scenario counter, current scenario, elapsed) above which
/// finished scenarios scroll; when stdout is redirected (CI logs), plain lines only.
/// </summary>
internal sealed class RunConsole : IRunProgress, IDisposable
{
    private readonly OutputMode _mode;
    private readonly bool _live;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Timer? _ticker;
    private int _total;
    private int _done;
    private string _current = string.Empty;
    private bool _statusShown;

    private RunConsole(OutputMode mode, bool live)
    {
        _mode = mode;
        _live = live;
        if (live)
        {
            _ticker = new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Creates the console for the current stdout.</summary>
    /// <param name="mode">How much to print.</param>
    /// <returns>The console.</returns>
    public static RunConsole Create(OutputMode mode) =>
        new(mode, live: mode != OutputMode.Quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi);

    public void RunStarted(int total, string outputDirectory)
    {
        lock (_lock)
        {
            _total = total;
            if (_mode != OutputMode.Quiet)
            {
                WriteLine($"Running {total} scenario(s); results go to {outputDirectory}", null);
            }
        }
    }

    public void ScenarioStarted(string feature, string scenario)
    {
        lock (_lock)
        {
            _current = $"{feature} / {scenario}";
            DrawStatus();
        }
    }

    public void ScenarioFinished(ScenarioSummary scenario)
    {
        lock (_lock)
        {
            _done++;
            if (_mode == OutputMode.Quiet)
            {
                return;
            }

            string counter = string.Create(CultureInfo.InvariantCulture, $"[{_done.ToString(CultureInfo.InvariantCulture).PadLeft(_total.ToString(CultureInfo.InvariantCulture).Length)}/{_total}]");
            string status = scenario.Status.ToWireName().Replace('_', ' ');
            WriteLine(
                string.Create(CultureInfo.InvariantCulture, $"{counter} {status,-14} {scenario.Feature} / {scenario.Name}  ({scenario.DurationMs:0} ms, {scenario.Location})"),
                Colour(scenario.Status));
            if (scenario.Status is ScenarioStatus.NotApplicable or ScenarioStatus.Skipped && scenario.Reason is not null)
            {
                WriteLine($"      {scenario.Reason}", "grey");
            }

            bool details = _mode == OutputMode.Verbose || scenario.Status.FailsRun();
            if (details)
            {
                foreach (StepSummary step in scenario.Steps)
                {
                    if (_mode == OutputMode.Verbose || step.Status != "passed")
                    {
                        WriteLine($"      {step.Status,-9} {step.Keyword}{step.Text}  # {step.Location}", step.Status == "passed" ? "grey" : "red");
                    }

                    if (step.Error is not null)
                    {
                        WriteLine("                " + step.Error.Replace("\n", "\n                ", StringComparison.Ordinal), "red");
                    }

                    if (step.Snippet is not null)
                    {
                        WriteLine("      Add this binding:\n" + step.Snippet, "yellow");
                    }
                }

                if (scenario.Error is not null && scenario.Steps.All(s => s.Error is null))
                {
                    WriteLine("      " + scenario.Error, "red");
                }
            }

            DrawStatus();
        }
    }

    /// <summary>Prints the totals and where the reports are.</summary>
    /// <param name="result">The run's result.</param>
    public void Finish(ConformanceRunResult result)
    {
        lock (_lock)
        {
            ClearStatus();
            RunTotals t = result.Summary.Totals;
            if (result.Summary.Run.Interrupted)
            {
                WriteLine($"Interrupted: {t.Total - t.Skipped} of {t.Total} scenarios ran; every result so far is kept.", "yellow");
            }

            string totals = string.Create(
                CultureInfo.InvariantCulture,
                $"{t.Total} scenarios: {t.Passed} passed, {t.Failed} failed, {t.NotApplicable} not applicable, {t.Skipped} skipped, {t.Undefined} undefined, {t.Pending} pending, {t.Ambiguous} ambiguous ({_elapsed.Elapsed.TotalSeconds:0.00} s)");
            WriteLine(totals, result.Failed || result.Summary.Run.Interrupted ? "red" : "green");
            foreach (string error in result.RunErrors)
            {
                WriteLine($"run error: {error}", "red");
            }

            foreach (string error in result.ExportErrors)
            {
                WriteLine($"report writer failed: {error}", "red");
            }

            WriteLine($"Reports: {result.OutputDirectory}", null);
        }
    }

    public void Dispose() => _ticker?.Dispose();

    private static string? Colour(ScenarioStatus status) => status switch
    {
        ScenarioStatus.Passed => "green",
        ScenarioStatus.NotApplicable or ScenarioStatus.Skipped => "grey",
        ScenarioStatus.Undefined or ScenarioStatus.Pending => "yellow",
        _ => "red",
    };

    private void WriteLine(string text, string? colour)
    {
        ClearStatus();
        if (_live && colour is not null)
        {
            AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
        }
        else
        {
            Console.Out.WriteLine(text);
        }
    }

    private void Redraw()
    {
        lock (_lock)
        {
            DrawStatus();
        }
    }

    private void DrawStatus()
    {
        if (!_live || _done >= _total && _total > 0)
        {
            return;
        }

        int width = Math.Max(20, Console.WindowWidth - 1);
        string line = string.Create(CultureInfo.InvariantCulture, $"[{_done}/{_total}] {_elapsed.Elapsed:mm\\:ss\\.f}  {_current}");
        if (line.Length > width)
        {
            line = line[..width];
        }

        Console.Out.Write("\r\u001b[2K" + line);
        _statusShown = true;
    }

    private void ClearStatus()
    {
        if (_statusShown)
        {
            Console.Out.Write("\r\u001b[2K");
            _statusShown = false;
        }
    }
}
