// Licensed under the Apache License, Version 2.0.
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet.Models;
using NfvConformance.Lab.Workloads.Docker;

namespace NfvConformance.Lab.Workloads.Images;

/// <summary>One image the store can build: a Dockerfile over the host rootfs, plus files for its context.</summary>
/// <param name="Name">The repository name (<c>nfvc/cnf-router</c>).</param>
/// <param name="Dockerfile">The Dockerfile; <c>{ROOTFS}</c> stands for the rootfs image.</param>
/// <param name="Files">Files of the build context (path, content); a null content with a size makes a padding file of zeros.</param>
public sealed record ImageRecipe(string Name, string Dockerfile, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Gets the size of a padding file of zeros added to the context as <c>padding.bin</c> (0 for none).</summary>
    public long PaddingBytes { get; init; }
}

/// <summary>
/// Builds the run's images in a daemon: the host rootfs (<see cref="Rootfs"/>) through <c>docker import</c>, tagged
/// with its content hash, and CNF images built FROM it, tagged with the hash of their recipe and base. An image whose
/// tag is already present is not built again.
/// </summary>
public sealed class ImageStore
{
    private readonly DockerEngine _engine;
    private string? _rootfs;

    /// <summary>Initializes a new instance of the <see cref="ImageStore"/> class.</summary>
    /// <param name="engine">The daemon to build in.</param>
    public ImageStore(DockerEngine engine)
    {
        _engine = engine;
    }

    /// <summary>Gets how many images were built (not found in the cache) by this store.</summary>
    public int Built { get; private set; }

    /// <summary>Makes sure the rootfs image exists and returns its reference (<c>nfvc/rootfs:HASH12</c>).</summary>
    /// <param name="ct">Cancels the import.</param>
    /// <returns>The image reference.</returns>
    public async Task<string> RootfsAsync(CancellationToken ct = default)
    {
        if (_rootfs is not null)
        {
            return _rootfs;
        }

        (byte[] tar, string hash) = Rootfs.Build();
        string reference = $"nfvc/rootfs:{hash[..12]}";
        if (!await ExistsAsync(reference, ct).ConfigureAwait(false))
        {
            using MemoryStream stream = new(tar);
            await _engine.CallAsync("import of the rootfs image", c => c.Images.CreateImageAsync(
                new ImagesCreateParameters { FromSrc = "-", Repo = "nfvc/rootfs", Tag = hash[..12] },
                stream,
                null,
                new Progress<JSONMessage>(),
                ct)).ConfigureAwait(false);
            Built++;
        }

        _rootfs = reference;
        return reference;
    }

    /// <summary>Builds a recipe (or finds it built) and returns its reference (<c>NAME:HASH12</c>).</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="ct">Cancels the build.</param>
    /// <returns>The image reference.</returns>
    public async Task<string> BuildAsync(ImageRecipe recipe, CancellationToken ct = default)
    {
        string rootfs = await RootfsAsync(ct).ConfigureAwait(false);
        string dockerfile = recipe.Dockerfile.Replace("{ROOTFS}", rootfs, StringComparison.Ordinal);
        StringBuilder key = new(dockerfile);
        foreach ((string path, string content) in recipe.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            key.Append('\0').Append(path).Append('\0').Append(content);
        }

        key.Append('\0').Append(recipe.PaddingBytes);
        string tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..12];
        string reference = $"{recipe.Name}:{tag}";
        if (await ExistsAsync(reference, ct).ConfigureAwait(false))
        {
            return reference;
        }

        using MemoryStream context = new();
        using (TarWriter tar = new(context, TarEntryFormat.Ustar, leaveOpen: true))
        {
            AddFile(tar, "Dockerfile", Encoding.UTF8.GetBytes(dockerfile));
            foreach ((string path, string content) in recipe.Files)
            {
                AddFile(tar, path, Encoding.UTF8.GetBytes(content));
            }

            if (recipe.PaddingBytes > 0)
            {
                AddFile(tar, "padding.bin", new byte[recipe.PaddingBytes]);
            }
        }

        context.Position = 0;
        List<string> errors = [];
        await _engine.CallAsync("build of " + reference, c => c.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters
            {
                Tags = [reference],
                Dockerfile = "Dockerfile",
                Labels = new Dictionary<string, string> { [DockerEngine.RunLabel] = _engine.Token },
                Remove = true,
                ForceRemove = true,
            },
            context,
            null,
            null,
            new Progress<JSONMessage>(m =>
            {
                if (m.Error is not null)
                {
                    errors.Add(m.Error.Message ?? "error");
                }
            }),
            ct)).ConfigureAwait(false);
        if (errors.Count > 0 || !await ExistsAsync(reference, ct).ConfigureAwait(false))
        {
            throw new WorkloadException($"building image {reference} at {_engine.Endpoint} failed: {string.Join("; ", errors)}");
        }

        Built++;
        return reference;
    }

    /// <summary>Loads an image file (<c>docker save</c> output) or imports a root filesystem tar, and returns a reference to it.</summary>
    /// <param name="file">The tarball.</param>
    /// <param name="wanted">The reference the descriptor names.</param>
    /// <param name="ct">Cancels the load.</param>
    /// <returns>The reference to use.</returns>
    public async Task<string> LoadFileAsync(string file, string wanted, CancellationToken ct = default)
    {
        bool saved;
        using (FileStream probe = File.OpenRead(file))
        using (TarReader reader = new(probe))
        {
            saved = false;
            while (reader.GetNextEntry() is { } e)
            {
                if (e.Name is "manifest.json" or "./manifest.json")
                {
                    saved = true;
                    break;
                }
            }
        }

        await using FileStream stream = File.OpenRead(file);
        if (saved)
        {
            await _engine.CallAsync("load of " + file, c => c.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, stream, new Progress<JSONMessage>(), ct)).ConfigureAwait(false);
        }
        else
        {
            string[] parts = wanted.Split(':', 2);
            await _engine.CallAsync("import of " + file, c => c.Images.CreateImageAsync(
                new ImagesCreateParameters { FromSrc = "-", Repo = parts[0], Tag = parts.Length > 1 ? parts[1] : "latest" }, stream, null, new Progress<JSONMessage>(), ct)).ConfigureAwait(false);
        }

        if (!await ExistsAsync(wanted, ct).ConfigureAwait(false))
        {
            throw new WorkloadException($"{file} was loaded into {_engine.Endpoint} but holds no image '{wanted}'; make the descriptor's image name the one the tarball carries.");
        }

        return wanted;
    }

    /// <summary>Reads an image back (size, healthcheck, user).</summary>
    /// <param name="reference">The image.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>Docker's answer.</returns>
    internal Task<ImageInspectResponse> InspectAsync(string reference, CancellationToken ct = default) =>
        _engine.CallAsync("inspect of image " + reference, c => c.Images.InspectImageAsync(reference, ct));

    private async Task<bool> ExistsAsync(string reference, CancellationToken ct)
    {
        try
        {
            await _engine.Client.Images.InspectImageAsync(reference, ct).ConfigureAwait(false);
            return true;
        }
        catch (global::Docker.DotNet.DockerImageNotFoundException)
        {
            return false;
        }
        catch (global::Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static void AddFile(TarWriter tar, string path, byte[] data)
    {
        using MemoryStream ms = new(data);
        tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, path) { DataStream = ms, Mode = (UnixFileMode)0b111_101_101, ModificationTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) });
    }
}
