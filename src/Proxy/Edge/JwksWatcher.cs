namespace FastLb.Proxy.Edge;

/// <summary>Reads a route's JWKS file again when it changes, between config reloads: once a second it compares each file's write time with the one last read.</summary>
/// <remarks>A file that changed but does not read (half written, invalid, removed) leaves the keys in use and
/// is logged once; its next write is read again, so a file whose write completes is picked up.</remarks>
internal sealed class JwksWatcher : IDisposable
{
    private readonly Func<IReadOnlyList<RouteEdge>> _edges;
    private readonly TextWriter _log;
    private readonly ITimer _timer;
    private int _running;

    /// <summary>Starts watching the JWKS files of the routes <paramref name="edges"/> gives (those of the generation in use, at each tick).</summary>
    public JwksWatcher(Func<IReadOnlyList<RouteEdge>> edges, TimeProvider time, TextWriter log, TimeSpan? interval = null)
    {
        _edges = edges;
        _log = log;
        TimeSpan every = interval ?? TimeSpan.FromSeconds(1);
        _timer = time.CreateTimer(_ => Check(), null, every, every);
    }

    /// <summary>Looks at every JWKS file of the routes in use now; called by the timer.</summary>
    public void Check()
    {
        // A tick that comes while the last one still reads files is skipped.
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (RouteEdge edge in _edges())
            {
                if (edge.Jwt is not { Config.JwksPath: not null } jwt)
                {
                    continue;
                }

                var errors = new List<string>();
                try
                {
                    jwt.RefreshJwks(errors);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add($"{jwt.Config.JwksPath}: {e.Message}");
                }

                foreach (string error in errors)
                {
                    _log.WriteLine($"jwks: route {edge.Label}: {error}; the keys in use stay");
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
