namespace FastLb.Policy.Learning;

/// <summary>Hyper-parameters of the Q-learner; the learning defaults are those of the original tabular Q-learner design; the greedy step samples two backends (<see cref="Candidates"/>).</summary>
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

    /// <summary>Backends a greedy pick compares: that many distinct random ones (2 by default), or 0 for all of them as the original design did.</summary>
    /// <remarks>
    /// <para>The original arg max over every backend sends every concurrent pick to the same backend
    /// until reports move its value (herding): in the scenario suite it times out most requests in
    /// every scenario, even at 50 % load. The learning hyper-parameters above stay the original
    /// design's; only the greedy step looks at a random sample of the backends, the usual guard for
    /// a large action set. 2 herds least; 3 already herds more (bench/RESULTS.md, "Q-learner").
    /// 0 keeps the original for comparison and tests.</para>
    /// </remarks>
    public int Candidates { get; init; } = 2;

    /// <summary>The defaults.</summary>
    public static QLearningOptions Default { get; } = new();
}
