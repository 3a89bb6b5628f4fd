using System.Text.RegularExpressions;
using Factory.Dataflow.Reporting.Html;
using Factory.Tests.Support;

namespace Factory.Tests.Reporting.Html;

public sealed class HtmlReportWriterTests
{
    [Fact]
    public async Task The_page_is_one_self_contained_file_that_loads_nothing_from_the_network()
    {
        using var runs = new TempDirectory("factory-report-runs");
        var html = HtmlReportWriter.Render(await ReportRuns.WriteAsync(runs.Path, count: 3));

        Assert.StartsWith("<!doctype html>", html);
        Assert.DoesNotMatch(new Regex(@"\s(src|href)\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("fetch(", html);
        Assert.DoesNotContain("XMLHttpRequest", html);
        Assert.DoesNotMatch(@"\{\{(title|css|data|script)\}\}", html);
    }

    [Fact]
    public async Task Text_from_a_trace_cannot_close_the_data_script_or_inject_markup()
    {
        using var runs = new TempDirectory("factory-report-runs");
        var html = HtmlReportWriter.Render(await ReportRuns.WriteAsync(runs.Path, count: 7), new HtmlReportOptions { Title = "<b>runs</b> {{data}}" });

        Assert.DoesNotContain(ReportRuns.HostileReason, html);
        Assert.Contains("\\u003C/script\\u003E", html);
        Assert.Equal(2, Regex.Count(html, "</script>"));
        Assert.Contains("<title>&lt;b&gt;runs&lt;/b&gt; {{data}}</title>", html);
    }

    [Fact]
    public async Task Writing_creates_the_folder_and_an_empty_run_list_still_gives_a_page()
    {
        using var folder = new TempDirectory("factory-report");
        var path = Path.Combine(folder.Path, "nested", "report.html");

        await HtmlReportWriter.WriteAsync([], path);

        var html = await File.ReadAllTextAsync(path);
        Assert.Contains("\"runs\":[]", html);
    }
}
