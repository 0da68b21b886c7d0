namespace FastLb.Simulation;

/// <summary>Results of one step of a load ramp: requests arriving during it.</summary>
internal sealed class StepResult
{
    /// <summary>Creates an empty step.</summary>
    public StepResult(double load, double rps)
    {
        Load = load;
        Rps = rps;
    }

    /// <summary>The step's load, as a fraction of the scenario's capacity.</summary>
    public double Load { get; }

    /// <summary>The step's arrival rate.</summary>
    public double Rps { get; }

    /// <summary>Latencies of its requests (timeouts as the deadline).</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Requests that arrived during it.</summary>
    public long Requests { get; set; }

    /// <summary>Of those, errors of any kind (timeouts included).</summary>
    public long Errors { get; set; }

    /// <summary>Of those, timeouts.</summary>
    public long Timeouts { get; set; }

    /// <summary>Error rate, timeouts included.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    /// <summary>True when the step meets <paramref name="slo"/> and had requests.</summary>
    public bool MeetsSlo(SloSpec slo) => Requests > 0 && Latency.Percentile(0.99) <= slo.P99Ms && ErrorRate <= slo.ErrorRate;

    /// <summary>Adds another seed's run of the same step.</summary>
    public void Add(StepResult other)
    {
        Latency.Add(other.Latency);
        Requests += other.Requests;
        Errors += other.Errors;
        Timeouts += other.Timeouts;
    }
}
