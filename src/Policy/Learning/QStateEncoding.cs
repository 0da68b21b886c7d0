namespace FastLb.Policy.Learning;

/// <summary>How the Q-learner turns the pool's load into a state.</summary>
public enum QStateEncoding : byte
{
    /// <summary><see cref="Joint"/> for pools of at most <see cref="QLearningPolicy.MaxJointBackends"/>, else <see cref="PerBackend"/>.</summary>
    Auto = 0,

    /// <summary>The original design: one level per backend, 3^N states x N actions; only for small pools.</summary>
    Joint = 1,

    /// <summary>Scalable: Q[backend, its own level, the pool's level], 9 N cells, for pools up to 64 and beyond.</summary>
    PerBackend = 2,
}
