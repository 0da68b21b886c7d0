using System.Runtime.CompilerServices;
using FastLb.Policy.Baselines;
using FastLb.Policy.Prediction;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Learning;

/// <summary><c>fastlb</c>, the learned policy: predicted latency from the offline model, corrected online, over a few random choices.</summary>
/// <remarks>
/// <para>A pick samples <see cref="FastLbOptions.Choices"/> (at most n - 1 of a pool of n, at least 2) distinct random available backends and
/// takes the one with the lowest score:</para>
/// <code>
/// with a model:    score(b) = max(P(b, route, inflight(b)) + shrink(Q(level(b), b), 0.1 P), 0.1 ms) x (1 + 0.3 inflight(b))
/// without a model: score(b) = max(E(b) + shrink(Q(level(b), b), 0.1 E), 0.1 ms) x (inflight(b) + 1)
/// shrink(q, t) = sign(q) max(|q| - t, 0)
/// </code>
/// <para>P is the model's prediction, read from a <see cref="PredictionTableSnapshot"/> and
/// interpolated on in-flight, so the model's own view of queueing ranks the candidates. E is the
/// peak-sensitive EWMA latency of peak_ewma (30 ms at start, 10 s decay). Q is the online part, a
/// tabular Q-learner (<see cref="DriftCorrection"/>): its state is the backend's
/// <see cref="LoadLevel"/> (the thresholds of q_learning, <see cref="LoadLevels"/>), its action the
/// backend, its value what the model got wrong there: the smoothed error of what the pick expected
/// (P, or E) against what came back, a failure counting as <see cref="FastLbOptions.FailureLatencyMs"/>,
/// learnt with q_learning's rate 0.1. The model is what was learned offline, Q follows drift, per
/// load level, since a model is often right on an idle backend and wrong on a loaded one. Both Q and
/// E decay toward 0 while a cell gets no traffic, and with the Q-learner's exploration schedule (0.1
/// x 0.995 per outcome, floor 0.01) a pick takes a random one of its candidates: together they
/// find a backend that recovered. Random candidates (two or more) keep concurrent picks from
/// herding onto the backend that looks best.</para>
/// <para>Shedding: with a model and a finite <see cref="PolicyContext.DeadlineMs"/>, a pick whose best
/// candidate is expected (P plus its correction) to answer after <see cref="FastLbOptions.ShedAt"/> (0.9)
/// of the deadline returns
/// <see cref="IRoutingPolicy.Shed"/>: the caller fails the request at once instead of queueing work
/// that would time out and delay the requests behind it. A candidate with nothing in flight is never
/// shed (it has no queue, and it keeps every backend probed, so a wrong prediction cannot shut the
/// pool). Without a model there is no prediction to shed by, and nothing is shed.</para>
/// <para>The model is never called on the pick path: unless the host refreshes (<see cref="PolicyContext.HostRefreshes"/>)
/// a report that finds the table older than
/// <see cref="FastLbOptions.RefreshInterval"/> (on <see cref="PolicyContext.Time"/>, so the
/// simulator refreshes on simulated time, deterministically) and wins an interlocked flag predicts
/// every known backend x route x in-flight point and publishes the new table with one volatile
/// write. Until a candidate has a row (or when there is no model) the pair is scored without a
/// model, so scores on different scales are never compared.</para>
/// </remarks>
public sealed class FastLbPolicy : IRoutingPolicy, ILatencyModelUser, IPeriodicRefresh
{
    /// <summary>Most candidates a pick compares.</summary>
    public const int MaxChoices = 4;

    /// <summary>Smallest score, so that a correction can never make a backend free.</summary>
    private const double MinScoreMs = 0.1;

    private readonly FastLbOptions _options;
    private ILatencyModel? _model;
    private readonly string[] _routes;
    private readonly TimeProvider _time;
    private readonly PolicyClock _clock;
    private readonly SplitMix64Random _random;
    private readonly PeakEwmaEstimates _estimates;
    private readonly DriftCorrection _correction;
    private readonly int _cells;
    private readonly BackendState[]?[] _probes;
    private readonly long _refreshTicks;
    private readonly int _choices;
    private readonly double _shedAboveMs;
    private readonly bool _refreshOnReport;
    private PredictionTableSnapshot? _table;
    private long _lastRefresh;
    private int _refreshing;
    private long _refreshFailures;
    private long _tableBuilds;
    private double _epsilon;

