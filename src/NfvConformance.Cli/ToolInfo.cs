// Licensed under the Apache License, Version 2.0.
using System.Reflection;

namespace NfvConformance.Cli;

/// <summary>Facts about this build of nfvc.</summary>
internal static class ToolInfo
{
    /// <summary>Gets the informational version (from Directory.Build.props).</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
