namespace FastLb.Policy.Learning;

/// <summary>A backend's (or the pool's) discretised load, the unit of the Q-learner's state.</summary>
public enum LoadLevel : byte
{
    /// <summary>Under every lower threshold.</summary>
    Low = 0,

    /// <summary>At or over a lower threshold, under every upper one.</summary>
    Medium = 1,

    /// <summary>At or over an upper threshold.</summary>
    High = 2,
}
