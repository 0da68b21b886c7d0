using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FastLb.Policy.Prediction;

/// <summary>Regression trees flattened into one node array and evaluated in managed code: what serves a trained model.</summary>
/// <remarks>
/// Two sources: the trees a model file stores (format version 2, trained by ML.NET FastTree), and
/// XGBoost 1.7's JSON model that format version 1 files embed. A split goes left when the float32
/// feature is <c>&lt;</c> the node's value; FastTree's "left when <c>&lt;=</c> t" is stored as
/// "<c>&lt;</c> the next float above t", which is the same test for every float. A missing (NaN)
/// feature goes to the node's missing child. The prediction is the bias plus the trees' leaf
/// values, summed in double in tree order, as ML.NET sums them.
/// </remarks>
internal sealed class TreeEnsemble
{
    private readonly TreeNode[] _nodes;
    private readonly int[] _roots;

    private TreeEnsemble(TreeNode[] nodes, int[] roots, double bias, int featureCount, double[] gain)
    {
        _nodes = nodes;
        _roots = roots;
        Bias = bias;
        FeatureCount = featureCount;
        TotalGain = gain;
    }

    /// <summary>The prediction before any tree (FastTree's bias plus the label mean trained around, or XGBoost's <c>base_score</c>).</summary>
    public double Bias { get; }

    /// <summary>Features a row must have.</summary>
    public int FeatureCount { get; }

    /// <summary>Trees in the ensemble.</summary>
    public int TreeCount => _roots.Length;

    /// <summary>Nodes in all trees.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>Sum of split gains per feature: the "total gain" importance.</summary>
    public IReadOnlyList<double> TotalGain { get; }

    /// <summary>Flattens trees in <see cref="RegressionTree"/>'s layout (model file format version 2).</summary>
    /// <exception cref="FormatException">A tree is malformed (<see cref="RegressionTree.Validate"/>).</exception>
    public static TreeEnsemble FromTrees(IReadOnlyList<RegressionTree> trees, double bias, int featureCount)
    {
        var nodes = new List<TreeNode>();
        var roots = new int[trees.Count];
        var gain = new double[featureCount];
        for (int t = 0; t < trees.Count; t++)
        {
            RegressionTree tree = trees[t];
            tree.Validate(featureCount);
            roots[t] = nodes.Count;
            nodes.Add(default);

            // Breadth first with each split's two children adjacent, as the walk needs. A child
            // is a split index (>= 0) or ~leaf index; the queue carries it with its target slot.
            var queue = new Queue<(int Child, int Target)>();
            queue.Enqueue((tree.SplitFeatures.Length == 0 ? ~0 : 0, roots[t]));
            int visited = 0;
            while (queue.Count > 0)
            {
                var (child, target) = queue.Dequeue();
                if (++visited > 2 * tree.SplitFeatures.Length + 1)
                {
                    throw new FormatException($"tree {t} is not a tree (a node is reached twice)");
                }

                if (child < 0)
                {
                    nodes[target] = new TreeNode { Value = (float)tree.LeafValues[~child], Left = -1 };
                    continue;
                }

                int children = nodes.Count;
                nodes.Add(default);
                nodes.Add(default);
                nodes[target] = new TreeNode
                {
                    // x <= t and x < BitIncrement(t) agree for every float x; NaN fails both and takes MissingOffset.
                    Value = MathF.BitIncrement(tree.Thresholds[child]),
                    Feature = (short)tree.SplitFeatures[child],

                    // Trained with missing values below every real value, so they went left.
                    MissingOffset = 0,
                    Left = children,
                };
                gain[tree.SplitFeatures[child]] += tree.SplitGains[child];
                queue.Enqueue((tree.LeftChildren[child], children));
                queue.Enqueue((tree.RightChildren[child], children + 1));
            }
        }

        return new TreeEnsemble([.. nodes], roots, bias, featureCount, gain);
    }

