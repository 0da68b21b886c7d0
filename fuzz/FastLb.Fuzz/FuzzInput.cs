namespace FastLb.Fuzz;

/// <summary>Reading fuzz inputs: from afl's stream, or from corpus files and folders.</summary>
internal static class FuzzInput
{
    /// <summary>Inputs longer than this are cut: every target's interesting behaviour shows well below it, and afl's inputs are small.</summary>
    public const int MaxInputBytes = 64 * 1024;

    /// <summary>Reads at most <see cref="MaxInputBytes"/> from <paramref name="stream"/>.</summary>
    public static byte[] ReadAll(Stream stream)
    {
        var memory = new MemoryStream();
        byte[] buffer = new byte[8192];
        int read;
        while (memory.Length < MaxInputBytes && (read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            memory.Write(buffer, 0, (int)Math.Min(read, MaxInputBytes - memory.Length));
        }

        return memory.ToArray();
    }

    /// <summary>The files named, and the files directly in the folders named, each folder's in name order.</summary>
    public static IEnumerable<string> Files(ReadOnlySpan<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                string[] found = Directory.GetFiles(path);
                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found.Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal)));
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }
}
