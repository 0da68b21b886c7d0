namespace FastLb.Simulation;

/// <summary>What a simulated backend does with a request when its slots are busy.</summary>
internal enum QueueDiscipline
{
    /// <summary>Waits in an unbounded first-in first-out queue.</summary>
    Fifo,

    /// <summary>No queue: served at once, with unbounded concurrency.</summary>
    None,
}
