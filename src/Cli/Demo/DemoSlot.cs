namespace FastLb.Cli.Demo;

/// <summary>One stretch of the run under one policy: the collect phase, the train phase, or one compare turn; times in seconds from the traffic's start.</summary>
/// <param name="Phase">collect, train or compare.</param>
/// <param name="Policy">The policy every pool ran.</param>
/// <param name="Round">The compare round (0-based), 0 otherwise.</param>
/// <param name="StartS">Start.</param>
/// <param name="EndS">End.</param>
/// <param name="DegradedFromS">When the degrading instance was slow, from (NaN: not in this slot).</param>
/// <param name="DegradedToS">... to.</param>
/// <param name="FailingFromS">When the failing instance answered 500, from (NaN: not in this slot).</param>
/// <param name="FailingToS">... to.</param>
internal sealed record DemoSlot(string Phase, string Policy, int Round, double StartS, double EndS, double DegradedFromS, double DegradedToS, double FailingFromS, double FailingToS)
{
    /// <summary>Where in a slot the degradation runs, as fractions of the slot.</summary>
    public const double DegradeFrom = 0.3, DegradeTo = 0.7, FailFrom = 0.45, FailTo = 0.65;

    /// <summary>A slot from <paramref name="startS"/> to <paramref name="endS"/>, with the fault windows at their fractions when <paramref name="faults"/>.</summary>
    public static DemoSlot Create(string phase, string policy, int round, double startS, double endS, bool faults)
    {
        double length = endS - startS;
        return faults
            ? new DemoSlot(phase, policy, round, startS, endS, startS + DegradeFrom * length, startS + DegradeTo * length, startS + FailFrom * length, startS + FailTo * length)
            : new DemoSlot(phase, policy, round, startS, endS, double.NaN, double.NaN, double.NaN, double.NaN);
    }

    /// <summary>Whether <paramref name="s"/> lies in this slot.</summary>
    public bool Contains(double s) => s >= StartS && s < EndS;

    /// <summary>Whether <paramref name="s"/> lies in the degradation window.</summary>
    public bool Degraded(double s) => s >= DegradedFromS && s < DegradedToS;

    /// <summary>Whether <paramref name="s"/> lies in the failure window.</summary>
    public bool Failing(double s) => s >= FailingFromS && s < FailingToS;
}
