namespace Factory.Dataflow;

/// <summary>
/// Caps the requests inside the BUILD -> VALIDATE -> TEST loop. The feedback link holds as many as this admits, so a
/// failing gate can always hand its request back, and the bounded cycle never fills up (see DATAFLOW-PITFALLS).
/// </summary>
internal sealed class LoopAdmission(int limit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    public int Limit { get; } = limit;

    public int InLoop => Limit - _slots.CurrentCount;

    public async ValueTask EnterAsync(RequestState state)
    {
        await _slots.WaitAsync(state.Token).ConfigureAwait(false);
        state.HoldsLoopSlot = true;
    }

    /// <summary>Gives the slot back when the request leaves the loop (to REVIEW or to settle).</summary>
    public void LeaveIfInside(RequestState state)
    {
        if (state.HoldsLoopSlot)
        {
            state.HoldsLoopSlot = false;
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
