namespace FastLb.Policy;

/// <summary>A trained predictor of a request's latency on a backend, from what is known at decision time.</summary>
/// <remarks>
/// The seam between the learned policy and the trained model (trees trained by ML.NET FastTree
/// and served by the managed evaluator, no ML.NET). Not called per candidate on the pick path: the learned policy calls it
/// from a background refresh and publishes a table that picks only read.
/// </remarks>
public interface ILatencyModel
{
    /// <summary>What the model is: version, feature list, when trained, validation error.</summary>
    LatencyModelInfo Info { get; }

    /// <summary>Predicted latency in ms of <paramref name="request"/> on <paramref name="backend"/>, given the backend's state now.</summary>
    /// <param name="backend">The candidate; its id, in-flight, smoothed values and health report are features.</param>
    /// <param name="route">The matched route's path prefix (the request log's <c>route</c>), null when none.</param>
    /// <param name="request">Method, size and pool in-flight of the request.</param>
    double PredictMs(BackendState backend, string? route, in RequestFeatures request);

    /// <summary>Predictions for several backend states at once (the learned policy asks for one backend at each
    /// in-flight point of its table), into <paramref name="results"/>, one per state, in order.</summary>
    /// <remarks>By default one <see cref="PredictMs(BackendState, string?, in RequestFeatures)"/> per state; a model
    /// that evaluates rows faster together overrides it, with the same results.</remarks>
    void PredictMs(ReadOnlySpan<BackendState> backends, string? route, in RequestFeatures request, Span<double> results)
    {
        for (int i = 0; i < backends.Length; i++)
        {
            results[i] = PredictMs(backends[i], route, request);
        }
    }
}
