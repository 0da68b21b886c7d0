using System.Diagnostics;

namespace FastLb.Proxy.Http;

/// <summary>The one table from <see cref="RejectReason"/> to HTTP status code and Prometheus label.</summary>
internal static class RejectReasons
{
    private static readonly RejectReason[] s_all = BuildAll();

    /// <summary>Every rejection reason (all values except <see cref="RejectReason.None"/>), e.g. to pre-register metric series.</summary>
    public static IReadOnlyList<RejectReason> All => s_all;

    /// <summary>The status code to answer a client with (RFC 9110 15): 431, 413, 505, 501, else 400.</summary>
    public static int StatusCode(RejectReason reason) => reason switch
    {
        RejectReason.HeaderTooLarge or RejectReason.TooManyHeaders => 431,
        RejectReason.BodyTooLarge => 413,
        RejectReason.UnsupportedVersion => 505,
        RejectReason.MethodNotSupported => 501,
        _ => 400,
    };

    /// <summary>A snake_case label; returns a literal, so no allocation per call.</summary>
    public static string Label(RejectReason reason) => reason switch
    {
        RejectReason.None => "none",
        RejectReason.MalformedRequestLine => "malformed_request_line",
        RejectReason.InvalidMethod => "invalid_method",
        RejectReason.InvalidTarget => "invalid_target",
        RejectReason.UnsupportedVersion => "unsupported_version",
        RejectReason.MalformedHeader => "malformed_header",
        RejectReason.WhitespaceBeforeColon => "whitespace_before_colon",
        RejectReason.ObsFold => "obs_fold",
        RejectReason.InvalidHeaderCharacter => "invalid_header_character",
        RejectReason.BareCr => "bare_cr",
        RejectReason.BareLf => "bare_lf",
        RejectReason.HeaderTooLarge => "header_too_large",
        RejectReason.TooManyHeaders => "too_many_headers",
        RejectReason.MissingHost => "missing_host",
        RejectReason.DuplicateHost => "duplicate_host",
        RejectReason.ForbiddenConnectionOption => "forbidden_connection_option",
        RejectReason.InvalidHost => "invalid_host",
        RejectReason.ContentLengthAndTransferEncoding => "content_length_and_transfer_encoding",
        RejectReason.ConflictingContentLength => "conflicting_content_length",
        RejectReason.InvalidContentLength => "invalid_content_length",
        RejectReason.TransferEncodingNotChunked => "transfer_encoding_not_chunked",
        RejectReason.InvalidTransferEncoding => "invalid_transfer_encoding",
        RejectReason.TransferEncodingInHttp10 => "transfer_encoding_in_http10",
        RejectReason.InvalidChunkSize => "invalid_chunk_size",
        RejectReason.InvalidChunkExtension => "invalid_chunk_extension",
        RejectReason.ChunkExtensionTooLong => "chunk_extension_too_long",
        RejectReason.InvalidChunkTerminator => "invalid_chunk_terminator",
        RejectReason.InvalidTrailer => "invalid_trailer",
        RejectReason.TrailerTooLarge => "trailer_too_large",
        RejectReason.MethodNotSupported => "method_not_supported",
        RejectReason.BodyTooLarge => "body_too_large",
        RejectReason.MalformedStatusLine => "malformed_status_line",
        _ => throw new UnreachableException($"RejectReason {reason} has no label"),
    };

    private static RejectReason[] BuildAll()
    {
        RejectReason[] values = Enum.GetValues<RejectReason>();
        var all = new RejectReason[values.Length - 1];
        int n = 0;
        foreach (RejectReason value in values)
        {
            if (value != RejectReason.None)
            {
                all[n++] = value;
            }
        }

        return all;
    }
}
