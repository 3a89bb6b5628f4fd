using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Factory.Tests.Support.FakeOllama;

/// <summary>
/// An Ollama-compatible HTTP server on loopback for tests: <c>/api/chat</c> (NDJSON streaming and not),
/// <c>/api/tags</c> and <c>/api/version</c>. Chat replies are scripted per model; every request is recorded.
/// </summary>
public sealed class FakeOllamaServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Dictionary<string, Queue<FakeReply>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ReceivedRequest, FakeReply>> _responders = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _installed = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private FakeOllamaServer()
    {
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The /api/chat requests received, in order.</summary>
    public IReadOnlyList<ReceivedRequest> ChatRequests => [.. Requests.Where(r => r.Path == "/api/chat")];

    /// <summary>The /api/chat requests for one model, in order.</summary>
    public IReadOnlyList<ReceivedRequest> ChatRequestsFor(string model) => [.. ChatRequests.Where(r => r.Model == model)];

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeOllamaServer> StartAsync()
    {
        var server = new FakeOllamaServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.MapGet("/api/version", () => Results.Json(new { version = "0.9.0-fake" }));
        app.MapGet("/api/tags", server.TagsAsync);
        app.MapPost("/api/chat", server.ChatAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        server._app = app;
        return server;
    }

    /// <summary>Lists <paramref name="models"/> in /api/tags (scripting a model installs it too).</summary>
    public void Install(params string[] models)
    {
        lock (_gate)
        {
            _installed.UnionWith(models);
        }
    }

    /// <summary>Queues replies for <paramref name="model"/>, used in order; installs the model.</summary>
    public void Script(string model, params FakeReply[] replies)
    {
        lock (_gate)
        {
            _installed.Add(model);
            if (!_scripts.TryGetValue(model, out var queue))
            {
                _scripts[model] = queue = new Queue<FakeReply>();
            }

            foreach (var reply in replies)
            {
                queue.Enqueue(reply);
            }
        }
    }

    /// <summary>Answers <paramref name="model"/> with <paramref name="responder"/> once its script is used up; installs the model.</summary>
    public void Respond(string model, Func<ReceivedRequest, FakeReply> responder)
    {
        lock (_gate)
        {
            _installed.Add(model);
            _responders[model] = responder;
        }
    }

    /// <summary>Stops the server; later requests are refused, like a stopped Ollama.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private IResult TagsAsync(HttpContext context)
    {
        Record(context, "");
        string[] names;
        lock (_gate)
        {
            names = [.. _installed];
        }

        return Results.Json(new
        {
            models = names.Select(n => new
            {
                name = n,
                model = n,
                modified_at = "2025-01-01T00:00:00Z",
                size = 1000,
                digest = "sha256:fake",
            }),
        });
    }

    private async Task ChatAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = Record(context, body);
        var model = request.Model ?? "";
        var reply = Next(request, model);
        var response = context.Response;
        switch (reply)
        {
            case null:
                response.StatusCode = 404;
                await response.WriteAsJsonAsync(new { error = $"model '{model}' not found" });
                return;
            case StatusReply status:
                response.StatusCode = status.StatusCode;
                await response.WriteAsJsonAsync(new { error = status.Error });
                return;
            case HangReply:
                var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, either.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The client gave up or the server is stopping: exactly what a hang test waits for.
                    }
                }

                return;
            case TextReply text:
                await WriteMessageAsync(response, request, model, new JsonObject { ["role"] = "assistant", ["content"] = text.Content },
                    text.Content, text.PromptEvalCount, text.EvalCount);
                return;
            case HugeReply huge:
                try
                {
                    await WriteHugeAsync(response, model, huge, request.Stream, context.RequestAborted);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    // The client stopped reading and closed the connection: what a size cap is meant to do.
                }

                return;
            case ToolReply tools:
                var calls = new JsonArray();
                foreach (var (name, args) in tools.Calls)
                {
                    calls.Add(new JsonObject { ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonNode.Parse(args) } });
                }

                await WriteMessageAsync(response, request, model,
                    new JsonObject { ["role"] = "assistant", ["content"] = "", ["tool_calls"] = calls }, "", tools.PromptEvalCount, tools.EvalCount);
                return;
        }
    }

    private static async Task WriteHugeAsync(HttpResponse response, string model, HugeReply huge, bool stream, CancellationToken cancellationToken)
    {
        const int chunk = 32 * 1024;
        var filler = new string('a', chunk);
        var head = $"{{\"model\":\"{model}\",\"created_at\":\"1970-01-01T00:00:00Z\",\"message\":{{\"role\":\"assistant\",\"content\":\"";
        var done = $"\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":10}}";
        Task Write(string text) => response.WriteAsync(text, cancellationToken);

        // The same filler string for every whole chunk, so serving 64 MiB allocates little in the test process.
        string Filler(long sent) => huge.ContentBytes - sent >= chunk ? filler : filler[..(int)(huge.ContentBytes - sent)];
        if (stream)
        {
            response.ContentType = "application/x-ndjson";
            for (long sent = 0; sent < huge.ContentBytes; sent += chunk)
            {
                await Write(head);
                await Write(Filler(sent));
                await Write("\"},\"done\":false}\n");
            }

            await Write(head + "\"}," + done + "\n");
            return;
        }

        response.ContentType = "application/json";
        var tail = "\"}," + done;
        if (huge.DeclareLength)
        {
            response.ContentLength = head.Length + huge.ContentBytes + tail.Length;
        }

        await Write(head);
        for (long sent = 0; sent < huge.ContentBytes; sent += chunk)
        {
            await Write(Filler(sent));
        }

        await Write(tail);
    }

    private FakeReply? Next(ReceivedRequest request, string model)
    {
        lock (_gate)
        {
            if (_scripts.TryGetValue(model, out var queue) && queue.Count > 0)
            {
                return queue.Dequeue();
            }

            return _responders.TryGetValue(model, out var responder) ? responder(request) : null;
        }
    }

    private static async Task WriteMessageAsync(
        HttpResponse response, ReceivedRequest request, string model, JsonObject message, string content, int promptEvalCount, int evalCount)
    {
        var created = DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture);
        JsonObject Final(JsonObject finalMessage) => new()
        {
            ["model"] = model,
            ["created_at"] = created,
            ["message"] = finalMessage,
            ["done"] = true,
            ["done_reason"] = "stop",
            ["total_duration"] = 1_000_000,
            ["load_duration"] = 1000,
            ["prompt_eval_count"] = promptEvalCount,
            ["prompt_eval_duration"] = 1000,
            ["eval_count"] = evalCount,
            ["eval_duration"] = 1000,
        };

        if (!request.Stream)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(Final(message).ToJsonString());
            return;
        }

        response.ContentType = "application/x-ndjson";
        if (message.ContainsKey("tool_calls"))
        {
            // Ollama sends tool calls in a chunk of their own before the final one.
            await WriteLineAsync(response, new JsonObject
            {
                ["model"] = model, ["created_at"] = created, ["message"] = message.DeepClone(), ["done"] = false,
            });
        }
        else
        {
            // Split the content into a few chunks, as a real server streams tokens.
            const int pieces = 3;
            var size = Math.Max(1, (content.Length + pieces - 1) / pieces);
            for (var i = 0; i < content.Length; i += size)
            {
                await WriteLineAsync(response, new JsonObject
                {
                    ["model"] = model,
                    ["created_at"] = created,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content.Substring(i, Math.Min(size, content.Length - i)) },
                    ["done"] = false,
                });
            }
        }

        await WriteLineAsync(response, Final(new JsonObject { ["role"] = "assistant", ["content"] = "" }));
    }

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line)
    {
        await response.WriteAsync(line.ToJsonString() + "\n");
        await response.Body.FlushAsync();
    }

    private ReceivedRequest Record(HttpContext context, string body)
    {
        var request = new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "", body);
        lock (_gate)
        {
            _requests.Add(request);
        }

        return request;
    }
}
