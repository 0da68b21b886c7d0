namespace FastLb.Policy.Learning;

/// <summary>Hyper-parameters of the Q-learner; the defaults are those of the original design (DESIGN.md).</summary>
public sealed record QLearningOptions
{
    /// <summary>Step size of the Bellman update.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Weight of the next state's best value.</summary>
    public double Discount { get; init; } = 0.9;

    /// <summary>Exploration probability at start.</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>Factor applied to the exploration probability after every update.</summary>
    public double EpsilonDecay { get; init; } = 0.995;

    /// <summary>Exploration never drops below this, so a backend that recovered is found again.</summary>
    public double EpsilonFloor { get; init; } = 0.01;

    /// <summary>Reward of a success is -latency_ms / this.</summary>
    public double LatencyScale { get; init; } = 10;

    /// <summary>Reward of a failure.</summary>
    public double FailurePenalty { get; init; } = -1000;

    /// <summary>Backends a greedy pick compares: 0 for all of them (the original design), else that many distinct random ones.</summary>
    /// <remarks>The original arg max over every backend sends every concurrent pick to the same
    /// backend until reports move its value (herding); sampling a few candidates is the usual guard.</remarks>
    public int Candidates { get; init; }

    /// <summary>The defaults.</summary>
    public static QLearningOptions Default { get; } = new();
}
