// Licensed under the Apache License, Version 2.0.
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Host;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Traffic;
using NfvConformance.Lab.Workloads.Vm;
using NfvConformance.Lab.Workloads.Wiring;

namespace NfvConformance.Lab.Workloads.Onboarding;

/// <summary>The verdict of carrying traffic through a vendor's VNF.</summary>
/// <param name="Passed">True when every packet came through.</param>
/// <param name="Traffic">What the flows saw.</param>
/// <param name="Hops">Packets counted at each hop.</param>
/// <param name="Reason">Why it failed, or what passed.</param>
public sealed record VnfChainVerdict(bool Passed, FlowReport Traffic, IReadOnlyList<HopCount> Hops, string Reason);

/// <summary>
/// Onboards a vendor's VNF from its descriptor (<c>--vnf FILE</c>): realises its one unit with the runtime of its kind
/// (netns, container, VM), in place of the built-in function in a chain, and carries traffic through it.
/// </summary>
public sealed class VnfOnboarding : IAsyncDisposable
{
    private readonly LinuxLabContext _run;
    private readonly Func<Task<DockerEngine>> _docker;
    private readonly Dictionary<RealisationKind, IWorkloadRuntime> _runtimes = [];
    private ImageStore? _images;

    /// <summary>Initializes a new instance of the <see cref="VnfOnboarding"/> class.</summary>
    /// <param name="run">The run.</param>
    /// <param name="docker">Opens the Docker engine when a container VNF needs it (private dockerd or --set docker).</param>
    public VnfOnboarding(LinuxLabContext run, Func<Task<DockerEngine>> docker)
    {
        _run = run;
        _docker = docker;
    }

    /// <summary>Gets (creating it on first use) the runtime for a kind of unit.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The runtime.</returns>
    public async Task<IWorkloadRuntime> RuntimeAsync(RealisationKind kind)
    {
        if (!_runtimes.TryGetValue(kind, out IWorkloadRuntime? rt))
        {
            rt = kind switch
            {
                RealisationKind.Netns => new NetnsRuntime(_run),
                RealisationKind.VirtualMachine => new VmRuntime(_run),
                _ => new ContainerRuntime(await _docker().ConfigureAwait(false)),
            };
            _runtimes[kind] = rt;
        }

        return rt;
    }

    /// <summary>Makes the spec of an instance of the package at a chain position: placeholders expanded, image resolved.</summary>
    /// <param name="package">The package.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="stage">The stage it replaces.</param>
    /// <param name="member">The member of the stage.</param>
    /// <param name="name">The instance name.</param>
    /// <returns>The spec.</returns>
    public Task<WorkloadSpec> SpecAsync(VnfPackage package, WorkloadChain chain, int stage, int member, string name) =>
        SpecAsync(package, chain.Expand(package.Realisation.Commands, stage, member), name, WorkloadChain.Macs(stage, member));

    /// <summary>Makes the spec of an instance of the package with its commands already expanded: image resolved, connection points checked.</summary>
    /// <param name="package">The package.</param>
    /// <param name="commands">The unit's commands, placeholders filled in.</param>
    /// <param name="name">The instance name.</param>
    /// <param name="macs">The MACs of its two interfaces, or null for the runtime's own.</param>
    /// <returns>The spec.</returns>
    public async Task<WorkloadSpec> SpecAsync(VnfPackage package, IReadOnlyList<string> commands, string name, IReadOnlyList<string>? macs)
    {
        ArgumentNullException.ThrowIfNull(package);
        VnfRealisation r = package.Realisation with { Commands = commands };
        string? image = null;
        if (r.Kind == RealisationKind.Container)
        {
            DockerEngine engine = await _docker().ConfigureAwait(false);
            _images ??= new ImageStore(engine);
            image = r.ImageFile is not null
                ? await _images.LoadFileAsync(r.ImageFile, package.Unit.Image).ConfigureAwait(false)
                : await ResolveImageAsync(package.Unit.Image, package.File, engine).ConfigureAwait(false);
        }

        string[] cps = [.. package.Unit.ConnectionPoints.Select(c => c.Name)];
        if (cps.Length != 2 || cps[0] != "left" || cps[1] != "right")
        {
            throw new WorkloadException($"{package.Descriptor.Source}: a VNF in a chain has two connection points named left and right (it has {string.Join(", ", cps)}); rename them.");
        }

        return new WorkloadSpec(name, cps, r, image) { Macs = macs };
    }

