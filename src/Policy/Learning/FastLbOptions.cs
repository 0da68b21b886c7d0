namespace FastLb.Policy.Learning;

/// <summary>Settings of the learned policy <c>fastlb</c>.</summary>
public sealed record FastLbOptions
{
    /// <summary>Random candidates compared per pick (2 to 4): the guard against herding. A pick never
    /// samples the whole pool: on a pool of n backends it compares at most max(2, n - 1), since a
    /// sample of all is a deterministic full scan.</summary>
    /// <remarks>4 by default: in the scenario suite 4 beats 3 and 2 on p99 (S2) and error rate (S5, S5b,
    /// S6). The n - 1 cap keeps a recovered backend from overshooting its fair share on a pool of 4.
    /// The runs behind both: bench/RESULTS.md, "fastlb tuning".</remarks>
    public int Choices { get; init; } = 4;

    /// <summary>With a model, the score is multiplied by 1 + this x in-flight: breaks the ties of a model that
    /// sees no cost in a few requests in flight (free slots) in favour of the idler backend, which
    /// leaves room for the requests still to come.</summary>
    /// <remarks>0.3 by default. Without a tie-break fastlb loses p99 to power_of_two on S1; a smaller one
    /// leaves it behind least_connections on the load-dependent pool (S4), a larger one loses S2.
    /// The sweep: bench/RESULTS.md, "fastlb tuning".</remarks>
    public double InFlightTieBreak { get; init; } = 0.3;

    /// <summary>With a model and a deadline (<see cref="PolicyContext.DeadlineMs"/>), a request is shed when its best
    /// candidate's expected latency is above this fraction of the deadline (0 to 1).</summary>
    /// <remarks>0.9 by default. The model learns from logs in which a timeout is recorded as the deadline, so its
    /// predictions flatten just below it and rarely pass it; and a prediction is a mean, so a request expected at
    /// 90 % of the deadline misses it often. Below 0.9 the gain on S5 is in the noise and S6 loses
    /// (the sweep over ten seeds: bench/RESULTS.md, "Shedding").</remarks>
    public double ShedAt { get; init; } = 0.9;

    /// <summary>How often the prediction table is rebuilt from the model.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Learning rate of the online correction (the Q-learner's, <see cref="QLearningOptions.LearningRate"/>).</summary>
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
