// Licensed under the Apache License, Version 2.0.
using System.Globalization;
using System.Text;

namespace NfvConformance.Lab.Workloads.Vm;

/// <summary>Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs.</summary>
internal sealed class Cpio
{
    private readonly Stream _out;
    private int _ino = 1;

    public Cpio(Stream output)
    {
        _out = output;
    }

    public void Directory(string path) => Entry(path, 0x4000 | 0b111_101_101, []);

    public void File(string path, byte[] data, bool executable) => Entry(path, 0x8000 | (executable ? 0b111_101_101 : 0b110_100_100), data);

    public void Symlink(string path, string target) => Entry(path, 0xA000 | 0b111_111_111, Encoding.UTF8.GetBytes(target));

    public void Finish() => Entry("TRAILER!!!", 0, []);

    private void Entry(string name, int mode, byte[] data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        StringBuilder h = new("070701");
        foreach (long field in new long[] { _ino++, mode, 0, 0, 1, 0, data.Length, 0, 0, 0, 0, nameBytes.Length, 0 })
        {
            h.Append(field.ToString("x8", CultureInfo.InvariantCulture));
        }

        byte[] header = Encoding.ASCII.GetBytes(h.ToString());
        _out.Write(header);
        _out.Write(nameBytes);
        Pad(header.Length + nameBytes.Length);
        _out.Write(data);
        Pad(data.Length);
    }

    private void Pad(int length)
    {
        int pad = (4 - (length % 4)) % 4;
        for (int i = 0; i < pad; i++)
        {
            _out.WriteByte(0);
        }
    }
}