    /// <summary>Places the package at a chain position and plugs it in.</summary>
    /// <param name="package">The package.</param>
    /// <param name="chain">The chain.</param>
    /// <param name="stage">The stage.</param>
    /// <param name="member">The member.</param>
    /// <param name="name">The instance name.</param>
    /// <returns>The runtime and the instance.</returns>
    public async Task<(IWorkloadRuntime Runtime, WorkloadInstance Instance)> PlaceAsync(VnfPackage package, WorkloadChain chain, int stage, int member, string name)
    {
        WorkloadSpec spec = await SpecAsync(package, chain, stage, member, name).ConfigureAwait(false);
        IWorkloadRuntime rt = await RuntimeAsync(spec.Realisation.Kind).ConfigureAwait(false);
        WorkloadInstance i = await rt.StartAsync(spec).ConfigureAwait(false);
        await chain.AttachAsync(stage, member, rt, i).ConfigureAwait(false);
        return (rt, i);
    }

    /// <summary>Runs the chaining check: a one-stage chain with the VNF in it must deliver every packet of its flows.</summary>
    /// <param name="package">The package.</param>
    /// <param name="seconds">How long traffic runs.</param>
    /// <param name="pps">The rate.</param>
    /// <returns>The verdict.</returns>
    public async Task<VnfChainVerdict> CheckChainAsync(VnfPackage package, double seconds = 2, int pps = 1000)
    {
        await using WorkloadChain chain = await WorkloadChain.CreateAsync(_run, stages: 1).ConfigureAwait(false);
        (IWorkloadRuntime rt, WorkloadInstance i) = await PlaceAsync(package, chain, 0, 0, "vnf-" + Sanitize(package.Descriptor.Id)).ConfigureAwait(false);
        try
        {
            await chain.RouteOverAsync([0]).ConfigureAwait(false);
            IReadOnlyList<HopCount> before = await chain.CountAsync().ConfigureAwait(false);
            using UdpFlows flows = new(Netns.PathOf(chain.SourceNetns), chain.Source, Netns.PathOf(chain.SinkNetns), chain.Destination, 8, pps);
            flows.Start(TimeSpan.FromSeconds(seconds + 5));
            await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            FlowReport report = flows.Stop();
            IReadOnlyList<HopCount> after = await chain.CountAsync().ConfigureAwait(false);
            HopCount[] hops = [.. before.Zip(after, (b, a) => new HopCount(a.Hop, a.In - b.In, a.Out - b.Out))];
            bool ok = report.Sent > 0 && report.Lost == 0;
            string reason = ok
                ? $"{report.Received}/{report.Sent} packets through {package.Descriptor.Id}"
                : $"{report.Lost} of {report.Sent} packets lost in {package.Descriptor.Id} ({package.Descriptor.Source}): it received {hops[1].In} and forwarded {hops[1].Out}";
            return new VnfChainVerdict(ok, report, hops, reason);
        }
        finally
        {
            await rt.StopAsync(i, TimeSpan.FromSeconds(package.Realisation.StopGraceSeconds)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (IWorkloadRuntime rt in _runtimes.Values)
        {
            await rt.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<string> ResolveImageAsync(string image, string file, DockerEngine engine)
    {
        ImageRecipe? builtIn = CnfImages.Named(image);
        if (builtIn is not null)
        {
            return await _images!.BuildAsync(builtIn).ConfigureAwait(false);
        }

        try
        {
            await engine.Client.Images.InspectImageAsync(image).ConfigureAwait(false);
            return image;
        }
        catch (global::Docker.DotNet.DockerApiException)
        {
            throw new WorkloadException($"{file}: image '{image}' is not in the Docker daemon at {engine.Endpoint} and no registry is reachable; add realisation.image_file (a 'docker save' tarball) to the descriptor.");
        }
    }

    private static string Sanitize(string id) => new([.. id.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(20)]);
}
