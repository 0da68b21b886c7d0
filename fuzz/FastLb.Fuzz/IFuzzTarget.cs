namespace FastLb.Fuzz;

/// <summary>One component under fuzzing: feeds it an input and throws if a property it promises does not hold.</summary>
internal interface IFuzzTarget
{
    /// <summary>
    /// Runs one input. Returns normally when the component behaved as documented (a rejection is fine); throws
    /// <see cref="FuzzPropertyException"/> when a property failed, and lets any unexpected exception escape.
    /// </summary>
    void Run(ReadOnlySpan<byte> input);
}
