namespace FastLb.Policy.Learning;

/// <summary>Settings of the learned policy <c>fastlb</c>.</summary>
public sealed record FastLbOptions
{
    /// <summary>Random candidates compared per pick (2 to 4): the guard against herding. A pick never
    /// samples the whole pool: on a pool of n backends it compares at most max(2, n - 1), since a
    /// sample of all is a deterministic full scan.</summary>
    /// <remarks>4 by default. In a simple simulation of S1-S3 (10 backends, 4 slots each) 3 cut p99
    /// on the heterogeneous pool (S2, load 0.85) by about 12 % against 2. In the scenario suite
    /// (fastlb sim, models/latency.model, seeds 1-3, in-flight tie-break 0.3) 4 did better than 3:
    /// S2 p99 138.2 against 144.6 ms, S4 100.4 against 100.7 ms, and lower error rates on S5
    /// (1.94 % against 1.98 %), S5b (2.37 % against 2.47 %) and S6 (2.31 % against 2.45 %). Without
    /// the n - 1 cap, 4 of 4 backends let a recovered backend overshoot its fair share past 20 %.</remarks>
    public int Choices { get; init; } = 4;

    /// <summary>With a model, the score is multiplied by 1 + this x in-flight: breaks the ties of a model that
    /// sees no cost in a few requests in flight (free slots) in favour of the idler backend, which
    /// leaves room for the requests still to come.</summary>
    /// <remarks>0.3 by default. With an exact model of 4-slot backends in a simple simulation of S1-S3,
    /// 0 lost 10 % p99 to power of two choices on S1. The shipped model is not exact: on the
    /// load-dependent pool (S4, service time growing with in-flight) 0.1 left fastlb 5.4 % behind
    /// least_connections in p99; 0.3 brings it within about 2 % and also helps S1, S3, S5-S7, while
    /// 0.6 loses S2 (fastlb sim, models/latency.model, seeds 1-3, 3 choices: S4 p99 104.0 / 100.7 /
    /// 100.2 ms, S2 142.3 / 144.6 / 151.7 ms for 0.1 / 0.3 / 0.6).</remarks>
    public double InFlightTieBreak { get; init; } = 0.3;

    /// <summary>With a model and a deadline (<see cref="PolicyContext.DeadlineMs"/>), a request is shed when its best
    /// candidate's expected latency is above this fraction of the deadline (0 to 1).</summary>
    /// <remarks>0.9 by default. The model learns from logs in which a timeout is recorded as the deadline, so its
    /// predictions flatten just below it and rarely pass it; and a prediction is a mean, so a request expected at
    /// 90 % of the deadline misses it often. Errors over ten seeds (fastlb sim, models/latency.model, seeds 1-10
    /// and 11-20 for S5) for 1.0 / 0.9 / 0.8 / 0.7: S5 4.04 / 3.82 / 3.78 / 3.81 % and 4.00 / 3.63 / 3.62 / 3.64 %,
    /// S5b 4.32 / 3.91 / 3.85 / 3.80 %, S6 2.00 / 2.03 / 2.16 / 2.47 %; least_response_time 4.53, 4.52, 5.80 and
    /// 2.20 %. Below 0.9 the gain on S5 is in the noise and S6 loses.</remarks>
    public double ShedAt { get; init; } = 0.9;

    /// <summary>How often the prediction table is rebuilt from the model.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether a report rebuilds the prediction table once it is older than <see cref="RefreshInterval"/>.</summary>
    /// <remarks>True by default: refreshes then follow the reports' own clock, so the simulator stays
    /// deterministic. False takes the model off the completion path altogether: the host calls
    /// <see cref="FastLbPolicy.RefreshNow"/> from its own timer (every <see cref="RefreshInterval"/>), and
    /// <see cref="FastLbPolicy.SetModel"/> still builds a table at once.</remarks>
    public bool RefreshOnReport { get; init; } = true;

    /// <summary>Learning rate of the online correction (the Q-learner's, DESIGN.md).</summary>
    public double CorrectionRate { get; init; } = 0.1;

    /// <summary>Fraction of the expected latency within which a correction is ignored (soft threshold).</summary>
    public double CorrectionDeadBand { get; init; } = 0.1;

    /// <summary>Time constant in seconds over which an unrefreshed correction and peak estimate fade.</summary>
    public double DecaySeconds { get; init; } = 10;

    /// <summary>Latency a failed request counts as, in ms.</summary>
    public double FailureLatencyMs { get; init; } = 1000;

    /// <summary>Exploration: the Q-learner's schedule (0.1, x0.995 per outcome, floor 0.01); an exploring pick takes a random candidate of those sampled.</summary>
    public QLearningOptions Exploration { get; init; } = QLearningOptions.Default;

    /// <summary>The defaults.</summary>
    public static FastLbOptions Default { get; } = new();
}
