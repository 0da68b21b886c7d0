using System.Text.RegularExpressions;
using FastLb.Proxy.Http;

namespace FastLb.Proxy.Tests.Http;

public class RejectReasonsTests
{
    [Theory]
    [InlineData(nameof(RejectReason.HeaderTooLarge), 431)]
    [InlineData(nameof(RejectReason.TooManyHeaders), 431)]
    [InlineData(nameof(RejectReason.BodyTooLarge), 413)]
    [InlineData(nameof(RejectReason.UnsupportedVersion), 505)]
    [InlineData(nameof(RejectReason.MethodNotSupported), 501)]
    [InlineData(nameof(RejectReason.MalformedRequestLine), 400)]
    [InlineData(nameof(RejectReason.ContentLengthAndTransferEncoding), 400)]
    [InlineData(nameof(RejectReason.InvalidChunkSize), 400)]
    [InlineData(nameof(RejectReason.MissingHost), 400)]
    public void StatusCode_Reason_MapsToTableEntry(string reasonName, int expected)
    {
        RejectReason reason = Enum.Parse<RejectReason>(reasonName);
        Assert.Equal(expected, RejectReasons.StatusCode(reason));
    }

    [Fact]
    public void StatusCode_EveryOtherReason_Is400()
    {
        var special = new HashSet<RejectReason>
        {
            RejectReason.HeaderTooLarge, RejectReason.TooManyHeaders, RejectReason.BodyTooLarge,
            RejectReason.UnsupportedVersion, RejectReason.MethodNotSupported,
        };
        foreach (RejectReason reason in RejectReasons.All)
        {
            if (!special.Contains(reason))
            {
                Assert.Equal(400, RejectReasons.StatusCode(reason));
            }
        }
    }

    [Fact]
    public void All_EveryEnumValueButNone_ExactlyOnce()
    {
        RejectReason[] expected = Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None).ToArray();

        Assert.Equal(expected, RejectReasons.All);
    }

    [Fact]
    public void Label_EveryReason_DistinctSnakeCaseAndSameInstance()
    {
        var seen = new HashSet<string>();
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            string label = RejectReasons.Label(reason);

            Assert.Matches(new Regex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$"), label);
            Assert.True(seen.Add(label), $"duplicate label {label}");
            Assert.Same(label, RejectReasons.Label(reason));
        }
    }

    [Fact]
    public void Label_Reason_MatchesEnumNameInSnakeCase()
    {
        foreach (RejectReason reason in Enum.GetValues<RejectReason>())
        {
            string expected = Regex.Replace(reason.ToString(), "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant();

            Assert.Equal(expected, RejectReasons.Label(reason));
        }
    }

    [Fact]
    public void Label_SteadyState_AllocatesNothing()
    {
        int count = RejectReasons.All.Count;
        RejectReasons.Label(RejectReason.BareCr);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1000; i++)
        {
            total += RejectReasons.Label((RejectReason)(1 + (i % count))).Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }
}
