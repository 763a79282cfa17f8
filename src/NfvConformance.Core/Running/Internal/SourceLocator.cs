// Licensed under the Apache License, Version 2.0.
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace NfvConformance.Core.Running.Internal;

/// <summary>Finds a method's source file and line in its assembly's portable PDB (beside the assembly or embedded).</summary>
internal static class SourceLocator
{
    private static readonly ConcurrentDictionary<Assembly, MetadataReaderProvider?> s_providers = new();

    /// <summary>Gets <c>file:line</c> of the method's first sequence point, or null when there is no PDB.</summary>
    public static string? Find(MethodBase method)
    {
        try
        {
            MetadataReaderProvider? provider = s_providers.GetOrAdd(method.Module.Assembly, Open);
            if (provider is null)
            {
                return null;
            }

            MetadataReader reader;
            lock (provider)
            {
                reader = provider.GetMetadataReader();
            }

            MethodBase target = method;
            if (method.GetCustomAttribute<StateMachineAttribute>() is { } stateMachine
                && stateMachine.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) is { } moveNext)
            {
                target = moveNext;
            }

            MethodDefinitionHandle handle = MetadataTokens.MethodDefinitionHandle(target.MetadataToken);
            MethodDebugInformation info = reader.GetMethodDebugInformation(handle.ToDebugInformationHandle());
            foreach (SequencePoint point in info.GetSequencePoints())
            {
                if (!point.IsHidden)
                {
                    string file = reader.GetString(reader.GetDocument(point.Document).Name);
                    return file + ":" + point.StartLine.ToString(CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            // A missing or unreadable PDB only costs the location; callers fall back to the method name.
        }

        return null;
    }

    private static MetadataReaderProvider? Open(Assembly assembly)
    {
        if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location))
        {
            return null;
        }

        string pdb = Path.ChangeExtension(assembly.Location, ".pdb");
        if (File.Exists(pdb))
        {
            try
            {
                return MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
            }
            catch (BadImageFormatException)
            {
                // A Windows (non-portable) PDB: try the embedded one below.
            }
        }

        using PEReader pe = new(File.OpenRead(assembly.Location));
        foreach (DebugDirectoryEntry entry in pe.ReadDebugDirectory())
        {
            if (entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb)
            {
                return pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
            }
        }

        return null;
    }
}
