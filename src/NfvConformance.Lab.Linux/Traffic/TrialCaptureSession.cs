// Licensed under the Apache License, Version 2.0.
using NfvConformance.Abstractions.Errors;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NfvConformance.Lab.Linux.Traffic;

/// <summary>
/// Captures one trial's frames on one port to a pcap file with libpcap (SharpPcap), behind a BPF filter: the
/// evidence a person opens in Wireshark or tshark. Capture runs on libpcap's own thread beside the generator and
/// is optional; it is not on the generator's dataplane.
/// </summary>
internal sealed class TrialCaptureSession
{
    private readonly LibPcapLiveDevice _device;
    private readonly CaptureFileWriterDevice _writer;
    private readonly long _max;
    private long _written;

    private TrialCaptureSession(LibPcapLiveDevice device, CaptureFileWriterDevice writer, string path, long max)
    {
        _device = device;
        _writer = writer;
        Path = path;
        _max = max;
    }

    /// <summary>Gets the file.</summary>
    public string Path { get; }

    /// <summary>Starts capturing on a port (opened inside the port's namespace).</summary>
    /// <param name="capture">What to capture.</param>
    /// <param name="ports">The generator's ports.</param>
    /// <param name="trial">The trial number, for the file name.</param>
    /// <returns>The session.</returns>
    /// <exception cref="ConfigurationException">libpcap is missing, the port cannot be opened or the filter does not compile.</exception>
    public static TrialCaptureSession Start(TrialCapture capture, IReadOnlyList<AfPacketPort> ports, int trial)
    {
        AfPacketPort port = ports[capture.Port];
        Directory.CreateDirectory(capture.Directory);
        string path = System.IO.Path.Combine(capture.Directory, $"trial-{trial:D3}-port-{capture.Port}.pcap");
        string filter = capture.Filter ?? AfPacketGenerator.DefaultCaptureFilter;
        try
        {
            LibPcapLiveDevice device = NetNamespace.Run(port.Namespace, () =>
            {
                LibPcapLiveDevice d = LibPcapLiveDeviceList.New().FirstOrDefault(x => x.Name == port.Interface)
                    ?? throw new ConfigurationException($"capture: libpcap does not see interface {port} (is it up?).");
                d.Open(new DeviceConfiguration { Snaplen = 65535, Mode = DeviceModes.None, ReadTimeout = 50, BufferSize = 64 << 20 });
                return d;
            });
            try
            {
                device.Filter = filter;
            }
            catch (Exception e) when (e is PcapException or ArgumentException)
            {
                device.Close();
                throw new ConfigurationException($"capture filter '{filter}' does not compile: {e.Message}; write it in pcap-filter(7) syntax.", e);
            }

            CaptureFileWriterDevice writer = new(path);
            writer.Open(device);
            TrialCaptureSession session = new(device, writer, path, capture.MaxPackets);
            device.OnPacketArrival += session.OnPacket;
            device.StartCapture();
            return session;
        }
        catch (DllNotFoundException e)
        {
            throw new ConfigurationException("capture needs libpcap: apt-get install libpcap0.8.", e);
        }
    }

    /// <summary>Stops the capture and closes the file.</summary>
    /// <returns>The file and the frames written.</returns>
    public (string Path, long Written) Stop()
    {
        _device.StopCapture();
        _device.OnPacketArrival -= OnPacket;
        _device.Close();
        _writer.Close();
        return (Path, Interlocked.Read(ref _written));
    }

    private void OnPacket(object sender, PacketCapture e)
    {
        if (Interlocked.Read(ref _written) >= _max)
        {
            return;
        }

        _writer.Write(e.GetPacket());
        Interlocked.Increment(ref _written);
    }
}
