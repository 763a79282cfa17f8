// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text.Json;
using NfvConformance.Lab.Linux.Run;

namespace NfvConformance.Lab.Workloads.Host;

/// <summary>Reads an instance's interfaces, namespace and process from the kernel (rtnetlink through iproute2's JSON, /proc).</summary>
internal static class KernelFacts
{
    public static async Task<List<WorkloadFact>> ReadAsync(string netnsPath, int pid, CancellationToken ct)
    {
        List<WorkloadFact> facts = [];
        string src = $"kernel:rtnetlink in {netnsPath} (ip -j addr)";
        ShellResult r = await Shell.RunAsync("nsenter", [$"--net={netnsPath}", "ip", "-j", "addr", "show"], ct).ConfigureAwait(false);
        if (r.Succeeded)
        {
            using JsonDocument doc = JsonDocument.Parse(r.Stdout);
            foreach (JsonElement link in doc.RootElement.EnumerateArray())
            {
                string name = link.GetProperty("ifname").GetString() ?? "?";
                if (name == "lo")
                {
                    continue;
                }

                facts.Add(new WorkloadFact($"interface.{name}.mac", link.TryGetProperty("address", out JsonElement mac) ? mac.GetString() ?? string.Empty : string.Empty, src));
                facts.Add(new WorkloadFact($"interface.{name}.state", link.TryGetProperty("operstate", out JsonElement st) ? st.GetString() ?? string.Empty : string.Empty, src));
                if (link.TryGetProperty("addr_info", out JsonElement addrs))
                {
                    foreach (JsonElement a in addrs.EnumerateArray())
                    {
                        string family = a.GetProperty("family").GetString() ?? "?";
                        if (family is "inet" or "inet6" && !(a.GetProperty("local").GetString() ?? string.Empty).StartsWith("fe80", StringComparison.Ordinal))
                        {
                            facts.Add(new WorkloadFact($"interface.{name}.{(family == "inet" ? "ipv4" : "ipv6")}", $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}", src));
                        }
                    }
                }
            }
        }

        FileSystemInfo? ns = new FileInfo($"/proc/{pid}/ns/net").ResolveLinkTarget(false);
        facts.Add(new WorkloadFact("netns.inode", ns?.Name ?? new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? "?", $"kernel:readlink /proc/{pid}/ns/net"));
        facts.Add(new WorkloadFact("process.pid", pid.ToString(CultureInfo.InvariantCulture), $"kernel:/proc/{pid}"));
        string cmdline = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim() : string.Empty;
        facts.Add(new WorkloadFact("process.cmdline", cmdline, $"kernel:/proc/{pid}/cmdline"));
        string? uid = File.Exists($"/proc/{pid}/status") ? File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) : null;
        if (uid is not null)
        {
            facts.Add(new WorkloadFact("process.uid", uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], $"kernel:/proc/{pid}/status Uid"));
        }

        return facts;
    }
}
