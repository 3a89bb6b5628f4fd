using System.Text.RegularExpressions;
using Factory.Dataflow.Reporting.Html;
using Factory.Dataflow.Tracing;
using Factory.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Factory.Tests.Reporting.Html;

/// <summary>The report opened in a real headless Chromium: its script draws every chart, and a screenshot is kept.</summary>
public sealed class HtmlReportBrowserTests
{
    [Fact]
    public async Task The_report_draws_every_chart_in_a_headless_browser_and_a_screenshot_is_kept()
    {
        using var runs = new TempDirectory("factory-report-runs");
        var traces = await ReportRuns.WriteAsync(runs.Path);
        var artifacts = Path.Combine(SampleRepo.RepositoryRoot(), "artifacts", "html-report");
        var page = Path.Combine(artifacts, "report.html");
        var screenshot = Path.Combine(artifacts, "report.png");
        Directory.CreateDirectory(artifacts);
        File.Delete(screenshot);
        var options = new HtmlReportOptions { TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)) };
        await HtmlReportWriter.WriteAsync(traces, page, options);

        var dom = await HeadlessChromium.DumpDomAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, screenshot);

        var attempts = traces.Sum(r => r.Attempts.Count);
        var stages = traces.SelectMany(r => r.Attempts).Select(a => a.Stage).Distinct().Count();
        var outcomes = traces.Select(r => r.Final?.Outcome ?? "unfinished").Distinct().Count();
        Assert.Contains("data-rendered=\"true\"", dom);
        Assert.Equal(6, stages);
        Assert.Equal(stages, Count(Chart(dom, "latency-chart"), "<rect class=\"box\""));
        Assert.Equal(attempts, Count(Chart(dom, "latency-chart"), "<circle class=\"dot( failed)?\""));
        Assert.Equal(stages, Count(Chart(dom, "latency-chart"), "class=\"muted cpu\""));
        Assert.Equal(traces.Count, Count(Chart(dom, "timeline-chart"), "<g class=\"run-row\""));
        Assert.Equal(attempts, Count(Chart(dom, "timeline-chart"), "<rect class=\"attempt( failed)?\""));
        Assert.Equal(traces.Sum(r => r.Attempts.Count(a => !a.EvalOk)), Count(Chart(dom, "timeline-chart"), "<rect class=\"attempt failed\""));
        Assert.Equal(traces.Count, Count(Chart(dom, "timeline-chart"), "<circle class=\"outcome-dot\""));
        Assert.Equal(stages, Count(Chart(dom, "retries-chart"), "<rect class=\"bar retries\""));
        Assert.Equal(stages, Count(Chart(dom, "retries-chart"), "<rect class=\"bar repeats\""));
        Assert.Equal(outcomes, Count(Chart(dom, "outcomes-chart"), "<rect class=\"bar outcome\""));
        var buildAttemptNumbers = traces.SelectMany(r => r.Attempts).Where(a => a.Stage == "build").Select(a => a.Attempt).Distinct().Count();
        Assert.True(buildAttemptNumbers > 1, "the sample runs should include BUILD retries");
        Assert.Equal(buildAttemptNumbers, Count(Chart(dom, "prompt-chart"), "<rect class=\"bar mean\""));
        Assert.Equal(5, Count(dom, "<div class=\"card\""));

        // The hostile reason stayed text: the page has only its own two scripts and its title is untouched.
        Assert.Equal(2, Count(dom, "<script"));
        Assert.Contains("<title>Factory runs</title>", dom);
        Assert.True(new FileInfo(screenshot).Length > 20_000, $"The screenshot {screenshot} is missing or blank.");
    }

    [Fact]
    public async Task A_long_run_list_is_cut_in_the_timeline_and_the_page_says_so_while_the_other_charts_count_every_run()
    {
        using var runs = new TempDirectory("factory-report-runs");
        using var output = new TempDirectory("factory-report");
        var traces = await ReportRuns.WriteAsync(runs.Path, count: 8);
        var page = Path.Combine(output.Path, "report.html");
        await HtmlReportWriter.WriteAsync(traces, page, new HtmlReportOptions { MaxTimelineRows = 4 });

        var dom = await HeadlessChromium.DumpDomAsync(page);

        Assert.Equal(4, Count(Chart(dom, "timeline-chart"), "<g class=\"run-row\""));
        Assert.Contains($"Showing the first 4 of {traces.Count} requests.", dom);
        Assert.Equal(traces.Sum(r => r.Attempts.Count), Count(Chart(dom, "latency-chart"), "<circle class=\"dot( failed)?\""));
    }

    private static string Chart(string dom, string id)
    {
        var match = Regex.Match(dom, $"<svg id=\"{id}\".*?</svg>", RegexOptions.Singleline);
        Assert.True(match.Success, $"No <svg id=\"{id}\"> in the rendered page.");
        return match.Value;
    }

    private static int Count(string text, string pattern) => Regex.Count(text, pattern);
}
