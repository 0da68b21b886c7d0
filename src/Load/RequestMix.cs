using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FastLb.Load;

/// <summary>A stateless weighted mix of requests, read from a JSON file (<c>{"requests":[{"weight","method","path","body","headers"}]}</c>) or made from one path.</summary>
public sealed class RequestMix : IRequestSource
{
    private readonly MixEntry[] _entries;
    private readonly double[] _cumulative;

    /// <summary>A mix of <paramref name="entries"/>; throws <see cref="ArgumentException"/> naming every bad entry.</summary>
    public RequestMix(IReadOnlyList<MixEntry> entries)
    {
        var errors = new List<string>();
        if (entries.Count == 0) errors.Add("requests: at least one entry is needed");
        for (int i = 0; i < entries.Count; i++)
        {
            MixEntry e = entries[i];
            if (!(e.Weight > 0) || double.IsInfinity(e.Weight)) errors.Add($"requests[{i}].weight: must be positive");
            if (string.IsNullOrWhiteSpace(e.Method) || e.Method.Any(char.IsWhiteSpace)) errors.Add($"requests[{i}].method: must be one token");
            if (!e.Path.StartsWith('/')) errors.Add($"requests[{i}].path: must start with /");
        }

        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        _entries = [.. entries];
        _cumulative = new double[_entries.Length];
        double sum = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            sum += _entries[i].Weight;
            _cumulative[i] = sum;
        }
    }

    /// <summary>The entries, in file order.</summary>
    public IReadOnlyList<MixEntry> Entries => _entries;

    /// <summary>Every request a GET of <paramref name="path"/> (what <c>fastlb load</c> sends without <c>--mix</c>: the URL's own path).</summary>
    public static RequestMix Single(string path) => new([new MixEntry { Path = path }]);

    /// <summary>Reads a mix file; throws <see cref="ArgumentException"/> with the file name on a bad file.</summary>
    public static RequestMix Load(string path)
    {
        MixFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), LoadJsonContext.Default.MixFile);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }

        try
        {
            return new RequestMix(file?.Requests ?? []);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public HttpRequestMessage Create(Uri target, Random random)
    {
        double x = random.NextDouble() * _cumulative[^1];
        int index = Array.BinarySearch(_cumulative, x);
        index = index < 0 ? ~index : index;
        MixEntry entry = _entries[Math.Min(index, _entries.Length - 1)];
        var request = new HttpRequestMessage(new HttpMethod(entry.Method), new Uri(target, entry.Path));
        if (entry.Body is not null)
        {
            request.Content = new StringContent(entry.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        foreach ((string name, string value) in entry.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
