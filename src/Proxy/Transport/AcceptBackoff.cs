namespace FastLb.Proxy.Transport;

/// <summary>
/// How an accept loop waits after a failed accept (descriptor exhaustion, other transient errors) and when it may log:
/// the delay starts at <see cref="InitialDelay"/>, doubles on each failure in a row up to <see cref="MaxDelay"/>, and
/// resets on the next successful accept; a log line is allowed at most once per <see cref="LogInterval"/>, with the count
/// of failures not logged since the last line.
/// </summary>
/// <remarks>One instance per accept loop; not thread-safe (the loop is sequential).</remarks>
internal sealed class AcceptBackoff
{
    /// <summary>The first delay after a success.</summary>
    public static readonly TimeSpan InitialDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest delay.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>The shortest time between two log lines.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private TimeSpan _next = InitialDelay;
    private long _lastLog;
    private bool _logged;
    private long _suppressed;

    /// <summary>Creates a backoff reading <paramref name="time"/> for the log interval.</summary>
    public AcceptBackoff(TimeProvider time) => _time = time;

    /// <summary>Records a failed accept.</summary>
    /// <param name="suppressed">When logging is allowed: the failures not logged since the last line; else 0.</param>
    /// <returns>The delay to wait before the next accept, and whether this failure may be logged now.</returns>
    public (TimeSpan Delay, bool Log) Fail(out long suppressed)
    {
        TimeSpan delay = _next;
        TimeSpan doubled = _next * 2;
        _next = doubled > MaxDelay ? MaxDelay : doubled;

        long now = _time.GetTimestamp();
        if (!_logged || _time.GetElapsedTime(_lastLog, now) >= LogInterval)
        {
            _logged = true;
            _lastLog = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return (delay, true);
        }

        _suppressed++;
        suppressed = 0;
        return (delay, false);
    }

    /// <summary>Records a successful accept: the next failure waits <see cref="InitialDelay"/> again.</summary>
    public void Succeed() => _next = InitialDelay;

    /// <summary>The delay the next failure will get.</summary>
    public TimeSpan NextDelay => _next;
}
