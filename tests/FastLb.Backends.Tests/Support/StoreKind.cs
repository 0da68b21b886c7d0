namespace FastLb.Backends.Tests.Support;

/// <summary>Which stores a test instance runs on.</summary>
public enum StoreKind
{
    /// <summary>In-memory stores (the default of the CLI).</summary>
    Memory,

    /// <summary>Real PostgreSQL (and Redis for carts), from scripts/test.</summary>
    Real,
}
