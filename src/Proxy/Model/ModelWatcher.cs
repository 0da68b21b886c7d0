using FastLb.Policy;
using FastLb.Policy.Prediction;

namespace FastLb.Proxy.Model;

/// <summary>Loads the latency model at start and swaps in each new version of the file, validated, without stopping traffic.</summary>
/// <remarks>
/// The file is polled (size and write time) once a second rather than watched with inotify: a
/// model written by temp file and rename is seen either way, and polling also sees a file that
/// appears after start. A file that does not load (other features, other version, torn JSON) is
/// refused and logged, and the model in use stays.
/// </remarks>
internal sealed class ModelWatcher : IDisposable
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ILatencyModelUser[] _policies = [];
    private readonly ITimer _timer;
    private readonly TextWriter _log;
    private (long Length, DateTime WriteTime) _seen;
    private ModelState _state;
    private int _checking;

    /// <summary>Loads <paramref name="path"/> if it exists; throws <see cref="LatencyModelException"/> when it exists but is invalid.</summary>
    public ModelWatcher(string path, TimeProvider time, TextWriter log)
    {
        _path = path;
        _time = time;
        _log = log;
        _state = new ModelState(null, null, 0, 0, null);
        if (File.Exists(path))
        {
            _seen = Stamp();
            TreeLatencyModel model = Load(path);
            _state = _state with { Model = model, LoadedAt = time.GetUtcNow() };
        }
        else
        {
            log.WriteLine($"fastlb: model file {path} not found; the fastlb policy runs without a model until it appears");
        }

        _timer = time.CreateTimer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The model in use now, null when none.</summary>
    public ILatencyModel? Current => Volatile.Read(ref _state).Model;

    /// <summary>What /status and /metrics show.</summary>
    public ModelState State => Volatile.Read(ref _state);

    /// <summary>The file watched.</summary>
    public string Path => _path;

    /// <summary>Sets the policies that get every new model (a config reload replaces them) and gives them the model in use.</summary>
    /// <remarks>
    /// Under the same lock as the swap in <see cref="Check"/>, so a policy built from the old model
    /// while a new one was being swapped in still ends up with the new one. Cold path only.
    /// </remarks>
    public void SetPolicies(ILatencyModelUser[] policies)
    {
        lock (_gate)
        {
            _policies = policies;
            ILatencyModel? model = Current;
            foreach (ILatencyModelUser policy in policies)
            {
                if (!ReferenceEquals(policy.Model, model))
                {
                    policy.SetModel(model);
                }
            }
        }
    }

    /// <summary>Looks at the file now (the timer calls this every second).</summary>
    internal void Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            if (!File.Exists(_path))
            {
                return;
            }

            (long, DateTime) stamp = Stamp();
            if (stamp == _seen)
            {
                return;
            }

            _seen = stamp;
            ModelState state = State;
            try
            {
                TreeLatencyModel model = Load(_path);
                lock (_gate)
                {
                    foreach (ILatencyModelUser policy in _policies)
                    {
                        policy.SetModel(model);
                    }

                    Volatile.Write(ref _state, state with { Model = model, LoadedAt = _time.GetUtcNow(), Reloads = state.Reloads + 1, LastError = null });
                }

                _log.WriteLine($"fastlb: model {_path} loaded (version {model.Info.Version}, validation RMSE {model.Info.ValidationRmseMs:0.###} ms)");
            }
            catch (Exception e) when (e is LatencyModelException or IOException or UnauthorizedAccessException)
            {
                Volatile.Write(ref _state, state with { Failures = state.Failures + 1, LastError = e.Message });
                _log.WriteLine($"fastlb: model {_path} refused, keeping the model in use: {e.Message}");
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private (long, DateTime) Stamp()
    {
        var info = new FileInfo(_path);
        return (info.Length, info.LastWriteTimeUtc);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    /// <summary>Reads and checks the model file at <paramref name="path"/>.</summary>
    /// <exception cref="LatencyModelException">Unreadable, not a model file, or trained on other features.</exception>
    private static TreeLatencyModel Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatencyModelException($"cannot read model '{path}': {e.Message}", e);
        }

        return LatencyModelFile.Parse(bytes, path);
    }
}
