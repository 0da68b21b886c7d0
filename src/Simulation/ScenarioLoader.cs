using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastLb.Simulation;

/// <summary>Reads scenario files (SCENARIOS-SCHEMA.md) strictly: an unknown field or a bad value is an error naming its JSON path.</summary>
internal static class ScenarioLoader
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Reads and validates the file at <paramref name="path"/>; its key is the file name without extension.</summary>
    /// <exception cref="ScenarioException">The file is missing, not JSON, or breaks the schema.</exception>
    public static Scenario Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(path, [e.Message]);
        }

        return Parse(json, Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Parses and validates scenario JSON.</summary>
    /// <param name="json">The document.</param>
    /// <param name="key">The name it will be run by.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <exception cref="ScenarioException">It breaks the schema; every error found is listed.</exception>
    public static Scenario Parse(string json, string key, string source)
    {
        ScenarioSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<ScenarioSpec>(json, s_options);
        }
        catch (JsonException e)
        {
            throw new ScenarioException(source, [Describe(e)]);
        }

        if (spec is null)
        {
            throw new ScenarioException(source, ["$: expected an object, found null"]);
        }

        List<string> errors = Validate(spec);
        if (errors.Count > 0)
        {
            throw new ScenarioException(source, errors);
        }

        return new Scenario(key, spec);
    }

    /// <summary>Every rule the schema sets beyond types, each broken one as "path: what is wrong".</summary>
    public static List<string> Validate(ScenarioSpec spec)
    {
        var errors = new List<string>();
        void Check(bool ok, string path, string message)
        {
            if (!ok)
            {
                errors.Add($"{path}: {message}");
            }
        }

        Check(!string.IsNullOrWhiteSpace(spec.Id), "$.id", "required");
        Check(!string.IsNullOrWhiteSpace(spec.Name), "$.name", "required");
        Check(spec.WarmupS >= 0 && double.IsFinite(spec.WarmupS), "$.warmupS", $"must be 0 or more, found {spec.WarmupS}");
        Check(spec.DurationS is null || (spec.DurationS > 0 && double.IsFinite(spec.DurationS.Value)), "$.durationS", $"must be above 0, found {spec.DurationS}");
        Check(spec.DeadlineMs > 0 && double.IsFinite(spec.DeadlineMs), "$.deadlineMs", $"must be above 0, found {spec.DeadlineMs}");
        Check(spec.Balancers is >= 1 and <= 1024, "$.balancers", $"must be 1 to 1024, found {spec.Balancers}");
        Check(spec.CapacityRps is null || spec.CapacityRps > 0, "$.capacityRps", $"must be above 0, found {spec.CapacityRps}");
        Check(spec.HealthIntervalMs >= 0, "$.healthIntervalMs", $"must be 0 or more, found {spec.HealthIntervalMs}");

        int backendCount = 0;
        if (spec.Backends is null || spec.Backends.Count == 0)
        {
            errors.Add("$.backends: required, at least one group");
        }
        else
        {
            for (int g = 0; g < spec.Backends.Count; g++)
            {
                string path = $"$.backends[{g}]";
                BackendGroupSpec? group = spec.Backends[g];
                if (group is null)
                {
                    errors.Add($"{path}: expected an object, found null");
                    continue;
                }

                Check(group.Count is >= 1 and <= 4096, $"{path}.count", $"must be 1 to 4096, found {group.Count}");
                backendCount += Math.Max(0, group.Count);
                Check(group.Slots is >= 1 and <= 100_000, $"{path}.slots", $"must be 1 to 100000, found {group.Slots}");
                Check(group.Speed > 0 && double.IsFinite(group.Speed), $"{path}.speed", $"must be above 0, found {group.Speed}");
                if (group.LoadDependence is { } load)
                {
                    Check(group.Queue == QueueDiscipline.None, $"{path}.loadDependence", "needs \"queue\": \"none\"");
                    Check(load.Knee >= 0, $"{path}.loadDependence.knee", $"must be 0 or more, found {load.Knee}");
                    Check(load.Slope >= 0 && double.IsFinite(load.Slope), $"{path}.loadDependence.slope", $"must be 0 or more, found {load.Slope}");
                }

                if (group.Service is null)
                {
                    errors.Add($"{path}.service: required");
                    continue;
                }

                ServiceTimeSpec service = group.Service;
                Check(service.MeanMs > 0 && double.IsFinite(service.MeanMs), $"{path}.service.meanMs", $"must be above 0, found {service.MeanMs}");
                switch (service.Distribution)
                {
                    case ServiceDistribution.Lognormal:
                        Check(service.Cv > 0 && double.IsFinite(service.Cv), $"{path}.service.cv", $"must be above 0, found {service.Cv}");
                        break;
                    case ServiceDistribution.Pareto:
                        Check(service.Alpha > 1 && double.IsFinite(service.Alpha), $"{path}.service.alpha", $"must be above 1, found {service.Alpha}");
                        Check(service.CutMs is null || service.CutMs > service.MeanMs, $"{path}.service.cutMs", $"must be above meanMs, found {service.CutMs}");
                        break;
                }
            }
        }

        ValidateArrivals(spec, errors, Check);

        if (spec.Schedule is not null)
        {
            for (int i = 0; i < spec.Schedule.Count; i++)
            {
                string path = $"$.schedule[{i}]";
                ScheduleEntrySpec? entry = spec.Schedule[i];
                if (entry is null)
                {
                    errors.Add($"{path}: expected an object, found null");
                    continue;
                }

                Check(entry.Backend >= 0 && entry.Backend < backendCount, $"{path}.backend", $"must be a backend index 0 to {backendCount - 1}, found {entry.Backend}");
                Check(entry.FromS >= 0, $"{path}.fromS", $"must be 0 or more, found {entry.FromS}");
                Check(entry.ToS > entry.FromS, $"{path}.toS", $"must be after fromS, found {entry.ToS}");
                Check(entry.MeanMs is null || entry.MeanMs > 0, $"{path}.meanMs", $"must be above 0, found {entry.MeanMs}");
                Check(entry.ErrorRate is null || entry.ErrorRate is >= 0 and <= 1, $"{path}.errorRate", $"must be 0 to 1, found {entry.ErrorRate}");
                Check(entry.ErrorStatus is >= 100 and <= 599, $"{path}.errorStatus", $"must be an HTTP status, found {entry.ErrorStatus}");
                Check(entry.MeanMs is not null || entry.Refuse || entry.ErrorRate is not null, path, "needs meanMs, refuse or errorRate");
            }
        }

        if (spec.Slowdowns is { } slowdowns)
        {
            Check(slowdowns.MeanIntervalS > 0 && double.IsFinite(slowdowns.MeanIntervalS), "$.slowdowns.meanIntervalS", $"must be above 0, found {slowdowns.MeanIntervalS}");
            if (slowdowns.Factors is null || slowdowns.Factors.Count == 0)
            {
                errors.Add("$.slowdowns.factors: required, at least one");
            }
            else
            {
                double sum = 0;
                for (int i = 0; i < slowdowns.Factors.Count; i++)
                {
                    SlowdownFactorSpec? factor = slowdowns.Factors[i];
                    if (factor is null)
                    {
                        errors.Add($"$.slowdowns.factors[{i}]: expected an object, found null");
                        continue;
                    }

                    Check(factor.Factor > 0 && double.IsFinite(factor.Factor), $"$.slowdowns.factors[{i}].factor", $"must be above 0, found {factor.Factor}");
                    Check(factor.P is >= 0 and <= 1, $"$.slowdowns.factors[{i}].p", $"must be 0 to 1, found {factor.P}");
                    sum += factor.P;
                }

                Check(Math.Abs(sum - 1) < 1e-6, "$.slowdowns.factors", $"probabilities must sum to 1, found {sum}");
            }
        }

        if (spec.Watch is not null)
        {
            for (int i = 0; i < spec.Watch.Count; i++)
            {
                string path = $"$.watch[{i}]";
                WatchSpec? watch = spec.Watch[i];
                if (watch is null)
                {
                    errors.Add($"{path}: expected an object, found null");
                    continue;
                }

                Check(watch.Backend >= 0 && watch.Backend < backendCount, $"{path}.backend", $"must be a backend index 0 to {backendCount - 1}, found {watch.Backend}");
                Check(watch.FromS >= 0, $"{path}.fromS", $"must be 0 or more, found {watch.FromS}");
                Check(watch.ToS > watch.FromS, $"{path}.toS", $"must be after fromS, found {watch.ToS}");
                Check(watch.DivertShare is null || watch.DivertShare is >= 0 and <= 1, $"{path}.divertShare", $"must be 0 to 1, found {watch.DivertShare}");
                Check(watch.RecoverShare is null || watch.RecoverShare is >= 0 and <= 1, $"{path}.recoverShare", $"must be 0 to 1, found {watch.RecoverShare}");
            }
        }

        if (spec.Slo is { } slo)
        {
            Check(slo.P99Ms > 0, "$.slo.p99Ms", $"must be above 0, found {slo.P99Ms}");
            Check(slo.ErrorRate is >= 0 and <= 1, "$.slo.errorRate", $"must be 0 to 1, found {slo.ErrorRate}");
        }

        return errors;
    }

    private static void ValidateArrivals(ScenarioSpec spec, List<string> errors, Action<bool, string, string> check)
    {
        ArrivalSpec? arrivals = spec.Arrivals;
        if (arrivals is null)
        {
            errors.Add("$.arrivals: required");
            return;
        }

        static bool IsLoad(double? load) => load is > 0 and < 1000;
        check(arrivals.WarmupLoad is null || IsLoad(arrivals.WarmupLoad), "$.arrivals.warmupLoad", $"must be above 0 and below 1000, found {arrivals.WarmupLoad}");
        switch (arrivals.Process)
        {
            case ArrivalProcessKind.Poisson:
                check(IsLoad(arrivals.Load), "$.arrivals.load", arrivals.Load is null ? "required for poisson" : $"must be above 0 and below 1000, found {arrivals.Load}");
                break;
            case ArrivalProcessKind.Bursty:
                foreach ((string name, BurstPhaseSpec? phase) in new[] { ("on", arrivals.On), ("off", arrivals.Off) })
                {
                    if (phase is null)
                    {
                        errors.Add($"$.arrivals.{name}: required for bursty");
                        continue;
                    }

                    check(phase.Load is >= 0 and < 1000, $"$.arrivals.{name}.load", $"must be 0 or more and below 1000, found {phase.Load}");
                    check(phase.MeanS > 0 && double.IsFinite(phase.MeanS), $"$.arrivals.{name}.meanS", $"must be above 0, found {phase.MeanS}");
                }

                break;
            case ArrivalProcessKind.Ramp:
                if (arrivals.Steps is null || arrivals.Steps.Count == 0)
                {
                    errors.Add("$.arrivals.steps: required for ramp, at least one");
                    break;
                }

                check(spec.DurationS is null, "$.durationS", "not allowed with a ramp: the steps give the duration");
                for (int i = 0; i < arrivals.Steps.Count; i++)
                {
                    RampStepSpec? step = arrivals.Steps[i];
                    if (step is null)
                    {
                        errors.Add($"$.arrivals.steps[{i}]: expected an object, found null");
                        continue;
                    }

                    check(IsLoad(step.Load), $"$.arrivals.steps[{i}].load", $"must be above 0 and below 1000, found {step.Load}");
                    check(step.DurationS > 0 && double.IsFinite(step.DurationS), $"$.arrivals.steps[{i}].durationS", $"must be above 0, found {step.DurationS}");
                }

                break;
        }

        check(arrivals.Load is null || arrivals.Process == ArrivalProcessKind.Poisson, "$.arrivals.load", "only with poisson");
        check((arrivals.On is null && arrivals.Off is null) || arrivals.Process == ArrivalProcessKind.Bursty, "$.arrivals.on", "only with bursty");
        check(arrivals.Steps is null || arrivals.Process == ArrivalProcessKind.Ramp, "$.arrivals.steps", "only with ramp");
    }

    private static string Describe(JsonException e)
    {
        string path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        string message = e.Message;

        // System.Text.Json's own messages name .NET types; say it in the schema's words instead.
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"{path}: unknown field";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"{path}: bad value (wrong type or not one of the allowed words)";
        }

        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return $"{path}: {(cut > 0 ? message[..cut] : message)}";
    }
}