    /// <summary>Flattens the trees of an XGBoost 1.x JSON model (<c>XGBoosterSaveModelToBuffer</c> with format json), as format version 1 files embed it.</summary>
    /// <exception cref="FormatException">Not a gbtree regression model with numeric splits, or a field is missing.</exception>
    public static TreeEnsemble FromXGBoostJson(JsonElement model, int featureCount)
    {
        JsonElement learner = Property(model, "learner");
        JsonElement parameters = Property(learner, "learner_model_param");
        float baseScore = float.Parse(Property(parameters, "base_score").GetString() ?? "0.5", NumberStyles.Float, CultureInfo.InvariantCulture);
        string objective = Property(Property(learner, "objective"), "name").GetString() ?? string.Empty;
        if (objective != "reg:squarederror")
        {
            // Other objectives apply a link function to the sum; this evaluator only adds.
            throw new FormatException($"objective '{objective}' is not supported (reg:squarederror only)");
        }

        JsonElement booster = Property(learner, "gradient_booster");
        string boosterName = Property(booster, "name").GetString() ?? string.Empty;
        if (boosterName != "gbtree")
        {
            throw new FormatException($"booster '{boosterName}' is not supported (gbtree only)");
        }

        JsonElement trees = Property(Property(booster, "model"), "trees");
        var nodes = new List<TreeNode>();
        var roots = new List<int>();
        var gain = new double[featureCount];
        foreach (JsonElement tree in trees.EnumerateArray())
        {
            int offset = nodes.Count;
            int[] left = Ints(Property(tree, "left_children"));
            int[] right = Ints(Property(tree, "right_children"));
            int[] feature = Ints(Property(tree, "split_indices"));
            float[] condition = Floats(Property(tree, "split_conditions"));
            int[] defaultLeft = Ints(Property(tree, "default_left"));
            float[] loss = Floats(Property(tree, "loss_changes"));
            int n = left.Length;
            if (right.Length != n || feature.Length != n || condition.Length != n || defaultLeft.Length != n || loss.Length != n)
            {
                throw new FormatException("tree arrays differ in length");
            }

            if (tree.TryGetProperty("split_type", out JsonElement splitTypes))
            {
                foreach (JsonElement type in splitTypes.EnumerateArray())
                {
                    if (type.GetInt32() != 0)
                    {
                        throw new FormatException("categorical splits are not supported (features are trained as numbers)");
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (left[i] >= 0 && (left[i] >= n || right[i] < 0 || right[i] >= n || feature[i] < 0 || feature[i] >= featureCount))
                {
                    throw new FormatException($"tree {roots.Count} node {i} points outside the tree or the features");
                }
            }

            // Re-lay the tree breadth first with each split's two children adjacent; XGBoost's
            // ids are usually like that already, but the evaluator must not depend on it.
            roots.Add(offset);
            var queue = new Queue<(int Source, int Target)>();
            nodes.Add(default);
            queue.Enqueue((0, offset));
            int visited = 0;
            while (queue.Count > 0)
            {
                var (source, target) = queue.Dequeue();
                if (++visited > n)
                {
                    throw new FormatException($"tree {roots.Count - 1} is not a tree (a node is reached twice)");
                }

                if (left[source] < 0)
                {
                    nodes[target] = new TreeNode { Value = condition[source], Left = -1 };
                    continue;
                }

                int children = nodes.Count;
                nodes.Add(default);
                nodes.Add(default);
                nodes[target] = new TreeNode
                {
                    Value = condition[source],
                    Feature = (short)feature[source],
                    MissingOffset = defaultLeft[source] != 0 ? (byte)0 : (byte)1,
                    Left = children,
                };
                gain[feature[source]] += loss[source];
                queue.Enqueue((left[source], children));
                queue.Enqueue((right[source], children + 1));
            }
        }

        return new TreeEnsemble([.. nodes], [.. roots], baseScore, featureCount, gain);
    }

    /// <summary>The model's prediction for one row of <see cref="FeatureCount"/> features (NaN = missing).</summary>
    public double Predict(ReadOnlySpan<float> features)
    {
        // Hot path: LatencyModelBenchmarks. Bounds checks are paid once: the feature span is
        // checked here and node indices were checked when the trees were loaded.
        if (features.Length < FeatureCount)
        {
            ThrowShort();
        }

        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float row = ref MemoryMarshal.GetReference(features);
        double sum = Bias;
        foreach (int root in _roots)
        {
            sum += Leaf(ref nodes, root, ref row);
        }

        return sum;
    }

    /// <summary>Predictions for <paramref name="results"/>.Length rows of <see cref="FeatureCount"/> features laid end to
    /// end in <paramref name="rows"/>, equal to <see cref="Predict(ReadOnlySpan{float})"/> row by row.</summary>
    /// <remarks>Tree by tree, four rows at a time in lockstep. What pays is the lockstep: a walk is a chain of dependent
    /// loads, and four independent chains overlap (LatencyModelBenchmarks, 1,536 rows of a 200-tree model: 17.1 ms one
    /// by one, 16.4 ms tree by tree one row at a time, 8.1 ms four in lockstep).</remarks>
    public void Predict(ReadOnlySpan<float> rows, Span<double> results)
    {
        int count = results.Length;
        int width = FeatureCount;
        if (rows.Length < count * width)
        {
            ThrowShort();
        }

        results.Fill(Bias);
        ref TreeNode nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref float first = ref MemoryMarshal.GetReference(rows);
        ref double sums = ref MemoryMarshal.GetReference(results);
        foreach (int root in _roots)
        {
            int r = 0;
            for (; r + 4 <= count; r += 4)
            {
                // Four rows walk the tree in lockstep: their chains of dependent loads are
                // independent, so the processor overlaps them.
                ref float row0 = ref Unsafe.Add(ref first, r * width);
                ref float row1 = ref Unsafe.Add(ref row0, width);
                ref float row2 = ref Unsafe.Add(ref row1, width);
                ref float row3 = ref Unsafe.Add(ref row2, width);
                int i0 = root, i1 = root, i2 = root, i3 = root;
                while (true)
                {
                    ref TreeNode n0 = ref Unsafe.Add(ref nodes, i0);
                    ref TreeNode n1 = ref Unsafe.Add(ref nodes, i1);
                    ref TreeNode n2 = ref Unsafe.Add(ref nodes, i2);
                    ref TreeNode n3 = ref Unsafe.Add(ref nodes, i3);
                    if ((n0.Left & n1.Left & n2.Left & n3.Left) < 0)
                    {
                        Unsafe.Add(ref sums, r) += n0.Value;
                        Unsafe.Add(ref sums, r + 1) += n1.Value;
                        Unsafe.Add(ref sums, r + 2) += n2.Value;
                        Unsafe.Add(ref sums, r + 3) += n3.Value;
                        break;
                    }

                    i0 = Next(ref n0, ref row0, i0);
                    i1 = Next(ref n1, ref row1, i1);
                    i2 = Next(ref n2, ref row2, i2);
                    i3 = Next(ref n3, ref row3, i3);
                }
            }

            for (; r < count; r++)
            {
                Unsafe.Add(ref sums, r) += Leaf(ref nodes, root, ref Unsafe.Add(ref first, r * width));
            }
        }
    }

    /// <summary>The value of the leaf that <paramref name="row"/> reaches in the tree at <paramref name="root"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Leaf(ref TreeNode nodes, int root, ref float row)
    {
        int index = root;
        while (true)
        {
            ref TreeNode node = ref Unsafe.Add(ref nodes, index);
            if (node.Left < 0)
            {
                return node.Value;
            }

            index = Child(ref node, ref row);
        }
    }

    /// <summary>The child of <paramref name="node"/> that <paramref name="row"/> goes to; a leaf stays where it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(ref TreeNode node, ref float row, int index) => node.Left < 0 ? index : Child(ref node, ref row);

    /// <summary>The child of split <paramref name="node"/> that <paramref name="row"/> goes to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Child(ref TreeNode node, ref float row)
    {
        // Chosen with arithmetic, not a branch: which way a split goes is data-dependent and
        // mispredicts often; the JIT turns these selects into setcc/cmov.
        float value = Unsafe.Add(ref row, node.Feature);
        int offset = value < node.Value ? 0 : 1;
        offset = float.IsNaN(value) ? node.MissingOffset : offset;
        return node.Left + offset;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShort() => throw new ArgumentException("fewer features than the model needs");

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value)
            ? value
            : throw new FormatException($"XGBoost model lacks '{name}'");

    /// <summary>A JSON array of integers (or booleans, as 1 and 0), as the model files write them.</summary>
    internal static int[] Ints(JsonElement array)
    {
        var values = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            // default_left is 0/1 in XGBoost 1.7 and true/false in some writers.
            values[i++] = item.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => item.GetInt32(),
            };
        }

        return values;
    }

    /// <summary>A JSON array of numbers read as floats.</summary>
    internal static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            values[i++] = item.GetSingle();
        }

        return values;
    }
}
