namespace FastLb.Simulation;

/// <summary>What one policy did in one scenario, over one seed or several merged: latencies, errors, shares, decision cost, steps and watches.</summary>
/// <remarks>Counts are of measured requests (arrived after the warm-up); a timeout counts as the deadline in the latencies.</remarks>
internal sealed class SimulationResult
{
    /// <summary>Creates an empty result for a pool of <paramref name="backendIds"/>.</summary>
    public SimulationResult(string policy, string[] backendIds, double[] capacityShare, SloSpec slo)
    {
        Policy = policy;
        BackendIds = backendIds;
        CapacityShare = capacityShare;
        Picks = new long[backendIds.Length];
        Slo = slo;
    }

    /// <summary>The policy's name.</summary>
    public string Policy { get; }

    /// <summary>The seeds merged into this result.</summary>
    public List<ulong> Seeds { get; } = [];

    /// <summary>Each merged seed's p99, ms, to show the spread.</summary>
    public List<double> P99BySeed { get; } = [];

    /// <summary>The service level goodput is judged against.</summary>
    public SloSpec Slo { get; }

    /// <summary>Measured requests.</summary>
    public long Requests { get; set; }

    /// <summary>Requests answered by a backend (any status).</summary>
    public long Responses { get; set; }

    /// <summary>Requests answered with a status below 500.</summary>
    public long Ok { get; set; }

    /// <summary>Requests answered with a 5xx.</summary>
    public long ServerErrors { get; set; }

    /// <summary>Requests not answered by the deadline.</summary>
    public long Timeouts { get; set; }

    /// <summary>Requests whose connection was refused on the first attempt and on the retry.</summary>
    public long ConnectErrors { get; set; }

    /// <summary>Requests for which the policy found no backend.</summary>
    public long NoBackend { get; set; }

    /// <summary>Requests the policy shed (<see cref="IRoutingPolicy.Shed"/>): predicted to miss the deadline, failed at once.</summary>
    public long Shed { get; set; }

    /// <summary>Retries after a refused connection.</summary>
    public long Retries { get; set; }

    /// <summary>Simulated seconds over which the measured requests arrived, summed over seeds.</summary>
    public double MeasuredSeconds { get; set; }

    /// <summary>Latencies of the measured requests.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Backend ids, in pool order.</summary>
    public string[] BackendIds { get; }

    /// <summary>Picks of measured requests per backend, retries included.</summary>
    public long[] Picks { get; }

    /// <summary>Each backend's share of nominal capacity.</summary>
    public double[] CapacityShare { get; }

    /// <summary>Picks timed.</summary>
    public long PickCount { get; set; }

    /// <summary>Wall-clock nanoseconds spent in <see cref="Balancer.Acquire"/>, summed.</summary>
    public double PickNanoseconds { get; set; }

    /// <summary>Ramp steps; empty unless the arrivals are a ramp.</summary>
    public StepResult[] Steps { get; set; } = [];

    /// <summary>Watched windows, in the scenario's order.</summary>
    public WatchResult[] Watches { get; set; } = [];

    /// <summary>Errors of any kind (5xx, timeouts, refused twice, no backend, shed) over requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)(ServerErrors + Timeouts + ConnectErrors + NoBackend + Shed) / Requests;

    /// <summary>Timeouts over requests.</summary>
    public double TimeoutRate => Requests == 0 ? 0 : (double)Timeouts / Requests;

    /// <summary>Fraction of the measured requests shed by the policy.</summary>
    public double ShedRate => Requests == 0 ? 0 : (double)Shed / Requests;

    /// <summary>Responses per simulated second.</summary>
    public double ThroughputRps => MeasuredSeconds <= 0 ? 0 : Responses / MeasuredSeconds;

    /// <summary>Responses below 500 per simulated second.</summary>
    public double GoodputRps => MeasuredSeconds <= 0 ? 0 : Ok / MeasuredSeconds;

    /// <summary>Mean wall-clock cost of a pick, ns (two Stopwatch reads included).</summary>
    public double DecisionNs => PickCount == 0 ? 0 : PickNanoseconds / PickCount;

    /// <summary>The highest ramp load whose step meets the SLO; null when none does or there is no ramp.</summary>
    public double? GoodputLoad
    {
        get
        {
            double? best = null;
            foreach (StepResult step in Steps)
            {
                if (step.MeetsSlo(Slo) && (best is null || step.Load > best))
                {
                    best = step.Load;
                }
            }

            return best;
        }
    }

    /// <summary>Backend <paramref name="index"/>'s share of picks.</summary>
    public double Share(int index)
    {
        long total = 0;
        foreach (long picks in Picks)
        {
            total += picks;
        }

        return total == 0 ? 0 : (double)Picks[index] / total;
    }

    /// <summary>Adds another seed's run of the same scenario and policy.</summary>
    public void Add(SimulationResult other)
    {
        Seeds.AddRange(other.Seeds);
        P99BySeed.AddRange(other.P99BySeed);
        Requests += other.Requests;
        Responses += other.Responses;
        Ok += other.Ok;
        ServerErrors += other.ServerErrors;
        Timeouts += other.Timeouts;
        ConnectErrors += other.ConnectErrors;
        NoBackend += other.NoBackend;
        Shed += other.Shed;
        Retries += other.Retries;
        MeasuredSeconds += other.MeasuredSeconds;
        Latency.Add(other.Latency);
        for (int i = 0; i < Picks.Length; i++)
        {
            Picks[i] += other.Picks[i];
        }

        PickCount += other.PickCount;
        PickNanoseconds += other.PickNanoseconds;
        for (int i = 0; i < Steps.Length && i < other.Steps.Length; i++)
        {
            Steps[i].Add(other.Steps[i]);
        }

        for (int i = 0; i < Watches.Length && i < other.Watches.Length; i++)
        {
            Watches[i].Add(other.Watches[i]);
        }
    }
}
