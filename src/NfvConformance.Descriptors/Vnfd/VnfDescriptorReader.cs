// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Descriptors.Yaml;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Descriptors.Vnfd;

/// <summary>
/// Reads a VNF descriptor (YAML under a top-level <c>vnfd:</c> key) and reports every problem with file, line and
/// field. The format is documented in docs/vnf-descriptor.md. The emulator's lifecycle manager and the real targets
/// (<c>nfvc run --vnf FILE</c>) read the same files with this one reader.
/// </summary>
public static class VnfDescriptorReader
{
    private static readonly string[] s_kinds = ["vm", "container", "netns"];

    /// <summary>Parses a descriptor into the lifecycle model of Abstractions.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="file">The file name errors are reported against.</param>
    /// <returns>The descriptor, or null and every problem found.</returns>
    public static (VnfDescriptor? Descriptor, IReadOnlyList<ValidationError> Errors) Parse(string text, string file)
    {
        (VnfPackage? package, IReadOnlyList<ValidationError> errors) = ParsePackage(text, file);
        return (package?.Descriptor, errors);
    }

    /// <summary>Reads a descriptor file into a <see cref="VnfPackage"/>; relative paths in it resolve against its folder.</summary>
    /// <param name="path">The descriptor file.</param>
    /// <returns>The package.</returns>
    /// <exception cref="ConfigurationException">The file cannot be read or has problems; the message lists each with file:line.</exception>
    public static VnfPackage Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the VNF descriptor ({e.Message}); pass an existing YAML file to --vnf.", e);
        }

        (VnfPackage? package, IReadOnlyList<ValidationError> errors) = ParsePackage(text, path);
        if (package is null)
        {
            throw new ConfigurationException(
                $"The VNF descriptor {path} has {errors.Count} problem(s); fix them (format: docs/vnf-descriptor.md):{Environment.NewLine}"
                + string.Join(Environment.NewLine, errors.Select(e => $"  {e.Subject}: {e.Message}")));
        }

        return package;
    }

    /// <summary>Parses a descriptor with how each unit is realised (netns commands, container image, VM image).</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="file">The file name errors are reported against; relative paths resolve against its folder.</param>
    /// <returns>The package, or null and every problem found.</returns>
    public static (VnfPackage? Package, IReadOnlyList<ValidationError> Errors) ParsePackage(string text, string file)
    {
        YamlFieldReader r = new(file);
        YamlMappingNode? root = r.LoadRoot(text);
        if (root is null)
        {
            return (null, r.Errors);
        }

        r.CheckKnownFields(root, string.Empty, "vnfd");
        YamlMappingNode? vnfd = r.Mapping(root, "vnfd", string.Empty, required: true);
        if (vnfd is null)
        {
            return (null, r.Errors);
        }

        const string P = "vnfd";
        r.CheckKnownFields(vnfd, P, "id", "version", "provider", "function", "required_capabilities", "wishes", "configuration", "deployment_units", "scaling_aspects");
        string id = r.String(vnfd, "id", P) ?? "?";
        string version = r.String(vnfd, "version", P) ?? "?";
        string provider = r.String(vnfd, "provider", P, required: false, fallback: "unknown")!;
        string? function = r.String(vnfd, "function", P, required: false);
        if (function is not null && Array.IndexOf(VnfPackage.Functions, function) < 0)
        {
            r.Error(YamlFieldReader.Find(vnfd, "function")!, $"{P}.function", $"'{function}' is not a chain function; use one of: {string.Join(", ", VnfPackage.Functions)}.");
        }

        IReadOnlyList<string> required = r.Strings(vnfd, "required_capabilities", P);
        IReadOnlyList<string> wishes = r.Strings(vnfd, "wishes", P);
        Dictionary<string, string> configuration = new(StringComparer.Ordinal);
        YamlMappingNode? config = r.Mapping(vnfd, "configuration", P, required: false);
        if (config is not null)
        {
            foreach (KeyValuePair<YamlNode, YamlNode> kv in config.Children)
            {
                string key = (kv.Key as YamlScalarNode)?.Value ?? string.Empty;
                if (kv.Value is YamlScalarNode { Value: { } value })
                {
                    configuration[key] = value;
                }
                else
                {
                    r.Error(kv.Value, $"{P}.configuration.{key}", "expected a single value.");
                }
            }
        }

        List<DeploymentUnit> units = [];
        Dictionary<string, VnfRealisation> realisations = new(StringComparer.Ordinal);
        HashSet<string> unitNames = new(StringComparer.Ordinal);
        string folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        foreach ((YamlMappingNode node, string path) in r.Mappings(vnfd, "deployment_units", P, required: true))
        {
            DeploymentUnit du = ReadUnit(r, node, path);
            realisations[du.Name] = ReadRealisation(r, node, path, folder, du);
            if (!unitNames.Add(du.Name))
            {
                r.Error(YamlFieldReader.Find(node, "name") ?? node, $"{path}.name", $"deployment unit '{du.Name}' is defined twice; names must be unique.");
            }

            units.Add(du);
        }

        if (units.Count == 0 && !r.HasErrors)
        {
            r.Error(vnfd, $"{P}.deployment_units", "is empty; describe at least one deployment unit.");
        }

        List<ScalingAspect> aspects = [];
        foreach ((YamlMappingNode node, string path) in r.Mappings(vnfd, "scaling_aspects", P, required: false))
        {
            r.CheckKnownFields(node, path, "name", "deployment_unit", "step");
            ScalingAspect aspect = new(r.String(node, "name", path) ?? "?", r.String(node, "deployment_unit", path) ?? "?", r.Int(node, "step", path, 1, min: 1));
            if (aspect.DeploymentUnit != "?" && !unitNames.Contains(aspect.DeploymentUnit))
            {
                r.Error(YamlFieldReader.Find(node, "deployment_unit")!, $"{path}.deployment_unit", $"'{aspect.DeploymentUnit}' is not a deployment unit of this descriptor (known: {string.Join(", ", unitNames)}).");
            }

            aspects.Add(aspect);
        }

        if (function is not null && units.Count > 1 && !r.HasErrors)
        {
            r.Error(YamlFieldReader.Find(vnfd, "function")!, $"{P}.function", "a VNF that replaces a chain function has exactly one deployment unit (one hop of the chain); split the others into their own descriptors.");
        }

        if (r.HasErrors)
        {
            return (null, r.Errors);
        }

        VnfDescriptor descriptor = new(id, version, provider, units, aspects, required, wishes, configuration, r.Where(vnfd));
        return (new VnfPackage(descriptor, function, realisations, file), []);
    }

    private static DeploymentUnit ReadUnit(YamlFieldReader r, YamlMappingNode n, string p)
    {
        r.CheckKnownFields(
            n, p, "name", "kind", "image", "cores", "memory_mb", "hugepages_mb", "dedicated_cores", "numa_aligned", "instances", "min_instances",
            "max_instances", "anti_affinity", "event_driven", "site", "profile", "extensions", "connection_points", "accelerators", "realisation");
        string name = r.String(n, "name", p) ?? "?";
        string kindText = r.String(n, "kind", p, required: false, fallback: "vm")!;
        if (Array.IndexOf(s_kinds, kindText) < 0)
        {
            r.Error(YamlFieldReader.Find(n, "kind")!, $"{p}.kind", $"'{kindText}' is not one of {string.Join(", ", s_kinds)}.");
        }

        bool eventDriven = r.Bool(n, "event_driven", p, false);
        int instances = r.Int(n, "instances", p, eventDriven ? 0 : 1);
        int min = r.Int(n, "min_instances", p, eventDriven ? 0 : Math.Min(1, instances));
        int max = r.Int(n, "max_instances", p, Math.Max(instances, 1), min: 1);
        if (min > instances || instances > max)
        {
            r.Error(YamlFieldReader.Find(n, "instances") ?? n, $"{p}.instances", $"needs min_instances <= instances <= max_instances, got {min} <= {instances} <= {max}.");
        }

        if (eventDriven && instances != 0)
        {
            r.Error(YamlFieldReader.Find(n, "instances")!, $"{p}.instances", "an event-driven unit starts at 0 instances (it starts on the first event); set instances: 0.");
        }

        string? profile = r.String(n, "profile", p, required: false);
        if (profile is not null && Profiles.CatalogueKey(profile) is null)
        {
            r.Error(YamlFieldReader.Find(n, "profile")!, $"{p}.profile", $"unknown profile '{profile}'; use one of: {string.Join(", ", Profiles.All)}.");
        }

        ResourceRequest resources = new(
            r.Int(n, "cores", p, min: 1),
            r.Long(n, "memory_mb", p),
            r.Long(n, "hugepages_mb", p, 0),
            r.Bool(n, "dedicated_cores", p, false),
            r.Bool(n, "numa_aligned", p, false));

        List<ConnectionPoint> cps = [];
        foreach ((YamlMappingNode cp, string cpp) in r.Mappings(n, "connection_points", p, required: false))
        {
            r.CheckKnownFields(cp, cpp, "name", "attachment");
            IReadOnlyList<string> rungs = ReadRungs(r, cp, "attachment", cpp);
            cps.Add(new ConnectionPoint(r.String(cp, "name", cpp) ?? "?", rungs));
        }

        List<PreferenceLadder> accelerators = [];
        foreach ((YamlMappingNode acc, string ap) in r.Mappings(n, "accelerators", p, required: false))
        {
            r.CheckKnownFields(acc, ap, "name", "rungs", "required");
            accelerators.Add(new PreferenceLadder(r.String(acc, "name", ap) ?? "?", ReadRungs(r, acc, "rungs", ap), r.Bool(acc, "required", ap, true)));
        }

        return new DeploymentUnit(
            name,
            kindText is "container" or "netns" ? WorkloadKind.Container : WorkloadKind.VirtualMachine,
            r.String(n, "image", p, required: false, fallback: $"{name}.img")!,
            resources,
            instances,
            min,
            max,
            r.Bool(n, "anti_affinity", p, false),
            eventDriven,
            r.String(n, "site", p, required: false),
            profile,
            r.Strings(n, "extensions", p),
            cps,
            accelerators);
    }

    private static VnfRealisation ReadRealisation(YamlFieldReader r, YamlMappingNode unit, string unitPath, string folder, DeploymentUnit du)
    {
        string kindText = (YamlFieldReader.Find(unit, "kind") as YamlScalarNode)?.Value ?? "vm";
        RealisationKind kind = kindText switch
        {
            "netns" => RealisationKind.Netns,
            "container" => RealisationKind.Container,
            _ => RealisationKind.VirtualMachine,
        };
        YamlMappingNode? n = r.Mapping(unit, "realisation", unitPath, required: false);
        if (n is null)
        {
            if (kind == RealisationKind.Netns)
            {
                r.Error(unit, $"{unitPath}.realisation", "is missing; a netns unit needs realisation.commands (what to run in its namespace).");
            }

            return new VnfRealisation(kind, [], null, [], [], null, false, 10, null, null, []);
        }

        string p = $"{unitPath}.realisation";
        r.CheckKnownFields(n, p, "commands", "image_file", "command", "capabilities", "user", "read_only", "stop_grace_seconds", "kernel", "initrd", "guest_modules");
        IReadOnlyList<string> commands = r.Strings(n, "commands", p);
        if (kind == RealisationKind.Netns && commands.Count == 0)
        {
            r.Error(YamlFieldReader.Find(n, "commands") ?? n, $"{p}.commands", "a netns unit needs at least one command to run in its namespace (for example 'sysctl -w net.ipv4.ip_forward=1').");
        }

        string? imageFile = ResolvedPath(r, n, "image_file", p, folder);
        string? kernel = ResolvedPath(r, n, "kernel", p, folder);
        string? initrd = ResolvedPath(r, n, "initrd", p, folder);
        if (kind != RealisationKind.Container && imageFile is not null)
        {
            r.Error(YamlFieldReader.Find(n, "image_file")!, $"{p}.image_file", $"only a container unit has an image file; this unit is kind '{kindText}'.");
        }

        if (kind != RealisationKind.VirtualMachine && (kernel is not null || initrd is not null))
        {
            r.Error(YamlFieldReader.Find(n, "kernel") ?? YamlFieldReader.Find(n, "initrd")!, p, $"kernel and initrd are for a vm unit; this unit is kind '{kindText}'.");
        }

        IReadOnlyList<string> caps = r.Strings(n, "capabilities", p);
        foreach (string cap in caps)
        {
            if (cap.Length == 0 || !cap.All(c => char.IsAsciiLetterUpper(c) || c == '_') || cap == "ALL")
            {
                r.Error(YamlFieldReader.Find(n, "capabilities")!, $"{p}.capabilities", $"'{cap}' is not a capability name; list them one by one in upper case without CAP_ (NET_ADMIN, NET_RAW); ALL is refused.");
            }
        }

        if (du.ConnectionPoints.Count == 0)
        {
            r.Error(unit, $"{unitPath}.connection_points", "is missing; a realised unit needs its interfaces (one per connection point, named after it).");
        }

        if (YamlFieldReader.Find(unit, "connection_points") is YamlSequenceNode cps)
        {
            for (int i = 0; i < cps.Children.Count; i++)
            {
                if (cps.Children[i] is YamlMappingNode cp && YamlFieldReader.Find(cp, "name") is YamlScalarNode { Value: { } name } nameNode
                    && (name.Length is 0 or > 15 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
                {
                    r.Error(nameNode, $"{unitPath}.connection_points[{i}].name", $"'{name}' cannot name a Linux interface; use at most 15 letters, digits, '-' or '_'.");
                }
            }
        }

        return new VnfRealisation(
            kind,
            commands,
            imageFile,
            r.Strings(n, "command", p),
            caps,
            r.String(n, "user", p, required: false),
            r.Bool(n, "read_only", p, false),
            r.Int(n, "stop_grace_seconds", p, 10, min: 1),
            kernel,
            initrd,
            r.Strings(n, "guest_modules", p));
    }

    private static string? ResolvedPath(YamlFieldReader r, YamlMappingNode n, string field, string path, string folder)
    {
        string? value = r.String(n, field, path, required: false);
        if (value is null)
        {
            return null;
        }

        string full = Path.GetFullPath(Path.Combine(folder, value));
        if (!File.Exists(full))
        {
            r.Error(YamlFieldReader.Find(n, field)!, $"{path}.{field}", $"file '{full}' does not exist; give a path relative to the descriptor's folder.");
        }

        return full;
    }

    private static IReadOnlyList<string> ReadRungs(YamlFieldReader r, YamlMappingNode node, string field, string path)
    {
        IReadOnlyList<string> rungs = r.Strings(node, field, path);
        if (YamlFieldReader.Find(node, field) is null)
        {
            r.Error(node, $"{path}.{field}", $"is missing; list rungs best first, from: {string.Join(", ", Rungs.All)}.");
        }

        foreach (string rung in rungs)
        {
            if (!Rungs.All.Contains(rung))
            {
                r.Error(YamlFieldReader.Find(node, field)!, $"{path}.{field}", $"unknown rung '{rung}'; known rungs: {string.Join(", ", Rungs.All)}.");
            }
        }

        return rungs;
    }
}
