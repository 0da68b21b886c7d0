using System.Runtime.InteropServices;

namespace FastLb.Policy.Prediction;

/// <summary>One node of a flattened regression tree: a split, or a leaf when <see cref="Left"/> is negative.</summary>
/// <remarks>Packed into 16 bytes so that four nodes share a cache line while a row walks the trees.</remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct TreeNode
{
    /// <summary>Split threshold (left when the feature is <c>&lt;</c> it, as XGBoost compares), or the leaf value.</summary>
    public float Value;

    /// <summary>Feature index compared at a split.</summary>
    public short Feature;

    /// <summary>Where a missing (NaN) feature goes: true for left, XGBoost's <c>default_left</c>.</summary>
    public bool DefaultLeft;

    /// <summary>Index of the left child in the ensemble's node array, or -1 for a leaf.</summary>
    public int Left;

    /// <summary>Index of the right child in the ensemble's node array.</summary>
    public int Right;
}
