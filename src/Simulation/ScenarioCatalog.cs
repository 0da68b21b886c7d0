namespace FastLb.Simulation;

/// <summary>Finds the scenario files under <c>scenarios/</c> and resolves a name to one.</summary>
internal static class ScenarioCatalog
{
    /// <summary>The folder name scenario files live in.</summary>
    public const string FolderName = "scenarios";

    /// <summary>The scenarios folder: <c>scenarios/</c> in the working directory or the nearest one above the executable; null when none.</summary>
    public static string? FindFolder()
    {
        string local = Path.Combine(Directory.GetCurrentDirectory(), FolderName);
        if (Directory.Exists(local))
        {
            return local;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, FolderName);
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json").Any())
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Every <c>*.json</c> in <paramref name="folder"/>, sorted by name (S1 before S2).</summary>
    public static string[] List(string folder)
    {
        string[] files = Directory.GetFiles(folder, "*.json");
        Array.Sort(files, StringComparer.OrdinalIgnoreCase);
        return files;
    }

    /// <summary>The file whose name is <paramref name="name"/> (with or without <c>.json</c>), or whose id prefix before the first dash is (S3 for S3-degradation), case-insensitive; null when none.</summary>
    public static string? Resolve(string folder, string name)
    {
        foreach (string file in List(folder))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            int dash = stem.IndexOf('-');
            string id = dash > 0 ? stem[..dash] : stem;
            if (string.Equals(stem, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(Path.GetFileName(file), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(id, name, StringComparison.OrdinalIgnoreCase))
            {
                return file;
            }
        }

        return null;
    }
}
