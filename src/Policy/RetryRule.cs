namespace FastLb.Policy;

/// <summary>The one rule for sending a failed attempt again, used by the proxy (HTTP and TCP) and the simulator.</summary>
/// <remarks>
/// <para>An attempt may be retried only when nothing of the request can have reached the backend's
/// application (<see cref="RetryableFailure"/>), and a request gets at most <see cref="MaxAttempts"/>
/// attempts. The retry is a new pick: it avoids the backend whose connect failed (that backend is
/// also taken out of rotation), but not one whose kept-alive connection had been closed, since the
/// backend itself is fine.</para>
/// <para>Every attempt is its own <see cref="BackendLease"/>, completed with its own outcome, so the
/// policy learns from the failure; the proxy counts every attempt in <c>fastlb_requests_total</c>
/// and writes it as its own request-log row (same request id, its attempt number), and counts the
/// retry in <c>fastlb_retries_total</c>; the simulator counts the retry in its results.</para>
/// </remarks>
public static class RetryRule
{
    /// <summary>Attempts a request may take in all: the first and one retry.</summary>
    public const int MaxAttempts = 2;

    /// <summary>True when an attempt that failed with <paramref name="failure"/> may be followed by another.</summary>
    /// <param name="failure">How the attempt failed; <see cref="RetryableFailure.None"/> for anything the backend may have seen.</param>
    /// <param name="attempt">The failed attempt's number, 0 for the first.</param>
    public static bool MayRetry(RetryableFailure failure, int attempt) => failure != RetryableFailure.None && attempt + 1 < MaxAttempts;

    /// <summary>The backend index the retry's pick must avoid (<see cref="RequestFeatures.ExcludeIndex"/>), or -1.</summary>
    /// <param name="failure">How the attempt failed.</param>
    /// <param name="index">The failed attempt's backend.</param>
    public static int Exclude(RetryableFailure failure, int index) => failure == RetryableFailure.ConnectFailed ? index : -1;
}
