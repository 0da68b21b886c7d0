namespace FastLb.Simulation;

/// <summary>Every policy's result for one scenario, with how it was run; what <c>fastlb sim</c> prints.</summary>
internal sealed class ScenarioReport
{
    /// <summary>Creates an empty report.</summary>
    public ScenarioReport(Scenario scenario, ulong seed, int seeds, double warmupS, double durationS, long? maxRequests)
    {
        Scenario = scenario;
        Seed = seed;
        Seeds = seeds;
        WarmupS = warmupS;
        DurationS = durationS;
        MaxRequests = maxRequests;
    }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>The first seed.</summary>
    public ulong Seed { get; }

    /// <summary>Seeds run per policy.</summary>
    public int Seeds { get; }

    /// <summary>Warm-up seconds used.</summary>
    public double WarmupS { get; }

    /// <summary>Measured seconds asked for.</summary>
    public double DurationS { get; }

    /// <summary>The request cap, if any.</summary>
    public long? MaxRequests { get; }

    /// <summary>One result per policy run, in the order asked.</summary>
    public List<SimulationResult> Results { get; } = [];

    /// <summary>Policies not run, with why.</summary>
    public List<(string Policy, string Reason)> Skipped { get; } = [];

    /// <summary>Wall-clock seconds the runs took.</summary>
    public double WallSeconds { get; set; }
}
