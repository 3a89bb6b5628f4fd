using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Factory.Tests.Support;

namespace Factory.Tests.Distributed;

/// <summary>
/// A real nats-server with JetStream on a free loopback port and a temporary store (installed by scripts/setup-queue.sh),
/// stopped and deleted on dispose.
/// </summary>
internal sealed class LocalNats : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _store;

    private LocalNats(Process process, TempDirectory store, int port)
    {
        _process = process;
        _store = store;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<LocalNats> StartAsync()
    {
        var store = new TempDirectory("factory-nats");
        var port = FreePort();
        var start = new ProcessStartInfo("nats-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", store.Path })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            store.Dispose();
            throw new InvalidOperationException("nats-server is not installed; run scripts/setup-queue.sh.", exception);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var nats = new LocalNats(process, store, port);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return nats;
            }
            catch (SocketException) when (!deadline.IsCancellationRequested && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (Exception) when (deadline.IsCancellationRequested || process.HasExited)
            {
                await nats.DisposeAsync();
                throw new InvalidOperationException($"nats-server did not start on port {port}.");
            }
        }
    }

    /// <summary>A port nothing listens on (bound and released, so another process could take it in between; good enough on loopback).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _store.Dispose();
    }
}
