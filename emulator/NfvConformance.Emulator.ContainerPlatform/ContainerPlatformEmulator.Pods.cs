// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.ContainerPlatform;
using NfvConformance.Emulator.ContainerPlatform.Cluster;
using NfvConformance.Emulator.ContainerPlatform.Cni;
using NfvConformance.Emulator.ContainerPlatform.Manifests;

namespace NfvConformance.Emulator.ContainerPlatform;

/// <summary>The scheduler, the device plugins and the kubelet: binding, device allocation, sandbox and containers.</summary>
public sealed partial class ContainerPlatformEmulator
{
    private void Admit(PodRecord pod)
    {
        ClusterNode? node = Schedule(pod, out string? why);
        if (node is null)
        {
            if (pod.Unschedulable != why)
            {
                pod.Events.Add($"FailedScheduling: {why}");
            }

            pod.Unschedulable = why;
            return;
        }

        pod.Unschedulable = null;
        pod.NodeName = node.Name;
        pod.Events.Add($"Scheduled: Successfully assigned {pod.Key} to {node.Name}");
        AllocateDevices(pod, node);
        foreach (ContainerSpec c in pod.InitContainers.Concat(pod.Containers))
        {
            pod.ContainerStates[c.Name] = new ContainerState();
        }

        CreateSandbox(pod, node);
        if (pod.SandboxError is null)
        {
            StartContainers(pod);
        }
    }

