using FastLb.Policy.Prediction;

namespace FastLb.Policy.Tests.Prediction;

public sealed class TreeEnsembleTests
{
    // Feature 0 <= 2.5 ? (feature 1 <= 10 ? leaf 0 : leaf 2) : leaf 1, in FastTree's layout:
    // splits 0 and 1, a negative child c is leaf ~c.
    private static readonly RegressionTree s_tree = new(
        SplitFeatures: [0, 1],
        Thresholds: [2.5f, 10f],
        LeftChildren: [1, ~0],
        RightChildren: [~1, ~2],
        SplitGains: [4, 1],
        LeafValues: [1.5, -2, 7]);

    [Theory]
    [InlineData(0f, 0f, 101.5)]
    [InlineData(2.5f, 10f, 101.5)] // equal to both thresholds: left, as FastTree's <= sends it
    [InlineData(2.5f, 10.000001f, 107)]
    [InlineData(2.5000002f, 0f, 98)] // the next float above 2.5 goes right
    [InlineData(float.NaN, float.NaN, 101.5)] // missing goes left at every split
    [InlineData(float.NaN, 50f, 107)]
    [InlineData(3f, float.NaN, 98)]
    public void Predict_FastTreeLayout_LeftWhenLessOrEqualOrMissing(float f0, float f1, double expected)
    {
        TreeEnsemble trees = TreeEnsemble.FromTrees([s_tree], bias: 100, featureCount: 2);

        Assert.Equal(expected, trees.Predict([f0, f1]));
    }

    [Fact]
    public void FromTrees_SeveralTrees_SumsBiasAndLeavesAndGains()
    {
        var stump = new RegressionTree([1], [0f], [~0], [~1], [3], [-0.25, 0.25]);
        var leafOnly = new RegressionTree([], [], [], [], [], [0.125]);

        TreeEnsemble trees = TreeEnsemble.FromTrees([s_tree, stump, leafOnly], bias: 10, featureCount: 2);

        Assert.Equal(3, trees.TreeCount);
        Assert.Equal(10 + 1.5 - 0.25 + 0.125, trees.Predict([0f, 0f]));
        Assert.Equal(10 + 7 + 0.25 + 0.125, trees.Predict([1f, 20f]));
        Assert.Equal([4.0, 4.0], trees.TotalGain);
    }

    [Fact]
    public void FromTrees_ChildOutsideTheTree_Refused()
    {
        var broken = s_tree with { LeftChildren = [5, ~0] };

        var e = Assert.Throws<FormatException>(() => TreeEnsemble.FromTrees([broken], 0, 2));

        Assert.Contains("outside the tree", e.Message);
    }

    [Fact]
    public void FromTrees_FeatureBeyondTheModel_Refused()
    {
        var e = Assert.Throws<FormatException>(() => TreeEnsemble.FromTrees([s_tree], 0, featureCount: 1));

        Assert.Contains("feature 1", e.Message);
    }

    [Fact]
    public void FromTrees_NodeReachedTwice_Refused()
    {
        var cycle = s_tree with { LeftChildren = [1, 0] };

        var e = Assert.Throws<FormatException>(() => TreeEnsemble.FromTrees([cycle], 0, 2));

        Assert.Contains("not a tree", e.Message);
    }
}
