using FastLb.Policy.Prediction;

namespace FastLb.Policy;

/// <summary>A capability: the policy ranks by a latency model, so the host hands it the model in use and every new one.</summary>
/// <remarks>The host finds these among the policies it built; it loads and watches a model file only
/// when one of them exists.</remarks>
public interface ILatencyModelUser
{
    /// <summary>The model in use, null when none.</summary>
    ILatencyModel? Model { get; }

    /// <summary>Swaps the model (hot reload); null falls back to ranking without one. Called off the request path.</summary>
    void SetModel(ILatencyModel? model);
}
