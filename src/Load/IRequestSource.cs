namespace FastLb.Load;

/// <summary>Makes the requests of a run: a fixed mix from a file, or the demo's shop traffic with its own state.</summary>
public interface IRequestSource
{
    /// <summary>The next request to send, its URI relative to <paramref name="target"/>; called from one thread in open loop, from each worker in closed loop.</summary>
    HttpRequestMessage Create(Uri target, Random random);

    /// <summary>Told each answer of a request it made (status 0 when none came), so a stateful source can follow it; called concurrently.</summary>
    void Observe(HttpRequestMessage request, int status, string? body) { }

    /// <summary>Whether <see cref="Observe"/> needs the response body; false skips reading it into a string.</summary>
    bool WantsBodies => false;
}
