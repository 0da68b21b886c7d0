namespace FastLb.Simulation;

/// <summary>Generates arrival times: Poisson over piecewise-constant rate segments (warm-up, ramp steps), then ON/OFF phases when bursty.</summary>
/// <remarks>
/// Exponential gaps are memoryless, so a gap that crosses a segment end is simply redrawn from the
/// end at the next segment's rate: the result is exactly a Poisson process with that rate function.
/// </remarks>
internal sealed class ArrivalProcess
{
    private readonly SimRandom _random;
    private readonly double[] _ends;
    private readonly double[] _rates;
    private readonly bool _bursty;
    private readonly double _onRate;
    private readonly double _offRate;
    private readonly double _onMeanS;
    private readonly double _offMeanS;
    private int _segment = -1;
    private double _rate;
    private double _segmentEnd;
    private bool _on;

    /// <summary>Builds the process of <paramref name="scenario"/> with the given warm-up and measured duration (a ramp's steps are scaled to fit it).</summary>
    public ArrivalProcess(Scenario scenario, double warmupS, double durationS, SimRandom random)
    {
        _random = random;
        ArrivalSpec spec = scenario.Spec.Arrivals!;
        double capacity = scenario.CapacityRps;
        var ends = new List<double>();
        var rates = new List<double>();
        var stepStarts = new List<double>();
        var stepLoads = new List<double>();
        switch (spec.Process)
        {
            case ArrivalProcessKind.Poisson:
                if (warmupS > 0)
                {
                    ends.Add(warmupS);
                    rates.Add((spec.WarmupLoad ?? spec.Load!.Value) * capacity);
                }

                ends.Add(double.PositiveInfinity);
                rates.Add(spec.Load!.Value * capacity);
                break;
            case ArrivalProcessKind.Ramp:
                if (warmupS > 0)
                {
                    ends.Add(warmupS);
                    rates.Add((spec.WarmupLoad ?? spec.Steps![0].Load) * capacity);
                }

                double scale = durationS / scenario.DurationS;
                double t = warmupS;
                foreach (RampStepSpec step in spec.Steps!)
                {
                    stepStarts.Add(t);
                    stepLoads.Add(step.Load);
                    t += step.DurationS * scale;
                    ends.Add(t);
                    rates.Add(step.Load * capacity);
                }

                break;
            case ArrivalProcessKind.Bursty:
                _bursty = true;
                _onRate = spec.On!.Load * capacity;
                _offRate = spec.Off!.Load * capacity;
                _onMeanS = spec.On.MeanS;
                _offMeanS = spec.Off.MeanS;
                if (warmupS > 0 && spec.WarmupLoad is { } warmupLoad)
                {
                    ends.Add(warmupS);
                    rates.Add(warmupLoad * capacity);
                }

                // Start in the stationary mix of phases; the first advance past the fixed segments toggles.
                _on = _random.NextDouble() >= _onMeanS / (_onMeanS + _offMeanS);
                break;
        }

        _ends = ends.ToArray();
        _rates = rates.ToArray();
        StepStarts = stepStarts.ToArray();
        StepLoads = stepLoads.ToArray();
    }

    /// <summary>Start times of the ramp's steps (absolute seconds); empty unless a ramp.</summary>
    public double[] StepStarts { get; }

    /// <summary>Loads of the ramp's steps.</summary>
    public double[] StepLoads { get; }

    /// <summary>The ramp step that time <paramref name="t"/> falls in, or -1.</summary>
    public int StepAt(double t)
    {
        int step = -1;
        for (int i = 0; i < StepStarts.Length && StepStarts[i] <= t; i++)
        {
            step = i;
        }

        return step;
    }

    /// <summary>The first arrival after <paramref name="t"/>; +infinity when no more come.</summary>
    public double Next(double t)
    {
        while (true)
        {
            while (t >= _segmentEnd)
            {
                Advance();
            }

            double candidate = _rate > 0 ? t + _random.NextExponential(1 / _rate) : double.PositiveInfinity;
            if (candidate < _segmentEnd)
            {
                return candidate;
            }

            if (double.IsPositiveInfinity(_segmentEnd))
            {
                return double.PositiveInfinity;
            }

            t = _segmentEnd;
        }
    }

    private void Advance()
    {
        if (_segment + 1 < _ends.Length)
        {
            _segment++;
            _rate = _rates[_segment];
            _segmentEnd = _ends[_segment];
        }
        else if (_bursty)
        {
            _segment = _ends.Length;
            _on = !_on;
            _rate = _on ? _onRate : _offRate;
            _segmentEnd += _random.NextExponential(_on ? _onMeanS : _offMeanS);
        }
        else
        {
            _rate = 0;
            _segmentEnd = double.PositiveInfinity;
        }
    }
}
