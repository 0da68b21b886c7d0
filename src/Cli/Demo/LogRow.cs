using System.Globalization;

namespace FastLb.Cli.Demo;

/// <summary>The request-log columns the report reads, of one attempt; time in seconds from the traffic's start.</summary>
internal readonly record struct LogRow(double TimeS, string Pool, string Backend, string Policy, int Attempt, int Status)
{
    /// <summary>Reads the proxy's request log (docs/FORMATS.md), columns found by name; lines that do not parse are skipped.</summary>
    public static List<LogRow> Read(string path, long startUnixMs)
    {
        var rows = new List<LogRow>();
        if (!File.Exists(path)) return rows;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string? header = reader.ReadLine();
        if (header is null) return rows;
        string[] names = header.Split(',');
        int ts = Array.IndexOf(names, "ts_unix_ms"), pool = Array.IndexOf(names, "pool"), backend = Array.IndexOf(names, "backend");
        int policy = Array.IndexOf(names, "policy"), attempt = Array.IndexOf(names, "attempt"), status = Array.IndexOf(names, "status");
        while (reader.ReadLine() is { } line)
        {
            // The demo's routes, pools and addresses hold no comma or quote, so a plain split reads every row it writes.
            string[] f = line.Split(',');
            if (f.Length != names.Length || !long.TryParse(f[ts], NumberStyles.Integer, CultureInfo.InvariantCulture, out long unixMs)) continue;
            _ = int.TryParse(f[status], NumberStyles.Integer, CultureInfo.InvariantCulture, out int code);
            int n = attempt >= 0 && int.TryParse(f[attempt], NumberStyles.Integer, CultureInfo.InvariantCulture, out int a) ? a : 0;
            rows.Add(new LogRow((unixMs - startUnixMs) / 1000.0, f[pool], f[backend], f[policy], n, code));
        }

        return rows;
    }
}
