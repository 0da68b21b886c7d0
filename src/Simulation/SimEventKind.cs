namespace FastLb.Simulation;

/// <summary>What a simulated event does when its time comes.</summary>
internal enum SimEventKind : byte
{
    /// <summary>A backend finishes serving a request (A = request slot).</summary>
    ServiceDone,

    /// <summary>A request's client deadline (A = request slot, B = its generation).</summary>
    Deadline,

    /// <summary>A timer created through <see cref="SimulatedTimeProvider"/> fires (A = timer id, B = its generation).</summary>
    Timer,

    /// <summary>A backend redraws its random slowdown (A = backend).</summary>
    Slowdown,

    /// <summary>Every backend publishes a health report.</summary>
    Health,
}
