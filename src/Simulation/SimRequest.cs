using System.Runtime.InteropServices;
using FastLb.Policy;
using FastLb.RequestLog;

namespace FastLb.Simulation;

/// <summary>A client request in flight in the simulator, kept in a reused slot of an array.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct SimRequest
{
    /// <summary>Intended send time, seconds: latency is measured from it (no coordinated omission).</summary>
    public double Arrival;

    /// <summary>When the current attempt's backend was picked.</summary>
    public double PickTime;

    /// <summary>What the policy is told about the request.</summary>
    public RequestFeatures Features;

    /// <summary>The current attempt, from its pick until its outcome is reported.</summary>
    public BackendLease Lease;

    /// <summary>The request's own uniform draw in (0, 1] for its service time (common random numbers across policies).</summary>
    public double WorkUniform;

    /// <summary>The request's own standard normal draw for a lognormal service time.</summary>
    public double WorkNormal;

    /// <summary>The request's own uniform draw in [0, 1) deciding whether an erroring backend fails it.</summary>
    public double ErrorDraw;

    /// <summary>Arrival number since the start.</summary>
    public long Number;

    /// <summary>The balancer that routes it.</summary>
    public int Balancer;

    /// <summary>The backend of the current attempt, or -1.</summary>
    public int Backend;

    /// <summary>The ramp step it arrived in, or -1.</summary>
    public int Step;

    /// <summary>Bumped each time the slot is freed, so stale deadline events are ignored.</summary>
    public int Generation;

    /// <summary>The current attempt's number, 0 for the first (see <see cref="RetryRule"/>).</summary>
    public byte Attempt;

    /// <summary>The client has its answer (response, error or timeout).</summary>
    public bool Done;

    /// <summary>Waiting in its backend's queue.</summary>
    public bool Queued;

    /// <summary>Holding a service slot of its backend.</summary>
    public bool InService;

    /// <summary>A deadline event is queued for it.</summary>
    public bool DeadlineQueued;

    /// <summary>Arrived after the warm-up: counted in the results.</summary>
    public bool Measured;

    /// <summary>The request log row, filled at the pick when the log is on.</summary>
    public RequestLogEntry Log;
}
