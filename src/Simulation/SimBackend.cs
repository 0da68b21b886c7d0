namespace FastLb.Simulation;

/// <summary>A simulated backend: service slots, a FIFO queue of request slots, its distribution, schedule and slowdown, and health accounting.</summary>
internal sealed class SimBackend
{
    private readonly ScheduleWindow[] _schedule;
    private int[] _queue = new int[64];
    private int _head;
    private double _lastChange;

    /// <summary>Builds backend <paramref name="index"/> of a group; schedule windows are in absolute seconds.</summary>
    public SimBackend(int index, BackendGroupSpec group, ScheduleWindow[] schedule)
    {
        Index = index;
        Id = $"b{index}";
        Slots = group.Slots;
        Unbounded = group.Queue == QueueDiscipline.None;
        BaseMeanMs = group.Service!.MeanMs;
        Speed = group.Speed;
        Sampler = new ServiceTimeSampler(group.Service);
        if (group.LoadDependence is { } load)
        {
            LoadDependent = true;
            Knee = load.Knee;
            Slope = load.Slope;
        }

        _schedule = schedule;
    }

    /// <summary>Position in the pool.</summary>
    public int Index { get; }

    /// <summary>Id given to its <see cref="BackendState"/>s: b0, b1, ...</summary>
    public string Id { get; }

    /// <summary>Service slots (c).</summary>
    public int Slots { get; }

    /// <summary>True with no queue and unbounded concurrency.</summary>
    public bool Unbounded { get; }

    /// <summary>Mean service time outside schedule windows.</summary>
    public double BaseMeanMs { get; }

    /// <summary>Service times are divided by it.</summary>
    public double Speed { get; }

    /// <summary>Draws unit-mean service times.</summary>
    public ServiceTimeSampler Sampler { get; }

    /// <summary>True when service time grows with concurrency.</summary>
    public bool LoadDependent { get; }

    /// <summary>Concurrency up to which service time does not grow.</summary>
    public int Knee { get; }

    /// <summary>Relative growth per request above <see cref="Knee"/>.</summary>
    public double Slope { get; }

    /// <summary>Current random slowdown factor (1 when none).</summary>
    public double Slowdown { get; set; } = 1;

    /// <summary>Requests in service.</summary>
    public int Busy { get; private set; }

    /// <summary>Requests waiting.</summary>
    public int QueueCount { get; private set; }

    /// <summary>Slot-seconds busy since the last health report.</summary>
    public double BusyIntegral { get; private set; }

    /// <summary>Requests finished since the last health report.</summary>
    public long IntervalCompletions { get; set; }

    /// <summary>Sum of their times at the backend (queue and service), seconds.</summary>
    public double IntervalLatencySum { get; set; }

    /// <summary>Average response ms of the last report, -1 before any.</summary>
    public double LastAvgMs { get; set; } = -1;

    /// <summary>Picks of measured requests (retries included).</summary>
    public long MeasuredPicks { get; set; }

    /// <summary>True when a request can start service now.</summary>
    public bool HasFreeSlot => Unbounded || Busy < Slots;

    /// <summary>Mean service time at <paramref name="t"/>, schedule applied, before slowdown and speed.</summary>
    public double MeanMsAt(double t)
    {
        double mean = BaseMeanMs;
        foreach (ScheduleWindow window in _schedule)
        {
            if (window.MeanMs is { } m && t >= window.From && t < window.To)
            {
                mean = m;
            }
        }

        return mean;
    }

    /// <summary>True when connections are refused at <paramref name="t"/>.</summary>
    public bool IsRefusing(double t)
    {
        foreach (ScheduleWindow window in _schedule)
        {
            if (window.Refuse && t >= window.From && t < window.To)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Fraction of requests answered with an error at <paramref name="t"/>, and that error's status.</summary>
    public double ErrorRateAt(double t, out int status)
    {
        status = 503;
        double rate = 0;
        foreach (ScheduleWindow window in _schedule)
        {
            if (window.ErrorRate is { } r && t >= window.From && t < window.To)
            {
                rate = r;
                status = window.ErrorStatus;
            }
        }

        return rate;
    }

    /// <summary>Capacity in requests per second at <paramref name="t"/> from slots, speed, schedule and refusals (slowdowns left out).</summary>
    public double CapacityAt(double t) => IsRefusing(t) ? 0 : Slots * Speed * 1000 / MeanMsAt(t);

    /// <summary>Takes a slot at <paramref name="now"/>.</summary>
    public void TakeSlot(double now)
    {
        Account(now);
        Busy++;
    }

    /// <summary>Frees a slot at <paramref name="now"/>.</summary>
    public void FreeSlot(double now)
    {
        Account(now);
        Busy--;
    }

    /// <summary>Closes the busy integral at <paramref name="now"/> and returns it, starting a new interval.</summary>
    public double TakeBusyIntegral(double now)
    {
        Account(now);
        double value = BusyIntegral;
        BusyIntegral = 0;
        return value;
    }

    /// <summary>Appends a request slot to the queue.</summary>
    public void Enqueue(int slot)
    {
        if (QueueCount == _queue.Length)
        {
            var grown = new int[_queue.Length * 2];
            for (int i = 0; i < QueueCount; i++)
            {
                grown[i] = _queue[(_head + i) % _queue.Length];
            }

            _queue = grown;
            _head = 0;
        }

        _queue[(_head + QueueCount) % _queue.Length] = slot;
        QueueCount++;
    }

    /// <summary>Removes the oldest request slot; the queue must not be empty.</summary>
    public int Dequeue()
    {
        int slot = _queue[_head];
        _head = (_head + 1) % _queue.Length;
        QueueCount--;
        return slot;
    }

    private void Account(double now)
    {
        BusyIntegral += Math.Min(Busy, Slots) * (now - _lastChange);
        _lastChange = now;
    }
}
