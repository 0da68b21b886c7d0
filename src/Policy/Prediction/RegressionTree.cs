namespace FastLb.Policy.Prediction;

/// <summary>One regression tree as a model file (format version 2) stores it: FastTree's layout, splits and leaves in separate arrays.</summary>
/// <remarks>
/// Split <c>i</c> compares feature <see cref="SplitFeatures"/>[i] with <see cref="Thresholds"/>[i]: a
/// value <c>&lt;=</c> the threshold, or a missing (NaN) one, goes to <see cref="LeftChildren"/>[i],
/// a larger one to <see cref="RightChildren"/>[i]. A child <c>c &gt;= 0</c> is split <c>c</c>; a child
/// <c>c &lt; 0</c> is leaf <c>~c</c>. Split 0 is the root. A tree without splits is one leaf.
/// </remarks>
/// <param name="SplitFeatures">Feature index compared at each split.</param>
/// <param name="Thresholds">Each split's threshold (left when the value is &lt;= it).</param>
/// <param name="LeftChildren">Each split's left child.</param>
/// <param name="RightChildren">Each split's right child.</param>
/// <param name="SplitGains">Each split's gain (for feature importance only).</param>
/// <param name="LeafValues">Each leaf's output, learning rate and tree weight already applied.</param>
internal sealed record RegressionTree(
    int[] SplitFeatures,
    float[] Thresholds,
    int[] LeftChildren,
    int[] RightChildren,
    double[] SplitGains,
    double[] LeafValues)
{
    /// <summary>Checks the arrays agree and every child points inside the tree; the message says what is wrong.</summary>
    /// <exception cref="FormatException">The tree is malformed.</exception>
    public void Validate(int featureCount)
    {
        int splits = SplitFeatures.Length;
        if (Thresholds.Length != splits || LeftChildren.Length != splits || RightChildren.Length != splits || SplitGains.Length != splits)
        {
            throw new FormatException("tree split arrays differ in length");
        }

        if (LeafValues.Length != splits + 1)
        {
            throw new FormatException($"a tree with {splits} splits needs {splits + 1} leaves, not {LeafValues.Length}");
        }

        for (int i = 0; i < splits; i++)
        {
            if (SplitFeatures[i] < 0 || SplitFeatures[i] >= featureCount)
            {
                throw new FormatException($"split {i} uses feature {SplitFeatures[i]}; the model has {featureCount}");
            }

            if (!ChildInside(LeftChildren[i], splits) || !ChildInside(RightChildren[i], splits))
            {
                throw new FormatException($"split {i} points outside the tree");
            }

            if (float.IsNaN(Thresholds[i]))
            {
                throw new FormatException($"split {i} has a NaN threshold");
            }
        }
    }

    private static bool ChildInside(int child, int splits) => child >= 0 ? child < splits : ~child <= splits;
}
