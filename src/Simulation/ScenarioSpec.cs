namespace FastLb.Simulation;

/// <summary>A scenario file as parsed (schema in SCENARIOS-SCHEMA.md): the pool, its traffic, what goes wrong and when, what to measure.</summary>
/// <remarks>Times in <see cref="Schedule"/> and <see cref="Watch"/> count from the end of the warm-up.</remarks>
internal sealed class ScenarioSpec
{
    /// <summary>Short id, e.g. <c>S3</c>; <c>fastlb sim --scenario S3</c> finds the file by it.</summary>
    public string? Id { get; init; }

    /// <summary>Short name, e.g. <c>degradation</c>.</summary>
    public string? Name { get; init; }

    /// <summary>What the scenario tests, for people.</summary>
    public string? Description { get; init; }

    /// <summary>Simulated seconds before measurement starts; requests arriving then are not counted.</summary>
    public double WarmupS { get; init; } = 60;

    /// <summary>Measured simulated seconds; a ramp's steps give it instead.</summary>
    public double? DurationS { get; init; }

    /// <summary>Client deadline: a request not answered by then is a timeout, an error counted as this latency.</summary>
    public double DeadlineMs { get; init; } = 1000;

    /// <summary>Independent balancers, each its own policy instance and backend view, splitting the traffic evenly.</summary>
    public int Balancers { get; init; } = 1;

    /// <summary>What an arrival <c>load</c> of 1.0 means in requests per second; default the backends' nominal capacity.</summary>
    public double? CapacityRps { get; init; }

    /// <summary>Period of the simulated health reports (<see cref="BackendState.SetHealth"/>); 0 turns them off.</summary>
    public double HealthIntervalMs { get; init; } = 1000;

    /// <summary>When true, a backend whose health report fails is taken out of rotation until one succeeds, as the proxy's health check does.</summary>
    public bool EjectUnhealthy { get; init; }

    /// <summary>Groups of identical backends, in order; backend ids are b0, b1, ... across groups.</summary>
    public List<BackendGroupSpec>? Backends { get; init; }

    /// <summary>The arrival process.</summary>
    public ArrivalSpec? Arrivals { get; init; }

    /// <summary>Changes to single backends over time windows.</summary>
    public List<ScheduleEntrySpec>? Schedule { get; init; }

    /// <summary>Random slowdowns of every backend, redrawn at exponential intervals.</summary>
    public SlowdownSpec? Slowdowns { get; init; }

    /// <summary>Windows in which divert and recovery times and in-window percentiles are measured.</summary>
    public List<WatchSpec>? Watch { get; init; }

    /// <summary>The service level that goodput at SLO is judged against.</summary>
    public SloSpec? Slo { get; init; }
}
