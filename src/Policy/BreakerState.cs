namespace FastLb.Policy;

/// <summary>The state of a backend's circuit breaker.</summary>
public enum BreakerState
{
    /// <summary>Requests flow; failures are counted.</summary>
    Closed = 0,

    /// <summary>The backend is out of rotation until the cool-down ends.</summary>
    Open = 1,

    /// <summary>The cool-down ended: the backend is back in rotation for one probe request.</summary>
    HalfOpen = 2,

    /// <summary>The probe request is in flight; its outcome closes or reopens the circuit.</summary>
    Probing = 3,
}
