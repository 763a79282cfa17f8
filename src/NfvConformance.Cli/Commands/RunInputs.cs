// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Abstractions.Targets;
using NfvConformance.Core;
using NfvConformance.Core.Inputs;
using NfvConformance.Core.Requirements;
using NfvConformance.Core.Targets;
using NfvConformance.Core.Workloads;
using NfvConformance.Reports.Waivers;

namespace NfvConformance.Cli.Commands;

/// <summary>The input files of <c>nfvc run</c>, all read before the first scenario (Core's <see cref="InputValidator"/>).</summary>
internal static class RunInputs
{
    /// <summary>Reads every input file of the run and throws one error listing every problem (exit 2).</summary>
    /// <param name="factory">The target (it validates its own settings, such as the emulator's inventory file).</param>
    /// <param name="profile">The profile.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="catalogPath">--catalog, or null for the built-in catalogue.</param>
    /// <param name="waivers">--waivers, or null.</param>
    /// <param name="settings">The target settings (--set, --targets, --package).</param>
    /// <exception cref="ConfigurationException">Any input has a problem.</exception>
    public static void Validate(ILabTargetFactory factory, string profile, int seed, string? catalogPath, string? waivers, IReadOnlyDictionary<string, string> settings)
    {
        List<InputFile> inputs = [InputFile.Catalogue(catalogPath)];
        string? targets = settings.TryGetValue(TargetFigures.SettingKey, out string? chosen)
            ? chosen
            : RepositoryPaths.FindUpwards(Path.Combine("features", "targets", profile + ".yaml"));
        if (targets is not null)
        {
            inputs.Add(InputFile.Targets(targets));
        }

        if (waivers is not null)
        {
            inputs.Add(new InputFile("waivers", waivers, p => _ = WaiverFile.Load(p)));
        }

        string? package = settings.TryGetValue(CnfPackage.SettingKey, out string? dir) ? dir : RepositoryPaths.FindUpwards(CnfPackage.DefaultRelativePath);
        if (package is not null)
        {
            inputs.Add(InputFile.Package(package));
        }

        IReadOnlyList<CapabilityDefinition> capabilities;
        try
        {
            capabilities = (catalogPath is null ? RequirementCatalog.LoadDefault() : RequirementCatalog.Load(catalogPath)).Capabilities;
        }
        catch (ConfigurationException)
        {
            capabilities = []; // reported with the catalogue's own problems
        }

        IReadOnlyList<ValidationError> target = factory.Validate(new LabTargetOptions { Profile = profile, Seed = seed, Catalogue = capabilities, Settings = settings });
        InputValidator.ThrowIfInvalid(inputs, target);
    }
}
