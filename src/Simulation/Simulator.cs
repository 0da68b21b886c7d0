using System.Buffers;
using System.Diagnostics;
using FastLb.Policy;
using FastLb.RequestLog;

namespace FastLb.Simulation;

/// <summary>Discrete-event simulation of a pool: drives real policies through <see cref="Balancer"/> on simulated time.</summary>
/// <remarks>
/// One run = one scenario, one policy, one seed, single-threaded and deterministic for the seed
/// (policies that use <see cref="PolicyContext.Time"/> see simulated time). Per request: an
/// arrival (kept out of the heap: the next arrival time is compared with the heap's top), a pick
/// (timed with <see cref="Stopwatch"/>), service or a FIFO wait, the outcome reported through
/// <see cref="Balancer.Complete"/>. A refused connection is reported as
/// <see cref="OutcomeError.Connect"/> and retried once elsewhere (<see cref="RequestFeatures.ExcludeIndex"/>).
/// At the deadline the client gets a timeout and the policy is told; the backend, which cannot
/// know the client left, still serves the request if it already started, and drops it unserved
/// when it reaches the head of the queue.
/// </remarks>
internal sealed partial class Simulator
{
    private const int ProgressEvery = 1 << 16;
    private const double WindowS = 0.1;
    private const int WindowsPerShare = 10;
    private const int LogFlushBytes = 1 << 20;

    private readonly Scenario _scenario;
    private readonly SimulationOptions _options;
    private readonly EventQueue _events = new();
    private readonly SimulatedTimeProvider _clock;
    private readonly SimBackend[] _backends;
    private readonly Balancer[] _balancers;
    private readonly BackendState[][] _states;
    private readonly ArrivalProcess _arrivals;
    private readonly SimRandom _splitRandom;
    private readonly SimRandom _slowdownRandom;
    private readonly SimRandom _workRandom;
    private readonly double _warmupS;
    private readonly double _endS;
    private readonly double _deadlineS;
    private readonly double _deadlineMs;
    private readonly double _healthIntervalS;
    private readonly SimulationResult _result;
    private readonly int[]? _windowPicks;
    private readonly int _windowCount;
    private readonly ArrayBufferWriter<byte>? _log;
    private readonly string _policyName;

