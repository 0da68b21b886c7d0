namespace FastLb.Proxy.Http;

/// <summary>The form of a request-target (RFC 9112 3.2); authority-form only serves CONNECT, which is refused.</summary>
internal enum TargetForm : byte
{
    /// <summary><c>/path?query</c> (RFC 9112 3.2.1).</summary>
    Origin,

    /// <summary><c>http://authority/path?query</c> (RFC 9112 3.2.2).</summary>
    Absolute,

    /// <summary><c>*</c>, only with OPTIONS (RFC 9112 3.2.4).</summary>
    Asterisk,
}
