using FastLb.Policy.Selection;

namespace FastLb.Policy.Tests.Selection;

public sealed class StripedSequenceTests
{
    [Fact]
    public void Next_OneThread_IsStartPlusMultiplesOfStep()
    {
        var sequence = new StripedSequence(100, 7, 1UL << 40);
        for (ulong k = 1; k <= 1000; k++)
        {
            Assert.Equal(100 + (7 * k), sequence.Next());
        }
    }

    [Fact]
    public void Next_FourThreads_NoValueTwice()
    {
        var sequence = new StripedSequence(0, 1, 1UL << 40);

        ConcurrentDraws.AssertAllDistinct(sequence.Next);
    }

    [Fact]
    public void TurnCounter_OneThread_CountsFromZero()
    {
        var turns = new TurnCounter();
        for (uint expected = 0; expected < 100; expected++)
        {
            Assert.Equal(expected, turns.Next());
        }
    }

    [Fact]
    public void SplitMix64Random_OneThread_SameSequenceAsOneSharedCounter()
    {
        const ulong Gamma = 0x9E3779B97F4A7C15UL;
        var random = new SplitMix64Random(42);
        ulong state = 42;
        for (int i = 0; i < 1000; i++)
        {
            state += Gamma;
            Assert.Equal(SplitMix64Random.Mix(state), random.NextUInt64());
        }
    }
}
