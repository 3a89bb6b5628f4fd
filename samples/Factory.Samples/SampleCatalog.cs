using Factory.Samples.Backlog;
using Factory.Samples.ChatMiddleware;
using Factory.Samples.CustomGate;
using Factory.Samples.OneRequest;

namespace Factory.Samples;

/// <summary>The numbered samples and the argument that picks one.</summary>
public static class SampleCatalog
{
    private static readonly (string Title, Func<TextWriter, CancellationToken, Task> Run)[] Samples =
    [
        ("one request in ten lines of code", (o, ct) => OneRequestSample.RunAsync(o, ct)),
        ("a backlog in a worker service", (o, ct) => BacklogSample.RunAsync(o, ct)),
        ("a custom gate in VALIDATE's place", (o, ct) => CustomGateSample.RunAsync(o, ct)),
        ("a custom chat-client middleware", (o, ct) => ChatMiddlewareSample.RunAsync(o, ct)),
    ];

    /// <summary>Runs the sample numbered <c>args[0]</c>; returns the process exit code (2 for a bad argument).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Length != 1 || !int.TryParse(args[0], out var number) || number < 1 || number > Samples.Length)
        {
            await output.WriteLineAsync("usage: dotnet run --project samples/Factory.Samples -- <number>");
            for (var i = 0; i < Samples.Length; i++)
            {
                await output.WriteLineAsync($"  {i + 1}  {Samples[i].Title}");
            }

            return 2;
        }

        await output.WriteLineAsync($"Sample {number}: {Samples[number - 1].Title}");
        await Samples[number - 1].Run(output, CancellationToken.None);
        return 0;
    }
}
