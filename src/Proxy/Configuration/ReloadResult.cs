namespace FastLb.Proxy.Configuration;

/// <summary>What one config reload did: the generation running after it, what changed, or why the file was refused.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Generation">The config generation running after the attempt.</param>
/// <param name="Changes">One line per change applied (empty when refused or when nothing changed).</param>
/// <param name="Errors">One line per problem, each starting with the field's path (empty when applied).</param>
internal sealed record ReloadResult(ReloadOutcome Outcome, long Generation, IReadOnlyList<string> Changes, IReadOnlyList<string> Errors)
{
    /// <summary>The admin endpoint's answer to <c>POST /reload</c>: 200 applied, 422 refused file, 409 no file, 503 not running.</summary>
    public int HttpStatus => Outcome switch
    {
        ReloadOutcome.Applied => 200,
        ReloadOutcome.Refused => 422,
        ReloadOutcome.NoFile => 409,
        _ => 503,
    };

    /// <summary><c>ok</c> when applied, <c>error</c> otherwise (the <c>result</c> label of <c>fastlb_config_reloads_total</c>).</summary>
    public string Result => Outcome == ReloadOutcome.Applied ? "ok" : "error";
}
