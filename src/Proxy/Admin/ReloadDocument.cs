using System.Text;
using System.Text.Json;
using FastLb.Proxy.Configuration;

namespace FastLb.Proxy.Admin;

/// <summary>Renders the answer to <c>POST /reload</c>: result, generation, changes or errors, as JSON.</summary>
internal static class ReloadDocument
{
    /// <summary>The document for <paramref name="result"/>, e.g. <c>{"result":"ok","generation":2,"changes":["pool 'web': backend 127.0.0.1:9103 added"],"errors":[]}</c>.</summary>
    public static string Render(ReloadResult result)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("result", result.Result);
            w.WriteString("outcome", result.Outcome switch
            {
                ReloadOutcome.Applied => "applied",
                ReloadOutcome.Refused => "refused",
                ReloadOutcome.NoFile => "no_file",
                _ => "not_running",
            });
            w.WriteNumber("generation", result.Generation);
            WriteLines(w, "changes", result.Changes);
            WriteLines(w, "errors", result.Errors);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes an array of strings.</summary>
    internal static void WriteLines(Utf8JsonWriter w, string name, IReadOnlyList<string> lines)
    {
        w.WriteStartArray(name);
        foreach (string line in lines)
        {
            w.WriteStringValue(line);
        }

        w.WriteEndArray();
    }
}
