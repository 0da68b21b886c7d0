namespace FastLb.Policy;

/// <summary>The one rule for sending a failed attempt again, used by the proxy (HTTP and TCP) and the simulator.</summary>
/// <remarks>
/// <para>Always retryable, for any method, are the failures where nothing of the request can have
/// reached the backend's application: a failed connect, a kept-alive connection the backend had
/// closed, and a 503 with <c>Retry-After: 0</c>. An idempotent request (GET, HEAD, PUT, DELETE, OPTIONS)
/// is also retried after a reset of a fresh connection before any response byte, a response-head
/// timeout, and the statuses its route names (<see cref="RetrySettings"/>). A reset of a fresh
/// connection is not retried for other methods: the backend may have acted before it went away.</para>
/// <para>A request gets at most <see cref="RetrySettings.Attempts"/> attempts. The retry is a new pick
/// that avoids the backend that failed, except after a closed kept-alive connection, where the
/// backend itself is fine. The proxy also holds retries to a budget per pool and waits a jittered
/// backoff; those are not part of this rule.</para>
/// <para>Every attempt is its own <see cref="BackendLease"/>, completed with its own outcome, so the
/// policy learns from the failure; the proxy counts every attempt in <c>fastlb_requests_total</c>
/// and writes it as its own request-log row (same request id, its attempt number), and counts the
/// retry in <c>fastlb_retries_total</c>; the simulator counts the retry in its results.</para>
/// </remarks>
public static class RetryRule
{
    /// <summary>True when an attempt of a <paramref name="method"/> request that failed with <paramref name="failure"/> may be followed by another under <paramref name="settings"/>.</summary>
    /// <param name="failure">How the attempt failed.</param>
    /// <param name="attempt">The failed attempt's number, 0 for the first.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="settings">The route's retry settings.</param>
    public static bool MayRetry(RetryableFailure failure, int attempt, RequestMethod method, RetrySettings settings)
    {
        if (attempt + 1 >= settings.Attempts)
        {
            return false;
        }

        return failure switch
        {
            RetryableFailure.ConnectFailed or RetryableFailure.ConnectionClosed or RetryableFailure.RefusedNow => true,
            RetryableFailure.Reset or RetryableFailure.Status => IsIdempotent(method),
            RetryableFailure.Timeout => settings.OnTimeout && IsIdempotent(method),
            _ => false,
        };
    }

    /// <summary>True when an attempt that failed with <paramref name="failure"/> may be followed by another under the simulator's settings.</summary>
    public static bool MayRetry(RetryableFailure failure, int attempt) => MayRetry(failure, attempt, RequestMethod.Get, RetrySettings.Simulator);

    /// <summary>The backend index the retry's pick must avoid (<see cref="RequestFeatures.ExcludeIndex"/>), or -1.</summary>
    /// <param name="failure">How the attempt failed.</param>
    /// <param name="index">The failed attempt's backend.</param>
    public static int Exclude(RetryableFailure failure, int index) => failure == RetryableFailure.ConnectionClosed ? -1 : index;

    /// <summary>RFC 9110 9.2.2: methods whose intended effect is the same when sent twice.</summary>
    public static bool IsIdempotent(RequestMethod method) =>
        method is RequestMethod.Get or RequestMethod.Head or RequestMethod.Put or RequestMethod.Delete or RequestMethod.Options;
}
