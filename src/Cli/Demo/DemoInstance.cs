using FastLb.Backends.Hosting;

namespace FastLb.Cli.Demo;

/// <summary>One backend instance of the demo shop: its speed knobs, its role in the fault schedule, and the running host once started.</summary>
internal sealed class DemoInstance
{
    private RunningBackend? _running;

    /// <summary>The service it runs.</summary>
    public required BackendService Service { get; init; }

    /// <summary>Name in the report, e.g. inventory-4.</summary>
    public required string Name { get; init; }

    /// <summary>Fixed delay of every /api request, ms.</summary>
    public int DelayMs { get; init; }

    /// <summary>Uniform extra delay, ms.</summary>
    public int JitterMs { get; init; }

    /// <summary>Concurrent /api requests served, the rest queue (0: unlimited).</summary>
    public int Capacity { get; init; }

    /// <summary>Delay while degraded (only the instance that degrades).</summary>
    public int? DegradedDelayMs { get; init; }

    /// <summary>Whether this instance answers 500 to everything for a while.</summary>
    public bool Fails { get; init; }

    /// <summary>Serves the orders service's own calls (reserve, pay, confirm) directly, so that a reservation and its confirmation meet the same in-memory store.</summary>
    public bool Internal { get; init; }

    /// <summary>The running host, once started; null again once stopped.</summary>
    public RunningBackend? Running
    {
        get => _running;
        set
        {
            _running = value;
            if (value is not null) Port = value.Port;
        }
    }

    /// <summary>The port it listened on (kept after it stops, for the report).</summary>
    public int Port { get; private set; }

    /// <summary>host:port, the backend id in the proxy's config and request log.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Knobs as one short text for the report.</summary>
    public string Knobs => $"{DelayMs} ms + 0-{JitterMs} ms, capacity {(Capacity == 0 ? "unlimited" : Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture))}"
        + (DegradedDelayMs is { } d ? $"; degrades to {d} ms" : string.Empty) + (Fails ? "; fails (500) for a while" : string.Empty);
}
