using FastLb.Policy.Prediction;

namespace FastLb.RequestLog;

/// <summary>Request-log rows as columns: the row-major feature matrix the trainer and the evaluator take, the target and the timestamps.</summary>
/// <remarks>Grows by doubling while a log is read; <see cref="Features"/> may be longer than <see cref="Count"/> rows.</remarks>
internal sealed class RequestLogData
{
    private float[] _features;
    private float[] _latencyMs;
    private long[] _timestamps;

    /// <summary>Creates empty data with room for <paramref name="capacity"/> rows.</summary>
    public RequestLogData(int capacity = 1024)
    {
        capacity = Math.Max(capacity, 1);
        _features = new float[capacity * LatencyFeatures.Count];
        _latencyMs = new float[capacity];
        _timestamps = new long[capacity];
    }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>Features, row-major, <see cref="LatencyFeatures.Count"/> per row (first <see cref="Count"/> rows valid).</summary>
    public float[] Features => _features;

    /// <summary>The target, latency in ms, per row.</summary>
    public float[] LatencyMs => _latencyMs;

    /// <summary>ts_unix_ms per row.</summary>
    public long[] Timestamps => _timestamps;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => _features.AsSpan(row * LatencyFeatures.Count, LatencyFeatures.Count);

    /// <summary>Adds one row.</summary>
    public void Add(in RequestLogRow row, float latencyMs, long timestamp)
    {
        if (Count == _latencyMs.Length)
        {
            Grow();
        }

        LatencyFeatures.Fill(_features.AsSpan(Count * LatencyFeatures.Count, LatencyFeatures.Count), row);
        _latencyMs[Count] = latencyMs;
        _timestamps[Count] = timestamp;
        Count++;
    }

    /// <summary>Adds one row whose features are already filled (tests and subsets).</summary>
    public void Add(ReadOnlySpan<float> features, float latencyMs, long timestamp)
    {
        if (features.Length != LatencyFeatures.Count)
        {
            throw new ArgumentException($"expected {LatencyFeatures.Count} features", nameof(features));
        }

        if (Count == _latencyMs.Length)
        {
            Grow();
        }

        features.CopyTo(_features.AsSpan(Count * LatencyFeatures.Count));
        _latencyMs[Count] = latencyMs;
        _timestamps[Count] = timestamp;
        Count++;
    }

    /// <summary>A new data set holding the rows at <paramref name="rows"/>, in that order.</summary>
    public RequestLogData Select(ReadOnlySpan<int> rows)
    {
        var subset = new RequestLogData(rows.Length);
        foreach (int row in rows)
        {
            subset.Add(Row(row), _latencyMs[row], _timestamps[row]);
        }

        return subset;
    }

    /// <summary>Splits by time: the latest <paramref name="validationFraction"/> of rows by timestamp validate, the rest train.</summary>
    /// <remarks>By time rather than at random because the model is used on requests that come later than its data.</remarks>
    public (RequestLogData Train, RequestLogData Validation) SplitByTime(double validationFraction)
    {
        if (validationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction));
        }

        var order = new int[Count];
        var keys = new long[Count];
        for (int i = 0; i < Count; i++)
        {
            order[i] = i;
            keys[i] = _timestamps[i];
        }

        // Files may be concatenated out of order, so sort; rows already in order cost little.
        Array.Sort(keys, order);
        int trainCount = Count - (int)Math.Round(Count * validationFraction);
        trainCount = Math.Clamp(trainCount, 1, Math.Max(Count - 1, 1));
        return (Select(order.AsSpan(0, trainCount)), Select(order.AsSpan(trainCount)));
    }

    private void Grow()
    {
        int capacity = _latencyMs.Length * 2;
        Array.Resize(ref _features, capacity * LatencyFeatures.Count);
        Array.Resize(ref _latencyMs, capacity);
        Array.Resize(ref _timestamps, capacity);
    }
}