    private SimRequest[] _requests = new SimRequest[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _slotsUsed;
    private long _arrivalCount;
    private long _outstanding;
    private double _lastMeasuredArrival;

    /// <summary>Sets up a run of <paramref name="scenario"/> with policies made by <paramref name="createPolicy"/>, one per balancer.</summary>
    /// <param name="scenario">The validated scenario.</param>
    /// <param name="createPolicy">Makes a fresh policy for a context (built on this run's simulated clock).</param>
    /// <param name="options">Seed, length, log and progress.</param>
    public Simulator(Scenario scenario, Func<PolicyContext, IRoutingPolicy> createPolicy, SimulationOptions options)
    {
        _scenario = scenario;
        _options = options;
        ScenarioSpec spec = scenario.Spec;
        _clock = new SimulatedTimeProvider(_events);
        _warmupS = options.WarmupS ?? spec.WarmupS;
        double durationS = options.DurationS ?? scenario.DurationS;
        _endS = _warmupS + durationS;
        _deadlineMs = spec.DeadlineMs;
        _deadlineS = spec.DeadlineMs / 1000;
        _healthIntervalS = spec.HealthIntervalMs / 1000;
        ulong seed = options.Seed;

        // Independent streams: 1 arrivals, 2 balancer split, 3 slowdowns, 4 per-request work. Service
        // times and error draws belong to the request (drawn at arrival, in arrival order), so every
        // policy meets the same job sizes: common random numbers make policy differences show
        // above the sampling noise.
        _arrivals = new ArrivalProcess(scenario, _warmupS, durationS, new SimRandom(seed, 1));
        _splitRandom = new SimRandom(seed, 2);
        _slowdownRandom = new SimRandom(seed, 3);
        _workRandom = new SimRandom(seed, 4);

        int n = scenario.BackendCount;
        _backends = new SimBackend[n];
        int index = 0;
        foreach (BackendGroupSpec group in spec.Backends!)
        {
            for (int i = 0; i < group.Count; i++, index++)
            {
                var windows = new List<ScheduleWindow>();
                foreach (ScheduleEntrySpec entry in spec.Schedule ?? [])
                {
                    if (entry.Backend == index)
                    {
                        windows.Add(new ScheduleWindow(_warmupS + entry.FromS, _warmupS + entry.ToS, entry.MeanMs, entry.Refuse, entry.ErrorRate, entry.ErrorStatus));
                    }
                }

                _backends[index] = new SimBackend(index, group, windows.ToArray());
            }
        }

        string[] ids = new string[n];
        double[] capacityShare = new double[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = _backends[i].Id;
            capacityShare[i] = scenario.BackendCapacityRps[i] / scenario.NominalCapacityRps;
        }

        // The suite gives weighted_round_robin static weights from capacity (an oracle, docs/SCENARIOS.md); the
        // others ignore weights. Relative to the smallest backend, rounded, at least 1.
        double smallest = double.MaxValue;
        for (int i = 0; i < n; i++)
        {
            smallest = Math.Min(smallest, scenario.BackendCapacityRps[i]);
        }

        int[] weights = new int[n];
        for (int i = 0; i < n; i++)
        {
            weights[i] = smallest > 0 ? Math.Clamp((int)Math.Round(scenario.BackendCapacityRps[i] / smallest), 1, 1000) : 1;
        }

        int balancerCount = spec.Balancers;
        _balancers = new Balancer[balancerCount];
        _states = new BackendState[balancerCount][];
        for (int b = 0; b < balancerCount; b++)
        {
            var states = new BackendState[n];
            for (int i = 0; i < n; i++)
            {
                states[i] = new BackendState(ids[i], weights[i]);
            }

            // Each balancer sees the backends through its own states, as separate proxy instances would.
            var context = new PolicyContext(n, seed * 1000 + (ulong)b, _clock) { Routes = ["/"], DeadlineMs = spec.DeadlineMs };
            IRoutingPolicy policy = createPolicy(context);
            _states[b] = states;
            _balancers[b] = new Balancer(policy, states);
        }

        _policyName = _balancers[0].Policy.Name;
        _result = new SimulationResult(_policyName, ids, capacityShare, spec.Slo ?? new SloSpec());
        _result.Seeds.Add(seed);
        var steps = new StepResult[_arrivals.StepLoads.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepResult(_arrivals.StepLoads[i], _arrivals.StepLoads[i] * scenario.CapacityRps);
        }

        _result.Steps = steps;
        if (spec.Watch is { Count: > 0 })
        {
            _windowCount = (int)Math.Ceiling((_endS + _deadlineS) / WindowS) + 1;
            _windowPicks = new int[_windowCount * n];
            _result.Watches = CreateWatches(spec.Watch);
        }

        if (options.Log is not null)
        {
            _log = new ArrayBufferWriter<byte>(LogFlushBytes + 4096);
        }
    }

    /// <summary>Runs to the end of the scenario (or the request cap) and until every request has its answer.</summary>
    public SimulationResult Run()
    {
        StartBackgroundEvents();
        double nextArrival = _arrivals.Next(0);
        bool arrivalsOpen = true;
        long cap = _options.MaxRequests ?? long.MaxValue;
        while (true)
        {
            if (arrivalsOpen)
            {
                if (nextArrival >= _endS || _result.Requests >= cap)
                {
                    arrivalsOpen = false;
                }
                else if (nextArrival <= _events.PeekTime)
                {
                    _clock.Advance(nextArrival);
                    OnArrival(nextArrival);
                    nextArrival = _arrivals.Next(nextArrival);
                    continue;
                }
            }

            if (!arrivalsOpen && _outstanding == 0)
            {
                break;
            }

            SimEvent next = _events.Pop();
            _clock.Advance(next.Time);
            Dispatch(next);
        }

        Finish();
        return _result;
    }

    private void Dispatch(in SimEvent next)
    {
        switch (next.Kind)
        {
            case SimEventKind.ServiceDone:
                OnServiceDone(next.A);
                break;
            case SimEventKind.Deadline:
                OnDeadline(next.A, next.B);
                break;
            case SimEventKind.Timer:
                _clock.Fire(next.A, next.B);
                break;
            case SimEventKind.Slowdown:
                OnSlowdown(next.A);
                break;
            case SimEventKind.Health:
                OnHealth();
                break;
        }
    }

    private void StartBackgroundEvents()
    {
        if (_scenario.Spec.Slowdowns is { } slowdowns)
        {
            foreach (SimBackend backend in _backends)
            {
                backend.Slowdown = DrawSlowdown(slowdowns);
                _events.Push(_slowdownRandom.NextExponential(slowdowns.MeanIntervalS), SimEventKind.Slowdown, backend.Index);
            }
        }

        if (_healthIntervalS > 0)
        {
            _events.Push(_healthIntervalS, SimEventKind.Health, 0);
        }
    }

    private void OnArrival(double now)
    {
        int slot = AllocateSlot();
        ref SimRequest request = ref _requests[slot];
        int generation = request.Generation;
        request = default;
        request.Generation = generation;
        request.Arrival = now;
        request.Number = _arrivalCount++;
        request.Balancer = _balancers.Length == 1 ? 0 : _splitRandom.NextInt(_balancers.Length);
        request.Backend = -1;
        request.Measured = now >= _warmupS;
        request.WorkUniform = _workRandom.NextOpenDouble();
        request.WorkNormal = _workRandom.NextNormal();
        request.ErrorDraw = _workRandom.NextDouble();
        request.Step = _result.Steps.Length == 0 ? -1 : _arrivals.StepAt(now);
        request.Features = RequestFeatures.Empty;
        request.Features.Timestamp = _clock.GetTimestamp();
        request.Features.RouteId = 0;
        request.Features.Method = RequestMethod.Get;
        _outstanding++;
        if (request.Measured)
        {
            _result.Requests++;
            _lastMeasuredArrival = now;
        }

        if ((_arrivalCount & (ProgressEvery - 1)) == 0 && _options.Progress is { } progress)
        {
            double done = _options.MaxRequests is { } max ? (double)_result.Requests / max : now / _endS;
            progress(Math.Min(1, done));
        }

        Attempt(slot);
    }

    private void Attempt(int slot)
    {
        ref SimRequest request = ref _requests[slot];
        double now = _clock.NowSeconds;
        Balancer balancer = _balancers[request.Balancer];
        long started = Stopwatch.GetTimestamp();
        int index = balancer.Acquire(ref request.Features, ref request.Lease);
        long elapsed = Stopwatch.GetTimestamp() - started;
        _result.PickCount++;
        _result.PickNanoseconds += elapsed * (1e9 / Stopwatch.Frequency);
        if (index < 0)
        {
            request.Done = true;
            bool shed = index == IRoutingPolicy.Shed;
            if (request.Measured)
            {
                if (shed)
                {
                    _result.Shed++;
                }
                else
                {
                    _result.NoBackend++;
                }
            }

            // A shed request failed its deadline as surely as a timeout did, so the percentiles
            // count it as the deadline, not as the instant refusal: shedding cannot buy a lower p99.
            FinishClient(ref request, shed ? _deadlineMs : (now - request.Arrival) * 1000, isError: true);
            Release(slot);
            return;
        }

        BackendState state = _states[request.Balancer][index];
        request.Backend = index;
        request.PickTime = now;
        SimBackend backend = _backends[index];
        if (request.Measured)
        {
            backend.MeasuredPicks++;
        }

        if (_windowPicks is not null)
        {
            int window = (int)(now / WindowS);
            if (window < _windowCount)
            {
                _windowPicks[(window * _backends.Length) + index]++;
            }
        }

        if (_log is not null)
        {
            request.Log.CaptureState(state, state.InFlight - 1, request.Features.PoolInFlight);
        }

        if (backend.IsRefusing(now))
        {
            CompleteAttempt(ref request, new RequestOutcome(0, 0, 0, OutcomeError.Connect));
            if (RetryRule.MayRetry(RetryableFailure.ConnectFailed, request.Attempt))
            {
                request.Attempt++;
                request.Features.ExcludeIndex = RetryRule.Exclude(RetryableFailure.ConnectFailed, index);
                if (request.Measured)
                {
                    _result.Retries++;
                }

                Attempt(slot);
                return;
            }

            request.Done = true;
            if (request.Measured)
            {
                _result.ConnectErrors++;
            }

            FinishClient(ref request, (now - request.Arrival) * 1000, isError: true);
            Release(slot);
            return;
        }

        if (backend.HasFreeSlot)
        {
            StartService(slot, backend);
        }
        else
        {
            backend.Enqueue(slot);
            request.Queued = true;
            request.DeadlineQueued = true;
            _events.Push(request.Arrival + _deadlineS, SimEventKind.Deadline, slot, request.Generation);
        }
    }

    private void StartService(int slot, SimBackend backend)
    {
        ref SimRequest request = ref _requests[slot];
        double now = _clock.NowSeconds;
        backend.TakeSlot(now);
        double meanMs = backend.MeanMsAt(now) * backend.Slowdown / backend.Speed;
        if (backend.LoadDependent)
        {
            meanMs *= 1 + (backend.Slope * Math.Max(0, backend.Busy - backend.Knee));
        }

        double done = now + (backend.Sampler.FromDraws(request.WorkUniform, request.WorkNormal) * meanMs / 1000);
        request.InService = true;
        _events.Push(done, SimEventKind.ServiceDone, slot);
        if (!request.DeadlineQueued && done - request.Arrival > _deadlineS)
        {
            request.DeadlineQueued = true;
            _events.Push(request.Arrival + _deadlineS, SimEventKind.Deadline, slot, request.Generation);
        }
    }

    private void OnServiceDone(int slot)
    {
        ref SimRequest request = ref _requests[slot];
        double now = _clock.NowSeconds;
        SimBackend backend = _backends[request.Backend];
        backend.FreeSlot(now);
        backend.IntervalCompletions++;
        backend.IntervalLatencySum += now - request.PickTime;
        request.InService = false;
        if (!request.Done)
        {
            int status = 200;
            double errorRate = backend.ErrorRateAt(now, out int errorStatus);
            if (errorRate > 0 && request.ErrorDraw < errorRate)
            {
                status = errorStatus;
            }

            double attemptMs = (now - request.PickTime) * 1000;
            CompleteAttempt(ref request, new RequestOutcome(attemptMs, attemptMs, status, OutcomeError.None));
            request.Done = true;
            if (request.Measured)
            {
                _result.Responses++;
                if (status >= 500)
                {
                    _result.ServerErrors++;
                }
                else
                {
                    _result.Ok++;
                }
            }

            FinishClient(ref request, (now - request.Arrival) * 1000, isError: status >= 500);
        }

        Release(slot);
        while (backend.QueueCount > 0 && backend.HasFreeSlot)
        {
            int next = backend.Dequeue();
            ref SimRequest waiting = ref _requests[next];
            waiting.Queued = false;
            if (waiting.Done)
            {
                // Its client timed out while it waited: the backend drops it unserved.
                Release(next);
                continue;
            }

            StartService(next, backend);
        }
    }

    private void OnDeadline(int slot, int generation)
    {
        ref SimRequest request = ref _requests[slot];
        if (request.Generation != generation || request.Done)
        {
            return;
        }

        double now = _clock.NowSeconds;
        CompleteAttempt(ref request, new RequestOutcome((now - request.PickTime) * 1000, (now - request.PickTime) * 1000, 0, OutcomeError.Timeout));
        request.Done = true;
        if (request.Measured)
        {
            _result.Timeouts++;
        }

        FinishClient(ref request, _deadlineMs, isError: true, isTimeout: true);
        Release(slot);
    }

    private void CompleteAttempt(ref SimRequest request, in RequestOutcome outcome)
    {
        request.Lease.Complete(outcome);
        if (_log is not null)
        {
            WriteLog(ref request, outcome);
        }
    }

    private void FinishClient(ref SimRequest request, double latencyMs, bool isError, bool isTimeout = false)
    {
        _outstanding--;
        if (!request.Measured)
        {
            return;
        }

        _result.Latency.Record(latencyMs);
        if (request.Step >= 0)
        {
            StepResult step = _result.Steps[request.Step];
            step.Latency.Record(latencyMs);
            step.Requests++;
            if (isError)
            {
                step.Errors++;
            }

            if (isTimeout)
            {
                step.Timeouts++;
            }
        }

        foreach (WatchResult watch in _result.Watches)
        {
            if (request.Arrival >= _warmupS + watch.FromS && request.Arrival < _warmupS + watch.ToS)
            {
                watch.Window.Record(latencyMs);
            }
        }
    }

    private void Release(int slot)
    {
        ref SimRequest request = ref _requests[slot];
        if (!request.Done || request.Queued || request.InService)
        {
            return;
        }

        request.Generation++;
        _free[_freeCount++] = slot;
    }

    private int AllocateSlot()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_slotsUsed == _requests.Length)
        {
            Array.Resize(ref _requests, _requests.Length * 2);
            Array.Resize(ref _free, _requests.Length);
        }

        return _slotsUsed++;
    }
}
