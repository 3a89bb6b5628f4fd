using System.Diagnostics;

namespace Factory.Tests.Reporting.Html;

/// <summary>
/// Debian's Chromium run headless, one process per call, with a fresh profile and nothing that reaches the network
/// on its own. Missing Chromium is a test failure that says how to install it (scripts/setup-browser.sh), never a skip.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string Executable =>
        Environment.GetEnvironmentVariable("FACTORY_CHROMIUM") is { Length: > 0 } configured
            ? configured
            : Candidates.FirstOrDefault(File.Exists)
              ?? throw new InvalidOperationException(
                  "Chromium is not installed (looked for " + string.Join(", ", Candidates) + "); the HTML report is tested in a real " +
                  "browser. Install it with scripts/setup-browser.sh, or point FACTORY_CHROMIUM at a Chromium binary.");

    /// <summary>The page's DOM after its scripts ran.</summary>
    public static Task<string> DumpDomAsync(string htmlPath) => RunAsync(["--dump-dom", new Uri(htmlPath).AbsoluteUri]);

    /// <summary>Saves a PNG of the page at 1280 x <paramref name="height"/>.</summary>
    public static Task ScreenshotAsync(string htmlPath, string pngPath, int height = 2000) =>
        RunAsync([$"--screenshot={pngPath}", $"--window-size=1280,{height}", "--hide-scrollbars", new Uri(htmlPath).AbsoluteUri]);

    private static async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        var profile = Directory.CreateTempSubdirectory("factory-chromium-");
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var flag in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                 })
        {
            start.ArgumentList.Add(flag);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not finish within 3 minutes: {string.Join(' ', arguments)}");
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A helper process may still hold a file for a moment; the temp folder is cleaned by the OS.
            }
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
