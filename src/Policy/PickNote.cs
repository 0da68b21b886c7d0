namespace FastLb.Policy;

/// <summary>What a policy remembers about one pick, kept by the pick's <see cref="BackendLease"/> and handed back to the policy with that pick's outcome.</summary>
/// <remarks>
/// A policy that learns from the gap between what it expected and what came back must compare each
/// outcome with the expectation of its own pick: with several requests in flight on one backend,
/// a per-backend "last pick" would credit every outcome to whichever pick came last.
/// </remarks>
public struct PickNote
{
    /// <summary>A note with nothing in it: what <see cref="Balancer"/> hands a policy before each pick.</summary>
    public static PickNote None => new() { Cell = -1 };

    /// <summary>The latency the policy expected from the picked backend, in ms; 0 when it expects nothing.</summary>
    public double ExpectedMs;

    /// <summary>The cell of the policy's own table that this pick's outcome updates, or -1.</summary>
    public int Cell;
}
