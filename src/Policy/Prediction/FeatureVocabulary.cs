namespace FastLb.Policy.Prediction;

/// <summary>Codes for a categorical feature (backend ids, routes): the order values were first seen in training.</summary>
/// <remarks>
/// A value never seen in training has no code and becomes a missing feature, so a new backend
/// takes each split's missing-value branch rather than being predicted as some unrelated backend.
/// Lookups by <see cref="ReadOnlySpan{T}"/> of chars let the log reader code a field without
/// allocating a string per row.
/// </remarks>
internal sealed class FeatureVocabulary
{
    private readonly List<string> _values = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanCodes;

    /// <summary>Creates an empty vocabulary.</summary>
    public FeatureVocabulary()
    {
        _spanCodes = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Creates a vocabulary with <paramref name="values"/> coded 0, 1, ... in order.</summary>
    public FeatureVocabulary(IEnumerable<string> values)
        : this()
    {
        foreach (string value in values)
        {
            if (!_codes.TryAdd(value, _values.Count))
            {
                throw new FormatException($"vocabulary lists '{value}' twice");
            }

            _values.Add(value);
        }
    }

    /// <summary>The values, index = code.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>Number of coded values.</summary>
    public int Count => _values.Count;

    /// <summary>The code of <paramref name="value"/>, or -1 when it was not seen in training.</summary>
    public int CodeOf(string? value) => value is not null && _codes.TryGetValue(value, out int code) ? code : -1;

    /// <summary>The code of <paramref name="value"/>, or -1 when it was not seen in training.</summary>
    public int CodeOf(ReadOnlySpan<char> value) => _spanCodes.TryGetValue(value, out int code) ? code : -1;

    /// <summary>The code of <paramref name="value"/>, adding it when new (training only).</summary>
    public int GetOrAdd(ReadOnlySpan<char> value)
    {
        if (_spanCodes.TryGetValue(value, out int code))
        {
            return code;
        }

        string text = value.ToString();
        code = _values.Count;
        _codes.Add(text, code);
        _values.Add(text);
        return code;
    }
}
