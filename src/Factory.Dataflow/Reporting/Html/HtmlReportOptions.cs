namespace Factory.Dataflow.Reporting.Html;

/// <summary>How <see cref="HtmlReportWriter"/> renders a report.</summary>
public sealed class HtmlReportOptions
{
    /// <summary>The page's title and heading.</summary>
    /// <value>Defaults to "Factory runs".</value>
    public string Title { get; set; } = "Factory runs";

    /// <summary>The clock that stamps "generated at" on the page.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The most requests drawn in the timeline (the first ones by id); the other charts use every run.</summary>
    /// <value>Defaults to 200.</value>
    public int MaxTimelineRows { get; set; } = 200;
}
