namespace FastLb.Proxy.Metrics;

/// <summary>How a tcp pump moved its bytes: <c>fastlb_tcp_bytes_total</c>'s <c>mode</c> label.</summary>
internal enum TcpRelayMode
{
    /// <summary>splice(2) through a kernel pipe (including the bytes read out of the pipe and sent when the destination was full).</summary>
    Splice,

    /// <summary>receive into a pooled buffer, then send (splice off, refused, or not Linux).</summary>
    Copy,
}

/// <summary>Which way a tcp pump moved its bytes: <c>fastlb_tcp_bytes_total</c>'s <c>direction</c> label.</summary>
internal enum TcpDirection
{
    /// <summary>Client to backend.</summary>
    ToBackend,

    /// <summary>Backend to client.</summary>
    ToClient,
}

/// <summary>Label values of <see cref="TcpRelayMode"/> and <see cref="TcpDirection"/>, indexed by the enum.</summary>
internal static class TcpRelayLabels
{
    /// <summary>Values of the <c>mode</c> label.</summary>
    public static readonly string[] Modes = ["splice", "copy"];

    /// <summary>Values of the <c>direction</c> label.</summary>
    public static readonly string[] Directions = ["to_backend", "to_client"];
}
