using System.Runtime.CompilerServices;
using FastLb.Policy.Baselines;
using FastLb.Policy.Selection;

namespace FastLb.Policy.Learning;

/// <summary><c>q_learning</c>: tabular epsilon-greedy Q-learning over discretised load levels, action = backend.</summary>
/// <remarks>
/// <para>Reward -latency_ms / 10, or -1000 on failure; update Q(s, a) += 0.1 (r + 0.9 max Q(s', .) - Q(s, a));
/// exploration 0.1, times 0.995 per update, never under 0.01 (<see cref="QLearningOptions"/>).</para>
/// <para>Two state encodings (<see cref="QStateEncoding"/>). Joint, the original: the state is every
/// backend's <see cref="LoadLevel"/>, 3^N states, so only for N up to <see cref="MaxJointBackends"/>
/// (3^8 x 8 = 52,488 cells). PerBackend, for large pools: the value of sending to backend a is
/// Q[a, level(a), level(pool)], 9 N cells; max Q(s', .) is taken as the best value the latest pick
/// at that pool level saw, which a pick computes anyway, so a report stays O(1).</para>
/// <para>The state a pick decided in is remembered per backend (the last pick of it wins), as the
/// original design did: with concurrent picks of one backend the report may credit a neighbouring
/// state, a small bias that the learning rate averages out. It is kept that way so that this policy
/// stays the design's baseline; <see cref="FastLbPolicy"/> carries its own pick's state in the
/// <see cref="PickNote"/> instead.</para>
/// <para>A greedy pick takes the arg max over <see cref="QLearningOptions.Candidates"/> random
/// backends (2 by default). The original design's arg max over every backend herds under
/// concurrency: every pick between two reports goes to the same backend, and once all backends look
/// "high" the levels carry no signal (bench/RESULTS.md, "Q-learner"); Candidates = 0 keeps it, for
/// comparison.</para>
/// <para>The table is a flat double array updated lock-free (<see cref="QTable"/> says why that is
/// safe); the exploration rate is decayed with a plain read and write: a lost decay step only
/// leaves exploration one step higher.</para>
/// </remarks>
public sealed class QLearningPolicy : IRoutingPolicy
{
    /// <summary>Largest pool the joint (3^N) encoding is used for.</summary>
    public const int MaxJointBackends = 8;

    /// <summary>Most sampled candidates (<see cref="QLearningOptions.Candidates"/>).</summary>
    public const int MaxCandidates = 8;

    private readonly QLearningOptions _options;
    private readonly SplitMix64Random _random;
    private readonly BackendSlots _slots;
    private readonly QTable _table;
    private readonly int[] _decisionState;
    private readonly double[] _poolBest;
    private readonly int _count;
    private double _epsilon;

    /// <summary>Creates the learner for a pool of <see cref="PolicyContext.BackendCount"/> backends.</summary>
    /// <param name="context">Pool size and seed.</param>
    /// <param name="options">Hyper-parameters; the design's defaults when null.</param>
    /// <param name="encoding">State encoding; <see cref="QStateEncoding.Auto"/> chooses by pool size.</param>
    public QLearningPolicy(PolicyContext context, QLearningOptions? options = null, QStateEncoding encoding = QStateEncoding.Auto)
    {
        ArgumentNullException.ThrowIfNull(context);
        _count = Math.Max(context.BackendCount, 1);
        Encoding = encoding switch
        {
            QStateEncoding.Auto => _count <= MaxJointBackends ? QStateEncoding.Joint : QStateEncoding.PerBackend,
            QStateEncoding.Joint when _count > MaxJointBackends => throw new ArgumentOutOfRangeException(nameof(encoding), $"the joint encoding needs at most {MaxJointBackends} backends, not {_count}"),
            _ => encoding,
        };
        _options = options ?? QLearningOptions.Default;
        _random = new SplitMix64Random(context.Seed);
        _slots = new BackendSlots(_count);
        int cells = Encoding == QStateEncoding.Joint ? Pow3(_count) * _count : _count * LoadLevels.Count * LoadLevels.Count;
        _table = new QTable(cells);
        _decisionState = new int[_count];
        _poolBest = new double[LoadLevels.Count];
        _epsilon = _options.Epsilon;
    }

