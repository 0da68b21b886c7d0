namespace FastLb.Policy.Learning;

/// <summary>Settings of the learned policy <c>fastlb</c>.</summary>
public sealed record FastLbOptions
{
    /// <summary>Random candidates compared per pick (2 to 4): the guard against herding.</summary>
    /// <remarks>3 by default: in a simple simulation of S1-S3 (10 backends, 4 slots each) it cut p99
    /// on the heterogeneous pool (S2, load 0.85) by about 12 % against 2, while 4 gained nothing more.</remarks>
    public int Choices { get; init; } = 3;

    /// <summary>With a model, the score is multiplied by 1 + this x in-flight: breaks the ties of a model that
    /// sees no cost in a few requests in flight (free slots) in favour of the idler backend, which
    /// leaves room for the requests still to come.</summary>
    /// <remarks>0.1 by default: with an exact model of 4-slot backends in a simple simulation of S1-S3,
    /// 0 lost 10 % p99 to power of two choices on S1, 0.1 beat it, 0.2 gave back some on S2.</remarks>
    public double InFlightTieBreak { get; init; } = 0.1;

    /// <summary>How often the prediction table is rebuilt from the model.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(200);

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
