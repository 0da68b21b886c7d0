namespace FastLb.RequestLog;

/// <summary>What reading request logs gave: the rows, and what was counted on the way.</summary>
/// <param name="Data">The good rows.</param>
/// <param name="Files">The files read, in reading order.</param>
/// <param name="Lines">Data lines seen (header and blank lines not counted).</param>
/// <param name="BadLines">Lines skipped as corrupt or truncated.</param>
/// <param name="BadLineSamples">The first few bad lines as <c>file:line: reason</c>.</param>
/// <param name="Bytes">Bytes read.</param>
internal sealed record RequestLogReadResult(
    RequestLogData Data,
    IReadOnlyList<string> Files,
    long Lines,
    long BadLines,
    IReadOnlyList<string> BadLineSamples,
    long Bytes);
