namespace FastLb.Simulation;

/// <summary>A validated scenario with what follows from it: backend count, capacities, measured duration.</summary>
internal sealed class Scenario
{
    /// <summary>Builds the derived values of a spec that <see cref="ScenarioLoader.Validate"/> accepted.</summary>
    public Scenario(string key, ScenarioSpec spec)
    {
        Key = key;
        Spec = spec;
        var capacities = new List<double>();
        foreach (BackendGroupSpec group in spec.Backends!)
        {
            for (int i = 0; i < group.Count; i++)
            {
                capacities.Add(group.Slots * group.Speed * 1000.0 / group.Service!.MeanMs);
            }
        }

        BackendCapacityRps = capacities.ToArray();
        NominalCapacityRps = capacities.Sum();
        CapacityRps = spec.CapacityRps ?? NominalCapacityRps;
        DurationS = spec.Arrivals!.Process == ArrivalProcessKind.Ramp
            ? spec.Arrivals.Steps!.Sum(s => s.DurationS)
            : spec.DurationS ?? DefaultDurationS;
    }

    /// <summary>Measured seconds when the file gives none (the suite's common model: 600 s after 60 s of warm-up, docs/SCENARIOS.md).</summary>
    public const double DefaultDurationS = 600;

    /// <summary>The name it is run by: the file name without <c>.json</c>, e.g. <c>S3-degradation</c>.</summary>
    public string Key { get; }

    /// <summary>The parsed file.</summary>
    public ScenarioSpec Spec { get; }

    /// <summary>Backends in the pool.</summary>
    public int BackendCount => BackendCapacityRps.Length;

    /// <summary>Each backend's nominal capacity: slots x speed / mean service time.</summary>
    public double[] BackendCapacityRps { get; }

    /// <summary>The sum of <see cref="BackendCapacityRps"/>.</summary>
    public double NominalCapacityRps { get; }

    /// <summary>What a load of 1.0 means.</summary>
    public double CapacityRps { get; }

    /// <summary>Measured seconds after the warm-up.</summary>
    public double DurationS { get; }
}
