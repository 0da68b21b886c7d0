using FastLb.Policy.Prediction;

namespace FastLb.Policy.Tests.Prediction;

public sealed class LatencyFeaturesTests
{
    [Fact]
    public void Fill_LogRowAndLiveBackendWithSameValues_SameVector()
    {
        var backends = new FeatureVocabulary(["a", "b"]);
        var routes = new FeatureVocabulary(["/", "/api"]);
        var backend = new BackendState("b");
        backend.OnStarted();
        backend.OnStarted();
        backend.OnEnded(new RequestOutcome(25, 20, 200, OutcomeError.None));
        backend.SetHealth(new HealthReport(HealthStatus.Healthy, 42.5, 6, 18.25, 0));
        var request = RequestFeatures.Empty;
        request.Method = RequestMethod.Put;
        request.RequestBytes = 512;
        request.PoolInFlight = 9;
        var row = new RequestLogRow
        {
            BackendCode = 1, RouteCode = 1, Method = RequestMethod.Put, RequestBytes = 512, InFlightBackend = 1, InFlightPool = 9,
            EwmaLatencyMs = backend.EwmaLatencyMs, EwmaErrorRate = backend.EwmaErrorRate, BackendCpu = 42.5, BackendActive = 6, BackendAvgMs = 18.25,
        };
        var live = new float[LatencyFeatures.Count];
        var logged = new float[LatencyFeatures.Count];

        LatencyFeatures.Fill(live, backends, routes, backend, "/api", request);
        LatencyFeatures.Fill(logged, row);

        Assert.Equal(logged, live);
        Assert.Equal(25f, live[LatencyFeatures.EwmaLatencyMs]);
    }

    [Fact]
    public void Fill_UnknownBackendRouteAndUnknownValues_Missing()
    {
        var backends = new FeatureVocabulary(["a"]);
        var routes = new FeatureVocabulary(["/"]);
        var features = new float[LatencyFeatures.Count];

        LatencyFeatures.Fill(features, backends, routes, new BackendState("new"), null, RequestFeatures.Empty);

        Assert.True(float.IsNaN(features[LatencyFeatures.Backend]));
        Assert.True(float.IsNaN(features[LatencyFeatures.Route]));
        Assert.True(float.IsNaN(features[LatencyFeatures.RequestBytes]));
        Assert.True(float.IsNaN(features[LatencyFeatures.BackendCpu]));
        Assert.True(float.IsNaN(features[LatencyFeatures.BackendActive]));
        Assert.True(float.IsNaN(features[LatencyFeatures.BackendAvgMs]));
        Assert.Equal(0f, features[LatencyFeatures.InFlightBackend]);
    }

    [Fact]
    public void Names_IndexConstants_PointAtMatchingNames()
    {
        Assert.Equal(LatencyFeatures.Count, LatencyFeatures.Names.Count);
        Assert.Equal("backend", LatencyFeatures.Names[LatencyFeatures.Backend]);
        Assert.Equal("req_bytes", LatencyFeatures.Names[LatencyFeatures.RequestBytes]);
        Assert.Equal("ewma_latency_ms", LatencyFeatures.Names[LatencyFeatures.EwmaLatencyMs]);
        Assert.Equal("backend_avg_ms", LatencyFeatures.Names[LatencyFeatures.BackendAvgMs]);
    }

    [Theory]
    [InlineData("GET", RequestMethod.Get)]
    [InlineData("POST", RequestMethod.Post)]
    [InlineData("OPTIONS", RequestMethod.Options)]
    [InlineData("get", RequestMethod.Other)]
    [InlineData("BREW", RequestMethod.Other)]
    public void ParseMethod_Token_MapsToEnum(string method, RequestMethod expected)
    {
        Assert.Equal(expected, LatencyFeatures.ParseMethod(System.Text.Encoding.ASCII.GetBytes(method)));
    }
}
