// Licensed under the Apache License, Version 2.0.
using System.Security.Cryptography;
using NfvConformance.Abstractions.TenantNetworking;

namespace NfvConformance.Emulator.TenantNetworking.Internal;

/// <summary>
/// A volume's blocks on the storage back end. An encrypted volume stores each 4 KiB block as AES-GCM ciphertext with a
/// fresh 12-byte nonce and its 16-byte tag (the key never leaves the service), so the back end holds no plaintext and
/// a block altered on the disks fails its tag when read. A plain volume stores the bytes as written.
/// </summary>
internal sealed class VolumeState(string id, string projectId, string name, int sizeGiB, bool reportedEncrypted, bool reallyEncrypted) : OwnedResource(id, projectId), IDisposable
{
    public const int BlockSize = 4096;
    private const int TagSize = 16;

    private readonly Dictionary<long, StoredBlock> _blocks = [];
    private readonly AesGcm? _aead = reallyEncrypted ? new AesGcm(RandomNumberGenerator.GetBytes(32), TagSize) : null;

    public string Name { get; } = name;

    public int SizeGiB { get; } = sizeGiB;

    public bool ReportedEncrypted { get; } = reportedEncrypted;

    public string? AttachedPortId { get; set; }

    public long SizeBytes => SizeGiB * 1024L * 1024 * 1024;

    public TenantVolume ToContract() => new(Id, ProjectId, Name, SizeGiB, AttachedPortId is null ? "available" : "in-use", AttachedPortId, ReportedEncrypted);

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        while (!data.IsEmpty)
        {
            long block = offset / BlockSize;
            int within = (int)(offset % BlockSize);
            int n = Math.Min(BlockSize - within, data.Length);
            byte[] plain = ReadBlock(block);
            data[..n].CopyTo(plain.AsSpan(within));
            StoreBlock(block, plain);
            data = data[n..];
            offset += n;
        }
    }

    public byte[] Read(long offset, int length)
    {
        CheckRange(offset, length);
        byte[] result = new byte[length];
        int done = 0;
        while (done < length)
        {
            long block = (offset + done) / BlockSize;
            int within = (int)((offset + done) % BlockSize);
            int n = Math.Min(BlockSize - within, length - done);
            ReadBlock(block).AsSpan(within, n).CopyTo(result.AsSpan(done));
            done += n;
        }

        return result;
    }

    public byte[] ReadBackend(long offset, int length)
    {
        CheckRange(offset, length);
        byte[] result = new byte[length];
        for (int i = 0; i < length; i++)
        {
            long at = offset + i;
            if (_blocks.TryGetValue(at / BlockSize, out StoredBlock? b))
            {
                result[i] = b.Data[at % BlockSize];
            }
        }

        return result;
    }

    public void Tamper(long offset)
    {
        CheckRange(offset, 1);
        if (!_blocks.TryGetValue(offset / BlockSize, out StoredBlock? b))
        {
            throw new TenantNetworkingException($"Volume {Id} holds nothing at offset {offset}: tamper with a byte that was written.");
        }

        b.Data[offset % BlockSize] ^= 0x01;
    }

    public void Dispose() => _aead?.Dispose();

    private byte[] ReadBlock(long block)
    {
        if (!_blocks.TryGetValue(block, out StoredBlock? b))
        {
            return new byte[BlockSize];
        }

        if (_aead is null)
        {
            return b.Data.ToArray();
        }

        byte[] plain = new byte[BlockSize];
        Span<byte> aad = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(aad, block);
        try
        {
            _aead.Decrypt(b.Nonce, b.Data, b.Tag, plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new TenantNetworkingException($"Volume {Id}: block {block} (bytes {block * BlockSize}-{((block + 1) * BlockSize) - 1}) failed its integrity check; the data at rest was altered. Restore the volume from a backup.");
        }

        return plain;
    }

    private void StoreBlock(long block, byte[] plain)
    {
        if (_aead is null)
        {
            _blocks[block] = new StoredBlock(plain, [], []);
            return;
        }

        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] cipher = new byte[BlockSize];
        byte[] tag = new byte[TagSize];
        Span<byte> aad = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(aad, block);
        _aead.Encrypt(nonce, plain, cipher, tag, aad);
        _blocks[block] = new StoredBlock(cipher, nonce, tag);
    }

    private void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > SizeBytes)
        {
            throw new TenantNetworkingException($"Volume {Id}: bytes {offset}..{offset + length} are outside its {SizeGiB} GiB; use an offset from 0 to {SizeBytes - length}.");
        }
    }

    private sealed record StoredBlock(byte[] Data, byte[] Nonce, byte[] Tag);
}
