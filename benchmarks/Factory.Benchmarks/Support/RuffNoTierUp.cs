namespace Factory.Benchmarks.Support;

/// <summary>
/// A folder holding a <c>ruff</c> that runs tools/ruff's WebAssembly wrapper with V8's tier-up off, to put first on the
/// sandbox's search path. It lives under the user's cache, not /tmp, because the sandbox mounts a fresh /tmp.
/// </summary>
internal static class RuffNoTierUp
{
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string Folder()
    {
        var script = RuffWasm.Script.Value
            ?? throw new InvalidOperationException("ruff on PATH is not the WebAssembly wrapper; there is no tier-up to switch off.");
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "factory-bench", "ruff-no-tier-up");
        Directory.CreateDirectory(folder);
        var wrapper = Path.Combine(folder, "ruff");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec node --no-wasm-tier-up --no-wasm-dynamic-tiering '{script}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return folder;
    }
}