    /// <summary>Creates the policy for a pool; uses <see cref="PolicyContext.Model"/> when there is one.</summary>
    public FastLbPolicy(PolicyContext context, FastLbOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _options = options ?? FastLbOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Choices, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.Choices, MaxChoices, nameof(options));
        _choices = _options.Choices;
        if (!(context.DeadlineMs > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(context), context.DeadlineMs, "DeadlineMs must be above 0 (infinite for none).");
        }

        if (!(_options.ShedAt is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ShedAt, "ShedAt must be above 0 and at most 1.");
        }

        _shedAboveMs = _options.ShedAt * context.DeadlineMs;
        _refreshOnReport = !context.HostRefreshes;
        _model = context.Model;
        _routes = [.. context.Routes];
        _time = context.Time;
        _clock = new PolicyClock(_time);
        _random = new SplitMix64Random(context.Seed);
        int capacity = Math.Max(context.BackendCount, 1);
        _estimates = new PeakEwmaEstimates(capacity, _time, PeakEwmaPolicy.InitialLatencyMs, _options.DecaySeconds);
        _correction = new DriftCorrection(capacity * LoadLevels.Count, _time, _options.CorrectionRate, _options.DecaySeconds);
        _cells = capacity * LoadLevels.Count;
        _probes = new BackendState[]?[capacity];
        _refreshTicks = (long)(_options.RefreshInterval.TotalSeconds * _time.TimestampFrequency);
        _lastRefresh = long.MinValue / 2;
        _epsilon = _options.Exploration.Epsilon;
    }

    /// <inheritdoc />
    public string Name => PolicyNames.FastLb;

    /// <summary>True when a prediction table from the model is published.</summary>
    public bool HasPredictions => Volatile.Read(ref _table) is not null;

    /// <summary>Prediction tables built since start (from reports, <see cref="Refresh()"/> or <see cref="SetModel"/>).</summary>
    public long TableBuilds => Interlocked.Read(ref _tableBuilds);

    /// <summary>Refreshes that failed because the model threw; the previous table stays in use.</summary>
    public long RefreshFailures => Interlocked.Read(ref _refreshFailures);

    /// <summary>Current exploration probability.</summary>
    public double Epsilon => Volatile.Read(ref _epsilon);

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks. The candidate buffers are inline arrays, not stackalloc:
    // a method with stackalloc is not tiered up with profile-guided optimization and checks a stack
    // cookie on every call (bench/RESULTS.md, "fastlb's pick-cost changes").
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        Candidates<int> sampleBuffer = default;
        Span<int> sample = sampleBuffer;

        // A sample of the whole pool would be a full scan: deterministic, so concurrent picks (and a
        // backend whose correction is a hair below the others') herd. Leave at least one out.
        int choices = Math.Min(_choices, Math.Max(2, backends.Length - 1));
        int found = CandidateSampler.Sample(backends, request.ExcludeIndex, _random, sample[..choices]);
        if (found == 0)
        {
            return IRoutingPolicy.NoBackend;
        }

        Candidates<double> expectedBuffer = default;
        Span<double> expected = expectedBuffer;
        Candidates<int> cellBuffer = default;
        Span<int> cells = cellBuffer;
        long now = _clock.AtPick(request);
        int best = -1;
        double bestScore = double.MaxValue;
        double bestLatency = 0;
        PredictionTableSnapshot? table = Volatile.Read(ref _table);
        if (table is not null)
        {
            int route = (uint)request.RouteId < (uint)_routes.Length ? request.RouteId : _routes.Length;
            for (int i = 0; i < found; i++)
            {
                int index = sample[i];
                BackendState backend = backends[index];
                int inFlight = backend.InFlight;
                double prediction = table.Predict(index, backend, route, inFlight);
                if (double.IsNaN(prediction))
                {
                    // A candidate without a row: score them all without the model, on one scale.
                    best = -1;
                    break;
                }

                // A row for this backend means the table was built from its slot: no Note needed.
                int cell = Cell(index, backend);
                expected[i] = prediction;
                cells[i] = cell;
                double corrected = Math.Max(prediction + Shrink(_correction.ValueMs(cell, now), prediction), MinScoreMs);
                double score = corrected * (1 + (_options.InFlightTieBreak * inFlight));
                if (score < bestScore)
                {
                    best = i;
                    bestScore = score;
                    bestLatency = corrected;
                }
            }

            if (best >= 0 && bestLatency > _shedAboveMs && backends[sample[best]].InFlight > 0)
            {
                return IRoutingPolicy.Shed;
            }
        }

        if (best < 0)
        {
            best = 0;
            bestScore = double.MaxValue;
            for (int i = 0; i < found; i++)
            {
                int index = sample[i];
                BackendState backend = backends[index];
                int inFlight = backend.InFlight;
                int cell = Cell(index, backend);
                double estimate = _estimates.LatencyMs(index, backend, now);
                expected[i] = estimate;
                cells[i] = cell;
                double score = Math.Max(estimate + Shrink(_correction.ValueMs(cell, now), estimate), MinScoreMs) * (inFlight + 1);
                if (score < bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }
        }

        if (_random.NextDouble() < Volatile.Read(ref _epsilon))
        {
            best = _random.NextInt(found);
        }

        // What this pick expected travels with its lease to its own report: another pick of the same
        // backend while this one is in flight expects something else, in another load level.
        note.ExpectedMs = expected[best];
        note.Cell = cells[best];
        return sample[best];
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
        long now = _clock.AtReport(request, outcome);
        int index = _estimates.Slots.IndexOf(backend, request.PickedIndex);
        if (index >= 0)
        {
            double observed = outcome.IsFailure ? Math.Max(outcome.LatencyMs, _options.FailureLatencyMs) : outcome.LatencyMs;

            // The EWMA estimate only scores backends the prediction table has no row for. While the
            // table covers this one, skip it (two atomics per report); if the model goes, the first
            // report of each backend brings its peak estimate back (a peak is taken at once).
            if (Volatile.Read(ref _table)?.Covers(index, backend) != true)
            {
                _estimates.ObserveAt(index, observed, now);
            }

            if ((uint)note.Cell < (uint)_cells)
            {
                _correction.Observe(note.Cell, observed - note.ExpectedMs, now);
            }
        }

        // A lost decay step (two reports racing) only leaves exploration one step higher.
        QLearningOptions exploration = _options.Exploration;
        double epsilon = Volatile.Read(ref _epsilon);
        if (epsilon > exploration.EpsilonFloor)
        {
            Volatile.Write(ref _epsilon, Math.Max(exploration.EpsilonFloor, epsilon * exploration.EpsilonDecay));
        }

        if (_refreshOnReport && Volatile.Read(ref _model) is not null && now - Volatile.Read(ref _lastRefresh) >= _refreshTicks)
        {
            Refresh(now);
        }
    }

    /// <summary>The online correction of the backend at <paramref name="index"/> in load level <paramref name="level"/> now, in ms (tests and /status).</summary>
    public double CorrectionMs(int index, LoadLevel level) => _correction.ValueMs((index * LoadLevels.Count) + (int)level, _time.GetTimestamp());

    /// <summary>The latency model in use, null when none.</summary>
    public ILatencyModel? Model => Volatile.Read(ref _model);

    /// <summary>Swaps the latency model (hot reload) and rebuilds the table from it at once; null falls back to the model-free score.</summary>
    /// <remarks>
    /// Called off the hot path. Picks read the table through one volatile read, so a pick sees the
    /// old table or the new one, never a mix; a refresh racing this call may publish one more table
    /// from the old model, and the next refresh interval replaces it.
    /// </remarks>
    public void SetModel(ILatencyModel? model)
    {
        Volatile.Write(ref _model, model);
        if (model is null)
        {
            Volatile.Write(ref _table, null);
            return;
        }

        Refresh(_time.GetTimestamp());
    }

    /// <inheritdoc />
    public TimeSpan RefreshInterval => _options.RefreshInterval;

    /// <summary>Rebuilds the prediction table now: from the host's timer (<see cref="PolicyContext.HostRefreshes"/>), and in tests.
    /// Safe to call from any thread: a call racing another refresh returns without building.</summary>
    public void Refresh() => Refresh(_time.GetTimestamp());

    /// <summary>Soft-thresholds a correction by a fraction of the expectation: errors within the
    /// noise of a good prediction do not reorder backends that the model ranks equal (without it the
    /// correction's own sampling noise, a few ms, decides ties and skews shares), while drift, which
    /// is many times larger, passes almost whole.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Shrink(double correctionMs, double expectedMs)
    {
        double band = _options.CorrectionDeadBand * expectedMs;
        return correctionMs > band ? correctionMs - band : correctionMs < -band ? correctionMs + band : 0;
    }

    /// <summary>The Q-table cell of sending to the backend at <paramref name="index"/> in its load level now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Cell(int index, BackendState backend) => (index * LoadLevels.Count) + (int)LoadLevels.Of(backend);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refresh(long now)
    {
        ILatencyModel? model = Volatile.Read(ref _model);
        if (model is null || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastRefresh, now);
            Volatile.Write(ref _table, BuildTable(model, now));
            Interlocked.Increment(ref _tableBuilds);
        }
        catch (Exception)
        {
            // The model is a plug-in seam: if it throws, routing goes on with the last table (or
            // the model-free score) rather than failing the completion path of a request. The
            // count is shown so that the failure is not silent.
            Interlocked.Increment(ref _refreshFailures);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private PredictionTableSnapshot BuildTable(ILatencyModel model, long now)
    {
        BackendSlots slots = _estimates.Slots;
        int routeSlots = _routes.Length + 1;
        var owners = new BackendState?[slots.Capacity];
        var values = new double[slots.Capacity * routeSlots * PredictionTableSnapshot.Points];
        Array.Fill(values, double.NaN);
        int poolInFlight = 0;
        for (int b = 0; b < owners.Length; b++)
        {
            owners[b] = slots[b];
            poolInFlight += owners[b]?.InFlight ?? 0;
        }

        RequestFeatures request = RequestFeatures.Empty;
        request.Method = RequestMethod.Get;
        request.PoolInFlight = poolInFlight;
        request.Timestamp = now;
        for (int b = 0; b < owners.Length; b++)
        {
            BackendState? source = owners[b];
            if (source is null)
            {
                continue;
            }

            // The backend as it is now, at each in-flight point of the table, asked for in one call per route.
            BackendState[]? probes = _probes[b];
            if (probes is null || probes[0].Id != source.Id)
            {
                probes = new BackendState[PredictionTableSnapshot.Points];
                for (int p = 0; p < probes.Length; p++)
                {
                    probes[p] = new BackendState(source.Id, source.Weight);
                }

                _probes[b] = probes;
            }

            for (int p = 0; p < probes.Length; p++)
            {
                probes[p].CopyForProbe(source, PredictionTableSnapshot.InFlightAt(p));
            }

            for (int r = 0; r < routeSlots; r++)
            {
                request.RouteId = r < _routes.Length ? r : -1;
                string? route = r < _routes.Length ? _routes[r] : null;
                Span<double> row = values.AsSpan(((b * routeSlots) + r) * PredictionTableSnapshot.Points, PredictionTableSnapshot.Points);
                model.PredictMs(probes, route, request, row);
                for (int p = 0; p < row.Length; p++)
                {
                    row[p] = double.IsFinite(row[p]) ? Math.Max(row[p], 0) : double.NaN;
                }
            }
        }

        return new PredictionTableSnapshot(owners, routeSlots, values, now);
    }

    /// <summary>Room for one value per candidate, on the stack.</summary>
    [InlineArray(MaxChoices)]
    private struct Candidates<T>
    {
        private T _first;
    }
}
