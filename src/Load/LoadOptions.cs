namespace FastLb.Load;

/// <summary>What one load run does, as bound from the command line or set by the demo (cold).</summary>
public sealed class LoadOptions
{
    /// <summary>Base address the request paths are resolved against, e.g. http://127.0.0.1:8080/.</summary>
    public required Uri Target { get; init; }

    /// <summary>Requests per second an open-loop run sends; ignored by a closed-loop run.</summary>
    public double Rate { get; init; }

    /// <summary>How long requests are started; in-flight ones are then awaited up to <see cref="RequestTimeout"/>.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Time sent before <see cref="Duration"/> and not measured: connections open and code compiles in it.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>Most connections to the target; a closed-loop run keeps exactly this many requests going.</summary>
    public int Connections { get; init; } = 64;

    /// <summary>Arrival spacing of an open-loop run.</summary>
    public ArrivalKind Arrivals { get; init; } = ArrivalKind.Constant;

    /// <summary>Closed loop: each connection sends its next request when the previous one answers.</summary>
    public bool Closed { get; init; }

    /// <summary>A request slower than this is abandoned and counted as a timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests started but not answered beyond which an open-loop run stops starting more and counts them as dropped (bounds memory against a stalled target).</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Seed of the Poisson gaps and of the request mix.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options; one message per problem, each naming its flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Target.IsAbsoluteUri || Target.Scheme != Uri.UriSchemeHttp) errors.Add("--url: must be an absolute http:// URL");
        if (!Closed && (Rate <= 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))) errors.Add("--rate: must be a positive number of requests per second");
        if (Duration <= TimeSpan.Zero) errors.Add("--duration: must be positive");
        if (Warmup < TimeSpan.Zero) errors.Add("--warmup: must not be negative");
        if (Connections < 1) errors.Add("--connections: must be at least 1");
        if (RequestTimeout <= TimeSpan.Zero) errors.Add("request timeout must be positive");
        if (MaxInFlight < 1) errors.Add("max in flight must be at least 1");
        return errors;
    }
}