    private ClusterNode? Schedule(PodRecord pod, out string? why)
    {
        Dictionary<string, long> requests = pod.Requests;
        string? nodeName = pod.Spec.Str("nodeName");
        Dictionary<string, string> selector = pod.Spec.Map("nodeSelector");
        Dictionary<string, int> reasons = new(StringComparer.Ordinal);
        List<ClusterNode> fit = [];
        foreach (ClusterNode node in _nodes)
        {
            if ((nodeName is not null && nodeName != node.Name) || !selector.All(kv => node.Labels.GetValueOrDefault(kv.Key) == kv.Value))
            {
                reasons["node(s) didn't match Pod's node affinity/selector"] = reasons.GetValueOrDefault("node(s) didn't match Pod's node affinity/selector") + 1;
                continue;
            }

            List<string> missing = requests
                .Where(r => r.Value > node.Allocatable.GetValueOrDefault(r.Key) - Used(node, r.Key))
                .Select(r => $"Insufficient {r.Key}")
                .ToList();
            foreach (string m in missing)
            {
                reasons[m] = reasons.GetValueOrDefault(m) + 1;
            }

            if (missing.Count == 0)
            {
                fit.Add(node);
            }
        }

        if (fit.Count == 0)
        {
            why = $"0/{_nodes.Count} nodes are available: {string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"))}.";
            return null;
        }

        why = null;
        return fit.OrderBy(n => _pods.Values.Count(p => p.NodeName == n.Name)).ThenBy(n => n.Index).First();
    }

    private long Used(ClusterNode node, string resource) =>
        _pods.Values.Where(p => p.NodeName == node.Name).Sum(p => p.Requests.GetValueOrDefault(resource));

    private void AllocateDevices(PodRecord pod, ClusterNode node)
    {
        foreach ((string resource, long count) in pod.Requests)
        {
            List<VirtualFunction> free = node.VirtualFunctions.Where(v => v.Resource == resource && v.AllocatedTo is null).Take((int)count).ToList();
            if (free.Count > 0)
            {
                foreach (VirtualFunction vf in free)
                {
                    vf.AllocatedTo = pod.Key;
                }

                pod.Devices[resource] = free.Select(v => v.PciAddress).ToList();
                continue;
            }

            List<string> accelerators = node.Hardware.Accelerators
                .Where(a => resource == a.Kind switch { "crypto" => "qat.intel.com/cy", "compression" => "qat.intel.com/dc", "gpu" => "nvidia.com/gpu", "fpga" => "intel.com/fpga", _ => string.Empty })
                .Select(a => a.PciAddress)
                .Where(pci => !_pods.Values.Any(p => p.NodeName == node.Name && p.Devices.Values.Any(d => d.Contains(pci))))
                .Take((int)count)
                .ToList();
            if (accelerators.Count > 0)
            {
                pod.Devices[resource] = accelerators;
            }
        }
    }

    private void StartContainers(PodRecord pod)
    {
        foreach (ContainerSpec init in pod.InitContainers)
        {
            ContainerState state = pod.ContainerStates[init.Name];
            state.StartedAt = Now();
            state.State = "running";
            state.Reason = null;
            bool longRunning = init.Sidecar || pod.Spec.Arr("initContainers").Any(c => c.Str("name") == init.Name && c.Str("restartPolicy") == "Always");
            if (init.Sidecar)
            {
                pod.Events.Add($"Started: Started container {init.Name} (sidecar)");
                continue;
            }

            if (longRunning)
            {
                // Without native sidecars the field is dropped: a proxy run as a plain init container never exits, so
                // initialisation never completes and the main containers never start.
                pod.Events.Add($"Started: Started init container {init.Name}; it does not exit, so the pod stays initialising");
                foreach (ContainerSpec main in pod.Containers)
                {
                    pod.ContainerStates[main.Name].Reason = "PodInitializing";
                }

                return;
            }

            state.State = "terminated";
            state.Reason = "Completed";
        }

        foreach (ContainerSpec main in pod.Containers)
        {
            ContainerState state = pod.ContainerStates[main.Name];
            state.State = "running";
            state.Reason = null;
            state.StartedAt = Now();
            pod.Events.Add($"Started: Started container {main.Name}");
        }

        pod.Phase = "Running";
    }

    private void DeletePod(PodRecord pod)
    {
        if (pod.NodeName is not null && _nodes.FirstOrDefault(n => n.Name == pod.NodeName) is { } node)
        {
            TearDownSandbox(pod, node);
            foreach (VirtualFunction vf in node.VirtualFunctions.Where(v => v.AllocatedTo == pod.Key))
            {
                vf.AllocatedTo = null;
            }
        }

        _pods.Remove(pod.Key);
    }

    private void SchedulePending()
    {
        foreach (PodRecord pod in _pods.Values.Where(p => p.NodeName is null).OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
        {
            Admit(pod);
        }
    }

    private PodView ToView(PodRecord pod)
    {
        List<PodCondition> conditions = [];
        conditions.Add(pod.Unschedulable is null
            ? new PodCondition("PodScheduled", "True", null, null)
            : new PodCondition("PodScheduled", "False", "Unschedulable", pod.Unschedulable));
        int completedInit = pod.InitContainers.Count(c => c.Sidecar ? pod.ContainerStates.GetValueOrDefault(c.Name)?.State == "running" : pod.ContainerStates.GetValueOrDefault(c.Name)?.State == "terminated");
        bool initialized = pod.NodeName is not null && completedInit == pod.InitContainers.Count;
        if (pod.NodeName is not null)
        {
            conditions.Add(new PodCondition("Initialized", initialized ? "True" : "False", initialized ? null : "ContainersNotInitialized", null));
            conditions.Add(new PodCondition("Ready", pod.IsRunning ? "True" : "False", pod.IsRunning ? null : "ContainersNotReady", null));
        }

        string status = pod.NodeName is null ? "Pending"
            : pod.SandboxError is not null ? "ContainerCreating"
            : !initialized ? $"Init:{completedInit}/{pod.InitContainers.Count}"
            : pod.Phase;
        ContainerStatusView View(ContainerSpec c)
        {
            ContainerState s = pod.ContainerStates.GetValueOrDefault(c.Name) ?? new ContainerState();
            return new ContainerStatusView(c.Name, s.State, s.Reason, s.State != "waiting", s.State == "running", s.StartedAt, 0);
        }

        return new PodView(
            pod.Namespace,
            pod.Name,
            pod.NodeName,
            pod.Phase,
            status,
            pod.PodIps.Select(a => a.ToString()).ToList(),
            pod.HostNetwork,
            new Dictionary<string, string>(pod.Labels),
            new Dictionary<string, string>(pod.Annotations),
            conditions,
            pod.InitContainers.Select(View).ToList(),
            pod.Containers.Select(View).ToList(),
            pod.Events.ToList());
    }
}
