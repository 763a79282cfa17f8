// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Workloads.Images;

/// <summary>
/// The project's own small CNF images, built FROM the host rootfs at set-up: a well-behaved CNF (non-root, handles
/// SIGTERM, reaps its children, logs to stdout, has a HEALTHCHECK) and variants that each break one best practice on
/// purpose, so every check is shown to fail.
/// </summary>
public static class CnfImages
{
    /// <summary>The entry point of the good CNF: a shell as PID 1 that traps SIGTERM, waits on its children (reaping orphans too) and logs to stdout.</summary>
    public const string GoodEntrypoint = """
        #!/bin/sh
        trap 'echo "cnf: SIGTERM received, stopping"; exit 0' TERM INT
        echo "cnf: ready (uid $(id -u), pid $$)"
        while :; do
          sleep 1 &
          wait
        done
        """;

    /// <summary>Gets the well-behaved CNF.</summary>
    public static ImageRecipe Good { get; } = Recipe("nfvc/cnf", GoodEntrypoint, user: "1000", health: true);

    /// <summary>Gets a CNF that runs as root (no USER).</summary>
    public static ImageRecipe Root { get; } = Recipe("nfvc/cnf-root", GoodEntrypoint, user: null, health: true);

    /// <summary>Gets a CNF whose PID 1 is <c>sleep</c>: it ignores SIGTERM (PID 1 without a handler) and never reaps orphans.</summary>
    public static ImageRecipe NoSignals { get; } = Recipe("nfvc/cnf-nosig", "#!/bin/sh\necho 'cnf: up'\nexec sleep 100000\n", user: "1000", health: true);

    /// <summary>Gets a CNF that logs to a file and never to stdout.</summary>
    public static ImageRecipe LogsToFile { get; } = Recipe("nfvc/cnf-filelog", "#!/bin/sh\ntrap 'exit 0' TERM\nwhile :; do echo \"tick $(date)\" >> /tmp/cnf.log; sleep 1 & wait; done\n", user: "1000", health: true);

    /// <summary>Gets a CNF that takes six seconds before it is ready.</summary>
    public static ImageRecipe SlowStart { get; } = Recipe("nfvc/cnf-slow", "#!/bin/sh\ntrap 'exit 0' TERM\nsleep 6\n" + GoodEntrypoint.Replace("#!/bin/sh\n", string.Empty, StringComparison.Ordinal), user: "1000", health: true);

    /// <summary>Gets a CNF without a HEALTHCHECK.</summary>
    public static ImageRecipe NoHealthcheck { get; } = Recipe("nfvc/cnf-nohealth", GoodEntrypoint, user: "1000", health: false);

    /// <summary>Gets a CNF image padded to about 80 MiB.</summary>
    public static ImageRecipe Fat { get; } = Recipe("nfvc/cnf-fat", GoodEntrypoint, user: "1000", health: true) with { PaddingBytes = 80L << 20 };

    /// <summary>Gets every image the project builds, so a descriptor can name one (<c>image: nfvc/cnf</c>).</summary>
    public static IReadOnlyList<ImageRecipe> All { get; } = [Good, Root, NoSignals, LogsToFile, SlowStart, NoHealthcheck, Fat];

    /// <summary>Finds the project's image a reference names (<c>nfvc/cnf</c> or <c>nfvc/cnf:TAG</c>).</summary>
    /// <param name="reference">The image reference.</param>
    /// <returns>The recipe, or null when the reference names no image of the project.</returns>
    public static ImageRecipe? Named(string reference) => All.FirstOrDefault(r => r.Name == reference.Split(':')[0]);

    private static ImageRecipe Recipe(string name, string entrypoint, string? user, bool health)
    {
        string dockerfile = "FROM {ROOTFS}\nCOPY entrypoint.sh /entrypoint.sh\n";
        if (name.EndsWith("-fat", StringComparison.Ordinal))
        {
            dockerfile += "COPY padding.bin /opt/padding.bin\n";
        }

        dockerfile += health ? "HEALTHCHECK --interval=2s --timeout=1s --retries=2 CMD [\"/bin/sh\", \"-c\", \"kill -0 1\"]\n" : string.Empty;
        dockerfile += user is null ? string.Empty : $"USER {user}\n";
        dockerfile += "ENTRYPOINT [\"/entrypoint.sh\"]\n";
        return new ImageRecipe(name, dockerfile, new Dictionary<string, string> { ["entrypoint.sh"] = entrypoint.ReplaceLineEndings("\n") + "\n" });
    }
}