    /// <inheritdoc />
    public string Name => PolicyNames.QLearning;

    /// <summary>The state encoding in use.</summary>
    public QStateEncoding Encoding { get; }

    /// <summary>Current exploration probability.</summary>
    public double Epsilon => Volatile.Read(ref _epsilon);

    /// <summary>Cells in the Q table.</summary>
    public int TableSize => _table.Length;

    /// <inheritdoc />
    // Hot path: guarded by PolicyBenchmarks.
    public int Pick(ReadOnlySpan<BackendState> backends, in RequestFeatures request, ref PickNote note)
    {
        if (backends.Length != _count)
        {
            // A pool of another size than the table was built for (a reload in progress): stay
            // safe rather than index outside the table.
            return PowerOfTwoPolicy.PickLeastOfTwo(backends, request.ExcludeIndex, _random);
        }

        if (_random.NextDouble() < Volatile.Read(ref _epsilon))
        {
            int explored = CandidateSampler.PickOne(backends, request.ExcludeIndex, _random);
            if (explored >= 0)
            {
                Remember(backends, explored, request.PoolInFlight);
            }

            return explored;
        }

        return Encoding == QStateEncoding.Joint ? PickJoint(backends, request.ExcludeIndex) : PickPerBackend(backends, request);
    }

    /// <inheritdoc />
    public void Report(BackendState backend, in RequestFeatures request, in PickNote note, in RequestOutcome outcome)
    {
        int action = _slots.IndexOf(backend, request.PickedIndex);
        if (action < 0 || action >= _count)
        {
            return;
        }

        double reward = outcome.IsFailure ? _options.FailurePenalty : -outcome.LatencyMs / _options.LatencyScale;
        int state = Volatile.Read(ref _decisionState[action]);
        double next;
        int cell;
        if (Encoding == QStateEncoding.Joint)
        {
            next = BestJoint(CurrentJointState());
            cell = (state * _count) + action;
        }
        else
        {
            next = Volatile.Read(ref _poolBest[state % LoadLevels.Count]);
            cell = (action * LoadLevels.Count * LoadLevels.Count) + state;
        }

        _table.Update(cell, reward + (_options.Discount * next), _options.LearningRate);
        double epsilon = Volatile.Read(ref _epsilon);
        if (epsilon > _options.EpsilonFloor)
        {
            Volatile.Write(ref _epsilon, Math.Max(_options.EpsilonFloor, epsilon * _options.EpsilonDecay));
        }
    }

    /// <summary>The value of sending to <paramref name="backend"/> in a state (for tests and /status).</summary>
    /// <param name="state">Joint: the base-3 state number; PerBackend: own level x 3 + pool level.</param>
    public double Value(int state, int backend)
        => _table[Encoding == QStateEncoding.Joint ? (state * _count) + backend : (backend * LoadLevels.Count * LoadLevels.Count) + state];

