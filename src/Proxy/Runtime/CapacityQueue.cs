using System.Collections.Concurrent;

namespace FastLb.Proxy.Runtime;

/// <summary>Requests waiting for a backend below the pool's concurrency cap: bounded in length and in time.</summary>
/// <remarks>
/// Only a saturated pool uses it: a request that finds every backend at its cap waits here for an
/// attempt of the pool to end (<see cref="Release"/>, one volatile read per completion while nobody
/// waits), then picks again. Carried across config reloads by pool name.
/// </remarks>
internal sealed class CapacityQueue
{
    private readonly ConcurrentQueue<TaskCompletionSource> _waiting = new();
    private int _count;
    private long _full;
    private long _timedOut;

    /// <summary>Requests waiting now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Requests refused because the queue was full (or the pool has none).</summary>
    public long RejectedFull => Interlocked.Read(ref _full);

    /// <summary>Requests that waited their whole timeout.</summary>
    public long RejectedTimeout => Interlocked.Read(ref _timedOut);

    /// <summary>Counts a request refused at once: the queue is full or the pool has none.</summary>
    public void CountFull() => Interlocked.Increment(ref _full);

    /// <summary>Waits until an attempt of the pool ends or <paramref name="timeout"/> passes; false (and counted) when the queue is full or the time ran out.</summary>
    public async Task<bool> WaitAsync(int maxWaiting, TimeSpan timeout, TimeProvider time)
    {
        if (Interlocked.Increment(ref _count) > maxWaiting)
        {
            Interlocked.Decrement(ref _count);
            CountFull();
            return false;
        }

        var slot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Enqueue(slot);
        try
        {
            await slot.Task.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            // Withdrawn, so a later release passes it by; one that came in the same instant is lost,
            // and the next completion wakes the next waiter.
            slot.TrySetCanceled();
            Interlocked.Increment(ref _timedOut);
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>An attempt of the pool ended: wakes the longest-waiting request, if any.</summary>
    public void Release()
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        while (_waiting.TryDequeue(out TaskCompletionSource? slot))
        {
            if (slot.TrySetResult())
            {
                return;
            }
        }
    }
}
