// Licensed under the Apache License, Version 2.0.
namespace NfvConformance.Lab.Linux;

/// <summary>Names shared by every part of the Linux lab.</summary>
public static class LinuxLab
{
    /// <summary>The name users type after <c>--target</c>.</summary>
    public const string TargetName = "linux";
}
