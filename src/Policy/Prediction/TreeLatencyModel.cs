namespace FastLb.Policy.Prediction;

/// <summary>A trained latency model served by the managed tree evaluator: no native library needed.</summary>
/// <remarks>Immutable, so one instance is shared by every thread and swapped whole on reload.</remarks>
internal sealed class TreeLatencyModel : ILatencyModel
{
    private readonly FeatureVocabulary _backends;
    private readonly FeatureVocabulary _routes;

    /// <summary>Wraps parsed trees with their header; prefer <see cref="LatencyModelFile.Load"/>.</summary>
    public TreeLatencyModel(LatencyModelHeader header, TreeEnsemble trees)
    {
        Header = header;
        Trees = trees;
        _backends = new FeatureVocabulary(header.Backends);
        _routes = new FeatureVocabulary(header.Routes);
        Info = new LatencyModelInfo(
            $"{LatencyModelFile.Format} {header.FeatureVersion} ({header.Trainer})",
            header.Features,
            header.TrainedAt,
            header.Validation.RmseMs);
    }

    /// <inheritdoc />
    public LatencyModelInfo Info { get; }

    /// <summary>Everything the file says besides the trees.</summary>
    public LatencyModelHeader Header { get; }

    /// <summary>The trees.</summary>
    public TreeEnsemble Trees { get; }

    /// <summary>The backend vocabulary the model was trained with.</summary>
    public FeatureVocabulary Backends => _backends;

    /// <summary>The route vocabulary the model was trained with.</summary>
    public FeatureVocabulary Routes => _routes;

    /// <inheritdoc />
    public double PredictMs(BackendState backend, string? route, in RequestFeatures request)
    {
        // Hot path (background refresh of the learned policy): LatencyModelBenchmarks; 0 B.
        Span<float> features = stackalloc float[LatencyFeatures.Count];
        LatencyFeatures.Fill(features, _backends, _routes, backend, route, request);
        return Trees.Predict(features);
    }

    /// <inheritdoc />
    public void PredictMs(ReadOnlySpan<BackendState> backends, string? route, in RequestFeatures request, Span<double> results)
    {
        // The learned policy's refresh asks for one backend at each in-flight point: the rows walk
        // the trees together (TreeEnsemble.Predict over rows), in chunks that fit on the stack.
        const int Chunk = 8;
        Span<float> rows = stackalloc float[Chunk * LatencyFeatures.Count];
        Span<double> sums = stackalloc double[Chunk];
        for (int start = 0; start < backends.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, backends.Length - start);
            for (int i = 0; i < count; i++)
            {
                LatencyFeatures.Fill(rows.Slice(i * LatencyFeatures.Count, LatencyFeatures.Count), _backends, _routes, backends[start + i], route, request);
            }

            Trees.Predict(rows[..(count * LatencyFeatures.Count)], sums[..count]);
            for (int i = 0; i < count; i++)
            {
                results[start + i] = sums[i];
            }
        }
    }

    /// <summary>Prediction for a ready feature row (<see cref="LatencyFeatures"/> order).</summary>
    public double PredictMs(ReadOnlySpan<float> features) => Trees.Predict(features);
}
