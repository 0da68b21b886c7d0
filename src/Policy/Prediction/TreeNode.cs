using System.Runtime.InteropServices;

namespace FastLb.Policy.Prediction;

/// <summary>One node of a flattened regression tree: a split, or a leaf when <see cref="Left"/> is negative.</summary>
/// <remarks>
/// 12 bytes, and a split's children sit side by side (right = <see cref="Left"/> + 1), so the walk
/// picks the child with arithmetic instead of a branch that the data would mispredict.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct TreeNode
{
    /// <summary>Split threshold (left when the feature is <c>&lt;</c> it), or the leaf value.</summary>
    public float Value;

    /// <summary>Feature index compared at a split.</summary>
    public short Feature;

    /// <summary>Offset of the child a missing (NaN) feature goes to: 0 left, 1 right (always 0 for FastTree trees; XGBoost's <c>default_left</c> inverted for format version 1).</summary>
    public byte MissingOffset;

    /// <summary>Index of the left child in the ensemble's node array (the right one follows it), or -1 for a leaf.</summary>
    public int Left;
}
