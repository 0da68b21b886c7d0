namespace FastLb.Simulation;

/// <summary>A group of identical backends in a scenario.</summary>
internal sealed class BackendGroupSpec
{
    /// <summary>How many backends the group has.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Service slots per backend (c); with <see cref="QueueDiscipline.None"/> only the nominal capacity and the load-dependence knee use it.</summary>
    public int Slots { get; init; } = 4;

    /// <summary>Whether a request that finds every slot busy waits in a FIFO queue, or is served at once.</summary>
    public QueueDiscipline Queue { get; init; } = QueueDiscipline.Fifo;

    /// <summary>The service time distribution.</summary>
    public ServiceTimeSpec? Service { get; init; }

    /// <summary>Speed factor: service times are divided by it.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Load-dependent service time; only with <see cref="QueueDiscipline.None"/>.</summary>
    public LoadDependenceSpec? LoadDependence { get; init; }
}
