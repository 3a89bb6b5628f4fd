using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Factory.Benchmarks.Support;

/// <summary>
/// A column computed from the run's own mean, for benchmarks whose operation is one request: requests per second, or
/// that rate over a bound. So the headline figures come straight out of BenchmarkDotNet, not from a calculator.
/// </summary>
internal sealed class RequestRateColumn(string name, string legend, string format, Func<BenchmarkCase, double, double?> value) : IColumn
{
    /// <summary>Requests per second: the inverse of the mean time per operation.</summary>
    public static RequestRateColumn RequestsPerSecond { get; } =
        new("Req/s", "Requests per second (1 / Mean; one operation is one request)", "N2", (_, rate) => rate);

    /// <summary>The rate over a bound in requests per second; "-" where there is no bound.</summary>
    public static RequestRateColumn OfBound(Func<BenchmarkCase, double?> bound) =>
        new("OfBound", "Requests/s over the bound set by the slowest stage (its limit over its work per request)", "0.000",
            (benchmark, rate) => bound(benchmark) is { } b ? rate / b : null);

    public string Id => nameof(RequestRateColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics && value(benchmarkCase, 1e9 / statistics.Mean) is { } result
            ? result.ToString(format, CultureInfo.InvariantCulture)
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
