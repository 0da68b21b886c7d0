namespace FastLb.Policy;

/// <summary>The names policies are selected by (config <c>pools[].policy</c>, <c>--policy</c>, <c>--policies</c>), in one place.</summary>
public static class PolicyNames
{
    public const string RoundRobin = "round_robin";
    public const string WeightedRoundRobin = "weighted_round_robin";
    public const string Random = "random";
    public const string PowerOfTwo = "power_of_two";
    public const string LeastConnections = "least_connections";
    public const string LeastResponseTime = "least_response_time";
    public const string PeakEwma = "peak_ewma";
    public const string Prequal = "prequal";
    public const string ConsistentHash = "consistent_hash";
    public const string ResourceBased = "resource_based";
    public const string QLearning = "q_learning";
    public const string FastLb = "fastlb";

    /// <summary>Every policy name, classical policies first, then q_learning and fastlb.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RoundRobin, WeightedRoundRobin, Random, PowerOfTwo, LeastConnections, LeastResponseTime,
        PeakEwma, Prequal, ConsistentHash, ResourceBased, QLearning, FastLb,
    ];
}
