namespace FastLb.Backends.Hosting;

/// <summary>Runs an action on dispose, to hand a synchronous resource to <see cref="BackendContext.Own{T}"/>.</summary>
internal sealed class DisposeAction(Action action) : IAsyncDisposable
{
    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        action();
        return ValueTask.CompletedTask;
    }
}
