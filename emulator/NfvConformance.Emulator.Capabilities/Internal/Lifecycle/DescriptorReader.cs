// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using NfvConformance.Abstractions.Lifecycle;
using NfvConformance.Abstractions.Negotiation;
using NfvConformance.Abstractions.Placement;
using NfvConformance.Abstractions.Requirements;
using NfvConformance.Emulator.Capabilities.Internal.Yaml;
using YamlDotNet.RepresentationModel;

namespace NfvConformance.Emulator.Capabilities.Internal.Lifecycle;

/// <summary>Reads a VNF descriptor (YAML under a top-level <c>vnfd:</c> key) and reports every problem with file, line and field.</summary>
internal static class DescriptorReader
{
    private static readonly string[] s_kinds = ["vm", "container"];

    public static (VnfDescriptor? Descriptor, IReadOnlyList<ValidationError> Errors) Parse(string text, string file)
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
        r.CheckKnownFields(vnfd, P, "id", "version", "provider", "required_capabilities", "wishes", "configuration", "deployment_units", "scaling_aspects");
        string id = r.String(vnfd, "id", P) ?? "?";
        string version = r.String(vnfd, "version", P) ?? "?";
        string provider = r.String(vnfd, "provider", P, required: false, fallback: "unknown")!;
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
        HashSet<string> unitNames = new(StringComparer.Ordinal);
        foreach ((YamlMappingNode node, string path) in r.Mappings(vnfd, "deployment_units", P, required: true))
        {
            DeploymentUnit du = ReadUnit(r, node, path);
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

        return r.HasErrors
            ? (null, r.Errors)
            : (new VnfDescriptor(id, version, provider, units, aspects, required, wishes, configuration, r.Where(vnfd)), []);
    }

    private static DeploymentUnit ReadUnit(YamlFieldReader r, YamlMappingNode n, string p)
    {
        r.CheckKnownFields(
            n, p, "name", "kind", "image", "cores", "memory_mb", "hugepages_mb", "dedicated_cores", "numa_aligned", "instances", "min_instances",
            "max_instances", "anti_affinity", "event_driven", "site", "profile", "extensions", "connection_points", "accelerators");
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
            kindText == "container" ? WorkloadKind.Container : WorkloadKind.VirtualMachine,
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
