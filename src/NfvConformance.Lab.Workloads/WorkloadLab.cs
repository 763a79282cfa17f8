// Licensed under the Apache License, Version 2.0.
using Docker.DotNet.Models;
using NfvConformance.Descriptors.Vnfd;
using NfvConformance.Lab.Linux.Target;
using NfvConformance.Lab.Workloads.Docker;
using NfvConformance.Lab.Workloads.Images;
using NfvConformance.Lab.Workloads.Onboarding;

namespace NfvConformance.Lab.Workloads;

/// <summary>
/// The workloads of one linux-target run, shared by every facet that starts them: the Docker engine (opened on first
/// use: the <c>docker</c> setting's daemon or a private dockerd), the image store, and one runtime per kind through
/// <see cref="VnfOnboarding"/>. A facet of the target, so another extension's facet finds it with
/// <c>lab.Facet&lt;WorkloadLab&gt;()</c>. Disposing it removes every container, VM, tap and image it created.
/// </summary>
public sealed class WorkloadLab : IAsyncDisposable
{
    private readonly string? _dockerEndpoint;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DockerEngine? _engine;
    private ImageStore? _images;

    /// <summary>Initializes a new instance of the <see cref="WorkloadLab"/> class.</summary>
    /// <param name="lab">The started linux lab.</param>
    /// <param name="dockerEndpoint">The <c>docker</c> setting, or null for a private dockerd.</param>
    public WorkloadLab(LinuxLabContext lab, string? dockerEndpoint)
    {
        ArgumentNullException.ThrowIfNull(lab);
        Lab = lab;
        _dockerEndpoint = dockerEndpoint;
        Onboarding = new VnfOnboarding(lab, DockerAsync);
    }

    /// <summary>Gets the linux lab the workloads belong to (run id, names, state folder).</summary>
    public LinuxLabContext Lab { get; }

    /// <summary>Gets the onboarding of vendor VNFs and the runtime per kind.</summary>
    public VnfOnboarding Onboarding { get; }

    /// <summary>Tells why workloads of a kind cannot run here, or null when they can.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The reason, or null.</returns>
    public string? Unavailable(RealisationKind kind) => kind switch
    {
        RealisationKind.Container => _dockerEndpoint is null ? DockerEngine.Unavailable() : null,
        RealisationKind.VirtualMachine => Vm.VmRuntime.Unavailable(),
        _ => null,
    };

    /// <summary>Opens the Docker engine on first use.</summary>
    /// <returns>The engine.</returns>
    public async Task<DockerEngine> DockerAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _engine ??= await DockerEngine.OpenAsync(Lab, _dockerEndpoint).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Builds (once, cached by content hash) one of the project's CNF images in the engine.</summary>
    /// <param name="recipe">The image.</param>
    /// <returns>The image reference.</returns>
    public async Task<string> ImageAsync(ImageRecipe recipe) => await (await ImagesAsync().ConfigureAwait(false)).BuildAsync(recipe).ConfigureAwait(false);

    /// <summary>Gets the run's image store (opening the engine on first use).</summary>
    /// <returns>The store.</returns>
    public async Task<ImageStore> ImagesAsync()
    {
        DockerEngine engine = await DockerAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _images ??= new ImageStore(engine);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes a container image a descriptor names available: one of the project's images (<see cref="CnfImages"/>) is built with the tag stamped in (a new tag is a new image) and tagged so; any other must be in the daemon already (no registry is reachable).</summary>
    /// <param name="reference">The image reference (<c>nfvc/cnf:1.0</c>).</param>
    /// <returns>Null when the image is there; otherwise why not and what to do.</returns>
    public async Task<string?> ResolveImageAsync(string reference)
    {
        DockerEngine engine = await DockerAsync().ConfigureAwait(false);
        ImageRecipe? recipe = CnfImages.Named(reference);
        if (recipe is null)
        {
            try
            {
                await engine.Client.Images.InspectImageAsync(reference).ConfigureAwait(false);
                return null;
            }
            catch (global::Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return $"image '{reference}' is not in the Docker daemon at {engine.Endpoint} and no registry is reachable; load it there (docker load) or name one of the project's images ({string.Join(", ", CnfImages.All.Select(r => r.Name))}).";
            }
        }

        int colon = reference.IndexOf(':', StringComparison.Ordinal);
        string tag = colon < 0 ? "latest" : reference[(colon + 1)..];
        ImageRecipe versioned = recipe with
        {
            Dockerfile = recipe.Dockerfile + "COPY nfvc-version /etc/nfvc-version\n",
            Files = new Dictionary<string, string>(recipe.Files) { ["nfvc-version"] = tag + "\n" },
        };
        string built = await ImageAsync(versioned).ConfigureAwait(false);
        await engine.CallAsync($"tag of {built} as {recipe.Name}:{tag}", c => c.Images.TagImageAsync(built, new ImageTagParameters { RepositoryName = recipe.Name, Tag = tag })).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Onboarding.DisposeAsync().ConfigureAwait(false);
        if (_engine is not null)
        {
            await _engine.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
