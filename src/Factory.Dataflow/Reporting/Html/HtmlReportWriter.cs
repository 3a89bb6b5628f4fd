using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Factory.Dataflow.Tracing;

namespace Factory.Dataflow.Reporting.Html;

/// <summary>
/// Renders run traces (<see cref="TraceReader.ReadRuns"/>) as one self-contained HTML page: the CSS, the script and
/// the data are inline and the charts are SVG drawn by the script, so the page opens offline from a single file.
/// Charts: stage latency distribution, where time goes per request (a timeline), retries per stage, outcomes.
/// </summary>
/// <example>
/// <code>await HtmlReportWriter.WriteAsync(TraceReader.ReadRuns("runs"), "report.html");</code>
/// </example>
public static partial class HtmlReportWriter
{
    // The default encoder escapes '<', '>' and '&', so no trace text can close the data's script element.
    private static readonly JsonSerializerOptions DataJson = new();

    /// <summary>The page for <paramref name="runs"/>.</summary>
    public static string Render(IReadOnlyList<RunTrace> runs, HtmlReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        options ??= new HtmlReportOptions();
        if (options.MaxTimelineRows < 1)
        {
            throw new ArgumentException($"HtmlReportOptions.MaxTimelineRows must be at least 1, not {options.MaxTimelineRows}.", nameof(options));
        }

        var model = ReportModel.From(runs, options);
        var title = WebUtility.HtmlEncode(options.Title);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["css"] = Asset("report.css"),
            ["data"] = JsonSerializer.Serialize(model, DataJson),
            ["script"] = Asset("report.js"),
        };

        // One pass, so a placeholder-like text inside a value (a request's reason, say) is never expanded.
        return Placeholder().Replace(Asset("report.html"), match => values[match.Groups[1].Value]);
    }

    /// <summary>Writes the page for <paramref name="runs"/> to <paramref name="path"/> (its folder is created).</summary>
    public static Task WriteAsync(IReadOnlyList<RunTrace> runs, string path, CancellationToken cancellationToken = default) =>
        WriteAsync(runs, path, new HtmlReportOptions(), cancellationToken);

    /// <summary>Writes the page for <paramref name="runs"/>, rendered with <paramref name="options"/>, to <paramref name="path"/>.</summary>
    public static async Task WriteAsync(IReadOnlyList<RunTrace> runs, string path, HtmlReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var html = Render(runs, options);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"\{\{(title|css|data|script)\}\}")]
    private static partial Regex Placeholder();

    private static string Asset(string name)
    {
        var resource = $"Factory.Dataflow.Reporting.Html.{name}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The report asset {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
