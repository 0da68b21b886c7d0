using System.Text;

namespace FastLb.Policy.Learning;

/// <summary>A flat table of Q values updated lock-free, with a small versioned binary file format.</summary>
/// <remarks>
/// Why lock-free is safe here: a cell is one aligned 64-bit double, so a reader sees either the
/// old or the new value, never a torn one. Writers apply their step with a compare-and-swap loop
/// on that one cell, so concurrent updates of the same cell are serialised by retrying and none is
/// lost. The Bellman target reads other cells without a lock, so it may use a value one update
/// old; that is the same staleness asynchronous Q-learning tolerates by design (each update is a
/// contraction toward the fixed point whatever the order), and a pick that reads a cell mid-update
/// only makes a greedy choice one sample out of date.
/// </remarks>
internal sealed class QTable
{
    /// <summary>File format version written by <see cref="Save"/>.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "FLQT"u8;

    private readonly double[] _values;

    /// <summary>A table of <paramref name="cells"/> values, all 0 (optimistic, since rewards are negative: every action gets tried).</summary>
    public QTable(int cells) => _values = new double[cells];

    /// <summary>Number of cells.</summary>
    public int Length => _values.Length;

    /// <summary>The value of a cell.</summary>
    public double this[int cell] => Volatile.Read(ref _values[cell]);

    /// <summary>Moves a cell toward <paramref name="target"/> by <paramref name="rate"/>: Q += rate (target - Q).</summary>
    public void Update(int cell, double target, double rate)
    {
        ref double location = ref _values[cell];
        double current = Volatile.Read(ref location);
        while (true)
        {
            double next = current + (rate * (target - current));
            double seen = Interlocked.CompareExchange(ref location, next, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Writes magic, version, encoding, backend count, exploration rate and the cells (little-endian).</summary>
    public void Save(Stream stream, QStateEncoding encoding, int backendCount, double epsilon)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((byte)encoding);
        writer.Write(backendCount);
        writer.Write(_values.Length);
        writer.Write(epsilon);
        for (int i = 0; i < _values.Length; i++)
        {
            writer.Write(Volatile.Read(ref _values[i]));
        }
    }

    /// <summary>Reads a table written by <see cref="Save"/> for the same encoding and pool size; on any mismatch nothing changes.</summary>
    public bool TryLoad(Stream stream, QStateEncoding encoding, int backendCount, out double epsilon, out string? error)
    {
        epsilon = 0;
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            Span<byte> magic = stackalloc byte[4];
            reader.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
            {
                error = "not a FastLb Q table (bad magic)";
                return false;
            }

            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                error = $"Q table format version {version}, expected {FormatVersion}";
                return false;
            }

            var fileEncoding = (QStateEncoding)reader.ReadByte();
            int fileBackends = reader.ReadInt32();
            int cells = reader.ReadInt32();
            if (fileEncoding != encoding || fileBackends != backendCount || cells != _values.Length)
            {
                error = $"Q table is for {fileEncoding} with {fileBackends} backends ({cells} cells); this policy is {encoding} with {backendCount} ({_values.Length})";
                return false;
            }

            double fileEpsilon = reader.ReadDouble();
            var loaded = new double[cells];
            for (int i = 0; i < cells; i++)
            {
                loaded[i] = reader.ReadDouble();
                if (!double.IsFinite(loaded[i]))
                {
                    error = $"Q table cell {i} is not finite";
                    return false;
                }
            }

            for (int i = 0; i < cells; i++)
            {
                Volatile.Write(ref _values[i], loaded[i]);
            }

            epsilon = fileEpsilon;
            error = null;
            return true;
        }
        catch (EndOfStreamException)
        {
            error = "Q table file is truncated";
            return false;
        }
    }
}
