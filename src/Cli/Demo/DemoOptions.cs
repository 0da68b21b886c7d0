namespace FastLb.Cli.Demo;

/// <summary>What one <c>fastlb demo</c> run does, as bound from the command line (cold).</summary>
internal sealed class DemoOptions
{
    /// <summary>The whole run, setup to report; the phases are cut to fit it.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Report folder: report.md, results.json, requests.csv, the config, the model, the charts.</summary>
    public required string OutDir { get; init; }

    /// <summary>Requests per second of the shop traffic, open loop.</summary>
    public double Rate { get; init; } = 400;

    /// <summary>Times each policy runs in the compare phase, interleaved with the others.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Seed of the traffic and of the order in which the policies take turns.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The policies compared, fastlb last in the list but not in the order run.</summary>
    public IReadOnlyList<string> Policies { get; init; } = ["round_robin", "least_connections", "least_response_time", "peak_ewma", "q_learning", "fastlb"];

    /// <summary>The classical policy the collect phase runs under.</summary>
    public string CollectPolicy { get; init; } = "round_robin";

    /// <summary>Live progress on stderr (off for --json and for redirected stderr in tests is still fine).</summary>
    public bool Live { get; init; } = true;

    /// <summary>Checks the options; one message per problem, naming its flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Duration < TimeSpan.FromSeconds(10)) errors.Add("--duration: at least 10s (setup, training and the report need a few seconds)");
        if (Duration > TimeSpan.FromHours(2)) errors.Add("--duration: at most 2h");
        if (Rate is <= 0 or > 1800 || double.IsNaN(Rate)) errors.Add("--rate: between 1 and 1800 requests per second");
        if (Rounds is < 1 or > 20) errors.Add("--rounds: 1 to 20");
        return errors;
    }
}
