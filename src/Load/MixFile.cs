namespace FastLb.Load;

/// <summary>The mix file as read: <c>{"requests": [...]}</c>.</summary>
public sealed class MixFile
{
    /// <summary>The kinds of request and their weights.</summary>
    public List<MixEntry> Requests { get; set; } = [];
}