    /// <summary>Writes the Q table and exploration rate (off the pick path: the caller owns the stream and the file).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _table.Save(stream, Encoding, _count, Epsilon);
    }

    /// <summary>Replaces the Q table and exploration rate with a saved one for the same encoding and pool size.</summary>
    public bool TryLoad(Stream stream, out string? error)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!_table.TryLoad(stream, Encoding, _count, out double epsilon, out error))
        {
            return false;
        }

        Volatile.Write(ref _epsilon, Math.Max(_options.EpsilonFloor, epsilon));
        return true;
    }

    private int PickJoint(ReadOnlySpan<BackendState> backends, int excludeIndex)
    {
        int state = 0;
        for (int i = backends.Length - 1; i >= 0; i--)
        {
            _slots.Note(i, backends[i]);
            state = (state * LoadLevels.Count) + (int)LoadLevels.Of(backends[i]);
        }

        int best = Greedy(backends, excludeIndex, state, 0, out _, out _);
        if (best >= 0)
        {
            Volatile.Write(ref _decisionState[best], state);
        }

        return best;
    }

    private int PickPerBackend(ReadOnlySpan<BackendState> backends, in RequestFeatures request)
    {
        int pool = (int)LoadLevels.OfPool(request.PoolInFlight, backends.Length);
        int best = Greedy(backends, request.ExcludeIndex, -1, pool, out int bestState, out double bestValue);
        if (best >= 0)
        {
            _slots.Note(best, backends[best]);
            Volatile.Write(ref _decisionState[best], bestState);
            Volatile.Write(ref _poolBest[pool], bestValue);
        }

        return best;
    }

    /// <summary>The eligible backend with the highest Q value over <see cref="QLearningOptions.Candidates"/> random ones,
    /// or, with 0, over all of them (from a random start, so that ties, such as untried cells at 0, are spread).</summary>
    [SkipLocalsInit]
    private int Greedy(ReadOnlySpan<BackendState> backends, int excludeIndex, int jointState, int pool, out int bestState, out double bestValue)
    {
        int best = -1;
        bestState = 0;
        bestValue = double.NegativeInfinity;
        int candidates = _options.Candidates;
        if (candidates > 0)
        {
            Span<int> sample = stackalloc int[MaxCandidates];
            int found = CandidateSampler.Sample(backends, excludeIndex, _random, sample[..Math.Min(candidates, MaxCandidates)]);
            for (int i = 0; i < found; i++)
            {
                Consider(backends, sample[i], jointState, pool, ref best, ref bestState, ref bestValue);
            }

            return best;
        }

        int start = _random.NextInt(backends.Length);
        for (int i = 0; i < backends.Length; i++)
        {
            int index = start + i;
            if (index >= backends.Length)
            {
                index -= backends.Length;
            }

            if (CandidateSampler.IsEligible(backends, index, excludeIndex))
            {
                Consider(backends, index, jointState, pool, ref best, ref bestState, ref bestValue);
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consider(ReadOnlySpan<BackendState> backends, int index, int jointState, int pool, ref int best, ref int bestState, ref double bestValue)
    {
        int state;
        int cell;
        if (jointState >= 0)
        {
            state = jointState;
            cell = (jointState * _count) + index;
        }
        else
        {
            state = ((int)LoadLevels.Of(backends[index]) * LoadLevels.Count) + pool;
            cell = (index * LoadLevels.Count * LoadLevels.Count) + state;
        }

        double value = _table[cell];
        if (value > bestValue)
        {
            best = index;
            bestState = state;
            bestValue = value;
        }
    }

    private void Remember(ReadOnlySpan<BackendState> backends, int index, int poolInFlight)
    {
        int state;
        if (Encoding == QStateEncoding.Joint)
        {
            state = 0;
            for (int i = backends.Length - 1; i >= 0; i--)
            {
                _slots.Note(i, backends[i]);
                state = (state * LoadLevels.Count) + (int)LoadLevels.Of(backends[i]);
            }
        }
        else
        {
            _slots.Note(index, backends[index]);
            state = ((int)LoadLevels.Of(backends[index]) * LoadLevels.Count) + (int)LoadLevels.OfPool(poolInFlight, backends.Length);
        }

        Volatile.Write(ref _decisionState[index], state);
    }

    private int CurrentJointState()
    {
        int state = 0;
        for (int i = _count - 1; i >= 0; i--)
        {
            BackendState? backend = _slots[i];
            state = (state * LoadLevels.Count) + (backend is null ? 0 : (int)LoadLevels.Of(backend));
        }

        return state;
    }

    private double BestJoint(int state)
    {
        int row = state * _count;
        double best = double.NegativeInfinity;
        for (int i = 0; i < _count; i++)
        {
            best = Math.Max(best, _table[row + i]);
        }

        return best;
    }

    private static int Pow3(int exponent)
    {
        int value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= LoadLevels.Count;
        }

        return value;
    }
}
